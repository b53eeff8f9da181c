//! Rate limits (GCRA: `limit` requests per `period`, spread evenly, bursting up
//! to `limit`). In memory for one process, or in Redis so that every process
//! shares one budget.

use std::collections::HashMap;
use std::sync::Mutex;
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

pub enum RateLimiter {
    Memory(Mutex<HashMap<String, i64>>),
    Redis {
        conn: redis::aio::ConnectionManager,
        prefix: String,
    },
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

impl RateLimiter {
    pub fn memory() -> Self {
        RateLimiter::Memory(Mutex::new(HashMap::new()))
    }

    pub fn redis(conn: redis::aio::ConnectionManager, prefix: impl Into<String>) -> Self {
        RateLimiter::Redis {
            conn,
            prefix: prefix.into(),
        }
    }

    /// Spends one unit of `key`'s budget. Redis errors fail open (logged), so an
    /// outage of the cache never locks everyone out.
    pub async fn check(&self, key: &str, quota: Quota) -> Decision {
        let period_ms = i64::try_from(quota.period.as_millis())
            .unwrap_or(i64::MAX)
            .max(1);
        let interval_ms = (period_ms / i64::from(quota.limit.max(1))).max(1);
        match self {
            RateLimiter::Memory(map) => {
                let now = chrono::Utc::now().timestamp_millis();
                let Ok(mut map) = map.lock() else {
                    return Decision::Allowed;
                };
                if map.len() > 100_000 {
                    map.retain(|_, tat| *tat > now);
                }
                let tat = map.get(key).copied().unwrap_or(now).max(now);
                let new_tat = tat + interval_ms;
                let allow_at = new_tat - period_ms;
                if now < allow_at {
                    return Decision::Limited(Duration::from_millis(
                        u64::try_from(allow_at - now).unwrap_or(0),
                    ));
                }
                map.insert(key.to_owned(), new_tat);
                Decision::Allowed
            }
            RateLimiter::Redis { conn, prefix } => {
                let mut conn = conn.clone();
                let result: Result<i64, redis::RedisError> = redis::Script::new(GCRA_LUA)
                    .key(format!("{prefix}rl:{key}"))
                    .arg(interval_ms)
                    .arg(period_ms)
                    .invoke_async(&mut conn)
                    .await;
                match result {
                    Ok(0) => Decision::Allowed,
                    Ok(wait) => {
                        Decision::Limited(Duration::from_millis(u64::try_from(wait).unwrap_or(0)))
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "rate-limit store unavailable; allowing the request");
                        Decision::Allowed
                    }
                }
            }
        }
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

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(1001)), 2);
    }
}
