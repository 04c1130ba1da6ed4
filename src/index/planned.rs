//! The daemon's planning entries, kept in the order every feed, archive and sitemap reads
//! them: newest first, equal moments by rowid. Kept sorted as articles come and go (each
//! change costs O(log n)), so that a publish never sorts the whole archive again: its
//! passes over the entries meet them in order, and the sorts they still do (sitemaps by
//! age, archive months) find one run and finish in linear time.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rustc_hash::FxHashMap;

use crate::identity::Entry;

/// Where an entry sits: newest first, then by rowid.
type Key = (Reverse<DateTime<Utc>>, i64);

fn key_of(entry: &Entry) -> Key {
    (Reverse(entry.published), entry.rowid)
}

/// Planning entries by rowid, iterated newest first.
#[derive(Debug, Default)]
pub struct Planned {
    keys: FxHashMap<i64, Key>,
    ordered: BTreeMap<Key, Entry>,
}

impl Planned {
    /// Holds `entry`, in place of any entry with its rowid.
    pub fn insert(&mut self, entry: Entry) {
        self.remove(entry.rowid);
        let key = key_of(&entry);
        self.keys.insert(entry.rowid, key);
        self.ordered.insert(key, entry);
    }

    /// Lets go of the entry with `rowid`, if held.
    pub fn remove(&mut self, rowid: i64) -> Option<Entry> {
        let key = self.keys.remove(&rowid)?;
        self.ordered.remove(&key)
    }

    /// Marks the entry with `rowid` removed at `at` (its place does not change).
    pub fn mark_removed(&mut self, rowid: i64, at: DateTime<Utc>) {
        if let Some(entry) = self.keys.get(&rowid).and_then(|k| self.ordered.get_mut(k)) {
            entry.removed = Some(at);
        }
    }

    /// Every entry, newest first; equal moments in rowid order.
    pub fn newest_first(&self) -> Vec<&Entry> {
        self.ordered.values().collect()
    }
}

impl FromIterator<Entry> for Planned {
    fn from_iter<I: IntoIterator<Item = Entry>>(entries: I) -> Self {
        let mut planned = Planned::default();
        for entry in entries {
            planned.insert(entry);
        }
        planned
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn entry(rowid: i64, hour: u32) -> Entry {
        let at = Utc.with_ymd_and_hms(2026, 12, 1, hour, 0, 0).unwrap();
        Entry {
            version: [0; 32],
            ..feedfold_core::fixtures::entry(rowid, at)
        }
    }

    fn rowids(planned: &Planned) -> Vec<i64> {
        planned.newest_first().iter().map(|e| e.rowid).collect()
    }

    #[test]
    fn entries_come_out_newest_first_and_equal_moments_by_rowid() {
        let planned: Planned = [entry(3, 9), entry(1, 7), entry(4, 9), entry(2, 11)]
            .into_iter()
            .collect();
        assert_eq!(rowids(&planned), vec![2, 3, 4, 1]);
    }

    #[test]
    fn an_entry_whose_date_changed_moves_to_its_new_place() {
        let mut planned: Planned = [entry(1, 7), entry(2, 8)].into_iter().collect();
        planned.insert(entry(1, 10));
        assert_eq!(rowids(&planned), vec![1, 2]);
        assert_eq!(planned.newest_first().len(), 2);
    }

    #[test]
    fn a_removed_entry_is_gone_and_a_marked_one_keeps_its_place() {
        let mut planned: Planned = [entry(1, 7), entry(2, 8), entry(3, 9)]
            .into_iter()
            .collect();
        assert_eq!(planned.remove(2).map(|e| e.rowid), Some(2));
        assert_eq!(planned.remove(2).map(|e| e.rowid), None);
        let at = Utc.with_ymd_and_hms(2026, 12, 2, 0, 0, 0).unwrap();
        planned.mark_removed(1, at);
        assert_eq!(rowids(&planned), vec![3, 1]);
        assert_eq!(planned.newest_first()[1].removed, Some(at));
    }
}
