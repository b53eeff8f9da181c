use std::io::Read;

use chrono::{DateTime, Utc};
use letsgrow_core::Metric;
use letsgrow_core::metrics::MetricSet;
use serde_json::Value;

use crate::model::{Collector, ImportError, ImportedPost, Report};

/// Parses a Mastodon archive's `outbox.json` (an ActivityStreams
/// `OrderedCollection`). `Create` of a `Note` becomes a post (HTML turned into
/// plain text); `Announce` (a boost) becomes a repost whose text is the
/// boosted post's URL. Other activities are ignored. Likes and boosts are
/// taken from `likes.totalItems` / `shares.totalItems` only where present.
///
/// `row` in a [`crate::RowError`] is the activity's 1-based position in
/// `orderedItems`.
pub fn parse_mastodon_outbox<R: Read>(reader: R) -> Result<Report, ImportError> {
    let doc: Value = serde_json::from_reader(std::io::BufReader::new(reader)).map_err(|e| {
        ImportError::Format(format!(
            "The outbox.json file is not valid JSON ({e}). Pick outbox.json from the Mastodon archive."
        ))
    })?;
    let items = doc.get("orderedItems").and_then(Value::as_array).ok_or_else(|| {
        ImportError::Format(
            "This does not look like a Mastodon outbox.json: it has no orderedItems list. Pick outbox.json from the archive.".into(),
        )
    })?;
    let mut out = Collector::default();
    for (i, item) in items.iter().enumerate() {
        let row = i + 1;
        let kind = item.get("type").and_then(Value::as_str).unwrap_or_default();
        let result = match kind {
            "Create" => create_post(item),
            "Announce" => announce_post(item),
            _ => continue,
        };
        match result {
            Ok(Some(post)) => out.push(row, post),
            Ok(None) => {}
            Err((field, message)) => out.error(row, Some(field), message),
        }
    }
    Ok(out.finish())
}

type Fail = (&'static str, String);

fn published(v: &Value) -> Result<DateTime<Utc>, Fail> {
    let raw = v.get("published").and_then(Value::as_str).ok_or((
        "published",
        "This entry has no publication time. Leave it out or fix the archive.".to_owned(),
    ))?;
    DateTime::parse_from_rfc3339(raw)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|_| {
            (
                "published",
                format!("The time \"{raw}\" is not a valid date and time. Fix it or leave this entry out."),
            )
        })
}

fn text_of(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str).map(str::to_owned)
}

fn create_post(item: &Value) -> Result<Option<ImportedPost>, Fail> {
    let Some(note) = item.get("object").filter(|o| o.is_object()) else {
        return Ok(None);
    };
    if note.get("type").and_then(Value::as_str) != Some("Note") {
        return Ok(None);
    }
    let created_at = published(note).or_else(|_| published(item))?;
    let total = |key: &str| note.get(key)?.get("totalItems")?.as_i64();
    let metrics = MetricSet::new()
        .with(Metric::Likes, total("likes"))
        .with(Metric::Reposts, total("shares"));
    Ok(Some(ImportedPost {
        platform_id: text_of(note.get("id")),
        created_at,
        text: html_to_text(
            note.get("content")
                .and_then(Value::as_str)
                .unwrap_or_default(),
        ),
        url: text_of(note.get("url")).or_else(|| text_of(note.get("id"))),
        metrics,
        is_reply: note.get("inReplyTo").is_some_and(|v| !v.is_null()),
        is_repost: false,
    }))
}

fn announce_post(item: &Value) -> Result<Option<ImportedPost>, Fail> {
    let created_at = published(item)?;
    let object = match item.get("object") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(o) => text_of(o.get("id")),
        None => None,
    };
    Ok(Some(ImportedPost {
        platform_id: text_of(item.get("id")),
        created_at,
        text: object.clone().unwrap_or_default(),
        url: object,
        metrics: MetricSet::new(),
        is_reply: false,
        is_repost: true,
    }))
}

/// Mastodon's post HTML as plain text: tags removed, `<br>` and paragraph
/// breaks as newlines, and the entities `&amp; &lt; &gt; &quot; &#39;`
/// (also `&apos;`, `&nbsp;` and numeric `&#NN;`/`&#xNN;`) decoded.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            let (inner, end) = match rest.find('>') {
                Some(e) => (&rest[1..e], e + 1),
                None => (&rest[1..], rest.len()),
            };
            let tag = inner.trim().to_ascii_lowercase();
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            if name == "br" {
                out.push('\n');
            } else if name == "p" && tag.starts_with('/') {
                out.push_str("\n\n");
            }
            rest = &rest[end..];
        } else if c == '&' {
            let end = rest
                .char_indices()
                .take(12)
                .find(|(_, ch)| *ch == ';')
                .map(|(e, _)| e);
            let decoded = end.and_then(|e| entity(&rest[1..e]).map(|ch| (ch, e + 1)));
            match decoded {
                Some((ch, len)) => {
                    out.push(ch);
                    rest = &rest[len..];
                }
                None => {
                    out.push('&');
                    rest = &rest[1..];
                }
            }
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out.trim_end().to_owned()
}

fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some('\u{a0}'),
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}
