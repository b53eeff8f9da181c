//! The task runner inside `serve`: housekeeping runs on it, failures reach
//! the user's notifications and the operator's metrics.

use crate::helpers::{Backend, METRICS_TOKEN, TestApp, spawn_app};
use letsgrow_jobs::EnqueueOptions;
use serde_json::Value;
use std::time::Duration;

async fn wait_state(app: &TestApp, id: &str, want: &str) -> letsgrow_jobs::Task {
    let until = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let t = app.state.jobs.get(id).await.unwrap();
        if t.state == want {
            return t;
        }
        assert!(
            std::time::Instant::now() < until,
            "task {id} is {} (wanted {want}): {t:?}",
            t.state
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn metrics(app: &TestApp) -> String {
    app.client
        .get(app.url("/metrics"))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn serve_stores_the_housekeeping_schedule_and_runs_it_on_demand() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = spawn_app(backend).await;
        let db = &app.state.db;
        // The runner declares its schedules when it starts.
        let until = std::time::Instant::now() + Duration::from_secs(10);
        let schedule = loop {
            let rows = app.state.jobs.schedules().await.unwrap();
            if let Some(s) = rows.into_iter().find(|s| s.name == "maintenance.prune") {
                break s;
            }
            assert!(
                std::time::Instant::now() < until,
                "{backend:?}: no schedule"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        assert_eq!(schedule.spec, "every 1h");
        let now = chrono::Utc::now().timestamp_millis();
        assert!(schedule.next_run_at > now && schedule.next_run_at <= now + 3_600_000);
        // An abandoned connect from yesterday, and one still in progress.
        let user = app.register("tidy@example.com").await;
        let user_id = user["user"]["id"].as_str().unwrap().to_owned();
        for (hash, expires) in [("old", now - 86_400_000), ("live", now + 600_000)] {
            letsgrow_db::oauth::insert_state(
                db,
                &letsgrow_db::oauth::OAuthStateRow {
                    state_hash: hash.into(),
                    user_id: user_id.clone(),
                    platform: "x".into(),
                    sealed: "lg1:test".into(),
                    redirect_uri: "http://127.0.0.1/cb".into(),
                    instance_url: None,
                    created_at: now - 86_400_000,
                    expires_at: expires,
                },
            )
            .await
            .unwrap();
        }
        let id = app
            .state
            .jobs
            .enqueue_json("maintenance.prune", "{}", EnqueueOptions::default())
            .await
            .unwrap();
        wait_state(&app, &id, "done").await;
        assert!(
            letsgrow_db::oauth::take_state(db, "old", now)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            letsgrow_db::oauth::take_state(db, "live", now)
                .await
                .unwrap()
                .is_some(),
            "{backend:?}"
        );
    }
}

#[tokio::test]
async fn a_failed_task_tells_its_user_and_shows_in_metrics() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = spawn_app(backend).await;
        let user = app.register("failing@example.com").await;
        let token = user["access_token"].as_str().unwrap().to_owned();
        let user_id = user["user"]["id"].as_str().unwrap().to_owned();
        // A task whose stored details are damaged cannot run.
        let id = app
            .state
            .jobs
            .enqueue_json(
                "maintenance.prune",
                "not json",
                EnqueueOptions {
                    user_id: Some(user_id),
                    ..EnqueueOptions::default()
                },
            )
            .await
            .unwrap();
        let t = wait_state(&app, &id, "failed").await;
        assert!(t.last_error.unwrap().contains("could not be read"));
        let notes: Value = app.get_json("/api/v1/notifications", &token).await;
        let note = notes
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["kind"] == "task_failed")
            .unwrap_or_else(|| panic!("{backend:?}: {notes}"));
        assert_eq!(
            note["title"],
            "Couldn't finish: Tidy up old sign-ins, connects, tasks and notifications"
        );
        let body = note["body"].as_str().unwrap();
        assert!(
            body.starts_with(
                "LetsGrow tried once and stopped: its stored details could not be read"
            ),
            "{body}"
        );
        assert!(
            body.contains(&format!("letsgrow tasks retry {id}")),
            "{body}"
        );
        // A kind this build does not know waits, and the wait is visible.
        app.state
            .jobs
            .enqueue_json(
                "reports.weekly",
                "{}",
                EnqueueOptions {
                    run_at: Some(chrono::Utc::now().timestamp_millis() - 5_000),
                    ..EnqueueOptions::default()
                },
            )
            .await
            .unwrap();
        let m = metrics(&app).await;
        assert!(
            m.contains("letsgrow_tasks{kind=\"maintenance.prune\",state=\"failed\"} 1"),
            "{m}"
        );
        assert!(
            m.contains("letsgrow_tasks{kind=\"reports.weekly\",state=\"queued\"} 1"),
            "{m}"
        );
        let age: f64 = m
            .lines()
            .find_map(|l| {
                l.strip_prefix("letsgrow_tasks_oldest_due_seconds{kind=\"reports.weekly\"} ")
            })
            .unwrap_or_else(|| panic!("{m}"))
            .parse()
            .unwrap();
        assert!(age >= 5.0, "{age}");
    }
}
