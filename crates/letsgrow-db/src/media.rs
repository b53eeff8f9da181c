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
