//! Post and account numbers in one shape for every platform, and the one
//! definition of engagement and engagement rate.
//!
//! A platform's own field names map onto [`Metric`] through
//! [`PLATFORM_FIELDS`], the single table the providers, the history importers
//! and the README's per-platform table follow. A number a platform does not
//! report stays `None`: analytics never shows a 0 it was not told.

use crate::{Metric, Platform};

/// The numbers one post had at one moment. `None` = not reported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MetricSet {
    values: [Option<i64>; Metric::ALL.len()],
}

impl MetricSet {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn get(&self, metric: Metric) -> Option<i64> {
        self.values[metric as usize]
    }

    /// Records a number. Negative numbers (a platform's "unknown" marker on
    /// some APIs) are treated as not reported.
    pub fn set(&mut self, metric: Metric, value: i64) {
        self.values[metric as usize] = (value >= 0).then_some(value);
    }

    /// Builder form of [`set`](Self::set) that skips `None`.
    pub fn with(mut self, metric: Metric, value: Option<i64>) -> Self {
        if let Some(v) = value {
            self.set(metric, v);
        }
        self
    }

    /// The reported numbers, in [`Metric::ALL`] order.
    pub fn present(&self) -> impl Iterator<Item = (Metric, i64)> + '_ {
        Metric::ALL
            .iter()
            .filter_map(|m| self.get(*m).map(|v| (*m, v)))
    }

    pub fn is_empty(&self) -> bool {
        self.values.iter().all(Option::is_none)
    }

    /// Maps one platform field onto its metric; `false` when the field is not
    /// in [`PLATFORM_FIELDS`] for that platform (the caller ignores it).
    pub fn set_field(&mut self, platform: Platform, field: &str, value: i64) -> bool {
        match metric_for(platform, field) {
            Some(m) => {
                self.set(m, value);
                true
            }
            None => false,
        }
    }

    /// Engagements: the interactions people made with the post — likes,
    /// reposts, replies, quotes, saves and shares, whichever the platform
    /// reports. Clicks, profile visits and follows are results, not
    /// interactions, and are left out so platforms compare. `None` when the
    /// platform reported none of them.
    pub fn engagements(&self) -> Option<i64> {
        let parts = ENGAGEMENT_METRICS.iter().filter_map(|m| self.get(*m));
        parts.fold(None, |acc, v| Some(acc.unwrap_or(0) + v))
    }
}

/// What [`MetricSet::engagements`] adds up.
pub const ENGAGEMENT_METRICS: [Metric; 6] = [
    Metric::Likes,
    Metric::Reposts,
    Metric::Replies,
    Metric::Quotes,
    Metric::Saves,
    Metric::Shares,
];

/// What an engagement rate was divided by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RateBasis {
    /// Engagements per view (the platform reports views).
    Views,
    /// Engagements per follower at the time (the platform reports no views).
    Followers,
}

/// The one engagement rate: engagements / views where the platform reports
/// views (and they are above 0), else engagements / followers at the time of
/// the post. `None` when neither divisor is known or there are no
/// engagement numbers at all.
pub fn engagement_rate(metrics: &MetricSet, followers: Option<i64>) -> Option<(f64, RateBasis)> {
    let engagements = metrics.engagements()? as f64;
    if let Some(views) = metrics.get(Metric::Views).filter(|v| *v > 0) {
        return Some((engagements / views as f64, RateBasis::Views));
    }
    let followers = followers.filter(|f| *f > 0)?;
    Some((engagements / followers as f64, RateBasis::Followers))
}

/// Numbers about the account at one moment. `None` = not reported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AccountStats {
    pub followers: Option<i64>,
    pub following: Option<i64>,
    pub posts: Option<i64>,
}

/// Each platform's own post-metric field names and the metric each means.
/// Sources: `../shared/research/platform-metrics-and-rules.md` (checked
/// against the X and Mastodon specs and the atproto lexicons).
#[rustfmt::skip]
pub const PLATFORM_FIELDS: &[(Platform, &str, Metric)] = &[
    // X v2 `public_metrics`; the spec says `repost_count`, the docs `retweet_count`.
    (Platform::X, "impression_count", Metric::Views),
    (Platform::X, "like_count", Metric::Likes),
    (Platform::X, "retweet_count", Metric::Reposts),
    (Platform::X, "repost_count", Metric::Reposts),
    (Platform::X, "reply_count", Metric::Replies),
    (Platform::X, "quote_count", Metric::Quotes),
    (Platform::X, "bookmark_count", Metric::Saves),
    (Platform::X, "url_link_clicks", Metric::Clicks),
    (Platform::X, "user_profile_clicks", Metric::ProfileVisits),
    // X archive (`tweets.js`).
    (Platform::X, "favorite_count", Metric::Likes),
    // Bluesky `app.bsky.feed.defs#postView` (no views).
    (Platform::Bluesky, "likeCount", Metric::Likes),
    (Platform::Bluesky, "repostCount", Metric::Reposts),
    (Platform::Bluesky, "replyCount", Metric::Replies),
    (Platform::Bluesky, "quoteCount", Metric::Quotes),
    (Platform::Bluesky, "bookmarkCount", Metric::Saves),
    // Mastodon `Status` (no views).
    (Platform::Mastodon, "favourites_count", Metric::Likes),
    (Platform::Mastodon, "reblogs_count", Metric::Reposts),
    (Platform::Mastodon, "replies_count", Metric::Replies),
    (Platform::Mastodon, "quotes_count", Metric::Quotes),
    // LinkedIn `memberCreatorPostAnalytics` query types.
    (Platform::Linkedin, "IMPRESSION", Metric::Views),
    (Platform::Linkedin, "MEMBERS_REACHED", Metric::Reach),
    (Platform::Linkedin, "REACTION", Metric::Likes),
    (Platform::Linkedin, "RESHARE", Metric::Reposts),
    (Platform::Linkedin, "COMMENT", Metric::Replies),
    (Platform::Linkedin, "POST_SAVE", Metric::Saves),
    (Platform::Linkedin, "POST_SEND", Metric::Shares),
    // Reddit `/api/info`: the score is net votes, the nearest thing to likes.
    (Platform::Reddit, "score", Metric::Likes),
    (Platform::Reddit, "num_comments", Metric::Replies),
    // Instagram `/{media}/insights` (since 2025 `views`; `impressions` is gone).
    (Platform::Instagram, "views", Metric::Views),
    (Platform::Instagram, "reach", Metric::Reach),
    (Platform::Instagram, "likes", Metric::Likes),
    (Platform::Instagram, "comments", Metric::Replies),
    (Platform::Instagram, "saved", Metric::Saves),
    (Platform::Instagram, "shares", Metric::Shares),
    (Platform::Instagram, "profile_visits", Metric::ProfileVisits),
    (Platform::Instagram, "follows", Metric::Follows),
    // Threads `/{media}/insights`.
    (Platform::Threads, "views", Metric::Views),
    (Platform::Threads, "likes", Metric::Likes),
    (Platform::Threads, "replies", Metric::Replies),
    (Platform::Threads, "reposts", Metric::Reposts),
    (Platform::Threads, "quotes", Metric::Quotes),
    (Platform::Threads, "shares", Metric::Shares),
];

/// The metric a platform's field means, from [`PLATFORM_FIELDS`].
pub fn metric_for(platform: Platform, field: &str) -> Option<Metric> {
    PLATFORM_FIELDS
        .iter()
        .find(|(p, f, _)| *p == platform && *f == field)
        .map(|(_, _, m)| *m)
}

/// The metrics a platform can report at all (the rest are always absent).
pub fn metrics_of(platform: Platform) -> Vec<Metric> {
    Metric::ALL
        .iter()
        .copied()
        .filter(|m| {
            PLATFORM_FIELDS
                .iter()
                .any(|(p, _, pm)| *p == platform && pm == m)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_is_not_zero() {
        let m = MetricSet::new().with(Metric::Likes, Some(0));
        assert_eq!(m.get(Metric::Likes), Some(0));
        assert_eq!(m.get(Metric::Views), None);
        assert_eq!(m.engagements(), Some(0));
        assert_eq!(MetricSet::new().engagements(), None);
        assert!(MetricSet::new().is_empty());
        let mut neg = MetricSet::new();
        neg.set(Metric::Views, -1);
        assert_eq!(neg.get(Metric::Views), None);
    }

    #[test]
    fn engagements_add_interactions_only() {
        let m = MetricSet::new()
            .with(Metric::Likes, Some(10))
            .with(Metric::Reposts, Some(2))
            .with(Metric::Replies, Some(3))
            .with(Metric::Clicks, Some(50))
            .with(Metric::Follows, Some(4));
        assert_eq!(m.engagements(), Some(15));
    }

    type Row<'a> = (&'a MetricSet, Option<i64>, Option<(f64, RateBasis)>);

    #[test]
    fn engagement_rate_table() {
        let with_views = MetricSet::new()
            .with(Metric::Likes, Some(10))
            .with(Metric::Views, Some(200));
        let no_views = MetricSet::new().with(Metric::Likes, Some(10));
        let zero_views = no_views.with(Metric::Views, Some(0));
        #[rustfmt::skip]
        let table: &[Row] = &[
            (&with_views, Some(1000), Some((0.05, RateBasis::Views))),
            (&with_views, None, Some((0.05, RateBasis::Views))),
            (&no_views, Some(100), Some((0.1, RateBasis::Followers))),
            (&zero_views, Some(100), Some((0.1, RateBasis::Followers))),
            (&no_views, None, None),
            (&no_views, Some(0), None),
            (&MetricSet::new(), Some(100), None),
        ];
        for (m, followers, want) in table {
            assert_eq!(engagement_rate(m, *followers), *want, "{m:?} {followers:?}");
        }
    }

    #[test]
    fn platform_fields_map_once_per_platform() {
        let mut seen = std::collections::HashSet::new();
        for (p, f, _) in PLATFORM_FIELDS {
            assert!(seen.insert((*p, *f)), "{p:?} {f} listed twice");
        }
        let mut m = MetricSet::new();
        assert!(m.set_field(Platform::X, "retweet_count", 3));
        assert!(m.set_field(Platform::X, "repost_count", 4));
        assert_eq!(m.get(Metric::Reposts), Some(4));
        assert!(!m.set_field(Platform::Instagram, "impressions", 9));
        assert!(!m.set_field(Platform::Bluesky, "favourites_count", 9));
        assert_eq!(
            metrics_of(Platform::Bluesky),
            vec![
                Metric::Likes,
                Metric::Reposts,
                Metric::Replies,
                Metric::Quotes,
                Metric::Saves
            ]
        );
        assert!(!metrics_of(Platform::Mastodon).contains(&Metric::Views));
        assert!(metrics_of(Platform::Webhook).is_empty());
    }
}
