//! `letsgrow bench publish` end to end, at a size that takes seconds.

use crate::letsgrow;

#[test]
fn bench_publish_reports_json_on_the_last_line() {
    let out = letsgrow()
        .args([
            "bench",
            "publish",
            "--posts",
            "60",
            "--channels",
            "6",
            "--window-secs",
            "1",
            "--lead-secs",
            "1",
            "--json",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("lateness"), "{stdout}");
    let last = stdout.lines().last().unwrap();
    let v: serde_json::Value = serde_json::from_str(last).unwrap();
    assert_eq!(v["posts"], 60);
    assert_eq!(v["backend"], "sqlite");
    assert_eq!(v["lost"], 0, "{v}");
    assert_eq!(v["duplicates"], 0, "{v}");
    assert_eq!(v["published"], 60, "{v}");
    for k in ["p50_ms", "p99_ms", "max_ms", "publishes_per_sec"] {
        assert!(v[k].is_number(), "{k}: {v}");
    }
}

#[test]
fn bench_refuses_several_workers_on_sqlite() {
    let out = letsgrow()
        .args(["bench", "publish", "--posts", "10", "--workers", "2"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("needs PostgreSQL"), "{err}");
}

/// The task runner's kill test: 2,000 tasks across two worker processes on
/// PostgreSQL, the first killed with SIGKILL mid-run. Every task ends done,
/// each dedupe key's work is done once, nothing is left running, and the
/// repeats (tasks the killed worker held) are at most what it had in hand.
#[test]
fn bench_tasks_survives_a_killed_worker() {
    let out = letsgrow()
        .args([
            "bench",
            "tasks",
            "--database-url",
            &std::env::var("LETSGROW_TEST_PG_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into()),
            "--tasks",
            "2000",
            "--workers",
            "2",
            "--concurrency",
            "16",
            "--work-ms",
            "20",
            "--kill-after",
            "500",
            "--lease-secs",
            "3",
            "--json",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(v["killed"], true, "{v}");
    assert_eq!(v["done"], 2000, "{v}");
    assert_eq!(v["effects"], 2000, "{v}");
    assert_eq!(v["running"], 0, "{v}");
    assert_eq!(v["failed"], 0, "{v}");
    assert!(v["repeats"].as_i64().unwrap() <= 16, "{v}");
}
