//! What the queue does with the posts it shows: export exactly them, stop a
//! post between its attempts, delete drafts.

use crate::helpers::TestApp;
use crate::posts::{Receiver, app, create, in_ms, user, wait_post, webhook};
use serde_json::{Value, json};
use std::time::Duration;

async fn export(app: &TestApp, token: &str, body: Value) -> (u16, String) {
    let r = app
        .client
        .post(app.url("/api/v1/posts/export"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// The rows of an export after its header, without the byte-order mark.
fn rows(csv: &str) -> Vec<String> {
    csv.trim_start_matches('\u{FEFF}')
        .lines()
        .skip(1)
        .map(str::to_owned)
        .collect()
}

/// A tab's export holds that tab's posts only (the old export held every
/// scheduled post whatever the view showed), in the order given, and never
/// another user's post.
async fn export_holds_what_the_view_shows(app: TestApp) {
    let token = user(&app, "views@example.com").await;
    let rx = Receiver::start(0).await;
    let a = webhook(&app, &token, &rx, "a").await;
    let b = webhook(&app, &token, &rx, "b").await;
    let draft = |text: &str| json!({"channel_ids": [a], "content": {"parts": [{"text": text}]}, "schedule": {"mode": "draft"}});
    let d1 = create(&app, &token, draft("first draft")).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let d2 = create(&app, &token, draft("second draft")).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let s1 = create(&app, &token, json!({"channel_ids": [a, b], "content": {"parts": [{"text": "scheduled on two"}]}, "schedule": {"mode": "at", "at": in_ms(3_600_000)}})).await["id"].as_str().unwrap().to_owned();

    // The Drafts tab, both drafts, in the view's order.
    let (status, csv) = export(
        &app,
        &token,
        json!({"post_ids": [d2, d1], "states": ["draft"]}),
    )
    .await;
    assert_eq!(status, 200, "{csv}");
    let r = rows(&csv);
    assert_eq!(r.len(), 2, "{csv}");
    assert!(
        r[0].contains("second draft") && r[1].contains("first draft"),
        "{csv}"
    );

    // The Queued tab filtered to channel b: one row, the scheduled post on b.
    let (_, csv) = export(&app, &token, json!({"post_ids": [s1, d1], "states": ["scheduled", "publishing", "unconfirmed"], "channel_id": b})).await;
    let r = rows(&csv);
    assert_eq!(r.len(), 1, "{csv}");
    assert!(r[0].contains("scheduled on two"), "{csv}");

    // Someone else's post ids export nothing.
    let other = user(&app, "other@example.com").await;
    let (_, csv) = export(
        &app,
        &other,
        json!({"post_ids": [s1, d1], "states": ["draft", "scheduled"]}),
    )
    .await;
    assert!(rows(&csv).is_empty(), "{csv}");

    // Bad selections are 422s in the envelope.
    let (status, body) = export(&app, &token, json!({"post_ids": [d1], "states": []})).await;
    assert_eq!(status, 422, "{body}");
    let many: Vec<String> = (0..1001)
        .map(|i| format!("00000000-0000-4000-8000-{i:012}"))
        .collect();
    let (status, body) = export(&app, &token, json!({"post_ids": many, "states": ["draft"]})).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("\"post_ids\""), "{body}");
    // Ids that are not ids are refused by name, not exported as nothing.
    let (status, body) = export(
        &app,
        &token,
        json!({"post_ids": [d1], "states": ["draft"], "channel_id": ""}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("channel_id"), "{body}");
    let (status, body) = export(
        &app,
        &token,
        json!({"post_ids": ["nope"], "states": ["draft"]}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("post_ids"), "{body}");
}

/// A post between attempts (retrying after a 503, or unconfirmed after a 500)
/// can be cancelled: it goes back to draft and nothing more is sent. A draft can
/// be deleted; a post with a scheduled channel cannot.
async fn retrying_posts_stop_and_drafts_are_deleted(app: TestApp) {
    let token = user(&app, "stop@example.com").await;
    let rx = Receiver::start(0).await;
    let a = webhook(&app, &token, &rx, "a").await;
    let b = webhook(&app, &token, &rx, "b").await;
    for (status, waiting) in [(503, "scheduled"), (500, "unconfirmed")] {
        let before = rx.requests().len();
        rx.script(&[status, status, status]);
        let post = create(&app, &token, json!({"channel_ids": [a], "content": {"parts": [{"text": format!("stop me after {status}")}]}, "schedule": {"mode": "now"}})).await;
        let id = post["id"].as_str().unwrap().to_owned();
        let t = wait_post(&app, &token, &id, Duration::from_secs(20), |v| {
            v["targets"][0]["state"] == waiting && v["targets"][0]["attempts"] == 1
        })
        .await;
        assert_eq!(t["targets"][0]["state"], waiting, "{t}");
        let r = app
            .post_auth(&format!("/api/v1/posts/{id}/cancel"), &token, &json!({}))
            .await;
        let status_code = r.status().as_u16();
        let v: Value = r.json().await.unwrap();
        assert_eq!(status_code, 200, "{v}");
        assert_eq!(v["targets"][0]["state"], "draft", "{v}");
        // The backoff (about 2 s) passes and nothing more goes out.
        tokio::time::sleep(Duration::from_millis(3_500)).await;
        assert_eq!(rx.requests().len(), before + 1, "one attempt, then stopped");
        rx.seen_clear_script();

        // Now a draft: it can be deleted, and is gone.
        let r = app
            .client
            .delete(app.url(&format!("/api/v1/posts/{id}")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204);
        assert_eq!(
            app.get_auth(&format!("/api/v1/posts/{id}"), &token)
                .await
                .status(),
            404
        );
    }

    // A scheduled post is not a draft: 409 with what to do.
    let post = create(&app, &token, json!({"channel_ids": [b], "content": {"parts": [{"text": "later"}]}, "schedule": {"mode": "at", "at": in_ms(3_600_000)}})).await;
    let id = post["id"].as_str().unwrap();
    let r = app
        .client
        .delete(app.url(&format!("/api/v1/posts/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let body = crate::helpers::expect_error(r, 409, "conflict").await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Only drafts"),
        "{body}"
    );
    // Another user's post is a 404, not a delete.
    let other = user(&app, "not-mine@example.com").await;
    let r = app
        .client
        .delete(app.url(&format!("/api/v1/posts/{id}")))
        .bearer_auth(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

mod sqlite {
    #[tokio::test]
    async fn export_holds_what_the_view_shows() {
        super::export_holds_what_the_view_shows(super::app(crate::helpers::Backend::Sqlite).await)
            .await;
    }
    #[tokio::test]
    async fn retrying_posts_stop_and_drafts_are_deleted() {
        super::retrying_posts_stop_and_drafts_are_deleted(
            super::app(crate::helpers::Backend::Sqlite).await,
        )
        .await;
    }
}
mod postgres {
    #[tokio::test]
    async fn export_holds_what_the_view_shows() {
        super::export_holds_what_the_view_shows(
            super::app(crate::helpers::Backend::Postgres).await,
        )
        .await;
    }
    #[tokio::test]
    async fn retrying_posts_stop_and_drafts_are_deleted() {
        super::retrying_posts_stop_and_drafts_are_deleted(
            super::app(crate::helpers::Backend::Postgres).await,
        )
        .await;
    }
}
