use super::*;
use chrono_tz::{America, Europe};

const HEADER: &str = "channel,text,scheduled_at,timezone,media_url,alt_text,thread_id,thread_order";

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn parse_ok(input: &str) -> ParsedCsv {
    parse(input.as_bytes(), Europe::Berlin, 1000).unwrap()
}

/// The single row of a file that must parse without errors.
fn one_row(input: &str) -> CsvPostRow {
    let parsed = parse_ok(input);
    assert_eq!(parsed.errors, vec![], "{input:?}");
    assert_eq!(parsed.rows.len(), 1);
    parsed.rows[0].clone()
}

/// (row, field, code) of each error.
fn codes(parsed: &ParsedCsv) -> Vec<(usize, Option<&'static str>, &'static str)> {
    parsed
        .errors
        .iter()
        .map(|e| (e.row, e.field, e.code))
        .collect()
}

/// A file with the full header and the given data lines.
fn file(lines: &[&str]) -> String {
    let mut s = format!("{HEADER}\n");
    for l in lines {
        s.push_str(l);
        s.push('\n');
    }
    s
}

#[test]
fn rfc3339_with_offsets_is_converted_to_utc() {
    let r = one_row(&file(&["ch,hello,2026-12-01T10:00:00+01:00,,,,,"]));
    assert_eq!(r.scheduled_at, utc("2026-12-01T09:00:00Z"));
    assert_eq!(r.resolution, None);
    assert_eq!(r.timezone, None);
    assert_eq!(r.row, 2);
    let r = one_row(&file(&["ch,hello,2026-12-01T09:00:00Z,,,,,"]));
    assert_eq!(r.scheduled_at, utc("2026-12-01T09:00:00Z"));
    let r = one_row(&file(&["ch,hello,2026-12-01T04:00:00-05:00,,,,,"]));
    assert_eq!(r.scheduled_at, utc("2026-12-01T09:00:00Z"));
    // A zone beside an RFC 3339 time is kept (and checked), the instant is not moved.
    let r = one_row(&file(&[
        "ch,hello,2026-12-01T09:00:00Z,America/New_York,,,,",
    ]));
    assert_eq!(r.scheduled_at, utc("2026-12-01T09:00:00Z"));
    assert_eq!(r.timezone.as_deref(), Some("America/New_York"));
    assert_eq!(r.resolution, None);
}

#[test]
fn local_time_is_read_in_the_default_zone() {
    for raw in [
        "2026-12-01 09:00",
        "2026-12-01T09:00",
        "2026-12-01 09:00:00",
        "2026-12-01T09:00:00",
    ] {
        let r = one_row(&file(&[&format!("ch,hello,{raw},,,,,")]));
        assert_eq!(r.scheduled_at, utc("2026-12-01T08:00:00Z"), "{raw}");
        assert_eq!(
            r.resolution,
            Some(Resolution::Exact {
                utc: utc("2026-12-01T08:00:00Z")
            })
        );
        assert_eq!(r.timezone.as_deref(), Some("Europe/Berlin"));
        assert_eq!(r.dst_note(), None);
    }
    let r = one_row(&file(&["ch,hello,2026-12-01 09:00:30,,,,,"]));
    assert_eq!(r.scheduled_at, utc("2026-12-01T08:00:30Z"));
    // Without a timezone column at all.
    let r = one_row("channel,text,scheduled_at\nch,hello,2026-07-01 09:00\n");
    assert_eq!(r.scheduled_at, utc("2026-07-01T07:00:00Z"));
    let parsed = parse(
        b"channel,text,scheduled_at\nch,hello,2026-07-01 09:00\n",
        America::New_York,
        10,
    )
    .unwrap();
    assert_eq!(parsed.rows[0].scheduled_at, utc("2026-07-01T13:00:00Z"));
    assert_eq!(parsed.rows[0].timezone.as_deref(), Some("America/New_York"));
}

#[test]
fn local_time_is_read_in_the_rows_zone() {
    let r = one_row(&file(&["ch,hello,2026-12-01 09:00,America/New_York,,,,"]));
    assert_eq!(r.scheduled_at, utc("2026-12-01T14:00:00Z"));
    assert_eq!(r.timezone.as_deref(), Some("America/New_York"));
    let r = one_row(&file(&["ch,hello,2026-12-01 09:00, Asia/Tokyo ,,,,"]));
    assert_eq!(r.scheduled_at, utc("2026-12-01T00:00:00Z"));
}

#[test]
fn dst_gap_in_berlin_moves_forward() {
    let r = one_row(&file(&["ch,hello,2026-03-29 02:30,Europe/Berlin,,,,"]));
    assert_eq!(r.scheduled_at, utc("2026-03-29T01:30:00Z"));
    assert_eq!(
        r.resolution,
        Some(Resolution::Gap {
            utc: utc("2026-03-29T01:30:00Z"),
            shifted_by_minutes: 60
        })
    );
    assert_eq!(
        r.dst_note().as_deref(),
        Some("02:30 does not exist on 2026-03-29 in Europe/Berlin; scheduled at 03:30")
    );
}

#[test]
fn dst_overlap_in_new_york_takes_the_first() {
    let r = one_row(&file(&["ch,hello,2026-11-01 01:30,America/New_York,,,,"]));
    assert_eq!(r.scheduled_at, utc("2026-11-01T05:30:00Z"));
    assert_eq!(
        r.resolution,
        Some(Resolution::Overlap {
            utc: utc("2026-11-01T05:30:00Z"),
            later: utc("2026-11-01T06:30:00Z")
        })
    );
    assert_eq!(
        r.dst_note().as_deref(),
        Some(
            "01:30 happens twice on 2026-11-01 in America/New_York; \
             scheduled at the first (01:30 EDT), not the second (01:30 EST)"
        )
    );
}

#[test]
fn bom_is_accepted() {
    let mut input = b"\xEF\xBB\xBF".to_vec();
    input.extend_from_slice(file(&["ch,hello,2026-12-01T09:00:00Z,,,,,"]).as_bytes());
    let parsed = parse(&input, Europe::Berlin, 10).unwrap();
    assert_eq!(parsed.errors, vec![]);
    assert_eq!(parsed.rows[0].channel, "ch");
    assert_eq!(parsed.rows[0].row, 2);
    assert_eq!(
        parse(b"\xEF\xBB\xBF", Europe::Berlin, 10),
        Err(CsvFileError::Empty)
    );
}

#[test]
fn crlf_and_quoted_line_breaks() {
    let input = "channel,text,scheduled_at\r\n\
                 a,\"line one\r\nline two, with comma\",2026-12-01T09:00:00Z\r\n\
                 b,\"say \"\"hi\"\"\",2026-12-01T09:00:00Z\r\n";
    let parsed = parse_ok(input);
    assert_eq!(parsed.errors, vec![]);
    assert_eq!(parsed.rows.len(), 2);
    assert_eq!(parsed.rows[0].text, "line one\r\nline two, with comma");
    assert_eq!(parsed.rows[1].text, "say \"hi\"");
    // The quoted line break is inside one spreadsheet row.
    assert_eq!((parsed.rows[0].row, parsed.rows[1].row), (2, 3));
}

#[test]
fn blank_lines_are_skipped_but_counted_as_rows() {
    for eol in ["\n", "\r\n", "\r"] {
        let input = [
            "channel,text,scheduled_at",
            "",
            "a,x,2026-12-01 09:00",
            "",
            ",,",
            "",
            "b,,2026-12-01 09:00",
            "",
        ]
        .join(eol);
        let parsed = parse_ok(&input);
        assert_eq!(parsed.rows.len(), 1, "{eol:?}");
        assert_eq!(parsed.rows[0].row, 3, "{eol:?}");
        assert_eq!(
            codes(&parsed),
            vec![(7, Some("text"), "empty_text")],
            "{eol:?}"
        );
    }
    let parsed = parse_ok("\n\nchannel,text,scheduled_at\na,x,2026-12-01 09:00\n");
    assert_eq!(parsed.rows[0].row, 4);
}

#[test]
fn header_names_are_trimmed_case_insensitive_and_in_any_order() {
    let r = one_row(
        " Scheduled_AT ,TEXT,Channel, Media_Url\n2026-12-01T09:00:00Z,hi,ch,https://example.com/a.png\n",
    );
    assert_eq!(r.channel, "ch");
    assert_eq!(r.text, "hi");
    assert_eq!(r.media_url.as_deref(), Some("https://example.com/a.png"));
}

#[test]
fn text_is_kept_as_written_and_other_cells_are_trimmed() {
    let r = one_row(&file(&[
        "  ch  ,\"  hello  \",2026-12-01T09:00:00Z,,  https://example.com/x.png , a cat ,,",
    ]));
    assert_eq!(r.channel, "ch");
    assert_eq!(r.text, "  hello  ");
    assert_eq!(r.media_url.as_deref(), Some("https://example.com/x.png"));
    assert_eq!(r.alt_text.as_deref(), Some("a cat"));
    assert_eq!((r.thread_id, r.thread_order), (None, None));
}

#[test]
fn missing_field() {
    let parsed = parse_ok(&file(&[
        ",hello,2026-12-01 09:00,,,,,",
        "ch,hello, ,,,,,",
        "ch,hello,2026-12-01 09:00,,,,t1,",
    ]));
    assert_eq!(
        codes(&parsed),
        vec![
            (2, Some("channel"), "missing_field"),
            (3, Some("scheduled_at"), "missing_field"),
            (4, Some("thread_order"), "missing_field"),
        ]
    );
    assert!(parsed.errors[2].message.contains("\"t1\""));
    assert_eq!(parsed.rows, vec![]);
}

#[test]
fn invalid_time() {
    let parsed = parse_ok(&file(&[
        "ch,hello,2026-13-01 09:00,,,,,",
        "ch,hello,tomorrow,,,,,",
        "ch,hello,2026-12-01 25:00,,,,,",
        "ch,hello,2026-12-01T09:00:00+25:00,,,,,",
    ]));
    assert_eq!(
        codes(&parsed),
        (2..=5)
            .map(|r| (r, Some("scheduled_at"), "invalid_time"))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        parsed.errors[0].message,
        "scheduled_at \"2026-13-01 09:00\" is not RFC 3339 or a local date-time (YYYY-MM-DD HH:MM)"
    );
}

#[test]
fn unknown_timezone() {
    let parsed = parse_ok(&file(&[
        "ch,hello,2026-12-01 09:00,Mars/Olympus,,,,",
        "ch,hello,2026-12-01T09:00:00Z,Berlin,,,,",
    ]));
    assert_eq!(
        codes(&parsed),
        vec![
            (2, Some("timezone"), "unknown_timezone"),
            (3, Some("timezone"), "unknown_timezone"),
        ]
    );
    assert!(parsed.errors[0].message.contains("\"Mars/Olympus\""));
    assert_eq!(parsed.rows, vec![]);
}

#[test]
fn invalid_url() {
    for bad in [
        "example.com/a.png",
        "ftp://example.com/a.png",
        "javascript:alert(1)",
        "https://",
        "https:///a.png",
        "https://exa mple.com/a.png",
        "https://user:pw@example.com/a.png",
        "https://example.com:99999/a.png",
        "https://example.com:/a.png",
        "https://-bad.com/",
        "https://example..com/",
        "https://[::1/",
        "https://[not-v6]/",
        "http://example.com/a\u{7}.png",
    ] {
        assert!(!is_http_url(bad), "{bad:?} should be rejected");
        let parsed = parse_ok(&file(&[&format!(
            "ch,hello,2026-12-01 09:00,,\"{bad}\",,,"
        )]));
        assert_eq!(
            codes(&parsed),
            vec![(2, Some("media_url"), "invalid_url")],
            "{bad:?}"
        );
    }
    for good in [
        "https://example.com/a.png",
        "HTTP://Example.COM",
        "http://example.com:8080/x?y=1#z",
        "https://[2001:db8::1]:443/a.png",
        "https://bücher.de/ä.png",
        "http://localhost/a.png",
    ] {
        assert!(is_http_url(good), "{good:?} should be accepted");
    }
}

#[test]
fn empty_text() {
    let parsed = parse_ok(&file(&[
        "ch,,2026-12-01 09:00,,,,,",
        "ch,\"  \n \",2026-12-01 09:00,,,,,",
        "ch,\u{200B},2026-12-01 09:00,,,,,",
    ]));
    assert_eq!(
        codes(&parsed),
        vec![
            (2, Some("text"), "empty_text"),
            (3, Some("text"), "empty_text"),
            (4, Some("text"), "empty_text"),
        ]
    );
}

#[test]
fn wrong_field_count() {
    let parsed = parse_ok(&file(&[
        "ch,hello,2026-12-01 09:00",
        "ch,hello,2026-12-01 09:00,,,,,,extra",
        "ch,hello,2026-12-01 09:00,,,,,",
    ]));
    assert_eq!(
        codes(&parsed),
        vec![
            (2, None, "wrong_field_count"),
            (3, None, "wrong_field_count")
        ]
    );
    assert_eq!(
        parsed.errors[0].message,
        "the row has 3 cells but the header has 8"
    );
    assert_eq!(parsed.rows.len(), 1);
    assert_eq!(parsed.rows[0].row, 4);
}

#[test]
fn a_row_reports_all_of_its_problems() {
    let parsed = parse_ok(&file(&[",,someday,,notaurl,,,x"]));
    assert_eq!(
        codes(&parsed),
        vec![
            (2, Some("channel"), "missing_field"),
            (2, Some("text"), "empty_text"),
            (2, Some("scheduled_at"), "invalid_time"),
            (2, Some("media_url"), "invalid_url"),
            (2, Some("thread_order"), "invalid_thread"),
        ]
    );
    assert_eq!(parsed.errors[0].to_string(), "row 2: channel is empty");
}

#[test]
fn non_utf8_is_a_file_error() {
    let mut input = format!("{HEADER}\nch,caf").into_bytes();
    input.extend_from_slice(b"\xE9,2026-12-01 09:00,,,,,\n");
    let err = parse(&input, Europe::Berlin, 10).unwrap_err();
    assert_eq!(err, CsvFileError::NotUtf8);
    assert!(err.to_string().contains("UTF-8"));
    // UTF-16 (Excel's "Unicode text") is not UTF-8 either.
    assert_eq!(
        parse(b"\xFF\xFEc\0h\0", Europe::Berlin, 10),
        Err(CsvFileError::NotUtf8)
    );
}

#[test]
fn header_problems_are_file_errors() {
    assert_eq!(
        parse(
            b"channel,scheduled_at\nch,2026-12-01 09:00\n",
            Europe::Berlin,
            10
        ),
        Err(CsvFileError::MissingColumns(vec!["text"]))
    );
    assert_eq!(
        parse(b"channel\nch\n", Europe::Berlin, 10),
        Err(CsvFileError::MissingColumns(vec!["text", "scheduled_at"]))
    );
    let err = parse(b"channel,text,scheduled_at,Image, \n", Europe::Berlin, 10).unwrap_err();
    assert_eq!(
        err,
        CsvFileError::UnknownColumns(vec!["Image".into(), "".into()])
    );
    assert!(
        err.to_string()
            .starts_with("unknown column(s) \"Image\", \"\";")
    );
    let err = parse(b"channel,text,Text,scheduled_at\n", Europe::Berlin, 10).unwrap_err();
    assert!(
        matches!(&err, CsvFileError::Malformed(m) if m.contains("\"text\" appears more than once"))
    );
}

#[test]
fn empty_files() {
    for input in [
        "",
        "\n\n",
        "channel,text,scheduled_at\n",
        "channel,text,scheduled_at\n,,\n\n",
    ] {
        assert_eq!(
            parse(input.as_bytes(), Europe::Berlin, 10),
            Err(CsvFileError::Empty),
            "{input:?}"
        );
    }
}

#[test]
fn unclosed_quote_is_a_file_error() {
    let input = file(&[
        "ch,hello,2026-12-01 09:00,,,,,",
        "ch,\"oops,2026-12-01 09:00,,,,,",
        "ch,hello,2026-12-01 09:00,,,,,",
    ]);
    let err = parse(input.as_bytes(), Europe::Berlin, 10).unwrap_err();
    assert!(
        matches!(&err, CsvFileError::Malformed(m) if m.contains("line 3")),
        "{err}"
    );
    // Quotes inside an unquoted cell are literal and need no closing.
    let r = one_row(&file(&["ch,a 5\" screen,2026-12-01 09:00,,,,,"]));
    assert_eq!(r.text, "a 5\" screen");
}

#[test]
fn too_many_rows() {
    let rows: Vec<String> = (0..3)
        .map(|i| format!("ch,post {i},2026-12-01 09:00,,,,,"))
        .collect();
    let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
    let input = file(&refs);
    assert_eq!(
        parse(input.as_bytes(), Europe::Berlin, 2),
        Err(CsvFileError::TooManyRows { max: 2 })
    );
    assert_eq!(
        parse(input.as_bytes(), Europe::Berlin, 3)
            .unwrap()
            .rows
            .len(),
        3
    );
    // Blank rows do not count towards the limit.
    let input = format!("{input}\n\n,,,,,,,\n");
    assert_eq!(
        parse(input.as_bytes(), Europe::Berlin, 3)
            .unwrap()
            .rows
            .len(),
        3
    );
}

#[test]
fn two_hundred_rows_with_three_bad_ones() {
    let bad = [17, 100, 201];
    let lines: Vec<String> = (2..=201)
        .map(|row| match row {
            17 => "ch,hello,2026-02-30 09:00,,,,,".to_owned(),
            100 => "ch,hello,2026-12-01 09:00,Nowhere/City,,,,".to_owned(),
            201 => "ch,,2026-12-01 09:00,,,,,".to_owned(),
            _ => format!(
                "ch{row},\"post {row}, with comma\",2026-12-01 09:{:02},,,,,",
                row % 60
            ),
        })
        .collect();
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let parsed = parse(file(&refs).as_bytes(), Europe::Berlin, 200).unwrap();
    assert_eq!(parsed.errors.iter().map(|e| e.row).collect::<Vec<_>>(), bad);
    assert_eq!(parsed.rows.len(), 197);
    assert!(parsed.rows.iter().all(|r| !bad.contains(&r.row)));
    assert_eq!(parsed.rows[0].row, 2);
    assert_eq!(parsed.rows[196].row, 200);
    assert_eq!(parsed.rows[196].channel, "ch200");
}

#[test]
fn threads_are_kept_when_consistent() {
    let parsed = parse_ok(&file(&[
        "ch,part 2,2026-12-01 09:00,,,,t1,2",
        "ch,part 1,2026-12-01T08:00:00Z,,,,t1,1",
        "other,solo,2026-12-01 10:00,,,,,",
        "ch,part 3,2026-12-01 03:00,America/New_York,,,t1,3",
    ]));
    assert_eq!(parsed.errors, vec![]);
    assert_eq!(
        parsed
            .rows
            .iter()
            .map(|r| (r.row, r.thread_order))
            .collect::<Vec<_>>(),
        vec![(2, Some(2)), (3, Some(1)), (4, None), (5, Some(3))]
    );
}

#[test]
fn thread_rules_across_rows() {
    let parsed = parse_ok(&file(&[
        // t1: duplicate order in row 4.
        "ch,a,2026-12-01 09:00,,,,t1,1",
        "ch,b,2026-12-01 09:00,,,,t1,2",
        "ch,c,2026-12-01 09:00,,,,t1,2",
        // t2: another channel in row 6, another time in row 7.
        "ch,a,2026-12-01 09:00,,,,t2,1",
        "xx,b,2026-12-01 09:00,,,,t2,2",
        "ch,c,2026-12-01 09:05,,,,t2,3",
        // t3: row 9 fails on its own, so row 8 is dropped too.
        "ch,a,2026-12-01 09:00,,,,t3,1",
        "ch,b,2026-12-01 09:00,,ftp://x,,t3,2",
        // Order without thread id, and an order that is not a positive number.
        "ch,a,2026-12-01 09:00,,,,,1",
        "ch,a,2026-12-01 09:00,,,,t4,0",
        "ch,a,2026-12-01 09:00,,,,t5,two",
        // t6 is fine.
        "ch,a,2026-12-01 09:00,,,,t6,1",
    ]));
    assert_eq!(
        codes(&parsed),
        vec![
            (2, Some("thread_id"), "invalid_thread"),
            (3, Some("thread_id"), "invalid_thread"),
            (4, Some("thread_order"), "invalid_thread"),
            (5, Some("thread_id"), "invalid_thread"),
            (6, Some("channel"), "invalid_thread"),
            (7, Some("scheduled_at"), "invalid_thread"),
            (8, Some("thread_id"), "invalid_thread"),
            (9, Some("media_url"), "invalid_url"),
            (10, Some("thread_order"), "invalid_thread"),
            (11, Some("thread_order"), "invalid_thread"),
            (12, Some("thread_order"), "invalid_thread"),
        ]
    );
    let message = |row: usize| {
        parsed
            .errors
            .iter()
            .find(|e| e.row == row)
            .map(|e| e.message.clone())
            .unwrap()
    };
    assert_eq!(
        message(4),
        "thread \"t1\": thread_order 2 is already used by row 3"
    );
    assert_eq!(
        message(2),
        "thread \"t1\" is not imported because of the errors in row(s) 4"
    );
    assert!(message(6).contains("channel \"xx\" differs from \"ch\" in row 5"));
    assert!(message(7).contains("2026-12-01T08:05:00Z differs from 2026-12-01T08:00:00Z in row 5"));
    assert_eq!(
        message(5),
        "thread \"t2\" is not imported because of the errors in row(s) 6, 7"
    );
    assert!(message(8).contains("row(s) 9"));
    assert!(message(10).contains("thread_id is empty"));
    assert!(message(12).contains("\"two\""));
    assert_eq!(
        parsed.rows.iter().map(|r| r.row).collect::<Vec<_>>(),
        vec![13]
    );
}

fn export_row(channel: &str, text: &str) -> CsvExportRow {
    CsvExportRow {
        channel: channel.into(),
        text: text.into(),
        scheduled_at: utc("2026-12-01T09:00:00Z"),
        timezone: None,
        media_url: None,
        alt_text: None,
        thread_id: None,
        thread_order: None,
    }
}

#[test]
fn write_format() {
    let mut r = export_row("ch", "hello");
    r.scheduled_at = utc("2026-12-01T10:00:00.750+01:00");
    r.thread_id = Some("t".into());
    r.thread_order = Some(3);
    assert_eq!(
        write(&[r]),
        format!("{HEADER}\r\nch,hello,2026-12-01T09:00:00Z,,,,t,3\r\n")
    );
    assert_eq!(write(&[]), format!("{HEADER}\r\n"));
}

#[test]
fn round_trip() {
    let mut rows = vec![
        export_row("Mastodon main", "plain"),
        export_row("ch", "commas, \"quotes\" and\nnew\r\nlines"),
        export_row("ch", "  spaced  "),
        export_row("ch", "emoji 🎉 and ünïcödé"),
        export_row("ch", "'already quoted"),
    ];
    rows[1].timezone = Some("Europe/Berlin".into());
    rows[1].media_url = Some("https://example.com/a.png?x=1,2".into());
    rows[1].alt_text = Some("a \"cat\", sleeping".into());
    for (i, r) in rows.iter_mut().enumerate().skip(2) {
        r.thread_id = Some("launch".into());
        r.thread_order = Some(u32::try_from(i).unwrap());
    }
    let out = write(&rows);
    let parsed = parse(out.as_bytes(), America::New_York, 10).unwrap();
    assert_eq!(parsed.errors, vec![]);
    let back: Vec<CsvExportRow> = parsed.rows.iter().map(CsvExportRow::from).collect();
    assert_eq!(back, rows);
}

#[test]
fn formula_prefix_is_one_way() {
    let mut r = export_row("@news", "=HYPERLINK(\"http://evil\")");
    r.alt_text = Some("-1".into());
    r.thread_id = Some("+t".into());
    r.thread_order = Some(1);
    let mut tab = export_row("ch", "\tindented");
    tab.thread_id = Some("+t".into());
    tab.thread_order = Some(2);
    tab.channel = "@news".into();
    let out = write(&[r, tab]);
    assert!(
        out.contains(
            "'@news,\"'=HYPERLINK(\"\"http://evil\"\")\",2026-12-01T09:00:00Z,,,'-1,'+t,1\r\n"
        ),
        "{out}"
    );
    assert!(out.contains("\"'\tindented\""), "{out}");
    // scheduled_at and thread_order are not user text and are never prefixed.
    assert!(!out.contains("'2026") && !out.contains(",'1") && !out.contains(",'2"));

    // Import keeps the quote: the prefix does not come off again.
    let parsed = parse(out.as_bytes(), Europe::Berlin, 10).unwrap();
    assert_eq!(parsed.errors, vec![]);
    let first = &parsed.rows[0];
    assert_eq!(first.channel, "'@news");
    assert_eq!(first.text, "'=HYPERLINK(\"http://evil\")");
    assert_eq!(first.alt_text.as_deref(), Some("'-1"));
    assert_eq!(first.thread_id.as_deref(), Some("'+t"));
    assert_eq!(first.thread_order, Some(1));
    assert_eq!(parsed.rows[1].text, "'\tindented");
}

#[test]
fn file_error_messages() {
    assert_eq!(
        CsvFileError::MissingColumns(vec!["text", "scheduled_at"]).to_string(),
        "the header row lacks the required column(s) text, scheduled_at"
    );
    assert_eq!(
        CsvFileError::TooManyRows { max: 500 }.to_string(),
        "the file has more than 500 posts; split it into files of at most 500"
    );
    assert!(
        CsvFileError::UnknownColumns(vec!["x".into()])
            .to_string()
            .ends_with("the columns are channel, text, scheduled_at, timezone, media_url, alt_text, thread_id, thread_order")
    );
}
