//! The one door to in-app notifications: channels and the publisher write
//! them here, the API reads and marks them here.

use letsgrow_core::notification::NotificationKind;
use letsgrow_db::Db;
use letsgrow_db::notifications::{self as repo, About, NotificationRow};

pub use letsgrow_db::DbError as NotificationError;

/// How many notifications a list shows at most.
pub const LIST_LIMIT: i64 = 50;

#[derive(Clone)]
pub struct NotificationService {
    db: Db,
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl NotificationService {
    pub fn new(db: Db) -> Self {
        NotificationService { db }
    }

    /// Tells the user something: `title` names what happened, `body` what to do.
    pub async fn notify(
        &self,
        user_id: &str,
        kind: NotificationKind,
        title: &str,
        body: &str,
        about: About<'_>,
    ) -> Result<(), NotificationError> {
        repo::notify(
            &self.db,
            user_id,
            kind.as_str(),
            title,
            body,
            about,
            now_ms(),
        )
        .await
    }

    /// The user's notifications, newest first (the latest [`LIST_LIMIT`]).
    pub async fn list(&self, user_id: &str) -> Result<Vec<NotificationRow>, NotificationError> {
        repo::list(&self.db, user_id, LIST_LIMIT).await
    }

    /// Marks `ids` read, or every unread one when `ids` is `None`; returns how
    /// many are still unread.
    pub async fn mark_read(
        &self,
        user_id: &str,
        ids: Option<&[String]>,
    ) -> Result<i64, NotificationError> {
        repo::mark_read(&self.db, user_id, ids, now_ms()).await
    }
}
