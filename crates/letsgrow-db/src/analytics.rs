//! Analytics storage: the posts a channel has numbers for (published by
//! LetsGrow, made on the platform directly, or imported), dated snapshots of
//! their numbers and dated account numbers (migration 0010).
//!
//! Invariants: a number the platform did not report is stored NULL, never 0;
//! a post is stored once per (user, platform, dedupe key), so collecting or
//! importing it again updates it instead of adding a copy; a snapshot is
//! keyed by (post, captured_at), so a retried collection task writes it once.

use crate::{Db, DbResult, new_id, on_pool};
use letsgrow_core::Metric;
use letsgrow_core::metrics::{AccountStats, MetricSet};

/// Where an analytics post came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Published by LetsGrow (`target_id` is set).
    Letsgrow,
    /// Made on the platform directly, found in the author feed.
    External,
    /// From a history export the user uploaded.
    Import,
}

impl Origin {
    pub const fn as_str(self) -> &'static str {
        match self {
            Origin::Letsgrow => "letsgrow",
            Origin::External => "external",
            Origin::Import => "import",
        }
    }
}

/// One post to store or update.
#[derive(Debug, Clone)]
pub struct NewPost<'a> {
    pub user_id: &'a str,
    pub channel_id: Option<&'a str>,
    pub platform: &'a str,
    pub handle: Option<&'a str>,
    pub target_id: Option<&'a str>,
    pub external_id: Option<&'a str>,
    pub dedupe_key: &'a str,
    pub origin: Origin,
    pub posted_at: i64,
    pub text: &'a str,
    pub url: Option<&'a str>,
    pub is_reply: bool,
    pub is_repost: bool,
}

/// The snapshot columns, in [`Metric::ALL`] order (the migration's order).
const METRIC_COLUMNS: &str =
    "views, reach, likes, reposts, replies, quotes, saves, shares, clicks, profile_visits, follows";

/// Stores a post, or updates the one with the same dedupe key (keeping the
/// first origin, filling a channel, target or id learned later). Returns its
/// id and whether it was new.
pub async fn upsert_post(db: &Db, p: &NewPost<'_>) -> DbResult<(String, bool)> {
    let sql = "INSERT INTO analytics_posts (id, user_id, channel_id, platform, handle, target_id, external_id, \
               dedupe_key, origin, posted_at, text, url, is_reply, is_repost) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
               ON CONFLICT (user_id, platform, dedupe_key) DO UPDATE SET \
               channel_id = COALESCE(analytics_posts.channel_id, excluded.channel_id), \
               target_id = COALESCE(analytics_posts.target_id, excluded.target_id), \
               external_id = COALESCE(analytics_posts.external_id, excluded.external_id), \
               url = COALESCE(analytics_posts.url, excluded.url) \
               RETURNING id";
    let fresh = new_id();
    let id: String = on_pool!(db, pool => sqlx::query_scalar(sql)
        .bind(&fresh).bind(p.user_id).bind(p.channel_id).bind(p.platform).bind(p.handle)
        .bind(p.target_id).bind(p.external_id).bind(p.dedupe_key).bind(p.origin.as_str())
        .bind(p.posted_at).bind(p.text).bind(p.url).bind(i64::from(p.is_reply)).bind(i64::from(p.is_repost))
        .fetch_one(pool).await?);
    let created = id == fresh;
    Ok((id, created))
}

/// Records a post's numbers at `captured_at`; a second write for the same
/// moment (a retried task) replaces the first.
pub async fn insert_post_snapshot(
    db: &Db,
    post_id: &str,
    captured_at: i64,
    source: &str,
    m: &MetricSet,
) -> DbResult<()> {
    let sql = format!(
        "INSERT INTO post_snapshots (post_id, captured_at, source, {METRIC_COLUMNS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
         ON CONFLICT (post_id, captured_at) DO UPDATE SET source = excluded.source, \
         views = excluded.views, reach = excluded.reach, likes = excluded.likes, reposts = excluded.reposts, \
         replies = excluded.replies, quotes = excluded.quotes, saves = excluded.saves, shares = excluded.shares, \
         clicks = excluded.clicks, profile_visits = excluded.profile_visits, follows = excluded.follows"
    );
    on_pool!(db, pool => {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(post_id).bind(captured_at).bind(source);
        for metric in Metric::ALL {
            q = q.bind(m.get(*metric));
        }
        q.execute(pool).await.map(|_| ())?
    });
    Ok(())
}

/// A post's snapshots, oldest first.
pub async fn post_snapshots(db: &Db, post_id: &str) -> DbResult<Vec<(i64, MetricSet)>> {
    let sql = format!(
        "SELECT captured_at, {METRIC_COLUMNS} FROM post_snapshots WHERE post_id = $1 ORDER BY captured_at"
    );
    type Row = (
        i64,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
    );
    let rows: Vec<Row> = on_pool!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
        .bind(post_id).fetch_all(pool).await?);
    Ok(rows
        .into_iter()
        .map(|r| {
            let values = [r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8, r.9, r.10, r.11];
            let m = Metric::ALL
                .iter()
                .zip(values)
                .fold(MetricSet::new(), |m, (metric, v)| m.with(*metric, v));
            (r.0, m)
        })
        .collect())
}

/// Records the account's numbers at `captured_at` (idempotent per moment).
pub async fn insert_account_snapshot(
    db: &Db,
    channel_id: &str,
    captured_at: i64,
    s: &AccountStats,
) -> DbResult<()> {
    let sql = "INSERT INTO account_snapshots (channel_id, captured_at, followers, following, posts) \
               VALUES ($1, $2, $3, $4, $5) ON CONFLICT (channel_id, captured_at) DO UPDATE SET \
               followers = excluded.followers, following = excluded.following, posts = excluded.posts";
    on_pool!(db, pool => sqlx::query(sql).bind(channel_id).bind(captured_at)
        .bind(s.followers).bind(s.following).bind(s.posts).execute(pool).await.map(|_| ())?);
    Ok(())
}

/// The account's snapshots from `since` on, oldest first.
pub async fn account_snapshots(
    db: &Db,
    channel_id: &str,
    since: i64,
) -> DbResult<Vec<(i64, AccountStats)>> {
    let sql = "SELECT captured_at, followers, following, posts FROM account_snapshots \
               WHERE channel_id = $1 AND captured_at >= $2 ORDER BY captured_at";
    type Row = (i64, Option<i64>, Option<i64>, Option<i64>);
    let rows: Vec<Row> = on_pool!(db, pool =>
        sqlx::query_as(sql).bind(channel_id).bind(since).fetch_all(pool).await?);
    Ok(rows
        .into_iter()
        .map(|(at, followers, following, posts)| {
            (
                at,
                AccountStats {
                    followers,
                    following,
                    posts,
                },
            )
        })
        .collect())
}
