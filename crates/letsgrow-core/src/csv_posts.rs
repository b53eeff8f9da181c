//! The post CSV format for bulk import ([`parse`]) and export ([`write()`]).
//!
//! # Format
//! A header row, then one post per row. Column names are matched trimmed and
//! case-insensitively, in any order; an unknown column is a file error.
//!
//! | column         | required | meaning |
//! |----------------|----------|---------|
//! | `channel`      | yes      | channel id or name, trimmed; the caller resolves it |
//! | `text`         | yes      | post text, kept as written (quote it for commas and newlines); blank is an error |
//! | `scheduled_at` | yes      | RFC 3339 with an offset (`2026-12-01T10:00:00+01:00`), or a local `YYYY-MM-DD HH:MM[:SS]` (`T` or a space between) read in `timezone` |
//! | `timezone`     | no       | IANA zone for a local `scheduled_at`; the caller's default zone when empty |
//! | `media_url`    | no       | absolute `http(s)` URL, or `/api/v1/media/<id>` |
//! | `alt_text`     | no       | alt text for the media, trimmed |
//! | `thread_id`    | no       | rows sharing it form one thread |
//! | `thread_order` | with `thread_id` | position in the thread, a whole number from 1 |
//!
//! Local times follow [`crate::schedule`]'s DST rule (a time in a gap moves
//! forward by the gap, an ambiguous one takes its first occurrence); each row
//! keeps its [`Resolution`] and [`CsvPostRow::dst_note`] words it for a report.
//!
//! A thread is all or nothing: its rows must use one channel, one instant and
//! distinct `thread_order`s, and when any of its rows has an error every other
//! row of it gets an `invalid_thread` error too, so a thread is never imported
//! with a part missing.
//!
//! Input is UTF-8, with or without a byte-order mark; CRLF, LF and CR line
//! ends all work. Rows whose cells are all empty are skipped but still counted,
//! so [`CsvRowError::row`] is the row number a spreadsheet shows (a quoted
//! cell with line breaks is one row).
//!
//! # Export and formula injection
//! [`write()`] produces the same columns, `scheduled_at` in UTC as
//! `2026-12-01T09:00:00Z`, CRLF line ends, no byte-order mark. A spreadsheet
//! runs a cell that begins with `=`, `+`, `-` or `@` (or a tab or carriage
//! return) as a formula, so such cells get a `'` in front. `scheduled_at`
//! and `thread_order` are never prefixed: they are not user text. The prefix
//! is one-way: [`parse`] keeps it, so the text `=1+1` exported and imported
//! again comes back as `'=1+1` (and a channel `@news` as `'@news`). Everything
//! else round-trips, except that `channel`, `timezone`, `media_url`,
//! `alt_text` and `thread_id` are trimmed on import and times are written to
//! the second.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use crate::schedule::{Resolution, resolve_local};
use crate::text::is_blank;

mod scan;
mod threads;

use scan::{blank_lines_before, unclosed_quote_line};
use threads::check_threads;

/// The columns, in the order [`write()`] emits them.
const COLUMNS: [&str; 8] = [
    "channel",
    "text",
    "scheduled_at",
    "timezone",
    "media_url",
    "alt_text",
    "thread_id",
    "thread_order",
];
const REQUIRED: [&str; 3] = ["channel", "text", "scheduled_at"];
const LOCAL_FORMATS: [&str; 4] = [
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
];
const MAX_URL_CHARS: usize = 2048;

/// One post read from a valid row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CsvPostRow {
    /// The spreadsheet row number: the header is row 1, the first data row is row 2.
    pub row: usize,
    pub channel: String,
    pub text: String,
    pub scheduled_at: DateTime<Utc>,
    /// Some when the time was local (how it resolved, incl. DST gap/overlap); None for RFC 3339 input.
    pub resolution: Option<Resolution>,
    /// The zone the local time was read in (row's or default). For RFC 3339
    /// input, the row's `timezone` cell if it has one (kept as the post's
    /// zone, so exports round-trip), else None.
    pub timezone: Option<String>,
    pub media_url: Option<String>,
    pub alt_text: Option<String>,
    pub thread_id: Option<String>,
    pub thread_order: Option<u32>,
}

/// A problem with one row. A row can have several; it is then left out of
/// [`ParsedCsv::rows`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CsvRowError {
    /// Spreadsheet row number, as in [`CsvPostRow::row`].
    pub row: usize,
    /// The column at fault, None when it is the row as a whole.
    pub field: Option<&'static str>,
    /// Stable snake_case code: `missing_field`, `invalid_time`,
    /// `unknown_timezone`, `invalid_url`, `invalid_thread`,
    /// `wrong_field_count` or `empty_text`.
    pub code: &'static str,
    /// A sentence for people that names the offending value.
    pub message: String,
}

impl std::fmt::Display for CsvRowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "row {}: {}", self.row, self.message)
    }
}

/// A problem with the file as a whole; nothing is imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CsvFileError {
    #[error("the file is not UTF-8 text; save it as \"CSV UTF-8\" and try again")]
    NotUtf8,
    #[error("the header row lacks the required column(s) {}", .0.join(", "))]
    MissingColumns(Vec<&'static str>),
    #[error(
        "unknown column(s) {}; the columns are {}",
        quoted_list(.0),
        COLUMNS.join(", ")
    )]
    UnknownColumns(Vec<String>),
    #[error("the file has more than {max} posts; split it into files of at most {max}")]
    TooManyRows { max: usize },
    #[error("the file has no posts: it needs a header row and at least one post row")]
    Empty,
    #[error("{0}")]
    Malformed(String),
}

/// The outcome of [`parse`]: the valid rows and the errors of the others,
/// both in file order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParsedCsv {
    pub rows: Vec<CsvPostRow>,
    pub errors: Vec<CsvRowError>,
}

/// One post to export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CsvExportRow {
    pub channel: String,
    pub text: String,
    pub scheduled_at: DateTime<Utc>,
    pub timezone: Option<String>,
    pub media_url: Option<String>,
    pub alt_text: Option<String>,
    pub thread_id: Option<String>,
    pub thread_order: Option<u32>,
}

impl From<&CsvPostRow> for CsvExportRow {
    fn from(r: &CsvPostRow) -> Self {
        CsvExportRow {
            channel: r.channel.clone(),
            text: r.text.clone(),
            scheduled_at: r.scheduled_at,
            timezone: r.timezone.clone(),
            media_url: r.media_url.clone(),
            alt_text: r.alt_text.clone(),
            thread_id: r.thread_id.clone(),
            thread_order: r.thread_order,
        }
    }
}

impl CsvPostRow {
    /// A sentence for an import report when the local time fell in a DST gap
    /// or overlap, e.g. "02:30 does not exist on 2026-03-29 in Europe/Berlin;
    /// scheduled at 03:30". None for exact and RFC 3339 times.
    pub fn dst_note(&self) -> Option<String> {
        let tz: Tz = self.timezone.as_deref()?.parse().ok()?;
        match self.resolution? {
            Resolution::Exact { .. } => None,
            Resolution::Gap {
                utc,
                shifted_by_minutes,
            } => {
                let after = utc.with_timezone(&tz);
                let asked = after.naive_local() - chrono::Duration::minutes(shifted_by_minutes);
                Some(format!(
                    "{} does not exist on {} in {}; scheduled at {}",
                    asked.format("%H:%M"),
                    asked.format("%Y-%m-%d"),
                    tz.name(),
                    after.format("%H:%M"),
                ))
            }
            Resolution::Overlap { utc, later } => {
                let first = utc.with_timezone(&tz);
                Some(format!(
                    "{} happens twice on {} in {}; scheduled at the first ({}), not the second ({})",
                    first.format("%H:%M"),
                    first.format("%Y-%m-%d"),
                    tz.name(),
                    first.format("%H:%M %Z"),
                    later.with_timezone(&tz).format("%H:%M %Z"),
                ))
            }
        }
    }
}

/// Parses the whole file. File-level problems are Err; row problems are collected (a row with an error is not in `rows`).
pub fn parse(input: &[u8], default_tz: Tz, max_rows: usize) -> Result<ParsedCsv, CsvFileError> {
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let text = std::str::from_utf8(input).map_err(|_| CsvFileError::NotUtf8)?;
    if let Some(line) = unclosed_quote_line(text.as_bytes()) {
        return Err(CsvFileError::Malformed(format!(
            "a quoted cell that starts on line {line} is never closed (a \" is missing), \
             so the rest of the file would be read as one cell"
        )));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut row = 0;
    let mut columns: Option<Columns> = None;
    let mut data_rows = 0;
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut failed_threads: HashMap<String, Vec<usize>> = HashMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| CsvFileError::Malformed(e.to_string()))?;
        let start = record
            .position()
            .and_then(|p| usize::try_from(p.byte()).ok())
            .unwrap_or(0);
        row += 1 + blank_lines_before(text.as_bytes(), start);
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let Some(cols) = &columns else {
            columns = Some(Columns::from_header(&record)?);
            continue;
        };
        data_rows += 1;
        if data_rows > max_rows {
            return Err(CsvFileError::TooManyRows { max: max_rows });
        }
        if record.len() != cols.width {
            errors.push(CsvRowError {
                row,
                field: None,
                code: "wrong_field_count",
                message: format!(
                    "the row has {} cells but the header has {}",
                    record.len(),
                    cols.width
                ),
            });
            continue;
        }
        match parse_row(row, &record, cols, default_tz, &mut errors) {
            Some(post) => rows.push(post),
            None => {
                let thread = cols.cell(&record, THREAD_ID).trim();
                if !thread.is_empty() {
                    failed_threads
                        .entry(thread.to_owned())
                        .or_default()
                        .push(row);
                }
            }
        }
    }
    if data_rows == 0 {
        return Err(CsvFileError::Empty);
    }
    let rows = check_threads(rows, failed_threads, &mut errors);
    errors.sort_by_key(|e| e.row);
    Ok(ParsedCsv { rows, errors })
}

/// Writes the same columns (header: channel,text,scheduled_at,timezone,media_url,alt_text,thread_id,thread_order); scheduled_at as RFC 3339 UTC with `Z` and seconds.
/// Cells of user text that begin with `=`, `+`, `-`, `@`, tab or CR get a `'`
/// in front (see the module docs); the file always ends with CRLF.
pub fn write(rows: &[CsvExportRow]) -> String {
    let mut out = COLUMNS.join(",");
    out.push_str("\r\n");
    for r in rows {
        let at = rfc3339(r.scheduled_at);
        let order = r.thread_order.map(|o| o.to_string()).unwrap_or_default();
        let cells = [
            &r.channel,
            &r.text,
            &at,
            r.timezone.as_deref().unwrap_or(""),
            r.media_url.as_deref().unwrap_or(""),
            r.alt_text.as_deref().unwrap_or(""),
            r.thread_id.as_deref().unwrap_or(""),
            &order,
        ];
        for (k, cell) in cells.into_iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            push_cell(&mut out, cell, k != SCHEDULED_AT && k != THREAD_ORDER);
        }
        out.push_str("\r\n");
    }
    out
}

fn push_cell(out: &mut String, value: &str, user_text: bool) {
    let defuse = user_text && value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = value.contains([',', '"', '\r', '\n'])
        || value.starts_with(char::is_whitespace)
        || value.ends_with(char::is_whitespace);
    if quote {
        out.push('"');
    }
    if defuse {
        out.push('\'');
    }
    out.push_str(&value.replace('"', "\"\""));
    if quote {
        out.push('"');
    }
}

// Indexes into COLUMNS.
const CHANNEL: usize = 0;
const TEXT: usize = 1;
const SCHEDULED_AT: usize = 2;
const TIMEZONE: usize = 3;
const MEDIA_URL: usize = 4;
const ALT_TEXT: usize = 5;
const THREAD_ID: usize = 6;
const THREAD_ORDER: usize = 7;

/// Where each known column sits in the file.
struct Columns {
    index: [Option<usize>; COLUMNS.len()],
    width: usize,
}

impl Columns {
    fn from_header(header: &csv::StringRecord) -> Result<Columns, CsvFileError> {
        let mut index = [None; COLUMNS.len()];
        let mut unknown = Vec::new();
        for (i, raw) in header.iter().enumerate() {
            let name = raw.trim().to_lowercase();
            match COLUMNS.iter().position(|c| *c == name) {
                Some(k) if index[k].is_some() => {
                    return Err(CsvFileError::Malformed(format!(
                        "the column \"{name}\" appears more than once in the header row"
                    )));
                }
                Some(k) => index[k] = Some(i),
                None => unknown.push(raw.trim().to_owned()),
            }
        }
        if !unknown.is_empty() {
            return Err(CsvFileError::UnknownColumns(unknown));
        }
        let missing: Vec<&'static str> = REQUIRED
            .into_iter()
            .filter(|r| {
                COLUMNS
                    .iter()
                    .position(|c| c == r)
                    .and_then(|k| index[k])
                    .is_none()
            })
            .collect();
        if !missing.is_empty() {
            return Err(CsvFileError::MissingColumns(missing));
        }
        Ok(Columns {
            index,
            width: header.len(),
        })
    }

    /// The raw cell of column `k`, or "" when the file has no such column.
    fn cell<'r>(&self, record: &'r csv::StringRecord, k: usize) -> &'r str {
        self.index[k].and_then(|i| record.get(i)).unwrap_or("")
    }

    /// The trimmed cell, None when empty.
    fn opt<'r>(&self, record: &'r csv::StringRecord, k: usize) -> Option<&'r str> {
        Some(self.cell(record, k).trim()).filter(|s| !s.is_empty())
    }
}

/// Checks one row on its own; pushes its errors and returns the post when
/// the row had none.
fn parse_row(
    row: usize,
    record: &csv::StringRecord,
    cols: &Columns,
    default_tz: Tz,
    errors: &mut Vec<CsvRowError>,
) -> Option<CsvPostRow> {
    let before = errors.len();
    let mut fail = |field: usize, code: &'static str, message: String| {
        errors.push(CsvRowError {
            row,
            field: Some(COLUMNS[field]),
            code,
            message,
        });
    };

    let channel = cols.opt(record, CHANNEL);
    if channel.is_none() {
        fail(CHANNEL, "missing_field", "channel is empty".into());
    }
    let text = cols.cell(record, TEXT);
    if is_blank(text) {
        fail(TEXT, "empty_text", "text is empty".into());
    }

    // Ok(None): no zone in the row; Err: a zone we do not know.
    let row_tz = match cols.opt(record, TIMEZONE) {
        None => Ok(None),
        Some(name) => name.parse::<Tz>().map(Some).map_err(|_| {
            fail(
                TIMEZONE,
                "unknown_timezone",
                format!("timezone \"{name}\" is not an IANA time zone name such as Europe/Berlin"),
            );
        }),
    };
    let when = match cols.opt(record, SCHEDULED_AT) {
        None => {
            fail(
                SCHEDULED_AT,
                "missing_field",
                "scheduled_at is empty".into(),
            );
            None
        }
        Some(raw) => match parse_when(raw) {
            Some(when) => Some(when),
            None => {
                fail(
                    SCHEDULED_AT,
                    "invalid_time",
                    format!(
                        "scheduled_at \"{raw}\" is not RFC 3339 or a local date-time (YYYY-MM-DD HH:MM)"
                    ),
                );
                None
            }
        },
    };
    let time = match (when, row_tz) {
        (Some(When::Instant(at)), Ok(tz)) => Some((at, None, tz)),
        (Some(When::Local(local)), Ok(tz)) => {
            let tz = tz.unwrap_or(default_tz);
            let resolution = resolve_local(local, tz);
            Some((resolution.utc(), Some(resolution), Some(tz)))
        }
        _ => None,
    };

    let media_url = cols.opt(record, MEDIA_URL);
    // A path into this server's media library (what the export writes) or an absolute URL.
    if let Some(url) = media_url.filter(|u| !is_http_url(u) && !u.starts_with("/api/v1/media/")) {
        fail(
            MEDIA_URL,
            "invalid_url",
            format!(
                "media_url \"{url}\" is not an absolute http:// or https:// URL or a /api/v1/media/ path"
            ),
        );
    }

    let thread_id = cols.opt(record, THREAD_ID);
    let thread_order = match cols.opt(record, THREAD_ORDER) {
        None => {
            if let Some(id) = thread_id {
                fail(
                    THREAD_ORDER,
                    "missing_field",
                    format!("thread_order is empty but thread_id is \"{id}\""),
                );
            }
            None
        }
        Some(raw) => match raw.parse::<u32>() {
            Ok(n) if n >= 1 && raw.bytes().all(|b| b.is_ascii_digit()) => {
                if thread_id.is_none() {
                    fail(
                        THREAD_ORDER,
                        "invalid_thread",
                        format!("thread_order \"{raw}\" is set but thread_id is empty"),
                    );
                }
                Some(n)
            }
            _ => {
                fail(
                    THREAD_ORDER,
                    "invalid_thread",
                    format!("thread_order \"{raw}\" is not a whole number from 1 up"),
                );
                None
            }
        },
    };

    if errors.len() != before {
        return None;
    }
    let (scheduled_at, resolution, tz) = time?;
    Some(CsvPostRow {
        row,
        channel: channel?.to_owned(),
        text: text.to_owned(),
        scheduled_at,
        resolution,
        timezone: tz.map(|tz| tz.name().to_owned()),
        media_url: media_url.map(str::to_owned),
        alt_text: cols.opt(record, ALT_TEXT).map(str::to_owned),
        thread_id: thread_id.map(str::to_owned),
        thread_order,
    })
}

enum When {
    Instant(DateTime<Utc>),
    Local(NaiveDateTime),
}

fn parse_when(raw: &str) -> Option<When> {
    if let Ok(at) = DateTime::parse_from_rfc3339(raw) {
        return Some(When::Instant(at.with_timezone(&Utc)));
    }
    LOCAL_FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(raw, f).ok())
        .map(When::Local)
}

/// `http://` or `https://`, a host of letters, digits, `-` and `.` (or a
/// bracketed IPv6 address), an optional port, then no spaces or control
/// characters. User info (`user:pass@`) is refused.
fn is_http_url(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return false;
    };
    if url.chars().count() > MAX_URL_CHARS
        || url.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return false;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let (host_ok, port) = match authority.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((addr, port)) => (addr.parse::<std::net::Ipv6Addr>().is_ok(), port),
            None => return false,
        },
        None => {
            let (host, port) = authority.split_at(authority.find(':').unwrap_or(authority.len()));
            let labels_ok = host.split('.').all(|label| {
                !label.is_empty()
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
            (labels_ok, port)
        }
    };
    // `port` is "" or ":<number>".
    let port_ok = port.is_empty()
        || port.strip_prefix(':').is_some_and(|p| {
            !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u16>().is_ok()
        });
    port_ok && host_ok
}

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn quoted_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests;
