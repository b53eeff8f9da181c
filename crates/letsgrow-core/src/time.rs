//! Instants as the storage layer keeps them (`i64` UTC milliseconds) and as
//! the API and messages show them.

/// An instant in milliseconds since the Unix epoch as RFC 3339 in UTC with
/// milliseconds (`2026-03-29T06:00:00.000Z`); out-of-range values show as the
/// epoch rather than failing, since they can only come from a corrupt row.
pub fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::rfc3339;

    #[test]
    fn formats_utc_with_millis() {
        for (ms, want) in [
            (0, "1970-01-01T00:00:00.000Z"),
            (1_774_764_000_123, "2026-03-29T06:00:00.123Z"),
            (i64::MAX, "1970-01-01T00:00:00.000Z"),
        ] {
            assert_eq!(rfc3339(ms), want, "{ms}");
        }
    }
}
