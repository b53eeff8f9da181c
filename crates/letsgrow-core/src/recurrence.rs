//! Recurring schedules for background jobs: when does a repeating job run next?
//!
//! A schedule is stored as text (`every 15m`, `daily 08:00`,
//! `weekly mon,thu 08:00`) plus an IANA zone, so it survives restarts and every
//! process computes the same occurrences from it:
//! - `every N{s,m,h,d}` fires at whole multiples of the interval since the Unix
//!   epoch (so two processes agree on "the 10:15 occurrence" without talking);
//! - `daily HH:MM` and `weekly DAYS HH:MM` are wall-clock times in the zone,
//!   resolved by [`crate::schedule::resolve_local`]'s DST rule: a time in the
//!   spring-forward gap runs shifted forward by the gap, a time that happens
//!   twice in the autumn runs once, at its first occurrence.

use crate::schedule::resolve_local;
use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use std::fmt;

/// When a recurring job runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recurrence {
    /// Every `secs` seconds, at multiples of the interval since the epoch.
    Every { secs: u32 },
    /// Each of `days` (Monday first, no repeats) at `at` in `zone`. Daily
    /// schedules are the seven-day case.
    Weekly {
        days: Vec<Weekday>,
        at: NaiveTime,
        zone: Tz,
    },
}

/// Why a schedule text was refused, in words for the person who wrote it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecurrenceError {
    #[error("“{0}” is not a schedule: write `every 15m`, `daily 08:00` or `weekly mon,thu 08:00`")]
    Shape(String),
    #[error("“{0}” is not an interval: write a whole number and s, m, h or d, e.g. `every 15m`")]
    Interval(String),
    #[error("the interval must be between 1 second and 7 days")]
    IntervalRange,
    #[error("“{0}” is not a time of day: write 24-hour HH:MM, e.g. 08:00")]
    Time(String),
    #[error("“{0}” is not a weekday: write mon, tue, wed, thu, fri, sat or sun")]
    Weekday(String),
    #[error("“{0}” is not a time zone: use an IANA name such as Europe/Berlin")]
    Zone(String),
}

const MAX_INTERVAL_SECS: u32 = 7 * 24 * 3600;

impl Recurrence {
    /// Reads a schedule text and its zone (the zone matters for `daily` and
    /// `weekly` only; intervals ignore it).
    pub fn parse(spec: &str, zone: &str) -> Result<Recurrence, RecurrenceError> {
        let words: Vec<&str> = spec.split_whitespace().collect();
        let tz = || -> Result<Tz, RecurrenceError> {
            zone.trim()
                .parse::<Tz>()
                .map_err(|_| RecurrenceError::Zone(zone.to_owned()))
        };
        match words.as_slice() {
            ["every", n] => {
                let (digits, unit) = n.split_at(n.len().saturating_sub(1));
                let count: u32 = digits
                    .parse()
                    .map_err(|_| RecurrenceError::Interval((*n).to_owned()))?;
                let per = match unit {
                    "s" => 1,
                    "m" => 60,
                    "h" => 3600,
                    "d" => 86_400,
                    _ => return Err(RecurrenceError::Interval((*n).to_owned())),
                };
                let secs = count
                    .checked_mul(per)
                    .filter(|s| (1..=MAX_INTERVAL_SECS).contains(s))
                    .ok_or(RecurrenceError::IntervalRange)?;
                Ok(Recurrence::Every { secs })
            }
            ["daily", at] => Ok(Recurrence::Weekly {
                days: ALL_DAYS.to_vec(),
                at: parse_time(at)?,
                zone: tz()?,
            }),
            ["weekly", days, at] => {
                let mut list = Vec::new();
                for d in days.split(',') {
                    list.push(parse_weekday(d)?);
                }
                list.sort_by_key(Weekday::num_days_from_monday);
                list.dedup();
                Ok(Recurrence::Weekly {
                    days: list,
                    at: parse_time(at)?,
                    zone: tz()?,
                })
            }
            _ => Err(RecurrenceError::Shape(spec.to_owned())),
        }
    }

    /// The stored zone text (`UTC` for intervals).
    pub fn zone_name(&self) -> &'static str {
        match self {
            Recurrence::Every { .. } => "UTC",
            Recurrence::Weekly { zone, .. } => zone.name(),
        }
    }

    /// The first occurrence strictly after `after`.
    pub fn next_after(&self, after: DateTime<Utc>) -> DateTime<Utc> {
        match self {
            Recurrence::Every { secs } => {
                let step = i64::from(*secs) * 1000;
                let ms = after.timestamp_millis();
                let next = (ms.div_euclid(step) + 1) * step;
                Utc.timestamp_millis_opt(next).single().unwrap_or(after)
            }
            Recurrence::Weekly { days, at, zone } => {
                // Start a day early: near midnight the local date of `after`
                // may already be past an occurrence that is still ahead in UTC.
                let start = after.with_timezone(zone).date_naive() - Duration::days(1);
                for offset in 0..=8 {
                    let day = start + Duration::days(offset);
                    if !days.contains(&day.weekday()) {
                        continue;
                    }
                    let t = resolve_local(day.and_time(*at), *zone).utc();
                    if t > after {
                        return t;
                    }
                }
                // Unreachable for a non-empty day list (the parser never makes
                // an empty one): a week always holds the next occurrence.
                after + Duration::days(7)
            }
        }
    }
}

const ALL_DAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

fn parse_time(s: &str) -> Result<NaiveTime, RecurrenceError> {
    NaiveTime::parse_from_str(s, "%H:%M").map_err(|_| RecurrenceError::Time(s.to_owned()))
}

fn parse_weekday(s: &str) -> Result<Weekday, RecurrenceError> {
    let w = s.trim().to_ascii_lowercase();
    Ok(match w.as_str() {
        "mon" | "monday" => Weekday::Mon,
        "tue" | "tuesday" => Weekday::Tue,
        "wed" | "wednesday" => Weekday::Wed,
        "thu" | "thursday" => Weekday::Thu,
        "fri" | "friday" => Weekday::Fri,
        "sat" | "saturday" => Weekday::Sat,
        "sun" | "sunday" => Weekday::Sun,
        _ => return Err(RecurrenceError::Weekday(s.to_owned())),
    })
}

/// The canonical text, which [`Recurrence::parse`] reads back.
impl fmt::Display for Recurrence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Recurrence::Every { secs } => {
                let (n, unit) = if secs % 86_400 == 0 {
                    (secs / 86_400, "d")
                } else if secs % 3600 == 0 {
                    (secs / 3600, "h")
                } else if secs % 60 == 0 {
                    (secs / 60, "m")
                } else {
                    (*secs, "s")
                };
                write!(f, "every {n}{unit}")
            }
            Recurrence::Weekly { days, at, .. } if days.len() == 7 => {
                write!(f, "daily {}", at.format("%H:%M"))
            }
            Recurrence::Weekly { days, at, .. } => {
                let names: Vec<String> = days
                    .iter()
                    .map(|d| d.to_string().to_ascii_lowercase())
                    .collect();
                write!(f, "weekly {} {}", names.join(","), at.format("%H:%M"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    /// The next `n` occurrences after `from`.
    fn run(r: &Recurrence, from: &str, n: usize) -> Vec<String> {
        let mut t = utc(from);
        (0..n)
            .map(|_| {
                t = r.next_after(t);
                t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            })
            .collect()
    }

    #[test]
    fn berlin_monday_eight_across_both_2027_changes() {
        // DST starts Sun 2027-03-28 and ends Sun 2027-10-31 in Europe/Berlin:
        // 08:00 local is 07:00Z in winter and 06:00Z in summer.
        let r = Recurrence::parse("weekly mon 08:00", "Europe/Berlin").unwrap();
        assert_eq!(
            run(&r, "2027-03-15T12:00:00Z", 3),
            [
                "2027-03-22T07:00:00Z",
                "2027-03-29T06:00:00Z",
                "2027-04-05T06:00:00Z"
            ]
        );
        assert_eq!(
            run(&r, "2027-10-18T12:00:00Z", 3),
            [
                "2027-10-25T06:00:00Z",
                "2027-11-01T07:00:00Z",
                "2027-11-08T07:00:00Z"
            ]
        );
    }

    #[test]
    fn gap_and_overlap_follow_the_scheduling_rule() {
        let r = Recurrence::parse("daily 02:30", "Europe/Berlin").unwrap();
        // 02:30 does not exist on 2027-03-28: it runs at 03:30 CEST.
        assert_eq!(
            run(&r, "2027-03-27T12:00:00Z", 2),
            ["2027-03-28T01:30:00Z", "2027-03-29T00:30:00Z"]
        );
        // 02:30 happens twice on 2027-10-31: it runs once, at the first.
        assert_eq!(
            run(&r, "2027-10-30T12:00:00Z", 2),
            ["2027-10-31T00:30:00Z", "2027-11-01T01:30:00Z"]
        );
    }

    #[test]
    fn intervals_align_to_the_epoch() {
        let r = Recurrence::parse("every 15m", "Europe/Berlin").unwrap();
        assert_eq!(
            run(&r, "2026-12-07T10:07:31Z", 2),
            ["2026-12-07T10:15:00Z", "2026-12-07T10:30:00Z"]
        );
        // Exactly on an occurrence: the next one is strictly later.
        assert_eq!(run(&r, "2026-12-07T10:15:00Z", 1), ["2026-12-07T10:30:00Z"]);
        let h = Recurrence::parse("every 1h", "UTC").unwrap();
        assert_eq!(run(&h, "2026-12-07T23:59:59Z", 1), ["2026-12-08T00:00:00Z"]);
    }

    #[test]
    fn late_evening_in_a_zone_ahead_of_utc() {
        // Asia/Tokyo is UTC+9: Monday 08:00 there is Sunday 23:00Z.
        let r = Recurrence::parse("weekly mon 08:00", "Asia/Tokyo").unwrap();
        assert_eq!(run(&r, "2026-12-06T22:00:00Z", 1), ["2026-12-06T23:00:00Z"]);
        assert_eq!(run(&r, "2026-12-06T23:00:00Z", 1), ["2026-12-13T23:00:00Z"]);
    }

    #[test]
    fn several_days_in_order() {
        let r = Recurrence::parse("weekly thu,mon,mon 09:00", "UTC").unwrap();
        assert_eq!(
            run(&r, "2026-12-07T09:00:00Z", 3),
            [
                "2026-12-10T09:00:00Z",
                "2026-12-14T09:00:00Z",
                "2026-12-17T09:00:00Z"
            ]
        );
    }

    #[test]
    fn texts_round_trip() {
        for (spec, zone, canonical) in [
            ("every 30s", "UTC", "every 30s"),
            ("every 90m", "UTC", "every 90m"),
            ("every 60m", "UTC", "every 1h"),
            ("every 1d", "UTC", "every 1d"),
            ("daily 08:00", "Europe/Berlin", "daily 08:00"),
            (
                "weekly Monday,fri 07:30",
                "Asia/Kolkata",
                "weekly mon,fri 07:30",
            ),
        ] {
            let r = Recurrence::parse(spec, zone).unwrap();
            assert_eq!(r.to_string(), canonical, "{spec}");
            assert_eq!(Recurrence::parse(canonical, zone).unwrap(), r, "{spec}");
        }
    }

    #[test]
    fn bad_texts_say_what_to_write() {
        use RecurrenceError as E;
        for (spec, zone, want) in [
            ("hourly", "UTC", E::Shape("hourly".into())),
            ("every", "UTC", E::Shape("every".into())),
            ("every 15", "UTC", E::Interval("15".into())),
            ("every 15y", "UTC", E::Interval("15y".into())),
            ("every 0m", "UTC", E::IntervalRange),
            ("every 8d", "UTC", E::IntervalRange),
            ("daily 8am", "UTC", E::Time("8am".into())),
            ("daily 24:00", "UTC", E::Time("24:00".into())),
            ("weekly funday 08:00", "UTC", E::Weekday("funday".into())),
            ("daily 08:00", "Mars/Base", E::Zone("Mars/Base".into())),
        ] {
            assert_eq!(Recurrence::parse(spec, zone), Err(want), "{spec}");
        }
        // Intervals do not read the zone.
        assert!(Recurrence::parse("every 5m", "Mars/Base").is_ok());
    }
}
