//! Sessions (one per log-in) and their rotating refresh tokens.

use crate::{Db, DbResult, on_pool};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRow {
    pub id: String,
    pub user_id: String,
    pub created_at: i64,
    pub last_used_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
}

pub struct NewSession<'a> {
    pub id: &'a str,
    pub user_id: &'a str,
    pub now_ms: i64,
    pub expires_at: i64,
    pub user_agent: Option<&'a str>,
    pub client_ip: Option<&'a str>,
    /// SHA-256 (hex) of the first refresh token.
    pub refresh_hash: &'a str,
}

/// Creates a session and its first refresh token in one transaction.
pub async fn create(db: &Db, s: &NewSession<'_>) -> DbResult<()> {
    on_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        sqlx::query(
            "INSERT INTO sessions (id, user_id, created_at, last_used_at, expires_at, user_agent, client_ip) \
             VALUES ($1, $2, $3, $3, $4, $5, $6)",
        )
        .bind(s.id)
        .bind(s.user_id)
        .bind(s.now_ms)
        .bind(s.expires_at)
        .bind(s.user_agent)
        .bind(s.client_ip)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO refresh_tokens (token_hash, session_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(s.refresh_hash)
        .bind(s.id)
        .bind(s.now_ms)
        .bind(s.expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
    });
    Ok(())
}

/// What happened when a refresh token was presented.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rotation {
    /// The token was current; it is now used and `new_hash` replaces it.
    Rotated { session_id: String, user_id: String },
    /// The token was used moments ago (within the reuse window) and its
    /// session is live: the caller answers with the same successor again.
    Replayed { session_id: String, user_id: String },
    /// The token had been used before: the whole session family is now revoked.
    Reused { session_id: String },
    /// Unknown token, or its session expired or was revoked.
    Invalid,
}

/// Atomically consumes refresh token `hash` and stores `new_hash` in its place.
/// A token used less than `reuse_window_ms` ago is `Replayed`, not theft.
pub async fn rotate_refresh(
    db: &Db,
    hash: &str,
    new_hash: &str,
    now_ms: i64,
    new_expires_at: i64,
    reuse_window_ms: i64,
) -> DbResult<Rotation> {
    let result = on_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        // Claim the token: only one concurrent presenter can win this update.
        let claimed: Option<(String,)> = sqlx::query_as(
            "UPDATE refresh_tokens SET used_at = $1 \
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 \
             RETURNING session_id",
        )
        .bind(now_ms)
        .bind(hash)
        .fetch_optional(&mut *tx)
        .await?;
        let outcome = match claimed {
            Some((session_id,)) => {
                let live: Option<(String,)> = sqlx::query_as(
                    "UPDATE sessions SET last_used_at = $1 \
                     WHERE id = $2 AND revoked_at IS NULL AND expires_at > $1 RETURNING user_id",
                )
                .bind(now_ms)
                .bind(&session_id)
                .fetch_optional(&mut *tx)
                .await?;
                match live {
                    Some((user_id,)) => {
                        sqlx::query(
                            "INSERT INTO refresh_tokens (token_hash, session_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
                        )
                        .bind(new_hash)
                        .bind(&session_id)
                        .bind(now_ms)
                        .bind(new_expires_at)
                        .execute(&mut *tx)
                        .await?;
                        Rotation::Rotated { session_id, user_id }
                    }
                    None => Rotation::Invalid,
                }
            }
            None => {
                let used: Option<(String, Option<i64>)> = sqlx::query_as(
                    "SELECT session_id, used_at FROM refresh_tokens WHERE token_hash = $1",
                )
                .bind(hash)
                .fetch_optional(&mut *tx)
                .await?;
                match used {
                    Some((session_id, Some(used_at))) if used_at > now_ms - reuse_window_ms => {
                        let live: Option<(String,)> = sqlx::query_as(
                            "SELECT user_id FROM sessions WHERE id = $1 AND revoked_at IS NULL AND expires_at > $2",
                        )
                        .bind(&session_id)
                        .bind(now_ms)
                        .fetch_optional(&mut *tx)
                        .await?;
                        match live {
                            Some((user_id,)) => Rotation::Replayed { session_id, user_id },
                            None => Rotation::Invalid,
                        }
                    }
                    Some((session_id, Some(_))) => {
                        sqlx::query(
                            "UPDATE sessions SET revoked_at = $1, revoked_reason = 'refresh_token_reused' \
                             WHERE id = $2 AND revoked_at IS NULL",
                        )
                        .bind(now_ms)
                        .bind(&session_id)
                        .execute(&mut *tx)
                        .await?;
                        Rotation::Reused { session_id }
                    }
                    _ => Rotation::Invalid,
                }
            }
        };
        tx.commit().await?;
        outcome
    });
    Ok(result)
}

/// The session behind an access token, if it is still live.
pub async fn live(db: &Db, session_id: &str, now_ms: i64) -> DbResult<Option<SessionRow>> {
    let sql = "SELECT id, user_id, created_at, last_used_at, expires_at, revoked_at FROM sessions \
               WHERE id = $1 AND revoked_at IS NULL AND expires_at > $2";
    Ok(
        on_pool!(db, pool => sqlx::query_as::<_, SessionRow>(sql).bind(session_id).bind(now_ms).fetch_optional(pool).await?),
    )
}

pub async fn revoke(db: &Db, session_id: &str, reason: &str, now_ms: i64) -> DbResult<u64> {
    let sql = "UPDATE sessions SET revoked_at = $1, revoked_reason = $2 WHERE id = $3 AND revoked_at IS NULL";
    Ok(
        on_pool!(db, pool => sqlx::query(sql).bind(now_ms).bind(reason).bind(session_id).execute(pool).await?.rows_affected()),
    )
}

/// Revokes every live session of `user_id` except `keep` (if given).
pub async fn revoke_all_for_user(
    db: &Db,
    user_id: &str,
    keep: Option<&str>,
    reason: &str,
    now_ms: i64,
) -> DbResult<u64> {
    let sql = "UPDATE sessions SET revoked_at = $1, revoked_reason = $2 \
               WHERE user_id = $3 AND revoked_at IS NULL AND id <> $4";
    let keep = keep.unwrap_or("");
    Ok(
        on_pool!(db, pool => sqlx::query(sql).bind(now_ms).bind(reason).bind(user_id).bind(keep).execute(pool).await?.rows_affected()),
    )
}

/// Deletes sessions (and, by cascade, their refresh tokens) that expired or
/// were revoked before `before_ms`: nothing can use them any more.
pub async fn prune_ended(db: &Db, before_ms: i64) -> DbResult<u64> {
    let sql = "DELETE FROM sessions WHERE expires_at < $1 OR revoked_at < $1";
    Ok(on_pool!(db, pool => sqlx::query(sql).bind(before_ms).execute(pool).await?.rows_affected()))
}
