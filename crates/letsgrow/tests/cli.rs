//! The `letsgrow` binary as an operator uses it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Stdio};

fn letsgrow() -> Command {
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
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("applied 1 migration")
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
