//! `letsgrow`: one binary for the whole product.
//!
//! `serve` runs the API, web UI, scheduler and workers in one process;
//! `worker` runs only the scheduler and workers; `migrate` applies database migrations;
//! `openapi` prints the API document the web client is generated from.

mod bench;
mod tasks;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use letsgrow_config::Config;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "letsgrow",
    version,
    about = "LetsGrow: a self-hostable social media growth platform"
)]
struct Cli {
    /// TOML configuration file (values there are overridden by LETSGROW__* environment variables).
    #[arg(long, global = true, value_name = "PATH")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API and web UI (embedded default: SQLite in the data directory, no other service needed).
    Serve(ServeArgs),
    /// Run only the scheduler, publish workers and task runner (scale-out: point several at one PostgreSQL).
    Worker(DataArgs),
    /// Apply pending database migrations, then exit.
    Migrate(DataArgs),
    /// Background tasks: list them, retry or cancel one, see the recurring schedules.
    #[command(subcommand)]
    Tasks(tasks::TasksCommand),
    /// Print the OpenAPI document as JSON.
    Openapi,
    /// Per-platform text rules.
    #[command(subcommand)]
    Text(TextCommand),
    /// Data-encryption keys for stored platform credentials.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Load tests that run against a throwaway database and an in-process webhook receiver.
    #[command(subcommand)]
    Bench(bench::BenchCommand),
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Print a new random key (base64 of 32 bytes) for crypto.keys.
    Generate,
    /// Re-encrypt every stored secret under the active key (crypto.active_key_id) and report counts.
    ///
    /// Rotation: add the new key to crypto.keys, make it active, run this on one
    /// process, then remove the old key once `keys status` shows nothing under it.
    Rotate(DataArgs),
    /// Count stored secrets by the key that encrypts them.
    Status(DataArgs),
}

#[derive(Subcommand)]
enum TextCommand {
    /// Check text read from stdin: weighted length, limit, violations, entities, facets.
    ///
    /// Writes one JSON object per input. With --jsonl every input line is one JSON
    /// string, and the output has one object per line in the same order.
    Check(TextCheckArgs),
}

#[derive(Args)]
struct TextCheckArgs {
    /// x, bluesky, mastodon, linkedin, reddit, instagram, threads or webhook.
    #[arg(long)]
    platform: letsgrow_core::Platform,
    /// Read one JSON string per line instead of the whole of stdin as one text.
    #[arg(long)]
    jsonl: bool,
    /// Override the platform's maximum (e.g. a Mastodon instance's own limit).
    #[arg(long, value_name = "N")]
    max: Option<usize>,
    /// Reddit only: check as a title instead of a body.
    #[arg(long)]
    reddit_title: bool,
}

#[derive(Args)]
struct DataArgs {
    /// Data directory for the SQLite database and generated secrets [default: ./data].
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1].
    #[arg(long)]
    host: Option<String>,
    /// Port to listen on; 0 picks a free one [default: 5000].
    #[arg(long)]
    port: Option<u16>,
    #[command(flatten)]
    data: DataArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Text(TextCommand::Check(args)) => text_check(args),
        Command::Keys(KeysCommand::Generate) => {
            let key = letsgrow_crypto::generate_key_base64().map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{}", key.expose());
            Ok(())
        }
        Command::Keys(KeysCommand::Rotate(args)) => {
            let (config, db) = open_db(cli.config.as_deref(), args).await?;
            let secrets = letsgrow_config::load_or_create_secrets(&config)?;
            let keyring = letsgrow_app::keyring(&secrets)?;
            let (resealed, failed) = letsgrow_app::channels::rotate_keys(&db, &keyring).await?;
            println!(
                "re-encrypted {resealed} secret(s) under key {}; {failed} failed",
                keyring.active_key_id()
            );
            print_key_counts(&db).await?;
            if failed > 0 {
                anyhow::bail!(
                    "{failed} secret(s) could not be re-encrypted (see the log); keep their old keys configured"
                );
            }
            Ok(())
        }
        Command::Keys(KeysCommand::Status(args)) => {
            let (_, db) = open_db(cli.config.as_deref(), args).await?;
            print_key_counts(&db).await
        }
        Command::Bench(cmd) => bench::run(cli.config.as_deref(), cmd).await,
        Command::Tasks(cmd) => tasks::run(cli.config.as_deref(), cmd).await,
        Command::Openapi => {
            let doc = letsgrow_server::openapi_document();
            println!("{}", serde_json::to_string_pretty(&doc)?);
            Ok(())
        }
        Command::Migrate(args) => {
            let mut config = Config::load(cli.config.as_deref())?;
            if let Some(dir) = args.data_dir {
                config.server.data_dir = dir;
            }
            letsgrow_app::telemetry::init(&config.log);
            let db = connect(&config).await?;
            let applied = db.migrate().await.context("applying migrations")?;
            tracing::info!(applied, "migrations up to date");
            println!("applied {applied} migration(s); the database is up to date");
            Ok(())
        }
        Command::Worker(args) => {
            let mut config = Config::load(cli.config.as_deref())?;
            if let Some(dir) = args.data_dir {
                config.server.data_dir = dir;
            }
            worker(config).await
        }
        Command::Serve(args) => {
            let mut config = Config::load(cli.config.as_deref())?;
            if let Some(host) = args.host {
                config.server.host = host;
            }
            if let Some(port) = args.port {
                config.server.port = port;
            }
            if let Some(dir) = args.data.data_dir {
                config.server.data_dir = dir;
            }
            serve(config).await
        }
    }
}

fn text_check(args: TextCheckArgs) -> anyhow::Result<()> {
    use std::io::{BufRead, Read, Write};
    let opts = letsgrow_core::text::CheckOptions {
        max_override: args.max,
        reddit_field: if args.reddit_title {
            letsgrow_core::text::RedditField::Title
        } else {
            letsgrow_core::text::RedditField::Body
        },
        ..Default::default()
    };
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if args.jsonl {
        for (n, line) in stdin.lock().lines().enumerate() {
            let line = line.context("reading stdin")?;
            let text: String = serde_json::from_str(&line)
                .with_context(|| format!("line {}: expected one JSON string per line", n + 1))?;
            let result = letsgrow_core::text::check(args.platform, &text, &opts);
            serde_json::to_writer(&mut out, &result)?;
            out.write_all(b"\n")?;
        }
    } else {
        let mut text = String::new();
        stdin
            .lock()
            .read_to_string(&mut text)
            .context("stdin must be UTF-8 text")?;
        let result = letsgrow_core::text::check(args.platform, &text, &opts);
        serde_json::to_writer(&mut out, &result)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

async fn open_db(
    file: Option<&std::path::Path>,
    args: DataArgs,
) -> anyhow::Result<(Config, letsgrow_db::Db)> {
    let mut config = Config::load(file)?;
    if let Some(dir) = args.data_dir {
        config.server.data_dir = dir;
    }
    letsgrow_app::telemetry::init(&config.log);
    let db = connect(&config).await?;
    db.migrate().await.context("applying migrations")?;
    Ok((config, db))
}

async fn print_key_counts(db: &letsgrow_db::Db) -> anyhow::Result<()> {
    let counts = letsgrow_db::channels::secret_counts_by_key(db).await?;
    if counts.is_empty() {
        println!("no stored secrets");
    }
    for (key, n) in counts {
        println!("{key}: {n} secret(s)");
    }
    Ok(())
}

async fn connect(config: &Config) -> anyhow::Result<letsgrow_db::Db> {
    std::fs::create_dir_all(&config.server.data_dir).with_context(|| {
        format!(
            "creating the data directory {}",
            config.server.data_dir.display()
        )
    })?;
    letsgrow_db::Db::connect(
        config.database.url.as_ref().map(|u| u.expose()),
        &config.server.data_dir,
        config.database.max_connections,
    )
    .await
    .context("connecting to the database (database.url)")
}

async fn serve(config: Config) -> anyhow::Result<()> {
    letsgrow_app::telemetry::init(&config.log);
    let secrets = letsgrow_config::load_or_create_secrets(&config)?;
    let db = connect(&config).await?;
    let applied = db.migrate().await.context("applying migrations")?;
    if applied > 0 {
        tracing::info!(applied, "applied database migrations");
    }
    let addr = format!("{}:{}", config.server.host, config.server.port);
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .with_context(|| {
            format!("could not listen on {addr} (is another process using the port? try --port)")
        })?;
    let local = listener.local_addr()?;
    let backend = format!("{:?}", db.backend()).to_lowercase();
    let app = Arc::new(letsgrow_app::App::build(config, &secrets, db.clone()).await?);
    tracing::info!(%local, database = %backend, "LetsGrow is listening");
    println!("LetsGrow is listening on http://{local}");
    // One shutdown signal, seen by both the HTTP server and the workers.
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        letsgrow_app::shutdown_signal().await;
        let _ = stop_tx.send(true);
    });
    let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|v| *v).await;
    };
    let workers = if app.config.worker.enabled {
        let publisher = letsgrow_app::publisher::Publisher::new(app.publisher_deps());
        let tasks = Arc::new(app.task_runner());
        let jobs_wake = app.jobs_wake.clone();
        let (p, t) = (stopped(stop_rx.clone()), stopped(stop_rx.clone()));
        Some(tokio::spawn(async move {
            tokio::join!(publisher.run(p), tasks.run(jobs_wake, t));
        }))
    } else {
        tracing::info!("worker.enabled = false: this process serves the API only");
        None
    };
    letsgrow_server::serve(
        listener,
        letsgrow_server::server_state(app),
        stopped(stop_rx),
    )
    .await?;
    if let Some(w) = workers {
        let _ = w.await;
    }
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn worker(config: Config) -> anyhow::Result<()> {
    letsgrow_app::telemetry::init(&config.log);
    let secrets = letsgrow_config::load_or_create_secrets(&config)?;
    let db = connect(&config).await?;
    db.migrate().await.context("applying migrations")?;
    if db.backend() == letsgrow_db::Backend::Sqlite {
        tracing::warn!(
            "`letsgrow worker` on SQLite: run it instead of the workers in `serve` (worker.enabled = false there), never next to them"
        );
    }
    // The services only: a worker serves no HTTP.
    let app = letsgrow_app::App::build(config, &secrets, db.clone()).await?;
    println!("LetsGrow worker started");
    // One shutdown signal for the publisher and the task runner.
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        letsgrow_app::shutdown_signal().await;
        let _ = stop_tx.send(true);
    });
    let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|v| *v).await;
    };
    let tasks = Arc::new(app.task_runner());
    tokio::join!(
        letsgrow_app::publisher::Publisher::new(app.publisher_deps()).run(stopped(stop_rx.clone())),
        tasks.run(app.jobs_wake.clone(), stopped(stop_rx)),
    );
    db.close().await;
    Ok(())
}
