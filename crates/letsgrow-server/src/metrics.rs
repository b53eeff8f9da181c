//! Prometheus metrics: requests by route, method and status, and latency histograms.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

#[derive(Default)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<(String, String), Series>>,
}

impl Metrics {
    pub fn record(&self, route: &str, method: &str, status: u16, elapsed: Duration) {
        if let Ok(mut m) = self.requests.lock() {
            *m.entry((route.to_owned(), method.to_owned(), status))
                .or_default() += 1;
        }
        let secs = elapsed.as_secs_f64();
        if let Ok(mut m) = self.latency.lock() {
            let s = m.entry((route.to_owned(), method.to_owned())).or_default();
            s.count += 1;
            s.sum += secs;
            for (i, b) in BUCKETS.iter().enumerate() {
                if secs <= *b {
                    s.buckets[i] += 1;
                }
            }
        }
    }

    /// The Prometheus text exposition format (version 0.0.4).
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP letsgrow_http_requests_total HTTP requests by route, method and status.\n",
        );
        out.push_str("# TYPE letsgrow_http_requests_total counter\n");
        if let Ok(m) = self.requests.lock() {
            for ((route, method, status), n) in m.iter() {
                let _ = writeln!(
                    out,
                    "letsgrow_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{status}\"}} {n}",
                    escape(route),
                    escape(method)
                );
            }
        }
        out.push_str("# HELP letsgrow_http_request_duration_seconds HTTP request latency by route and method.\n");
        out.push_str("# TYPE letsgrow_http_request_duration_seconds histogram\n");
        if let Ok(m) = self.latency.lock() {
            for ((route, method), s) in m.iter() {
                let labels = format!("route=\"{}\",method=\"{}\"", escape(route), escape(method));
                for (i, b) in BUCKETS.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "letsgrow_http_request_duration_seconds_bucket{{{labels},le=\"{b}\"}} {}",
                        s.buckets[i]
                    );
                }
                let _ = writeln!(
                    out,
                    "letsgrow_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                    s.count
                );
                let _ = writeln!(
                    out,
                    "letsgrow_http_request_duration_seconds_sum{{{labels}}} {}",
                    s.sum
                );
                let _ = writeln!(
                    out,
                    "letsgrow_http_request_duration_seconds_count{{{labels}}} {}",
                    s.count
                );
            }
        }
        out
    }
}

pub(crate) fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_cumulative_buckets() {
        let m = Metrics::default();
        m.record("/api/v1/auth/me", "GET", 200, Duration::from_millis(3));
        m.record("/api/v1/auth/me", "GET", 200, Duration::from_millis(30));
        m.record("/api/v1/auth/me", "GET", 401, Duration::from_millis(1));
        let text = m.render();
        assert!(text.contains("letsgrow_http_requests_total{route=\"/api/v1/auth/me\",method=\"GET\",status=\"200\"} 2"));
        assert!(text.contains("status=\"401\"} 1"));
        assert!(text.contains("le=\"0.005\"} 2"), "{text}");
        assert!(text.contains("le=\"+Inf\"} 3"));
    }
}
