//! The Mastodon peer: `mastodon-mock` from PyPI (a stateful in-memory
//! Mastodon server, pinned in `peers/mastodon/requirements.txt` and installed
//! by `peers/mastodon/install.sh`), run as a child process.
//!
//! Accounts are made with the mock's `POST /api/v1/_mock/dev_user`; its
//! `/oauth/authorize` is an account picker whose form posts back the chosen
//! `username` (codes are `mockcode_<username>`). Put [`crate::contract`] in
//! front of it to check every request against the Mastodon spec.

use crate::contract::{TeeConfig, free_port, spawn_until};
use axum::http::Method;
use std::process::{Child, Command};

/// A running mastodon-mock; dropping it stops the process.
pub struct MastodonMock {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub url: String,
}

impl Drop for MastodonMock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where `peers/mastodon/install.sh` puts the virtualenv.
pub fn venv() -> String {
    std::env::var("LETSGROW_MASTODON_VENV").unwrap_or_else(|_| {
        format!(
            "{}/.cache/letsgrow-venv-mastodon",
            std::env::var("HOME").unwrap_or_default()
        )
    })
}

impl MastodonMock {
    /// Starts the mock on a free port and waits (≤ 90 s) until it listens.
    /// Blocking: call it from `spawn_blocking` in async code.
    pub fn start() -> Result<MastodonMock, String> {
        let bin = format!("{}/bin/mastodon_mock", venv());
        if !std::path::Path::new(&bin).exists() {
            return Err(format!(
                "mastodon-mock is not installed at {bin}: run peers/mastodon/install.sh"
            ));
        }
        let port = free_port();
        let mut cmd = Command::new(bin);
        cmd.args([
            "serve",
            "--in-memory",
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
        ])
        // No .mastodon_mock.toml or pyproject.toml of the working directory applies.
        .current_dir(std::env::temp_dir());
        let child = spawn_until(cmd, "Uvicorn running on", "mastodon-mock");
        Ok(MastodonMock {
            child,
            url: format!("http://127.0.0.1:{port}"),
        })
    }
}

/// How [`crate::contract`] checks requests to the mock against the community
/// Mastodon spec (`mastodon.prism.openapi.json`), given the mock's gaps:
/// - `/oauth/revoke` reads only form bodies: the tee re-encodes the JSON body
///   the spec requires as a form for the mock;
/// - the spec's `POST /api/v1/statuses` `oneOf` branches overlap (a status
///   with text and media matches both `TextStatus` and `MediaStatus`): such a
///   body is validated against `MediaStatus` alone.
pub fn tee_config() -> TeeConfig {
    TeeConfig {
        unvalidated: vec![],
        json_as_form: vec!["/oauth/revoke"],
        one_of_relax: vec![(Method::POST, "/api/v1/statuses", "status")],
    }
}
