//! HTTP tests for the LetsGrow API: one integration binary, every test against a
//! real server bound to port 0, on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod analytics;
mod auth;
mod bad_input;
mod bluesky;
mod channels;
mod hardening;
mod oauth;
mod ops;
mod platforms;
mod posts;
mod queue_views;
mod ratelimit;
mod spec_peers;
mod tasks;
mod text;
mod tokens;
