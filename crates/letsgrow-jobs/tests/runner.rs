//! The task runner on both databases: claims, retries, leases, cancels,
//! failures, and recurring schedules under a hand-moved clock.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Utc};
use letsgrow_db::Db;
use letsgrow_jobs::{
    Clock, EnqueueOptions, FailedTask, FailureReporter, JobError, JobHandler, ManualClock, Outcome,
    Queue, Recurrence, Runner, RunnerConfig, Schedule, TaskContext, TaskState, Wake,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn pg_admin_url() -> String {
    std::env::var("LETSGROW_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

#[derive(Clone, Copy, Debug)]
enum Backend {
    Sqlite,
    Postgres,
}

/// A migrated database of its own, removed when dropped.
struct TestDb {
    db: Db,
    _dir: tempfile::TempDir,
    pg_name: Option<String>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(name) = self.pg_name.clone() else {
            return;
        };
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                use sqlx::Connection;
                if let Ok(mut c) = sqlx::PgConnection::connect(&pg_admin_url()).await {
                    let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                    let _ = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut c).await;
                }
            });
        })
        .join();
    }
}

async fn test_db(backend: Backend) -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    let (url, pg_name) = match backend {
        Backend::Sqlite => (None, None),
        Backend::Postgres => {
            use sqlx::Connection;
            let name = format!("lg_jobs_{}", uuid::Uuid::new_v4().simple());
            let mut admin = sqlx::PgConnection::connect(&pg_admin_url())
                .await
                .expect("PostgreSQL at 127.0.0.1:5432");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
                .execute(&mut admin)
                .await
                .unwrap();
            let base = pg_admin_url();
            let url = format!("{}/{name}", base.rsplit_once('/').unwrap().0);
            (Some(url), Some(name))
        }
    };
    let db = Db::connect(url.as_deref(), dir.path(), 8).await.unwrap();
    db.migrate().await.unwrap();
    TestDb {
        db,
        _dir: dir,
        pg_name,
    }
}

fn ms(s: &str) -> i64 {
    DateTime::parse_from_rfc3339(s).unwrap().timestamp_millis()
}

fn iso(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Records every run; behaves as its payload says.
#[derive(Clone, Default)]
struct Probe {
    runs: Arc<Mutex<Vec<(String, i64, i64)>>>,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
struct Plan {
    /// Fail (retry) this many times before succeeding.
    #[serde(default)]
    flaky: i64,
    /// Refuse outright.
    #[serde(default)]
    refuse: bool,
    #[serde(default)]
    panic: bool,
}

impl JobHandler for Probe {
    const KIND: &'static str = "test.probe";
    const TITLE: &'static str = "Run the test probe";
    type Payload = Plan;

    async fn handle(&self, ctx: TaskContext, plan: Plan) -> Outcome {
        self.runs
            .lock()
            .unwrap()
            .push((ctx.id.clone(), ctx.attempt, ctx.due_ms));
        if plan.panic {
            panic!("the probe was told to panic");
        }
        if plan.refuse {
            return Outcome::fail("the probe was told to refuse");
        }
        if ctx.attempt <= plan.flaky {
            return Outcome::retry("the probe is flaky");
        }
        Outcome::Done
    }
}

impl Probe {
    fn runs(&self) -> Vec<(String, i64, i64)> {
        self.runs.lock().unwrap().clone()
    }
}

#[derive(Default)]
struct Reports(Mutex<Vec<FailedTask>>);

impl FailureReporter for Reports {
    fn task_failed<'a>(&'a self, t: &'a FailedTask) -> futures::future::BoxFuture<'a, ()> {
        self.0.lock().unwrap().push(t.clone());
        Box::pin(async {})
    }
}

struct Rig {
    t: TestDb,
    clock: Arc<ManualClock>,
    queue: Queue,
    probe: Probe,
    reports: Arc<Reports>,
    runner: Arc<Runner>,
}

const START: &str = "2027-03-15T12:00:00Z";

async fn rig(backend: Backend) -> Rig {
    let t = test_db(backend).await;
    let clock = Arc::new(ManualClock::new(ms(START)));
    let queue = Queue::new(t.db.clone(), Wake::default()).with_clock(clock.clone());
    let probe = Probe::default();
    let reports = Arc::new(Reports::default());
    let runner = Arc::new(
        Runner::new(queue.clone(), RunnerConfig::default())
            .register(probe.clone())
            .report_failures_to(reports.clone()),
    );
    Rig {
        t,
        clock,
        queue,
        probe,
        reports,
        runner,
    }
}

fn plan(flaky: i64) -> Plan {
    Plan {
        flaky,
        refuse: false,
        panic: false,
    }
}

async fn both<F, Fut>(f: F)
where
    F: Fn(Backend) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    f(Backend::Sqlite).await;
    f(Backend::Postgres).await;
}

#[tokio::test]
async fn a_task_runs_once_and_a_dedupe_key_yields_one_task() {
    both(|b| async move {
        let r = rig(b).await;
        let opts = || EnqueueOptions {
            dedupe_key: Some("report:2027-w11".into()),
            ..EnqueueOptions::default()
        };
        let a = r.queue.enqueue::<Probe>(&plan(0), opts()).await.unwrap();
        let again = r.queue.enqueue::<Probe>(&plan(0), opts()).await.unwrap();
        assert_eq!(a, again, "{b:?}");
        let other = r
            .queue
            .enqueue::<Probe>(&plan(0), EnqueueOptions::default())
            .await
            .unwrap();
        assert_ne!(a, other);
        let report = r.runner.run_until_idle(10).await.unwrap();
        assert_eq!(report.done, 2, "{b:?} {report:?}");
        assert_eq!(r.probe.runs().len(), 2);
        assert_eq!(r.queue.get(&a).await.unwrap().state, "done");
        assert!(r.queue.get(&a).await.unwrap().finished_at.is_some());
        // Nothing runs twice.
        assert_eq!(r.runner.run_once().await.unwrap().ran(), 0);
    })
    .await;
}

#[tokio::test]
async fn a_task_due_later_waits_for_its_time() {
    both(|b| async move {
        let r = rig(b).await;
        let at = ms(START) + 60_000;
        let id = r
            .queue
            .enqueue::<Probe>(
                &plan(0),
                EnqueueOptions {
                    run_at: Some(at),
                    ..EnqueueOptions::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(r.runner.run_once().await.unwrap().ran(), 0, "{b:?}");
        r.clock.advance(Duration::from_secs(59));
        assert_eq!(r.runner.run_once().await.unwrap().ran(), 0);
        r.clock.advance(Duration::from_secs(1));
        assert_eq!(r.runner.run_once().await.unwrap().done, 1);
        assert_eq!(r.probe.runs(), vec![(id, 1, at)]);
    })
    .await;
}

#[tokio::test]
async fn retries_back_off_then_succeed() {
    both(|b| async move {
        let r = rig(b).await;
        let id = r
            .queue
            .enqueue::<Probe>(&plan(2), EnqueueOptions::default())
            .await
            .unwrap();
        assert_eq!(r.runner.run_once().await.unwrap().retried, 1, "{b:?}");
        let row = r.queue.get(&id).await.unwrap();
        assert_eq!(row.state, "queued");
        assert_eq!(row.last_error.as_deref(), Some("the probe is flaky"));
        // Backoff after the first try: 2 s ± 20 %.
        let wait = row.run_at - r.clock.now_ms();
        assert!((1_600..=2_400).contains(&wait), "{wait}");
        assert_eq!(
            r.runner.run_once().await.unwrap().ran(),
            0,
            "not before its time"
        );
        r.clock.advance(Duration::from_secs(3));
        assert_eq!(r.runner.run_once().await.unwrap().retried, 1);
        r.clock.advance(Duration::from_secs(10));
        assert_eq!(r.runner.run_once().await.unwrap().done, 1);
        let row = r.queue.get(&id).await.unwrap();
        assert_eq!((row.state.as_str(), row.attempts), ("done", 3));
        assert!(r.reports.0.lock().unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn out_of_attempts_fails_and_tells_the_user() {
    both(|b| async move {
        let r = rig(b).await;
        let t = &r.t;
        let user = letsgrow_db::users::insert(&t.db, "jobs@example.com", "x", 0)
            .await
            .unwrap();
        let id = r
            .queue
            .enqueue::<Probe>(
                &plan(99),
                EnqueueOptions {
                    max_attempts: 3,
                    user_id: Some(user.id.clone()),
                    ..EnqueueOptions::default()
                },
            )
            .await
            .unwrap();
        for _ in 0..3 {
            r.runner.run_once().await.unwrap();
            r.clock.advance(Duration::from_secs(60));
        }
        let row = r.queue.get(&id).await.unwrap();
        assert_eq!(row.state, "failed", "{b:?}");
        assert_eq!(
            row.last_error.as_deref(),
            Some("the probe is flaky (gave up after 3 tries)")
        );
        let reports = r.reports.0.lock().unwrap().clone();
        assert_eq!(reports.len(), 1);
        assert_eq!(reports[0].id, id);
        assert_eq!(reports[0].title, "Run the test probe");
        assert_eq!(reports[0].user_id.as_deref(), Some(user.id.as_str()));
        assert_eq!(reports[0].attempts, 3);
        // A failed task is not run again until someone retries it.
        r.clock.advance(Duration::from_secs(3600));
        assert_eq!(r.runner.run_once().await.unwrap().ran(), 0);
        assert_eq!(r.probe.runs().len(), 3);
    })
    .await;
}

#[tokio::test]
async fn refusals_bad_payloads_and_panics() {
    both(|b| async move {
        let r = rig(b).await;
        let refused = r
            .queue
            .enqueue::<Probe>(
                &Plan {
                    flaky: 0,
                    refuse: true,
                    panic: false,
                },
                EnqueueOptions::default(),
            )
            .await
            .unwrap();
        let unreadable = r
            .queue
            .enqueue_json(
                "test.probe",
                r#"{"flaky":"many"}"#,
                EnqueueOptions::default(),
            )
            .await
            .unwrap();
        let panics = r
            .queue
            .enqueue::<Probe>(
                &Plan {
                    flaky: 0,
                    refuse: false,
                    panic: true,
                },
                EnqueueOptions::default(),
            )
            .await
            .unwrap();
        let report = r.runner.run_once().await.unwrap();
        assert_eq!((report.failed, report.retried), (2, 1), "{b:?} {report:?}");
        let row = r.queue.get(&refused).await.unwrap();
        assert_eq!(row.state, "failed");
        assert_eq!(
            row.last_error.as_deref(),
            Some("the probe was told to refuse")
        );
        let row = r.queue.get(&unreadable).await.unwrap();
        assert_eq!(row.state, "failed");
        assert!(
            row.last_error
                .unwrap()
                .starts_with("its stored details could not be read")
        );
        let row = r.queue.get(&panics).await.unwrap();
        assert_eq!(row.state, "queued", "a panic is retried like any error");
        assert!(row.last_error.unwrap().contains("stopped unexpectedly"));
        assert_eq!(r.reports.0.lock().unwrap().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn a_dead_workers_task_runs_again_once_its_lease_ends() {
    both(|b| async move {
        let r = rig(b).await;
        let db = &r.t.db;
        let now = ms(START);
        let id = r
            .queue
            .enqueue::<Probe>(&plan(0), EnqueueOptions::default())
            .await
            .unwrap();
        let last = r
            .queue
            .enqueue::<Probe>(
                &plan(0),
                EnqueueOptions {
                    max_attempts: 1,
                    ..EnqueueOptions::default()
                },
            )
            .await
            .unwrap();
        // A worker claims both and dies: its lease runs 10 s.
        let claimed = letsgrow_db::tasks::claim(db, "dead", &["test.probe"], now, now + 10_000, 10)
            .await
            .unwrap();
        assert_eq!(claimed.len(), 2, "{b:?}");
        assert_eq!(r.runner.run_once().await.unwrap().ran(), 0, "still leased");
        r.clock.advance(Duration::from_secs(11));
        let report = r.runner.run_until_idle(5).await.unwrap();
        assert_eq!((report.reaped, report.done), (2, 1), "{report:?}");
        assert_eq!(r.queue.get(&id).await.unwrap().state, "done");
        assert_eq!(r.queue.get(&id).await.unwrap().attempts, 2);
        // The one with no attempts left fails, and the failure is reported.
        let row = r.queue.get(&last).await.unwrap();
        assert_eq!(row.state, "failed");
        assert_eq!(
            row.last_error.as_deref(),
            Some("the worker running it stopped before it finished")
        );
        assert_eq!(r.reports.0.lock().unwrap().len(), 1);
        // The dead worker's late result changes nothing.
        let f = letsgrow_db::tasks::Finish::Failed { error: "late" };
        assert!(
            !letsgrow_db::tasks::finish(db, &id, "dead", &f, now)
                .await
                .unwrap()
        );
        assert_eq!(r.queue.get(&id).await.unwrap().state, "done");
    })
    .await;
}

#[tokio::test]
async fn retry_and_cancel_by_hand() {
    both(|b| async move {
        let r = rig(b).await;
        let id = r
            .queue
            .enqueue::<Probe>(
                &plan(1),
                EnqueueOptions {
                    max_attempts: 1,
                    ..EnqueueOptions::default()
                },
            )
            .await
            .unwrap();
        match r.queue.retry(&id).await {
            Err(JobError::WrongState { state, .. }) => assert_eq!(state, "queued", "{b:?}"),
            other => panic!("{other:?}"),
        }
        r.runner.run_once().await.unwrap();
        assert_eq!(r.queue.get(&id).await.unwrap().state, "failed");
        let row = r.queue.retry(&id).await.unwrap();
        assert_eq!((row.state.as_str(), row.attempts), ("queued", 0));
        // Fresh attempts: it runs again from attempt 1 (and this probe fails that one).
        assert_eq!(r.runner.run_once().await.unwrap().failed, 1);
        assert_eq!(r.probe.runs().len(), 2);
        assert_eq!(r.probe.runs()[1].1, 1);
        assert_eq!(r.queue.cancel(&id).await.unwrap().state, "cancelled");
        match r.queue.cancel(&id).await {
            Err(JobError::WrongState { state, .. }) => assert_eq!(state, "cancelled"),
            other => panic!("{other:?}"),
        }
        assert_eq!(r.queue.retry(&id).await.unwrap().state, "queued");
        // A queued task can be cancelled before it runs.
        assert_eq!(r.queue.cancel(&id).await.unwrap().state, "cancelled");
        assert!(matches!(
            r.queue.cancel("nope").await,
            Err(JobError::NotFound(_))
        ));
        let later = r
            .queue
            .enqueue::<Probe>(
                &plan(0),
                EnqueueOptions {
                    run_at: Some(ms(START) + 1000),
                    ..EnqueueOptions::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(r.queue.cancel(&later).await.unwrap().state, "cancelled");
        r.clock.advance(Duration::from_secs(5));
        assert_eq!(r.runner.run_once().await.unwrap().ran(), 0);
        let listed = r
            .queue
            .list(Some(TaskState::Cancelled), None, 10)
            .await
            .unwrap();
        let ids: Vec<&str> = listed.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids.len(), 2);
        assert!(ids.contains(&later.as_str()) && ids.contains(&id.as_str()));
    })
    .await;
}

/// Cancels its own task while it runs: the result must be dropped.
struct SelfCancel(Queue);

impl JobHandler for SelfCancel {
    const KIND: &'static str = "test.self_cancel";
    const TITLE: &'static str = "Cancel itself";
    type Payload = serde_json::Value;

    async fn handle(&self, ctx: TaskContext, _: serde_json::Value) -> Outcome {
        self.0.cancel(&ctx.id).await.unwrap();
        Outcome::Done
    }
}

#[tokio::test]
async fn a_task_cancelled_while_it_runs_stays_cancelled() {
    both(|b| async move {
        let r = rig(b).await;
        let runner = Arc::new(
            Runner::new(r.queue.clone(), RunnerConfig::default())
                .register(SelfCancel(r.queue.clone())),
        );
        let id = r
            .queue
            .enqueue::<SelfCancel>(&serde_json::json!({}), EnqueueOptions::default())
            .await
            .unwrap();
        let report = runner.run_once().await.unwrap();
        assert_eq!(report.lost, 1, "{b:?} {report:?}");
        assert_eq!(r.queue.get(&id).await.unwrap().state, "cancelled");
    })
    .await;
}

#[tokio::test]
async fn a_kind_nobody_here_handles_waits_and_shows_in_the_counts() {
    both(|b| async move {
        let r = rig(b).await;
        r.queue
            .enqueue_json("test.unknown", "{}", EnqueueOptions::default())
            .await
            .unwrap();
        r.queue
            .enqueue::<Probe>(
                &plan(0),
                EnqueueOptions {
                    run_at: Some(ms(START) + 3_600_000),
                    ..EnqueueOptions::default()
                },
            )
            .await
            .unwrap();
        r.clock.advance(Duration::from_secs(90));
        assert_eq!(r.runner.run_once().await.unwrap().ran(), 0, "{b:?}");
        let stats = r.queue.stats().await.unwrap();
        let by: BTreeMap<(String, String), (i64, Option<i64>)> = stats
            .into_iter()
            .map(|s| ((s.kind, s.state), (s.count, s.oldest_due)))
            .collect();
        assert_eq!(
            by.get(&("test.unknown".into(), "queued".into())),
            Some(&(1, Some(ms(START))))
        );
        // Queued but not due yet: counted, no due age.
        assert_eq!(
            by.get(&("test.probe".into(), "queued".into())),
            Some(&(1, None))
        );
    })
    .await;
}

/// Every Monday 08:00 in Berlin, from mid-March to mid-April and across the
/// end of October 2027, with two runners (two processes) sharing the
/// database and the clock moved an hour at a time: each occurrence runs
/// exactly once, never early, at 07:00Z in winter and 06:00Z in summer.
#[tokio::test]
async fn weekly_berlin_schedule_is_dst_correct_and_fires_once() {
    both(|b| async move {
        let r = rig(b).await;
        let second = Arc::new(
            Runner::new(r.queue.clone(), RunnerConfig::default()).register(r.probe.clone()),
        );
        let schedule = Schedule {
            name: "weekly-report".into(),
            kind: "test.probe".into(),
            payload: serde_json::json!({}),
            recurrence: Recurrence::parse("weekly mon 08:00", "Europe/Berlin").unwrap(),
            user_id: None,
        };
        let mut ran_at = Vec::new();
        for (from, to) in [
            ("2027-03-15T12:00:00Z", "2027-04-06T00:00:00Z"),
            ("2027-10-18T12:00:00Z", "2027-11-09T00:00:00Z"),
        ] {
            r.clock.set(ms(from));
            r.queue.declare_schedule(&schedule).await.unwrap();
            // Declaring again (another process starting) changes nothing.
            r.queue.declare_schedule(&schedule).await.unwrap();
            let rows = r.queue.schedules().await.unwrap();
            assert_eq!(rows.len(), 1);
            assert_eq!(rows[0].spec, "weekly mon 08:00");
            assert_eq!(rows[0].zone, "Europe/Berlin");
            while r.clock.now_ms() < ms(to) {
                let before = r.probe.runs().len();
                r.runner.run_once().await.unwrap();
                second.run_once().await.unwrap();
                if r.probe.runs().len() > before {
                    ran_at.push(r.clock.now_ms());
                }
                r.clock.advance(Duration::from_secs(3600));
            }
            // The next autumn leg starts from a fresh declaration.
            r.queue.remove_schedule("weekly-report").await.unwrap();
        }
        let due: Vec<String> = r.probe.runs().iter().map(|(_, _, d)| iso(*d)).collect();
        assert_eq!(
            due,
            [
                "2027-03-22T07:00:00Z",
                "2027-03-29T06:00:00Z",
                "2027-04-05T06:00:00Z",
                "2027-10-25T06:00:00Z",
                "2027-11-01T07:00:00Z",
                "2027-11-08T07:00:00Z",
            ],
            "{b:?}"
        );
        // Each ran within the hour step after its occurrence, never before.
        for ((_, _, d), at) in r.probe.runs().iter().zip(&ran_at) {
            assert!(
                *at >= *d && *at - *d < 3_600_000,
                "{} ran at {}",
                iso(*d),
                iso(*at)
            );
        }
    })
    .await;
}

#[tokio::test]
async fn missed_occurrences_run_once_not_once_each() {
    both(|b| async move {
        let r = rig(b).await;
        let schedule = Schedule {
            name: "hourly".into(),
            kind: "test.probe".into(),
            payload: serde_json::json!({}),
            recurrence: Recurrence::parse("every 1h", "UTC").unwrap(),
            user_id: None,
        };
        r.queue.declare_schedule(&schedule).await.unwrap();
        // Everything was down for five hours.
        r.clock.advance(Duration::from_secs(5 * 3600 + 60));
        let report = r.runner.run_until_idle(5).await.unwrap();
        assert_eq!((report.fired, report.done), (1, 1), "{b:?} {report:?}");
        let next = r.queue.schedules().await.unwrap()[0].next_run_at;
        assert_eq!(iso(next), "2027-03-15T18:00:00Z");
        // A changed schedule takes its new next run.
        let daily = Schedule {
            recurrence: Recurrence::parse("daily 09:00", "Asia/Kolkata").unwrap(),
            ..schedule
        };
        r.queue.declare_schedule(&daily).await.unwrap();
        let row = r.queue.schedules().await.unwrap().remove(0);
        assert_eq!(
            (row.spec.as_str(), row.zone.as_str()),
            ("daily 09:00", "Asia/Kolkata")
        );
        assert_eq!(iso(row.next_run_at), "2027-03-16T03:30:00Z");
    })
    .await;
}

/// Two real run loops (system clock) on one PostgreSQL database share 300
/// tasks: each task runs once.
#[tokio::test]
async fn two_run_loops_share_the_work_on_postgres() {
    let t = test_db(Backend::Postgres).await;
    let probe = Probe::default();
    let mut stops = Vec::new();
    let mut loops = Vec::new();
    for _ in 0..2 {
        let wake = Wake::default();
        let queue = Queue::new(t.db.clone(), wake.clone());
        let runner = Arc::new(
            Runner::new(
                queue,
                RunnerConfig {
                    concurrency: 8,
                    poll: Duration::from_millis(100),
                    ..RunnerConfig::default()
                },
            )
            .register(probe.clone()),
        );
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        stops.push(tx);
        loops.push(tokio::spawn(runner.run(wake, async move {
            let _ = rx.await;
        })));
    }
    let queue = Queue::new(t.db.clone(), Wake::default());
    for i in 0..300 {
        queue
            .enqueue::<Probe>(
                &plan(0),
                EnqueueOptions {
                    dedupe_key: Some(format!("share-{i}")),
                    ..EnqueueOptions::default()
                },
            )
            .await
            .unwrap();
    }
    let until = std::time::Instant::now() + Duration::from_secs(60);
    while probe.runs().len() < 300 && std::time::Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for s in stops {
        let _ = s.send(());
    }
    for l in loops {
        l.await.unwrap();
    }
    let runs = probe.runs();
    let distinct: std::collections::BTreeSet<_> = runs.iter().map(|(id, _, _)| id).collect();
    assert_eq!((runs.len(), distinct.len()), (300, 300));
    let done = queue.list(Some(TaskState::Done), None, 1000).await.unwrap();
    assert_eq!(done.len(), 300);
}
