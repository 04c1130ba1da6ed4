//! When an article shows, and how: the one rule for scheduled, live, expired, retracted and
//! removed articles at a given moment. Pure: entries and a moment in, a [`Showing`] out; the
//! shell reads the clock only to choose the moment (and tests choose it themselves).
//!
//! An article is **hidden** (nothing of it anywhere) while its date is ahead, and for good
//! when it ended (deleted, expired, retracted) before that date: it was never public. Once
//! public it is **live**, until it is
//!
//! - **retracted**: for the tombstone period (`feed.tombstone_days`) RSS and JSON Feed show
//!   a notice item with the same id, Atom a tombstone; its page is the notice (`410 Gone`)
//!   for as long as the retraction stands;
//! - **removed** (its file deleted, or its `expires` moment passed): it leaves RSS and JSON
//!   at once; for the tombstone period Atom shows a tombstone and its page a short notice
//!   (`410 Gone`), then its URL is a plain `404`.
//!
//! A feed's `updated` counts these moments too, so it only ever moves forward.

use chrono::{DateTime, TimeDelta, Utc};
use rustc_hash::FxHashMap;

use crate::identity::{Entry, Hash};

/// How an article shows at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Nothing of it is public: scheduled, or ended before its date.
    Hidden,
    /// In every feed, listing and count.
    Live,
    /// Retracted at `at`: a notice in RSS and JSON (within the tombstone period), a
    /// tombstone in Atom (likewise), a notice page answering `410 Gone`.
    Retracted {
        /// When the retraction took effect.
        at: DateTime<Utc>,
        /// Whether the tombstone period is still running (the feeds still carry it).
        in_feeds: bool,
    },
    /// Deleted or expired at `at`, within the tombstone period: a tombstone in Atom and a
    /// notice page answering `410 Gone`.
    Removed {
        /// When it was deleted or expired.
        at: DateTime<Utc>,
    },
    /// Scheduled for `at`, shown ahead of time by a preview only (`serve --preview`),
    /// marked as such: the real site keeps it [`Stage::Hidden`].
    Scheduled {
        /// Its moment.
        at: DateTime<Utc>,
    },
    /// Deleted or expired longer ago: gone (`404`); its moment still dates its feeds.
    Forgotten {
        /// When it was deleted or expired.
        at: DateTime<Utc>,
    },
}

impl Stage {
    /// Whether feed items (notice or tombstone) stand for it.
    pub fn in_feeds(&self) -> bool {
        matches!(
            self,
            Stage::Live
                | Stage::Scheduled { .. }
                | Stage::Retracted { in_feeds: true, .. }
                | Stage::Removed { .. }
        )
    }

    /// Whether its page is a notice answering `410 Gone`.
    pub fn is_gone(&self) -> bool {
        matches!(self, Stage::Retracted { .. } | Stage::Removed { .. })
    }
}

fn plus(t: DateTime<Utc>, d: TimeDelta) -> DateTime<Utc> {
    t.checked_add_signed(d).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// How `entry` shows at `now`, with tombstones kept for `period`.
pub fn stage(entry: &Entry, now: DateTime<Utc>, period: TimeDelta) -> Stage {
    if entry.published > now {
        return Stage::Hidden;
    }
    // An expiry set before the date takes effect at the date (reported when read).
    let expires = entry.expires.map(|t| t.max(entry.published));
    let ended = [entry.removed, expires]
        .into_iter()
        .flatten()
        .filter(|t| *t <= now)
        .min();
    if let Some(at) = ended {
        return if at < entry.published {
            Stage::Hidden
        } else if now < plus(at, period) {
            Stage::Removed { at }
        } else {
            Stage::Forgotten { at }
        };
    }
    match entry.retracted.filter(|at| *at <= now) {
        Some(at) if at < entry.published => Stage::Hidden,
        Some(at) => Stage::Retracted {
            at,
            in_feeds: now < plus(at, period),
        },
        None => Stage::Live,
    }
}

/// Whether it was deleted or retracted before its date: it will never be public.
fn ends_before_its_date(entry: &Entry) -> bool {
    [entry.removed, entry.retracted]
        .into_iter()
        .flatten()
        .any(|t| t < entry.published)
}

/// The moments at which `entry` changes stage.
fn moments(entry: &Entry, period: TimeDelta) -> impl Iterator<Item = DateTime<Utc>> {
    let ends = [entry.removed, entry.expires, entry.retracted]
        .into_iter()
        .flatten();
    let ages = ends
        .clone()
        .map(move |t| plus(t.max(entry.published), period));
    std::iter::once(entry.published).chain(ends).chain(ages)
}

/// Counts of articles by how they show.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Counts {
    /// Live: in feeds and listings.
    pub live: usize,
    /// Scheduled: their date is ahead.
    pub scheduled: usize,
    /// Retracted, as long as the retraction stands.
    pub retracted: usize,
    /// Deleted or expired, within the tombstone period.
    pub removed: usize,
}

/// What is public at one moment.
#[derive(Debug, Default)]
pub struct Showing<'a> {
    /// The moment it is for.
    pub now: DateTime<Utc>,
    /// Live articles, in the order of the entries given (newest first, equal moments by
    /// rowid, as the index keeps them); in a preview, scheduled ones too.
    pub live: Vec<&'a Entry>,
    /// Retracted and removed articles feeds still show (notice, tombstone), their version
    /// marked with their stage and their `updated` moved to the moment they ended.
    pub marked: Vec<Entry>,
    /// Articles gone from every feed whose moment still dates the feeds they were in.
    pub floors: Vec<Entry>,
    /// The stage of every article that is not live nor hidden, by rowid.
    pub stages: FxHashMap<i64, Stage>,
    /// How many articles show how.
    pub counts: Counts,
    /// The next moment something changes stage; `None`: nothing is waiting.
    pub next_change: Option<DateTime<Utc>>,
    /// The scheduled articles, soonest first: (rowid, due moment).
    pub scheduled: Vec<(i64, DateTime<Utc>)>,
}

impl<'a> Showing<'a> {
    /// Everything feeds plan with: the live articles and the marked ones.
    pub fn planned(&self) -> Vec<&Entry> {
        self.live
            .iter()
            .copied()
            .chain(self.marked.iter())
            .collect()
    }
}

/// Sorts `entries` (newest first, equal moments by rowid) by how they show at `now`,
/// tombstones kept for `period`.
pub fn showing<'a>(entries: &[&'a Entry], now: DateTime<Utc>, period: TimeDelta) -> Showing<'a> {
    sort(entries, now, period, false)
}

/// [`showing`] for a preview (`serve --preview`): scheduled articles are shown too, each
/// at [`Stage::Scheduled`] until its moment, when it turns live as on the real site.
pub fn previewing<'a>(entries: &[&'a Entry], now: DateTime<Utc>, period: TimeDelta) -> Showing<'a> {
    sort(entries, now, period, true)
}

fn sort<'a>(
    entries: &[&'a Entry],
    now: DateTime<Utc>,
    period: TimeDelta,
    preview: bool,
) -> Showing<'a> {
    let mut out = Showing {
        now,
        live: Vec::with_capacity(entries.len()),
        ..Showing::default()
    };
    for &entry in entries {
        if ends_before_its_date(entry) {
            // Never public: nothing about it will ever change what is published.
            continue;
        }
        for moment in moments(entry, period).filter(|m| *m > now) {
            out.next_change = Some(out.next_change.map_or(moment, |n| n.min(moment)));
        }
        let stage = stage(entry, now, period);
        match stage {
            Stage::Hidden => {
                if entry.published > now && !ends_before_its_date(entry) {
                    out.counts.scheduled += 1;
                    out.scheduled.push((entry.rowid, entry.published));
                    if preview {
                        out.live.push(entry);
                        let at = entry.published;
                        out.stages.insert(entry.rowid, Stage::Scheduled { at });
                    }
                }
                continue;
            }
            // (`stage` never says `Scheduled`: only a preview does, above.)
            Stage::Live | Stage::Scheduled { .. } => {
                out.counts.live += 1;
                out.live.push(entry);
                continue;
            }
            Stage::Retracted { at, in_feeds } => {
                out.counts.retracted += 1;
                let marked = mark(entry, b"retracted", at);
                if in_feeds {
                    out.marked.push(marked);
                } else {
                    out.floors.push(marked);
                }
            }
            Stage::Removed { at } => {
                out.counts.removed += 1;
                out.marked.push(mark(entry, b"removed", at));
            }
            Stage::Forgotten { at } => out.floors.push(mark(entry, b"removed", at)),
        }
        out.stages.insert(entry.rowid, stage);
    }
    out.scheduled.sort_by_key(|(rowid, due)| (*due, *rowid));
    out
}

/// A copy of `entry` whose version says how it shows and whose `updated` is `at` (never
/// earlier than it was).
fn mark(entry: &Entry, how: &[u8], at: DateTime<Utc>) -> Entry {
    let mut hasher = blake3::Hasher::new();
    hasher.update(&entry.version);
    hasher.update(how);
    hasher.update(&at.timestamp_micros().to_le_bytes());
    let version: Hash = *hasher.finalize().as_bytes();
    Entry {
        version,
        updated: entry.updated.max(at),
        ..entry.clone()
    }
}

#[cfg(test)]
mod tests;
