//! The `letsgrow` binary as an operator uses it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod bench;
mod crash;

use std::process::{Command, Stdio};

pub fn letsgrow() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_letsgrow"));
    // Tests must not pick up a developer's LETSGROW__* settings.
    for (k, _) in std::env::vars() {
        if k.starts_with("LETSGROW__") {
            c.env_remove(k);
        }
    }
    c.stdin(Stdio::null());
    c
}

#[test]
fn every_subcommand_has_help() {
    for sub in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["openapi", "--help"],
        vec!["bench", "publish", "--help"],
        vec!["bench", "tasks", "--help"],
        vec!["tasks", "list", "--help"],
        vec!["tasks", "retry", "--help"],
        vec!["tasks", "cancel", "--help"],
        vec!["tasks", "schedules", "--help"],
    ] {
        let out = letsgrow().args(&sub).output().unwrap();
        assert!(out.status.success(), "{sub:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("Usage:"), "{sub:?}: {text}");
    }
    let serve = String::from_utf8(
        letsgrow()
            .args(["serve", "--help"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    for flag in ["--host", "--port", "--data-dir", "--config"] {
        assert!(serve.contains(flag), "serve --help lists {flag}");
    }
}

#[test]
fn openapi_names_every_operation() {
    let out = letsgrow().arg("openapi").output().unwrap();
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let mut ids = Vec::new();
    for (_, item) in doc["paths"].as_object().unwrap() {
        for (_, op) in item.as_object().unwrap() {
            if let Some(id) = op.get("operationId").and_then(|v| v.as_str()) {
                ids.push(id.to_owned());
            }
        }
    }
    for id in [
        "auth_register",
        "auth_login",
        "auth_refresh",
        "auth_logout",
        "auth_logout_all",
        "auth_me",
        "auth_change_password",
        "auth_update_me",
    ] {
        assert!(ids.contains(&id.to_owned()), "missing {id}: {ids:?}");
    }
    assert!(
        ids.iter()
            .all(|id| id.chars().all(|c| c.is_ascii_lowercase() || c == '_')),
        "{ids:?}"
    );
}

#[test]
fn production_refuses_missing_or_weak_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let run = |extra: &[(&str, &str)]| {
        let mut c = letsgrow();
        c.args(["serve", "--port", "0", "--data-dir"])
            .arg(dir.path())
            .env("LETSGROW__ENV", "production");
        for (k, v) in extra {
            c.env(k, v);
        }
        let out = c.output().unwrap();
        assert!(!out.status.success(), "start-up must refuse");
        String::from_utf8(out.stderr).unwrap()
    };
    let err = run(&[]);
    assert!(
        err.contains("auth.signing_key") && err.contains("required"),
        "{err}"
    );
    let err = run(&[("LETSGROW__AUTH__SIGNING_KEY", "c2hvcnQ=")]);
    assert!(err.contains("weak"), "{err}");
    let strong = "q83vEjJ9xk2Lr0mS3qzD1tZb7yV6nW4pA8cF5gH2jK9lM0oP1rS3tU5vW7xY9zA0";
    let err = run(&[("LETSGROW__AUTH__SIGNING_KEY", strong)]);
    assert!(err.contains("crypto.keys"), "{err}");
    assert!(
        !dir.path().join("secrets.toml").exists(),
        "production never generates secrets"
    );
}

#[test]
fn bad_configuration_names_the_key() {
    let out = letsgrow()
        .args(["migrate", "--data-dir", "/nonexistent-ok"])
        .env("LETSGROW__SERVER__PORT", "seventy")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("LETSGROW__SERVER__PORT"), "{err}");
}

#[test]
fn migrate_creates_the_embedded_database() {
    let dir = tempfile::tempdir().unwrap();
    let out = letsgrow()
        .args(["migrate", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let first = String::from_utf8(out.stdout).unwrap();
    let migrations = std::fs::read_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../letsgrow-db/migrations/sqlite"
    ))
    .unwrap()
    .count();
    assert!(
        first.contains(&format!("applied {migrations} migration")),
        "{first}"
    );
    assert!(dir.path().join("letsgrow.db").exists());
    let again = letsgrow()
        .args(["migrate", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        String::from_utf8(again.stdout)
            .unwrap()
            .contains("applied 0 migration")
    );
}

/// The web client is generated from `frontend/openapi.json`; it must be the
/// document this build serves. Run `scripts/gen-api.sh` after an API change.
#[test]
fn frontend_openapi_snapshot_is_current() {
    let out = letsgrow().arg("openapi").output().unwrap();
    let served: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../frontend/openapi.json");
    let text = std::fs::read_to_string(path)
        .expect("frontend/openapi.json exists (scripts/gen-api.sh writes it)");
    let committed: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(
        served == committed,
        "frontend/openapi.json is stale: run scripts/gen-api.sh"
    );
}

fn text_check(args: &[&str], stdin: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = letsgrow()
        .args(["text", "check"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A child refusing its arguments exits without reading stdin: a broken
    // pipe here is its answer, which the caller checks in the output.
    if let Err(e) = child.stdin.take().unwrap().write_all(stdin.as_bytes()) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    child.wait_with_output().unwrap()
}

#[test]
fn text_check_reads_stdin_and_jsonl_in_order() {
    let out = text_check(
        &["--platform", "x"],
        "Hello #rust https://example.com/a/very/long/path",
    );
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["platform"], "x");
    assert_eq!(v["weighted_length"], 6 + 6 + 23);
    assert_eq!(v["max"], 280);
    assert_eq!(v["valid"], true);
    assert_eq!(
        v["entities"]["hashtags"][0],
        serde_json::json!({"text": "rust", "start": 6, "end": 11})
    );

    let lines = format!(
        "{}\n{}\n{}\n",
        serde_json::json!("ok @alice.bsky.social"),
        serde_json::json!("   "),
        serde_json::json!("x".repeat(301))
    );
    let out = text_check(&["--platform", "bluesky", "--jsonl"], &lines);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["valid"], true);
    assert_eq!(rows[0]["facets"][0]["kind"], "mention");
    assert_eq!(rows[0]["facets"][0]["byte_start"], 3);
    assert_eq!(rows[1]["violations"][0]["code"], "empty");
    assert_eq!(rows[2]["violations"][0]["code"], "too_long");
    assert_eq!(rows[2]["violations"][0]["limit"], 300);

    let bad = text_check(&["--platform", "bluesky", "--jsonl"], "not json\n");
    assert!(!bad.status.success());
    assert!(String::from_utf8(bad.stderr).unwrap().contains("line 1"));
    let unknown = text_check(&["--platform", "twitter"], "hi");
    assert!(!unknown.status.success());
}

#[test]
fn tasks_commands_list_and_refuse_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let out = letsgrow()
        .args(["tasks", "list", "--data-dir", d])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("no tasks match")
    );
    let out = letsgrow()
        .args(["tasks", "retry", "nope", "--data-dir", d])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("no task has the id nope"), "{err}");
    let out = letsgrow()
        .args(["tasks", "list", "--state", "stuck", "--data-dir", d])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("is not a task state"), "{err}");
}
