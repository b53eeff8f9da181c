//! Health, readiness, metrics, docs, unknown paths.

use crate::both_backends;
use crate::helpers::{TestApp, expect_error};
use serde_json::Value;

both_backends!(
    health_ready_metrics_and_docs,
    unknown_api_paths_and_methods_get_the_envelope
);

async fn health_ready_metrics_and_docs(app: TestApp) {
    let h = app.client.get(app.url("/api/health")).send().await.unwrap();
    assert_eq!(h.status(), 200);
    assert!(h.headers().contains_key("x-request-id"));
    assert_eq!(h.headers()["x-content-type-options"], "nosniff");
    let r: Value = app
        .client
        .get(app.url("/api/ready"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["status"], "ready");
    let expected = match app.backend {
        crate::helpers::Backend::Sqlite => "sqlite",
        crate::helpers::Backend::Postgres => "postgres",
    };
    assert_eq!(r["database"], expected);
    assert_eq!(r["redis"], "not_configured");

    // Metrics need the configured token.
    let anonymous = app.client.get(app.url("/metrics")).send().await.unwrap();
    expect_error(anonymous, 401, "unauthorized").await;
    let m = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth(crate::helpers::METRICS_TOKEN)
        .send()
        .await
        .unwrap();
    assert!(
        m.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = m.text().await.unwrap();
    assert!(
        text.contains(
            r#"letsgrow_http_requests_total{route="/api/health",method="GET",status="200"} 1"#
        ),
        "{text}"
    );
    assert!(text.contains("letsgrow_http_request_duration_seconds_bucket{route=\"/api/ready\""));

    let doc: Value = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let docs = app.client.get(app.url("/api/docs/")).send().await.unwrap();
    assert_eq!(docs.status(), 200);
    assert!(docs.text().await.unwrap().contains("swagger"));
}

async fn unknown_api_paths_and_methods_get_the_envelope(app: TestApp) {
    expect_error(
        app.client
            .get(app.url("/api/v1/nothing-here"))
            .send()
            .await
            .unwrap(),
        404,
        "not_found",
    )
    .await;
    expect_error(
        app.client.get(app.url("/api")).send().await.unwrap(),
        404,
        "not_found",
    )
    .await;
    expect_error(
        app.client
            .delete(app.url("/api/v1/auth/login"))
            .send()
            .await
            .unwrap(),
        405,
        "method_not_allowed",
    )
    .await;
    expect_error(
        app.client
            .get(app.url("/api/v1/auth/login"))
            .send()
            .await
            .unwrap(),
        405,
        "method_not_allowed",
    )
    .await;
}
