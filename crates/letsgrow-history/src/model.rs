use std::collections::HashSet;

use chrono::{DateTime, Utc};
use letsgrow_core::metrics::MetricSet;

/// The longest post text imported, in characters (the same cap as posts).
pub const MAX_TEXT_CHARS: usize = 100_000;

/// One past post, whatever export it came from.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ImportedPost {
    /// The platform's own id for the post, when the export has one.
    pub platform_id: Option<String>,
    /// When the post was published, in UTC.
    pub created_at: DateTime<Utc>,
    /// The post's text as plain text (HTML already stripped).
    pub text: String,
    /// A link to the post, when known.
    pub url: Option<String>,
    /// The numbers the export carried; absent ones stay `None`.
    pub metrics: MetricSet,
    /// The post answers another post.
    pub is_reply: bool,
    /// The post is a repost (retweet, boost) of someone else's post.
    pub is_repost: bool,
}

impl ImportedPost {
    /// The key that recognises the same post on a re-import.
    ///
    /// `id:<platform id>` when the export has the platform's id. Otherwise
    /// `h:<16 hex digits>`: a 64-bit FNV-1a hash (stable across builds and
    /// Rust versions, so keys stored earlier still match) of the creation time
    /// in whole UTC seconds (`%Y-%m-%dT%H:%M:%SZ`), a newline, and the text
    /// with surrounding whitespace trimmed and every run of whitespace turned
    /// into one space.
    pub fn dedupe_key(&self) -> String {
        match &self.platform_id {
            Some(id) => format!("id:{id}"),
            None => {
                let mut h = Fnv::new();
                h.write(
                    self.created_at
                        .format("%Y-%m-%dT%H:%M:%SZ")
                        .to_string()
                        .as_bytes(),
                );
                h.write(b"\n");
                let mut first = true;
                for word in self.text.split_whitespace() {
                    if !first {
                        h.write(b" ");
                    }
                    first = false;
                    h.write(word.as_bytes());
                }
                format!("h:{:016x}", h.0)
            }
        }
    }
}

struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// One entry that could not be imported.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowError {
    /// Where the entry is, 1-based as the user sees it: the line for a CSV
    /// file (the header is line 1), the entry's position for a JSON export.
    pub row: usize,
    /// The column or field at fault, when one is.
    pub field: Option<String>,
    /// What is wrong and what to do, in plain words.
    pub message: String,
}

/// What one file gave.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Report {
    /// The posts, in file order, each once.
    pub posts: Vec<ImportedPost>,
    /// The entries that could not be imported.
    pub errors: Vec<RowError>,
    /// Entries left out because an earlier entry of the same file had the same
    /// [`ImportedPost::dedupe_key`].
    pub skipped_duplicates: usize,
}

/// The file as a whole could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file could not be read: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Format(String),
    #[error(
        "the file has no column named \"{missing}\"; the columns found are: {}. Choose the right column in the mapping.",
        found.join(", ")
    )]
    MissingColumn { missing: String, found: Vec<String> },
}

/// Builds a [`Report`], dropping repeated posts and too-long texts.
#[derive(Default)]
pub(crate) struct Collector {
    report: Report,
    seen: HashSet<String>,
}

impl Collector {
    pub(crate) fn push(&mut self, row: usize, post: ImportedPost) {
        let chars = post.text.chars().count();
        if chars > MAX_TEXT_CHARS {
            self.error(
                row,
                None,
                format!(
                    "The text is {chars} characters long; posts can be at most {MAX_TEXT_CHARS}. Shorten it or leave this entry out."
                ),
            );
            return;
        }
        if self.seen.insert(post.dedupe_key()) {
            self.report.posts.push(post);
        } else {
            self.report.skipped_duplicates += 1;
        }
    }

    pub(crate) fn error(&mut self, row: usize, field: Option<&str>, message: String) {
        self.report.errors.push(RowError {
            row,
            field: field.map(str::to_owned),
            message,
        });
    }

    pub(crate) fn finish(self) -> Report {
        self.report
    }
}
