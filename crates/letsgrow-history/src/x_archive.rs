use std::io::Read;

use chrono::{DateTime, Utc};
use letsgrow_core::Platform;
use letsgrow_core::metrics::{MetricSet, metric_for};
use serde_json::Value;

use crate::model::{Collector, ImportError, ImportedPost, Report};

/// Parses an X archive's `data/tweets.js` (also `tweet.js`,
/// `tweets-part1.js`): a `window.YTD.<key>.part<N> = ` prefix, then a JSON
/// array of `{"tweet": {...}}` (older archives: the tweet object directly).
/// A file that is already plain JSON (no prefix) is read too.
///
/// `row` in a [`crate::RowError`] is the tweet's 1-based position in the array.
pub fn parse_x_archive<R: Read>(mut reader: R) -> Result<Report, ImportError> {
    let mut raw = String::new();
    reader.read_to_string(&mut raw).map_err(|e| {
        if e.kind() == std::io::ErrorKind::InvalidData {
            ImportError::Format(
                "The archive file is not UTF-8 text. Use the tweets.js file exactly as it came out of the X archive.".into(),
            )
        } else {
            ImportError::Io(e)
        }
    })?;
    let body = match raw.find('[') {
        Some(at) if raw[..at].trim().is_empty() || raw[..at].contains('=') => &raw[at..],
        _ => {
            return Err(ImportError::Format(
                "This does not look like an X archive's tweets.js: no list of tweets was found. Pick data/tweets.js from the archive.".into(),
            ));
        }
    };
    let entries: Vec<Value> = serde_json::from_str(body).map_err(|e| {
        ImportError::Format(format!(
            "The tweets.js file is damaged ({e}). Download the archive again and pick data/tweets.js."
        ))
    })?;
    drop(raw);
    let mut out = Collector::default();
    for (i, entry) in entries.iter().enumerate() {
        let row = i + 1;
        let tweet = entry.get("tweet").unwrap_or(entry);
        match tweet_post(tweet) {
            Ok(post) => out.push(row, post),
            Err((field, message)) => out.error(row, Some(field), message),
        }
    }
    Ok(out.finish())
}

fn str_or_num(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn tweet_post(t: &Value) -> Result<ImportedPost, (&'static str, String)> {
    let id = str_or_num(t.get("id_str")).or_else(|| str_or_num(t.get("id")));
    let text = t
        .get("full_text")
        .or_else(|| t.get("text"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let created = t.get("created_at").and_then(Value::as_str).ok_or((
        "created_at",
        "This tweet has no creation time (created_at). Leave it out or fix the archive.".to_owned(),
    ))?;
    let created_at = DateTime::parse_from_str(created, "%a %b %d %H:%M:%S %z %Y")
        .map_err(|_| {
            (
                "created_at",
                format!(
                    "The creation time \"{created}\" is not in the archive's usual form (like \"Wed Aug 29 20:21:02 +0000 2018\"). Fix it or leave this tweet out."
                ),
            )
        })?
        .with_timezone(&Utc);
    let mut metrics = MetricSet::new();
    for field in ["favorite_count", "retweet_count"] {
        let Some(raw) = str_or_num(t.get(field)) else {
            continue;
        };
        let n: i64 = raw.trim().parse().map_err(|_| {
            (
                field,
                format!(
                    "The {field} \"{raw}\" is not a whole number. Fix it or leave this tweet out."
                ),
            )
        })?;
        if let Some(m) = metric_for(Platform::X, field) {
            metrics.set(m, n);
        }
    }
    let is_reply = t
        .get("in_reply_to_status_id_str")
        .or_else(|| t.get("in_reply_to_status_id"))
        .is_some_and(|v| !v.is_null() && v.as_str() != Some(""));
    Ok(ImportedPost {
        url: id
            .as_ref()
            .map(|id| format!("https://x.com/i/web/status/{id}")),
        platform_id: id,
        created_at,
        is_repost: text.starts_with("RT @"),
        text,
        metrics,
        is_reply,
    })
}
