//! Wall-clock scheduling in IANA time zones, with one stated rule for DST.
//!
//! Storage is UTC; people think in local time. Two local times need a rule:
//! - **Gap** (spring forward; e.g. 02:30 on 2026-03-29 in Europe/Berlin does not
//!   exist): the post is scheduled at the same wall time *after* the jump, i.e.
//!   shifted forward by the gap's length (02:30 → 03:30 CEST). This is RFC 5545's
//!   rule for non-existent local times.
//! - **Overlap** (fall back; 02:30 on 2026-10-25 happens twice): the *first*
//!   occurrence (the earlier instant, still on summer time) is used, and the
//!   later one is reported so a UI can offer it.
//!
//! [`resolve_local`] returns which case applied so the UI can show it before saving.

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset,
    TimeZone, Utc, Weekday,
};
use chrono_tz::Tz;
use serde::Serialize;

/// How a local date-time mapped to an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Resolution {
    /// The local time exists exactly once.
    Exact { utc: DateTime<Utc> },
    /// The local time falls in a DST gap; `utc` is the shifted instant.
    Gap {
        utc: DateTime<Utc>,
        shifted_by_minutes: i64,
    },
    /// The local time happens twice; `utc` is the first, `later` the second.
    Overlap {
        utc: DateTime<Utc>,
        later: DateTime<Utc>,
    },
}

impl Resolution {
    pub fn utc(&self) -> DateTime<Utc> {
        match *self {
            Resolution::Exact { utc }
            | Resolution::Gap { utc, .. }
            | Resolution::Overlap { utc, .. } => utc,
        }
    }
}

/// Maps a local wall time in `tz` to an instant by the module's rule.
pub fn resolve_local(local: NaiveDateTime, tz: Tz) -> Resolution {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(dt) => Resolution::Exact {
            utc: dt.with_timezone(&Utc),
        },
        LocalResult::Ambiguous(a, b) => {
            let (first, second) = if a <= b { (a, b) } else { (b, a) };
            Resolution::Overlap {
                utc: first.with_timezone(&Utc),
                later: second.with_timezone(&Utc),
            }
        }
        LocalResult::None => {
            // Find the offset before the gap and apply it: the wall time read
            // with the pre-transition offset lands after the jump by the gap's length.
            let mut probe = local;
            let before = loop {
                probe -= Duration::minutes(30);
                if let LocalResult::Single(dt) | LocalResult::Ambiguous(dt, _) =
                    tz.from_local_datetime(&probe)
                {
                    break dt;
                }
                if local - probe > Duration::hours(48) {
                    // No zone has a 48-hour gap; fall back to reading it as UTC.
                    return Resolution::Gap {
                        utc: Utc.from_utc_datetime(&local),
                        shifted_by_minutes: 0,
                    };
                }
            };
            let offset = before.offset().fix();
            let utc = Utc.from_utc_datetime(
                &(local - Duration::seconds(i64::from(offset.local_minus_utc()))),
            );
            let after_local = utc.with_timezone(&tz).naive_local();
            Resolution::Gap {
                utc,
                shifted_by_minutes: (after_local - local).num_minutes(),
            }
        }
    }
}

/// A weekly time slot in the user's zone: weekday and wall-clock time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Slot {
    pub weekday: Weekday,
    pub time: NaiveTime,
}

/// The next slot instant strictly after `after` that `taken` does not already
/// hold, looking at most `horizon_days` ahead. Slots in a DST gap resolve by the
/// module's rule; an overlap uses its first occurrence (a slot fires once).
pub fn next_free_slot(
    slots: &[Slot],
    tz: Tz,
    after: DateTime<Utc>,
    taken: impl Fn(DateTime<Utc>) -> bool,
    horizon_days: u32,
) -> Option<DateTime<Utc>> {
    if slots.is_empty() {
        return None;
    }
    let mut sorted: Vec<Slot> = slots.to_vec();
    sorted.sort_by_key(|s| (s.weekday.num_days_from_monday(), s.time));
    sorted.dedup();
    let start_day: NaiveDate = after.with_timezone(&tz).date_naive();
    for offset in 0..=i64::from(horizon_days) {
        let day = start_day + Duration::days(offset);
        let mut candidates: Vec<DateTime<Utc>> = sorted
            .iter()
            .filter(|s| s.weekday == day.weekday())
            .map(|s| resolve_local(day.and_time(s.time), tz).utc())
            .collect();
        candidates.sort();
        if let Some(hit) = candidates.into_iter().find(|t| *t > after && !taken(*t)) {
            return Some(hit);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }
    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn exact_times_in_both_zones() {
        assert_eq!(
            resolve_local(local("2026-07-01 09:00"), chrono_tz::Europe::Berlin),
            Resolution::Exact {
                utc: utc("2026-07-01T07:00:00Z")
            }
        );
        assert_eq!(
            resolve_local(local("2026-01-15 09:00"), chrono_tz::America::New_York),
            Resolution::Exact {
                utc: utc("2026-01-15T14:00:00Z")
            }
        );
    }

    #[test]
    fn spring_forward_gap_shifts_forward_by_the_gap() {
        // Berlin: 2026-03-29 02:00 CET → 03:00 CEST.
        let r = resolve_local(local("2026-03-29 02:30"), chrono_tz::Europe::Berlin);
        assert_eq!(
            r,
            Resolution::Gap {
                utc: utc("2026-03-29T01:30:00Z"),
                shifted_by_minutes: 60
            }
        );
        assert_eq!(
            r.utc()
                .with_timezone(&chrono_tz::Europe::Berlin)
                .format("%H:%M")
                .to_string(),
            "03:30"
        );
        // New York: 2026-03-08 02:00 EST → 03:00 EDT.
        let r = resolve_local(local("2026-03-08 02:15"), chrono_tz::America::New_York);
        assert_eq!(
            r,
            Resolution::Gap {
                utc: utc("2026-03-08T07:15:00Z"),
                shifted_by_minutes: 60
            }
        );
    }

    #[test]
    fn fall_back_overlap_takes_the_first_occurrence() {
        // Berlin: 2026-10-25 03:00 CEST → 02:00 CET; 02:30 happens twice.
        let r = resolve_local(local("2026-10-25 02:30"), chrono_tz::Europe::Berlin);
        assert_eq!(
            r,
            Resolution::Overlap {
                utc: utc("2026-10-25T00:30:00Z"),
                later: utc("2026-10-25T01:30:00Z")
            }
        );
        // New York: 2026-11-01 01:30 happens twice.
        let r = resolve_local(local("2026-11-01 01:30"), chrono_tz::America::New_York);
        assert_eq!(
            r,
            Resolution::Overlap {
                utc: utc("2026-11-01T05:30:00Z"),
                later: utc("2026-11-01T06:30:00Z")
            }
        );
    }

    #[test]
    fn slots_keep_wall_time_across_dst() {
        let tz = chrono_tz::Europe::Berlin;
        let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap();
        let slots = [
            Slot {
                weekday: Weekday::Sat,
                time: nine,
            },
            Slot {
                weekday: Weekday::Mon,
                time: nine,
            },
        ];
        // Saturday before the spring change: 09:00 CET = 08:00Z; Monday after: 09:00 CEST = 07:00Z.
        let after = utc("2026-03-27T12:00:00Z");
        let first = next_free_slot(&slots, tz, after, |_| false, 14).unwrap();
        assert_eq!(first, utc("2026-03-28T08:00:00Z"));
        let second = next_free_slot(&slots, tz, after, |t| t == first, 14).unwrap();
        assert_eq!(second, utc("2026-03-30T07:00:00Z"));
    }

    #[test]
    fn slot_in_a_gap_or_overlap_fires_once() {
        let tz = chrono_tz::America::New_York;
        let two_thirty = NaiveTime::from_hms_opt(2, 30, 0).unwrap();
        let one_thirty = NaiveTime::from_hms_opt(1, 30, 0).unwrap();
        let gap = next_free_slot(
            &[Slot {
                weekday: Weekday::Sun,
                time: two_thirty,
            }],
            tz,
            utc("2026-03-07T00:00:00Z"),
            |_| false,
            7,
        );
        assert_eq!(
            gap,
            Some(utc("2026-03-08T07:30:00Z")),
            "02:30 doesn't exist: 03:30 EDT"
        );
        let slots = [Slot {
            weekday: Weekday::Sun,
            time: one_thirty,
        }];
        let first = next_free_slot(&slots, tz, utc("2026-10-31T00:00:00Z"), |_| false, 7).unwrap();
        assert_eq!(first, utc("2026-11-01T05:30:00Z"));
        let next = next_free_slot(&slots, tz, utc("2026-10-31T00:00:00Z"), |t| t == first, 14);
        assert_eq!(
            next,
            Some(utc("2026-11-08T06:30:00Z")),
            "the repeated hour is not a second slot"
        );
    }

    #[test]
    fn no_slots_or_all_taken_gives_none() {
        let tz = chrono_tz::UTC;
        assert_eq!(
            next_free_slot(&[], tz, utc("2026-01-01T00:00:00Z"), |_| false, 7),
            None
        );
        let s = [Slot {
            weekday: Weekday::Mon,
            time: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
        }];
        assert_eq!(
            next_free_slot(&s, tz, utc("2026-01-01T00:00:00Z"), |_| true, 7),
            None
        );
    }
}
