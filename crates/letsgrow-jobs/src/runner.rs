//! The loop that runs tasks: fire due schedules, take back expired leases,
//! claim due tasks, run each through its handler with its lease kept alive,
//! record the outcome.

use crate::backoff_ms;
use crate::handler::{Erased, JobHandler, Outcome, TaskContext, Typed};
use crate::queue::{EnqueueOptions, JobError, Queue, Schedule};
use crate::wake::{Wake, listen};
use futures::future::BoxFuture;
use letsgrow_core::recurrence::Recurrence;
use letsgrow_db::Db;
use letsgrow_db::tasks::{self as repo, Finish, TaskRow};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;
use tokio::task::JoinSet;

/// Where the runner reads the time: the system clock, or a [`ManualClock`]
/// tests move by hand.
pub trait Clock: Send + Sync {
    fn now_ms(&self) -> i64;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        chrono::Utc::now().timestamp_millis()
    }
}

/// A clock that stands still until told to move.
pub struct ManualClock(AtomicI64);

impl ManualClock {
    pub fn new(ms: i64) -> ManualClock {
        ManualClock(AtomicI64::new(ms))
    }
    pub fn set(&self, ms: i64) {
        self.0.store(ms, Ordering::SeqCst);
    }
    pub fn advance(&self, by: Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// A task that ended `failed`, for whoever tells people about it.
#[derive(Debug, Clone)]
pub struct FailedTask {
    pub id: String,
    pub kind: String,
    /// The kind's [`JobHandler::TITLE`] (the kind itself if no handler here knows it).
    pub title: String,
    pub user_id: Option<String>,
    pub attempts: i64,
    pub error: String,
}

/// Told about every task that ends `failed` (the application sends the
/// user a notification when the task names one).
pub trait FailureReporter: Send + Sync {
    fn task_failed<'a>(&'a self, task: &'a FailedTask) -> BoxFuture<'a, ()>;
}

#[derive(Debug, Clone)]
pub struct RunnerConfig {
    /// Tasks this process runs at once.
    pub concurrency: usize,
    /// How long a claimed task stays this worker's without a heartbeat; the
    /// runner renews it every third of this while the handler runs.
    pub lease: Duration,
    /// The longest sleep between looks at the table (NOTIFY and local
    /// enqueues wake it sooner).
    pub poll: Duration,
    /// How long shutdown waits for running tasks before leaving them to
    /// their lease (another worker takes them over).
    pub shutdown_grace: Duration,
}

impl Default for RunnerConfig {
    fn default() -> Self {
        RunnerConfig {
            concurrency: 4,
            lease: Duration::from_secs(60),
            poll: Duration::from_secs(1),
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

/// What one [`Runner::run_once`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RunReport {
    /// Schedule occurrences enqueued.
    pub fired: usize,
    /// Tasks taken back from workers whose lease ran out.
    pub reaped: usize,
    pub done: usize,
    pub retried: usize,
    pub failed: usize,
    /// Runs whose result was dropped: the lease was lost or the task cancelled.
    pub lost: usize,
}

impl RunReport {
    pub fn ran(&self) -> usize {
        self.done + self.retried + self.failed + self.lost
    }
    fn idle(&self) -> bool {
        self.fired == 0 && self.reaped == 0 && self.ran() == 0
    }
    fn add(&mut self, end: End) {
        match end {
            End::Done => self.done += 1,
            End::Retried => self.retried += 1,
            End::Failed => self.failed += 1,
            End::Lost => self.lost += 1,
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum End {
    Done,
    Retried,
    Failed,
    Lost,
}

/// Runs the registered kinds' tasks. Build with [`Runner::new`], add
/// handlers with [`Runner::register`], then [`Runner::run`] (or
/// [`Runner::run_once`] in tests).
pub struct Runner {
    queue: Queue,
    handlers: BTreeMap<&'static str, Arc<dyn Erased>>,
    schedules: Vec<Schedule>,
    config: RunnerConfig,
    owner: String,
    reporter: Option<Arc<dyn FailureReporter>>,
}

impl Runner {
    /// A runner over `queue`'s database, clock and wake-up.
    pub fn new(queue: Queue, config: RunnerConfig) -> Runner {
        let owner = format!(
            "{}-{}",
            std::process::id(),
            &uuid::Uuid::new_v4().simple().to_string()[..12]
        );
        Runner {
            queue,
            handlers: BTreeMap::new(),
            schedules: Vec::new(),
            config,
            owner,
            reporter: None,
        }
    }

    pub fn register<H: JobHandler>(mut self, handler: H) -> Runner {
        self.handlers.insert(H::KIND, Arc::new(Typed(handler)));
        self
    }

    /// A schedule this runner declares when it starts (see [`Queue::declare_schedule`]).
    pub fn with_schedule(mut self, s: Schedule) -> Runner {
        self.schedules.push(s);
        self
    }

    pub fn report_failures_to(mut self, reporter: Arc<dyn FailureReporter>) -> Runner {
        self.reporter = Some(reporter);
        self
    }

    /// The kinds this runner claims.
    pub fn kinds(&self) -> Vec<&'static str> {
        self.handlers.keys().copied().collect()
    }

    pub fn owner(&self) -> &str {
        &self.owner
    }

    fn db(&self) -> &Db {
        self.queue.db()
    }

    fn now(&self) -> i64 {
        self.queue.now_ms()
    }

    fn lease_ms(&self) -> i64 {
        i64::try_from(self.config.lease.as_millis()).unwrap_or(60_000)
    }

    /// Stores the schedules given with [`Runner::with_schedule`].
    pub async fn declare_schedules(&self) -> Result<(), JobError> {
        for s in &self.schedules {
            self.queue.declare_schedule(s).await?;
        }
        Ok(())
    }

    /// Enqueues every schedule occurrence that is due and moves each schedule
    /// to its next occurrence after now (missed ones coalesce into this one).
    async fn fire_schedules(&self) -> Result<usize, JobError> {
        let now = self.now();
        let mut fired = 0;
        for s in repo::due_schedules(self.db(), now).await? {
            let occurrence = s.next_run_at;
            let next = match Recurrence::parse(&s.spec, &s.zone) {
                Ok(r) => {
                    let after = chrono::DateTime::from_timestamp_millis(now.max(occurrence))
                        .unwrap_or_default();
                    r.next_after(after).timestamp_millis()
                }
                Err(e) => {
                    tracing::error!(schedule = %s.name, error = %e, "a stored schedule cannot be read; trying again in an hour");
                    repo::advance_schedule(self.db(), &s.name, occurrence, now + 3_600_000, now)
                        .await?;
                    continue;
                }
            };
            let opts = EnqueueOptions {
                dedupe_key: Some(format!("{}@{occurrence}", s.name)),
                run_at: Some(occurrence),
                user_id: s.user_id.clone(),
                ..EnqueueOptions::default()
            };
            self.queue.enqueue_json(&s.kind, &s.payload, opts).await?;
            // Another process may have advanced it first; either way the
            // occurrence is queued once (its dedupe key).
            if repo::advance_schedule(self.db(), &s.name, occurrence, next, now).await? {
                fired += 1;
            }
        }
        Ok(fired)
    }

    /// Takes back tasks whose worker's lease ran out; reports those out of attempts.
    async fn reap(&self) -> Result<usize, JobError> {
        let (failed, requeued) = repo::reap_expired(self.db(), self.now()).await?;
        if requeued > 0 {
            tracing::warn!(
                count = requeued,
                "took back tasks from a worker that stopped; they run again"
            );
        }
        for t in &failed {
            self.report(t, t.last_error.as_deref().unwrap_or_default())
                .await;
        }
        Ok(usize::try_from(requeued).unwrap_or(0) + failed.len())
    }

    async fn claim(&self, limit: usize) -> Result<Vec<TaskRow>, JobError> {
        let now = self.now();
        let kinds = self.kinds();
        Ok(repo::claim(
            self.db(),
            &self.owner,
            &kinds,
            now,
            now + self.lease_ms(),
            i64::try_from(limit).unwrap_or(1),
        )
        .await?)
    }

    /// One pass: fires due schedules, takes back expired leases, then claims
    /// what is due now (up to `concurrency`) and runs it to the end.
    pub async fn run_once(self: &Arc<Self>) -> Result<RunReport, JobError> {
        let mut report = RunReport {
            fired: self.fire_schedules().await?,
            reaped: self.reap().await?,
            ..RunReport::default()
        };
        let claimed = self.claim(self.config.concurrency.max(1)).await?;
        let mut set = JoinSet::new();
        for t in claimed {
            let me = self.clone();
            set.spawn(async move { me.execute(t).await });
        }
        while let Some(end) = set.join_next().await {
            report.add(end.unwrap_or(End::Lost));
        }
        Ok(report)
    }

    /// [`Runner::run_once`] until a pass does nothing (at most `max_passes`);
    /// the sum of the passes.
    pub async fn run_until_idle(
        self: &Arc<Self>,
        max_passes: usize,
    ) -> Result<RunReport, JobError> {
        let mut total = RunReport::default();
        for _ in 0..max_passes {
            let r = self.run_once().await?;
            if r.idle() {
                break;
            }
            total.fired += r.fired;
            total.reaped += r.reaped;
            total.done += r.done;
            total.retried += r.retried;
            total.failed += r.failed;
            total.lost += r.lost;
        }
        Ok(total)
    }

    /// Runs one claimed task through its handler, keeping its lease alive,
    /// and records how it ended.
    async fn execute(self: Arc<Self>, task: TaskRow) -> End {
        let Some(handler) = self.handlers.get(task.kind.as_str()).cloned() else {
            // Claimed only for registered kinds; a kind vanishing mid-run is a bug.
            return End::Lost;
        };
        let ctx = TaskContext {
            id: task.id.clone(),
            kind: task.kind.clone(),
            dedupe_key: task.dedupe_key.clone(),
            attempt: task.attempts,
            max_attempts: task.max_attempts,
            user_id: task.user_id.clone(),
            due_ms: task.run_at,
            now_ms: self.now(),
        };
        let payload = task.payload.clone();
        let h = handler.clone();
        let mut run = tokio::spawn(async move { h.call(ctx, &payload).await });
        let beat = (self.config.lease / 3).max(Duration::from_millis(100));
        let joined = loop {
            tokio::select! {
                r = &mut run => break r,
                () = tokio::time::sleep(beat) => {
                    let until = self.now() + self.lease_ms();
                    match repo::heartbeat(self.db(), &task.id, &self.owner, until).await {
                        Ok(true) => {}
                        Ok(false) => tracing::warn!(task = %task.id, kind = %task.kind, "lost the task's lease (cancelled or taken over); its result will be dropped"),
                        Err(e) => tracing::warn!(task = %task.id, error = %e, "could not renew the task's lease"),
                    }
                }
            }
        };
        let outcome = match joined {
            Ok(o) => o,
            Err(e) if e.is_panic() => {
                tracing::error!(task = %task.id, kind = %task.kind, "the job's handler panicked");
                Outcome::retry("the job stopped unexpectedly (a bug in LetsGrow)")
            }
            Err(_) => Outcome::retry("the job was interrupted"),
        };
        let now = self.now();
        // How it ends, why (for the row and the report), and when to retry.
        let (end, error, retry_at) = match outcome {
            Outcome::Done => (End::Done, String::new(), None),
            Outcome::Retry { reason, after } if task.attempts < task.max_attempts => {
                let wait = after
                    .and_then(|d| i64::try_from(d.as_millis()).ok())
                    .unwrap_or_else(|| backoff_ms(task.attempts));
                (End::Retried, reason, Some(now + wait))
            }
            Outcome::Retry { reason, .. } => (
                End::Failed,
                format!("{reason} (gave up after {} tries)", task.attempts),
                None,
            ),
            Outcome::Fail { reason } => (End::Failed, reason, None),
        };
        let finish = match (end, retry_at) {
            (End::Retried, Some(run_at)) => Finish::Retry {
                run_at,
                error: &error,
            },
            (End::Failed, _) => Finish::Failed { error: &error },
            _ => Finish::Done,
        };
        match repo::finish(self.db(), &task.id, &self.owner, &finish, now).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::info!(task = %task.id, kind = %task.kind, "the task was cancelled or taken over while it ran; its result is dropped");
                return End::Lost;
            }
            Err(e) => {
                // Left `running`: the lease runs out and the task runs again.
                tracing::error!(task = %task.id, error = %e, "could not record the task's outcome");
                return End::Lost;
            }
        }
        match end {
            End::Retried => {
                tracing::warn!(task = %task.id, kind = %task.kind, attempt = task.attempts, reason = %error, "task will be tried again")
            }
            End::Failed => self.report(&task, &error).await,
            End::Done | End::Lost => {}
        }
        end
    }

    async fn report(&self, task: &TaskRow, error: &str) {
        let title = self
            .handlers
            .get(task.kind.as_str())
            .map_or_else(|| task.kind.clone(), |h| h.title().to_owned());
        tracing::error!(task = %task.id, kind = %task.kind, attempts = task.attempts, error, "task failed");
        if let Some(r) = &self.reporter {
            let failed = FailedTask {
                id: task.id.clone(),
                kind: task.kind.clone(),
                title,
                user_id: task.user_id.clone(),
                attempts: task.attempts,
                error: error.to_owned(),
            };
            r.task_failed(&failed).await;
        }
    }

    /// Runs until `shutdown` resolves, then waits up to `shutdown_grace` for
    /// the tasks in hand (the rest are taken over once their lease runs out).
    pub async fn run(
        self: Arc<Self>,
        wake: Wake,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) {
        if let Err(e) = self.declare_schedules().await {
            tracing::error!(error = %e, "could not store the recurring schedules; they do not run");
        }
        tracing::info!(owner = %self.owner, kinds = ?self.kinds(), "task runner started");
        let listener = match self.db() {
            Db::Postgres(pool) => Some(tokio::spawn(listen(
                pool.clone(),
                repo::TASKS_CHANNEL,
                wake.clone(),
            ))),
            Db::Sqlite(_) => None,
        };
        let mut running: JoinSet<End> = JoinSet::new();
        tokio::pin!(shutdown);
        loop {
            let free = self.config.concurrency.saturating_sub(running.len());
            let mut claimed_any = false;
            if let Err(e) = self.fire_schedules().await {
                tracing::error!(error = %e, "could not fire due schedules");
            }
            if let Err(e) = self.reap().await {
                tracing::error!(error = %e, "could not take back expired tasks");
            }
            if free > 0 {
                match self.claim(free).await {
                    Ok(tasks) => {
                        claimed_any = !tasks.is_empty();
                        for t in tasks {
                            let me = self.clone();
                            running.spawn(async move { me.execute(t).await });
                        }
                    }
                    Err(e) => tracing::error!(error = %e, "could not claim due tasks"),
                }
            }
            let mut sleep = self.config.poll;
            if claimed_any && running.len() < self.config.concurrency {
                // There may be more due right now.
                sleep = Duration::ZERO;
            } else if let Ok(Some(t)) = repo::next_wake(self.db()).await {
                let until = u64::try_from(t - self.now()).unwrap_or(0);
                sleep = sleep.min(Duration::from_millis(until));
            }
            if running.len() >= self.config.concurrency {
                sleep = self.config.poll;
            }
            tokio::select! {
                () = &mut shutdown => break,
                () = wake.wait() => {},
                Some(_) = running.join_next(), if !running.is_empty() => {
                    while running.try_join_next().is_some() {}
                },
                () = tokio::time::sleep(sleep) => {},
            }
        }
        if let Some(l) = listener {
            l.abort();
        }
        tracing::info!(
            in_flight = running.len(),
            "task runner stopping: finishing tasks in hand"
        );
        let drained = tokio::time::timeout(self.config.shutdown_grace, async {
            while running.join_next().await.is_some() {}
        })
        .await;
        if drained.is_err() {
            tracing::warn!(
                "some tasks did not finish in time; another worker takes them over when their lease runs out"
            );
            running.abort_all();
        }
        tracing::info!("task runner stopped");
    }
}
