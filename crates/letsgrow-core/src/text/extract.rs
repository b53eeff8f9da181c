//! Entity extraction as twitter-text 3 does it: hashtags, mentions (and
//! `@user/list` references), URLs and cashtags.
//!
//! Offsets are Unicode code points, half-open, with the sigil included in the
//! range; the entity's `text` has no sigil. These scanners follow the
//! semantics of twitter-text's regular expressions (`validHashtag`,
//! `validMentionOrList`, `validCashtag`, `extractUrl`), including how a
//! global regex consumes the character before a match.

use super::chars::{
    is_hashtag_alnum, is_hashtag_alpha, is_js_space, is_latin_accent, is_tt_punct, is_tt_space,
};
use super::url::find_urls;
use super::{Entities, Entity};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Url,
    Mention,
    Hashtag,
    Cashtag,
}

fn entity(chars: &[char], start: usize, text_start: usize, end: usize) -> Entity {
    Entity {
        text: chars[text_start..end].iter().collect(),
        start,
        end,
    }
}

pub(crate) fn urls_in(chars: &[char], without_protocol: bool) -> Vec<Entity> {
    find_urls(chars, without_protocol)
        .into_iter()
        .map(|u| entity(chars, u.start, u.start, u.end))
        .collect()
}

fn is_hash(c: char) -> bool {
    c == '#' || c == '＃'
}

fn is_at(c: char) -> bool {
    c == '@' || c == '＠'
}

pub(crate) fn hashtags_in(chars: &[char]) -> Vec<Entity> {
    let mut tags = Vec::new();
    let mut last_end = 0;
    for i in 0..chars.len() {
        if !is_hash(chars[i]) || i < last_end {
            continue;
        }
        // hashtagBoundary: start of text, or one consumed character that is
        // a variation selector or neither alphanumeric nor `&`.
        let boundary_ok = i == 0
            || (i > last_end && {
                let b = chars[i - 1];
                matches!(b, '\u{FE0E}' | '\u{FE0F}') || !(is_hashtag_alnum(b) || b == '&')
            });
        if !boundary_ok || matches!(chars.get(i + 1), Some('\u{FE0F}' | '\u{20E3}')) {
            continue;
        }
        let mut j = i + 1;
        while j < chars.len() && is_hashtag_alnum(chars[j]) {
            j += 1;
        }
        if !chars[i + 1..j].iter().any(|&c| is_hashtag_alpha(c)) {
            continue;
        }
        last_end = j;
        // endHashtagMatch: not followed by another hash sign or `://`.
        let after = &chars[j..];
        if after.first().is_some_and(|&c| is_hash(c)) || after.starts_with(&[':', '/', '/']) {
            continue;
        }
        tags.push(entity(chars, i, i + 1, j));
    }
    tags
}

fn is_mention_excluded_preceding(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_!#$%&*@＠".contains(c)
}

fn is_rt_excluded_preceding(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_+~.-".contains(c)
}

/// validMentionPrecedingChars for an at sign at `i`, given that characters
/// before `last_end` were consumed by an earlier match.
fn mention_preceding_ok(chars: &[char], i: usize, last_end: usize) -> bool {
    if i == 0 {
        return true;
    }
    if i > last_end && !is_mention_excluded_preceding(chars[i - 1]) {
        return true;
    }
    // (?:^|[^a-zA-Z0-9_+~.-])(?:rt|RT|rT|Rt):?
    let k = if chars[i - 1] == ':' { i - 1 } else { i };
    if k < 2 || !chars[k - 2].eq_ignore_ascii_case(&'r') || !chars[k - 1].eq_ignore_ascii_case(&'t')
    {
        return false;
    }
    k == 2 || (k - 3 >= last_end && !is_rt_excluded_preceding(chars[k - 3]))
}

pub(crate) fn mentions_in(chars: &[char]) -> Vec<Entity> {
    let mut mentions = Vec::new();
    let mut last_end = 0;
    for i in 0..chars.len() {
        if !is_at(chars[i]) || i < last_end || !mention_preceding_ok(chars, i, last_end) {
            continue;
        }
        let name_start = i + 1;
        let mut j = name_start;
        while j < chars.len()
            && j - name_start < 20
            && (chars[j].is_ascii_alphanumeric() || chars[j] == '_')
        {
            j += 1;
        }
        if j == name_start {
            continue;
        }
        // Optional list slug: /[a-zA-Z][a-zA-Z0-9_-]{0,24}
        if chars.get(j) == Some(&'/') && chars.get(j + 1).is_some_and(char::is_ascii_alphabetic) {
            let slug_start = j + 1;
            let mut k = slug_start + 1;
            while k < chars.len()
                && k - slug_start < 25
                && (chars[k].is_ascii_alphanumeric() || chars[k] == '_' || chars[k] == '-')
            {
                k += 1;
            }
            j = k;
        }
        last_end = j;
        // endMentionMatch: not followed by an at sign, a latin accented
        // letter or `://` (so `@user@host` and `@http://` are not mentions).
        let after = &chars[j..];
        if after
            .first()
            .is_some_and(|&c| is_at(c) || is_latin_accent(c))
            || after.starts_with(&[':', '/', '/'])
        {
            continue;
        }
        mentions.push(entity(chars, i, name_start, j));
    }
    mentions
}

pub(crate) fn cashtags_in(chars: &[char]) -> Vec<Entity> {
    let mut tags = Vec::new();
    let mut last_end = 0;
    for i in 0..chars.len() {
        if chars[i] != '$' || i < last_end {
            continue;
        }
        if i != 0 && !(i > last_end && is_tt_space(chars[i - 1])) {
            continue;
        }
        let start = i + 1;
        let mut j = start;
        while j < chars.len() && chars[j].is_ascii_alphabetic() {
            j += 1;
        }
        // [a-z]{1,6} must be followed by the optional suffix or a boundary,
        // so a longer run of letters never matches.
        if j == start || j - start > 6 {
            continue;
        }
        let boundary = |at: usize| {
            chars
                .get(at)
                .is_none_or(|&c| is_js_space(c) || is_tt_punct(c))
        };
        let mut end = None;
        if matches!(chars.get(j), Some('.' | '_')) {
            let mut k = j + 1;
            while k < chars.len() && k - (j + 1) < 2 && chars[k].is_ascii_alphabetic() {
                k += 1;
            }
            end = (j + 2..=k).rev().find(|&e| boundary(e));
        }
        let Some(end) = end.or_else(|| boundary(j).then_some(j)) else {
            continue;
        };
        last_end = end;
        tags.push(entity(chars, i, start, end));
    }
    tags
}

/// Keeps the earliest-starting entity where two overlap (twitter-text's
/// `removeOverlappingEntities`).
fn remove_overlapping(mut all: Vec<(Kind, Entity)>) -> Vec<(Kind, Entity)> {
    all.sort_by_key(|(_, e)| e.start);
    let mut kept: Vec<(Kind, Entity)> = Vec::with_capacity(all.len());
    for item in all {
        if kept.last().is_some_and(|(_, prev)| item.1.start < prev.end) {
            continue;
        }
        kept.push(item);
    }
    kept
}

fn group(all: Vec<(Kind, Entity)>) -> Entities {
    let mut out = Entities::default();
    for (kind, e) in all {
        match kind {
            Kind::Url => out.urls.push(e),
            Kind::Mention => out.mentions.push(e),
            Kind::Hashtag => out.hashtags.push(e),
            Kind::Cashtag => out.cashtags.push(e),
        }
    }
    out
}

/// URLs (with or without `http(s)://`), as twitter-text extracts them.
pub fn extract_urls(text: &str) -> Vec<Entity> {
    let chars: Vec<char> = text.chars().collect();
    urls_in(&chars, true)
}

/// Hashtags, leaving out any that are part of a URL.
pub fn extract_hashtags(text: &str) -> Vec<Entity> {
    let chars: Vec<char> = text.chars().collect();
    let tags = hashtags_in(&chars);
    if tags.is_empty() {
        return tags;
    }
    let mut all: Vec<(Kind, Entity)> = tags.into_iter().map(|e| (Kind::Hashtag, e)).collect();
    all.extend(urls_in(&chars, true).into_iter().map(|e| (Kind::Url, e)));
    group(remove_overlapping(all)).hashtags
}

/// Mentions, including `@user/list` references (whose text is `user/list`).
pub fn extract_mentions(text: &str) -> Vec<Entity> {
    let chars: Vec<char> = text.chars().collect();
    mentions_in(&chars)
}

/// Cashtags such as `$TWTR` or `$BRK.A`.
pub fn extract_cashtags(text: &str) -> Vec<Entity> {
    let chars: Vec<char> = text.chars().collect();
    cashtags_in(&chars)
}

/// All four kinds at once, with overlaps resolved in favour of the entity
/// that starts first (twitter-text's `extractEntitiesWithIndices`).
pub fn extract_entities(text: &str) -> Entities {
    let chars: Vec<char> = text.chars().collect();
    entities_in(&chars, true, None)
}

/// Entities with a choice of URL rule and, optionally, mentions found by
/// another rule (Mastodon's `@user@domain`).
pub(crate) fn entities_in(
    chars: &[char],
    urls_without_protocol: bool,
    mentions: Option<Vec<Entity>>,
) -> Entities {
    let mut all: Vec<(Kind, Entity)> = Vec::new();
    all.extend(
        urls_in(chars, urls_without_protocol)
            .into_iter()
            .map(|e| (Kind::Url, e)),
    );
    let mentions = mentions.unwrap_or_else(|| mentions_in(chars));
    all.extend(mentions.into_iter().map(|e| (Kind::Mention, e)));
    all.extend(hashtags_in(chars).into_iter().map(|e| (Kind::Hashtag, e)));
    all.extend(cashtags_in(chars).into_iter().map(|e| (Kind::Cashtag, e)));
    group(remove_overlapping(all))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(entities: &[Entity]) -> Vec<&str> {
        entities.iter().map(|e| e.text.as_str()).collect()
    }

    fn spans(entities: &[Entity]) -> Vec<(usize, usize)> {
        entities.iter().map(|e| (e.start, e.end)).collect()
    }

    #[test]
    fn conformance_hashtags() {
        let cases: &[(&str, &[&str])] = &[
            ("a #hashtag here", &["hashtag"]),
            ("#1hashtag is this", &["1hashtag"]),
            ("On the #16 bus", &[]),
            ("#0", &[]),
            (
                "(#hashtag1 )#hashtag2 [#hashtag3 ]#hashtag4 ’#hashtag5’#hashtag6",
                &[
                    "hashtag1", "hashtag2", "hashtag3", "hashtag4", "hashtag5", "hashtag6",
                ],
            ),
            ("I'll write more tests #mañana", &["mañana"]),
            ("this is not valid: # 会議中 ハッシュ", &[]),
            ("What is #트위터 anyway?", &["트위터"]),
            ("Just random half-width Hangul #ﾣﾦﾰ", &["ﾣﾦﾰ"]),
            ("#カタカナ is a hashtag", &["カタカナ"]),
            ("#日本語ハッシュタグ。", &["日本語ハッシュタグ"]),
            (
                "全角英数字ハッシュタグ ＃ｈａｓｈｔａｇ１２３",
                &["ｈａｓｈｔａｇ１２３"],
            ),
            ("日本語ハッシュタグ#日本語ハッシュタグ", &[]),
            ("#ﾊｯｼｭﾀｸﾞ #ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ", &["ﾊｯｼｭﾀｸﾞ", "ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ"]),
            (
                "できましたよー！＃日本語ハッシュタグ。",
                &["日本語ハッシュタグ"],
            ),
            (
                "#云々 #学問のすゝめ #いすゞ #各〻 #各〃",
                &["云々", "学問のすゝめ", "いすゞ", "各〻", "各〃"],
            ),
            (
                "#hashtag: #hashtag; #hashtag, #hashtag. #hashtag! #hashtag?",
                &["hashtag"; 6],
            ),
            (
                ":#hashtag ;#hashtag ,#hashtag .#hashtag !#hashtag ?#hashtag",
                &["hashtag"; 6],
            ),
            ("#http://twitter.com #https://twitter.com", &[]),
            ("http://twitter.com/#hashtag twitter.com/#hashtag", &[]),
            ("#עַל־יְדֵי #וכו׳ #מ״כ", &["עַל־יְדֵי", "וכו׳", "מ״כ"]),
            ("#ශ්රීලංකා", &["ශ්රීලංකා"]),
            (
                "#महात्मा #महात्मा_१२३४ #१२३४ गांधी",
                &["महात्मा", "महात्मा_१२३४"],
            ),
            ("#བོད་སྐད་ #བོད་སྐད", &["བོད་སྐད་", "བོད་སྐད"]),
            ("#il·lusió", &["il·lusió"]),
            ("#_ #1_2 #122 #〃", &[]),
            ("caf&#233; #a#b", &[]),
            ("#️⃣ keycap", &[]),
        ];
        for (text, expected) in cases {
            assert_eq!(texts(&extract_hashtags(text)), *expected, "{text}");
        }
        let tags =
            extract_hashtags("Hashtags in #中文, #日本語, #한국말, and #русский! Try it out!");
        assert_eq!(spans(&tags), vec![(12, 15), (17, 21), (23, 27), (33, 41)]);
        assert_eq!(
            spans(&extract_hashtags("会議中 #hashtag 会議中")),
            vec![(4, 12)]
        );
    }

    #[test]
    fn conformance_mentions() {
        let cases: &[(&str, &[&str])] = &[
            ("@username reply", &["username"]),
            ("mention @user_name", &["user_name"]),
            ("mention @12345", &["12345"]),
            ("の@usernameに到着を待っている", &["username"]),
            ("Current Status: @_@ (cc: @username)", &["username"]),
            ("@aliceìnheiro something something", &[]),
            ("@username email me @test@example.com", &["username"]),
            ("@http://twitter.com", &[]),
            ("@username\n@mention", &["username", "mention"]),
            (
                "RT@username RT:@mention RT @test",
                &["username", "mention", "test"],
            ),
            (
                "rT@username rT:@mention rT @test",
                &["username", "mention", "test"],
            ),
            ("f!@kn f@@kn f#@kn f$@kn f%@kn f&@kn f*@kn", &[]),
            ("＠fullwidth", &["fullwidth"]),
        ];
        for (text, expected) in cases {
            assert_eq!(texts(&extract_mentions(text)), *expected, "{text}");
        }
        let lists = extract_mentions("Hey @username, check out out @otheruser/list_name-01!");
        assert_eq!(texts(&lists), vec!["username", "otheruser/list_name-01"]);
        assert_eq!(spans(&lists), vec![(4, 13), (29, 52)]);
        let lists = extract_mentions("@username/7list-name is a great list!");
        assert_eq!(spans(&lists), vec![(0, 9)]);
        let jp = extract_mentions("の@username/list_name-01に到着を待っている");
        assert_eq!(spans(&jp), vec![(1, 23)]);
    }

    #[test]
    fn conformance_cashtags() {
        let cases: &[(&str, &[&str])] = &[
            (
                "Example cashtags: $TEST $Stock   $symbol",
                &["TEST", "Stock", "symbol"],
            ),
            (
                "Example cashtags: $TEST.T $test.tt $Stock_X $symbol_ab",
                &["TEST.T", "test.tt", "Stock_X", "symbol_ab"],
            ),
            ("$123 $test123 $TE123ST", &[]),
            ("$ストック $株", &[]),
            ("$ $. $- $@ $! $() $+", &[]),
            ("$TEST. $TEST_", &["TEST", "TEST"]),
            ("$OK$NG$BAD text$NO .$NG $$NG", &["OK"]),
            ("$CashtagMustBeLessThanSixCharacter", &[]),
            ("buy $TWTR now", &["TWTR"]),
        ];
        for (text, expected) in cases {
            assert_eq!(texts(&extract_cashtags(text)), *expected, "{text}");
        }
        let tags = extract_cashtags("Example: $TEST.T test $symbol_ab end");
        assert_eq!(spans(&tags), vec![(9, 16), (22, 32)]);
    }

    #[test]
    fn entities_resolve_overlaps() {
        let e = extract_entities("Visit example.com/#deal @bob #launch $TWTR http://x.org/@carol");
        assert_eq!(
            texts(&e.urls),
            vec!["example.com/#deal", "http://x.org/@carol"]
        );
        assert_eq!(texts(&e.mentions), vec!["bob"]);
        assert_eq!(texts(&e.hashtags), vec!["launch"]);
        assert_eq!(texts(&e.cashtags), vec!["TWTR"]);
        assert_eq!(spans(&e.mentions), vec![(24, 28)]);
    }
}
