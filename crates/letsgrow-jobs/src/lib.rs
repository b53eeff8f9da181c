//! The durable task runner: every background job except per-target
//! publishing (metrics collection, reports, AI drafts, housekeeping) is a row
//! in the database of record, claimed with a lease, retried with capped
//! exponential backoff, and finished once.
//!
//! - [`Queue`] enqueues (deduplicated by key), lists, retries and cancels
//!   tasks and reads their counts; the services, the CLI and the API use it.
//! - [`Runner`] claims due tasks and runs them through the [`JobHandler`]
//!   registered for their kind, fires the recurring [`Schedule`]s stored in
//!   the database, and takes back tasks whose worker died (its lease ran out).
//!   `serve` and `letsgrow worker` both run one; tests drive
//!   [`Runner::run_once`] with a [`ManualClock`] instead of sleeping.
//!
//! Invariants (ARCHITECTURE.md, task runner):
//! - A task is delivered **at least once**: a worker that dies mid-run loses
//!   its lease and another runs the task again. Handlers are therefore
//!   idempotent: doing the work twice for one task must leave the same result
//!   as doing it once (key writes by the task id or dedupe key, look before
//!   sending).
//! - No database transaction is open while a handler runs: claim, run,
//!   record are separate statements; a handler's lease is extended while it
//!   runs, and its result is dropped if the lease was lost meanwhile.
//! - Schedules live in the database; an occurrence is enqueued under the key
//!   `<schedule>@<occurrence ms>`, so however many processes see it due, it
//!   runs once. Missed occurrences (everything was down) run once, not once each.
//! - Failures are visible: to the operator always (`letsgrow tasks list`,
//!   `/metrics`, the log), to the user when the task names one (a
//!   `task_failed` notification through the [`FailureReporter`]).

mod handler;
mod queue;
mod runner;
mod wake;

pub use handler::{JobHandler, Outcome, TaskContext};
pub use letsgrow_core::recurrence::Recurrence;
pub use letsgrow_db::tasks::{KindStats, ScheduleRow, TaskRow as Task};
pub use queue::{EnqueueOptions, JobError, Queue, Schedule, TaskState};
pub use runner::{
    Clock, FailedTask, FailureReporter, ManualClock, RunReport, Runner, RunnerConfig, SystemClock,
};
pub use wake::{Wake, listen};

/// Exponential backoff from 2 s, capped at 15 min, with ±20 % jitter.
pub fn backoff_ms(attempt: i64) -> i64 {
    let exp = u32::try_from(attempt.clamp(1, 20) - 1).unwrap_or(0);
    let base = 2_000i64
        .saturating_mul(1i64 << exp.min(20))
        .min(15 * 60 * 1000);
    let jitter = (rand::random::<f64>() * 0.4 - 0.2) * base as f64;
    base + jitter as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_is_capped_and_jittered() {
        for _ in 0..100 {
            let b1 = backoff_ms(1);
            assert!((1_600..=2_400).contains(&b1), "{b1}");
            let b4 = backoff_ms(4);
            assert!((12_800..=19_200).contains(&b4), "{b4}");
            let b30 = backoff_ms(30);
            assert!((720_000..=1_080_000).contains(&b30), "{b30}");
        }
    }
}
