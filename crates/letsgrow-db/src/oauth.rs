//! OAuth connections in progress and per-instance app registrations.

use crate::{Db, DbResult, on_pool};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OAuthStateRow {
    pub state_hash: String,
    pub user_id: String,
    pub platform: String,
    pub sealed: String,
    pub redirect_uri: String,
    pub instance_url: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
}

pub async fn insert_state(db: &Db, row: &OAuthStateRow) -> DbResult<()> {
    let sql = "INSERT INTO oauth_states (state_hash, user_id, platform, sealed, redirect_uri, instance_url, created_at, expires_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    on_pool!(db, pool => sqlx::query(sql)
        .bind(&row.state_hash).bind(&row.user_id).bind(&row.platform).bind(&row.sealed)
        .bind(&row.redirect_uri).bind(&row.instance_url).bind(row.created_at).bind(row.expires_at)
        .execute(pool).await.map(|_| ())?);
    Ok(())
}

/// Removes and returns the state row if it exists and has not expired: a state
/// can be used once.
pub async fn take_state(db: &Db, state_hash: &str, now_ms: i64) -> DbResult<Option<OAuthStateRow>> {
    let sql = "DELETE FROM oauth_states WHERE state_hash = $1 RETURNING state_hash, user_id, platform, sealed, \
               redirect_uri, instance_url, created_at, expires_at";
    let row = on_pool!(db, pool => sqlx::query_as::<_, OAuthStateRow>(sql).bind(state_hash).fetch_optional(pool).await?);
    // Expired rows are swept opportunistically.
    on_pool!(db, pool => sqlx::query("DELETE FROM oauth_states WHERE expires_at < $1").bind(now_ms).execute(pool).await.map(|_| ())?);
    Ok(row.filter(|r| r.expires_at >= now_ms))
}

pub async fn app(
    db: &Db,
    platform: &str,
    instance_url: &str,
    redirect_uri: &str,
) -> DbResult<Option<String>> {
    let sql = "SELECT sealed FROM oauth_apps WHERE platform = $1 AND instance_url = $2 AND redirect_uri = $3";
    Ok(
        on_pool!(db, pool => sqlx::query_scalar::<_, String>(sql).bind(platform).bind(instance_url).bind(redirect_uri).fetch_optional(pool).await?),
    )
}

pub async fn save_app(
    db: &Db,
    platform: &str,
    instance_url: &str,
    redirect_uri: &str,
    sealed: &str,
    key_id: &str,
    now_ms: i64,
) -> DbResult<()> {
    let sql = "INSERT INTO oauth_apps (platform, instance_url, redirect_uri, sealed, key_id, created_at) \
               VALUES ($1, $2, $3, $4, $5, $6) \
               ON CONFLICT (platform, instance_url, redirect_uri) DO UPDATE SET sealed = $4, key_id = $5";
    on_pool!(db, pool => sqlx::query(sql).bind(platform).bind(instance_url).bind(redirect_uri).bind(sealed).bind(key_id).bind(now_ms).execute(pool).await.map(|_| ())?);
    Ok(())
}

/// Apps whose secret is not under `active_key_id`: `(platform, instance_url, redirect_uri, sealed)`.
pub async fn apps_not_under(
    db: &Db,
    active_key_id: &str,
    limit: i64,
) -> DbResult<Vec<(String, String, String, String)>> {
    let sql = "SELECT platform, instance_url, redirect_uri, sealed FROM oauth_apps WHERE key_id <> $1 \
               ORDER BY platform, instance_url, redirect_uri LIMIT $2";
    Ok(
        on_pool!(db, pool => sqlx::query_as::<_, (String, String, String, String)>(sql).bind(active_key_id).bind(limit).fetch_all(pool).await?),
    )
}

/// Swaps an app's sealed secret for its re-encryption, only if unchanged since read.
pub async fn reseal_app(
    db: &Db,
    key: (&str, &str, &str),
    old: &str,
    new: &str,
    key_id: &str,
) -> DbResult<bool> {
    let sql = "UPDATE oauth_apps SET sealed = $1, key_id = $2 \
               WHERE platform = $3 AND instance_url = $4 AND redirect_uri = $5 AND sealed = $6";
    let n = on_pool!(db, pool => sqlx::query(sql).bind(new).bind(key_id).bind(key.0).bind(key.1).bind(key.2).bind(old).execute(pool).await?.rows_affected());
    Ok(n == 1)
}

/// Deletes OAuth states that expired before `now_ms` (connects never finished).
pub async fn prune_expired_states(db: &Db, now_ms: i64) -> DbResult<u64> {
    let sql = "DELETE FROM oauth_states WHERE expires_at < $1";
    Ok(on_pool!(db, pool => sqlx::query(sql).bind(now_ms).execute(pool).await?.rows_affected()))
}
