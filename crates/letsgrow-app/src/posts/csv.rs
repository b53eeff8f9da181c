//! Bulk import and export of posts as CSV (format: `letsgrow_core::csv_posts`).
//!
//! Import validates every row (format, channel, the platform's text rules,
//! media, time not in the past, threads) before anything is written; by
//! default one bad row imports nothing, and the report names every bad row.

use super::content::{Content, MediaRef, Part};
use super::{PostError, PostService, now_ms};
use letsgrow_core::csv_posts::{self, CsvExportRow, CsvPostRow};
use letsgrow_db::channels::ChannelRow;
use letsgrow_db::posts::{self as repo, NewPost, NewTarget, state};
use std::collections::{BTreeMap, HashMap};

/// Most data rows one file may hold.
pub const MAX_ROWS: usize = 5_000;

/// One line of the import report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowReport {
    /// Spreadsheet row number (the header is row 1).
    pub row: usize,
    pub ok: bool,
    pub code: Option<String>,
    pub field: Option<String>,
    pub message: Option<String>,
    pub post_id: Option<String>,
    /// How a local time resolved across a DST change, when it did.
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ImportReport {
    pub rows: Vec<RowReport>,
    pub posts_created: usize,
    /// True when the posts were written.
    pub committed: bool,
}

/// A post to create from one row or one thread of rows.
struct Planned {
    rows: Vec<usize>,
    channel: ChannelRow,
    content: Content,
    at: i64,
    tz: Option<String>,
}

impl PostService {
    /// Validates and (unless `dry_run`, and unless some row is bad and
    /// `skip_invalid` is false) imports a CSV file.
    pub async fn import_csv(
        &self,
        user_id: &str,
        data: &[u8],
        dry_run: bool,
        skip_invalid: bool,
    ) -> Result<ImportReport, PostError> {
        let tz = self.user_zone(user_id).await?;
        let parsed = csv_posts::parse(data, tz, MAX_ROWS)
            .map_err(|e| PostError::Validation(vec![("file".into(), e.to_string())]))?;
        let channels: Vec<ChannelRow> =
            letsgrow_db::channels::list_for_user(self.db(), user_id).await?;
        let mut errors: BTreeMap<usize, Vec<(String, String, String)>> = BTreeMap::new();
        for e in &parsed.errors {
            errors.entry(e.row).or_default().push((
                e.code.to_owned(),
                e.field.unwrap_or("row").to_owned(),
                e.message.clone(),
            ));
        }
        let notes: HashMap<usize, String> = parsed
            .rows
            .iter()
            .filter_map(|r| r.dst_note().map(|n| (r.row, n)))
            .collect();
        // Group rows into posts: a thread_id makes one post of its rows in order.
        let mut groups: Vec<Vec<&CsvPostRow>> = Vec::new();
        let mut thread_index: HashMap<&str, usize> = HashMap::new();
        for r in &parsed.rows {
            match r.thread_id.as_deref() {
                Some(tid) => match thread_index.get(tid) {
                    Some(&g) => groups[g].push(r),
                    None => {
                        thread_index.insert(tid, groups.len());
                        groups.push(vec![r]);
                    }
                },
                None => groups.push(vec![r]),
            }
        }
        let media = self.media.list(user_id).await?;
        let now = now_ms();
        let mut planned: Vec<Planned> = Vec::new();
        for mut g in groups {
            g.sort_by_key(|r| r.thread_order.unwrap_or(0));
            let first = g[0];
            let rows: Vec<usize> = g.iter().map(|r| r.row).collect();
            let mut row_errors: Vec<(usize, String, String, String)> = Vec::new();
            let channel = match resolve_channel(&channels, &first.channel) {
                Ok(c) => Some(c.clone()),
                Err(m) => {
                    for r in &rows {
                        row_errors.push((
                            *r,
                            "unknown_channel".into(),
                            "channel".into(),
                            m.clone(),
                        ));
                    }
                    None
                }
            };
            let at = first.scheduled_at.timestamp_millis();
            if at < now - 60_000 {
                for r in &rows {
                    row_errors.push((
                        *r,
                        "in_past".into(),
                        "scheduled_at".into(),
                        format!("{} is in the past", first.scheduled_at.to_rfc3339()),
                    ));
                }
            }
            let mut parts = Vec::new();
            for r in &g {
                let mut refs = Vec::new();
                if let Some(url) = &r.media_url {
                    match resolve_media(&media, url) {
                        Some(id) => refs.push(MediaRef { id, alt: r.alt_text.clone() }),
                        None => row_errors.push((r.row, "unknown_media".into(), "media_url".into(), format!(
                            "{url} is not in your media library: upload the file first and use its media URL or id (LetsGrow does not download arbitrary URLs during an import)"
                        ))),
                    }
                }
                parts.push(Part {
                    text: r.text.clone(),
                    media: refs,
                });
            }
            let content = Content { parts, link: None };
            if let Some(c) = &channel {
                let mut v = Vec::new();
                self.validate_for(user_id, c, &content, "content", &mut v)
                    .await;
                for (field, msg) in v {
                    // content.parts[i]... → the row of part i.
                    let row = field
                        .strip_prefix("content.parts[")
                        .and_then(|s| s.split(']').next())
                        .and_then(|n| n.parse::<usize>().ok())
                        .and_then(|i| rows.get(i).copied())
                        .unwrap_or(rows[0]);
                    let col = if field.contains(".media") {
                        "media_url"
                    } else {
                        "text"
                    };
                    row_errors.push((row, "invalid_content".into(), col.into(), msg));
                }
            }
            if row_errors.is_empty() {
                if let Some(channel) = channel {
                    planned.push(Planned {
                        rows,
                        channel,
                        content,
                        at,
                        tz: first.timezone.clone(),
                    });
                }
            } else {
                let bad: Vec<usize> = row_errors.iter().map(|e| e.0).collect();
                for (row, code, field, msg) in row_errors {
                    errors.entry(row).or_default().push((code, field, msg));
                }
                // The other rows of a broken thread are not imported either.
                for r in rows.iter().filter(|r| !bad.contains(r)) {
                    errors.entry(*r).or_default().push((
                        "invalid_thread".into(),
                        "thread_id".into(),
                        "not imported because another row of its thread has errors".into(),
                    ));
                }
            }
        }
        let commit = !dry_run && (errors.is_empty() || skip_invalid);
        let mut post_ids: HashMap<usize, String> = HashMap::new();
        let mut created = 0;
        if commit {
            for p in &planned {
                let post_id = letsgrow_db::new_id();
                let json = p.content.to_json();
                let hash = p.content.hash();
                let msg = format!(
                    "imported from CSV (row {})",
                    p.rows
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                let tz_name = p.tz.clone().unwrap_or_else(|| tz.name().to_owned());
                repo::insert(
                    self.db(),
                    &NewPost {
                        id: &post_id,
                        user_id,
                        content: &json,
                        timezone: &tz_name,
                        local_time: None,
                        source: "csv",
                    },
                    &[NewTarget {
                        channel_id: &p.channel.id,
                        content: None,
                        content_hash: &hash,
                        state: state::SCHEDULED,
                        scheduled_at: Some(p.at.max(now)),
                        message: &msg,
                    }],
                    now_ms(),
                )
                .await?;
                created += 1;
                for r in &p.rows {
                    post_ids.insert(*r, post_id.clone());
                }
            }
            if created > 0 {
                self.wake.poke();
            }
        }
        let mut all_rows: Vec<usize> = parsed
            .rows
            .iter()
            .map(|r| r.row)
            .chain(errors.keys().copied())
            .collect();
        all_rows.sort_unstable();
        all_rows.dedup();
        let rows = all_rows
            .into_iter()
            .map(|row| match errors.get(&row) {
                Some(list) => RowReport {
                    row,
                    ok: false,
                    code: list.first().map(|e| e.0.clone()),
                    field: list.first().map(|e| e.1.clone()),
                    message: Some(
                        list.iter()
                            .map(|e| e.2.clone())
                            .collect::<Vec<_>>()
                            .join("; "),
                    ),
                    post_id: None,
                    note: notes.get(&row).cloned(),
                },
                None => RowReport {
                    row,
                    ok: true,
                    code: None,
                    field: None,
                    message: None,
                    post_id: post_ids.get(&row).cloned(),
                    note: notes.get(&row).cloned(),
                },
            })
            .collect();
        Ok(ImportReport {
            rows,
            posts_created: created,
            committed: commit,
        })
    }

    /// The queue (scheduled posts) as CSV in the import format.
    /// The queue (every scheduled post) as CSV in the import format.
    pub async fn export_csv(&self, user_id: &str) -> Result<String, PostError> {
        let targets = repo::queue(self.db(), user_id, 100_000).await?;
        self.export_targets(user_id, &targets).await
    }

    /// Exactly what a view of the queue shows: the channels of `selection.post_ids`
    /// (in that order) whose state is one of `selection.states`, on
    /// `selection.channel_id` when given. Posts that are not the user's are left out.
    pub async fn export_selection(
        &self,
        user_id: &str,
        selection: &ExportSelection,
    ) -> Result<String, PostError> {
        let order: HashMap<&str, usize> = selection
            .post_ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i))
            .collect();
        let mut targets: Vec<repo::TargetRow> = repo::targets_of(self.db(), &selection.post_ids)
            .await?
            .into_iter()
            .filter(|t| {
                t.user_id == user_id
                    && selection.states.iter().any(|s| s == &t.state)
                    && selection
                        .channel_id
                        .as_ref()
                        .is_none_or(|c| c == &t.channel_id)
            })
            .collect();
        targets.sort_by_key(|t| (order.get(t.post_id.as_str()).copied(), t.scheduled_at));
        self.export_targets(user_id, &targets).await
    }

    async fn export_targets(
        &self,
        user_id: &str,
        targets: &[repo::TargetRow],
    ) -> Result<String, PostError> {
        let channels: HashMap<String, ChannelRow> =
            letsgrow_db::channels::list_for_user(self.db(), user_id)
                .await?
                .into_iter()
                .map(|c| (c.id.clone(), c))
                .collect();
        let mut handle_count: HashMap<String, usize> = HashMap::new();
        for c in channels.values() {
            *handle_count.entry(c.handle.to_lowercase()).or_default() += 1;
        }
        let post_ids: Vec<String> = targets.iter().map(|t| t.post_id.clone()).collect();
        let posts: HashMap<String, letsgrow_db::posts::PostRow> =
            repo::posts_by_ids(self.db(), &post_ids)
                .await?
                .into_iter()
                .map(|p| (p.id.clone(), p))
                .collect();
        let mut out = Vec::new();
        for t in targets {
            let Some(post) = posts.get(&t.post_id) else {
                continue;
            };
            let content = match &t.content {
                Some(s) => Content::from_json(s),
                None => Content::from_json(&post.content),
            }
            .map_err(PostError::Internal)?;
            let channel = match channels.get(&t.channel_id) {
                Some(c) if handle_count.get(&c.handle.to_lowercase()) == Some(&1) => {
                    c.handle.clone()
                }
                _ => t.channel_id.clone(),
            };
            let at = chrono::DateTime::from_timestamp_millis(t.scheduled_at.unwrap_or(0))
                .unwrap_or_default();
            let thread = content.parts.len() > 1;
            for (i, part) in content.parts.iter().enumerate() {
                let media = part.media.first();
                out.push(CsvExportRow {
                    channel: channel.clone(),
                    text: part.text.clone(),
                    scheduled_at: at,
                    timezone: Some(post.timezone.clone()),
                    media_url: media.map(|m| format!("/api/v1/media/{}", m.id)),
                    alt_text: media.and_then(|m| m.alt.clone()),
                    thread_id: thread.then(|| t.id.clone()),
                    thread_order: thread.then(|| u32::try_from(i + 1).unwrap_or(u32::MAX)),
                });
            }
        }
        Ok(csv_posts::write(&out))
    }
}

/// Which posts an export holds: what one view of the queue shows.
#[derive(Debug, Clone, Default)]
pub struct ExportSelection {
    pub post_ids: Vec<String>,
    /// Channel states to include (a tab's: `scheduled`, `published`, …).
    pub states: Vec<String>,
    pub channel_id: Option<String>,
}

/// A channel by id, handle (`alice.bsky.social`, `@alice`) or `platform:handle`.
fn resolve_channel<'a>(channels: &'a [ChannelRow], raw: &str) -> Result<&'a ChannelRow, String> {
    // The export defuses formula-like cells with a leading quote; accept it back.
    let name = raw.trim().trim_start_matches('\'');
    if let Some(c) = channels.iter().find(|c| c.id == name) {
        return Ok(c);
    }
    let (platform, handle) = match name.split_once(':') {
        Some((p, h)) if channels.iter().any(|c| c.platform.eq_ignore_ascii_case(p)) => (Some(p), h),
        _ => (None, name),
    };
    let handle = handle.trim_start_matches('@').to_lowercase();
    let hits: Vec<&ChannelRow> = channels
        .iter()
        .filter(|c| platform.is_none_or(|p| c.platform.eq_ignore_ascii_case(p)))
        .filter(|c| c.handle.trim_start_matches('@').to_lowercase() == handle)
        .collect();
    match hits.as_slice() {
        [one] => Ok(one),
        [] => Err(format!(
            "no channel is called \"{name}\"; use a channel id, handle or platform:handle"
        )),
        _ => Err(format!(
            "\"{name}\" matches {} channels; write it as platform:handle or use the channel id",
            hits.len()
        )),
    }
}

/// A media library id, or a URL of one (`…/api/v1/media/<id>…`).
fn resolve_media(media: &[letsgrow_db::media::MediaRow], url: &str) -> Option<String> {
    let id = match url.find("/api/v1/media/") {
        Some(i) => url[i + "/api/v1/media/".len()..]
            .split(['/', '?', '#'])
            .next()
            .unwrap_or(""),
        None => url.trim(),
    };
    media.iter().find(|m| m.id == id).map(|m| m.id.clone())
}
