//! Checking a post for one channel before it is saved and again before it is
//! published: the platform's text rules, the provider's declared capabilities,
//! media ownership, the link.

use super::*;
use letsgrow_core::FailureCode;

impl PostService {
    /// Checks one channel's content against the platform's rules and
    /// capabilities; errors are keyed under `prefix`. The same checks run at
    /// save time, in the composer's live check and in the publisher's
    /// preflight, so a post that passes here fails later only if something
    /// changed. Returns what its errors stand for when it stopped a send:
    /// `NotSendable` for LetsGrow's own settings, else the platform's rules.
    pub async fn validate_for(
        &self,
        user_id: &str,
        channel: &ChannelRow,
        content: &Content,
        prefix: &str,
        errors: &mut Errors,
    ) -> FailureCode {
        let Ok(platform) = channel.platform.parse::<Platform>() else {
            errors.push((prefix.into(), "this channel's platform is unknown".into()));
            return FailureCode::Unsupported;
        };
        let Some(provider) = self.registry.get(platform) else {
            errors.push((
                prefix.into(),
                format!("{platform} is not available in this build"),
            ));
            return FailureCode::Unsupported;
        };
        let limits = content.check_limits(prefix);
        if !limits.is_empty() {
            // Over the universal limits: no platform rule is worth checking.
            errors.extend(limits);
            return FailureCode::InvalidContent;
        }
        let caps = provider.capabilities();
        let mut code = FailureCode::InvalidContent;
        // LetsGrow's own settings, as well as the platform's rules.
        if caps.media_by_url && !self.media.serves_public_urls() {
            for (i, part) in content.parts.iter().enumerate() {
                if !part.media.is_empty() {
                    errors.push((
                        format!("{prefix}.parts[{i}].media"),
                        format!(
                            "{} fetches images from a web address, and this LetsGrow has none: set server.public_url so it can fetch them, or remove the image",
                            platform.display_name()
                        ),
                    ));
                    code = FailureCode::NotSendable;
                }
            }
        }
        let name = platform.display_name();
        if content.parts.is_empty() {
            errors.push((format!("{prefix}.parts"), "needs at least one part".into()));
        }
        if content.parts.len() > 25 {
            errors.push((format!("{prefix}.parts"), "at most 25 parts".into()));
        }
        if content.parts.len() > 1 && !caps.threads {
            errors.push((
                format!("{prefix}.parts"),
                format!("{name} has no threads: publish one part, or leave this channel out of the thread"),
            ));
        }
        if let Some(link) = &content.link
            && (!(link.starts_with("https://") || link.starts_with("http://"))
                || url::Url::parse(link).is_err())
        {
            errors.push((format!("{prefix}.link"), "must be an http(s) URL".into()));
        }
        let settings: serde_json::Value =
            serde_json::from_str(&channel.settings).unwrap_or_default();
        // Mastodon counts a content warning against the status's limit.
        let warning = settings["spoiler_text"]
            .as_str()
            .map_or(0, |s| s.chars().count());
        let opts = CheckOptions {
            max_override: settings["max_characters"]
                .as_u64()
                .map(|n| (n as usize).saturating_sub(warning)),
            reddit_field: RedditField::Body,
            // A webhook's receiver sets its limit (Discord 2,000, Slack 40,000).
            webhook_format: settings["format"]
                .as_str()
                .and_then(letsgrow_core::text::WebhookFormat::parse)
                .unwrap_or_default(),
        };
        for (i, part) in content.parts.iter().enumerate() {
            let key = format!("{prefix}.parts[{i}]");
            let check = letsgrow_core::text::check(platform, &part.text, &opts);
            let media_only = part.text.trim().is_empty() && !part.media.is_empty();
            for v in &check.violations {
                if media_only && matches!(v.code, letsgrow_core::text::ViolationCode::Empty) {
                    continue;
                }
                errors.push((format!("{key}.text"), v.message.clone()));
            }
            if part.media.len() > usize::from(caps.max_images) {
                errors.push((
                    format!("{key}.media"),
                    if caps.max_images == 0 {
                        format!("{name} posts cannot carry images here")
                    } else {
                        format!("{name} takes at most {} images per post", caps.max_images)
                    },
                ));
            }
            for (j, m) in part.media.iter().enumerate() {
                let mkey = format!("{key}.media[{j}]");
                match self.media.get_for_user(user_id, &m.id).await {
                    Ok(Some(row)) => {
                        if !caps.image_mime_types.contains(&row.mime.as_str()) {
                            errors.push((
                                mkey.clone(),
                                format!("{name} does not accept {} files", row.mime),
                            ));
                        }
                        if u64::try_from(row.bytes).unwrap_or(u64::MAX) > caps.max_image_bytes {
                            errors.push((
                                mkey.clone(),
                                format!(
                                    "{} is {:.1} MB; {name} accepts at most {:.1} MB",
                                    row.filename,
                                    row.bytes as f64 / 1e6,
                                    caps.max_image_bytes as f64 / 1e6
                                ),
                            ));
                        }
                    }
                    Ok(None) => errors.push((mkey.clone(), "no such media item".into())),
                    Err(e) => errors.push((mkey.clone(), format!("could not read media: {e}"))),
                }
                if let Some(alt) = &m.alt {
                    let max = alt_limit(platform);
                    if alt.chars().count() > max {
                        errors.push((
                            format!("{mkey}.alt"),
                            format!("{name} alt text is at most {max} characters"),
                        ));
                    }
                }
            }
        }
        if platform == Platform::Instagram
            && content.parts.first().is_some_and(|p| p.media.is_empty())
        {
            errors.push((
                format!("{prefix}.parts[0].media"),
                "Instagram posts need at least one image".into(),
            ));
        }
        code
    }
}

/// Longest alt text each platform accepts (characters).
fn alt_limit(p: Platform) -> usize {
    match p {
        Platform::X => 1000,
        Platform::Mastodon => 1500,
        Platform::Bluesky => 2000,
        _ => 1000,
    }
}

pub(super) fn dedup(mut errors: Errors) -> Errors {
    let mut seen = std::collections::HashSet::new();
    errors.retain(|e| seen.insert(e.clone()));
    errors
}
