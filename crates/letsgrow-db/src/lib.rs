//! Storage for LetsGrow: one set of repository functions over SQLite (the
//! embedded default) and PostgreSQL (scale-out).
//!
//! Invariants:
//! - Every query string is shared by both backends (`$n` placeholders and
//!   `RETURNING` work on both); the `on_pool!` macro expands the same code for
//!   each pool type, so the two can't drift apart.
//! - Instants are `i64` milliseconds since the Unix epoch, UTC, on both
//!   backends; ids are UUIDv7 text.
//! - Callers never hold a transaction across a network call: repository
//!   functions open and close their own transactions.

pub mod analytics;
pub mod channels;
pub mod media;
pub mod notifications;
pub mod oauth;
pub mod posts;
pub mod sessions;
pub mod tasks;
pub mod users;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("a row with this {0} already exists")]
    Conflict(&'static str),
}

impl DbError {
    /// True when the database could not be reached or dropped the connection
    /// (a restart, a failover, a network cut): the same statement can succeed
    /// once it is back. PostgreSQL's shutdown and connection classes (57P0x,
    /// 08xxx) count; constraint and syntax errors do not.
    pub fn is_unreachable(&self) -> bool {
        match self {
            DbError::Sqlx(e) => match e {
                sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::Tls(_) => true,
                sqlx::Error::Database(d) => d
                    .code()
                    .is_some_and(|c| c.starts_with("57P0") || c.starts_with("08")),
                _ => false,
            },
            _ => false,
        }
    }

    /// Classifies unique-constraint violations (both backends) as `Conflict`.
    pub(crate) fn from_unique(e: sqlx::Error, what: &'static str) -> DbError {
        match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => DbError::Conflict(what),
            _ => DbError::Sqlx(e),
        }
    }
}

pub type DbResult<T> = Result<T, DbError>;

/// Which backend a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A connection pool to one of the two supported backends.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same body against whichever pool `$db` holds. The body is
/// duplicated by the macro, so one query string serves both backends.
#[macro_export]
macro_rules! on_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::Db::Sqlite($pool) => $body,
            $crate::Db::Postgres($pool) => $body,
        }
    };
}

/// Makes `data_dir` owner-only (0700) and the database file owner-only
/// (0600) before SQLite opens it; SQLite gives its `-wal` and `-shm` files the
/// database file's mode, and existing ones are tightened too.
fn prepare_private_sqlite(data_dir: &Path, db_file: &Path) -> DbResult<()> {
    private_sqlite_files(data_dir, db_file).map_err(|e| DbError::Sqlx(sqlx::Error::Io(e)))
}

fn private_sqlite_files(data_dir: &Path, db_file: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(data_dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        std::fs::set_permissions(data_dir, std::fs::Permissions::from_mode(0o700))?;
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(db_file)?;
        for suffix in ["", "-wal", "-shm"] {
            let mut name = db_file.as_os_str().to_owned();
            name.push(suffix);
            let p = std::path::PathBuf::from(name);
            if p.exists() {
                std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600))?;
            }
        }
    }
    Ok(())
}

impl Db {
    /// Connects to `url`, or to `letsgrow.db` in `data_dir` when `url` is `None`
    /// (created on first start).
    pub async fn connect(url: Option<&str>, data_dir: &Path, max_connections: u32) -> DbResult<Db> {
        match url {
            Some(u) if u.starts_with("postgres://") || u.starts_with("postgresql://") => {
                let opts = PgConnectOptions::from_str(u)?.application_name("letsgrow");
                let pool = PgPoolOptions::new()
                    .max_connections(max_connections.max(2))
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(opts)
                    .await?;
                Ok(Db::Postgres(pool))
            }
            Some(u) => {
                Self::connect_sqlite(SqliteConnectOptions::from_str(u)?, max_connections).await
            }
            None => {
                let path = data_dir.join("letsgrow.db");
                prepare_private_sqlite(data_dir, &path)?;
                Self::connect_sqlite(SqliteConnectOptions::new().filename(path), max_connections)
                    .await
            }
        }
    }

    async fn connect_sqlite(opts: SqliteConnectOptions, max_connections: u32) -> DbResult<Db> {
        let opts = opts
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(max_connections.max(1))
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(opts)
            .await?;
        Ok(Db::Sqlite(pool))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    fn migrator(&self) -> &'static Migrator {
        match self {
            Db::Sqlite(_) => &SQLITE_MIGRATIONS,
            Db::Postgres(_) => &POSTGRES_MIGRATIONS,
        }
    }

    /// Applies every pending migration. Safe to run from several processes.
    pub async fn migrate(&self) -> DbResult<usize> {
        let before = self.applied_migrations().await.unwrap_or(0);
        on_pool!(self, pool => self.migrator().run(pool).await?);
        let after = self.applied_migrations().await?;
        Ok(after.saturating_sub(before))
    }

    async fn applied_migrations(&self) -> DbResult<usize> {
        let sql = "SELECT COUNT(*) FROM _sqlx_migrations WHERE success";
        let n: i64 = on_pool!(self, pool => sqlx::query_scalar(sql).fetch_one(pool).await?);
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// Readiness: the database answers and every migration this build knows is applied.
    pub async fn check_ready(&self) -> Result<(), String> {
        let applied = self
            .applied_migrations()
            .await
            .map_err(|e| format!("database unreachable or not migrated: {e}"))?;
        let known = self.migrator().iter().count();
        if applied < known {
            return Err(format!(
                "{} of {known} migrations applied; run `letsgrow migrate`",
                applied
            ));
        }
        Ok(())
    }

    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await);
    }
}

/// A new time-ordered id.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sqlite_file_is_created_and_migrated() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(None, dir.path(), 2).await.unwrap();
        assert!(db.check_ready().await.is_err());
        assert!(db.migrate().await.unwrap() >= 1);
        assert_eq!(db.migrate().await.unwrap(), 0);
        db.check_ready().await.unwrap();
        assert!(dir.path().join("letsgrow.db").exists());
    }
}
