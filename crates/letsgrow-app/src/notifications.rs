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

/// Tells the user when a background task that concerns them failed for good
/// (the operator sees every failure in the log and `letsgrow tasks list`).
pub struct TaskFailureNotices(pub NotificationService);

impl letsgrow_jobs::FailureReporter for TaskFailureNotices {
    fn task_failed<'a>(
        &'a self,
        t: &'a letsgrow_jobs::FailedTask,
    ) -> futures::future::BoxFuture<'a, ()> {
        Box::pin(async move {
            let Some(user) = &t.user_id else { return };
            let title = format!("Couldn't finish: {}", t.title);
            let tries = if t.attempts == 1 {
                "once".to_owned()
            } else {
                format!("{} times", t.attempts)
            };
            let body = format!(
                "LetsGrow tried {tries} and stopped: {}. Nothing else is affected. If this keeps happening, \
                 tell whoever runs your LetsGrow; they can try it again with `letsgrow tasks retry {}`.",
                t.error.trim_end_matches('.'),
                t.id
            );
            if let Err(e) = self
                .0
                .notify(
                    user,
                    NotificationKind::TaskFailed,
                    &title,
                    &body,
                    About::default(),
                )
                .await
            {
                tracing::error!(error = %e, task = %t.id, "could not tell the user a task failed");
            }
        })
    }
}
