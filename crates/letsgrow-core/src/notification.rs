//! The kinds of in-app notification, with the text each is stored as.

use std::fmt;

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// A channel lost access (`channel_id`): reconnect it.
    ChannelNeedsReconnect,
    /// A channel was disconnected and its unpublished posts went with it.
    ChannelDisconnected,
    /// A post could not be published to a channel (`post_id`, `channel_id`).
    PublishFailed,
    /// A background job that concerns the user stopped after its last try.
    TaskFailed,
}

impl NotificationKind {
    pub const ALL: [NotificationKind; 4] = [
        NotificationKind::ChannelNeedsReconnect,
        NotificationKind::ChannelDisconnected,
        NotificationKind::PublishFailed,
        NotificationKind::TaskFailed,
    ];

    /// The stored and API text.
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::ChannelNeedsReconnect => "channel_needs_reconnect",
            NotificationKind::ChannelDisconnected => "channel_disconnected",
            NotificationKind::PublishFailed => "publish_failed",
            NotificationKind::TaskFailed => "task_failed",
        }
    }
}

impl fmt::Display for NotificationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::NotificationKind;

    #[test]
    fn stored_names_match_the_serialised_names() {
        for k in NotificationKind::ALL {
            assert_eq!(
                serde_json::to_value(k).ok(),
                Some(serde_json::Value::String(k.as_str().to_owned()))
            );
        }
    }

    #[test]
    fn stored_names_are_distinct_snake_case() {
        let names: std::collections::BTreeSet<_> =
            NotificationKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names.len(), NotificationKind::ALL.len());
        for n in names {
            assert!(n.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{n}");
        }
    }
}
