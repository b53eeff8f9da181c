//! Housekeeping on the task runner: every hour, delete what nothing can use
//! any more (ended sign-ins, abandoned connects, finished tasks, old read
//! notifications), so tables stay the size of what is live.

use letsgrow_db::Db;
use letsgrow_jobs::{JobHandler, Outcome, Recurrence, Schedule, TaskContext};

/// How long each kind of finished row is kept.
const SESSIONS_KEPT_MS: i64 = 7 * 86_400_000;
const TASKS_KEPT_MS: i64 = 14 * 86_400_000;
const READ_NOTIFICATIONS_KEPT_MS: i64 = 90 * 86_400_000;

/// `maintenance.prune`: deletes ended sessions (a week after they ended),
/// expired OAuth states, finished tasks (after two weeks) and read
/// notifications (after 90 days). Idempotent: deleting twice deletes nothing more.
pub struct Prune {
    db: Db,
}

impl Prune {
    pub fn new(db: Db) -> Prune {
        Prune { db }
    }

    /// The hourly schedule.
    pub fn schedule() -> Schedule {
        Schedule {
            name: "maintenance.prune".into(),
            kind: Self::KIND.into(),
            payload: serde_json::json!({}),
            recurrence: Recurrence::Every { secs: 3600 },
            user_id: None,
        }
    }

    async fn prune(&self, now: i64) -> Result<[u64; 4], letsgrow_db::DbError> {
        Ok([
            letsgrow_db::sessions::prune_ended(&self.db, now - SESSIONS_KEPT_MS).await?,
            letsgrow_db::oauth::prune_expired_states(&self.db, now).await?,
            letsgrow_db::tasks::prune_finished(&self.db, now - TASKS_KEPT_MS).await?,
            letsgrow_db::notifications::prune_read(&self.db, now - READ_NOTIFICATIONS_KEPT_MS)
                .await?,
        ])
    }
}

impl JobHandler for Prune {
    const KIND: &'static str = "maintenance.prune";
    const TITLE: &'static str = "Tidy up old sign-ins, connects, tasks and notifications";
    type Payload = serde_json::Value;

    async fn handle(&self, ctx: TaskContext, _: serde_json::Value) -> Outcome {
        match self.prune(ctx.now_ms).await {
            Ok([sessions, states, tasks, notifications]) => {
                tracing::info!(
                    sessions,
                    oauth_states = states,
                    tasks,
                    notifications,
                    "deleted rows nothing can use any more"
                );
                Outcome::Done
            }
            Err(e) => Outcome::retry(format!("the database refused: {e}")),
        }
    }
}
