//! What a job kind implements, and what it is told about the run.

use futures::future::BoxFuture;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::time::Duration;

/// One kind of background job.
///
/// **Idempotent:** the runner may run the same task more than once (a worker
/// died after doing the work but before recording it; a lease ran out on a
/// slow run). Running it again must not do the work twice: write results
/// keyed by [`TaskContext::id`] or the dedupe key, and check before sending
/// anything outside.
///
/// **Narrow:** a handler holds the services it needs (given when it is
/// built), not the whole application.
pub trait JobHandler: Send + Sync + 'static {
    /// The stored kind, `area.verb` (e.g. `maintenance.prune`).
    const KIND: &'static str;
    /// What the job does, as a user reads it when it fails ("Tidy up old sign-ins").
    const TITLE: &'static str;
    /// The task's details, stored as JSON.
    type Payload: Serialize + DeserializeOwned + Send + Sync;

    fn handle(
        &self,
        ctx: TaskContext,
        payload: Self::Payload,
    ) -> impl Future<Output = Outcome> + Send;
}

/// What a handler is told about the run in hand.
#[derive(Debug, Clone)]
pub struct TaskContext {
    pub id: String,
    pub kind: String,
    pub dedupe_key: Option<String>,
    /// This run's number, from 1.
    pub attempt: i64,
    pub max_attempts: i64,
    /// The user the task concerns, if any.
    pub user_id: Option<String>,
    /// When the task was due (for a schedule: the occurrence), ms since the epoch.
    pub due_ms: i64,
    /// The runner's clock when the task was claimed, ms since the epoch.
    pub now_ms: i64,
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Done,
    /// Not done, may work later: queued again after `after` (default: the
    /// runner's backoff), until the attempts run out.
    Retry {
        reason: String,
        after: Option<Duration>,
    },
    /// Will not work however often it is tried: failed now, and reported.
    Fail {
        reason: String,
    },
}

impl Outcome {
    pub fn retry(reason: impl Into<String>) -> Outcome {
        Outcome::Retry {
            reason: reason.into(),
            after: None,
        }
    }

    pub fn retry_after(reason: impl Into<String>, after: Duration) -> Outcome {
        Outcome::Retry {
            reason: reason.into(),
            after: Some(after),
        }
    }

    pub fn fail(reason: impl Into<String>) -> Outcome {
        Outcome::Fail {
            reason: reason.into(),
        }
    }
}

/// A handler with its payload type erased, as the runner stores it.
pub(crate) trait Erased: Send + Sync {
    fn title(&self) -> &'static str;
    fn call<'a>(&'a self, ctx: TaskContext, payload: &str) -> BoxFuture<'a, Outcome>;
}

pub(crate) struct Typed<H>(pub H);

impl<H: JobHandler> Erased for Typed<H> {
    fn title(&self) -> &'static str {
        H::TITLE
    }

    fn call<'a>(&'a self, ctx: TaskContext, payload: &str) -> BoxFuture<'a, Outcome> {
        match serde_json::from_str::<H::Payload>(payload) {
            Ok(p) => Box::pin(self.0.handle(ctx, p)),
            Err(e) => {
                let reason = format!("its stored details could not be read ({e})");
                Box::pin(async move { Outcome::fail(reason) })
            }
        }
    }
}
