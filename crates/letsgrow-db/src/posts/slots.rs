//! A channel's weekly queue slots and the times already taken on it.

use super::*;

/// A channel's weekly slots: `(weekday 0 = Monday, minute of day)`.
pub async fn slots(db: &Db, channel_id: &str) -> DbResult<Vec<(i64, i64)>> {
    let sql =
        "SELECT weekday, minute FROM channel_slots WHERE channel_id = $1 ORDER BY weekday, minute";
    Ok(on_pool!(db, pool => sqlx::query_as(sql).bind(channel_id).fetch_all(pool).await?))
}

pub async fn set_slots(db: &Db, channel_id: &str, slots: &[(i64, i64)]) -> DbResult<()> {
    on_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        sqlx::query("DELETE FROM channel_slots WHERE channel_id = $1").bind(channel_id).execute(&mut *tx).await?;
        for (d, m) in slots {
            sqlx::query("INSERT INTO channel_slots (channel_id, weekday, minute) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(channel_id).bind(d).bind(m).execute(&mut *tx).await?;
        }
        tx.commit().await?;
    });
    Ok(())
}

/// Instants at or after `from_ms` already taken on a channel (targets that are
/// scheduled, publishing or published there).
pub async fn taken_times(db: &Db, channel_id: &str, from_ms: i64) -> DbResult<Vec<i64>> {
    let sql = "SELECT scheduled_at FROM post_targets WHERE channel_id = $1 AND scheduled_at >= $2 \
               AND state IN ('scheduled', 'publishing', 'published', 'unconfirmed')";
    Ok(
        on_pool!(db, pool => sqlx::query_scalar(sql).bind(channel_id).bind(from_ms).fetch_all(pool).await?),
    )
}

/// Scheduled targets of a user, for the CSV export: `(target, post)` pairs by time.
pub async fn queue(db: &Db, user_id: &str, limit: i64) -> DbResult<Vec<TargetRow>> {
    let sql = format!(
        "SELECT {TARGET_COLUMNS} FROM post_targets WHERE user_id = $1 AND state = 'scheduled' ORDER BY scheduled_at, id LIMIT $2"
    );
    Ok(
        on_pool!(db, pool => sqlx::query_as::<_, TargetRow>(sqlx::AssertSqlSafe(sql)).bind(user_id).bind(limit).fetch_all(pool).await?),
    )
}
