//! `letsgrow bench tasks`: many tasks across several worker processes on one
//! PostgreSQL database, optionally `kill -9`-ing one mid-run, then checking
//! that every task finished, each dedupe key's work was done once, and no
//! task is left `running`. Also the task runner's throughput.
//!
//! The children are `letsgrow bench task-worker` processes: the same
//! [`letsgrow_jobs::Runner`] `letsgrow worker` runs, with the benchmark's
//! one kind, `bench.touch`, which records every run (`bench_task_runs`) and
//! does its work idempotently, keyed by the task's dedupe key
//! (`bench_task_effects`).

use super::setup::PgDatabase;
use anyhow::Context;
use clap::Args;
use letsgrow_db::Db;
use letsgrow_jobs::{
    EnqueueOptions, JobHandler, Outcome, Queue, Runner, RunnerConfig, TaskContext, Wake,
};
use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Args, Debug, Clone)]
pub struct TasksArgs {
    /// A PostgreSQL server (postgres://…): a fresh database is created on it and dropped at the end.
    #[arg(long, value_name = "URL")]
    pub database_url: String,
    /// Tasks to enqueue (each with its own dedupe key).
    #[arg(long, default_value_t = 2000, value_name = "N")]
    pub tasks: usize,
    /// Worker processes.
    #[arg(long, default_value_t = 2, value_name = "K")]
    pub workers: usize,
    /// Tasks each worker runs at once (tasks.concurrency).
    #[arg(long, default_value_t = 16, value_name = "N")]
    pub concurrency: usize,
    /// How long each task's work takes.
    #[arg(long, default_value_t = 20, value_name = "MS")]
    pub work_ms: u64,
    /// `kill -9` the first worker once this many tasks' work is done (0: never).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub kill_after: usize,
    /// The task lease (tasks.lease_secs): how soon a dead worker's tasks run elsewhere.
    #[arg(long, default_value_t = 3, value_name = "SECS")]
    pub lease_secs: u64,
    /// Also print the numbers as one JSON object, the last line of stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug, Clone)]
pub struct TaskWorkerArgs {
    #[arg(long)]
    pub database_url: String,
    #[arg(long)]
    pub concurrency: usize,
    #[arg(long)]
    pub work_ms: u64,
    #[arg(long)]
    pub lease_secs: u64,
}

/// Records the run, and does the task's work once per dedupe key.
struct Touch {
    db: Db,
    work_ms: u64,
}

impl JobHandler for Touch {
    const KIND: &'static str = "bench.touch";
    const TITLE: &'static str = "Benchmark task";
    type Payload = serde_json::Value;

    async fn handle(&self, ctx: TaskContext, _: serde_json::Value) -> Outcome {
        tokio::time::sleep(Duration::from_millis(self.work_ms)).await;
        let Db::Postgres(pool) = &self.db else {
            return Outcome::fail("bench tasks runs on PostgreSQL only");
        };
        let key = ctx.dedupe_key.clone().unwrap_or_else(|| ctx.id.clone());
        let runs = sqlx::query(
            "INSERT INTO bench_task_runs (task_id, dedupe_key, pid) VALUES ($1, $2, $3)",
        )
        .bind(&ctx.id)
        .bind(&key)
        .bind(i64::from(std::process::id()))
        .execute(pool)
        .await;
        let effect = sqlx::query(
            "INSERT INTO bench_task_effects (dedupe_key) VALUES ($1) ON CONFLICT DO NOTHING",
        )
        .bind(&key)
        .execute(pool)
        .await;
        match (runs, effect) {
            (Ok(_), Ok(_)) => Outcome::Done,
            (Err(e), _) | (_, Err(e)) => Outcome::retry(format!("could not record the run: {e}")),
        }
    }
}

/// The child process: one task runner until SIGTERM (or SIGKILL).
pub async fn task_worker(args: TaskWorkerArgs) -> anyhow::Result<()> {
    let db = Db::connect(Some(&args.database_url), &std::env::temp_dir(), 8)
        .await
        .context("connecting to the benchmark database")?;
    let wake = Wake::default();
    let runner = Runner::new(
        Queue::new(db.clone(), wake.clone()),
        RunnerConfig {
            concurrency: args.concurrency,
            lease: Duration::from_secs(args.lease_secs),
            poll: Duration::from_millis(200),
            ..RunnerConfig::default()
        },
    )
    .register(Touch {
        db: db.clone(),
        work_ms: args.work_ms,
    });
    println!("task worker started");
    Arc::new(runner)
        .run(wake, letsgrow_app::shutdown_signal())
        .await;
    db.close().await;
    Ok(())
}

struct Children(Vec<Child>);

impl Drop for Children {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

async fn count(pool: &sqlx::PgPool, sql: &'static str) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar(sql).fetch_one(pool).await?)
}

pub async fn run(args: TasksArgs) -> anyhow::Result<()> {
    anyhow::ensure!(
        args.tasks > 0 && args.workers > 0 && args.concurrency > 0,
        "--tasks, --workers and --concurrency must be at least 1"
    );
    anyhow::ensure!(
        args.database_url.starts_with("postgres://")
            || args.database_url.starts_with("postgresql://"),
        "--database-url takes a PostgreSQL server (postgres://…): several worker processes need PostgreSQL"
    );
    let pg = PgDatabase::create(&args.database_url).await?;
    let result = measure(&args, &pg).await;
    if let Err(e) = pg.drop_now().await {
        eprintln!("warning: could not drop the database {}: {e:#}", pg.name);
    }
    let r = result?;
    println!(
        "bench tasks: {} tasks, {} worker(s) × concurrency {}, {} ms of work each{}",
        args.tasks,
        args.workers,
        args.concurrency,
        args.work_ms,
        if r.killed {
            "; one worker killed with SIGKILL mid-run"
        } else {
            ""
        }
    );
    println!(
        "finished in {:.2} s: {:.0} tasks/s; done {}, failed {}, still running {}, still queued {}",
        r.secs, r.per_sec, r.done, r.failed, r.running, r.queued
    );
    println!(
        "work done once per key: {} of {} keys; runs {} (repeats after the kill: {})",
        r.effects, args.tasks, r.runs, r.repeats
    );
    if args.json {
        println!(
            "{}",
            serde_json::json!({
                "tasks": args.tasks, "workers": args.workers, "concurrency": args.concurrency,
                "killed": r.killed, "secs": r.secs, "tasks_per_sec": r.per_sec,
                "done": r.done, "failed": r.failed, "running": r.running, "queued": r.queued,
                "effects": r.effects, "runs": r.runs, "repeats": r.repeats,
            })
        );
    }
    let n = i64::try_from(args.tasks).unwrap_or(i64::MAX);
    anyhow::ensure!(
        r.done == n && r.effects == n && r.running == 0,
        "not every task finished exactly once (see above)"
    );
    Ok(())
}

struct Outcomes {
    killed: bool,
    secs: f64,
    per_sec: f64,
    done: i64,
    failed: i64,
    running: i64,
    queued: i64,
    effects: i64,
    runs: i64,
    repeats: i64,
}

async fn measure(args: &TasksArgs, pg: &PgDatabase) -> anyhow::Result<Outcomes> {
    let db = Db::connect(Some(&pg.url), &std::env::temp_dir(), 4).await?;
    db.migrate().await.context("applying migrations")?;
    let Db::Postgres(pool) = &db else {
        anyhow::bail!("expected PostgreSQL");
    };
    sqlx::query("CREATE TABLE bench_task_runs (task_id TEXT NOT NULL, dedupe_key TEXT NOT NULL, pid BIGINT NOT NULL)")
        .execute(pool)
        .await?;
    sqlx::query("CREATE TABLE bench_task_effects (dedupe_key TEXT PRIMARY KEY)")
        .execute(pool)
        .await?;
    let queue = Queue::new(db.clone(), Wake::default());
    for i in 0..args.tasks {
        queue
            .enqueue_json(
                Touch::KIND,
                "{}",
                EnqueueOptions {
                    dedupe_key: Some(format!("bench-{i}")),
                    ..EnqueueOptions::default()
                },
            )
            .await?;
    }
    let exe = std::env::current_exe().context("locating this executable")?;
    let mut children = Children(Vec::new());
    let mut ready = Vec::new();
    for _ in 0..args.workers {
        let mut child = Command::new(&exe)
            .args(["bench", "task-worker", "--database-url", &pg.url])
            .args(["--concurrency", &args.concurrency.to_string()])
            .args(["--work-ms", &args.work_ms.to_string()])
            .args(["--lease-secs", &args.lease_secs.to_string()])
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .context("starting `letsgrow bench task-worker`")?;
        let out = child.stdout.take();
        children.0.push(child);
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        if let Some(out) = out {
            std::thread::spawn(move || {
                for line in std::io::BufReader::new(out).lines().map_while(Result::ok) {
                    if line.contains("task worker started") {
                        let _ = tx.send(());
                    }
                }
            });
        }
        ready.push(rx);
    }
    let started = Instant::now();
    for rx in ready {
        let ok =
            tokio::task::spawn_blocking(move || rx.recv_timeout(Duration::from_secs(30))).await?;
        anyhow::ensure!(ok.is_ok(), "a task worker did not start within 30 s");
    }
    let n = i64::try_from(args.tasks).unwrap_or(i64::MAX);
    let mut killed = false;
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let effects = count(pool, "SELECT COUNT(*) FROM bench_task_effects").await?;
        if args.kill_after > 0 && !killed && effects >= i64::try_from(args.kill_after).unwrap_or(0)
        {
            if let Some(c) = children.0.first_mut() {
                c.kill().context("killing the first worker")?;
                let _ = c.wait();
            }
            killed = true;
        }
        let done = count(
            pool,
            "SELECT COUNT(*) FROM tasks WHERE state IN ('done', 'failed')",
        )
        .await?;
        if done >= n || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let secs = started.elapsed().as_secs_f64();
    drop(children);
    let by_state = |s: &'static str| async move {
        let v: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tasks WHERE state = $1")
            .bind(s)
            .fetch_one(pool)
            .await?;
        anyhow::Ok(v)
    };
    let done = by_state("done").await?;
    let runs = count(pool, "SELECT COUNT(*) FROM bench_task_runs").await?;
    let effects = count(pool, "SELECT COUNT(*) FROM bench_task_effects").await?;
    let out = Outcomes {
        killed,
        secs,
        per_sec: done as f64 / secs.max(1e-9),
        done,
        failed: by_state("failed").await?,
        running: by_state("running").await?,
        queued: by_state("queued").await?,
        effects,
        runs,
        repeats: runs - effects,
    };
    db.close().await;
    Ok(out)
}
