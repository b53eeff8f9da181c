//! Stateful local fakes of X, LinkedIn, Reddit, Instagram and Threads, and
//! launchers for the real peers (Bluesky PDS, mastodon-mock, Prism validating
//! against the X and Mastodon specs), for tests and browser end-to-end runs
//! only (no machine here reaches the real services).
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
//! The `letsgrow-fakes` binary serves the five fakes on given ports. [`pds`] and
//! [`mastodon`] start the real Bluesky PDS and mastodon-mock as child
//! processes; [`contract`] puts Prism in front of a peer so that every request
//! is checked against the platform's OpenAPI spec. The X fake is [`x`]; its
//! client credentials are [`x::CLIENT_ID`] and [`x::CLIENT_SECRET`].

// Handlers return `Result<_, Response>` so a refusal is the platform's own response.
#![allow(clippy::result_large_err)]

pub mod common;
pub mod contract;
pub mod instagram;
pub mod linkedin;
pub mod mastodon;
mod meta;
pub mod pds;
pub mod reddit;
pub mod threads;
pub mod x;

pub use common::{CLIENT_ID, CLIENT_SECRET, FakeHandle};
pub use meta::{Container, Media, Meta, Status};
