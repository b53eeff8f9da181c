//! The door to the task table: enqueue, look, retry, cancel, count.

use crate::handler::JobHandler;
use crate::runner::{Clock, SystemClock};
use crate::wake::Wake;
use letsgrow_core::recurrence::Recurrence;
use letsgrow_db::Db;
use letsgrow_db::tasks::{self as repo, Enqueued, KindStats, NewTask, ScheduleRow, TaskRow};
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// A task's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskState {
    Queued,
    Running,
    Done,
    Failed,
    Cancelled,
}

impl TaskState {
    pub const ALL: [TaskState; 5] = [
        TaskState::Queued,
        TaskState::Running,
        TaskState::Done,
        TaskState::Failed,
        TaskState::Cancelled,
    ];

    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskState::Queued => repo::QUEUED,
            TaskState::Running => repo::RUNNING,
            TaskState::Done => repo::DONE,
            TaskState::Failed => repo::FAILED,
            TaskState::Cancelled => repo::CANCELLED,
        }
    }
}

impl fmt::Display for TaskState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TaskState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TaskState::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| {
                format!("“{s}” is not a task state: use queued, running, done, failed or cancelled")
            })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error(transparent)]
    Db(#[from] letsgrow_db::DbError),
    #[error("no task has the id {0}")]
    NotFound(String),
    #[error("the task is {state}; only {allowed} tasks can be {verb}")]
    WrongState {
        state: String,
        allowed: &'static str,
        verb: &'static str,
    },
    #[error("the task's details could not be written as JSON: {0}")]
    Payload(#[from] serde_json::Error),
    #[error("schedule {name}: {source}")]
    Schedule {
        name: String,
        source: letsgrow_core::recurrence::RecurrenceError,
    },
}

/// How to enqueue a task.
#[derive(Debug, Clone)]
pub struct EnqueueOptions {
    /// Enqueueing a key that exists returns that task instead of a new one.
    pub dedupe_key: Option<String>,
    /// When to run, ms since the epoch (default: now).
    pub run_at: Option<i64>,
    pub max_attempts: i64,
    /// The user the task concerns: told when it fails.
    pub user_id: Option<String>,
}

impl Default for EnqueueOptions {
    fn default() -> Self {
        EnqueueOptions {
            dedupe_key: None,
            run_at: None,
            max_attempts: 5,
            user_id: None,
        }
    }
}

/// A recurring job: `kind` with `payload`, enqueued at each occurrence of `recurrence`.
#[derive(Debug, Clone)]
pub struct Schedule {
    /// Unique; part of each occurrence's dedupe key.
    pub name: String,
    pub kind: String,
    pub payload: serde_json::Value,
    pub recurrence: Recurrence,
    pub user_id: Option<String>,
}

/// Enqueues and manages tasks. Cheap to clone.
#[derive(Clone)]
pub struct Queue {
    db: Db,
    wake: Wake,
    clock: Arc<dyn Clock>,
}

impl Queue {
    /// `wake` is the runner's in this process, poked on every enqueue.
    pub fn new(db: Db, wake: Wake) -> Queue {
        Queue {
            db,
            wake,
            clock: Arc::new(SystemClock),
        }
    }

    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Queue {
        self.clock = clock;
        self
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Enqueues a task for `H`'s kind. `Ok(id)` is the new task's id, or the
    /// id of the task that already holds the dedupe key.
    pub async fn enqueue<H: JobHandler>(
        &self,
        payload: &H::Payload,
        opts: EnqueueOptions,
    ) -> Result<String, JobError> {
        let json = serde_json::to_string(payload)?;
        self.enqueue_json(H::KIND, &json, opts).await
    }

    /// Enqueues a task by kind name with a JSON payload text.
    pub async fn enqueue_json(
        &self,
        kind: &str,
        payload_json: &str,
        opts: EnqueueOptions,
    ) -> Result<String, JobError> {
        let now = self.clock.now_ms();
        let t = NewTask {
            kind,
            dedupe_key: opts.dedupe_key.as_deref(),
            payload: payload_json,
            run_at: opts.run_at.unwrap_or(now),
            max_attempts: opts.max_attempts.clamp(1, 100),
            user_id: opts.user_id.as_deref(),
        };
        let got = repo::enqueue(&self.db, &t, now).await?;
        if let Enqueued::Created(_) = got {
            self.wake.poke();
            if let Err(e) = repo::notify_queued(&self.db).await {
                tracing::debug!(error = %e, "could not notify other runners; they poll");
            }
        }
        Ok(got.id().to_owned())
    }

    pub async fn get(&self, id: &str) -> Result<TaskRow, JobError> {
        repo::get(&self.db, id)
            .await?
            .ok_or_else(|| JobError::NotFound(id.to_owned()))
    }

    /// Tasks, newest first.
    pub async fn list(
        &self,
        state: Option<TaskState>,
        kind: Option<&str>,
        limit: i64,
    ) -> Result<Vec<TaskRow>, JobError> {
        let f = repo::TaskFilter {
            state: state.map(TaskState::as_str),
            kind,
            limit,
        };
        Ok(repo::list(&self.db, &f).await?)
    }

    /// Queues a failed or cancelled task again, with fresh attempts.
    pub async fn retry(&self, id: &str) -> Result<TaskRow, JobError> {
        match repo::retry(&self.db, id, self.clock.now_ms()).await? {
            Some(t) => {
                self.wake.poke();
                let _ = repo::notify_queued(&self.db).await;
                Ok(t)
            }
            None => Err(self.refusal(id, "failed or cancelled", "retried").await),
        }
    }

    /// Cancels a queued, running or failed task (a running one's result is
    /// then ignored).
    pub async fn cancel(&self, id: &str) -> Result<TaskRow, JobError> {
        match repo::cancel(&self.db, id, self.clock.now_ms()).await? {
            Some(t) => Ok(t),
            None => Err(self
                .refusal(id, "queued, running or failed", "cancelled")
                .await),
        }
    }

    async fn refusal(&self, id: &str, allowed: &'static str, verb: &'static str) -> JobError {
        match repo::get(&self.db, id).await {
            Ok(Some(t)) => JobError::WrongState {
                state: t.state,
                allowed,
                verb,
            },
            Ok(None) => JobError::NotFound(id.to_owned()),
            Err(e) => JobError::Db(e),
        }
    }

    /// Queued, running and failed counts by kind.
    pub async fn stats(&self) -> Result<Vec<KindStats>, JobError> {
        Ok(repo::stats(&self.db, self.clock.now_ms()).await?)
    }

    /// Stores `s` (new, or changed since it was last declared); an unchanged
    /// schedule keeps its next run.
    pub async fn declare_schedule(&self, s: &Schedule) -> Result<(), JobError> {
        let now = self.clock.now_ms();
        let next = s
            .recurrence
            .next_after(chrono::DateTime::from_timestamp_millis(now).unwrap_or_default())
            .timestamp_millis();
        let payload = serde_json::to_string(&s.payload)?;
        let spec = s.recurrence.to_string();
        let row = repo::NewSchedule {
            name: &s.name,
            kind: &s.kind,
            payload: &payload,
            spec: &spec,
            zone: s.recurrence.zone_name(),
            next_run_at: next,
            user_id: s.user_id.as_deref(),
        };
        repo::upsert_schedule(&self.db, &row, now).await?;
        self.wake.poke();
        Ok(())
    }

    pub async fn schedules(&self) -> Result<Vec<ScheduleRow>, JobError> {
        Ok(repo::schedules(&self.db).await?)
    }

    /// Removes a schedule; `false` if there was none by that name.
    pub async fn remove_schedule(&self, name: &str) -> Result<bool, JobError> {
        Ok(repo::delete_schedule(&self.db, name).await?)
    }
}
