//! The channel settings a user may change after connecting, per platform.
//!
//! Every other key of a channel's `settings` is the provider's own (account
//! ids, instance limits, the webhook format) and is never written through
//! here. A value is checked and normalised; an empty one removes the key, so
//! the provider's default applies again.
//!
//! - Reddit: `subreddit` (the community to post to; default: the user's
//!   profile, `u_<name>`), `flair_id` (a flair template id, for communities
//!   that require flair). Community names are 3–21 letters, digits or
//!   underscores: <https://support.reddithelp.com/hc/en-us/articles/204533569>.
//! - Mastodon: `visibility` (`public`, `unlisted`, `private` = followers
//!   only, `direct`), `spoiler_text` (a content warning shown before the
//!   post), `language` (ISO 639 code):
//!   <https://docs.joinmastodon.org/methods/statuses/#create>.

use letsgrow_core::Platform;

/// The settings keys a user may set on a channel of `platform`.
pub fn user_keys(platform: Platform) -> &'static [&'static str] {
    match platform {
        Platform::Reddit => &["subreddit", "flair_id"],
        Platform::Mastodon => &["visibility", "spoiler_text", "language"],
        _ => &[],
    }
}

/// Mastodon's visibilities.
pub const VISIBILITIES: [&str; 4] = ["public", "unlisted", "private", "direct"];

/// Checks `value` for `key` on a channel of `platform`: `Ok(None)` removes
/// the key, `Ok(Some(v))` stores `v`, `Err` is a message for the user.
pub fn check(platform: Platform, key: &str, value: &str) -> Result<Option<String>, String> {
    if !user_keys(platform).contains(&key) {
        return Err(format!(
            "{} channels have no \"{key}\" setting.",
            platform.display_name()
        ));
    }
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let ok = |v: &str| Ok(Some(v.to_owned()));
    match key {
        "subreddit" => {
            let name = value
                .trim_start_matches('/')
                .trim_start_matches("r/")
                .trim_end_matches('/');
            let valid = (3..=21).contains(&name.len())
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
            if valid {
                ok(name)
            } else {
                Err("Use the community's name, like \"rust\" or \"r/rust\" (3–21 letters, digits or underscores).".into())
            }
        }
        "flair_id" => {
            let valid = value.len() <= 64
                && value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if valid {
                ok(value)
            } else {
                Err("A flair id is the template id from the community's flair list (up to 64 letters, digits, dashes or underscores).".into())
            }
        }
        "visibility" => {
            if VISIBILITIES.contains(&value) {
                ok(value)
            } else {
                Err("Choose public, unlisted, private (followers only) or direct.".into())
            }
        }
        "spoiler_text" => {
            if value.chars().count() <= 500 {
                ok(value)
            } else {
                Err("A content warning can be at most 500 characters.".into())
            }
        }
        "language" => {
            let lower = value.to_ascii_lowercase();
            if (2..=3).contains(&lower.len()) && lower.bytes().all(|b| b.is_ascii_lowercase()) {
                Ok(Some(lower))
            } else {
                Err("Use an ISO 639 language code, like \"en\" or \"de\".".into())
            }
        }
        _ => Err(format!("\"{key}\" cannot be set.")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_checked_and_normalised_per_platform() {
        assert_eq!(
            check(Platform::Reddit, "subreddit", " r/rust "),
            Ok(Some("rust".into()))
        );
        assert_eq!(
            check(Platform::Reddit, "subreddit", "/r/Rust_Lang/"),
            Ok(Some("Rust_Lang".into()))
        );
        assert_eq!(check(Platform::Reddit, "subreddit", ""), Ok(None));
        assert!(check(Platform::Reddit, "subreddit", "ab").is_err());
        assert!(check(Platform::Reddit, "subreddit", "no spaces").is_err());
        assert!(check(Platform::Reddit, "subreddit", &"a".repeat(22)).is_err());
        assert_eq!(
            check(Platform::Mastodon, "language", "DE"),
            Ok(Some("de".into()))
        );
        assert!(check(Platform::Mastodon, "language", "english").is_err());
        assert!(check(Platform::Mastodon, "visibility", "friends").is_err());
        assert_eq!(
            check(Platform::Mastodon, "visibility", "unlisted"),
            Ok(Some("unlisted".into()))
        );
        assert!(check(Platform::Mastodon, "spoiler_text", &"é".repeat(500)).is_ok());
        assert!(check(Platform::Mastodon, "spoiler_text", &"é".repeat(501)).is_err());
        assert_eq!(
            check(Platform::X, "subreddit", "rust"),
            Err("X channels have no \"subreddit\" setting.".into())
        );
        assert!(check(Platform::Reddit, "visibility", "public").is_err());
        assert!(check(Platform::Reddit, "account_id", "1").is_err());
    }
}
