//! The one table of stored codes: a post target's state, a channel's health
//! and why a publish failed. Each is stored and sent over the API as the
//! snake_case text `as_str` gives; code compares the enums, never the text.

use std::fmt;
use std::str::FromStr;

/// Text that names no variant of a code enum.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} {value:?}")]
pub struct UnknownCode {
    pub kind: &'static str,
    pub value: String,
}

macro_rules! codes {
    ($(#[$meta:meta])* $name:ident ($kind:literal) { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The stored and API text.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }

        impl FromStr for $name {
            type Err = UnknownCode;
            fn from_str(s: &str) -> Result<Self, UnknownCode> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownCode { kind: $kind, value: s.to_owned() }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl PartialEq<$name> for &str {
            fn eq(&self, other: &$name) -> bool {
                *self == other.as_str()
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                self == other.as_str()
            }
        }
    };
}

codes! {
    /// Where one post stands on one channel.
    TargetState ("target state") {
        /// Saved, not scheduled.
        Draft = "draft",
        /// Waiting for its time (or for a retry).
        Scheduled = "scheduled",
        /// A worker holds it and is sending it now.
        Publishing = "publishing",
        /// The platform has it; `url` links to it where the platform gives one.
        Published = "published",
        /// Stopped for good; `error_message` says why and what to do.
        Failed = "failed",
        /// A send may have landed: LetsGrow checks before it sends again.
        Unconfirmed = "unconfirmed",
    }
}

codes! {
    /// A channel's health, as its last check or post left it.
    ChannelStatus ("channel status") {
        /// Working, as far as the last check or post knows.
        Ok = "ok",
        /// Access was revoked or expired for good: reconnect the channel.
        NeedsReconnect = "needs_reconnect",
        /// The platform asked us to wait until `rate_limited_until`.
        RateLimited = "rate_limited",
        /// The last check failed for another reason (`status_message` says which).
        Error = "error",
        /// Several sends in a row failed (`consecutive_failures`, `last_error`);
        /// the next one that goes through makes it `ok` again.
        Failing = "failing",
    }
}

codes! {
    /// Why a publish attempt stopped short (stored as a target's `error_code`).
    FailureCode ("failure code") {
        /// The channel was disconnected.
        ChannelGone = "channel_gone",
        /// The post was deleted.
        PostGone = "post_gone",
        /// LetsGrow itself failed (database, stored data); retried.
        InternalError = "internal_error",
        /// The platform is unknown to, or not built into, this LetsGrow.
        Unsupported = "unsupported",
        /// The channel lost its access: reconnect it, then retry.
        ChannelNeedsReconnect = "channel_needs_reconnect",
        /// The post no longer passes the platform's rules (checked before sending).
        InvalidContent = "invalid_content",
        /// A media item is gone or unreadable (checked before sending).
        MediaUnavailable = "media_unavailable",
        /// LetsGrow's settings stop it from sending this post (checked before
        /// sending; the platform was never contacted).
        NotSendable = "not_sendable",
        /// The platform or budget asked to wait.
        RateLimited = "rate_limited",
        /// A send may have landed; it is looked up before any re-send.
        OutcomeUnknown = "outcome_unknown",
        /// The platform could not be reached or answered with a server error.
        PlatformUnavailable = "platform_unavailable",
        /// The platform received the post and refused it.
        PlatformRejected = "platform_rejected",
    }
}

codes! {
    /// Why connecting a channel through OAuth failed (the `error` the callback
    /// hands back to the web UI, which words each one).
    ConnectFailure ("connect failure") {
        /// This account is already connected as a channel.
        ChannelExists = "channel_exists",
        /// The user declined on the platform.
        AccessDenied = "access_denied",
        /// The platform refused the connection or sent no code.
        PlatformRejected = "platform_rejected",
        /// The platform could not be reached.
        PlatformUnavailable = "platform_unavailable",
        /// The platform is rate-limiting LetsGrow.
        RateLimited = "rate_limited",
        /// The connect link was used, expired or forged.
        StateInvalid = "state_invalid",
        /// The request did not make sense.
        InvalidRequest = "invalid_request",
        /// LetsGrow itself failed (logged).
        InternalError = "internal_error",
    }
}

impl TargetState {
    /// Whether a worker may still pick the target up on its own.
    pub const fn is_pending(self) -> bool {
        matches!(
            self,
            TargetState::Scheduled | TargetState::Publishing | TargetState::Unconfirmed
        )
    }
}

impl ChannelStatus {
    /// Whether a send that goes through makes the channel `ok` again (access
    /// that was revoked needs a reconnect instead).
    pub const fn clears_on_success(self) -> bool {
        matches!(
            self,
            ChannelStatus::RateLimited | ChannelStatus::Error | ChannelStatus::Failing
        )
    }
}

impl FailureCode {
    /// Whether the failure happened before LetsGrow contacted the platform.
    pub const fn before_sending(self) -> bool {
        matches!(
            self,
            FailureCode::ChannelGone
                | FailureCode::PostGone
                | FailureCode::InternalError
                | FailureCode::Unsupported
                | FailureCode::InvalidContent
                | FailureCode::MediaUnavailable
                | FailureCode::NotSendable
        )
    }
}

codes! {
    /// One canonical number a platform reports about a post. Each provider maps
    /// its own field names onto these (see `metrics::PLATFORM_FIELDS`); a
    /// number a platform does not report is absent, never 0.
    Metric ("metric") {
        /// Times the post was shown or played.
        Views = "views",
        /// Distinct accounts that saw it.
        Reach = "reach",
        Likes = "likes",
        Reposts = "reposts",
        Replies = "replies",
        Quotes = "quotes",
        /// Bookmarks or saves.
        Saves = "saves",
        /// Sends and shares outside the platform's repost.
        Shares = "shares",
        /// Link clicks.
        Clicks = "clicks",
        ProfileVisits = "profile_visits",
        /// Follows that came from this post.
        Follows = "follows",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check<T>(all: &[T])
    where
        T: Copy
            + fmt::Display
            + FromStr<Err = UnknownCode>
            + PartialEq
            + fmt::Debug
            + serde::Serialize,
    {
        let mut seen = std::collections::HashSet::new();
        for v in all {
            let text = v.to_string();
            assert!(seen.insert(text.clone()), "{text} named twice");
            assert!(
                text.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{text} is not snake_case"
            );
            assert_eq!(text.parse::<T>().as_ref(), Ok(v));
            assert_eq!(
                serde_json::to_value(v).ok(),
                Some(serde_json::Value::String(text))
            );
        }
    }

    #[test]
    fn stored_text_round_trips_and_matches_the_api() {
        check(TargetState::ALL);
        check(ChannelStatus::ALL);
        check(FailureCode::ALL);
        check(ConnectFailure::ALL);
        check(Metric::ALL);
    }

    #[test]
    fn unknown_text_names_what_it_is_not() {
        let e = "sent".parse::<TargetState>().unwrap_err();
        assert_eq!(e.to_string(), "unknown target state \"sent\"");
        assert!("OK".parse::<ChannelStatus>().is_err());
    }

    #[test]
    fn text_compares_with_the_enum() {
        assert!("failed" == TargetState::Failed);
        let stored: String = ["o", "k"].concat();
        assert!(stored == ChannelStatus::Ok);
        assert!(FailureCode::RateLimited == "rate_limited");
    }

    #[test]
    fn a_send_that_goes_through_clears_all_but_lost_access() {
        let cleared: Vec<_> = ChannelStatus::ALL
            .iter()
            .filter(|s| s.clears_on_success())
            .map(|s| s.as_str())
            .collect();
        // The same list as the IN (...) of `letsgrow_db::channels::record_send_ok`.
        assert_eq!(cleared, ["rate_limited", "error", "failing"]);
    }

    #[test]
    fn only_sent_failures_blame_the_platform() {
        let table = [
            (FailureCode::NotSendable, true),
            (FailureCode::MediaUnavailable, true),
            (FailureCode::InvalidContent, true),
            (FailureCode::PlatformRejected, false),
            (FailureCode::PlatformUnavailable, false),
            (FailureCode::OutcomeUnknown, false),
            (FailureCode::RateLimited, false),
            (FailureCode::ChannelNeedsReconnect, false),
        ];
        for (code, before) in table {
            assert_eq!(code.before_sending(), before, "{code}");
        }
    }
}
