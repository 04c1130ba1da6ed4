//! The in-memory view of the index that reconciliation works on and feed planning reads:
//! live articles by path, identities free for reuse by content hash, slugs and ids taken.
//! Pure data: loading and saving are the store's business.

use std::collections::HashMap;
use std::hash::{Hash as _, Hasher};

use rustc_hash::{FxHashMap, FxHashSet, FxHasher};

use super::planned::Planned;
use super::store::Rejected;
use crate::identity::{Entry, Hash, Interner, Record};

/// Everything the index knows, held in memory between scans.
#[derive(Debug, Default)]
pub struct Catalog {
    live: FxHashMap<String, Record>,
    /// Deleted (tombstoned) records, and live ones whose file vanished during this scan.
    reusable: FxHashMap<Hash, Vec<Record>>,
    /// Slugs taken, as hashes of (channel, slug): a rare collision only costs a `-2` suffix.
    taken: FxHashSet<u64>,
    /// Ids taken, as hashes: a rare collision only means a new id is minted.
    ids: FxHashSet<u64>,
    /// Planning entries of published articles, when tracked (the daemon keeps them).
    entries: Option<Planned>,
    /// Files not published, by path relative to the content root.
    pub rejected: HashMap<String, Rejected>,
    /// Identities read back from published feeds, used when the index was lost.
    pub recovered: Recovered,
    /// Shared strings of the planning entries.
    pub interner: Interner,
    /// Whether drafts are planned like published articles (a preview's catalog).
    pub drafts_planned: bool,
}

fn key(parts: &[&str]) -> u64 {
    let mut hasher = FxHasher::default();
    parts.hash(&mut hasher);
    hasher.finish()
}

impl Catalog {
    /// Builds the catalog from stored records and rejected files.
    pub fn new(records: Vec<Record>, rejected: HashMap<String, Rejected>) -> Self {
        let mut catalog = Catalog {
            rejected,
            ..Catalog::default()
        };
        for record in records {
            catalog.taken.insert(key(&[&record.channel, &record.slug]));
            catalog.ids.insert(key(&[&record.id]));
            if record.deleted_at.is_none() {
                catalog.live.insert(record.path.clone(), record);
            } else {
                catalog
                    .reusable
                    .entry(record.hash)
                    .or_default()
                    .push(record);
            }
        }
        catalog
    }

    /// Keeps planning entries up to date from now on, starting from `entries`.
    pub fn track_entries(&mut self, entries: Vec<Entry>) {
        self.entries = Some(entries.into_iter().collect());
    }

    /// The live article at `path` (relative to the content root), if any.
    pub fn live_at(&self, path: &str) -> Option<&Record> {
        self.live.get(path)
    }

    /// Paths of live articles.
    pub fn live_paths(&self) -> impl Iterator<Item = &String> {
        self.live.keys()
    }

    /// Number of published articles (live, not drafts).
    pub fn published_count(&self) -> usize {
        self.live.values().filter(|r| !r.draft).count()
    }

    /// Number of live articles (drafts included).
    pub fn live_count(&self) -> usize {
        self.live.len()
    }

    /// Non-draft articles for feed planning (live, and removed within the tombstone
    /// period), when tracked: newest first, equal moments in rowid order.
    pub fn entries(&self) -> Option<Vec<&Entry>> {
        self.entries.as_ref().map(Planned::newest_first)
    }

    /// Takes a live record out because its file is gone; its identity becomes reusable.
    pub fn vanish(&mut self, path: &str) -> Option<Record> {
        // Its planning entry stays: a record not taken over by a move is tombstoned, and
        // its entry then marked removed (see `tombstone`).
        let record = self.live.remove(path)?;
        self.reusable
            .entry(record.hash)
            .or_default()
            .push(record.clone());
        Some(record)
    }

    /// Takes a reusable identity with this content, if any (a move, rename or restore).
    pub fn take_reusable(&mut self, hash: &Hash) -> Option<Record> {
        let candidates = self.reusable.get_mut(hash)?;
        // Prefer a record that vanished in this scan (a move) over an older tombstone.
        let pos = candidates
            .iter()
            .position(|r| r.deleted_at.is_none())
            .unwrap_or(0);
        let record = (!candidates.is_empty()).then(|| candidates.remove(pos));
        if candidates.is_empty() {
            self.reusable.remove(hash);
        }
        record
    }

    /// Records that vanished in this scan and were not taken over: to be tombstoned.
    pub fn unclaimed_vanished(&self) -> Vec<Record> {
        let mut out: Vec<Record> = self
            .reusable
            .values()
            .flatten()
            .filter(|r| r.deleted_at.is_none())
            .cloned()
            .collect();
        out.sort_by(|a, b| a.path.cmp(&b.path));
        out
    }

    /// Marks a vanished record as tombstoned at `at` (it stays reusable).
    pub fn tombstone(&mut self, rowid: i64, at: chrono::DateTime<chrono::Utc>) {
        for record in self
            .reusable
            .values_mut()
            .flatten()
            .filter(|r| r.rowid == rowid)
        {
            record.deleted_at = Some(at);
        }
        if let Some(entries) = &mut self.entries {
            entries.mark_removed(rowid, at);
        }
    }

    /// Forgets tombstones older than `before`.
    pub fn purge(&mut self, before: chrono::DateTime<chrono::Utc>) {
        let mut purged = Vec::new();
        self.reusable.retain(|_, records| {
            records.retain(|r| {
                let keep = r.deleted_at.is_none_or(|d| d >= before);
                if !keep {
                    purged.push(r.rowid);
                }
                keep
            });
            !records.is_empty()
        });
        if let Some(entries) = &mut self.entries {
            for rowid in purged {
                entries.remove(rowid);
            }
        }
    }

    /// Stores a record as live, with its planning entry; a draft's is kept only when
    /// [`Catalog::drafts_planned`].
    pub fn put(&mut self, record: Record, entry: Option<Entry>) {
        let entry = entry.filter(|_| !record.draft || self.drafts_planned);
        self.taken.insert(key(&[&record.channel, &record.slug]));
        self.ids.insert(key(&[&record.id]));
        if let Some(entries) = &mut self.entries {
            entries.remove(record.rowid);
            if let Some(entry) = entry {
                entries.insert(entry);
            }
        }
        self.live.insert(record.path.clone(), record);
    }

    /// Records a new size and mtime for a live article whose bytes did not change.
    pub fn restat(&mut self, path: &str, size: u64, mtime_ns: i64) {
        if let Some(record) = self.live.get_mut(path) {
            (record.size, record.mtime_ns) = (size, mtime_ns);
        }
    }

    /// Whether `slug` is taken in `channel`, by a live or tombstoned article (or, rarely, by a
    /// hash collision).
    pub fn is_slug_taken(&self, channel: &str, slug: &str) -> bool {
        self.taken.contains(&key(&[channel, slug]))
    }

    /// Marks `slug` as taken in `channel`.
    pub fn claim_slug(&mut self, channel: &str, slug: &str) {
        self.taken.insert(key(&[channel, slug]));
    }

    /// Whether `id` is taken by a live or tombstoned article (or, rarely, by a hash collision).
    pub fn is_id_taken(&self, id: &str) -> bool {
        self.ids.contains(&key(&[id]))
    }
}

/// An identity readers already saw, read back from published feeds after the index was lost.
#[derive(Debug, Clone, PartialEq)]
pub struct SeenIdentity {
    /// The id the feed gave the item.
    pub id: String,
    /// The publication date the feed showed; `None` when it gave none or an unreadable one.
    pub published: Option<chrono::DateTime<chrono::Utc>>,
}

/// Identities recovered from published feeds, matched to articles by page, then by title.
#[derive(Debug, Default)]
pub struct Recovered {
    by_page: FxHashMap<(String, String), SeenIdentity>,
    by_title: FxHashMap<String, SeenIdentity>,
}

impl Recovered {
    /// Adds an item seen at page `(channel, slug)` (if its link was an article page).
    pub fn add(&mut self, page: Option<(String, String)>, title: String, seen: SeenIdentity) {
        if let Some(page) = page {
            self.by_page.entry(page).or_insert_with(|| seen.clone());
        }
        self.by_title.entry(title).or_insert(seen);
    }

    /// Whether no identity was recovered.
    pub fn is_empty(&self) -> bool {
        self.by_page.is_empty() && self.by_title.is_empty()
    }

    /// How many distinct titles identities were recovered for.
    pub fn len(&self) -> usize {
        self.by_title.len()
    }

    /// Takes the identity of the article at `(channel, slug)` or titled `title`.
    pub fn take(&mut self, channel: &str, slug: &str, title: &str) -> Option<SeenIdentity> {
        let page = (channel.to_string(), slug.to_string());
        let seen = self
            .by_page
            .remove(&page)
            .or_else(|| self.by_title.remove(title))?;
        self.by_title.retain(|_, s| s.id != seen.id);
        self.by_page.retain(|_, s| s.id != seen.id);
        Some(seen)
    }
}
