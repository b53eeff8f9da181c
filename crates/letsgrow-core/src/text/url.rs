//! URL detection as twitter-text 3 does it (`extractUrlsWithIndices`).
//!
//! A hand-written scanner that follows the semantics of twitter-text's
//! `extractUrl` regular expression: a valid preceding character, an optional
//! `http(s)://`, a domain whose last label is a known top-level domain
//! (see [`super::tlds`]), an optional port, path and query. Indices are in
//! Unicode code points, half-open.

use super::chars::{is_cyrillic, is_domain_char, is_latin_accent, is_tt_invalid, is_tt_space};
use super::tlds::{MAX_TLD_CHARS, is_tld};

const MAX_URL_LENGTH: usize = 4096;
const MAX_TCO_SLUG_LENGTH: usize = 40;
const MAX_LABEL_LENGTH: usize = 63;
/// Upper bound on labels examined per candidate, to keep the scan linear on
/// adversarial input (a real domain has at most 127 labels).
const MAX_LABELS: usize = 127;

/// A URL found in a text, in code points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UrlMatch {
    pub start: usize,
    pub end: usize,
    pub has_protocol: bool,
}

/// Finds URLs. With `without_protocol` false only `http://` and `https://`
/// URLs count (Mastodon's rule); with true, bare domains on a known TLD count
/// too (X's rule).
pub(crate) fn find_urls(chars: &[char], without_protocol: bool) -> Vec<UrlMatch> {
    let mut urls = Vec::new();
    if !chars.contains(&'.') {
        return urls;
    }
    let mut scan = Scan::new(chars);
    let n = chars.len();
    let mut p = 0;
    while p < n {
        // The regex's preceding-character group either consumes one valid
        // character or, at the very start, matches nothing.
        let mut found = None;
        if is_valid_preceding(chars[p]) {
            found = scan.match_url(p + 1).map(|m| (m, Some(chars[p])));
        }
        if found.is_none() && p == 0 {
            found = scan.match_url(0).map(|m| (m, None));
        }
        let Some((m, before)) = found else {
            p += 1;
            continue;
        };
        p = m.end.max(p + 1);
        if !is_valid_url(chars, &m) {
            continue;
        }
        if m.protocol_end == m.start {
            if !without_protocol || matches!(before, Some('-' | '_' | '.' | '/')) {
                continue;
            }
            push_ascii_domains(chars, &m, &mut urls);
        } else if let Some((end, slug_len)) = tco_end(chars, &m) {
            if slug_len > MAX_TCO_SLUG_LENGTH {
                continue;
            }
            urls.push(UrlMatch {
                start: m.start,
                end,
                has_protocol: true,
            });
        } else {
            urls.push(UrlMatch {
                start: m.start,
                end: m.end,
                has_protocol: true,
            });
        }
    }
    urls
}

/// The raw regex match before twitter-text's post-processing.
struct RawMatch {
    start: usize,
    /// Index just after `http(s)://` (equals `start` when there is none).
    protocol_end: usize,
    domain_end: usize,
    has_path: bool,
    end: usize,
}

fn is_valid_preceding(c: char) -> bool {
    !(c.is_ascii_alphanumeric() || matches!(c, '@' | '＠' | '$' | '#' | '＃') || is_tt_invalid(c))
}

fn is_label_char(c: char) -> bool {
    is_domain_char(c) || c == '-' || c == '_'
}

/// Per-text scanning state: label runs plus memoised per-position answers,
/// so retrying the match at every position stays cheap.
struct Scan<'a> {
    chars: &'a [char],
    /// `runs[i]` is the end of the run of label characters starting at `i`.
    runs: Vec<usize>,
    /// `underscores[i]` counts `_` in `chars[..i]`.
    underscores: Vec<usize>,
    /// Per label start: 0 unknown, 1 no TLD there, `end + 2` otherwise.
    tld: Vec<usize>,
}

impl<'a> Scan<'a> {
    fn new(chars: &'a [char]) -> Self {
        let n = chars.len();
        let mut runs = vec![n; n + 1];
        for i in (0..n).rev() {
            runs[i] = if is_label_char(chars[i]) {
                runs[i + 1]
            } else {
                i
            };
        }
        let mut underscores = Vec::with_capacity(n + 1);
        let mut count = 0;
        underscores.push(0);
        for &c in chars {
            count += usize::from(c == '_');
            underscores.push(count);
        }
        Self {
            chars,
            runs,
            underscores,
            tld: vec![0; n + 1],
        }
    }

    /// A label starts and ends with a domain character; `-` (and `_` for
    /// subdomains) may appear inside.
    fn valid_label(&self, a: usize, b: usize, allow_underscore: bool) -> bool {
        b > a
            && is_domain_char(self.chars[a])
            && is_domain_char(self.chars[b - 1])
            && (allow_underscore || self.underscores[b] == self.underscores[a])
    }

    fn tld_at(&mut self, a: usize) -> Option<usize> {
        if self.tld[a] == 0 {
            self.tld[a] = tld_end(self.chars, a, self.runs[a]).map_or(1, |e| e + 2);
        }
        self.tld[a].checked_sub(2)
    }

    fn match_url(&mut self, start: usize) -> Option<RawMatch> {
        let chars = self.chars;
        if start >= chars.len() {
            return None;
        }
        let protocol_end = if starts_with_ci(chars, start, "https://") {
            start + 8
        } else if starts_with_ci(chars, start, "http://") {
            start + 7
        } else {
            start
        };
        let domain_end = self.match_domain(protocol_end)?;
        let mut end = domain_end;
        if chars.get(end) == Some(&':') && chars.get(end + 1).is_some_and(char::is_ascii_digit) {
            end += 1;
            while chars.get(end).is_some_and(char::is_ascii_digit) {
                end += 1;
            }
        }
        let has_path = chars.get(end) == Some(&'/');
        if has_path {
            end = path_end(chars, end + 1);
        }
        if chars.get(end) == Some(&'?') {
            end = query_end(chars, end + 1).unwrap_or(end);
        }
        Some(RawMatch {
            start,
            protocol_end,
            domain_end,
            has_path,
            end,
        })
    }

    /// `subdomain* domainName TLD`: returns the end of the domain.
    fn match_domain(&mut self, start: usize) -> Option<usize> {
        let chars = self.chars;
        let mut labels: Vec<(usize, usize)> = Vec::new();
        let mut pos = start;
        while pos < chars.len() && labels.len() < MAX_LABELS {
            let end = self.runs[pos];
            if end == pos {
                break;
            }
            labels.push((pos, end));
            if chars.get(end) == Some(&'.') {
                pos = end + 1;
            } else {
                break;
            }
        }
        if labels.len() < 2 {
            return None;
        }
        // Greedy `subdomain*`: at most as many as there are valid subdomain labels.
        let valid_subs = labels
            .iter()
            .take_while(|&&(a, b)| self.valid_label(a, b, true))
            .count();
        let max_n = (labels.len() - 1).min(valid_subs + 1);
        for n in (1..=max_n).rev() {
            let (a, b) = labels[n - 1];
            if !self.valid_label(a, b, false) {
                continue;
            }
            if let Some(end) = self.tld_at(labels[n].0) {
                return Some(end);
            }
        }
        None
    }
}

fn starts_with_ci(chars: &[char], at: usize, prefix: &str) -> bool {
    let mut i = at;
    for p in prefix.chars() {
        match chars.get(i) {
            Some(c) if c.to_ascii_lowercase() == p => i += 1,
            _ => return false,
        }
    }
    true
}

/// twitter-text's TLD lookahead: a TLD must not run on into `[0-9a-zA-Z@+-]`.
fn tld_boundary(chars: &[char], at: usize) -> bool {
    chars
        .get(at)
        .is_none_or(|&c| !(c.is_ascii_alphanumeric() || matches!(c, '@' | '+' | '-')))
}

/// The longest known TLD (or `xn--` punycode label) at the start of the run
/// `[a, b)`, followed by a TLD boundary. Returns its end.
fn tld_end(chars: &[char], a: usize, b: usize) -> Option<usize> {
    if starts_with_ci(chars, a, "xn--") {
        let mut e = a + 4;
        while e < b && (chars[e].is_ascii_alphanumeric() || chars[e] == '-') {
            e += 1;
        }
        if e > a + 4 && tld_boundary(chars, e) {
            return Some(e);
        }
    }
    // Lower-case the candidate into a stack buffer (TLDs are short).
    let mut buf = [0u8; 4 * MAX_TLD_CHARS];
    let mut len = 0;
    let mut best = None;
    for (e, &c) in chars
        .iter()
        .enumerate()
        .take(b.min(a + MAX_TLD_CHARS))
        .skip(a)
    {
        if c.is_ascii_digit() || c == '-' || c == '_' {
            break; // no TLD contains these
        }
        for l in c.to_lowercase() {
            if len + l.len_utf8() > buf.len() {
                return best;
            }
            len += l.encode_utf8(&mut buf[len..]).len();
        }
        if tld_boundary(chars, e + 1) && std::str::from_utf8(&buf[..len]).is_ok_and(is_tld) {
            best = Some(e + 1);
        }
    }
    best
}

fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || is_cyrillic(c)
        || is_latin_accent(c)
        || matches!(
            c,
            '!' | '*'
                | '\''
                | ';'
                | ':'
                | '='
                | '+'
                | ','
                | '.'
                | '$'
                | '/'
                | '%'
                | '#'
                | '['
                | ']'
                | '-'
                | '\u{2013}'
                | '_'
                | '~'
                | '@'
                | '|'
                | '&'
        )
}

fn is_path_ending_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || is_cyrillic(c)
        || is_latin_accent(c)
        || matches!(c, '+' | '-' | '=' | '_' | '#' | '/')
}

fn path_run(chars: &[char], mut i: usize) -> usize {
    while chars.get(i).copied().is_some_and(is_path_char) {
        i += 1;
    }
    i
}

/// A balanced parenthesis group (one level of nesting) starting at `i`.
fn balanced_parens_end(chars: &[char], i: usize) -> Option<usize> {
    let r1 = path_run(chars, i + 1);
    match chars.get(r1) {
        Some(')') if r1 > i + 1 => Some(r1 + 1),
        Some('(') => {
            let r2 = path_run(chars, r1 + 1);
            if r2 == r1 + 1 || chars.get(r2) != Some(&')') {
                return None;
            }
            let r3 = path_run(chars, r2 + 1);
            (chars.get(r3) == Some(&')')).then_some(r3 + 1)
        }
        _ => None,
    }
}

/// The path after its leading `/`: the longest run of path characters and
/// balanced parentheses that ends on a path-ending character (so a trailing
/// `.` or `,` is left out).
fn path_end(chars: &[char], start: usize) -> usize {
    let mut i = start;
    let mut last_good = start;
    while let Some(&c) = chars.get(i) {
        if is_path_char(c) {
            i += 1;
            if is_path_ending_char(c) {
                last_good = i;
            }
        } else if c == '(' {
            match balanced_parens_end(chars, i) {
                Some(e) => {
                    i = e;
                    last_good = e;
                }
                None => break,
            }
        } else {
            break;
        }
    }
    last_good
}

fn is_query_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!?*'@();:&=+$/%#[]-_.,~|".contains(c)
}

fn is_query_ending_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-_&=#/".contains(c)
}

/// The query after its `?`; `None` when it has no valid ending character.
fn query_end(chars: &[char], start: usize) -> Option<usize> {
    let mut last = None;
    let mut i = start;
    while let Some(&c) = chars.get(i) {
        if !is_query_char(c) {
            break;
        }
        i += 1;
        if is_query_ending_char(c) {
            last = Some(i);
        }
    }
    last
}

/// twitter-text's `isValidUrl`: every label must convert to an ASCII label of
/// at most 63 characters, and the whole URL (with the domain punycode-encoded
/// and a protocol) must fit in 4096 characters.
fn is_valid_url(chars: &[char], m: &RawMatch) -> bool {
    let domain = &chars[m.protocol_end..m.domain_end];
    let mut ascii_len = 0;
    for label in domain.split(|&c| c == '.') {
        let len = if label.iter().all(char::is_ascii) {
            label.len()
        } else {
            let lower: Vec<char> = label.iter().flat_map(|c| c.to_lowercase()).collect();
            if starts_with_ci(&lower, 0, "xn--") {
                return false;
            }
            match punycode_len(&lower) {
                Some(l) => l + 4,
                None => return false,
            }
        };
        if len == 0 || len > MAX_LABEL_LENGTH {
            return false;
        }
        ascii_len += len + 1;
    }
    let ascii_len = ascii_len.saturating_sub(1);
    let protocol = if m.protocol_end == m.start {
        8
    } else {
        m.protocol_end - m.start
    };
    let rest = m.end - m.domain_end;
    protocol + ascii_len + rest <= MAX_URL_LENGTH
}

/// For a URL without protocol, twitter-text keeps only the ASCII domains
/// inside the matched domain (so `これはexample.com` yields `example.com`);
/// the path, when present, is appended to the last one.
fn push_ascii_domains(chars: &[char], m: &RawMatch, urls: &mut Vec<UrlMatch>) {
    let (ds, de) = (m.start, m.domain_end);
    let first = urls.len();
    let mut q = ds;
    while q < de {
        match ascii_domain_at(chars, q, de) {
            Some(end) => {
                urls.push(UrlMatch {
                    start: q,
                    end,
                    has_protocol: false,
                });
                q = end;
            }
            None => q += 1,
        }
    }
    if m.has_path
        && urls.len() > first
        && let Some(last) = urls.last_mut()
    {
        last.end = m.end;
    }
}

fn is_ascii_label_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || is_latin_accent(c)
}

/// `validAsciiDomain` anchored at `q`, within the domain `[.., limit)`.
fn ascii_domain_at(chars: &[char], q: usize, limit: usize) -> Option<usize> {
    let window = &chars[..limit];
    let mut label_starts = Vec::new();
    let mut pos = q;
    loop {
        let mut e = pos;
        while e < limit && is_ascii_label_char(window[e]) {
            e += 1;
        }
        if e == pos || window.get(e) != Some(&'.') {
            break;
        }
        pos = e + 1;
        label_starts.push(pos);
        if label_starts.len() >= MAX_LABELS {
            break;
        }
    }
    // Greedy: try the TLD after the most labels first.
    for &tld_start in label_starts.iter().rev() {
        let mut run = tld_start;
        while run < limit && window[run] != '.' && !is_tt_space(window[run]) {
            run += 1;
        }
        if let Some(end) = tld_end(window, tld_start, run) {
            return Some(end);
        }
    }
    None
}

/// `^https?://t\.co/([a-z0-9]+)(\?query)?`: t.co links end after their slug.
/// Returns the end and the slug length.
fn tco_end(chars: &[char], m: &RawMatch) -> Option<(usize, usize)> {
    let slug_start = m.protocol_end + 5;
    if !starts_with_ci(chars, m.protocol_end, "t.co/") || slug_start > m.end {
        return None;
    }
    let mut e = slug_start;
    while e < m.end && chars[e].is_ascii_alphanumeric() {
        e += 1;
    }
    if e == slug_start {
        return None;
    }
    let slug_len = e - slug_start;
    if chars.get(e) == Some(&'?')
        && let Some(q) = query_end(chars, e + 1)
    {
        e = q.min(m.end);
    }
    Some((e, slug_len))
}

/// Length of the RFC 3492 punycode encoding of `label` (without `xn--`).
fn punycode_len(label: &[char]) -> Option<usize> {
    const BASE: u64 = 36;
    const TMIN: u64 = 1;
    const TMAX: u64 = 26;
    let input: Vec<u64> = label.iter().map(|&c| u64::from(u32::from(c))).collect();
    let basic = input.iter().filter(|&&c| c < 0x80).count();
    let mut out = basic + usize::from(basic > 0);
    let (mut n, mut delta, mut bias, mut handled) = (128u64, 0u64, 72u64, basic);
    while handled < input.len() {
        let m = input.iter().copied().filter(|&c| c >= n).min()?;
        delta = delta.checked_add((m - n).checked_mul(handled as u64 + 1)?)?;
        n = m;
        for &c in &input {
            if c < n {
                delta += 1;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias {
                        TMIN
                    } else if k >= bias + TMAX {
                        TMAX
                    } else {
                        k - bias
                    };
                    if q < t {
                        break;
                    }
                    out += 1;
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                out += 1;
                bias = adapt(delta, handled as u64 + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta += 1;
        n += 1;
    }
    Some(out)
}

fn adapt(delta: u64, points: u64, first: bool) -> u64 {
    let mut delta = if first { delta / 700 } else { delta / 2 };
    delta += delta / points;
    let mut k = 0;
    while delta > ((36 - 1) * 26) / 2 {
        delta /= 36 - 1;
        k += 36;
    }
    k + (36 * delta) / (delta + 38)
}

#[cfg(test)]
#[path = "url_tests.rs"]
mod tests;
