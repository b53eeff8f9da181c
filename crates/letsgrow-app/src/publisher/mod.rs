//! The scheduler and the publish workers.
//!
//! One loop per process ([`Publisher::run`]) reads the earliest due instant
//! (two probes of a partial index, whatever the backlog), sleeps until it,
//! and is woken early by [`Wake::poke`] (this process wrote
//! something due), by PostgreSQL `NOTIFY letsgrow_due` (another process did),
//! or by a short poll. When something is due it leases channels
//! (`letsgrow_db::posts::claim_channels`) and runs one task per channel that
//! publishes that channel's due targets one at a time.
//!
//! Invariants (see ARCHITECTURE.md):
//! - No database transaction is open during a provider call: claim, call,
//!   record are separate statements.
//! - Each part's platform id is stored before the next part is sent, so a
//!   crash mid-thread resumes after the last stored part.
//! - An unknown outcome (timeout or dropped connection after sending, or a
//!   worker that died holding the lease) never leads to a blind re-send: the
//!   target becomes `unconfirmed` and the next attempt first asks the
//!   provider's `lookup` (Bluesky: the deterministic record key) or re-sends
//!   with the same idempotency key (webhooks: receivers dedupe on it).
//! - Only errors that guarantee nothing was created are retried blindly,
//!   with capped exponential backoff and jitter, honouring Retry-After.

mod classify;
mod process;

use crate::channels::ChannelService;
use crate::media::MediaLibrary;
use crate::notifications::NotificationService;
use crate::posts::PostService;
use crate::ratelimit::RateLimiter;
use letsgrow_config::WorkerConfig;
use letsgrow_db::Db;
use letsgrow_db::posts as repo;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::task::JoinSet;

/// The scheduler's wake-up and the retry backoff are the task runner's own
/// (one implementation for every background loop).
pub use letsgrow_jobs::{Wake, backoff_ms};

/// How often leases that expired in `publishing` are returned to reconciliation.
const SWEEP_EVERY: Duration = Duration::from_secs(2);
/// How often a worker writes its heartbeat (it does so with each sweep).
const HEARTBEAT_EVERY: Duration = SWEEP_EVERY;
/// A worker whose heartbeat is this old is known dead: another takes its
/// channel leases and in-flight posts at once. Five missed heartbeats, so a
/// database restart of a few seconds does not make live workers look dead
/// (if it does, they only lose leases: every update is guarded by owner).
pub const DEAD_AFTER: Duration = Duration::from_secs(10);
/// How long a worker keeps trying to record an outcome while the database is
/// unreachable (a restart, a failover) before it leaves it to reconciliation.
const RECORD_RETRY_FOR: Duration = Duration::from_secs(30);

/// What the publisher works with, handed in by whoever runs it
/// (`letsgrow_app::App::publisher_deps`).
#[derive(Clone)]
pub struct PublisherDeps {
    pub db: Db,
    pub worker: WorkerConfig,
    pub channels: ChannelService,
    pub notifications: NotificationService,
    pub posts: PostService,
    pub media: MediaLibrary,
    pub limiter: Arc<RateLimiter>,
    pub wake: Wake,
}

pub struct Publisher {
    deps: PublisherDeps,
    worker_id: String,
    /// Set once shutdown began: channel tasks finish the post in hand and
    /// claim no more.
    stopping: AtomicBool,
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Publisher {
    pub fn new(deps: PublisherDeps) -> Self {
        let worker_id = format!(
            "{}-{}",
            std::process::id(),
            &uuid::Uuid::new_v4().simple().to_string()[..12]
        );
        Publisher {
            deps,
            worker_id,
            stopping: AtomicBool::new(false),
        }
    }

    fn lease_ms(&self) -> i64 {
        let secs = self.deps.worker.lease_secs;
        i64::try_from(secs.saturating_mul(1000)).unwrap_or(90_000)
    }

    /// Runs until `shutdown` resolves; the post each channel task has in
    /// hand is finished (and recorded) first, nothing new is claimed.
    pub async fn run(self, shutdown: impl std::future::Future<Output = ()> + Send + 'static) {
        let this = Arc::new(self);
        let db = this.deps.db.clone();
        tracing::info!(worker_id = %this.worker_id, backend = ?db.backend(), "scheduler and workers started");
        if db.backend() == letsgrow_db::Backend::Sqlite {
            // SQLite is the single-process embedded mode: anything left in
            // `publishing` belongs to a process that is gone.
            match repo::sweep_expired(&db, i64::MAX, now_ms()).await {
                Ok(ids) if !ids.is_empty() => {
                    tracing::warn!(
                        count = ids.len(),
                        "found posts that were publishing when the last process stopped; reconciling them"
                    )
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "could not sweep stale leases"),
            }
            // Their channel leases too, so publishing resumes now rather than
            // when `worker.lease_secs` runs out.
            match repo::release_all_channels(&db).await {
                Ok(n) if n > 0 => tracing::info!(
                    count = n,
                    "took back the channel leases of the process that stopped"
                ),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "could not release stale channel leases"),
            }
        }
        let listener = match &db {
            letsgrow_db::Db::Postgres(pool) => Some(tokio::spawn(letsgrow_jobs::listen(
                pool.clone(),
                repo::DUE_CHANNEL,
                this.deps.wake.clone(),
            ))),
            _ => None,
        };
        let concurrency = this.deps.worker.concurrency;
        let poll = Duration::from_millis(this.deps.worker.poll_ms);
        let mut tasks: JoinSet<()> = JoinSet::new();
        let mut last_sweep = std::time::Instant::now() - SWEEP_EVERY;
        tokio::pin!(shutdown);
        loop {
            if last_sweep.elapsed() >= SWEEP_EVERY.min(HEARTBEAT_EVERY) {
                last_sweep = std::time::Instant::now();
                this.heartbeat_and_take_over().await;
                match repo::sweep_expired(&db, now_ms(), now_ms()).await {
                    Ok(ids) if !ids.is_empty() => tracing::warn!(
                        count = ids.len(),
                        "leases expired while publishing; reconciling"
                    ),
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "sweep failed"),
                }
            }
            // Lease as many due channels as there is room for.
            let free = concurrency.saturating_sub(tasks.len());
            if free > 0 {
                let now = now_ms();
                match repo::claim_channels(
                    &db,
                    &this.worker_id,
                    now,
                    now + this.lease_ms(),
                    i64::try_from(free).unwrap_or(1),
                )
                .await
                {
                    Ok(channels) => {
                        for channel_id in channels {
                            let me = this.clone();
                            tasks.spawn(async move { me.run_channel(channel_id).await });
                        }
                    }
                    Err(e) => tracing::error!(error = %e, "could not claim due channels"),
                }
            }
            // The earliest future due instant bounds the sleep.
            let now = now_ms();
            let (earliest, next_future) = repo::next_due(&db, now).await.unwrap_or_else(|e| {
                tracing::error!(error = %e, "could not read due times");
                (None, None)
            });
            let mut sleep = poll;
            if let Some(t) = next_future {
                sleep = sleep.min(Duration::from_millis(u64::try_from(t - now).unwrap_or(0)));
            }
            let due_now = earliest.is_some_and(|t| t <= now);
            if due_now && tasks.len() >= concurrency {
                // Busy: go again as soon as a channel task frees a slot.
                sleep = poll;
            }
            tokio::select! {
                () = &mut shutdown => break,
                () = this.deps.wake.wait() => {},
                Some(res) = tasks.join_next(), if !tasks.is_empty() => {
                    // Collect every task that has finished, then lease once for all their slots.
                    let mut done = vec![res];
                    while let Some(res) = tasks.try_join_next() {
                        done.push(res);
                    }
                    for res in done {
                        if let Err(e) = res {
                            tracing::error!(error = %e, "a channel task panicked; its leases expire and are reconciled");
                        }
                    }
                },
                () = tokio::time::sleep(sleep) => {},
            }
        }
        this.stopping.store(true, Ordering::SeqCst);
        if let Some(listener) = listener {
            listener.abort();
        }
        tracing::info!(
            in_flight = tasks.len(),
            "stopping: finishing in-flight publishes"
        );
        while tasks.join_next().await.is_some() {}
        if let Err(e) = repo::forget_worker(&db, &this.worker_id).await {
            tracing::warn!(error = %e, "could not unregister this worker; others forget it once its heartbeat is old");
        }
        tracing::info!("workers stopped");
    }

    /// Writes this worker's heartbeat, then takes what workers known dead
    /// left behind. Skipped when the heartbeat cannot be written: a worker
    /// that cannot reach the database must not judge others.
    async fn heartbeat_and_take_over(&self) {
        let db = &self.deps.db;
        let now = now_ms();
        if let Err(e) = repo::heartbeat(db, &self.worker_id, now).await {
            tracing::warn!(error = %e, "could not write this worker's heartbeat");
            return;
        }
        let dead_before = now - i64::try_from(DEAD_AFTER.as_millis()).unwrap_or(10_000);
        match repo::sweep_dead_workers(db, dead_before, now).await {
            Ok(d) if d.workers > 0 => {
                tracing::warn!(
                    workers = d.workers,
                    leases = d.leases,
                    posts = d.targets.len(),
                    "took over from workers that stopped (no heartbeat for {}s); their posts are checked before any re-send",
                    DEAD_AFTER.as_secs()
                );
                self.deps.wake.poke();
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "could not take over from stopped workers"),
        }
    }

    /// Publishes a leased channel's due targets one at a time until none is
    /// due or shutdown began, then gives the lease back.
    async fn run_channel(&self, channel_id: String) {
        let db = &self.deps.db;
        let mut cache = None;
        while !self.stopping.load(Ordering::SeqCst) {
            let now = now_ms();
            let claimed =
                repo::claim_target(db, &channel_id, &self.worker_id, now, now + self.lease_ms())
                    .await;
            match claimed {
                Ok(Some(target)) => self.process(target, &mut cache).await,
                Ok(None) => break,
                Err(e) => {
                    tracing::error!(error = %e, %channel_id, "could not claim a post");
                    break;
                }
            }
        }
        let released = retrying_db("release the channel lease", || {
            repo::release_channel(db, &channel_id, &self.worker_id)
        })
        .await;
        if let Err(e) = released {
            tracing::warn!(error = %e, %channel_id, "could not release the channel lease; it expires on its own");
        }
    }
}

/// Runs a database write, retrying while the database is unreachable (a
/// restart or failover: the pool reconnects) for up to [`RECORD_RETRY_FOR`],
/// so a live worker records what it did the moment the database is back
/// instead of leaving it to lease expiry. Only connection-level errors are
/// retried; any other error is returned at once.
pub(crate) async fn retrying_db<T, F, Fut>(what: &str, mut op: F) -> letsgrow_db::DbResult<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = letsgrow_db::DbResult<T>>,
{
    let started = std::time::Instant::now();
    let mut delay = Duration::from_millis(50);
    let mut warned = false;
    loop {
        match op().await {
            Err(e) if e.is_unreachable() && started.elapsed() < RECORD_RETRY_FOR => {
                if !warned {
                    tracing::warn!(error = %e, "could not {what}; the database is unreachable, retrying");
                    warned = true;
                }
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(1));
            }
            other => {
                if warned && other.is_ok() {
                    tracing::info!("the database is back; did {what}");
                }
                return other;
            }
        }
    }
}
