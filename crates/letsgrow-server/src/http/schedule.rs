//! `/api/v1/channels/{id}/slots` (weekly queue slots) and
//! `/api/v1/schedule/resolve` (what a local time means, DST included).

use crate::error::{ApiError, FieldErrors};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::http::auth::Authenticated;
use crate::state::AppState;
use axum::extract::State;
use chrono_tz::Tz;
use letsgrow_app::posts::describe;
use letsgrow_core::schedule::Resolution;
use letsgrow_core::time::rfc3339;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl From<Weekday> for chrono::Weekday {
    fn from(w: Weekday) -> Self {
        match w {
            Weekday::Mon => chrono::Weekday::Mon,
            Weekday::Tue => chrono::Weekday::Tue,
            Weekday::Wed => chrono::Weekday::Wed,
            Weekday::Thu => chrono::Weekday::Thu,
            Weekday::Fri => chrono::Weekday::Fri,
            Weekday::Sat => chrono::Weekday::Sat,
            Weekday::Sun => chrono::Weekday::Sun,
        }
    }
}

impl From<chrono::Weekday> for Weekday {
    fn from(w: chrono::Weekday) -> Self {
        match w {
            chrono::Weekday::Mon => Weekday::Mon,
            chrono::Weekday::Tue => Weekday::Tue,
            chrono::Weekday::Wed => Weekday::Wed,
            chrono::Weekday::Thu => Weekday::Thu,
            chrono::Weekday::Fri => Weekday::Fri,
            chrono::Weekday::Sat => Weekday::Sat,
            chrono::Weekday::Sun => Weekday::Sun,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlotTime {
    pub weekday: Weekday,
    /// `HH:MM`, wall-clock in your time zone.
    #[schema(pattern = "^([01]\\d|2[0-3]):[0-5]\\d$", max_length = 5)]
    pub time: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetSlotsRequest {
    #[schema(max_items = 200)]
    pub slots: Vec<SlotTime>,
}

#[derive(Serialize, ToSchema)]
pub struct Slots {
    pub channel_id: String,
    /// Your account's zone; slots are wall-clock times in it (they follow DST).
    pub timezone: String,
    pub slots: Vec<SlotTime>,
    /// The next free slot, when there is one within a year.
    #[schema(format = "date-time")]
    pub next_free: Option<String>,
}

async fn slots_view(state: &AppState, user_id: &str, channel_id: &str) -> Result<Slots, ApiError> {
    use chrono::Timelike;
    let (slots, tz, next) = state.posts.slots(user_id, channel_id).await?;
    Ok(Slots {
        channel_id: channel_id.to_owned(),
        timezone: tz.name().to_owned(),
        slots: slots
            .into_iter()
            .map(|s| SlotTime {
                weekday: s.weekday.into(),
                time: format!("{:02}:{:02}", s.time.hour(), s.time.minute()),
            })
            .collect(),
        next_free: next.map(rfc3339),
    })
}

/// A channel's weekly queue slots.
#[utoipa::path(get, path = "/api/v1/channels/{id}/slots", operation_id = "slots_get", tag = "posts",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Channel id")),
    responses(
        (status = 200, description = "Slots", body = Slots),
        (status = 401, description = "Not logged in", body = crate::error::ErrorBody),
        (status = 404, description = "No such channel", body = crate::error::ErrorBody),
    ))]
pub async fn slots_get(
    State(state): State<AppState>,
    Authenticated(who): Authenticated,
    ApiPath(id): ApiPath<String>,
) -> Result<axum::Json<Slots>, ApiError> {
    Ok(axum::Json(slots_view(&state, &who.user.id, &id).await?))
}

/// Replace a channel's weekly queue slots.
#[utoipa::path(put, path = "/api/v1/channels/{id}/slots", operation_id = "slots_set", tag = "posts",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Channel id")),
    request_body = SetSlotsRequest,
    responses(
        (status = 200, description = "Slots", body = Slots),
        (status = 400, description = "Malformed JSON", body = crate::error::ErrorBody),
        (status = 401, description = "Not logged in", body = crate::error::ErrorBody),
        (status = 404, description = "No such channel", body = crate::error::ErrorBody),
        (status = 413, description = "Body too large", body = crate::error::ErrorBody),
        (status = 415, description = "Not JSON", body = crate::error::ErrorBody),
        (status = 422, description = "Invalid slots", body = crate::error::ErrorBody),
    ))]
pub async fn slots_set(
    State(state): State<AppState>,
    Authenticated(who): Authenticated,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<SetSlotsRequest>,
) -> Result<axum::Json<Slots>, ApiError> {
    let mut errors = FieldErrors::default();
    let mut slots = Vec::new();
    if req.slots.len() > 200 {
        errors.add("slots", "at most 200 slots");
    }
    for (i, s) in req.slots.iter().enumerate() {
        match chrono::NaiveTime::parse_from_str(&s.time, "%H:%M") {
            Ok(t) if s.time.len() == 5 => slots.push(letsgrow_core::schedule::Slot {
                weekday: s.weekday.into(),
                time: t,
            }),
            _ => errors.add(
                &format!("slots[{i}].time"),
                "must be HH:MM (00:00 to 23:59)",
            ),
        }
    }
    errors.into_result()?;
    state.posts.set_slots(&who.user.id, &id, &slots).await?;
    Ok(axum::Json(slots_view(&state, &who.user.id, &id).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ResolveQuery {
    /// `YYYY-MM-DDTHH:MM`.
    #[param(
        max_length = 32,
        pattern = "^\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2})?$"
    )]
    pub local: String,
    /// IANA zone; default your account's zone.
    #[param(max_length = 64)]
    pub timezone: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ResolvedTime {
    /// `exact`, `gap` (the time does not exist; moved later) or `overlap` (happens twice; the first is used).
    pub kind: String,
    #[schema(format = "date-time")]
    pub utc: String,
    /// Overlap: the second occurrence.
    #[schema(format = "date-time")]
    pub later: Option<String>,
    pub shifted_by_minutes: Option<i64>,
    pub timezone: String,
    /// What will happen, in words (show it before saving).
    pub message: String,
}

/// How a local wall time maps to an instant in a zone (DST gaps and overlaps), before saving.
#[utoipa::path(get, path = "/api/v1/schedule/resolve", operation_id = "schedule_resolve", tag = "posts",
    security(("bearer" = [])),
    params(ResolveQuery),
    responses(
        (status = 200, description = "The resolution", body = ResolvedTime),
        (status = 401, description = "Not logged in", body = crate::error::ErrorBody),
        (status = 422, description = "Invalid time or zone", body = crate::error::ErrorBody),
    ))]
pub async fn resolve(
    State(state): State<AppState>,
    Authenticated(who): Authenticated,
    ApiQuery(q): ApiQuery<ResolveQuery>,
) -> Result<axum::Json<ResolvedTime>, ApiError> {
    let mut errors = FieldErrors::default();
    if q.local.len() > 32 {
        errors.add("local", "must be at most 32 characters");
    }
    if q.timezone.as_ref().is_some_and(|z| z.len() > 64) {
        errors.add("timezone", "must be at most 64 characters");
    }
    let local = super::posts::parse_local(&q.local);
    if local.is_none() {
        errors.add("local", "must be a wall time YYYY-MM-DDTHH:MM");
    }
    let tz = match q.timezone.as_deref() {
        Some(z) => z
            .parse::<Tz>()
            .map_err(|_| errors.add("timezone", "is not an IANA time zone"))
            .ok(),
        None => Some(state.auth.user_zone(&who.user.id).await?),
    };
    errors.into_result()?;
    let (Some(local), Some(tz)) = (local, tz) else {
        return Err(ApiError::field("local", "is invalid"));
    };
    let r = letsgrow_core::schedule::resolve_local(local, tz);
    let (kind, later, shifted) = match r {
        Resolution::Exact { .. } => ("exact", None, None),
        Resolution::Gap {
            shifted_by_minutes, ..
        } => ("gap", None, Some(shifted_by_minutes)),
        Resolution::Overlap { later, .. } => {
            ("overlap", Some(rfc3339(later.timestamp_millis())), None)
        }
    };
    Ok(axum::Json(ResolvedTime {
        kind: kind.into(),
        utc: rfc3339(r.utc().timestamp_millis()),
        later,
        shifted_by_minutes: shifted,
        timezone: tz.name().into(),
        message: describe(&r, tz),
    }))
}
