//! In-app notifications: what went wrong with a channel, a post or a
//! background task, for the user to read.

use crate::{Db, DbResult, new_id, on_pool};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NotificationRow {
    pub id: String,
    pub user_id: String,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub channel_id: Option<String>,
    pub post_id: Option<String>,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

/// What a notification is about, beyond its user.
#[derive(Debug, Clone, Copy, Default)]
pub struct About<'a> {
    pub channel_id: Option<&'a str>,
    pub post_id: Option<&'a str>,
}

pub async fn notify(
    db: &Db,
    user_id: &str,
    kind: &str,
    title: &str,
    body: &str,
    about: About<'_>,
    now_ms: i64,
) -> DbResult<()> {
    let sql = "INSERT INTO notifications (id, user_id, kind, title, body, channel_id, post_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    on_pool!(db, pool => sqlx::query(sql).bind(new_id()).bind(user_id).bind(kind).bind(title).bind(body).bind(about.channel_id).bind(about.post_id).bind(now_ms).execute(pool).await.map(|_| ())?);
    Ok(())
}

pub async fn list(db: &Db, user_id: &str, limit: i64) -> DbResult<Vec<NotificationRow>> {
    let sql = "SELECT id, user_id, kind, title, body, channel_id, post_id, created_at, read_at FROM notifications \
               WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2";
    Ok(
        on_pool!(db, pool => sqlx::query_as::<_, NotificationRow>(sql).bind(user_id).bind(limit).fetch_all(pool).await?),
    )
}

/// Marks the user's notifications read: those in `ids`, or every unread one
/// when `ids` is `None`. Returns how many are still unread.
pub async fn mark_read(
    db: &Db,
    user_id: &str,
    ids: Option<&[String]>,
    now_ms: i64,
) -> DbResult<i64> {
    on_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        match ids {
            None => {
                sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
                    .bind(now_ms).bind(user_id).execute(&mut *tx).await?;
            }
            Some(ids) => {
                for id in ids {
                    sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND id = $3 AND read_at IS NULL")
                        .bind(now_ms).bind(user_id).bind(id).execute(&mut *tx).await?;
                }
            }
        }
        let unread: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
            .bind(user_id).fetch_one(&mut *tx).await?;
        tx.commit().await?;
        Ok(unread)
    })
}

/// Deletes notifications that were read before `before_ms`.
pub async fn prune_read(db: &Db, before_ms: i64) -> DbResult<u64> {
    let sql = "DELETE FROM notifications WHERE read_at IS NOT NULL AND read_at < $1";
    Ok(on_pool!(db, pool => sqlx::query(sql).bind(before_ms).execute(pool).await?.rows_affected()))
}
