//! X (Twitter) weighted length, twitter-text 3 configuration (`v3.json`).
//!
//! The text is NFC-normalised, then: every URL (with or without protocol,
//! see [`super::url`]) counts 23; an emoji sequence counts 2 whatever its
//! number of code points; any other code point counts 1 when it falls in
//! 0–4351, 8192–8205, 8208–8223 or 8242–8247 (Latin, Greek, Cyrillic,
//! Hebrew, Arabic, Devanagari and other scripts, general punctuation) and 2
//! otherwise (CJK, symbols, anything outside the BMP).

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{EmojiStatus, UnicodeEmoji};

use super::chars::is_tt_invalid;
use super::url::find_urls;

/// twitter-text v3 `maxWeightedTweetLength`.
pub const X_MAX_WEIGHTED_LENGTH: usize = 280;
/// twitter-text v3 `transformedURLLength`.
pub const X_URL_LENGTH: usize = 23;

const SCALE: usize = 100;
const DEFAULT_WEIGHT: usize = 200;

/// Weight (scaled by 100) of a single code point outside URLs and emoji.
fn char_weight(c: char) -> usize {
    match u32::from(c) {
        0..=4351 | 8192..=8205 | 8208..=8223 | 8242..=8247 => 100,
        _ => DEFAULT_WEIGHT,
    }
}

/// The X weighted length of `text`: what X compares with 280.
pub fn weighted_length(text: &str) -> usize {
    let chars: Vec<char> = text.nfc().collect();
    weighted_length_nfc(&chars)
}

/// Weighted length of text that is already NFC-normalised.
pub(crate) fn weighted_length_nfc(chars: &[char]) -> usize {
    let urls = find_urls(chars, true);
    let mut next_url = urls.iter().peekable();
    let mut total = 0;
    let mut i = 0;
    while i < chars.len() {
        while next_url.peek().is_some_and(|u| u.end <= i) {
            next_url.next();
        }
        if let Some(u) = next_url.peek().filter(|u| u.start == i) {
            total += X_URL_LENGTH * SCALE;
            i = u.end;
        } else if let Some(len) = emoji_sequence_len(chars, i) {
            total += DEFAULT_WEIGHT;
            i += len;
        } else {
            total += char_weight(chars[i]);
            i += 1;
        }
    }
    total / SCALE
}

/// True when the text contains characters twitter-text rejects
/// (U+FFFE, U+FEFF, U+FFFF).
pub fn has_invalid_characters(text: &str) -> bool {
    text.chars().any(is_tt_invalid)
}

fn is_modifier(c: char) -> bool {
    matches!(c, '\u{1F3FB}'..='\u{1F3FF}')
}

fn is_regional_indicator(c: char) -> bool {
    matches!(c, '\u{1F1E6}'..='\u{1F1FF}')
}

fn has_emoji_presentation(c: char) -> bool {
    matches!(
        c.emoji_status(),
        EmojiStatus::EmojiPresentation
            | EmojiStatus::EmojiPresentationAndModifierBase
            | EmojiStatus::EmojiPresentationAndEmojiComponent
            | EmojiStatus::EmojiPresentationAndModifierAndEmojiComponent
    )
}

/// An emoji base (not a digit, `#` or `*`, which only form keycaps).
fn is_emoji_base(c: char) -> bool {
    c.is_emoji_char() && !c.is_ascii() && !is_regional_indicator(c) && !is_modifier(c)
}

/// Length in code points of the emoji sequence starting at `i`, if any:
/// a flag (two regional indicators), a keycap (`1️⃣`), or an emoji with its
/// optional presentation selector, skin tone, tag sequence (`🏴󠁧󠁢󠁳󠁣󠁴󠁿`) and
/// ZWJ-joined parts (`👨‍👩‍👧‍👦`). A lone text-style symbol such as `©`
/// without U+FE0F is not an emoji sequence and is weighed as a character.
pub(crate) fn emoji_sequence_len(chars: &[char], i: usize) -> Option<usize> {
    let c = *chars.get(i)?;
    let at = |k: usize| chars.get(k).copied();
    if is_regional_indicator(c) {
        return at(i + 1).filter(|&n| is_regional_indicator(n)).map(|_| 2);
    }
    if c.is_ascii_digit() || c == '#' || c == '*' {
        return match (at(i + 1), at(i + 2)) {
            (Some('\u{FE0F}'), Some('\u{20E3}')) => Some(3),
            (Some('\u{20E3}'), _) => Some(2),
            _ => None,
        };
    }
    if !is_emoji_base(c) {
        return None;
    }
    let element_end = |mut k: usize| {
        match at(k) {
            Some('\u{FE0F}') => {
                k += 1;
                if at(k).is_some_and(is_modifier) {
                    k += 1;
                }
            }
            Some(m) if is_modifier(m) => k += 1,
            _ => {}
        }
        k
    };
    let mut j = element_end(i + 1);
    // Tag sequence (subdivision flags).
    if at(j).is_some_and(|t| matches!(t, '\u{E0020}'..='\u{E007E}')) {
        let mut k = j;
        while at(k).is_some_and(|t| matches!(t, '\u{E0020}'..='\u{E007E}')) {
            k += 1;
        }
        if at(k) == Some('\u{E007F}') {
            j = k + 1;
        }
    }
    while at(j) == Some('\u{200D}') && at(j + 1).is_some_and(is_emoji_base) {
        j = element_end(j + 2);
    }
    (j - i > 1 || has_emoji_presentation(c)).then_some(j - i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_weights() {
        assert_eq!(weighted_length("This is a test."), 15);
        assert_eq!(weighted_length("저찀쯿쿿"), 8);
        assert_eq!(weighted_length("故人西辞黄鹤楼"), 14);
        assert_eq!(weighted_length("\u{10000}\u{10FFFF}"), 4);
        assert_eq!(weighted_length("ÁB"), 2);
        // NFC: "e" + combining acute composes into one code point.
        assert_eq!(weighted_length("e\u{301}"), 1);
        // Hebrew with marks does not compose: 3 code points of weight 1.
        assert_eq!(weighted_length("A\u{5E9}\u{5BC}\u{5C1}"), 4);
    }

    #[test]
    fn urls_count_23() {
        assert_eq!(weighted_length("http://test.com"), 23);
        assert_eq!(weighted_length("test.com"), 23);
        assert_eq!(weighted_length("Hi http://test.co"), 26);
        assert_eq!(
            weighted_length("Test https://test.com test https://test.com test.com test"),
            86
        );
        let long = format!("https://example.com/{}", "a".repeat(500));
        assert_eq!(weighted_length(&long), 23);
        // A label longer than 63 characters is no URL, so it counts in full.
        let label = "randomurlrandomurlrandomurlrandomurlrandomurlrandomurlrandomurls.com";
        assert_eq!(weighted_length(label), 68);
        // Directional marks around an IDN URL (validate.yml).
        assert_eq!(
            weighted_length("\u{2066}\u{202A}http://foobar.پاکستان/\u{202C}\u{2069}"),
            31
        );
    }

    #[test]
    fn emoji_count_2() {
        assert_eq!(weighted_length("😷👾😡🔥💩"), 10);
        assert_eq!(weighted_length("🙋🏽👨‍🎤"), 4);
        assert_eq!(weighted_length("H🐱☺👨‍👩‍👧‍👦"), 7);
        assert_eq!(weighted_length("🇯🇵🇫🇷"), 4);
        assert_eq!(weighted_length("1️⃣#️⃣"), 4);
        assert_eq!(weighted_length("❤️"), 2);
        assert_eq!(weighted_length("🏳️‍🌈"), 2);
        assert_eq!(weighted_length("©"), 1);
        assert_eq!(weighted_length("©️"), 2);
        assert_eq!(
            weighted_length(
                "Unicode 10.0 emoji: 🤪; 🧕; 🧕🏾; 🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}"
            ),
            34
        );
        assert_eq!(weighted_length("Unicode 9.0 emoji: 🤠; 💃; 💃🏾"), 29);
        assert_eq!(weighted_length(&"👨‍👩‍👧‍👦".repeat(140)), 280);
    }

    #[test]
    fn general_punctuation_counts_1() {
        let text = "This is a tweet with general punctuation characters: \u{2000}\u{2001}\u{2002}\u{2003}\u{2004}\u{2005}\u{2006}\u{2007}\u{2008}\u{2009}\u{200A}\u{200B}\u{200C}\u{200D} ‐ ‑ ‒ – — ― ‖  ‗ ‘ ’ ‚ ‛ “ ” „ ‟ ′ ″ ‴ ‵ ‶ ‷";
        assert_eq!(weighted_length(text), 112);
    }

    #[test]
    fn invalid_characters() {
        assert!(has_invalid_characters("ABC\u{202A}\u{FFFF}ABC\u{FFFE}"));
        assert_eq!(weighted_length("ABC\u{202A}\u{FFFF}ABC\u{FFFE}"), 12);
        assert!(!has_invalid_characters("plain"));
    }
}
