//! Byte-level facts about the raw CSV text that the `csv` crate does not
//! report: skipped blank lines and a quote that is never closed.

/// Empty lines the CSV reader skipped before the record that it started
/// reading at byte `pos`: the run of CR/LF around `pos` holds the previous
/// record's line end (if there is a previous record) plus one per blank line.
pub(super) fn blank_lines_before(bytes: &[u8], pos: usize) -> usize {
    let is_eol = |b: &u8| matches!(b, b'\r' | b'\n');
    let pos = pos.min(bytes.len());
    let start = bytes[..pos]
        .iter()
        .rposition(|b| !is_eol(b))
        .map_or(0, |i| i + 1);
    let end = bytes[pos..]
        .iter()
        .position(|b| !is_eol(b))
        .map_or(bytes.len(), |i| pos + i);
    let mut line_ends = 0;
    let mut i = start;
    while i < end {
        if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            i += 1;
        }
        line_ends += 1;
        i += 1;
    }
    if start == 0 {
        line_ends
    } else {
        line_ends.saturating_sub(1)
    }
}

/// The line of a quote that opens a cell and is never closed. The `csv`
/// crate silently reads such a cell to the end of the file; this mirrors its
/// rule (a quote opens a cell only as its first byte; `""` inside is a quote).
pub(super) fn unclosed_quote_line(bytes: &[u8]) -> Option<usize> {
    let mut open_at = None;
    let mut cell_start = true;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if open_at.is_some() {
            if b == b'"' {
                if bytes.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    open_at = None;
                }
            }
        } else if matches!(b, b',' | b'\r' | b'\n') {
            cell_start = true;
        } else {
            if b == b'"' && cell_start {
                open_at = Some(i);
            }
            cell_start = false;
        }
        i += 1;
    }
    open_at.map(|at| 1 + bytes[..at].iter().filter(|b| **b == b'\n').count())
}
