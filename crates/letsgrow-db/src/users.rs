//! The `users` table.

use crate::{Db, DbError, DbResult, new_id, on_pool};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub timezone: String,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "id, email, password_hash, timezone, created_at, updated_at";

/// Inserts a user; `Conflict("email")` when the email is taken.
pub async fn insert(db: &Db, email: &str, password_hash: &str, now_ms: i64) -> DbResult<UserRow> {
    let sql = format!(
        "INSERT INTO users (id, email, password_hash, timezone, created_at, updated_at) \
         VALUES ($1, $2, $3, 'UTC', $4, $4) RETURNING {COLUMNS}"
    );
    let id = new_id();
    on_pool!(db, pool => sqlx::query_as::<_, UserRow>(sqlx::AssertSqlSafe(sql))
        .bind(&id)
        .bind(email)
        .bind(password_hash)
        .bind(now_ms)
        .fetch_one(pool)
        .await)
    .map_err(|e| DbError::from_unique(e, "email"))
}

pub async fn by_email(db: &Db, email: &str) -> DbResult<Option<UserRow>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE email = $1");
    Ok(
        on_pool!(db, pool => sqlx::query_as::<_, UserRow>(sqlx::AssertSqlSafe(sql))
        .bind(email)
        .fetch_optional(pool)
        .await?),
    )
}

pub async fn by_id(db: &Db, id: &str) -> DbResult<Option<UserRow>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    Ok(
        on_pool!(db, pool => sqlx::query_as::<_, UserRow>(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(pool)
        .await?),
    )
}

pub async fn set_password_hash(db: &Db, id: &str, hash: &str, now_ms: i64) -> DbResult<bool> {
    let sql = "UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3";
    let done = on_pool!(db, pool => sqlx::query(sql).bind(hash).bind(now_ms).bind(id).execute(pool).await?.rows_affected());
    Ok(done == 1)
}

pub async fn set_timezone(
    db: &Db,
    id: &str,
    timezone: &str,
    now_ms: i64,
) -> DbResult<Option<UserRow>> {
    let sql = format!(
        "UPDATE users SET timezone = $1, updated_at = $2 WHERE id = $3 RETURNING {COLUMNS}"
    );
    Ok(
        on_pool!(db, pool => sqlx::query_as::<_, UserRow>(sqlx::AssertSqlSafe(sql))
        .bind(timezone)
        .bind(now_ms)
        .bind(id)
        .fetch_optional(pool)
        .await?),
    )
}
