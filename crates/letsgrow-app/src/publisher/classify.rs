//! What happens to a target after a provider error: a pure function of the
//! error and the attempt, so every case is in one table test.

use letsgrow_core::time::rfc3339;
use letsgrow_core::{FailureCode, TargetState};
use letsgrow_providers::ProviderError;

/// Why a target stops here, before it is written down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Outcome {
    pub to: TargetState,
    pub next_attempt_at: Option<i64>,
    pub needs_lookup: bool,
    pub code: FailureCode,
    pub message: String,
    pub part: Option<i64>,
    /// Whether the user is told (only when it stopped for good).
    pub notify: bool,
}

impl Outcome {
    /// Stopped for good: the user is told and may retry.
    pub fn failed(code: FailureCode, message: String, part: Option<i64>) -> Self {
        Outcome {
            to: TargetState::Failed,
            next_attempt_at: None,
            needs_lookup: false,
            code,
            message,
            part,
            notify: true,
        }
    }

    /// Back to `scheduled` (or `unconfirmed` while a lookup is owed) until
    /// `until`, without telling the user.
    pub fn wait(needs_lookup: bool, until: i64, code: FailureCode, message: String) -> Self {
        Outcome {
            to: if needs_lookup {
                TargetState::Unconfirmed
            } else {
                TargetState::Scheduled
            },
            next_attempt_at: Some(until),
            needs_lookup,
            code,
            message,
            part: None,
            notify: false,
        }
    }
}

/// What the error says about the channel, for its health.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ChannelNews {
    Nothing,
    /// The platform asked to wait until `until` (ms).
    RateLimited {
        message: String,
        until: i64,
    },
    /// Access is gone: the channel needs reconnecting.
    LostAccess {
        message: String,
    },
}

/// The attempt an error happened in.
#[derive(Debug, Clone)]
pub(super) struct Attempt<'a> {
    /// Attempts so far, this one included.
    pub attempts: i64,
    pub max_attempts: i64,
    /// The target was unconfirmed when this attempt began.
    pub needs_lookup: bool,
    /// The error came from looking up an earlier send, not from a send.
    pub during_lookup: bool,
    pub part: usize,
    pub total: usize,
    /// The platform's display name.
    pub platform: &'a str,
    pub now: i64,
    /// The wait before the next try when the platform names none (ms).
    pub backoff: i64,
}

/// Maps a provider error to what happens next and what the channel learns.
pub(super) fn classify(e: ProviderError, a: &Attempt<'_>) -> (Outcome, ChannelNews) {
    let which = if a.total > 1 {
        format!("Part {} of {}: ", a.part + 1, a.total)
    } else {
        String::new()
    };
    let name = a.platform;
    let part = Some(a.part as i64);
    // A lookup that failed leaves the earlier send as unknown as it was.
    let still_unknown = a.needs_lookup && a.during_lookup;
    match e {
        ProviderError::RateLimited {
            retry_after,
            message,
        } => {
            let wait = retry_after
                .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
                .unwrap_or(a.backoff);
            let until = a.now.saturating_add(wait.max(1000));
            let mut o = Outcome::wait(
                still_unknown,
                until,
                FailureCode::RateLimited,
                format!(
                    "{which}{name} rate-limited this account; retrying at {}",
                    rfc3339(until)
                ),
            );
            o.part = part;
            (o, ChannelNews::RateLimited { message, until })
        }
        ProviderError::Transient {
            message,
            maybe_delivered,
        } if a.attempts < a.max_attempts => {
            let unknown = maybe_delivered || still_unknown;
            let next = a.now + a.backoff;
            let (code, message) = if unknown {
                (
                    FailureCode::OutcomeUnknown,
                    format!(
                        "{which}{name} did not confirm ({message}); checking whether it was published before any re-send, at {}",
                        rfc3339(next)
                    ),
                )
            } else {
                (
                    FailureCode::PlatformUnavailable,
                    format!(
                        "{which}{name} could not be reached ({message}); retry {} of {} at {}",
                        a.attempts,
                        a.max_attempts,
                        rfc3339(next)
                    ),
                )
            };
            let mut o = Outcome::wait(unknown, next, code, message);
            o.part = part;
            (o, ChannelNews::Nothing)
        }
        ProviderError::Transient {
            message,
            maybe_delivered,
        } => (
            Outcome::failed(
                if maybe_delivered {
                    FailureCode::OutcomeUnknown
                } else {
                    FailureCode::PlatformUnavailable
                },
                format!(
                    "{which}LetsGrow stopped after {} attempts: {name} could not be reached ({message}).{}",
                    a.attempts,
                    if maybe_delivered || a.needs_lookup {
                        " It may have been published: check the channel before retrying."
                    } else {
                        ""
                    }
                ),
                part,
            ),
            ChannelNews::Nothing,
        ),
        ProviderError::AuthExpired { message } | ProviderError::Revoked { message } => (
            Outcome::failed(
                FailureCode::ChannelNeedsReconnect,
                format!(
                    "{which}{name} refused LetsGrow's access ({message}). Reconnect the channel, then retry."
                ),
                part,
            ),
            ChannelNews::LostAccess { message },
        ),
        ProviderError::InvalidContent { violations } => (
            Outcome::failed(
                FailureCode::PlatformRejected,
                format!(
                    "{which}{name} refused the post: {}.",
                    violations
                        .iter()
                        .map(|v| v.message.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
                part,
            ),
            ChannelNews::Nothing,
        ),
        ProviderError::Permanent { message } | ProviderError::InvalidInput { message, .. } => (
            Outcome::failed(
                FailureCode::PlatformRejected,
                format!("{which}{name} refused the request: {message}."),
                part,
            ),
            ChannelNews::Nothing,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const NOW: i64 = 1_800_000_000_000;
    const BACKOFF: i64 = 4_000;

    fn attempt(
        attempts: i64,
        needs_lookup: bool,
        during_lookup: bool,
        total: usize,
    ) -> Attempt<'static> {
        Attempt {
            attempts,
            max_attempts: 5,
            needs_lookup,
            during_lookup,
            part: 0,
            total,
            platform: "Mastodon",
            now: NOW,
            backoff: BACKOFF,
        }
    }

    fn transient(maybe_delivered: bool) -> ProviderError {
        ProviderError::Transient {
            message: "HTTP 503".into(),
            maybe_delivered,
        }
    }

    fn limited(after: Option<u64>) -> ProviderError {
        ProviderError::RateLimited {
            retry_after: after.map(Duration::from_secs),
            message: "slow down".into(),
        }
    }

    fn revoked() -> ProviderError {
        ProviderError::Revoked {
            message: "token revoked".into(),
        }
    }

    fn expired() -> ProviderError {
        ProviderError::AuthExpired {
            message: "token expired".into(),
        }
    }

    fn refused() -> ProviderError {
        ProviderError::permanent("it answered HTTP 400")
    }

    fn invalid() -> ProviderError {
        ProviderError::invalid_content("too_long", "too long")
    }

    use FailureCode as C;
    use TargetState as S;

    /// (error, attempts, needs_lookup, during_lookup) → (state, next at, lookup owed, code, notify).
    #[test]
    #[rustfmt::skip]
    fn every_error_and_attempt_has_one_outcome() {
        type Row = (fn() -> ProviderError, i64, bool, bool, S, Option<i64>, bool, C, bool);
        let rows: Vec<(&str, Row)> = vec![
            // Rate limits wait the platform's time, or the backoff, at least 1 s; never notify.
            ("limit with retry-after", (|| limited(Some(60)), 1, false, false, S::Scheduled, Some(NOW + 60_000), false, C::RateLimited, false)),
            ("limit without retry-after", (|| limited(None), 1, false, false, S::Scheduled, Some(NOW + BACKOFF), false, C::RateLimited, false)),
            ("limit of zero waits a second", (|| limited(Some(0)), 1, false, false, S::Scheduled, Some(NOW + 1000), false, C::RateLimited, false)),
            ("limit on the last attempt still waits", (|| limited(Some(5)), 5, false, false, S::Scheduled, Some(NOW + 5000), false, C::RateLimited, false)),
            ("limit during a lookup keeps it owed", (|| limited(Some(5)), 2, true, true, S::Unconfirmed, Some(NOW + 5000), true, C::RateLimited, false)),
            ("limit on a send after the lookup", (|| limited(Some(5)), 2, true, false, S::Scheduled, Some(NOW + 5000), false, C::RateLimited, false)),
            // Transient errors retry until the last attempt.
            ("unreachable, first attempt", (|| transient(false), 1, false, false, S::Scheduled, Some(NOW + BACKOFF), false, C::PlatformUnavailable, false)),
            ("unreachable, fourth attempt", (|| transient(false), 4, false, false, S::Scheduled, Some(NOW + BACKOFF), false, C::PlatformUnavailable, false)),
            ("unreachable, last attempt", (|| transient(false), 5, false, false, S::Failed, None, false, C::PlatformUnavailable, true)),
            ("unreachable past the last attempt", (|| transient(false), 9, false, false, S::Failed, None, false, C::PlatformUnavailable, true)),
            ("maybe delivered: look it up next", (|| transient(true), 1, false, false, S::Unconfirmed, Some(NOW + BACKOFF), true, C::OutcomeUnknown, false)),
            ("maybe delivered on the last attempt", (|| transient(true), 5, false, false, S::Failed, None, false, C::OutcomeUnknown, true)),
            ("lookup unreachable keeps it owed", (|| transient(false), 2, true, true, S::Unconfirmed, Some(NOW + BACKOFF), true, C::OutcomeUnknown, false)),
            ("send unreachable after a lookup", (|| transient(false), 2, true, false, S::Scheduled, Some(NOW + BACKOFF), false, C::PlatformUnavailable, false)),
            ("lookup unreachable on the last attempt", (|| transient(false), 5, true, true, S::Failed, None, false, C::PlatformUnavailable, true)),
            // Lost access and refusals stop at once, whatever the attempt.
            ("revoked", (revoked, 1, false, false, S::Failed, None, false, C::ChannelNeedsReconnect, true)),
            ("expired after the refresh", (expired, 1, false, false, S::Failed, None, false, C::ChannelNeedsReconnect, true)),
            ("revoked during a lookup", (revoked, 3, true, true, S::Failed, None, false, C::ChannelNeedsReconnect, true)),
            ("refused", (refused, 1, false, false, S::Failed, None, false, C::PlatformRejected, true)),
            ("refused on the last attempt", (refused, 5, false, false, S::Failed, None, false, C::PlatformRejected, true)),
            ("invalid content", (invalid, 1, false, false, S::Failed, None, false, C::PlatformRejected, true)),
            ("invalid content during a lookup", (invalid, 2, true, true, S::Failed, None, false, C::PlatformRejected, true)),
        ];
        for (name, (err, attempts, lookup, during, to, next, owed, code, notify)) in rows {
            let (o, _) = classify(err(), &attempt(attempts, lookup, during, 1));
            assert_eq!(
                (o.to, o.next_attempt_at, o.needs_lookup, o.code, o.notify),
                (to, next, owed, code, notify),
                "{name}: {}",
                o.message
            );
            assert_eq!(o.part, Some(0), "{name}");
            assert!(o.message.contains("Mastodon "), "{name}: {}", o.message);
        }
    }

    #[test]
    fn the_channel_learns_of_limits_and_lost_access_only() {
        let a = attempt(1, false, false, 1);
        assert_eq!(
            classify(limited(Some(30)), &a).1,
            ChannelNews::RateLimited {
                message: "slow down".into(),
                until: NOW + 30_000
            }
        );
        assert_eq!(
            classify(expired(), &a).1,
            ChannelNews::LostAccess {
                message: "token expired".into()
            }
        );
        for e in [transient(false), transient(true), refused(), invalid()] {
            assert_eq!(classify(e, &a).1, ChannelNews::Nothing);
        }
    }

    #[test]
    fn messages_name_the_part_and_end_as_sentences() {
        let mut a = attempt(5, true, false, 3);
        a.part = 1;
        let (o, _) = classify(refused(), &a);
        assert_eq!(
            o.message,
            "Part 2 of 3: Mastodon refused the request: it answered HTTP 400."
        );
        assert_eq!(o.part, Some(1));
        let (o, _) = classify(transient(false), &a);
        assert_eq!(
            o.message,
            "Part 2 of 3: LetsGrow stopped after 5 attempts: Mastodon could not be reached (HTTP 503). It may have been published: check the channel before retrying."
        );
        let (o, _) = classify(invalid(), &attempt(1, false, false, 1));
        assert_eq!(o.message, "Mastodon refused the post: too long.");
    }

    #[test]
    fn a_huge_retry_after_does_not_overflow() {
        let (o, _) = classify(limited(Some(u64::MAX / 1000)), &attempt(1, false, false, 1));
        assert_eq!(o.next_attempt_at, Some(i64::MAX));
    }
}
