//! Character classes shared by the scanners.
//!
//! The twitter-text classes mirror the character sets of twitter-text's
//! regular expressions (`spaces`, `punct`, `invalidChars`, ...); the `js_*`
//! classes mirror JavaScript regular-expression semantics, which is what the
//! Bluesky client's detection runs on.

use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

/// twitter-text `spaces`.
pub(crate) fn is_tt_space(c: char) -> bool {
    matches!(
        c,
        '\u{9}'..='\u{D}'
            | ' '
            | '\u{85}'
            | '\u{A0}'
            | '\u{1680}'
            | '\u{180E}'
            | '\u{2000}'..='\u{200A}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202F}'
            | '\u{205F}'
            | '\u{3000}'
    )
}

/// twitter-text `invalidChars`: characters that make a Tweet invalid.
pub(crate) fn is_tt_invalid(c: char) -> bool {
    matches!(c, '\u{FFFE}' | '\u{FEFF}' | '\u{FFFF}')
}

/// twitter-text `directionalMarkersGroup`.
pub(crate) fn is_directional(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}' | '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{2066}'..='\u{2069}'
    )
}

/// twitter-text `punct` (ASCII punctuation except `"` and `` ` ``).
pub(crate) fn is_tt_punct(c: char) -> bool {
    matches!(
        c,
        '!' | '\''
            | '#'
            | '%'
            | '&'
            | '('
            | ')'
            | '*'
            | '+'
            | ','
            | '\\'
            | '-'
            | '.'
            | '/'
            | ':'
            | ';'
            | '<'
            | '='
            | '>'
            | '?'
            | '@'
            | '['
            | ']'
            | '^'
            | '_'
            | '{'
            | '|'
            | '}'
            | '~'
            | '$'
    )
}

/// twitter-text `latinAccentChars`.
pub(crate) fn is_latin_accent(c: char) -> bool {
    matches!(
        c,
        '\u{C0}'..='\u{D6}'
            | '\u{D8}'..='\u{F6}'
            | '\u{F8}'..='\u{FF}'
            | '\u{100}'..='\u{24F}'
            | '\u{253}'
            | '\u{254}'
            | '\u{256}'
            | '\u{257}'
            | '\u{259}'
            | '\u{25B}'
            | '\u{263}'
            | '\u{268}'
            | '\u{26F}'
            | '\u{272}'
            | '\u{289}'
            | '\u{28B}'
            | '\u{2BB}'
            | '\u{300}'..='\u{36F}'
            | '\u{1E00}'..='\u{1EFF}'
    )
}

/// twitter-text `cyrillicLettersAndMarks`.
pub(crate) fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{400}'..='\u{4FF}')
}

/// twitter-text `validDomainChars`: anything that is not punctuation, space,
/// an invalid character or a directional marker.
pub(crate) fn is_domain_char(c: char) -> bool {
    !(is_tt_punct(c) || is_tt_space(c) || is_tt_invalid(c) || is_directional(c))
}

/// twitter-text `hashtagAlpha`: a Unicode letter or mark.
pub(crate) fn is_hashtag_alpha(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    matches!(
        c.general_category_group(),
        GeneralCategoryGroup::Letter | GeneralCategoryGroup::Mark
    )
}

/// twitter-text `hashtagAlphaNumeric`: letters, marks, decimal digits and a
/// few joiners and script-specific punctuation.
pub(crate) fn is_hashtag_alnum(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '_';
    }
    is_hashtag_alpha(c)
        || c.general_category() == GeneralCategory::DecimalNumber
        || matches!(
            c,
            '\u{200C}'
                | '\u{200D}'
                | '\u{A67E}'
                | '\u{05BE}'
                | '\u{05F3}'
                | '\u{05F4}'
                | '\u{FF5E}'
                | '\u{301C}'
                | '\u{309B}'
                | '\u{309C}'
                | '\u{30A0}'
                | '\u{30FB}'
                | '\u{3003}'
                | '\u{0F0B}'
                | '\u{0F0C}'
                | '\u{B7}'
        )
}

/// JavaScript `\s`.
pub(crate) fn is_js_space(c: char) -> bool {
    matches!(
        c,
        '\u{9}'..='\u{D}'
            | ' '
            | '\u{A0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200A}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202F}'
            | '\u{205F}'
            | '\u{3000}'
            | '\u{FEFF}'
    )
}

/// JavaScript line terminators (what `^` matches after in multiline mode).
pub(crate) fn is_js_line_terminator(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

/// JavaScript `\w` (ASCII only, as in a regex without the `u` flag).
pub(crate) fn is_js_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Unicode `\p{P}`: any punctuation general category.
pub(crate) fn is_unicode_punct(c: char) -> bool {
    c.general_category_group() == GeneralCategoryGroup::Punctuation
}

/// Ruby/Onigmo `[[:word:]]` on a Unicode string: letters, marks, decimal
/// numbers and connector punctuation.
pub(crate) fn is_ruby_word(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '_';
    }
    match c.general_category_group() {
        GeneralCategoryGroup::Letter | GeneralCategoryGroup::Mark => true,
        _ => matches!(
            c.general_category(),
            GeneralCategory::DecimalNumber | GeneralCategory::ConnectorPunctuation
        ),
    }
}

/// Text that is empty once whitespace and invisible format characters are
/// removed. Besides Unicode `White_Space` this treats the zero-width space,
/// word joiner and byte-order mark as blank, since none of them shows.
pub fn is_blank(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_whitespace() || matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert!(is_hashtag_alpha('é') && is_hashtag_alpha('漢') && is_hashtag_alpha('\u{094D}'));
        assert!(!is_hashtag_alpha('1') && !is_hashtag_alpha('_'));
        assert!(is_hashtag_alnum('_') && is_hashtag_alnum('١') && is_hashtag_alnum('·'));
        assert!(!is_hashtag_alnum('&') && !is_hashtag_alnum('!'));
        assert!(is_domain_char('✪') && is_domain_char('"') && !is_domain_char('_'));
        assert!(is_unicode_punct('_') && is_unicode_punct('。') && !is_unicode_punct('$'));
        assert!(is_ruby_word('é') && !is_ruby_word('.'));
        assert!(is_blank(" \n\t\u{3000}\u{200B}") && is_blank("") && !is_blank(" a "));
    }
}
