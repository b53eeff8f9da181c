//! Bluesky: length in grapheme clusters and rich-text facets detected the way
//! the official client does (`RichText.detectFacets` in `@atproto/api`).
//!
//! Detection mirrors the client's regular expressions, evaluated with
//! JavaScript semantics:
//! - mentions `(^|\s|\()@([a-zA-Z0-9.-]+)\b`, kept only when the handle ends
//!   in a known TLD (or `.test`); the value is the handle without `@`;
//! - links `(^|\s|\()(https?://\S+ | domain\S*)` where a bare domain must end
//!   in a known TLD and gets `https://` prepended; one trailing `.,;:!?` is
//!   dropped, then a `)` when the link has no `(`;
//! - tags `(^|\s)[#＃]` followed by a run of non-space characters that
//!   contains something other than digits and punctuation; trailing
//!   punctuation is dropped and tags over 64 UTF-16 units are ignored.
//!
//! As in the client, the TLD check is case-sensitive (lower-case TLDs only)
//! and a link written `HTTPS://...` is not detected. Facets are returned in
//! the client's order: mentions, then links, then tags. Offsets are UTF-8
//! bytes.

use unicode_segmentation::UnicodeSegmentation;

use super::chars::{is_js_line_terminator, is_js_space, is_js_word, is_unicode_punct};
use super::tlds::is_tld;
use super::{Facet, FacetKind};

/// Bluesky's post length limit, in grapheme clusters.
pub const BLUESKY_MAX_GRAPHEMES: usize = 300;
/// Longest tag the client turns into a facet, in UTF-16 code units.
pub const BLUESKY_MAX_TAG_UTF16: usize = 64;

/// Number of extended grapheme clusters (what the Bluesky client counts).
pub fn grapheme_length(text: &str) -> usize {
    text.graphemes(true).count()
}

/// The client's `isValidDomain`: the part after the last `.` is a TLD.
fn is_valid_domain(s: &str) -> bool {
    s.rsplit_once('.').is_some_and(|(_, tld)| is_tld(tld))
}

/// The text as (byte offset, char) pairs, for byte-offset arithmetic.
struct Text<'a> {
    text: &'a str,
    chars: Vec<(usize, char)>,
}

impl<'a> Text<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            chars: text.char_indices().collect(),
        }
    }

    fn len(&self) -> usize {
        self.chars.len()
    }

    fn at(&self, i: usize) -> Option<char> {
        self.chars.get(i).map(|&(_, c)| c)
    }

    fn byte(&self, i: usize) -> usize {
        self.chars.get(i).map_or(self.text.len(), |&(b, _)| b)
    }

    fn slice(&self, from: usize, to: usize) -> &'a str {
        &self.text[self.byte(from)..self.byte(to)]
    }
}

/// Detects facets as the Bluesky client does.
pub fn detect_facets(text: &str) -> Vec<Facet> {
    let t = Text::new(text);
    let mut facets = Vec::new();
    detect_mentions(&t, &mut facets);
    detect_links(&t, &mut facets);
    detect_tags(&t, &mut facets);
    facets
}

fn detect_mentions(t: &Text<'_>, facets: &mut Vec<Facet>) {
    let is_handle_char = |c: char| c.is_ascii_alphanumeric() || c == '.' || c == '-';
    let mut p = 0;
    while p < t.len() {
        let at = if p == 0 && t.at(0) == Some('@') {
            0
        } else if t.at(p).is_some_and(|c| is_js_space(c) || c == '(') && t.at(p + 1) == Some('@') {
            p + 1
        } else {
            p += 1;
            continue;
        };
        let start = at + 1;
        let mut run_end = start;
        while t.at(run_end).is_some_and(is_handle_char) {
            run_end += 1;
        }
        // Greedy run, backtracked until `\b` holds after it.
        let end = (start + 1..=run_end).rev().find(|&e| {
            let before = t.at(e - 1).is_some_and(is_js_word);
            let after = t.at(e).is_some_and(is_js_word);
            before != after
        });
        let Some(end) = end else {
            p += 1;
            continue;
        };
        p = end;
        let handle = t.slice(start, end);
        if !is_valid_domain(handle) && !handle.ends_with(".test") {
            continue;
        }
        facets.push(Facet {
            kind: FacetKind::Mention,
            value: handle.to_owned(),
            byte_start: t.byte(at),
            byte_end: t.byte(end),
        });
    }
}

/// One alternative of the link regex at `s`: `(end, bare domain end)`.
fn match_link(t: &Text<'_>, s: usize) -> Option<(usize, Option<usize>)> {
    let non_space_end = |mut i: usize| {
        while t.at(i).is_some_and(|c| !is_js_space(c)) {
            i += 1;
        }
        i
    };
    for scheme in ["https://", "http://"] {
        let n = scheme.len();
        if s + n <= t.len() && t.slice(s, s + n).eq_ignore_ascii_case(scheme) {
            let end = non_space_end(s + n);
            if end > s + n {
                return Some((end, None));
            }
        }
    }
    if !t.at(s).is_some_and(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let mut i = s + 1;
    while t.at(i).is_some_and(|c| c.is_ascii_alphanumeric()) {
        i += 1;
    }
    let mut domain_end = None;
    while t.at(i) == Some('.') && t.at(i + 1).is_some_and(|c| c.is_ascii_alphanumeric()) {
        i += 2;
        while t.at(i).is_some_and(|c| c.is_ascii_alphanumeric()) {
            i += 1;
        }
        domain_end = Some(i);
    }
    let domain_end = domain_end?;
    Some((non_space_end(domain_end), Some(domain_end)))
}

fn detect_links(t: &Text<'_>, facets: &mut Vec<Facet>) {
    let mut p = 0;
    while p < t.len() {
        // `^` (multiline) matches without consuming; `\s` or `(` consume.
        let line_start = p == 0 || t.at(p - 1).is_some_and(is_js_line_terminator);
        let mut found = if line_start {
            match_link(t, p).map(|m| (p, m))
        } else {
            None
        };
        if found.is_none() && t.at(p).is_some_and(|c| is_js_space(c) || c == '(') {
            found = match_link(t, p + 1).map(|m| (p + 1, m));
        }
        let Some((s, (end, domain_end))) = found else {
            p += 1;
            continue;
        };
        p = end;
        let matched = t.slice(s, end);
        let mut uri = if matched.starts_with("http") {
            matched.to_owned()
        } else {
            match domain_end {
                Some(d) if is_valid_domain(t.slice(s, d)) => format!("https://{matched}"),
                _ => continue,
            }
        };
        let mut byte_end = t.byte(end);
        if uri.ends_with(['.', ',', ';', ':', '!', '?']) {
            uri.pop();
            byte_end -= 1;
        }
        if uri.ends_with(')') && !uri.contains('(') {
            uri.pop();
            byte_end -= 1;
        }
        facets.push(Facet {
            kind: FacetKind::Link,
            value: uri,
            byte_start: t.byte(s),
            byte_end,
        });
    }
}

/// Characters that end a tag: JavaScript whitespace plus invisible joiners.
fn ends_tag(c: char) -> bool {
    is_js_space(c)
        || matches!(
            c,
            '\u{AD}' | '\u{2060}' | '\u{200A}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{20E2}'
        )
}

fn detect_tags(t: &Text<'_>, facets: &mut Vec<Facet>) {
    let is_hash = |c: Option<char>| matches!(c, Some('#' | '＃'));
    let mut p = 0;
    while p < t.len() {
        let hash = if p == 0 && is_hash(t.at(0)) {
            0
        } else if t.at(p).is_some_and(is_js_space) && is_hash(t.at(p + 1)) {
            p + 1
        } else {
            p += 1;
            continue;
        };
        let start = hash + 1;
        let mut run_end = start;
        if t.at(start) != Some('\u{FE0F}') {
            while t.at(run_end).is_some_and(|c| !ends_tag(c)) {
                run_end += 1;
            }
        }
        let run = t.slice(start, run_end);
        let has_non_numeric = run
            .chars()
            .any(|c| !c.is_ascii_digit() && !is_unicode_punct(c));
        if !has_non_numeric {
            p = start;
            continue;
        }
        p = run_end;
        let tag = run.trim_end_matches(is_unicode_punct);
        if tag.is_empty() || tag.encode_utf16().count() > BLUESKY_MAX_TAG_UTF16 {
            continue;
        }
        let byte_start = t.byte(hash);
        facets.push(Facet {
            kind: FacetKind::Tag,
            value: tag.to_owned(),
            byte_start,
            byte_end: t.byte(start) + tag.len(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facet(kind: FacetKind, value: &str, byte_start: usize, byte_end: usize) -> Facet {
        Facet {
            kind,
            value: value.to_owned(),
            byte_start,
            byte_end,
        }
    }

    #[test]
    fn graphemes() {
        assert_eq!(grapheme_length("hello"), 5);
        assert_eq!(grapheme_length("👨‍👩‍👧‍👦🇯🇵e\u{301}"), 3);
        assert_eq!(grapheme_length("ありがとう"), 5);
    }

    #[test]
    fn mentions_like_the_client() {
        // Cases from @atproto/api's rich-text detection tests.
        assert_eq!(
            detect_facets("@foo.com @bar.com"),
            vec![
                facet(FacetKind::Mention, "foo.com", 0, 8),
                facet(FacetKind::Mention, "bar.com", 9, 17),
            ]
        );
        assert_eq!(
            detect_facets("hello @alice.bsky.social."),
            vec![facet(FacetKind::Mention, "alice.bsky.social", 6, 24)]
        );
        assert!(detect_facets("@foo email@bar.com @nope").is_empty());
        assert_eq!(
            detect_facets("(@carol.test)"),
            vec![facet(FacetKind::Mention, "carol.test", 1, 12)]
        );
        // Multi-byte text before the mention shifts byte offsets.
        assert_eq!(
            detect_facets("👋 @alice.com"),
            vec![facet(FacetKind::Mention, "alice.com", 5, 15)]
        );
    }

    #[test]
    fn links_like_the_client() {
        assert_eq!(
            detect_facets("start https://middle.com/foo end"),
            vec![facet(FacetKind::Link, "https://middle.com/foo", 6, 28)]
        );
        assert_eq!(
            detect_facets("see example.com."),
            vec![facet(FacetKind::Link, "https://example.com", 4, 15)]
        );
        assert_eq!(
            detect_facets("(example.com/path)"),
            vec![facet(FacetKind::Link, "https://example.com/path", 1, 17)]
        );
        assert_eq!(
            detect_facets("https://en.wikipedia.org/wiki/Fish_(disambiguation)"),
            vec![facet(
                FacetKind::Link,
                "https://en.wikipedia.org/wiki/Fish_(disambiguation)",
                0,
                51
            )]
        );
        assert!(detect_facets("not.a.tld foo.bar_baz HTTPS://loud.com").len() == 1);
        assert!(detect_facets("Example.COM x.y").is_empty());
        // Emoji and CJK before the link: offsets are UTF-8 bytes.
        assert_eq!(
            detect_facets("🎉日本 bsky.app"),
            vec![facet(FacetKind::Link, "https://bsky.app", 11, 19)]
        );
        assert_eq!(
            detect_facets("line\nexample.com"),
            vec![facet(FacetKind::Link, "https://example.com", 5, 16)]
        );
    }

    #[test]
    fn tags_like_the_client() {
        assert_eq!(
            detect_facets("#a #b #c"),
            vec![
                facet(FacetKind::Tag, "a", 0, 2),
                facet(FacetKind::Tag, "b", 3, 5),
                facet(FacetKind::Tag, "c", 6, 8),
            ]
        );
        assert_eq!(detect_facets("#1 #12 #123! #4.5"), vec![]);
        assert_eq!(
            detect_facets("#1a"),
            vec![facet(FacetKind::Tag, "1a", 0, 3)]
        );
        assert_eq!(
            detect_facets("#tag."),
            vec![facet(FacetKind::Tag, "tag", 0, 4)]
        );
        assert_eq!(
            detect_facets("#tag!?)."),
            vec![facet(FacetKind::Tag, "tag", 0, 4)]
        );
        assert_eq!(detect_facets("a#nope"), vec![]);
        assert_eq!(detect_facets("#\u{FE0F}"), vec![]);
        // Full-width hash sign is 3 bytes.
        assert_eq!(
            detect_facets("＃タグ"),
            vec![facet(FacetKind::Tag, "タグ", 0, 9)]
        );
        // An emoji inside a tag and multi-byte text before it.
        assert_eq!(
            detect_facets("é #café🔥 done"),
            vec![facet(FacetKind::Tag, "café🔥", 3, 13)]
        );
        // A zero-width joiner ends the tag.
        assert_eq!(
            detect_facets("#ab\u{200D}cd"),
            vec![facet(FacetKind::Tag, "ab", 0, 3)]
        );
        let max = "a".repeat(64);
        assert_eq!(detect_facets(&format!("#{max}")).len(), 1);
        assert!(detect_facets(&format!("#{max}b")).is_empty());
        // 32 emoji are 64 UTF-16 units; one more is too long.
        assert_eq!(detect_facets(&format!("#{}", "😀".repeat(32))).len(), 1);
        assert!(detect_facets(&format!("#{}", "😀".repeat(33))).is_empty());
    }

    #[test]
    fn order_is_mentions_links_tags() {
        let facets = detect_facets("#tag bsky.app @bob.test");
        let kinds: Vec<FacetKind> = facets.iter().map(|f| f.kind).collect();
        assert_eq!(
            kinds,
            vec![FacetKind::Mention, FacetKind::Link, FacetKind::Tag]
        );
    }
}
