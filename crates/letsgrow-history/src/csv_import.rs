use std::io::Read;

use chrono::{DateTime, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use letsgrow_core::Metric;
use letsgrow_core::metrics::MetricSet;

use crate::model::{Collector, ImportError, ImportedPost, Report};

/// How the bytes of a CSV file are read as text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TextEncoding {
    /// UTF-8; a row with other bytes becomes a [`crate::RowError`].
    #[default]
    Utf8,
    /// ISO-8859-1: every byte is one character, so nothing fails. For old
    /// exports such as fivethirtyeight's tweet files, whose bytes are not
    /// UTF-8 (they keep whatever the exporter wrote).
    Latin1,
}

/// Which columns of a CSV file hold what.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvMapping {
    /// The column with the post's time.
    pub time_column: String,
    /// A `strftime` format for the time. `None` tries, in turn, RFC 3339,
    /// `%Y-%m-%d %H:%M:%S` and unix seconds (whole or with a fraction).
    pub time_format: Option<String>,
    /// The zone of times written without an offset. A time the clocks go
    /// back over (it happens twice) is taken as the earlier one; a time the
    /// clocks skip (it never happens) is an error row.
    pub zone: Tz,
    /// The column with the post's text.
    pub text_column: String,
    /// The column with the platform's id for the post, if any.
    pub id_column: Option<String>,
    /// The column with a link to the post, if any.
    pub url_column: Option<String>,
    /// Number columns and the metric each one is.
    pub metric_columns: Vec<(Metric, String)>,
    /// How the file's bytes are read.
    pub encoding: TextEncoding,
}

/// Guesses a mapping from a file's headers, for the import preview. `None`
/// when no time or no text column can be recognised (the user then picks).
/// Times are read with the automatic formats in UTC; the user can change both.
pub fn suggest_mapping<S: AsRef<str>>(headers: &[S]) -> Option<CsvMapping> {
    let find = |names: &[&str]| -> Option<String> {
        names.iter().find_map(|n| {
            headers
                .iter()
                .map(AsRef::as_ref)
                .find(|h| h.trim().eq_ignore_ascii_case(n))
                .map(str::to_owned)
        })
    };
    let time_column = find(&[
        "created_at",
        "created_utc",
        "created",
        "timestamp",
        "date",
        "time",
        "published",
        "posted_at",
        "post_time",
        "datetime",
    ])?;
    let text_column = find(&[
        "text",
        "full_text",
        "content",
        "body",
        "message",
        "title",
        "caption",
    ])?;
    let metric_names: &[(Metric, &[&str])] = &[
        (
            Metric::Likes,
            &[
                "likes",
                "like_count",
                "favorites",
                "favorite_count",
                "favourites_count",
                "score",
                "reactions",
            ],
        ),
        (
            Metric::Reposts,
            &[
                "retweets",
                "retweet_count",
                "reposts",
                "repost_count",
                "reblogs_count",
                "shares_count",
                "boosts",
            ],
        ),
        (
            Metric::Replies,
            &[
                "replies",
                "reply_count",
                "num_comments",
                "comments",
                "replies_count",
            ],
        ),
        (
            Metric::Views,
            &["views", "impressions", "impression_count", "view_count"],
        ),
        (Metric::Quotes, &["quotes", "quote_count"]),
        (
            Metric::Saves,
            &["saves", "saved", "bookmarks", "bookmark_count"],
        ),
        (
            Metric::Clicks,
            &["clicks", "link_clicks", "url_link_clicks"],
        ),
    ];
    let metric_columns = metric_names
        .iter()
        .filter_map(|(m, names)| find(names).map(|c| (*m, c)))
        .collect();
    Some(CsvMapping {
        time_column,
        time_format: None,
        zone: Tz::UTC,
        text_column,
        id_column: find(&["id", "id_str", "post_id", "tweet_id", "status_id"]),
        url_column: find(&["url", "link", "permalink", "post_url"]),
        metric_columns,
        encoding: TextEncoding::Utf8,
    })
}

/// Parses any CSV file with a header row using `mapping`, one row at a time.
/// `row` in a [`crate::RowError`] is the file line the row starts on (the
/// header is line 1).
pub fn parse_csv<R: Read>(reader: R, mapping: &CsvMapping) -> Result<Report, ImportError> {
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
    let headers: Vec<String> = rdr
        .byte_headers()
        .map_err(csv_err)?
        .iter()
        .map(|h| {
            decode(h, mapping.encoding).unwrap_or_else(|| String::from_utf8_lossy(h).into_owned())
        })
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_owned())
        .collect();
    let col = |name: &str| -> Result<usize, ImportError> {
        headers
            .iter()
            .position(|h| h == name.trim())
            .ok_or_else(|| ImportError::MissingColumn {
                missing: name.to_owned(),
                found: headers.clone(),
            })
    };
    let time_i = col(&mapping.time_column)?;
    let text_i = col(&mapping.text_column)?;
    let id_i = mapping.id_column.as_deref().map(col).transpose()?;
    let url_i = mapping.url_column.as_deref().map(col).transpose()?;
    let metric_i = mapping
        .metric_columns
        .iter()
        .map(|(m, c)| col(c).map(|i| (*m, i, c.as_str())))
        .collect::<Result<Vec<_>, _>>()?;

    let mut out = Collector::default();
    let mut record = csv::ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csv_err(e)),
        }
        let row = record.position().map_or(0, |p| p.line() as usize);
        let mut cell = |i: usize| -> Result<String, (Option<String>, String)> {
            let bytes = record.get(i).unwrap_or_default();
            decode(bytes, mapping.encoding).ok_or_else(|| {
                (
                    Some(headers[i].clone()),
                    format!(
                        "Row {row}, column \"{}\", has characters that are not UTF-8 text. Save the file as UTF-8 (or choose the Latin-1 encoding) and import it again.",
                        headers[i]
                    ),
                )
            })
        };
        let result = (|| {
            let time = cell(time_i)?;
            let created_at = parse_time(&time, mapping).map_err(|m| {
                (
                    Some(mapping.time_column.clone()),
                    format!("Row {row}, column \"{}\": {m}", mapping.time_column),
                )
            })?;
            let text = cell(text_i)?;
            let nonempty = |s: String| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
            let platform_id = id_i.map(&mut cell).transpose()?.and_then(nonempty);
            let url = url_i.map(&mut cell).transpose()?.and_then(nonempty);
            let mut metrics = MetricSet::new();
            for (metric, i, name) in &metric_i {
                let raw = cell(*i)?;
                if let Some(n) = parse_count(&raw).map_err(|()| {
                    (
                        Some((*name).to_owned()),
                        format!(
                            "Row {row}, column \"{name}\": \"{}\" is not a number. Fix the cell or leave it empty.",
                            raw.trim()
                        ),
                    )
                })? {
                    metrics.set(*metric, n);
                }
            }
            Ok(ImportedPost {
                platform_id,
                created_at,
                text,
                url,
                metrics,
                is_reply: false,
                is_repost: false,
            })
        })();
        match result {
            Ok(post) => out.push(row, post),
            Err((field, message)) => out.error(row, field.as_deref(), message),
        }
    }
    Ok(out.finish())
}

fn csv_err(e: csv::Error) -> ImportError {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => ImportError::Io(io),
        other => ImportError::Format(format!(
            "The file could not be read as CSV ({other:?}). Check that it is a comma-separated file with a header row."
        )),
    }
}

fn decode(bytes: &[u8], encoding: TextEncoding) -> Option<String> {
    match encoding {
        TextEncoding::Utf8 => std::str::from_utf8(bytes).ok().map(str::to_owned),
        TextEncoding::Latin1 => Some(bytes.iter().map(|b| char::from(*b)).collect()),
    }
}

/// An empty cell is `None` (not reported). Whole numbers, optionally with
/// thousands separators, and numbers like `5.0` are accepted.
fn parse_count(raw: &str) -> Result<Option<i64>, ()> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let s: String = s.chars().filter(|c| *c != ',' && *c != '_').collect();
    if let Ok(n) = s.parse::<i64>() {
        return Ok(Some(n));
    }
    match s.parse::<f64>() {
        Ok(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(Some(f as i64)),
        _ => Err(()),
    }
}

fn in_zone(naive: NaiveDateTime, zone: Tz) -> Result<DateTime<Utc>, String> {
    match zone.from_local_datetime(&naive) {
        LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(early, _) => Ok(early.with_timezone(&Utc)),
        LocalResult::None => Err(format!(
            "{naive} never happened in {} (the clocks skipped that hour). Check the time or the zone.",
            zone.name()
        )),
    }
}

fn parse_time(raw: &str, mapping: &CsvMapping) -> Result<DateTime<Utc>, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err("the time is empty. Fill it in or leave this row out.".into());
    }
    let bad = |hint: &str| {
        format!(
            "\"{s}\" is not a time in the expected form ({hint}). Fix the cell or change the time format."
        )
    };
    if let Some(fmt) = &mapping.time_format {
        if let Ok(t) = DateTime::parse_from_str(s, fmt) {
            return Ok(t.with_timezone(&Utc));
        }
        return match NaiveDateTime::parse_from_str(s, fmt) {
            Ok(n) => in_zone(n, mapping.zone),
            Err(_) => Err(bad(fmt)),
        };
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Ok(n) = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S") {
        return in_zone(n, mapping.zone);
    }
    if let Ok(f) = s.parse::<f64>()
        && f.is_finite()
        && let Some(t) = DateTime::from_timestamp(f.trunc() as i64, 0)
    {
        return Ok(t);
    }
    Err(bad("RFC 3339, YYYY-MM-DD HH:MM:SS or unix seconds"))
}
