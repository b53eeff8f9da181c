//! Waking a sleeping loop early: in this process ([`Wake::poke`]) and from
//! other processes on PostgreSQL (`NOTIFY <channel>`, see [`listen`]).

use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// Wakes this process's loop (something became due, or its time changed).
#[derive(Clone, Default)]
pub struct Wake(Arc<Notify>);

impl Wake {
    pub fn poke(&self) {
        self.0.notify_one();
    }

    pub async fn wait(&self) {
        self.0.notified().await;
    }
}

/// Pokes `wake` on every `NOTIFY <channel>` from any process; reconnects
/// with backoff (the caller's poll covers the gap). Runs until aborted.
pub async fn listen(pool: sqlx::PgPool, channel: &'static str, wake: Wake) {
    let mut backoff = Duration::from_millis(500);
    loop {
        match sqlx::postgres::PgListener::connect_with(&pool).await {
            Ok(mut listener) => {
                if let Err(e) = listener.listen(channel).await {
                    tracing::warn!(error = %e, channel, "LISTEN failed; relying on polling");
                } else {
                    backoff = Duration::from_millis(500);
                    loop {
                        match listener.recv().await {
                            Ok(_) => wake.poke(),
                            Err(e) => {
                                tracing::warn!(error = %e, channel, "LISTEN connection lost; reconnecting");
                                break;
                            }
                        }
                    }
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, channel, "could not open a LISTEN connection; relying on polling")
            }
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(30));
    }
}
