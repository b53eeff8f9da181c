//! Analytics storage (issue 12): posts are stored once per dedupe key, a
//! number the platform did not report stays absent (never 0), and retried
//! snapshot writes land once — on SQLite and PostgreSQL.

use crate::helpers::{Backend, spawn_app_with};
use crate::posts::{Receiver, user, webhook};
use letsgrow_core::Metric;
use letsgrow_core::metrics::{AccountStats, MetricSet};
use letsgrow_db::analytics::{self, NewPost, Origin};

const BACKENDS: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];

#[tokio::test]
async fn posts_once_absent_numbers_stay_absent_snapshots_once() {
    for backend in BACKENDS {
        let app = spawn_app_with(backend, |c| c.network.allow_private = true).await;
        let db = &app.state.app.db;
        let token = user(&app, "numbers@example.com").await;
        let rx = Receiver::start(0).await;
        let channel = webhook(&app, &token, &rx, "numbers").await;
        let me = app.get_json("/api/v1/auth/me", &token).await;
        let user_id = me["id"].as_str().unwrap().to_owned();
        let post = |origin, external_id| NewPost {
            user_id: &user_id,
            channel_id: None,
            platform: "mastodon",
            handle: Some("@me@example.social"),
            target_id: None,
            external_id,
            dedupe_key: "109",
            origin,
            posted_at: 1_700_000_000_000,
            text: "hello",
            url: None,
            is_reply: false,
            is_repost: false,
        };
        let (id, created) = analytics::upsert_post(db, &post(Origin::Import, None))
            .await
            .unwrap();
        assert!(created, "{backend:?}");
        // Collected later under the same key: the same post, its id filled in.
        let (again, created) = analytics::upsert_post(db, &post(Origin::External, Some("109")))
            .await
            .unwrap();
        assert_eq!(
            (again.as_str(), created),
            (id.as_str(), false),
            "{backend:?}"
        );

        let m = MetricSet::new()
            .with(Metric::Likes, Some(0))
            .with(Metric::Reposts, Some(3));
        analytics::insert_post_snapshot(db, &id, 1_000, "api", &m)
            .await
            .unwrap();
        // A retried task writes the same moment again with newer numbers.
        let m2 = m.with(Metric::Likes, Some(2));
        analytics::insert_post_snapshot(db, &id, 1_000, "api", &m2)
            .await
            .unwrap();
        analytics::insert_post_snapshot(db, &id, 2_000, "api", &m2.with(Metric::Replies, Some(1)))
            .await
            .unwrap();
        let snaps = analytics::post_snapshots(db, &id).await.unwrap();
        assert_eq!(snaps.len(), 2, "{backend:?}");
        assert_eq!(snaps[0], (1_000, m2), "{backend:?}");
        assert_eq!(
            snaps[0].1.get(Metric::Views),
            None,
            "{backend:?}: views absent, not 0"
        );
        assert_eq!(snaps[1].1.get(Metric::Replies), Some(1), "{backend:?}");

        let stats = AccountStats {
            followers: Some(120),
            following: Some(80),
            posts: None,
        };
        analytics::insert_account_snapshot(db, &channel, 5_000, &stats)
            .await
            .unwrap();
        analytics::insert_account_snapshot(db, &channel, 5_000, &stats)
            .await
            .unwrap();
        let accounts = analytics::account_snapshots(db, &channel, 0).await.unwrap();
        assert_eq!(accounts, vec![(5_000, stats)], "{backend:?}");
        assert!(
            analytics::account_snapshots(db, &channel, 5_001)
                .await
                .unwrap()
                .is_empty()
        );
    }
}
