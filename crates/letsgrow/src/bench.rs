//! `letsgrow bench publish`: schedule many webhook posts in a short window and
//! measure how late they arrive, how fast they go out, and whether any is
//! sent twice or never. The workload is described in `bench/README.md`.
//!
//! Everything runs on this machine: a webhook receiver in this process, a
//! fresh database (a temporary SQLite file, or a new database on the given
//! PostgreSQL server, dropped at the end), and the real publisher: in this
//! process for one worker, as `letsgrow worker` child processes for more.

mod receiver;
mod setup;
mod stats;
mod tasks;
mod workers;

use anyhow::Context;
use clap::{Args, Subcommand};
use letsgrow_app::channels::ConnectRequest;
use letsgrow_config::{Config, Secret};
use letsgrow_core::Platform;
use letsgrow_db::Db;
use receiver::Receiver;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use workers::Workers;

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Schedule many webhook posts over a short window and measure the publisher.
    ///
    /// Prints lateness percentiles (arrival at the receiver minus the scheduled
    /// instant), throughput, duplicates and losses. Setup is not measured.
    Publish(PublishArgs),
    /// Many tasks across several worker processes on PostgreSQL (optionally
    /// killing one mid-run): throughput, and whether every task finished once.
    Tasks(tasks::TasksArgs),
    /// One task-runner child process for `bench tasks` (started by it).
    #[command(hide = true)]
    TaskWorker(tasks::TaskWorkerArgs),
}

#[derive(Args, Debug, Clone)]
pub struct PublishArgs {
    /// Posts to schedule (each has one webhook target).
    #[arg(long, default_value_t = 100_000, value_name = "N")]
    pub posts: usize,
    /// Webhook channels the posts are spread over (round robin).
    #[arg(long, default_value_t = 1000, value_name = "C")]
    pub channels: usize,
    /// The scheduled instants are spread evenly over this many seconds.
    #[arg(long, default_value_t = 60, value_name = "W")]
    pub window_secs: u64,
    /// Seconds between the end of setup and the first due post (the
    /// shift of the due times and, on PostgreSQL, VACUUM ANALYZE run in it).
    #[arg(long, default_value_t = 10, value_name = "SECS")]
    pub lead_secs: u64,
    /// A PostgreSQL server (postgres://…): a fresh database is created on it
    /// and dropped at the end. Default: a fresh SQLite file in a temporary directory.
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Publisher processes. 1 runs in this process; 2 or more run as
    /// `letsgrow worker` child processes (PostgreSQL only).
    #[arg(long, default_value_t = 1, value_name = "K")]
    pub workers: usize,
    /// Channels each publisher works on at once (worker.concurrency).
    #[arg(long, default_value_t = 256, value_name = "N")]
    pub concurrency: usize,
    /// Database connections per publisher (database.max_connections) [default: the configuration's].
    #[arg(long, value_name = "N")]
    pub max_connections: Option<u32>,
    /// The receiver waits this long before answering each request.
    #[arg(long, default_value_t = 0, value_name = "MS")]
    pub response_ms: u64,
    /// Also print the numbers as one JSON object, the last line of stdout.
    #[arg(long)]
    pub json: bool,
}

pub async fn run(config_file: Option<&Path>, cmd: BenchCommand) -> anyhow::Result<()> {
    match cmd {
        BenchCommand::Publish(args) => publish(config_file, args).await,
        BenchCommand::Tasks(args) => tasks::run(args).await,
        BenchCommand::TaskWorker(args) => tasks::task_worker(args).await,
    }
}

/// A directory removed when the run ends.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn publish(config_file: Option<&Path>, args: PublishArgs) -> anyhow::Result<()> {
    if args.posts == 0 || args.channels == 0 || args.workers == 0 || args.concurrency == 0 {
        anyhow::bail!("--posts, --channels, --workers and --concurrency must be at least 1");
    }
    let pg_url = match args.database_url.as_deref() {
        None => None,
        Some(u) if u.starts_with("postgres://") || u.starts_with("postgresql://") => Some(u),
        Some(_) => anyhow::bail!(
            "--database-url takes a PostgreSQL server (postgres://…); leave it out for a fresh SQLite file"
        ),
    };
    if pg_url.is_none() && args.workers > 1 {
        anyhow::bail!(
            "--workers {} needs PostgreSQL: SQLite is the single-process embedded mode, where one process publishes. \
             Pass --database-url postgres://… to run several workers",
            args.workers
        );
    }
    let dir = TempDir(
        std::env::temp_dir().join(format!("letsgrow-bench-{}", uuid::Uuid::new_v4().simple())),
    );
    std::fs::create_dir_all(&dir.0).context("creating a temporary directory")?;

    let mut config = Config::load(config_file)?;
    config.server.data_dir = dir.0.clone();
    config.network.allow_private = true;
    config.worker.enabled = true;
    config.worker.concurrency = args.concurrency;
    if let Some(n) = args.max_connections {
        config.database.max_connections = n;
    }
    if std::env::var_os("LETSGROW__LOG__LEVEL").is_none() {
        config.log.level = "warn".into();
    }
    config.validate()?;
    letsgrow_app::telemetry::init(&config.log);

    let pg = match pg_url {
        Some(u) => {
            let created = setup::PgDatabase::create(u).await?;
            config.database.url = Some(Secret::new(created.url.clone()));
            Some(created)
        }
        None => {
            config.database.url = None;
            None
        }
    };
    let result = measure(&config, config_file, &args, pg.as_ref()).await;
    if let Some(pg) = &pg
        && let Err(e) = pg.drop_now().await
    {
        eprintln!("warning: could not drop the database {}: {e:#}", pg.name);
    }
    let report = result?;
    report.print(args.json);
    Ok(())
}

struct Report {
    posts: usize,
    channels: usize,
    workers: usize,
    concurrency: usize,
    backend: &'static str,
    window_secs: u64,
    setup_secs: f64,
    summary: stats::Summary,
    publishes_per_sec: f64,
    published: i64,
    failed: i64,
    unfinished: i64,
    timed_out: bool,
    peak_rss_kb: Option<u64>,
    cpu_secs: Option<f64>,
    /// 1-minute load average when the window started and when it ended.
    load: (Option<f64>, Option<f64>),
    /// Share of the machine's CPU busy with other work just before the window.
    busy_before: Option<f64>,
    worker_peak_rss_kb: Vec<u64>,
    worker_cpu_secs: Vec<f64>,
}

impl Report {
    fn print(&self, json: bool) {
        let s = &self.summary;
        println!(
            "bench publish: {} posts over {} webhook channels, due within {} s; backend {}, {} worker(s) × concurrency {}",
            self.posts,
            self.channels,
            self.window_secs,
            self.backend,
            self.workers,
            self.concurrency
        );
        println!("setup (not measured): {:.1} s", self.setup_secs);
        println!(
            "lateness (arrival - scheduled): p50 {} ms, p99 {} ms, max {} ms",
            s.p50_ms, s.p99_ms, s.max_ms
        );
        println!(
            "throughput: {:.0} publishes/s (received / (last arrival - first due); at most {:.0} for this window)",
            self.publishes_per_sec,
            self.posts as f64 / (self.window_secs.max(1) as f64)
        );
        println!(
            "received {} of {}; duplicates {}; lost {}; unexpected {}",
            s.received, self.posts, s.duplicates, s.lost, s.unexpected
        );
        println!(
            "targets: {} published, {} failed, {} unfinished{}",
            self.published,
            self.failed,
            self.unfinished,
            if self.timed_out { " (timed out)" } else { "" }
        );
        if let (Some(start), Some(end)) = self.load {
            let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
            println!(
                "load average (1 min): {start:.1} at the start, {end:.1} at the end, {cores} cores"
            );
        }
        if let Some(busy) = self.busy_before {
            println!(
                "CPU busy with other work just before the window: {:.0} %",
                busy * 100.0
            );
            if busy > 0.25 {
                println!(
                    "warning: other work was running on this machine; these numbers are pessimistic"
                );
            }
        }
        if let (Some(rss), Some(cpu)) = (self.peak_rss_kb, self.cpu_secs) {
            println!(
                "this process: peak RSS {:.1} MiB, CPU {cpu:.1} s",
                rss as f64 / 1024.0
            );
        }
        for (i, (rss, cpu)) in self
            .worker_peak_rss_kb
            .iter()
            .zip(&self.worker_cpu_secs)
            .enumerate()
        {
            println!(
                "worker process {}: peak RSS {:.1} MiB, CPU {cpu:.1} s",
                i + 1,
                *rss as f64 / 1024.0
            );
        }
        if json {
            let v = serde_json::json!({
                "posts": self.posts,
                "channels": self.channels,
                "workers": self.workers,
                "concurrency": self.concurrency,
                "backend": self.backend,
                "window_secs": self.window_secs,
                "setup_secs": round1(self.setup_secs),
                "p50_ms": s.p50_ms,
                "p99_ms": s.p99_ms,
                "max_ms": s.max_ms,
                "publishes_per_sec": self.publishes_per_sec.round(),
                "received": s.received,
                "duplicates": s.duplicates,
                "lost": s.lost,
                "unexpected": s.unexpected,
                "published": self.published,
                "failed": self.failed,
                "unfinished": self.unfinished,
                "timed_out": self.timed_out,
                "peak_rss_kb": self.peak_rss_kb,
                "cpu_secs": self.cpu_secs.map(round1),
                "load_start": self.load.0,
                "load_end": self.load.1,
                "busy_before": self.busy_before.map(|b| (b * 100.0).round() / 100.0),
                "worker_peak_rss_kb": self.worker_peak_rss_kb,
                "worker_cpu_secs": self.worker_cpu_secs.iter().copied().map(round1).collect::<Vec<_>>(),
            });
            println!("{v}");
        }
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

async fn measure(
    config: &Config,
    config_file: Option<&Path>,
    args: &PublishArgs,
    pg: Option<&setup::PgDatabase>,
) -> anyhow::Result<Report> {
    let setup_started = Instant::now();
    let receiver = Receiver::start(Duration::from_millis(args.response_ms)).await?;
    let db = Db::connect(
        config.database.url.as_ref().map(Secret::expose),
        &config.server.data_dir,
        config.database.max_connections,
    )
    .await
    .context("connecting to the benchmark database")?;
    db.migrate().await.context("applying migrations")?;
    let secrets = letsgrow_config::load_or_create_secrets(config)?;
    let state = letsgrow_app::App::build(config.clone(), &secrets, db.clone()).await?;

    let user = letsgrow_db::users::insert(
        &db,
        "bench@letsgrow.invalid",
        "!not-a-password-hash",
        now_ms(),
    )
    .await
    .context("creating the benchmark user")?;
    let phase = Instant::now();
    let channels = connect_channels(&state.channels, &user.id, &receiver, args.channels).await?;
    eprintln!(
        "connected {} webhook channels in {:.1} s",
        args.channels,
        phase.elapsed().as_secs_f64()
    );
    // Due times are written far in the future first, then shifted in one
    // UPDATE once setup (including starting the workers) is over.
    let parked = now_ms() + 7 * 24 * 3600 * 1000;
    let window_ms = i64::try_from(args.window_secs.saturating_mul(1000)).unwrap_or(i64::MAX);
    let phase = Instant::now();
    let planned =
        setup::insert_posts(&db, &user.id, &channels, args.posts, window_ms, parked).await?;
    eprintln!(
        "inserted {} posts in {:.1} s",
        args.posts,
        phase.elapsed().as_secs_f64()
    );

    let mut workers = Workers::default();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let in_process = if args.workers == 1 {
        let publisher = letsgrow_app::publisher::Publisher::new(state.publisher_deps());
        Some(tokio::spawn(publisher.run(async move {
            let _ = stop_rx.await;
        })))
    } else {
        eprintln!("starting {} worker processes…", args.workers);
        workers = Workers::start(config, config_file, args.workers).await?;
        None
    };

    let lead_ms = i64::try_from(args.lead_secs.saturating_mul(1000)).unwrap_or(5000);
    let first_due = now_ms() + lead_ms;
    let shifted = setup::shift(&db, first_due - parked).await?;
    state.wake.poke();
    if now_ms() > first_due - 500 {
        eprintln!("warning: setup ran into the window; raise --lead-secs for clean numbers");
    }
    let setup_secs = setup_started.elapsed().as_secs_f64();
    anyhow::ensure!(
        usize::try_from(shifted).unwrap_or(0) == args.posts,
        "expected {} scheduled targets, found {shifted}",
        args.posts
    );
    let due: HashMap<String, i64> = planned
        .into_iter()
        .map(|p| (format!("{}-0", p.target_id), first_due + p.offset_ms))
        .collect();
    let load_start = stats::load_average();
    // How busy the machine is while this run idles before the window: other work.
    let busy_before = if first_due - now_ms() > 1500 {
        stats::machine_busy(Duration::from_secs(1)).await
    } else {
        None
    };
    eprintln!(
        "window starts in {:.1} s and lasts {} s",
        (first_due - now_ms()) as f64 / 1000.0,
        args.window_secs
    );

    // Wait until every target is published or failed, or the deadline. The
    // state count scans the targets table, so it runs only every 2 s (to see
    // failures) and once the receiver has had a request per post.
    let deadline = first_due + window_ms + 120_000;
    let total = i64::try_from(args.posts).unwrap_or(i64::MAX);
    let mut last_check = Instant::now();
    let mut last_progress = Instant::now();
    let (published, failed, unfinished, timed_out) = loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let timed_out = now_ms() > deadline;
        if receiver.count() < args.posts
            && !timed_out
            && last_check.elapsed() < Duration::from_secs(2)
        {
            continue;
        }
        last_check = Instant::now();
        let counts = setup::state_counts(&db).await?;
        let get = |s: &str| counts.iter().find(|(k, _)| k == s).map_or(0, |(_, n)| *n);
        let (published, failed) = (get("published"), get("failed"));
        let unfinished = total - published - failed;
        if unfinished == 0 || timed_out {
            break (published, failed, unfinished, timed_out);
        }
        if workers.any_exited() {
            eprintln!("warning: a worker process exited early");
        }
        if last_progress.elapsed() >= Duration::from_secs(5) {
            last_progress = Instant::now();
            eprintln!(
                "… {published} published, {failed} failed, {} received by the webhook",
                receiver.count()
            );
        }
    };
    // A request can land a moment before its target's row says published.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let arrivals = receiver.arrivals();

    let load_end = stats::load_average();
    let (worker_peak_rss_kb, worker_cpu_secs) = workers.usage();
    workers.stop();
    let _ = stop_tx.send(());
    if let Some(mut task) = in_process {
        // Channel tasks drain their backlog before stopping: after a timeout, don't wait for that.
        if tokio::time::timeout(Duration::from_secs(10), &mut task)
            .await
            .is_err()
        {
            task.abort();
        }
    }
    let summary = stats::summarize(&due, &arrivals);
    drop(receiver);
    db.close().await;
    drop(state);
    // Posts delivered per second from the first due instant to the last
    // delivery (all N when the run completes; what arrived when it timed out).
    let publishes_per_sec = match summary.last_arrival {
        Some(last) if last > first_due => {
            summary.received as f64 / ((last - first_due) as f64 / 1000.0)
        }
        _ => 0.0,
    };
    let me = std::process::id().to_string();
    Ok(Report {
        posts: args.posts,
        channels: args.channels,
        workers: args.workers,
        concurrency: args.concurrency,
        backend: if pg.is_some() { "postgres" } else { "sqlite" },
        window_secs: args.window_secs,
        setup_secs,
        summary,
        publishes_per_sec,
        published,
        failed,
        unfinished,
        timed_out,
        peak_rss_kb: stats::proc_status_kb(&me, "VmHWM"),
        cpu_secs: stats::proc_cpu_secs(&me),
        load: (load_start, load_end),
        busy_before,
        worker_peak_rss_kb,
        worker_cpu_secs,
    })
}

/// Connects `n` webhook channels, a few at a time.
async fn connect_channels(
    channels: &letsgrow_app::channels::ChannelService,
    user_id: &str,
    receiver: &Receiver,
    n: usize,
) -> anyhow::Result<Vec<String>> {
    let mut ids = vec![String::new(); n];
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..n {
        if tasks.len() >= 8
            && let Some(done) = tasks.join_next().await
        {
            let (j, id): (usize, String) = done??;
            ids[j] = id;
        }
        let channels = channels.clone();
        let user_id = user_id.to_owned();
        let url = receiver.url(i);
        tasks.spawn(async move {
            let req = ConnectRequest {
                platform: Platform::Webhook,
                identifier: None,
                app_password: None,
                service_url: None,
                url: Some(url),
                format: Some("generic".into()),
            };
            let (row, _) = channels
                .connect(&user_id, req)
                .await
                .map_err(|e| anyhow::anyhow!("connecting webhook channel {i}: {e:?}"))?;
            anyhow::Ok((i, row.id))
        });
    }
    while let Some(done) = tasks.join_next().await {
        let (j, id) = done??;
        ids[j] = id;
    }
    Ok(ids)
}
