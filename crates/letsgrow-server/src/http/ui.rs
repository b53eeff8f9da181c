//! The web UI, served next to the API from files embedded at build time
//! (`--features ui`, from `frontend/out`), plus the JSON 404 for unknown API paths.

use crate::error::ApiError;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

/// Paths that belong to the server and must never be answered with a page.
pub fn is_server_path(path: &str) -> bool {
    path == "/api"
        || path.starts_with("/api/")
        || path == "/metrics"
        || path.starts_with("/metrics/")
}

pub async fn fallback(uri: Uri) -> Response {
    let path = uri.path();
    if is_server_path(path) {
        return ApiError::not_found(format!("There is no API endpoint at {path}.")).into_response();
    }
    serve_page(path)
}

#[cfg(feature = "ui")]
mod embedded {
    #[derive(rust_embed::RustEmbed)]
    #[folder = "$CARGO_MANIFEST_DIR/../../frontend/out"]
    pub struct Assets;
}

#[cfg(feature = "ui")]
fn serve_page(path: &str) -> Response {
    use embedded::Assets;
    let rel = path.trim_start_matches('/');
    let candidates = [
        rel.to_owned(),
        format!(
            "{}index.html",
            if rel.is_empty() || rel.ends_with('/') {
                rel.to_owned()
            } else {
                format!("{rel}/")
            }
        ),
        format!("{}.html", rel.trim_end_matches('/')),
    ];
    for name in candidates.iter().filter(|n| !n.is_empty()) {
        if let Some(file) = Assets::get(name) {
            return file_response(name, file, StatusCode::OK);
        }
    }
    match Assets::get("404.html") {
        Some(file) => file_response("404.html", file, StatusCode::NOT_FOUND),
        None => (StatusCode::NOT_FOUND, "Not found").into_response(),
    }
}

#[cfg(feature = "ui")]
fn file_response(name: &str, file: rust_embed::EmbeddedFile, status: StatusCode) -> Response {
    let mime = file.metadata.mimetype().to_owned();
    // Hashed build assets never change; pages must be revalidated so a new
    // release is picked up.
    let cache = if name.starts_with("_next/static/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let mut resp = (status, file.data.into_owned()).into_response();
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&mime) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    resp
}

#[cfg(not(feature = "ui"))]
fn serve_page(path: &str) -> Response {
    use axum::response::Html;
    if path == "/" {
        let mut resp = Html(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>LetsGrow</title></head>\
             <body><h1>LetsGrow API</h1><p>This build does not embed the web UI (build with <code>--features ui</code>). \
             The API reference is at <a href=\"/api/docs/\">/api/docs/</a>.</p></body></html>",
        )
        .into_response();
        resp.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        return resp;
    }
    (
        StatusCode::NOT_FOUND,
        Html("<!doctype html><title>Not found</title><p>Not found.</p>"),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_paths_are_never_pages() {
        assert!(is_server_path("/api"));
        assert!(is_server_path("/api/v1/nope"));
        assert!(is_server_path("/metrics"));
        assert!(!is_server_path("/apis"));
        assert!(!is_server_path("/dashboard/"));
    }
}
