//! The checks made before anything is sent: the part itself, and what the
//! community's `post_requirements` allow
//! (<https://www.reddit.com/dev/api#GET_api_v1_{subreddit}_post_requirements>).

use super::{BODY_MAX, TITLE_MAX};
use crate::oauth_flow;
use crate::{ProviderError, ProviderResult, PublishPart};
use serde_json::Value;

pub(super) fn violation(code: &str, message: impl Into<String>) -> ProviderError {
    ProviderError::invalid_content(format!("reddit.{code}"), message)
}

/// (title, body) of a part: the first line and the rest.
pub fn split(text: &str) -> (&str, &str) {
    match text.split_once('\n') {
        Some((t, b)) => (t.trim(), b),
        None => (text.trim(), ""),
    }
}

/// Refuses what `/api/v1/{sub}/post_requirements` says the community refuses.
pub fn check_requirements(
    r: &Value,
    sub: &str,
    part: &PublishPart,
    has_flair: bool,
    link_post: bool,
) -> ProviderResult<()> {
    let (title, body) = split(&part.text);
    let lower = |s: &str| s.to_lowercase();
    let strings = |k: &str| {
        r[k].as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(lower)
            .collect::<Vec<_>>()
    };
    if r["is_flair_required"] == true && !has_flair {
        return Err(violation(
            "flair_required",
            format!("r/{sub} requires post flair: choose one in the channel settings (flair_id)"),
        ));
    }
    match r["body_restriction_policy"].as_str() {
        Some("required") if !link_post && body.trim().is_empty() => {
            return Err(violation(
                "body_required",
                format!("r/{sub} requires body text: write more than the title line"),
            ));
        }
        Some("notAllowed") if !body.trim().is_empty() => {
            return Err(violation(
                "body_not_allowed",
                format!("r/{sub} allows a title only: keep the post to one line"),
            ));
        }
        _ => {}
    }
    let n = oauth_flow::chars(title);
    if r["title_text_min_length"]
        .as_u64()
        .is_some_and(|m| (n as u64) < m)
        || r["title_text_max_length"]
            .as_u64()
            .is_some_and(|m| (n as u64) > m)
    {
        return Err(violation(
            "title_length",
            format!(
                "r/{sub} needs a title of {}–{} characters",
                r["title_text_min_length"], r["title_text_max_length"]
            ),
        ));
    }
    let b = oauth_flow::chars(body) as u64;
    if r["body_text_min_length"].as_u64().is_some_and(|m| b < m)
        || r["body_text_max_length"].as_u64().is_some_and(|m| b > m)
    {
        return Err(violation(
            "body_length",
            format!(
                "r/{sub} needs a body of {}–{} characters",
                r["body_text_min_length"], r["body_text_max_length"]
            ),
        ));
    }
    let required = strings("title_required_strings");
    if !required.is_empty() && !required.iter().any(|s| lower(title).contains(s)) {
        return Err(violation(
            "title_required_strings",
            format!(
                "r/{sub} titles must contain one of: {}",
                required.join(", ")
            ),
        ));
    }
    if let Some(bad) = strings("title_blacklisted_strings")
        .into_iter()
        .find(|s| lower(title).contains(s))
    {
        return Err(violation(
            "title_blacklisted",
            format!("r/{sub} does not allow {bad:?} in titles"),
        ));
    }
    if let Some(bad) = strings("body_blacklisted_strings")
        .into_iter()
        .find(|s| lower(body).contains(s))
    {
        return Err(violation(
            "body_blacklisted",
            format!("r/{sub} does not allow {bad:?} in posts"),
        ));
    }
    Ok(())
}

pub(super) fn validate(part: &PublishPart) -> ProviderResult<()> {
    if part.reply_to.is_some() {
        return Err(violation(
            "threads_unsupported",
            "Reddit posts cannot be chained as a thread; publish this part as its own post",
        ));
    }
    if !part.media.is_empty() {
        return Err(violation(
            "media_unsupported",
            "Reddit's API has no image upload: post text or a link",
        ));
    }
    let (title, body) = split(&part.text);
    if title.is_empty() {
        return Err(violation(
            "title_missing",
            "the first line becomes the Reddit title and must not be empty",
        ));
    }
    if oauth_flow::chars(title) > TITLE_MAX {
        return Err(violation(
            "title_too_long",
            format!(
                "the first line becomes the Reddit title: keep it under {TITLE_MAX} characters"
            ),
        ));
    }
    if oauth_flow::chars(body) > BODY_MAX {
        return Err(violation(
            "text_too_long",
            format!("Reddit posts are limited to {BODY_MAX} characters"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn part(text: &str) -> PublishPart {
        PublishPart {
            idempotency_key: "k".into(),
            post_id: "p".into(),
            part_index: 0,
            text: text.into(),
            media: vec![],
            link: None,
            reply_to: None,
            scheduled_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn the_first_line_is_the_title() {
        assert_eq!(split("Title\nbody\nmore"), ("Title", "body\nmore"));
        assert_eq!(split("  only a title "), ("only a title", ""));
    }

    #[test]
    fn community_requirements_refuse_early() {
        let mut r = requirements();
        assert!(check_requirements(&r, "x", &part("t\nb"), false, false).is_ok());
        r["is_flair_required"] = json!(true);
        let e = check_requirements(&r, "x", &part("t\nb"), false, false).unwrap_err();
        assert!(e.to_string().contains("requires post flair"), "{e}");
        assert!(check_requirements(&r, "x", &part("t\nb"), true, false).is_ok());
        r["body_restriction_policy"] = json!("required");
        assert!(check_requirements(&r, "x", &part("title only"), true, false).is_err());
        r["title_required_strings"] = json!(["[OC]"]);
        assert!(check_requirements(&r, "x", &part("no tag\nbody"), true, false).is_err());
        assert!(check_requirements(&r, "x", &part("[oc] tagged\nbody"), true, false).is_ok());
    }

    pub fn requirements() -> Value {
        json!({ "is_flair_required": false, "body_restriction_policy": "none", "title_required_strings": [], "title_blacklisted_strings": [], "body_blacklisted_strings": [] })
    }

    #[test]
    fn the_user_agent_follows_reddit_rules() {
        assert!(crate::reddit::USER_AGENT.starts_with("server:letsgrow:v0."));
    }
}
