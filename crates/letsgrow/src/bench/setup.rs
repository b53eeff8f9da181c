//! Benchmark setup, not measured: a fresh database, and posts bulk-inserted
//! straight into the tables (`letsgrow_db::posts::insert` is one transaction
//! per post, far too slow for 100 000 of them on PostgreSQL).
//!
//! The rows are exactly what `PostService::create` writes for a post
//! scheduled at an instant: a `posts` row, one `scheduled` target with
//! `next_attempt_at = scheduled_at`, and its first history entry.

use anyhow::Context;
use letsgrow_app::posts::content::Content;
use letsgrow_db::{Db, on_pool};
use sqlx::Connection;

/// Rows per multi-row INSERT. Small on purpose: sqlx's SQLite driver looks
/// each `$n` up by name, which is quadratic in the parameters per statement.
const CHUNK: usize = 64;
/// Chunks per transaction.
const CHUNKS_PER_TX: usize = 16;

/// A database created for one run on a PostgreSQL server, dropped by [`PgDatabase::drop_now`].
pub struct PgDatabase {
    admin_url: String,
    pub name: String,
    /// The URL of the new database.
    pub url: String,
}

impl PgDatabase {
    /// Creates `letsgrow_bench_<random>` on the server `server_url` points at.
    pub async fn create(server_url: &str) -> anyhow::Result<PgDatabase> {
        let name = format!(
            "letsgrow_bench_{}",
            &uuid::Uuid::new_v4().simple().to_string()[..12]
        );
        let mut conn = sqlx::PgConnection::connect(server_url)
            .await
            .with_context(|| "connecting to the PostgreSQL server given with --database-url")?;
        let sql = format!("CREATE DATABASE \"{name}\"");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut conn)
            .await
            .with_context(|| format!("creating the database {name}"))?;
        let _ = conn.close().await;
        let mut url = url::Url::parse(server_url).context("--database-url is not a URL")?;
        url.set_path(&format!("/{name}"));
        Ok(PgDatabase {
            admin_url: server_url.to_owned(),
            name,
            url: url.to_string(),
        })
    }

    /// Drops the database (forcing out any connection left behind).
    pub async fn drop_now(&self) -> anyhow::Result<()> {
        let mut conn = sqlx::PgConnection::connect(&self.admin_url).await?;
        let sql = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut conn)
            .await?;
        let _ = conn.close().await;
        Ok(())
    }
}

/// One target as inserted: its id and its due offset from the window start (ms).
pub struct Planned {
    pub target_id: String,
    pub offset_ms: i64,
}

/// Inserts `n` single-part posts, post `i` on `channels[i % channels.len()]`,
/// due at `base_ms + i * window_ms / n` (evenly spread over the window).
pub async fn insert_posts(
    db: &Db,
    user_id: &str,
    channels: &[String],
    n: usize,
    window_ms: i64,
    base_ms: i64,
) -> anyhow::Result<Vec<Planned>> {
    let now = chrono::Utc::now().timestamp_millis();
    let n_i64 = i64::try_from(n).unwrap_or(i64::MAX).max(1);
    let mut planned = Vec::with_capacity(n);
    let mut start = 0usize;
    while start < n {
        let end = (start + CHUNK * CHUNKS_PER_TX).min(n);
        let mut posts = Vec::with_capacity(end - start);
        for i in start..end {
            let content = Content::single(format!("LetsGrow benchmark post #{i}"));
            let i64_i = i64::try_from(i).unwrap_or(i64::MAX);
            let offset_ms = i64_i.saturating_mul(window_ms) / n_i64;
            posts.push(Row {
                post_id: letsgrow_db::new_id(),
                target_id: letsgrow_db::new_id(),
                event_id: letsgrow_db::new_id(),
                channel_id: channels[i % channels.len()].clone(),
                content: content.to_json(),
                hash: content.hash(),
                at: base_ms + offset_ms,
            });
            planned.push(Planned {
                target_id: String::new(),
                offset_ms,
            });
        }
        insert_batch(db, user_id, &posts, now).await?;
        for (p, row) in planned[start..end].iter_mut().zip(posts) {
            p.target_id = row.target_id;
        }
        start = end;
    }
    Ok(planned)
}

struct Row {
    post_id: String,
    target_id: String,
    event_id: String,
    channel_id: String,
    content: String,
    hash: String,
    at: i64,
}

fn values(rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|r| {
            let p: Vec<String> = (1..=cols).map(|c| format!("${}", r * cols + c)).collect();
            format!("({})", p.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Inserts `rows` in one transaction, [`CHUNK`] rows per statement.
async fn insert_batch(db: &Db, user_id: &str, rows: &[Row], now: i64) -> anyhow::Result<()> {
    on_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        for chunk in rows.chunks(CHUNK) {
            let posts_sql = format!(
                "INSERT INTO posts (id, user_id, content, timezone, local_time, source, created_at, updated_at) VALUES {}",
                values(chunk.len(), 8)
            );
            let targets_sql = format!(
                "INSERT INTO post_targets (id, post_id, user_id, channel_id, content, content_hash, state, scheduled_at, \
                 next_attempt_at, created_at, updated_at) VALUES {}",
                values(chunk.len(), 11)
            );
            let events_sql = format!(
                "INSERT INTO target_events (id, target_id, at, from_state, to_state, message) VALUES {}",
                values(chunk.len(), 6)
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(posts_sql));
            for r in chunk {
                q = q.bind(&r.post_id).bind(user_id).bind(&r.content).bind("UTC").bind(None::<String>)
                    .bind("api").bind(now).bind(now);
            }
            q.execute(&mut *tx).await?;
            let mut q = sqlx::query(sqlx::AssertSqlSafe(targets_sql));
            for r in chunk {
                q = q.bind(&r.target_id).bind(&r.post_id).bind(user_id).bind(&r.channel_id).bind(None::<String>)
                    .bind(&r.hash).bind("scheduled").bind(r.at).bind(r.at).bind(now).bind(now);
            }
            q.execute(&mut *tx).await?;
            let mut q = sqlx::query(sqlx::AssertSqlSafe(events_sql));
            for r in chunk {
                q = q.bind(&r.event_id).bind(&r.target_id).bind(now).bind(None::<String>)
                    .bind("scheduled").bind("scheduled (benchmark)");
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
    });
    Ok(())
}

/// Moves every scheduled target by `delta_ms` (the window start is fixed
/// only once setup is over), and wakes schedulers in other processes.
/// Run it before the publishers can see anything due.
pub async fn shift(db: &Db, delta_ms: i64) -> anyhow::Result<u64> {
    let sql = "UPDATE post_targets SET scheduled_at = scheduled_at + $1, next_attempt_at = next_attempt_at + $1 \
               WHERE state = 'scheduled'";
    let n =
        on_pool!(db, pool => sqlx::query(sql).bind(delta_ms).execute(pool).await?.rows_affected());
    if let Db::Postgres(pool) = db {
        // What autovacuum would have done by now in a database that filled up
        // gradually: drop the shift's dead rows and give the planner row counts.
        sqlx::query("VACUUM ANALYZE post_targets, target_events, posts")
            .execute(pool)
            .await?;
        sqlx::query("SELECT pg_notify($1, '')")
            .bind(letsgrow_db::posts::DUE_CHANNEL)
            .execute(pool)
            .await?;
    }
    Ok(n)
}

/// How many targets are in each state.
pub async fn state_counts(db: &Db) -> anyhow::Result<Vec<(String, i64)>> {
    let sql = "SELECT state, COUNT(*) FROM post_targets GROUP BY state ORDER BY state";
    Ok(on_pool!(db, pool => sqlx::query_as::<_, (String, i64)>(sql).fetch_all(pool).await?))
}
