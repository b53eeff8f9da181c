//! Rate limits (GCRA: `limit` requests per `period`, spread evenly, bursting up
//! to `limit`). In memory for one process, or in Redis so that every process
//! shares one budget.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

/// A named budget.
#[derive(Debug, Clone, Copy)]
pub struct Quota {
    pub limit: u32,
    pub period: Duration,
}

/// The outcome of one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allowed,
    /// Denied; retry after this long.
    Limited(Duration),
}

/// Budgets in this process's memory, and in Redis when configured. While
/// Redis is unreachable, checks use the in-process store with this process's
/// share of each budget (never unlimited), and Redis is not asked again until
/// `retry_after` has passed (a circuit breaker), so a dead cache costs no
/// waiting on every request.
pub struct RateLimiter {
    memory: Memory,
    redis: Option<RedisStore>,
}

#[derive(Default)]
struct Memory {
    gcra: Mutex<HashMap<String, i64>>,
    /// Per key: (attempts counted, last counted attempt ms, forget after ms).
    backoff: Mutex<HashMap<String, (u32, i64, i64)>>,
}

/// How to reach Redis and how to behave when it is away.
#[derive(Debug, Clone)]
pub struct RedisOptions {
    pub prefix: String,
    pub connect_timeout: Duration,
    pub command_timeout: Duration,
    /// How long to skip Redis after a failure.
    pub retry_after: Duration,
    /// Processes sharing the budgets; each enforces `1/processes` alone.
    pub processes: u32,
}

struct RedisStore {
    client: redis::Client,
    opts: RedisOptions,
    conn: Mutex<Option<redis::aio::MultiplexedConnection>>,
    /// One connection attempt at a time.
    connecting: tokio::sync::Mutex<()>,
    /// Until when (ms) Redis is skipped; 0 when it is healthy.
    open_until: AtomicI64,
    degraded: AtomicBool,
    fallbacks: AtomicU64,
}

/// Whether Redis is in use, for `/api/ready` and `/metrics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedisHealth {
    NotConfigured,
    Ok,
    /// Configured but unreachable: limits are per process meanwhile.
    Unavailable,
}

impl RedisHealth {
    pub fn as_str(self) -> &'static str {
        match self {
            RedisHealth::NotConfigured => "not_configured",
            RedisHealth::Ok => "ok",
            RedisHealth::Unavailable => "unavailable",
        }
    }
}

/// GCRA in Redis: keeps the theoretical arrival time (ms) per key; time comes
/// from the Redis server so that processes on different machines agree.
const GCRA_LUA: &str = r#"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + interval
local allow_at = new_tat - period
if now < allow_at then
  return allow_at - now
end
redis.call('SET', KEYS[1], new_tat, 'PX', new_tat - now)
return 0
"#;

/// Increasing delay in Redis: a count of attempts and the time of the last
/// one; an attempt is allowed once the delay for the count has passed.
const BACKOFF_LUA: &str = r#"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local free = tonumber(ARGV[1])
local max_delay = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local n = tonumber(redis.call('HGET', KEYS[1], 'n') or 0)
local last = tonumber(redis.call('HGET', KEYS[1], 'last') or 0)
local delay = 0
if n >= free then
  delay = math.min(max_delay, 1000 * math.pow(2, math.min(n - free, 30)))
end
if now < last + delay then
  return last + delay - now
end
redis.call('HSET', KEYS[1], 'n', n + 1, 'last', now)
redis.call('PEXPIRE', KEYS[1], window)
return 0
"#;

/// The wait before the next attempt after `n` counted attempts.
fn backoff_delay_ms(n: u32, free: u32, max_delay_ms: i64) -> i64 {
    if n < free {
        return 0;
    }
    let exp = (n - free).min(30);
    (1000_i64 << exp).min(max_delay_ms)
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX).max(1)
}

fn wait(ms: i64) -> Decision {
    Decision::Limited(Duration::from_millis(u64::try_from(ms).unwrap_or(0)))
}

impl Memory {
    fn gcra(&self, key: &str, limit: u32, period_ms: i64) -> Decision {
        let interval_ms = (period_ms / i64::from(limit.max(1))).max(1);
        let now = chrono::Utc::now().timestamp_millis();
        let Ok(mut map) = self.gcra.lock() else {
            return Decision::Allowed;
        };
        if map.len() > 100_000 {
            map.retain(|_, tat| *tat > now);
        }
        let tat = map.get(key).copied().unwrap_or(now).max(now);
        let new_tat = tat + interval_ms;
        let allow_at = new_tat - period_ms;
        if now < allow_at {
            return wait(allow_at - now);
        }
        map.insert(key.to_owned(), new_tat);
        Decision::Allowed
    }

    fn backoff(&self, key: &str, b: Backoff) -> Decision {
        let now = chrono::Utc::now().timestamp_millis();
        let Ok(mut map) = self.backoff.lock() else {
            return Decision::Allowed;
        };
        if map.len() > 100_000 {
            map.retain(|_, (_, _, forget)| *forget > now);
        }
        let (n, last) = match map.get(key) {
            Some((n, last, forget)) if *forget > now => (*n, *last),
            _ => (0, 0),
        };
        let ready_at = last + backoff_delay_ms(n, b.free, millis(b.max_delay));
        if now < ready_at {
            return wait(ready_at - now);
        }
        map.insert(key.to_owned(), (n + 1, now, now + millis(b.window)));
        Decision::Allowed
    }

    fn clear(&self, key: &str) {
        if let Ok(mut map) = self.backoff.lock() {
            map.remove(key);
        }
    }
}

/// An increasing delay between counted attempts: `free` attempts at once, then
/// 1 s, 2 s, 4 s, … up to `max_delay`; forgotten `window` after the last one.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub free: u32,
    pub max_delay: Duration,
    pub window: Duration,
}

impl RedisStore {
    fn now_ms() -> i64 {
        chrono::Utc::now().timestamp_millis()
    }

    /// Runs `op` against Redis unless the breaker is open; `None` when Redis
    /// could not answer (the caller falls back to memory).
    async fn run<T, F, Fut>(&self, op: F) -> Option<T>
    where
        F: FnOnce(redis::aio::MultiplexedConnection) -> Fut,
        Fut: std::future::Future<Output = redis::RedisResult<T>>,
    {
        if Self::now_ms() < self.open_until.load(Ordering::Relaxed) {
            return None;
        }
        let conn = match self.connection().await {
            Ok(c) => c,
            Err(why) => {
                self.trip(&why);
                return None;
            }
        };
        match tokio::time::timeout(self.opts.command_timeout, op(conn)).await {
            Ok(Ok(v)) => {
                self.healthy();
                Some(v)
            }
            Ok(Err(e)) => {
                self.drop_connection();
                self.trip(&e.to_string());
                None
            }
            Err(_) => {
                self.drop_connection();
                self.trip("a command timed out");
                None
            }
        }
    }

    async fn connection(&self) -> Result<redis::aio::MultiplexedConnection, String> {
        if let Some(c) = self.conn.lock().ok().and_then(|c| c.clone()) {
            return Ok(c);
        }
        let _one = self.connecting.lock().await;
        if let Some(c) = self.conn.lock().ok().and_then(|c| c.clone()) {
            return Ok(c);
        }
        let config = redis::AsyncConnectionConfig::new()
            .set_connection_timeout(Some(self.opts.connect_timeout))
            .set_response_timeout(Some(self.opts.command_timeout));
        let fresh = tokio::time::timeout(
            self.opts.connect_timeout + self.opts.command_timeout,
            self.client
                .get_multiplexed_async_connection_with_config(&config),
        )
        .await
        .map_err(|_| "connecting timed out".to_owned())?
        .map_err(|e| e.to_string())?;
        if let Ok(mut slot) = self.conn.lock() {
            *slot = Some(fresh.clone());
        }
        Ok(fresh)
    }

    fn drop_connection(&self) {
        if let Ok(mut slot) = self.conn.lock() {
            *slot = None;
        }
    }

    fn trip(&self, why: &str) {
        self.open_until.store(
            Self::now_ms() + millis(self.opts.retry_after),
            Ordering::Relaxed,
        );
        if !self.degraded.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                reason = %why,
                retry_after_secs = self.opts.retry_after.as_secs(),
                processes = self.opts.processes,
                "Redis is unreachable: rate limits now use this process's share of each budget until it is back"
            );
        }
    }

    fn healthy(&self) {
        self.open_until.store(0, Ordering::Relaxed);
        if self.degraded.swap(false, Ordering::Relaxed) {
            tracing::info!(
                "Redis is reachable again: rate limits are shared between processes again"
            );
        }
    }
}

impl RateLimiter {
    pub fn memory() -> Self {
        RateLimiter {
            memory: Memory::default(),
            redis: None,
        }
    }

    /// Budgets in Redis. Connects on first use, so a Redis that is down at
    /// start-up only means starting degraded.
    pub fn redis(client: redis::Client, opts: RedisOptions) -> Self {
        RateLimiter {
            memory: Memory::default(),
            redis: Some(RedisStore {
                client,
                opts,
                conn: Mutex::new(None),
                connecting: tokio::sync::Mutex::new(()),
                open_until: AtomicI64::new(0),
                degraded: AtomicBool::new(false),
                fallbacks: AtomicU64::new(0),
            }),
        }
    }

    /// The limit one process enforces alone while Redis is away.
    fn share(&self, limit: u32) -> u32 {
        match &self.redis {
            Some(r) => (limit / r.opts.processes.max(1)).max(1),
            None => limit,
        }
    }

    fn fell_back(&self) {
        if let Some(r) = &self.redis {
            r.fallbacks.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Spends one unit of `key`'s budget.
    pub async fn check(&self, key: &str, quota: Quota) -> Decision {
        let period_ms = millis(quota.period);
        let interval_ms = (period_ms / i64::from(quota.limit.max(1))).max(1);
        if let Some(r) = &self.redis {
            let k = format!("{}rl:{key}", r.opts.prefix);
            let answer = r
                .run(|mut conn| async move {
                    redis::Script::new(GCRA_LUA)
                        .key(k)
                        .arg(interval_ms)
                        .arg(period_ms)
                        .invoke_async::<i64>(&mut conn)
                        .await
                })
                .await;
            match answer {
                Some(0) => return Decision::Allowed,
                Some(ms) => return wait(ms),
                None => self.fell_back(),
            }
        }
        self.memory.gcra(key, self.share(quota.limit), period_ms)
    }

    /// Counts one attempt for `key` unless it must wait longer (see [`Backoff`]).
    pub async fn backoff(&self, key: &str, b: Backoff) -> Decision {
        if let Some(r) = &self.redis {
            let k = format!("{}bo:{key}", r.opts.prefix);
            let answer = r
                .run(|mut conn| async move {
                    redis::Script::new(BACKOFF_LUA)
                        .key(k)
                        .arg(b.free)
                        .arg(millis(b.max_delay))
                        .arg(millis(b.window))
                        .invoke_async::<i64>(&mut conn)
                        .await
                })
                .await;
            match answer {
                Some(0) => return Decision::Allowed,
                Some(ms) => return wait(ms),
                None => self.fell_back(),
            }
        }
        // Alone, a process lets through only its share of the free attempts.
        let free = match &self.redis {
            Some(r) => b.free / r.opts.processes.max(1),
            None => b.free,
        };
        self.memory.backoff(key, Backoff { free, ..b })
    }

    /// Forgets the attempts counted for `key` (after a success).
    pub async fn clear_backoff(&self, key: &str) {
        self.memory.clear(key);
        if let Some(r) = &self.redis {
            let k = format!("{}bo:{key}", r.opts.prefix);
            let _: Option<i64> = r
                .run(|mut conn| async move {
                    redis::cmd("DEL").arg(k).query_async::<i64>(&mut conn).await
                })
                .await;
        }
    }

    /// Asks Redis (through the breaker) whether it answers.
    pub async fn redis_health(&self) -> RedisHealth {
        let Some(r) = &self.redis else {
            return RedisHealth::NotConfigured;
        };
        let pong: Option<String> = r
            .run(
                |mut conn| async move { redis::cmd("PING").query_async::<String>(&mut conn).await },
            )
            .await;
        match pong {
            Some(_) => RedisHealth::Ok,
            None => RedisHealth::Unavailable,
        }
    }

    /// The last known state, without asking Redis (for `/metrics`).
    pub fn redis_health_now(&self) -> RedisHealth {
        match &self.redis {
            None => RedisHealth::NotConfigured,
            Some(r) if r.degraded.load(Ordering::Relaxed) => RedisHealth::Unavailable,
            Some(_) => RedisHealth::Ok,
        }
    }

    /// Checks answered in memory because Redis was unreachable.
    pub fn fallback_checks(&self) -> u64 {
        self.redis
            .as_ref()
            .map_or(0, |r| r.fallbacks.load(Ordering::Relaxed))
    }
}

/// Whole seconds for `Retry-After`, never 0.
pub fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_millis()
        .div_ceil(1000)
        .max(1)
        .try_into()
        .unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn memory_budget_bursts_then_limits_per_key() {
        let rl = RateLimiter::memory();
        let q = Quota {
            limit: 3,
            period: Duration::from_secs(60),
        };
        for _ in 0..3 {
            assert_eq!(rl.check("a", q).await, Decision::Allowed);
        }
        match rl.check("a", q).await {
            Decision::Limited(wait) => {
                assert!(wait > Duration::from_secs(15) && wait <= Duration::from_secs(20))
            }
            Decision::Allowed => panic!("fourth attempt must be limited"),
        }
        assert_eq!(
            rl.check("b", q).await,
            Decision::Allowed,
            "keys are independent"
        );
    }

    #[tokio::test]
    async fn backoff_grows_then_caps_and_clears() {
        let rl = RateLimiter::memory();
        let b = Backoff {
            free: 2,
            max_delay: Duration::from_secs(3),
            window: Duration::from_secs(900),
        };
        assert_eq!(rl.backoff("e", b).await, Decision::Allowed);
        assert_eq!(rl.backoff("e", b).await, Decision::Allowed);
        match rl.backoff("e", b).await {
            Decision::Limited(w) => assert!(w <= Duration::from_secs(1) && w > Duration::ZERO),
            Decision::Allowed => panic!("the third attempt waits"),
        }
        assert_eq!(backoff_delay_ms(2, 2, 3000), 1000);
        assert_eq!(backoff_delay_ms(3, 2, 3000), 2000);
        assert_eq!(backoff_delay_ms(4, 2, 3000), 3000, "capped");
        assert_eq!(backoff_delay_ms(60, 2, 3000), 3000, "no overflow");
        rl.clear_backoff("e").await;
        assert_eq!(rl.backoff("e", b).await, Decision::Allowed);
    }

    /// A Redis that does not answer: the breaker opens at once, checks answer
    /// quickly from memory with the process's share, never unlimited.
    #[tokio::test]
    async fn unreachable_redis_falls_back_to_a_share_fast() {
        let client = redis::Client::open("redis://127.0.0.1:1").unwrap();
        let rl = RateLimiter::redis(
            client,
            RedisOptions {
                prefix: "t:".into(),
                connect_timeout: Duration::from_millis(200),
                command_timeout: Duration::from_millis(200),
                retry_after: Duration::from_secs(60),
                processes: 2,
            },
        );
        let q = Quota {
            limit: 4,
            period: Duration::from_secs(60),
        };
        let started = std::time::Instant::now();
        assert_eq!(rl.check("k", q).await, Decision::Allowed);
        assert_eq!(rl.check("k", q).await, Decision::Allowed);
        assert!(
            matches!(rl.check("k", q).await, Decision::Limited(_)),
            "half of 4 per process"
        );
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(rl.redis_health_now(), RedisHealth::Unavailable);
        assert_eq!(rl.fallback_checks(), 3);
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(1001)), 2);
    }
}
