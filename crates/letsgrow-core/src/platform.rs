//! The platforms LetsGrow publishes to, by their stable identifiers.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A platform identifier. The lower-case names (`x`, `bluesky`, ...) are used
/// everywhere: API, CLI, CSV and configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    X,
    Bluesky,
    Mastodon,
    Linkedin,
    Reddit,
    Instagram,
    Threads,
    Webhook,
}

impl Platform {
    pub const ALL: [Platform; 8] = [
        Platform::X,
        Platform::Bluesky,
        Platform::Mastodon,
        Platform::Linkedin,
        Platform::Reddit,
        Platform::Instagram,
        Platform::Threads,
        Platform::Webhook,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Platform::X => "x",
            Platform::Bluesky => "bluesky",
            Platform::Mastodon => "mastodon",
            Platform::Linkedin => "linkedin",
            Platform::Reddit => "reddit",
            Platform::Instagram => "instagram",
            Platform::Threads => "threads",
            Platform::Webhook => "webhook",
        }
    }
}

impl Platform {
    /// The name people know the platform by ("X", "LinkedIn", …).
    pub fn display_name(self) -> &'static str {
        match self {
            Platform::X => "X",
            Platform::Bluesky => "Bluesky",
            Platform::Mastodon => "Mastodon",
            Platform::Linkedin => "LinkedIn",
            Platform::Reddit => "Reddit",
            Platform::Instagram => "Instagram",
            Platform::Threads => "Threads",
            Platform::Webhook => "Webhook",
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "unknown platform {0:?}; expected one of x, bluesky, mastodon, linkedin, reddit, instagram, threads, webhook"
)]
pub struct UnknownPlatform(pub String);

impl FromStr for Platform {
    type Err = UnknownPlatform;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Platform::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| UnknownPlatform(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_round_trip() {
        for p in Platform::ALL {
            assert_eq!(p.as_str().parse::<Platform>(), Ok(p));
            assert_eq!(serde_json::to_string(&p).ok(), Some(format!("\"{p}\"")));
        }
        assert!("twitter".parse::<Platform>().is_err());
        assert!("X".parse::<Platform>().is_err());
    }
}
