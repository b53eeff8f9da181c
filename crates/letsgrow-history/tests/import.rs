//! Each format against a fixture written here or a real file from ../shared.

use chrono::{TimeZone, Utc};
use chrono_tz::Tz;
use letsgrow_core::Metric;
use letsgrow_history::{
    CsvMapping, ImportError, TextEncoding, html_to_text, parse_csv, parse_mastodon_outbox,
    parse_x_archive, suggest_mapping,
};

fn shared(rel: &str) -> std::fs::File {
    // crates/letsgrow-history -> repo root -> its parent, where shared/ sits.
    let path = format!("{}/../../../shared/data/{rel}", env!("CARGO_MANIFEST_DIR"));
    std::fs::File::open(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

const TWEETS: &str = r#"window.YTD.tweets.part0 = [
  {"tweet": {"id_str": "1", "full_text": "hello &amp; world", "created_at": "Wed Aug 29 20:21:02 +0000 2018",
             "favorite_count": "7", "retweet_count": "2"}},
  {"tweet": {"id_str": "2", "full_text": "@a thanks", "created_at": "Thu Aug 30 01:00:00 +0200 2018",
             "favorite_count": 3, "retweet_count": 0, "in_reply_to_status_id_str": "99"}},
  {"tweet": {"id_str": "3", "full_text": "RT @b: their post", "created_at": "Fri Aug 31 10:00:00 +0000 2018",
             "favorite_count": "0", "retweet_count": "5"}},
  {"tweet": {"id_str": "4", "full_text": "bad date", "created_at": "2018-08-31"}},
  {"tweet": {"id_str": "1", "full_text": "hello &amp; world", "created_at": "Wed Aug 29 20:21:02 +0000 2018"}},
  {"id_str": "5", "full_text": "old style", "created_at": "Sat Sep 01 10:00:00 +0000 2018"}
]"#;

#[test]
fn x_archive_tweets() {
    let r = parse_x_archive(TWEETS.as_bytes()).unwrap();
    assert_eq!(r.posts.len(), 4);
    assert_eq!(r.skipped_duplicates, 1);
    let p = &r.posts[0];
    assert_eq!(p.platform_id.as_deref(), Some("1"));
    assert_eq!(p.url.as_deref(), Some("https://x.com/i/web/status/1"));
    assert_eq!(
        p.created_at,
        Utc.with_ymd_and_hms(2018, 8, 29, 20, 21, 2).unwrap()
    );
    assert_eq!(p.metrics.get(Metric::Likes), Some(7));
    assert_eq!(p.metrics.get(Metric::Reposts), Some(2));
    assert_eq!(p.metrics.get(Metric::Replies), None);
    assert!(!p.is_reply && !p.is_repost);
    let reply = &r.posts[1];
    assert!(reply.is_reply && !reply.is_repost);
    assert_eq!(
        reply.created_at,
        Utc.with_ymd_and_hms(2018, 8, 29, 23, 0, 0).unwrap()
    );
    assert_eq!(reply.metrics.get(Metric::Reposts), Some(0));
    assert!(r.posts[2].is_repost && !r.posts[2].is_reply);
    assert_eq!(r.posts[3].platform_id.as_deref(), Some("5"));
    assert_eq!(r.errors.len(), 1);
    assert_eq!(r.errors[0].row, 4);
    assert_eq!(r.errors[0].field.as_deref(), Some("created_at"));
    assert!(
        r.errors[0].message.contains("2018-08-31"),
        "{}",
        r.errors[0].message
    );
}

#[test]
fn x_archive_other_prefix_and_not_an_archive() {
    let js = r#"window.YTD.tweet.part3 = [{"tweet":{"id_str":"9","full_text":"x","created_at":"Wed Aug 29 20:21:02 +0000 2018"}}]"#;
    assert_eq!(parse_x_archive(js.as_bytes()).unwrap().posts.len(), 1);
    assert!(matches!(
        parse_x_archive("hello".as_bytes()),
        Err(ImportError::Format(_))
    ));
}

#[test]
fn x_archive_50k_is_fast() {
    let mut js = String::from("window.YTD.tweets.part0 = [");
    for i in 0..50_000 {
        if i > 0 {
            js.push(',');
        }
        js.push_str(&format!(
            r#"{{"tweet":{{"id_str":"{i}","full_text":"post number {i} with some text","created_at":"Wed Aug 29 20:21:02 +0000 2018","favorite_count":"{i}","retweet_count":"1"}}}}"#
        ));
    }
    js.push(']');
    let start = std::time::Instant::now();
    let r = parse_x_archive(js.as_bytes()).unwrap();
    assert_eq!(r.posts.len(), 50_000);
    assert!(start.elapsed().as_secs() < 10, "{:?}", start.elapsed());
}

const OUTBOX: &str = r#"{"@context":"https://www.w3.org/ns/activitystreams","type":"OrderedCollection","orderedItems":[
  {"type":"Create","published":"2023-01-02T03:04:05Z","object":{"type":"Note","id":"https://m.example/users/me/statuses/1",
    "url":"https://m.example/@me/1","published":"2023-01-02T03:04:05Z",
    "content":"<p>Fish &amp; chips &lt;3 &quot;yum&quot; it&#39;s</p><p>line<br>two <a href=\"https://x\">link</a></p>",
    "inReplyTo":null,"likes":{"totalItems":4},"shares":{"totalItems":1}}},
  {"type":"Create","published":"2023-01-03T00:00:00Z","object":{"type":"Note","id":"https://m.example/users/me/statuses/2",
    "published":"2023-01-03T00:00:00+01:00","content":"<p>answer</p>","inReplyTo":"https://other/1"}},
  {"type":"Announce","id":"https://m.example/users/me/statuses/3/activity","published":"2023-01-04T00:00:00Z",
    "object":"https://other.example/@them/77"},
  {"type":"Create","object":{"type":"Note","id":"n4","published":"yesterday","content":"x"}}
]}"#;

#[test]
fn mastodon_outbox() {
    let r = parse_mastodon_outbox(OUTBOX.as_bytes()).unwrap();
    assert_eq!(r.posts.len(), 3);
    let p = &r.posts[0];
    assert_eq!(p.text, "Fish & chips <3 \"yum\" it's\n\nline\ntwo link");
    assert_eq!(p.url.as_deref(), Some("https://m.example/@me/1"));
    assert_eq!(p.metrics.get(Metric::Likes), Some(4));
    assert_eq!(p.metrics.get(Metric::Reposts), Some(1));
    assert!(!p.is_reply);
    let q = &r.posts[1];
    assert!(q.is_reply);
    assert!(q.metrics.is_empty(), "absent counts stay None");
    assert_eq!(
        q.created_at,
        Utc.with_ymd_and_hms(2023, 1, 2, 23, 0, 0).unwrap()
    );
    let boost = &r.posts[2];
    assert!(boost.is_repost);
    assert_eq!(boost.text, "https://other.example/@them/77");
    assert_eq!(r.errors.len(), 1);
    assert_eq!(r.errors[0].row, 4);
    assert_eq!(html_to_text("a&amp;b&#x41;&bogus; <"), "a&bA&bogus;");
}

fn obama_mapping() -> CsvMapping {
    CsvMapping {
        time_column: "created_at".into(),
        time_format: Some("%m/%d/%y %H:%M".into()),
        zone: Tz::UTC,
        text_column: "text".into(),
        id_column: None,
        url_column: Some("url".into()),
        metric_columns: vec![
            (Metric::Replies, "replies".into()),
            (Metric::Reposts, "retweets".into()),
            (Metric::Likes, "favorites".into()),
        ],
        encoding: TextEncoding::Latin1,
    }
}

#[test]
fn obama_csv_real_file() {
    let r = parse_csv(shared("twitter-ratio/BarackObama.csv"), &obama_mapping()).unwrap();
    assert_eq!(r.errors, vec![]);
    assert_eq!(r.posts.len() + r.skipped_duplicates, 3207);
    assert_eq!(r.skipped_duplicates, 0);
    let first = &r.posts[0];
    assert_eq!(
        first.created_at,
        Utc.with_ymd_and_hms(2017, 10, 16, 22, 59, 0).unwrap()
    );
    assert_eq!(first.metrics.get(Metric::Replies), Some(17064));
    assert_eq!(first.metrics.get(Metric::Reposts), Some(89916));
    assert_eq!(first.metrics.get(Metric::Likes), Some(641842));
    assert_eq!(
        first.url.as_deref(),
        Some("https://twitter.com/BarackObama/status/920061541986250758")
    );
    let last = r.posts.last().unwrap();
    assert_eq!(
        last.created_at,
        Utc.with_ymd_and_hms(2014, 8, 14, 16, 50, 0).unwrap()
    );
    assert_eq!(last.metrics.get(Metric::Likes), Some(961));
}

#[test]
fn obama_csv_as_utf8_names_the_rows() {
    let mut m = obama_mapping();
    m.encoding = TextEncoding::Utf8;
    let r = parse_csv(shared("twitter-ratio/BarackObama.csv"), &m).unwrap();
    assert!(!r.errors.is_empty());
    // Line 5 of the file is the first with bytes that are not UTF-8.
    assert_eq!(r.errors[0].row, 5);
    assert_eq!(r.errors[0].field.as_deref(), Some("text"));
    assert!(r.errors[0].message.contains("UTF-8"));
}

#[test]
fn reddit_csv_with_suggested_mapping() {
    let mut rdr = csv::Reader::from_reader(shared("reddit-top/DIY.csv"));
    let headers: Vec<String> = rdr.headers().unwrap().iter().map(str::to_owned).collect();
    let m = suggest_mapping(&headers).unwrap();
    assert_eq!(m.time_column, "created_utc");
    assert_eq!(m.text_column, "title");
    assert_eq!(m.id_column.as_deref(), Some("id"));
    assert!(m.metric_columns.contains(&(Metric::Likes, "score".into())));
    assert!(
        m.metric_columns
            .contains(&(Metric::Replies, "num_comments".into()))
    );
    let r = parse_csv(shared("reddit-top/DIY.csv"), &m).unwrap();
    assert_eq!(r.errors, vec![]);
    assert_eq!(r.posts.len(), 1000);
    let p = &r.posts[0];
    assert_eq!(p.platform_id.as_deref(), Some("1a4cq8"));
    assert_eq!(p.created_at, Utc.timestamp_opt(1_363_052_468, 0).unwrap());
    assert_eq!(p.metrics.get(Metric::Likes), Some(5112));
    assert_eq!(p.metrics.get(Metric::Replies), Some(598));
    assert_eq!(p.metrics.get(Metric::Views), None);
}

fn simple(zone: Tz) -> CsvMapping {
    CsvMapping {
        time_column: "when".into(),
        time_format: None,
        zone,
        text_column: "text".into(),
        id_column: None,
        url_column: None,
        metric_columns: vec![(Metric::Likes, "likes".into())],
        encoding: TextEncoding::Utf8,
    }
}

#[test]
fn csv_missing_column_lists_headers() {
    let err = parse_csv(
        "when,body,likes\n2020-01-01 00:00:00,a,1\n".as_bytes(),
        &simple(Tz::UTC),
    )
    .unwrap_err();
    match &err {
        ImportError::MissingColumn { missing, found } => {
            assert_eq!(missing, "text");
            assert_eq!(found, &["when", "body", "likes"]);
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("when, body, likes"));
}

#[test]
fn csv_bad_number_and_non_utf8_and_duplicates() {
    let mut data = b"when,text,likes\n2020-01-01 00:00:00,a,1\n2020-01-02 00:00:00,b,lots\n2020-01-03 00:00:00,\"two\nlines\",\n2020-01-04 00:00:00,caf".to_vec();
    data.extend_from_slice(&[0xe9, b',', b'2', b'\n']);
    data.extend_from_slice(b"2020-01-01T00:00:00Z,  a ,5\n1577836800,c,\n");
    let r = parse_csv(data.as_slice(), &simple(Tz::UTC)).unwrap();
    assert_eq!(r.errors.len(), 2, "{:?}", r.errors);
    assert_eq!(r.errors[0].row, 3);
    assert_eq!(r.errors[0].field.as_deref(), Some("likes"));
    assert!(r.errors[0].message.contains("\"lots\" is not a number"));
    assert_eq!(
        r.errors[1].row, 6,
        "the quoted two-line cell shifts the line count"
    );
    assert!(r.errors[1].message.contains("UTF-8"));
    // Row 7 is row 2 again (same second, same text once trimmed).
    assert_eq!(r.skipped_duplicates, 1);
    assert_eq!(r.posts.len(), 3);
    assert_eq!(
        r.posts[1].metrics.get(Metric::Likes),
        None,
        "an empty cell is not 0"
    );
    assert_eq!(
        r.posts[2].created_at,
        Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap()
    );
    assert_ne!(r.posts[0].dedupe_key(), r.posts[2].dedupe_key());
}

#[test]
fn csv_dst_in_new_york() {
    let ny: Tz = "America/New_York".parse().unwrap();
    let data = "when,text,likes\n2021-03-14 02:30:00,skipped,\n2021-11-07 01:30:00,twice,\n2021-07-01 12:00:00,summer,\n";
    let r = parse_csv(data.as_bytes(), &simple(ny)).unwrap();
    assert_eq!(r.errors.len(), 1);
    assert_eq!(r.errors[0].row, 2);
    assert!(
        r.errors[0].message.contains("never happened"),
        "{}",
        r.errors[0].message
    );
    // Ambiguous 01:30 on the fall-back day: the earlier one, still EDT (-4).
    assert_eq!(
        r.posts[0].created_at,
        Utc.with_ymd_and_hms(2021, 11, 7, 5, 30, 0).unwrap()
    );
    assert_eq!(
        r.posts[1].created_at,
        Utc.with_ymd_and_hms(2021, 7, 1, 16, 0, 0).unwrap()
    );
}

#[test]
fn too_long_text_is_a_row_error() {
    let long = "x".repeat(100_001);
    let data = format!("when,text,likes\n2020-01-01 00:00:00,{long},\n2020-01-01 00:00:00,ok,\n");
    let r = parse_csv(data.as_bytes(), &simple(Tz::UTC)).unwrap();
    assert_eq!(r.posts.len(), 1);
    assert_eq!(r.errors.len(), 1);
    assert_eq!(r.errors[0].row, 2);
    assert!(r.errors[0].message.contains("100000"));
}
