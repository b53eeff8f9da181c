use super::*;
use serde_json::json;

fn run(platform: Platform, text: &str) -> CheckResult {
    check(platform, text, &CheckOptions::default())
}

fn codes(r: &CheckResult) -> Vec<ViolationCode> {
    r.violations.iter().map(|v| v.code).collect()
}

#[test]
fn serialises_to_the_api_shape() {
    let r = run(
        Platform::Bluesky,
        "Hi @alice.bsky.social #rust https://example.com",
    );
    let v = serde_json::to_value(&r).unwrap_or_default();
    assert_eq!(
        v,
        json!({
            "platform": "bluesky",
            "weighted_length": 47,
            "max": 300,
            "valid": true,
            "violations": [],
            "entities": {
                "hashtags": [{"text": "rust", "start": 22, "end": 27}],
                "mentions": [{"text": "alice.bsky.social", "start": 3, "end": 21}],
                "urls": [{"text": "https://example.com", "start": 28, "end": 47}],
                "cashtags": []
            },
            "facets": [
                {"kind": "mention", "value": "alice.bsky.social", "byte_start": 3, "byte_end": 21},
                {"kind": "link", "value": "https://example.com", "byte_start": 28, "byte_end": 47},
                {"kind": "tag", "value": "rust", "byte_start": 22, "byte_end": 27}
            ]
        })
    );
    let back: CheckResult = serde_json::from_value(v).unwrap_or_else(|_| run(Platform::X, ""));
    assert_eq!(back, r);
}

#[test]
fn violations_are_machine_readable() {
    let r = run(Platform::X, &"a".repeat(281));
    let v = serde_json::to_value(&r.violations).unwrap_or_default();
    assert_eq!(v[0]["code"], "too_long");
    assert_eq!(v[0]["limit"], 280);
    assert_eq!(v[0]["actual"], 281);
    let r = run(Platform::Webhook, " ");
    let v = serde_json::to_value(&r).unwrap_or_default();
    assert_eq!(v["max"], serde_json::Value::Null);
    assert_eq!(
        v["violations"][0],
        json!({"code": "empty", "message": "text is empty or only whitespace", "limit": null, "actual": null})
    );
}

#[test]
fn blank_text_is_invalid_everywhere() {
    for platform in Platform::ALL {
        for text in ["", " ", "\n\t ", "\u{3000}\u{A0}", "\u{200B}"] {
            let r = run(platform, text);
            assert!(!r.valid, "{platform} {text:?}");
            assert_eq!(codes(&r), vec![ViolationCode::Empty], "{platform} {text:?}");
        }
        assert!(run(platform, "ok").valid, "{platform}");
    }
}

#[test]
fn x_limits() {
    assert!(run(Platform::X, &"a".repeat(280)).valid);
    let r = run(Platform::X, &"a".repeat(281));
    assert_eq!((r.weighted_length, r.valid), (281, false));
    assert_eq!(codes(&r), vec![ViolationCode::TooLong]);
    // CJK counts 2: 140 fit, 141 do not.
    assert!(run(Platform::X, &"の".repeat(140)).valid);
    assert_eq!(run(Platform::X, &"の".repeat(141)).weighted_length, 282);
    // Emoji count 2 whatever their length in code points.
    assert!(run(Platform::X, &"👨‍👩‍👧‍👦".repeat(140)).valid);
    assert!(!run(Platform::X, &"😷".repeat(141)).valid);
    // A URL counts 23 however long.
    let text = format!(
        "{} https://example.com/{}",
        "a".repeat(256),
        "b".repeat(300)
    );
    assert_eq!(run(Platform::X, &text).weighted_length, 280);
    // NFC: e + combining acute is one character.
    assert_eq!(
        run(Platform::X, &"e\u{301}".repeat(280)).weighted_length,
        280
    );
    assert!(run(Platform::X, &"e\u{301}".repeat(280)).valid);
    let r = run(Platform::X, "ABC\u{FFFF}");
    assert_eq!(codes(&r), vec![ViolationCode::InvalidCharacters]);
}

#[test]
fn x_conformance_long_tweets() {
    let body = "xxxxxxxxxx-".repeat(25);
    let text = format!("285 chars-{body}");
    assert_eq!(run(Platform::X, &text).weighted_length, 285);
    let text = format!(
        "285 chars- http://www.twitter.com/jack {}",
        "xxxxxxxxxx-".repeat(24)
    );
    assert_eq!(run(Platform::X, &text).weighted_length, 299);
    let text = "故人西辞黄鹤楼，烟花三月下扬州。孤帆远影碧空尽，唯见长江天际流。".repeat(5);
    assert_eq!(run(Platform::X, &text).weighted_length, 320);
}

#[test]
fn x_entities_use_original_offsets() {
    let r = run(Platform::X, "Cafe\u{301} #café @bob $TWTR example.com");
    let e = &r.entities;
    assert_eq!(
        e.hashtags,
        vec![Entity {
            text: "café".into(),
            start: 6,
            end: 11
        }]
    );
    assert_eq!(
        e.mentions,
        vec![Entity {
            text: "bob".into(),
            start: 12,
            end: 16
        }]
    );
    assert_eq!(
        e.cashtags,
        vec![Entity {
            text: "TWTR".into(),
            start: 17,
            end: 22
        }]
    );
    assert_eq!(
        e.urls,
        vec![Entity {
            text: "example.com".into(),
            start: 23,
            end: 34
        }]
    );
    assert!(r.facets.is_empty());
}

#[test]
fn bluesky_counts_graphemes_and_fills_facets() {
    assert!(run(Platform::Bluesky, &"👨‍👩‍👧‍👦".repeat(300)).valid);
    let r = run(Platform::Bluesky, &"a".repeat(301));
    assert_eq!(codes(&r), vec![ViolationCode::TooLong]);
    let r = run(Platform::Bluesky, "✨ #日本 @bob.test $TSLA #2024");
    assert_eq!(r.facets.len(), 2);
    assert_eq!(
        r.entities.hashtags,
        vec![Entity {
            text: "日本".into(),
            start: 2,
            end: 5
        }]
    );
    assert_eq!(
        r.entities.mentions,
        vec![Entity {
            text: "bob.test".into(),
            start: 6,
            end: 15
        }]
    );
    assert_eq!(
        r.entities.cashtags,
        vec![Entity {
            text: "TSLA".into(),
            start: 16,
            end: 21
        }]
    );
    let tag = &r.facets[1];
    assert_eq!((tag.byte_start, tag.byte_end), (4, 11));
}

#[test]
fn bluesky_link_entity_keeps_literal_text() {
    let r = run(Platform::Bluesky, "go to bsky.app/profile.");
    assert_eq!(r.facets[0].value, "https://bsky.app/profile");
    assert_eq!(
        r.entities.urls,
        vec![Entity {
            text: "bsky.app/profile".into(),
            start: 6,
            end: 22
        }]
    );
}

#[test]
fn mastodon_rules() {
    let remote = format!("@alice@mastodon.social {}", "a".repeat(493));
    let r = run(Platform::Mastodon, &remote);
    assert_eq!((r.weighted_length, r.valid), (500, true));
    assert_eq!(r.entities.mentions[0].text, "alice@mastodon.social");
    let url = format!(
        "https://example.com/{} {}",
        "p".repeat(600),
        "a".repeat(476)
    );
    assert_eq!(run(Platform::Mastodon, &url).weighted_length, 500);
    let opts = CheckOptions {
        max_override: Some(1000),
        ..CheckOptions::default()
    };
    let long = "a".repeat(800);
    assert!(!run(Platform::Mastodon, &long).valid);
    let r = check(Platform::Mastodon, &long, &opts);
    assert_eq!((r.max, r.valid), (Some(1000), true));
    // Bare domains are no links on Mastodon.
    assert!(
        run(Platform::Mastodon, "see example.com")
            .entities
            .urls
            .is_empty()
    );
}

#[test]
fn instagram_hashtag_limit() {
    let tags = |n: usize| {
        (0..n)
            .map(|i| format!("#tag{i}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert!(run(Platform::Instagram, &tags(30)).valid);
    let r = run(Platform::Instagram, &tags(31));
    assert_eq!(codes(&r), vec![ViolationCode::TooManyHashtags]);
    assert_eq!(
        (r.violations[0].limit, r.violations[0].actual),
        (Some(30), Some(31))
    );
    assert!(run(Platform::Instagram, &"a".repeat(2200)).valid);
    assert!(!run(Platform::Instagram, &"a".repeat(2201)).valid);
}

#[test]
fn code_point_platforms() {
    for (platform, max) in [
        (Platform::Linkedin, LINKEDIN_MAX),
        (Platform::Threads, THREADS_MAX),
        (Platform::Reddit, REDDIT_BODY_MAX),
    ] {
        assert!(run(platform, &"😀".repeat(max)).valid, "{platform}");
        let r = run(platform, &"😀".repeat(max + 1));
        assert_eq!(
            (r.weighted_length, r.max),
            (max + 1, Some(max)),
            "{platform}"
        );
        assert_eq!(codes(&r), vec![ViolationCode::TooLong], "{platform}");
    }
}

#[test]
fn reddit_title_and_body() {
    let title = CheckOptions {
        reddit_field: RedditField::Title,
        ..CheckOptions::default()
    };
    let text = "t".repeat(301);
    let r = check(Platform::Reddit, &text, &title);
    assert_eq!((r.max, r.valid), (Some(300), false));
    assert!(run(Platform::Reddit, &text).valid);
    let opts: CheckOptions =
        serde_json::from_value(json!({"reddit_field": "title"})).unwrap_or_default();
    assert_eq!(opts, title);
}

#[test]
fn webhook_has_no_limit() {
    let r = run(Platform::Webhook, &"a".repeat(100_000));
    assert_eq!((r.max, r.valid, r.weighted_length), (None, true, 100_000));
    let opts = CheckOptions {
        max_override: Some(10),
        ..CheckOptions::default()
    };
    assert!(!check(Platform::Webhook, "eleven char", &opts).valid);
}

#[test]
fn a_webhook_counts_against_its_formats_receiver() {
    let with = |webhook_format| CheckOptions {
        webhook_format,
        ..CheckOptions::default()
    };
    // (format, text, max, length, valid)
    let table: [(WebhookFormat, String, Option<usize>, usize, bool); 6] = [
        (WebhookFormat::Generic, "a".repeat(2_001), None, 2_001, true),
        (
            WebhookFormat::Discord,
            "a".repeat(2_000),
            Some(2_000),
            2_000,
            true,
        ),
        (
            WebhookFormat::Discord,
            "a".repeat(2_001),
            Some(2_000),
            2_001,
            false,
        ),
        (
            WebhookFormat::Discord,
            "é".repeat(2_000),
            Some(2_000),
            2_000,
            true,
        ),
        (
            WebhookFormat::Slack,
            "a".repeat(40_000),
            Some(40_000),
            40_000,
            true,
        ),
        // Sent escaped: 10,000 `&` are 50,000 characters to Slack.
        (
            WebhookFormat::Slack,
            "&".repeat(10_000),
            Some(40_000),
            50_000,
            false,
        ),
    ];
    for (format, text, max, length, valid) in table {
        let r = check(Platform::Webhook, &text, &with(format));
        assert_eq!(
            (r.max, r.weighted_length, r.valid),
            (max, length, valid),
            "{format:?}"
        );
    }
    let over = check(
        Platform::Webhook,
        &"a".repeat(2_001),
        &with(WebhookFormat::Discord),
    );
    assert_eq!(
        over.violations[0].message,
        "2001 characters is over the limit of 2000 for a Discord webhook"
    );
    // The format reaches the API as `webhook_format`.
    let opts: CheckOptions =
        serde_json::from_value(json!({"webhook_format": "slack"})).unwrap_or_default();
    assert_eq!(opts.webhook_format, WebhookFormat::Slack);
}

#[test]
fn large_mixed_input_stays_fast() {
    // A Reddit-body-sized mix of the constructs every scanner looks at, plus
    // long runs without spaces, which are the worst case for URL scanning.
    let chunk =
        "Hello @bob #tag $TSLA see example.com/path?q=1 and https://t.co/abc 日本語テキスト👨‍👩‍👧‍👦 ";
    let mut text = chunk.repeat(400);
    text.push_str(&"日本語".repeat(2000));
    text.push_str(&"a.".repeat(2000));
    let started = std::time::Instant::now();
    for platform in Platform::ALL {
        let r = run(platform, &text);
        assert!(r.weighted_length > 0);
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
}
