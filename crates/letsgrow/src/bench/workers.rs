//! `letsgrow worker` child processes for `bench publish --workers K`.

use super::stats;
use anyhow::Context;
use letsgrow_config::Config;
use std::io::BufRead;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// `letsgrow worker` child processes sharing this run's configuration
/// through `LETSGROW__*` variables (same database, same data directory and
/// so the same secrets). Killed when dropped.
#[derive(Default)]
pub struct Workers {
    children: Vec<Child>,
}

impl Workers {
    pub async fn start(
        config: &Config,
        config_file: Option<&Path>,
        k: usize,
    ) -> anyhow::Result<Workers> {
        let exe = std::env::current_exe().context("locating this executable")?;
        let mut workers = Workers::default();
        let mut ready = Vec::new();
        for _ in 0..k {
            let mut cmd = Command::new(&exe);
            if let Some(file) = config_file {
                cmd.arg("--config").arg(file);
            }
            cmd.arg("worker")
                .env("LETSGROW__SERVER__DATA_DIR", &config.server.data_dir)
                .env("LETSGROW__NETWORK__ALLOW_PRIVATE", "true")
                .env("LETSGROW__WORKER__ENABLED", "true")
                .env(
                    "LETSGROW__WORKER__CONCURRENCY",
                    config.worker.concurrency.to_string(),
                )
                .env(
                    "LETSGROW__DATABASE__MAX_CONNECTIONS",
                    config.database.max_connections.to_string(),
                )
                .env("LETSGROW__LOG__LEVEL", &config.log.level)
                .stdin(Stdio::null())
                .stdout(Stdio::piped());
            if let Some(url) = &config.database.url {
                cmd.env("LETSGROW__DATABASE__URL", url.expose());
            }
            let mut child = cmd.spawn().context("starting `letsgrow worker`")?;
            let stdout = child.stdout.take();
            workers.children.push(child);
            let (tx, rx) = std::sync::mpsc::channel::<()>();
            if let Some(out) = stdout {
                std::thread::spawn(move || {
                    for line in std::io::BufReader::new(out).lines() {
                        match line {
                            Ok(l) if l.contains("worker started") => {
                                let _ = tx.send(());
                            }
                            Ok(_) => {}
                            Err(_) => break,
                        }
                    }
                });
            }
            ready.push(rx);
        }
        for rx in ready {
            let ok = tokio::task::spawn_blocking(move || rx.recv_timeout(Duration::from_secs(30)))
                .await
                .ok()
                .and_then(Result::ok);
            anyhow::ensure!(
                ok.is_some(),
                "a `letsgrow worker` process did not start within 30 s"
            );
        }
        Ok(workers)
    }

    pub fn any_exited(&mut self) -> bool {
        self.children
            .iter_mut()
            .any(|c| matches!(c.try_wait(), Ok(Some(_))))
    }

    /// Peak RSS (kB) and CPU seconds of each child, read before stopping them.
    pub fn usage(&self) -> (Vec<u64>, Vec<f64>) {
        self.children
            .iter()
            .map(|c| {
                let pid = c.id().to_string();
                (
                    stats::proc_status_kb(&pid, "VmHWM").unwrap_or(0),
                    stats::proc_cpu_secs(&pid).unwrap_or(0.0),
                )
            })
            .unzip()
    }

    /// Asks each child to stop (SIGTERM: in-flight publishes finish), then kills stragglers.
    pub fn stop(&mut self) {
        for c in &self.children {
            let _ = Command::new("kill")
                .args(["-TERM", &c.id().to_string()])
                .status();
        }
        let until = Instant::now() + Duration::from_secs(10);
        for c in &mut self.children {
            while Instant::now() < until && matches!(c.try_wait(), Ok(None)) {
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        self.kill();
    }

    fn kill(&mut self) {
        for mut c in self.children.drain(..) {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        self.kill();
    }
}
