//! Domain types and pure rules shared by every other crate.
//!
//! Invariant: nothing in this crate performs IO (no network, no database, no
//! file system, no clock reads except where a caller passes `now`).

pub mod codes;
pub mod csv_posts;
pub mod metrics;
pub mod notification;
pub mod platform;
pub mod recurrence;
pub mod schedule;
pub mod text;
pub mod time;
pub mod validate;

pub use codes::{ChannelStatus, ConnectFailure, FailureCode, Metric, TargetState};
pub use platform::Platform;
