//! `/api/v1/posts/import` and `/api/v1/posts/export`: posts from and to CSV files.

use crate::error::{ApiError, ErrorCode};
use crate::extract::{ApiJson, ApiQuery};
use crate::http::auth::Authenticated;
use crate::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use letsgrow_app::posts::csv::{ExportSelection, ImportReport, RowReport};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Validate and report only; import nothing.
    pub dry_run: Option<bool>,
    /// Import the valid rows even when some rows are bad (default: one bad row imports nothing).
    pub skip_invalid: Option<bool>,
}

#[derive(Serialize, ToSchema)]
pub struct ImportRow {
    /// Spreadsheet row number (the header is row 1).
    pub row: usize,
    pub ok: bool,
    /// `missing_field`, `invalid_time`, `unknown_timezone`, `invalid_url`, `invalid_thread`, `wrong_field_count`, `empty_text`, `unknown_channel`, `in_past`, `invalid_content`, `unknown_media`.
    pub code: Option<String>,
    /// The column at fault.
    pub field: Option<String>,
    pub message: Option<String>,
    pub post_id: Option<String>,
    /// How a local time was resolved across a DST change.
    pub note: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ImportResult {
    /// True when posts were written (false on `dry_run` or when a bad row stopped the import).
    pub committed: bool,
    pub posts_created: usize,
    pub rows_ok: usize,
    pub rows_failed: usize,
    pub rows: Vec<ImportRow>,
}

impl From<ImportReport> for ImportResult {
    fn from(r: ImportReport) -> Self {
        let ok = r.rows.iter().filter(|x| x.ok).count();
        ImportResult {
            committed: r.committed,
            posts_created: r.posts_created,
            rows_ok: ok,
            rows_failed: r.rows.len() - ok,
            rows: r
                .rows
                .into_iter()
                .map(|x: RowReport| ImportRow {
                    row: x.row,
                    ok: x.ok,
                    code: x.code,
                    field: x.field,
                    message: x.message,
                    post_id: x.post_id,
                    note: x.note,
                })
                .collect(),
        }
    }
}

/// Most bytes a CSV upload may have.
const MAX_CSV_BYTES: usize = 8 * 1024 * 1024;

/// Import posts from CSV (`channel,text,scheduled_at[,timezone,media_url,alt_text,thread_id,thread_order]`). Every row is validated before anything is written; the report names each bad row.
#[utoipa::path(post, path = "/api/v1/posts/import", operation_id = "posts_import_csv", tag = "posts",
    security(("bearer" = [])),
    params(ImportQuery),
    request_body(content = String, content_type = "text/csv", description = "The CSV file (UTF-8, header row first)"),
    responses(
        (status = 200, description = "Per-row report", body = ImportResult),
        (status = 401, description = "Not logged in", body = crate::error::ErrorBody),
        (status = 413, description = "File too large", body = crate::error::ErrorBody),
        (status = 415, description = "Not text/csv", body = crate::error::ErrorBody),
        (status = 422, description = "The file itself is unusable (no header, unknown columns, too many rows, not UTF-8)", body = crate::error::ErrorBody),
    ))]
pub async fn import_csv(
    State(state): State<AppState>,
    Authenticated(who): Authenticated,
    ApiQuery(q): ApiQuery<ImportQuery>,
    req: axum::extract::Request,
) -> Result<axum::Json<ImportResult>, ApiError> {
    let ct = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if !["text/csv", "text/plain", "application/csv"].contains(&ct.as_str()) {
        return Err(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            "Send the file with `Content-Type: text/csv`.",
        ));
    }
    let body = crate::extract::read_limited(req, MAX_CSV_BYTES).await?;
    let report = state
        .posts
        .import_csv(
            &who.user.id,
            &body,
            q.dry_run.unwrap_or(false),
            q.skip_invalid.unwrap_or(false),
        )
        .await?;
    Ok(axum::Json(report.into()))
}

/// The queue (every scheduled post) as CSV in the import format.
#[utoipa::path(get, path = "/api/v1/posts/export", operation_id = "posts_export_csv", tag = "posts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "CSV", content_type = "text/csv", body = String),
        (status = 401, description = "Not logged in", body = crate::error::ErrorBody),
    ))]
pub async fn export_csv(
    State(state): State<AppState>,
    Authenticated(who): Authenticated,
) -> Result<axum::response::Response, ApiError> {
    let csv = state.posts.export_csv(&who.user.id).await?;
    Ok(csv_download(&csv))
}

/// Most posts one selected export names (a queue page's limit).
pub const MAX_EXPORT_POSTS: usize = 1_000;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportRequest {
    /// The posts, in the order the rows should come (what the view lists).
    #[schema(max_items = 1000)]
    pub post_ids: Vec<uuid::Uuid>,
    /// The channel states to include (the view's tab, e.g. `published` for Sent).
    #[schema(min_items = 1, max_items = 6)]
    pub states: Vec<super::posts::TargetState>,
    /// Only this channel (the view's channel filter).
    pub channel_id: Option<uuid::Uuid>,
}

/// Exactly what a view of the queue shows, as CSV in the import format: the
/// given posts' channels in the given states (and channel). Posts that are not
/// yours are left out.
#[utoipa::path(post, path = "/api/v1/posts/export", operation_id = "posts_export_selection_csv", tag = "posts",
    security(("bearer" = [])),
    request_body = ExportRequest,
    responses(
        (status = 200, description = "CSV", content_type = "text/csv", body = String),
        (status = 400, description = "Malformed JSON", body = crate::error::ErrorBody),
        (status = 401, description = "Not logged in", body = crate::error::ErrorBody),
        (status = 415, description = "Not JSON", body = crate::error::ErrorBody),
        (status = 422, description = "Too many posts, or no state", body = crate::error::ErrorBody),
    ))]
pub async fn export_selection_csv(
    State(state): State<AppState>,
    Authenticated(who): Authenticated,
    ApiJson(req): ApiJson<ExportRequest>,
) -> Result<axum::response::Response, ApiError> {
    if req.post_ids.len() > MAX_EXPORT_POSTS {
        return Err(ApiError::field(
            "post_ids",
            format!("at most {MAX_EXPORT_POSTS} posts at once; pick a date range to export fewer"),
        ));
    }
    if req.states.is_empty() || req.states.len() > 6 {
        return Err(ApiError::field(
            "states",
            "name between one and six states to export",
        ));
    }
    let selection = ExportSelection {
        post_ids: req.post_ids.iter().map(uuid::Uuid::to_string).collect(),
        states: req.states.iter().map(|s| s.as_str().to_owned()).collect(),
        channel_id: req.channel_id.map(|id| id.to_string()),
    };
    let csv = state
        .posts
        .export_selection(&who.user.id, &selection)
        .await?;
    Ok(csv_download(&csv))
}

fn csv_download(csv: &str) -> axum::response::Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"letsgrow-queue.csv\"",
            ),
        ],
        // A byte-order mark so spreadsheet programs read UTF-8; the importer accepts it.
        format!("\u{FEFF}{csv}"),
    )
        .into_response()
}
