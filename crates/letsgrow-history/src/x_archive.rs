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
pub fn parse_x_archive<R: Read>(reader: R) -> Result<Report, ImportError> {
    use serde::de::Deserializer as _;
    let mut reader = std::io::BufReader::new(reader);
    // Skip the `window.YTD.… = ` prefix without keeping it; the array is then
    // read one tweet at a time, so the file is never held in memory whole.
    let mut prefix = Vec::new();
    loop {
        let mut byte = [0u8; 1];
        if reader.read(&mut byte)? == 0 || prefix.len() > 4096 {
            return Err(not_archive());
        }
        if byte[0] == b'[' {
            break;
        }
        prefix.push(byte[0]);
    }
    let prefix = String::from_utf8_lossy(&prefix);
    if !(prefix.trim().is_empty() || prefix.contains('=')) {
        return Err(not_archive());
    }
    let rest = std::io::Read::chain(&b"["[..], reader);
    let mut de = serde_json::Deserializer::from_reader(rest);
    let mut out = Collector::default();
    de.deserialize_seq(Tweets(&mut out)).map_err(|e| {
        ImportError::Format(format!(
            "The tweets.js file is damaged ({e}). Download the archive again and pick data/tweets.js."
        ))
    })?;
    Ok(out.finish())
}

fn not_archive() -> ImportError {
    ImportError::Format(
        "This does not look like an X archive's tweets.js: no list of tweets was found. Pick data/tweets.js from the archive.".into(),
    )
}

struct Tweets<'a>(&'a mut Collector);

impl<'de> serde::de::Visitor<'de> for Tweets<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of tweets")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut row = 0;
        while let Some(entry) = seq.next_element::<Value>()? {
            row += 1;
            let tweet = entry.get("tweet").unwrap_or(&entry);
            match tweet_post(tweet) {
                Ok(post) => self.0.push(row, post),
                Err((field, message)) => self.0.error(row, Some(field), message),
            }
        }
        Ok(())
    }
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
