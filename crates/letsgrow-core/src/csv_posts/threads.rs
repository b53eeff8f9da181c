//! The rules that span rows: a thread has one channel, one instant and
//! distinct `thread_order`s, and is imported whole or not at all.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

use super::{CsvPostRow, CsvRowError, rfc3339};

/// Applies the cross-row thread rules and drops every thread with an error.
/// `bad` starts as the rows, by thread id, that failed their own checks.
pub(super) fn check_threads(
    rows: Vec<CsvPostRow>,
    mut bad: HashMap<String, Vec<usize>>,
    errors: &mut Vec<CsvRowError>,
) -> Vec<CsvPostRow> {
    let mut threads: BTreeMap<&str, Vec<&CsvPostRow>> = BTreeMap::new();
    for r in &rows {
        if let Some(id) = &r.thread_id {
            threads.entry(id).or_default().push(r);
        }
    }
    for (id, members) in &threads {
        let first = members[0];
        let mut orders: HashMap<u32, usize> = HashMap::new();
        for r in members {
            let mut fail = |field: &'static str, message: String| {
                errors.push(CsvRowError {
                    row: r.row,
                    field: Some(field),
                    code: "invalid_thread",
                    message: format!("thread \"{id}\": {message}"),
                });
                bad.entry((*id).to_owned()).or_default().push(r.row);
            };
            if r.channel != first.channel {
                fail(
                    "channel",
                    format!(
                        "channel \"{}\" differs from \"{}\" in row {}; a thread goes to one channel",
                        r.channel, first.channel, first.row
                    ),
                );
            }
            if r.scheduled_at != first.scheduled_at {
                fail(
                    "scheduled_at",
                    format!(
                        "scheduled_at {} differs from {} in row {}; a thread is published at one time",
                        rfc3339(r.scheduled_at),
                        rfc3339(first.scheduled_at),
                        first.row
                    ),
                );
            }
            if let Some(order) = r.thread_order {
                match orders.entry(order) {
                    Entry::Occupied(other) => fail(
                        "thread_order",
                        format!(
                            "thread_order {order} is already used by row {}",
                            other.get()
                        ),
                    ),
                    Entry::Vacant(slot) => {
                        slot.insert(r.row);
                    }
                }
            }
        }
    }
    for (id, members) in &threads {
        let Some(bad_rows) = bad.get_mut(*id) else {
            continue;
        };
        bad_rows.sort_unstable();
        bad_rows.dedup();
        let list = bad_rows
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        for r in members.iter().filter(|r| !bad_rows.contains(&r.row)) {
            errors.push(CsvRowError {
                row: r.row,
                field: Some("thread_id"),
                code: "invalid_thread",
                message: format!(
                    "thread \"{id}\" is not imported because of the errors in row(s) {list}"
                ),
            });
        }
    }
    rows.into_iter()
        .filter(|r| r.thread_id.as_ref().is_none_or(|id| !bad.contains_key(id)))
        .collect()
}
