//! `letsgrow tasks`: what the background task runner has queued, running,
//! failed and done, and retrying or cancelling a task by hand.

use clap::{Args, Subcommand};
use letsgrow_jobs::{Queue, Task, TaskState, Wake};

#[derive(Subcommand)]
pub enum TasksCommand {
    /// List tasks, newest first.
    List(ListArgs),
    /// Queue a failed or cancelled task again, with fresh attempts.
    Retry(IdArgs),
    /// Cancel a queued, running or failed task (a running one's result is dropped).
    Cancel(IdArgs),
    /// List the recurring schedules and when each runs next.
    Schedules(super::DataArgs),
}

#[derive(Args)]
pub struct ListArgs {
    /// Only tasks in this state: queued, running, done, failed or cancelled.
    #[arg(long)]
    state: Option<TaskState>,
    /// Only tasks of this kind (e.g. maintenance.prune).
    #[arg(long)]
    kind: Option<String>,
    /// At most this many.
    #[arg(long, default_value_t = 50)]
    limit: i64,
    /// One JSON object per line instead of a table.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    data: super::DataArgs,
}

#[derive(Args)]
pub struct IdArgs {
    /// The task's id (from `letsgrow tasks list`).
    id: String,
    #[command(flatten)]
    data: super::DataArgs,
}

fn when(ms: i64) -> String {
    letsgrow_core::time::rfc3339(ms)
}

fn json(t: &Task) -> serde_json::Value {
    serde_json::json!({
        "id": t.id,
        "kind": t.kind,
        "state": t.state,
        "dedupe_key": t.dedupe_key,
        "run_at": when(t.run_at),
        "attempts": t.attempts,
        "max_attempts": t.max_attempts,
        "last_error": t.last_error,
        "user_id": t.user_id,
        "created_at": when(t.created_at),
        "finished_at": t.finished_at.map(when),
    })
}

fn line(t: &Task) -> String {
    format!(
        "{}  {:<24} {:<9} try {}/{}  due {}{}",
        t.id,
        t.kind,
        t.state,
        t.attempts,
        t.max_attempts,
        when(t.run_at),
        t.last_error
            .as_deref()
            .map(|e| format!("  last error: {e}"))
            .unwrap_or_default()
    )
}

pub async fn run(config_file: Option<&std::path::Path>, cmd: TasksCommand) -> anyhow::Result<()> {
    let data = match &cmd {
        TasksCommand::List(a) => a.data.data_dir.clone(),
        TasksCommand::Retry(a) | TasksCommand::Cancel(a) => a.data.data_dir.clone(),
        TasksCommand::Schedules(a) => a.data_dir.clone(),
    };
    let (_, db) = super::open_db(config_file, super::DataArgs { data_dir: data }).await?;
    let queue = Queue::new(db.clone(), Wake::default());
    let result = match cmd {
        TasksCommand::List(a) => {
            let tasks = queue.list(a.state, a.kind.as_deref(), a.limit).await?;
            if a.json {
                for t in &tasks {
                    println!("{}", json(t));
                }
            } else if tasks.is_empty() {
                println!("no tasks match");
            } else {
                for t in &tasks {
                    println!("{}", line(t));
                }
            }
            Ok(())
        }
        TasksCommand::Retry(a) => {
            let t = queue.retry(&a.id).await?;
            println!("queued again: {}", line(&t));
            Ok(())
        }
        TasksCommand::Cancel(a) => {
            let t = queue.cancel(&a.id).await?;
            println!("cancelled: {}", line(&t));
            Ok(())
        }
        TasksCommand::Schedules(_) => {
            let rows = queue.schedules().await?;
            if rows.is_empty() {
                println!(
                    "no schedules yet (they are stored when `serve` or `worker` first starts)"
                );
            }
            for s in rows {
                println!(
                    "{:<24} {:<24} {} ({})  next {}",
                    s.name,
                    s.kind,
                    s.spec,
                    s.zone,
                    when(s.next_run_at)
                );
            }
            Ok(())
        }
    };
    db.close().await;
    result
}
