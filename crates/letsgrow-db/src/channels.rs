//! Channels, their encrypted secrets, health, pause and settings.

use crate::{Db, DbError, DbResult, on_pool};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ChannelRow {
    pub id: String,
    pub user_id: String,
    pub platform: String,
    pub external_id: String,
    /// The name shown to people: the owner's own name for the channel, else
    /// the account's handle.
    pub handle: String,
    /// The account's handle on the platform, whatever the channel is called.
    pub account_handle: String,
    /// The owner's own name for the channel, if any.
    pub name: Option<String>,
    pub base_url: String,
    pub settings: String,
    pub status: String,
    pub status_message: Option<String>,
    pub rate_limited_until: Option<i64>,
    pub last_checked_at: Option<i64>,
    pub paused_at: Option<i64>,
    /// Sends in a row that failed (reset by one that goes through).
    pub consecutive_failures: i64,
    /// The last failed send's message, kept after a success for the record.
    pub last_error: Option<String>,
    /// When LetsGrow last sent to the channel, either way.
    pub last_outcome_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "id, user_id, platform, external_id, COALESCE(name, handle) AS handle, handle AS account_handle, name, \
                       base_url, settings, status, status_message, \
                       rate_limited_until, last_checked_at, paused_at, consecutive_failures, last_error, last_outcome_at, \
                       created_at, updated_at";

pub struct NewChannel<'a> {
    pub user_id: &'a str,
    pub platform: &'a str,
    pub external_id: &'a str,
    pub handle: &'a str,
    /// The channel's own name when the handle is taken by another channel.
    pub name: Option<&'a str>,
    pub base_url: &'a str,
    pub settings: &'a str,
}

/// A secret already sealed by the caller for (channel id, field).
pub struct SealedSecret {
    pub field: &'static str,
    pub sealed: String,
    pub key_id: String,
}

/// Inserts a channel and its sealed secrets in one transaction. The id is
/// chosen by the caller so that secrets can be bound to it before insertion.
pub async fn insert(
    db: &Db,
    id: &str,
    c: &NewChannel<'_>,
    secrets: &[SealedSecret],
    now_ms: i64,
) -> DbResult<ChannelRow> {
    let sql = format!(
        "INSERT INTO channels (id, user_id, platform, external_id, handle, base_url, settings, created_at, updated_at, name) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9) RETURNING {COLUMNS}"
    );
    on_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        let row = sqlx::query_as::<_, ChannelRow>(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .bind(c.user_id)
            .bind(c.platform)
            .bind(c.external_id)
            .bind(c.handle)
            .bind(c.base_url)
            .bind(c.settings)
            .bind(now_ms)
            .bind(c.name)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| DbError::from_unique(e, "account"))?;
        for s in secrets {
            sqlx::query("INSERT INTO channel_secrets (channel_id, field, sealed, key_id, updated_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(id)
                .bind(s.field)
                .bind(&s.sealed)
                .bind(&s.key_id)
                .bind(now_ms)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(row)
    })
}

pub async fn list_for_user(db: &Db, user_id: &str) -> DbResult<Vec<ChannelRow>> {
    let sql = format!("SELECT {COLUMNS} FROM channels WHERE user_id = $1 ORDER BY created_at, id");
    Ok(
        on_pool!(db, pool => sqlx::query_as::<_, ChannelRow>(sqlx::AssertSqlSafe(sql)).bind(user_id).fetch_all(pool).await?),
    )
}

pub async fn get_for_user(db: &Db, user_id: &str, id: &str) -> DbResult<Option<ChannelRow>> {
    let sql = format!("SELECT {COLUMNS} FROM channels WHERE user_id = $1 AND id = $2");
    Ok(
        on_pool!(db, pool => sqlx::query_as::<_, ChannelRow>(sqlx::AssertSqlSafe(sql)).bind(user_id).bind(id).fetch_optional(pool).await?),
    )
}

/// Deletes a channel; its secrets go with it (ON DELETE CASCADE).
pub async fn delete(db: &Db, user_id: &str, id: &str) -> DbResult<bool> {
    let n = on_pool!(db, pool => sqlx::query("DELETE FROM channels WHERE user_id = $1 AND id = $2").bind(user_id).bind(id).execute(pool).await?.rows_affected());
    Ok(n == 1)
}

pub async fn set_health(
    db: &Db,
    id: &str,
    status: &str,
    message: Option<&str>,
    rate_limited_until: Option<i64>,
    now_ms: i64,
) -> DbResult<Option<ChannelRow>> {
    let sql = format!(
        "UPDATE channels SET status = $1, status_message = $2, rate_limited_until = $3, last_checked_at = $4, updated_at = $4 \
         WHERE id = $5 RETURNING {COLUMNS}"
    );
    Ok(
        on_pool!(db, pool => sqlx::query_as::<_, ChannelRow>(sqlx::AssertSqlSafe(sql))
        .bind(status).bind(message).bind(rate_limited_until).bind(now_ms).bind(id)
        .fetch_optional(pool).await?),
    )
}

/// Records a send that went through: the failure count restarts, and a
/// channel that was failing, erroring or rate-limited is `ok` again.
pub async fn record_send_ok(db: &Db, id: &str, now_ms: i64) -> DbResult<()> {
    // The IN list is `ChannelStatus::clears_on_success` in SQL.
    let sql = "UPDATE channels SET consecutive_failures = 0, last_outcome_at = $1, \
               status = CASE WHEN status IN ('failing', 'error', 'rate_limited') THEN 'ok' ELSE status END, \
               status_message = CASE WHEN status IN ('failing', 'error', 'rate_limited') THEN NULL ELSE status_message END, \
               rate_limited_until = CASE WHEN status IN ('failing', 'error', 'rate_limited') THEN NULL ELSE rate_limited_until END, \
               updated_at = $1 WHERE id = $2";
    on_pool!(db, pool => sqlx::query(sql).bind(now_ms).bind(id).execute(pool).await.map(|_| ())?);
    Ok(())
}

/// Records a send that failed. At `failing_after` failures in a row the
/// status becomes `failing` with `message` (a channel that needs reconnecting
/// stays so). Returns the row as it is now.
pub async fn record_send_failed(
    db: &Db,
    id: &str,
    message: &str,
    failing_after: i64,
    now_ms: i64,
) -> DbResult<Option<ChannelRow>> {
    let sql = format!(
        "UPDATE channels SET consecutive_failures = consecutive_failures + 1, last_error = $1, last_outcome_at = $2, \
         status = CASE WHEN status = 'needs_reconnect' THEN status WHEN consecutive_failures + 1 >= $3 THEN 'failing' ELSE status END, \
         status_message = CASE WHEN status = 'needs_reconnect' THEN status_message WHEN consecutive_failures + 1 >= $3 THEN $1 ELSE status_message END, \
         updated_at = $2 WHERE id = $4 RETURNING {COLUMNS}"
    );
    Ok(
        on_pool!(db, pool => sqlx::query_as::<_, ChannelRow>(sqlx::AssertSqlSafe(sql))
        .bind(message).bind(now_ms).bind(failing_after).bind(id)
        .fetch_optional(pool).await?),
    )
}

/// `(field, sealed)` pairs of a channel.
pub async fn secrets(db: &Db, channel_id: &str) -> DbResult<Vec<(String, String)>> {
    let sql = "SELECT field, sealed FROM channel_secrets WHERE channel_id = $1 ORDER BY field";
    Ok(
        on_pool!(db, pool => sqlx::query_as::<_, (String, String)>(sql).bind(channel_id).fetch_all(pool).await?),
    )
}

/// Replaces the sealed secrets of a channel (after a token refresh); fields not given are removed.
pub async fn replace_secrets(
    db: &Db,
    channel_id: &str,
    secrets: &[SealedSecret],
    now_ms: i64,
) -> DbResult<()> {
    on_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        sqlx::query("DELETE FROM channel_secrets WHERE channel_id = $1").bind(channel_id).execute(&mut *tx).await?;
        for s in secrets {
            sqlx::query("INSERT INTO channel_secrets (channel_id, field, sealed, key_id, updated_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(channel_id).bind(s.field).bind(&s.sealed).bind(&s.key_id).bind(now_ms)
                .execute(&mut *tx).await?;
        }
        tx.commit().await?;
    });
    Ok(())
}

/// Every stored secret not under `active_key_id`: `(channel_id, field, sealed)`, in pages.
pub async fn secrets_not_under(
    db: &Db,
    active_key_id: &str,
    limit: i64,
) -> DbResult<Vec<(String, String, String)>> {
    let sql = "SELECT channel_id, field, sealed FROM channel_secrets WHERE key_id <> $1 ORDER BY channel_id, field LIMIT $2";
    Ok(
        on_pool!(db, pool => sqlx::query_as::<_, (String, String, String)>(sql).bind(active_key_id).bind(limit).fetch_all(pool).await?),
    )
}

/// Swaps one sealed secret for its re-encryption, only if it is still the value read.
pub async fn reseal_secret(
    db: &Db,
    channel_id: &str,
    field: &str,
    old: &str,
    new: &str,
    key_id: &str,
    now_ms: i64,
) -> DbResult<bool> {
    let sql = "UPDATE channel_secrets SET sealed = $1, key_id = $2, updated_at = $3 WHERE channel_id = $4 AND field = $5 AND sealed = $6";
    let n = on_pool!(db, pool => sqlx::query(sql).bind(new).bind(key_id).bind(now_ms).bind(channel_id).bind(field).bind(old).execute(pool).await?.rows_affected());
    Ok(n == 1)
}

/// Count of stored secrets (channel credentials and per-instance OAuth apps) by key id.
pub async fn secret_counts_by_key(db: &Db) -> DbResult<Vec<(String, i64)>> {
    let sql = "SELECT key_id, COUNT(*) FROM (SELECT key_id FROM channel_secrets UNION ALL SELECT key_id FROM oauth_apps) s \
               GROUP BY key_id ORDER BY key_id";
    Ok(on_pool!(db, pool => sqlx::query_as::<_, (String, i64)>(sql).fetch_all(pool).await?))
}

/// Pauses (`Some(now)`) or resumes (`None`) publishing to a channel.
pub async fn set_paused(
    db: &Db,
    user_id: &str,
    id: &str,
    paused_at: Option<i64>,
    now_ms: i64,
) -> DbResult<Option<ChannelRow>> {
    let sql = format!(
        "UPDATE channels SET paused_at = $1, updated_at = $2 WHERE user_id = $3 AND id = $4 RETURNING {COLUMNS}"
    );
    Ok(
        on_pool!(db, pool => sqlx::query_as::<_, ChannelRow>(sqlx::AssertSqlSafe(sql))
        .bind(paused_at).bind(now_ms).bind(user_id).bind(id)
        .fetch_optional(pool).await?),
    )
}

/// Replaces a channel's settings if they are still `expected` (the caller
/// merged the user's keys into what it read); `None` if the channel is gone
/// or its settings changed meanwhile.
pub async fn set_settings(
    db: &Db,
    user_id: &str,
    id: &str,
    expected: &str,
    settings: &str,
    now_ms: i64,
) -> DbResult<Option<ChannelRow>> {
    let sql = format!(
        "UPDATE channels SET settings = $1, updated_at = $2 WHERE user_id = $3 AND id = $4 AND settings = $5 RETURNING {COLUMNS}"
    );
    Ok(
        on_pool!(db, pool => sqlx::query_as::<_, ChannelRow>(sqlx::AssertSqlSafe(sql))
        .bind(settings).bind(now_ms).bind(user_id).bind(id).bind(expected)
        .fetch_optional(pool).await?),
    )
}

/// Renames a channel (`None`: back to the account's handle).
pub async fn set_name(
    db: &Db,
    user_id: &str,
    id: &str,
    name: Option<&str>,
    now_ms: i64,
) -> DbResult<Option<ChannelRow>> {
    let sql = format!(
        "UPDATE channels SET name = $1, updated_at = $2 WHERE user_id = $3 AND id = $4 RETURNING {COLUMNS}"
    );
    Ok(
        on_pool!(db, pool => sqlx::query_as::<_, ChannelRow>(sqlx::AssertSqlSafe(sql))
        .bind(name).bind(now_ms).bind(user_id).bind(id)
        .fetch_optional(pool).await?),
    )
}

/// A channel by id, whoever owns it (workers).
pub async fn get(db: &Db, id: &str) -> DbResult<Option<ChannelRow>> {
    let sql = format!("SELECT {COLUMNS} FROM channels WHERE id = $1");
    Ok(
        on_pool!(db, pool => sqlx::query_as::<_, ChannelRow>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?),
    )
}
