//! Past posts from platform history exports, in one shape (issue 12).
//!
//! Pure: every parser reads only from the `Read` the caller passes and never
//! touches the network, a database or the clock. Whole-file problems (not
//! JSON, a missing column) are an [`ImportError`]; a problem with one entry is
//! a [`RowError`] in the [`Report`] and the other entries still import.
//!
//! Numbers follow [`letsgrow_core::metrics`]: a number the export does not
//! carry stays `None`, never 0.

mod csv_import;
mod mastodon;
mod model;
mod x_archive;

pub use csv_import::{CsvMapping, TextEncoding, parse_csv, suggest_mapping};
pub use mastodon::{html_to_text, parse_mastodon_outbox};
pub use model::{ImportError, ImportedPost, MAX_TEXT_CHARS, Report, RowError};
pub use x_archive::parse_x_archive;
