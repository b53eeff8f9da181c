//! Serves the X, LinkedIn, Reddit, Instagram and Threads fakes on 127.0.0.1
//! for browser tests: `letsgrow-fakes [--x PORT] [--linkedin PORT] [--reddit
//! PORT] [--instagram PORT] [--threads PORT]` (0, the default, picks a free
//! port). Prints one JSON line with the base URLs and the client credentials
//! (X's fake has its own), then runs until interrupted.

use anyhow::Context;
use std::net::SocketAddr;

fn port(args: &[String], name: &str) -> anyhow::Result<u16> {
    match args.iter().position(|a| a == name) {
        Some(i) => args
            .get(i + 1)
            .context(format!("{name} needs a port"))?
            .parse()
            .context(format!("{name}: not a port number")),
        None => Ok(0),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let at = |p: u16| SocketAddr::from(([127, 0, 0, 1], p));
    let li = letsgrow_fakes::linkedin::start_on(at(port(&args, "--linkedin")?)).await?;
    let rd = letsgrow_fakes::reddit::start_on(at(port(&args, "--reddit")?)).await?;
    let ig = letsgrow_fakes::instagram::start_on(at(port(&args, "--instagram")?)).await?;
    let th = letsgrow_fakes::threads::start_on(at(port(&args, "--threads")?)).await?;
    let x = letsgrow_fakes::x::start_on(at(port(&args, "--x")?)).await?;
    println!(
        "{}",
        serde_json::json!({
            "client_id": letsgrow_fakes::CLIENT_ID,
            "client_secret": letsgrow_fakes::CLIENT_SECRET,
            "linkedin": li.base_url, "reddit": rd.base_url,
            "instagram": ig.base_url, "threads": th.base_url,
            "x": x.base_url, "x_client_id": letsgrow_fakes::x::CLIENT_ID,
            "x_client_secret": letsgrow_fakes::x::CLIENT_SECRET,
        })
    );
    tokio::signal::ctrl_c().await?;
    Ok(())
}
