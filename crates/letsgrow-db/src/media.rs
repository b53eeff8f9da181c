//! The media library: metadata rows; the bytes live in `<data_dir>/media/<id>`.

use crate::{Db, DbResult, on_pool};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MediaRow {
    pub id: String,
    pub user_id: String,
    pub filename: String,
    pub mime: String,
    pub bytes: i64,
    pub sha256: String,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub created_at: i64,
}

const COLUMNS: &str = "id, user_id, filename, mime, bytes, sha256, width, height, created_at";

pub async fn insert(db: &Db, m: &MediaRow) -> DbResult<()> {
    let sql = "INSERT INTO media (id, user_id, filename, mime, bytes, sha256, width, height, created_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    on_pool!(db, pool => sqlx::query(sql)
        .bind(&m.id).bind(&m.user_id).bind(&m.filename).bind(&m.mime).bind(m.bytes).bind(&m.sha256)
        .bind(m.width).bind(m.height).bind(m.created_at)
        .execute(pool).await.map(|_| ())?);
    Ok(())
}

/// Inserts the row only if the user's stored bytes plus this file stay
/// within `quota` bytes; `Ok(Err(used))` when they would not. The check and
/// the insert are one decision for every process: a single statement on
/// SQLite (one writer at a time), and on PostgreSQL a transaction holding a
/// per-user advisory lock, so parallel uploads through several `serve`
/// processes cannot all pass.
pub async fn insert_within_quota(db: &Db, m: &MediaRow, quota: i64) -> DbResult<Result<(), i64>> {
    let sql = "INSERT INTO media (id, user_id, filename, mime, bytes, sha256, width, height, created_at) \
               SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9 \
               WHERE (SELECT COALESCE(SUM(bytes), 0) FROM media WHERE user_id = $2) + $5 <= $10";
    on_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        if db.backend() == crate::Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtext('letsgrow.media_quota'), hashtext($1))")
                .bind(&m.user_id).execute(&mut *tx).await?;
        }
        let n = sqlx::query(sql)
            .bind(&m.id).bind(&m.user_id).bind(&m.filename).bind(&m.mime).bind(m.bytes).bind(&m.sha256)
            .bind(m.width).bind(m.height).bind(m.created_at).bind(quota)
            .execute(&mut *tx).await?.rows_affected();
        if n == 1 {
            tx.commit().await?;
            return Ok(Ok(()));
        }
        let used: i64 = sqlx::query_scalar("SELECT CAST(COALESCE(SUM(bytes), 0) AS BIGINT) FROM media WHERE user_id = $1")
            .bind(&m.user_id).fetch_one(&mut *tx).await?;
        tx.rollback().await?;
        Ok(Err(used))
    })
}

pub async fn get(db: &Db, id: &str) -> DbResult<Option<MediaRow>> {
    let sql = format!("SELECT {COLUMNS} FROM media WHERE id = $1");
    Ok(
        on_pool!(db, pool => sqlx::query_as::<_, MediaRow>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?),
    )
}

pub async fn list_for_user(db: &Db, user_id: &str, limit: i64) -> DbResult<Vec<MediaRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM media WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
    );
    Ok(
        on_pool!(db, pool => sqlx::query_as::<_, MediaRow>(sqlx::AssertSqlSafe(sql)).bind(user_id).bind(limit).fetch_all(pool).await?),
    )
}

/// Bytes and files one user stores.
pub async fn usage_for_user(db: &Db, user_id: &str) -> DbResult<(i64, i64)> {
    let sql =
        "SELECT CAST(COALESCE(SUM(bytes), 0) AS BIGINT), COUNT(*) FROM media WHERE user_id = $1";
    Ok(
        on_pool!(db, pool => sqlx::query_as::<_, (i64, i64)>(sql).bind(user_id).fetch_one(pool).await?),
    )
}
