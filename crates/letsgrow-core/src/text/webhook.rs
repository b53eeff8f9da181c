//! The webhook formats' own limits: a Discord or Slack webhook refuses or cuts
//! what is over them, so the composer and the save check count against them.
//!
//! - **Generic** (LetsGrow's JSON): no limit; the receiver is ours to define.
//! - **Discord**: `content` holds at most 2,000 characters (Discord's "Execute
//!   Webhook": "the message contents (up to 2000 characters)").
//! - **Slack**: the provider sends the text twice, escaped (`&` `<` `>` become
//!   `&amp;` `&lt;` `&gt;`): as `text`, which Slack truncates past 40,000
//!   characters, and split into section blocks of 3,000. The limit is on the
//!   escaped text, so a `&` counts 5.

use serde::{Deserialize, Serialize};

/// The body layout a webhook channel sends.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum WebhookFormat {
    /// LetsGrow's own JSON (n8n, Zapier, custom endpoints). The default.
    #[default]
    Generic,
    /// A Discord incoming webhook (`content` + image `embeds`).
    Discord,
    /// A Slack incoming webhook (`text` + `blocks`).
    Slack,
}

/// Discord's `content` limit, in characters.
pub const DISCORD_MAX_CONTENT: usize = 2_000;
/// Slack's `text` limit (it truncates longer messages), in characters as sent.
pub const SLACK_MAX_TEXT: usize = 40_000;
/// Slack's limit for a section block's text, in characters.
pub const SLACK_SECTION_MAX: usize = 3_000;

impl WebhookFormat {
    /// `generic`/`json`/empty, `discord` or `slack`, any case.
    pub fn parse(s: &str) -> Option<WebhookFormat> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "generic" | "json" => Some(WebhookFormat::Generic),
            "discord" => Some(WebhookFormat::Discord),
            "slack" => Some(WebhookFormat::Slack),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            WebhookFormat::Generic => "generic",
            WebhookFormat::Discord => "discord",
            WebhookFormat::Slack => "slack",
        }
    }

    /// The longest text this format takes, `None` for no limit.
    pub fn max_length(self) -> Option<usize> {
        match self {
            WebhookFormat::Generic => None,
            WebhookFormat::Discord => Some(DISCORD_MAX_CONTENT),
            WebhookFormat::Slack => Some(SLACK_MAX_TEXT),
        }
    }

    /// The length of `text` as this format's receiver counts it.
    pub fn length(self, text: &str) -> usize {
        match self {
            WebhookFormat::Generic | WebhookFormat::Discord => text.chars().count(),
            WebhookFormat::Slack => text.chars().map(slack_escaped_len).sum(),
        }
    }

    /// "a Discord webhook", for messages.
    pub fn described(self) -> &'static str {
        match self {
            WebhookFormat::Generic => "this webhook",
            WebhookFormat::Discord => "a Discord webhook",
            WebhookFormat::Slack => "a Slack webhook",
        }
    }
}

/// How many characters `c` becomes in Slack's escaped text.
fn slack_escaped_len(c: char) -> usize {
    match c {
        '&' => 5,
        '<' | '>' => 4,
        _ => 1,
    }
}

/// `text` escaped for Slack's mrkdwn, as the Slack webhook sends it.
pub fn slack_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_format_has_its_receivers_limit() {
        let table = [
            (WebhookFormat::Generic, None),
            (WebhookFormat::Discord, Some(2_000)),
            (WebhookFormat::Slack, Some(40_000)),
        ];
        for (format, max) in table {
            assert_eq!(format.max_length(), max, "{format:?}");
        }
    }

    #[test]
    fn slack_counts_the_escaped_text_it_is_sent() {
        let text = "a <b> & c";
        assert_eq!(
            WebhookFormat::Slack.length(text),
            slack_escape(text).chars().count()
        );
        assert_eq!(WebhookFormat::Slack.length(text), 19);
        assert_eq!(WebhookFormat::Discord.length(text), 9);
        assert_eq!(WebhookFormat::Generic.length("héllo 👋"), 7);
    }

    #[test]
    fn formats_parse() {
        assert_eq!(
            WebhookFormat::parse("Discord"),
            Some(WebhookFormat::Discord)
        );
        assert_eq!(WebhookFormat::parse(" slack "), Some(WebhookFormat::Slack));
        assert_eq!(WebhookFormat::parse(""), Some(WebhookFormat::Generic));
        assert_eq!(WebhookFormat::parse("json"), Some(WebhookFormat::Generic));
        assert_eq!(WebhookFormat::parse("teams"), None);
        for f in [
            WebhookFormat::Generic,
            WebhookFormat::Discord,
            WebhookFormat::Slack,
        ] {
            assert_eq!(WebhookFormat::parse(f.as_str()), Some(f));
        }
    }
}
