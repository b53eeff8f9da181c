//! Per-platform text rules (owned by the text-rules work; see issue 4).
