//! Turning arrivals into the report's numbers.

use super::receiver::Arrival;
use std::collections::{HashMap, HashSet};

#[derive(Debug, Default, PartialEq)]
pub struct Summary {
    /// Distinct expected keys received.
    pub received: usize,
    /// Requests whose key had already been seen.
    pub duplicates: usize,
    /// Expected keys never received.
    pub lost: usize,
    /// Requests with a key nobody expected.
    pub unexpected: usize,
    pub p50_ms: i64,
    pub p99_ms: i64,
    pub max_ms: i64,
    /// First arrival of the last key to arrive, UTC ms.
    pub last_arrival: Option<i64>,
}

/// `due` maps each expected Idempotency-Key to its scheduled instant (ms).
/// Lateness is measured at a key's first arrival.
pub fn summarize(due: &HashMap<String, i64>, arrivals: &[Arrival]) -> Summary {
    let mut seen: HashSet<&str> = HashSet::with_capacity(due.len());
    let mut late = Vec::with_capacity(due.len());
    let mut s = Summary::default();
    for (key, at) in arrivals {
        if !seen.insert(key.as_str()) {
            s.duplicates += 1;
            continue;
        }
        match due.get(key) {
            Some(scheduled) => {
                late.push(at - scheduled);
                s.last_arrival = Some(s.last_arrival.map_or(*at, |l: i64| l.max(*at)));
            }
            None => s.unexpected += 1,
        }
    }
    s.received = late.len();
    s.lost = due.len() - s.received;
    late.sort_unstable();
    s.p50_ms = percentile(&late, 50.0);
    s.p99_ms = percentile(&late, 99.0);
    s.max_ms = late.last().copied().unwrap_or(0);
    s
}

/// Nearest-rank percentile of sorted values (0 when empty).
fn percentile(sorted: &[i64], p: f64) -> i64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// A `/proc/<pid>/status` field in kB (`VmHWM` is the peak resident set).
pub fn proc_status_kb(pid: &str, field: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// User + system CPU seconds a process has used so far (Linux).
pub fn proc_cpu_secs(pid: &str) -> Option<f64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = &text[text.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    // USER_HZ is 100 on every Linux this runs on.
    Some(ticks / 100.0)
}

/// The 1-minute load average (Linux).
pub fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// (busy, total) CPU time of the whole machine so far, in clock ticks (Linux).
fn cpu_ticks() -> Option<(u64, u64)> {
    let text = std::fs::read_to_string("/proc/stat").ok()?;
    let line = text.lines().find(|l| l.starts_with("cpu "))?;
    let v: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|x| x.parse().ok())
        .collect();
    let total: u64 = v.iter().take(8).sum();
    // idle + iowait
    let idle = v.get(3)? + v.get(4).copied().unwrap_or(0);
    Some((total - idle, total))
}

/// The share of the machine's CPU that was busy over the next `period`.
pub async fn machine_busy(period: std::time::Duration) -> Option<f64> {
    let (b0, t0) = cpu_ticks()?;
    tokio::time::sleep(period).await;
    let (b1, t1) = cpu_ticks()?;
    (t1 > t0).then(|| (b1 - b0) as f64 / (t1 - t0) as f64)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn counts_duplicates_lost_and_lateness() {
        let due: HashMap<String, i64> = [("a", 1000), ("b", 2000), ("c", 3000)]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        let arrivals = vec![
            ("a".to_owned(), 1010),
            ("b".to_owned(), 2100),
            ("a".to_owned(), 1500),
            ("zzz".to_owned(), 9999),
        ];
        let s = summarize(&due, &arrivals);
        assert_eq!(s.received, 2);
        assert_eq!(s.duplicates, 1);
        assert_eq!(s.lost, 1);
        assert_eq!(s.unexpected, 1);
        assert_eq!(s.p50_ms, 10);
        assert_eq!(s.max_ms, 100);
        assert_eq!(s.last_arrival, Some(2100));
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<i64> = (1..=100).collect();
        assert_eq!(percentile(&v, 50.0), 50);
        assert_eq!(percentile(&v, 99.0), 99);
        assert_eq!(percentile(&[], 99.0), 0);
        assert_eq!(percentile(&[7], 99.0), 7);
    }

    #[test]
    fn reads_this_process() {
        let me = std::process::id().to_string();
        assert!(proc_status_kb(&me, "VmHWM").unwrap() > 0);
        assert!(proc_cpu_secs(&me).is_some());
        assert!(load_average().is_some());
    }
}
