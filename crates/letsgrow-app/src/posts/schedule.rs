//! When each target publishes: exact instants, local times in an IANA zone
//! (with the DST rule of `letsgrow_core::schedule`), each channel's weekly
//! queue slots, and the history line that says how a time was chosen.

use super::*;

/// Different weekly slots one channel may have.
pub const MAX_SLOTS: usize = 100;

impl PostService {
    /// Resolves when each channel's target publishes (None = draft).
    pub(super) async fn instants(
        &self,
        user_id: &str,
        when: &When,
        channels: &[&ChannelRow],
        errors: &mut Errors,
    ) -> Result<(Vec<Option<i64>>, Option<Resolution>), PostError> {
        let now = now_ms();
        let single = |at: i64, errors: &mut Errors| {
            if at < now - PAST_TOLERANCE_MS {
                errors.push((
                    "schedule".into(),
                    "is in the past; pick a later time or publish now".into(),
                ));
            }
            vec![Some(at.max(now)); channels.len()]
        };
        Ok(match when {
            When::Draft => (vec![None; channels.len()], None),
            When::Now => (vec![Some(now); channels.len()], None),
            When::At(t) => (single(t.timestamp_millis(), errors), None),
            When::Local(local, tz) => {
                let r = resolve_local(*local, *tz);
                (single(r.utc().timestamp_millis(), errors), Some(r))
            }
            When::Queue => {
                let tz = self.user_zone(user_id).await?;
                let mut out = Vec::new();
                for c in channels {
                    match self.next_slot(c, tz).await? {
                        Some(t) => out.push(Some(t)),
                        None => {
                            errors.push((
                                "schedule".into(),
                                format!(
                                    "{} has no free queue slot: add weekly slots for it first",
                                    c.handle
                                ),
                            ));
                            out.push(None);
                        }
                    }
                }
                (out, None)
            }
        })
    }

    /// The channel's next free weekly slot after now.
    pub async fn next_slot(&self, channel: &ChannelRow, tz: Tz) -> Result<Option<i64>, PostError> {
        let slots: Vec<Slot> = repo::slots(&self.db, &channel.id)
            .await?
            .into_iter()
            .filter_map(|(d, m)| slot_from(d, m))
            .collect();
        let now = Utc::now();
        let taken: std::collections::HashSet<i64> =
            repo::taken_times(&self.db, &channel.id, now.timestamp_millis())
                .await?
                .into_iter()
                .collect();
        Ok(next_free_slot(
            &slots,
            tz,
            now,
            |t| taken.contains(&t.timestamp_millis()),
            SLOT_HORIZON_DAYS,
        )
        .map(|t| t.timestamp_millis()))
    }

    pub async fn slots(
        &self,
        user_id: &str,
        channel_id: &str,
    ) -> Result<(Vec<Slot>, Tz, Option<i64>), PostError> {
        let channel = letsgrow_db::channels::get_for_user(&self.db, user_id, channel_id)
            .await?
            .ok_or(PostError::NotFound)?;
        let tz = self.user_zone(user_id).await?;
        let slots = repo::slots(&self.db, channel_id)
            .await?
            .into_iter()
            .filter_map(|(d, m)| slot_from(d, m))
            .collect();
        let next = self.next_slot(&channel, tz).await?;
        Ok((slots, tz, next))
    }

    pub async fn set_slots(
        &self,
        user_id: &str,
        channel_id: &str,
        slots: &[Slot],
    ) -> Result<(), PostError> {
        letsgrow_db::channels::get_for_user(&self.db, user_id, channel_id)
            .await?
            .ok_or(PostError::NotFound)?;
        let mut rows: Vec<(i64, i64)> = slots
            .iter()
            .map(|s| {
                use chrono::Timelike;
                (
                    i64::from(s.weekday.num_days_from_monday()),
                    i64::from(s.time.hour() * 60 + s.time.minute()),
                )
            })
            .collect();
        // The same slot twice is one slot; the week holds at most MAX_SLOTS.
        rows.sort_unstable();
        rows.dedup();
        if rows.len() > MAX_SLOTS {
            return Err(PostError::Validation(vec![(
                "slots".into(),
                format!(
                    "has {} different slots; a channel takes at most {MAX_SLOTS} a week",
                    rows.len()
                ),
            )]));
        }
        repo::set_slots(&self.db, channel_id, &rows).await?;
        Ok(())
    }
}

fn slot_from(weekday: i64, minute: i64) -> Option<Slot> {
    use chrono::Weekday;
    let weekday = match weekday {
        0 => Weekday::Mon,
        1 => Weekday::Tue,
        2 => Weekday::Wed,
        3 => Weekday::Thu,
        4 => Weekday::Fri,
        5 => Weekday::Sat,
        6 => Weekday::Sun,
        _ => return None,
    };
    let m = u32::try_from(minute).ok()?;
    Some(Slot {
        weekday,
        time: chrono::NaiveTime::from_hms_opt(m / 60, m % 60, 0)?,
    })
}

/// The history line for a scheduling decision, naming any DST adjustment.
pub fn schedule_message(when: &When, r: Option<&Resolution>) -> String {
    match (when, r) {
        (When::Draft, _) => "saved as draft".into(),
        (When::Now, _) => "publish now".into(),
        (When::Queue, _) => "added to the queue (next free slot)".into(),
        (When::At(t), _) => format!(
            "scheduled for {}",
            t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ),
        (When::Local(l, tz), Some(r)) => format!(
            "scheduled for {} {} ({})",
            l.format("%Y-%m-%d %H:%M"),
            tz.name(),
            describe(r, *tz)
        ),
        (When::Local(l, tz), None) => {
            format!("scheduled for {} {}", l.format("%Y-%m-%d %H:%M"), tz.name())
        }
    }
}

/// A person-readable account of how a local time resolved.
pub fn describe(r: &Resolution, tz: Tz) -> String {
    let local = |t: DateTime<Utc>| t.with_timezone(&tz).format("%Y-%m-%d %H:%M %Z").to_string();
    match r {
        Resolution::Exact { utc } => local(*utc),
        Resolution::Gap {
            utc,
            shifted_by_minutes,
        } => format!(
            "that time does not exist (clocks spring forward); moved {shifted_by_minutes} minutes later to {}",
            local(*utc)
        ),
        Resolution::Overlap { utc, later } => format!(
            "that time happens twice (clocks fall back); using the first, {}, not {}",
            local(*utc),
            local(*later)
        ),
    }
}
