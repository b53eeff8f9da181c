//! The HTTP surface: routes, OpenAPI document, middleware.

pub mod auth;
pub mod channels;
pub mod csv;
pub mod media;
pub mod notifications;
pub mod ops;
pub mod posts;
pub mod schedule;
pub mod text;
pub mod ui;

use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::time::Instant;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::set_header::SetResponseHeaderLayer;
use tracing::Instrument;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use utoipa_swagger_ui::SwaggerUi;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

#[derive(OpenApi)]
#[openapi(
    info(title = "LetsGrow API", description = "Self-hostable social media growth platform. Every non-2xx response is `{\"error\":{\"code\",\"message\",\"details\"}}`."),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Accounts and sessions"),
        (name = "channels", description = "Connected accounts and webhook destinations"),
        (name = "posts", description = "Compose, schedule, publish; queue slots, CSV, media"),
        (name = "notifications", description = "What went wrong with a channel or a post"),
        (name = "text", description = "Per-platform text rules"),
        (name = "ops", description = "Operations"),
    ),
    components(schemas(crate::error::ErrorBody))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The API routes and their OpenAPI document, from one definition.
pub fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(auth::register))
        .routes(routes!(auth::login))
        .routes(routes!(auth::refresh))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::logout_all))
        .routes(routes!(auth::me, auth::update_me))
        .routes(routes!(auth::change_password))
        .routes(routes!(channels::list, channels::connect))
        .routes(routes!(channels::disconnect, channels::update))
        .routes(routes!(channels::test))
        .routes(routes!(notifications::list))
        .routes(routes!(notifications::mark_read))
        .routes(routes!(channels::platforms))
        .routes(routes!(channels::oauth_start))
        .routes(routes!(channels::oauth_callback))
        .routes(routes!(posts::create, posts::list))
        .routes(routes!(posts::get, posts::update, posts::delete))
        .routes(routes!(posts::cancel))
        .routes(routes!(posts::publish_now))
        .routes(routes!(csv::import_csv))
        .routes(routes!(csv::export_csv, csv::export_selection_csv))
        .routes(routes!(schedule::slots_get, schedule::slots_set))
        .routes(routes!(schedule::resolve))
        .routes(routes!(media::upload, media::list))
        .routes(routes!(media::public))
        .routes(routes!(media::usage))
        .routes(routes!(text::check))
        .routes(routes!(ops::health))
        .routes(routes!(ops::ready))
        .split_for_parts()
}

/// A string schema listing every IANA zone this build knows, so clients can
/// offer exactly the accepted values.
pub fn timezone_schema() -> utoipa::openapi::schema::Object {
    let mut zones: Vec<&'static str> = chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()).collect();
    zones.sort_unstable();
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .description(Some("An IANA time zone name, e.g. `Europe/Berlin`."))
        .enum_values(Some(zones))
        .build()
}

/// The OpenAPI document as served at `/api/openapi.json`.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    api().1
}

#[derive(Clone, Copy)]
struct MakeUuid;

impl MakeRequestId for MakeUuid {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        HeaderValue::from_str(&uuid::Uuid::new_v4().to_string())
            .ok()
            .map(RequestId::new)
    }
}

/// The whole application: API, docs, metrics, UI, middleware.
pub fn router(state: AppState) -> Router {
    let (api, doc) = api();
    let cors = cors_layer(&state.config.server.cors_origins);
    let hsts = state.config.serves_https();
    let mut app = api
        .route("/metrics", get(ops::metrics))
        .merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", doc))
        .fallback(ui::fallback)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .with_state(state);
    if let Some(cors) = cors {
        app = app.layer(cors);
    }
    if hsts {
        app = app.layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ));
    }
    with_security_headers(app)
        .layer(CatchPanicLayer::custom(
            |_: Box<dyn std::any::Any + Send>| {
                ApiError::internal("a handler panicked").into_response()
            },
        ))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeUuid))
}

/// Content-Security-Policy for the UI and API. Next's static export inlines its
/// bootstrap scripts, hence 'unsafe-inline' for scripts.
const CSP: &str = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; \
                   img-src 'self' data: blob: https:; font-src 'self' data:; connect-src 'self'; \
                   frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

fn with_security_headers(mut app: Router) -> Router {
    let headers: [(HeaderName, &'static str); 5] = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::CONTENT_SECURITY_POLICY, CSP),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    for (name, value) in headers {
        app = app.layer(SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_static(value),
        ));
    }
    app
}

fn cors_layer(origins: &[String]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let list: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(list))
            .allow_methods([
                Method::GET,
                Method::POST,
                Method::PATCH,
                Method::PUT,
                Method::DELETE,
            ])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                HeaderName::from_static(auth::WEB_CLIENT_HEADER),
            ])
            .expose_headers([REQUEST_ID, header::RETRY_AFTER])
            .allow_credentials(true),
    )
}

async fn method_not_allowed(method: Method) -> Response {
    ApiError::new(
        ErrorCode::MethodNotAllowed,
        format!("{method} is not allowed on this path."),
    )
    .into_response()
}

/// Records metrics and writes one log line per request, with its request id.
async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| {
            if ui::is_server_path(req.uri().path()) {
                "unmatched".into()
            } else {
                "ui".into()
            }
        });
    let request_id = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_owned();
    let span =
        tracing::info_span!("request", request_id = %request_id, method = %method, route = %route);
    let resp = next.run(req).instrument(span.clone()).await;
    let elapsed = start.elapsed();
    let status = resp.status().as_u16();
    state
        .metrics
        .record(&route, method.as_str(), status, elapsed);
    let _guard = span.enter();
    if status >= 500 {
        tracing::error!(
            status,
            latency_ms = elapsed.as_secs_f64() * 1000.0,
            "request failed"
        );
    } else {
        tracing::info!(
            status,
            latency_ms = elapsed.as_secs_f64() * 1000.0,
            "request"
        );
    }
    resp
}
