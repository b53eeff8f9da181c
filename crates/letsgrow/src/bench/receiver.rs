//! The benchmark's webhook receiver: an axum server on 127.0.0.1:0 in this
//! process that records every publish (its `Idempotency-Key` and arrival
//! instant) and answers `200 {"id": …}`, optionally after a fixed delay.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as it arrived: `(Idempotency-Key, arrival in UTC ms)`.
pub type Arrival = (String, i64);

#[derive(Clone)]
struct Shared {
    arrivals: Arc<Mutex<Vec<Arrival>>>,
    delay: Duration,
}

pub struct Receiver {
    pub addr: SocketAddr,
    arrivals: Arc<Mutex<Vec<Arrival>>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Receiver {
    /// Binds 127.0.0.1:0 and serves until dropped.
    pub async fn start(delay: Duration) -> anyhow::Result<Receiver> {
        let arrivals = Arc::new(Mutex::new(Vec::new()));
        let shared = Shared {
            arrivals: arrivals.clone(),
            delay,
        };
        let app = axum::Router::new()
            .route("/hook/{n}", post(hook))
            .with_state(shared);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(Receiver {
            addr,
            arrivals,
            stop: Some(tx),
        })
    }

    /// The URL of the `n`th channel's webhook (distinct per channel, since a
    /// user can't connect the same URL twice).
    pub fn url(&self, n: usize) -> String {
        format!("http://{}/hook/{n}", self.addr)
    }

    /// How many requests arrived so far.
    pub fn count(&self) -> usize {
        self.arrivals.lock().map(|a| a.len()).unwrap_or(0)
    }

    /// Every request so far, in arrival order.
    pub fn arrivals(&self) -> Vec<Arrival> {
        self.arrivals.lock().map(|a| a.clone()).unwrap_or_default()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

async fn hook(
    State(s): State<Shared>,
    headers: HeaderMap,
    _body: axum::body::Bytes,
) -> axum::Json<serde_json::Value> {
    let at = chrono::Utc::now().timestamp_millis();
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let n = match s.arrivals.lock() {
        Ok(mut a) => {
            a.push((key, at));
            a.len()
        }
        Err(_) => 0,
    };
    if !s.delay.is_zero() {
        tokio::time::sleep(s.delay).await;
    }
    axum::Json(serde_json::json!({ "id": format!("bench-{n}") }))
}
