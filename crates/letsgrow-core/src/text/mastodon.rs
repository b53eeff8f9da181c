//! Mastodon's status length, as its server computes it
//! (`StatusLengthValidator`): URLs with `http(s)://` become 23 characters, a
//! mention `@user@domain` becomes `@user`, and the result is measured in
//! grapheme clusters (`each_grapheme_cluster.size`), so an emoji sequence
//! counts 1. Bare domains without a protocol are not links on Mastodon and
//! count by their length.

use unicode_segmentation::UnicodeSegmentation;

use super::Entity;
use super::chars::{is_latin_accent, is_ruby_word};
use super::url::find_urls;

/// Mastodon's default status limit; instances may configure another one.
pub const MASTODON_DEFAULT_MAX: usize = 500;
/// What any URL counts as on Mastodon.
pub const MASTODON_URL_LENGTH: usize = 23;

/// A Mastodon mention: `[start, end)` in code points, and where the local
/// part (`@user`) ends.
struct Mention {
    start: usize,
    local_end: usize,
    end: usize,
}

/// Mastodon's `Account::MENTION_RE`:
/// `(?<![=/[:word:]])@(user(?:@domain)?)`, where a user is
/// `[a-z0-9_]+([a-z0-9_.-]+[a-z0-9_]+)?` and a domain `[[:word:].-]+[[:word:]]+`,
/// followed by twitter-text's end-of-mention check.
fn find_mentions(chars: &[char]) -> Vec<Mention> {
    let is_user_char = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '@'
            || (i > 0 && (matches!(chars[i - 1], '=' | '/') || is_ruby_word(chars[i - 1])))
        {
            i += 1;
            continue;
        }
        let user_start = i + 1;
        if !chars.get(user_start).copied().is_some_and(is_user_char) {
            i += 1;
            continue;
        }
        let mut run = user_start;
        while chars
            .get(run)
            .is_some_and(|&c| is_user_char(c) || c == '.' || c == '-')
        {
            run += 1;
        }
        let local_end = (user_start..run)
            .rev()
            .find(|&k| is_user_char(chars[k]))
            .map_or(user_start + 1, |k| k + 1);
        let mut end = local_end;
        if chars.get(local_end) == Some(&'@') {
            let domain_start = local_end + 1;
            let mut d = domain_start;
            while chars
                .get(d)
                .is_some_and(|&c| is_ruby_word(c) || c == '.' || c == '-')
            {
                d += 1;
            }
            if let Some(last) = (domain_start + 1..d)
                .rev()
                .find(|&k| is_ruby_word(chars[k]))
            {
                end = last + 1;
            }
        }
        i = end;
        let after = &chars[end..];
        if after
            .first()
            .is_some_and(|&c| c == '@' || c == '＠' || is_latin_accent(c))
            || after.starts_with(&[':', '/', '/'])
        {
            continue;
        }
        out.push(Mention {
            start: user_start - 1,
            local_end,
            end,
        });
    }
    out
}

/// Mastodon mentions as entities; the text is `user` or `user@domain`.
pub fn extract_mentions(text: &str) -> Vec<Entity> {
    let chars: Vec<char> = text.chars().collect();
    mentions_in(&chars)
}

pub(crate) fn mentions_in(chars: &[char]) -> Vec<Entity> {
    find_mentions(chars)
        .into_iter()
        .map(|m| Entity {
            text: chars[m.start + 1..m.end].iter().collect(),
            start: m.start,
            end: m.end,
        })
        .collect()
}

/// The length Mastodon checks against the instance limit.
pub fn countable_length(text: &str) -> usize {
    let chars: Vec<char> = text.chars().collect();
    // (start, end, replacement length in code points or None for "keep @user")
    let mut spans: Vec<(usize, usize, Option<usize>)> = find_urls(&chars, false)
        .into_iter()
        .map(|u| (u.start, u.end, None))
        .collect();
    spans.extend(
        find_mentions(&chars)
            .into_iter()
            .map(|m| (m.start, m.end, Some(m.local_end))),
    );
    spans.sort_by_key(|s| s.0);
    let mut countable = String::with_capacity(text.len());
    let mut i = 0;
    for (start, end, local_end) in spans {
        if start < i {
            continue; // overlapping entity: the earlier one wins
        }
        countable.extend(&chars[i..start]);
        match local_end {
            None => countable.extend(std::iter::repeat_n('x', MASTODON_URL_LENGTH)),
            Some(local_end) => countable.extend(&chars[start..local_end]),
        }
        i = end;
    }
    countable.extend(&chars[i..]);
    countable.graphemes(true).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_mentions_count_local_part() {
        assert_eq!(countable_length("@alice@mastodon.social"), 6);
        assert_eq!(
            countable_length("hi @alice@mastodon.social and @bob"),
            3 + 6 + 5 + 4
        );
        let texts: Vec<String> = extract_mentions("hi @alice@mastodon.social and @bob.")
            .into_iter()
            .map(|e| e.text)
            .collect();
        assert_eq!(texts, vec!["alice@mastodon.social", "bob"]);
    }

    #[test]
    fn mention_rules() {
        let m = extract_mentions("mail me@example.com, =@no /@no @ok");
        assert_eq!(m.len(), 1);
        assert_eq!((m[0].text.as_str(), m[0].start, m[0].end), ("ok", 31, 34));
        assert!(extract_mentions("@josé").is_empty());
        assert!(extract_mentions("@http://example.com").is_empty());
        assert_eq!(extract_mentions("@a.b.")[0].text, "a.b");
    }

    #[test]
    fn urls_count_23_only_with_protocol() {
        let url = format!("https://example.com/{}", "x".repeat(100));
        assert_eq!(countable_length(&url), 23);
        assert_eq!(countable_length("see example.com"), 15);
        assert_eq!(countable_length("a https://x.org/@bob b"), 2 + 23 + 2);
    }

    #[test]
    fn graphemes_not_code_points() {
        assert_eq!(countable_length("👨‍👩‍👧‍👦"), 1);
        assert_eq!(countable_length("e\u{301}"), 1);
    }
}
