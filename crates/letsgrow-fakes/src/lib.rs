//! Stateful local fakes of LinkedIn, Reddit, Instagram and Threads, for tests
//! and browser end-to-end runs only (no machine here reaches the real services).
//!
//! Each fake follows its platform's documented flow — OAuth authorization page
//! and token endpoint (with PKCE verification when a challenge was sent),
//! publishing and limit endpoints, the platform's own error bodies — and
//! refuses what the real API would refuse. Sources are cited in each module.
//!
//! Start one in-process on port 0: `let li = letsgrow_fakes::linkedin::start().await?;`
//! then point the provider's `api_base` and `auth_base` at `li.base_url`.
//! Test controls: `li.fake.force_rate_limit(n, reset_secs)`,
//! `li.fake.expire_access_tokens(user)`, `li.fake.revoke_user(user)`, or the
//! same over HTTP under `/__control/` (see [`common::control_routes`]).
//! The `letsgrow-fakes` binary serves all four on given ports. [`pds`] starts the
//! real Bluesky PDS peer as a child process.

// Handlers return `Result<_, Response>` so a refusal is the platform's own response.
#![allow(clippy::result_large_err)]

pub mod common;
pub mod instagram;
pub mod linkedin;
mod meta;
pub mod pds;
pub mod reddit;
pub mod threads;

pub use common::{CLIENT_ID, CLIENT_SECRET, FakeHandle};
pub use meta::{Container, Media, Meta, Status};
