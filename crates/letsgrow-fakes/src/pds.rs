//! The real Bluesky PDS (`peers/bluesky/run.sh`, `@atproto/pds` from npm) as a
//! child process, for tests that need the most real Bluesky peer there is
//! offline. Not a fake: this only starts and stops it.

use std::io::BufRead;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::Duration;

/// A running PDS; dropping it stops the peer.
pub struct Pds {
    child: Child,
    _stdin: ChildStdin,
    /// `http://127.0.0.1:<port>`.
    pub url: String,
}

impl Drop for Pds {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the peer with extra environment (e.g. `PDS_RATE_LIMITS=1`); retries
/// once when it exits early (a free-port race, see the peer's README), never
/// when it is not installed (exit code 3).
pub fn start(env: &[(&str, &str)]) -> Result<Pds, String> {
    match try_start(env) {
        Ok(pds) => Ok(pds),
        Err(Some(3)) | Err(None) => Err(
            "the Bluesky peer did not start: run peers/bluesky/install.sh (exit code 3 = not installed)".into(),
        ),
        Err(Some(code)) => {
            eprintln!("the Bluesky peer exited with {code} before it was ready; retrying once");
            try_start(env).map_err(|c| format!("the Bluesky peer did not start (exit {c:?})"))
        }
    }
}

/// The running peer, or its exit code (None: no ready line within 60 s).
fn try_start(env: &[(&str, &str)]) -> Result<Pds, Option<i32>> {
    let run = concat!(env!("CARGO_MANIFEST_DIR"), "/../../peers/bluesky/run.sh");
    let mut cmd = Command::new(run);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| {
            eprintln!("could not start {run}: {e}");
            None
        })?;
    let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return Err(None);
    };
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = std::io::BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(line) if !line.trim().is_empty() => {
            let url = serde_json::from_str::<serde_json::Value>(&line)
                .ok()
                .and_then(|v| v["pds_url"].as_str().map(str::to_owned))
                .ok_or(None)?;
            Ok(Pds {
                child,
                _stdin: stdin,
                url,
            })
        }
        Ok(_) => Err(child.wait().ok().and_then(|s| s.code())),
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            Err(None)
        }
    }
}
