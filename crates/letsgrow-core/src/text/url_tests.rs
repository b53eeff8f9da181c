use super::*;

fn urls(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    find_urls(&chars, true)
        .iter()
        .map(|u| chars[u.start..u.end].iter().collect())
        .collect()
}

#[test]
fn punycode_lengths() {
    // "bücher" -> "bcher-kva", "☃" -> "n3h", "みんな" -> "q9jyb4c"
    assert_eq!(punycode_len(&"bücher".chars().collect::<Vec<_>>()), Some(9));
    assert_eq!(punycode_len(&['☃']), Some(3));
    assert_eq!(punycode_len(&"みんな".chars().collect::<Vec<_>>()), Some(7));
}

#[test]
fn conformance_urls_with_protocol() {
    let cases: &[(&str, &[&str])] = &[
        ("text http://google.com", &["http://google.com"]),
        ("text http://foobar.com/#", &["http://foobar.com/#"]),
        (
            "text http://somehost.com:3000",
            &["http://somehost.com:3000"],
        ),
        (
            "text http://xo.com/~matthew+%ff-,.;x",
            &["http://xo.com/~matthew+%ff-,.;x"],
        ),
        (
            "text http://en.wikipedia.org/wiki/Primer_(film)",
            &["http://en.wikipedia.org/wiki/Primer_(film)"],
        ),
        ("text http://✪df.ws/ejp", &["http://✪df.ws/ejp"]),
        (
            "test http://example.comだよね.comtest/hogehoge",
            &["http://example.com"],
        ),
        ("text http://chilp.it/?77e8fd", &["http://chilp.it/?77e8fd"]),
        (
            "text http://msdn.microsoft.com/ja-jp/library/system.net.httpwebrequest(v=VS.100).aspx",
            &["http://msdn.microsoft.com/ja-jp/library/system.net.httpwebrequest(v=VS.100).aspx"],
        ),
        ("text http://no-tld", &[]),
        ("text http://tld-too-short.x", &[]),
        ("(http://twitter.com", &["http://twitter.com"]),
        ("text http://foo.com?#foo text", &["http://foo.com?#foo"]),
        (
            "Go to http://example.com/a+ or http://example.com/a-",
            &["http://example.com/a+", "http://example.com/a-"],
        ),
        (
            "Go to http://example.com/view/slug-url-?foo=bar",
            &["http://example.com/view/slug-url-?foo=bar"],
        ),
        (
            "Go to https://en.m.wikipedia.org/wiki/Hatfield–McCoy_feud please",
            &["https://en.m.wikipedia.org/wiki/Hatfield–McCoy_feud"],
        ),
        (
            "test http://sub_domain-dash.twitter.com",
            &["http://sub_domain-dash.twitter.com"],
        ),
        ("test http://a.b.cd", &["http://a.b.cd"]),
        ("test http://-leadingdash.twitter.com", &[]),
        ("test http://leadingdash.-twitter.com", &[]),
        ("test http://trailingunderscore.twitter_.com", &[]),
        ("test http://twitter_underscore.com", &[]),
        ("test http://twitter.c_o_m", &[]),
        (
            "test http://www.foo.com/foo/path-with-period./",
            &["http://www.foo.com/foo/path-with-period./"],
        ),
        ("test http://twitter.com/.", &["http://twitter.com/"]),
        (
            "Test a ton of periods http://example.com/path..........",
            &["http://example.com/path"],
        ),
        (
            "Test a ton of periods http://example.com/,,,,,,,,,,",
            &["http://example.com/"],
        ),
        (
            "x http://example.com/path/!!!!!!!!",
            &["http://example.com/path/"],
        ),
        (
            "I really like http://t.co/pbY2NfTZ's website",
            &["http://t.co/pbY2NfTZ"],
        ),
        (
            "Check this site out http://t.co/FNkPfmii- it's great",
            &["http://t.co/FNkPfmii"],
        ),
        (
            "I really like http://t.co/abcdefghijklmnopqrstuvwxyz012345678901234",
            &[],
        ),
        ("Hello http://xn--はじめよう.com/index.html", &[]),
        (
            "test http://foobar.みんな/ http://foobar.中国/",
            &["http://foobar.みんな/", "http://foobar.中国/"],
        ),
        (
            "Go to http://twitter.com/Русские_слова",
            &["http://twitter.com/Русские_слова"],
        ),
        ("http://user:PASSW0RD@example.com:8080/login.php", &[]),
    ];
    for (text, expected) in cases {
        assert_eq!(urls(text), *expected, "{text}");
    }
}

#[test]
fn conformance_urls_without_protocol() {
    let cases: &[(&str, &[&str])] = &[
        (
            "foo.com foo.net foo.org foo.edu foo.gov",
            &["foo.com", "foo.net", "foo.org", "foo.edu", "foo.gov"],
        ),
        (
            "foo.baz foo.co.jp www.xxxxxxx.baz www.foo.co.uk wwwww.xxxxxxx foo.comm foo.somecom foo.govedu foo.jp",
            &["foo.co.jp", "www.foo.co.uk", "foo.jp"],
        ),
        ("t.co/abcde bit.ly/abcde", &["t.co/abcde", "bit.ly/abcde"]),
        ("@user Try http:// example.com/path", &["example.com/path"]),
        (
            "これは日本語です。example.com/path/index.html中国語example.com/path한국",
            &["example.com/path/index.html", "example.com/path"],
        ),
        (
            "twitter.comこれは日本語です。example.com中国語t.co/abcde한국twitter.com example2.comテストtwitter.com/abcde",
            &[
                "twitter.com",
                "example.com",
                "t.co/abcde",
                "twitter.com",
                "example2.com",
                "twitter.com/abcde",
            ],
        ),
        (
            "twitter.jp日本語it.so中国語foo.jp it.so foo.jp",
            &["twitter.jp", "it.so", "foo.jp", "it.so", "foo.jp"],
        ),
        (
            "MLB.tv vine.co twitch.tv t.co",
            &["MLB.tv", "vine.co", "twitch.tv", "t.co"],
        ),
        ("test ELPAÍS.com", &["ELPAÍS.com"]),
        (
            "example.comてすとですtwitter.みんなです",
            &["example.com", "twitter.みんな"],
        ),
        (
            "#test.com @test.com #http://test.com @http://test.com #t.co/abcde @t.co/abcde",
            &[],
        ),
        (
            "$http://twitter.com $twitter.com $http://t.co/abcde $t.co/abcde $t.co $TVI.CA $RBS.CA",
            &[],
        ),
        ("long.test.tar.bz2 test.tar.bz2 tar.bz2", &[]),
        ("john.doe.gov@mail.com john.doe.jp@mail.com", &[]),
        (
            "randomurlrandomurlrandomurlrandomurlrandomurlrandomurlrandomurls.com",
            &[],
        ),
        (
            "http://twitter.com\nhttp://example.com\nhttp://example.com/path\nexample.com/path\nit.so\nit.so/abcde",
            &[
                "http://twitter.com",
                "http://example.com",
                "http://example.com/path",
                "example.com/path",
                "it.so",
                "it.so/abcde",
            ],
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(urls(text), *expected, "{text}");
    }
}

#[test]
fn indices_are_code_points() {
    let chars: Vec<char> = "皆さん見てください！ http://google.com".chars().collect();
    let found = find_urls(&chars, true);
    assert_eq!((found[0].start, found[0].end), (11, 28));
    let chars: Vec<char> = "example.com http://x.org".chars().collect();
    let found = find_urls(&chars, false);
    assert_eq!(
        found,
        vec![UrlMatch {
            start: 12,
            end: 24,
            has_protocol: true
        }]
    );
}

/// twitter-text's "URL with punctuation" cases (conformance `extract.yml` and
/// the ports' `testUrlWithPunctuation`): each text is one whole URL, with or
/// without protocol, also after "test " and after CJK text.
#[test]
fn urls_with_punctuation_are_extracted_whole() {
    let table = [
        "http://www.foo.com/foo/path-with-period./",
        "http://www.foo.org.za/foo/bar/688.1",
        "http://www.foo.com/bar-path/some.stm?param1=foo;param2=P1|0||P2|0",
        "http://foo.com/bar/123/foo_&_bar/",
        "http://foo.com/bar(test)bar(test)bar(test)",
        "www.foo.com/foo/path-with-period./",
        "www.foo.org.za/foo/bar/688.1",
        "www.foo.com/bar-path/some.stm?param1=foo;param2=P1|0||P2|0",
        "foo.com/bar/123/foo_&_bar/",
    ];
    for url in table {
        assert_eq!(urls(url), [url], "alone: {url}");
        assert_eq!(urls(&format!("test {url}")), [url], "after text: {url}");
    }
    assert_eq!(
        urls("ああああああhttp://www.foo.org.za/foo/bar/688.1"),
        ["http://www.foo.org.za/foo/bar/688.1"]
    );
}
