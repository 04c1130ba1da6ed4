//! Archived feeds (RFC 5005 section 4): the site feed and every channel feed link their
//! history, one archive document per calendar month of the items' `date` in the site's
//! time zone, holding every item of its month (the current feed's too: RFC 5005 allows the
//! overlap, readers dedupe by id). Pure: planned entries in, archive plans out.
//!
//! Walking `prev-archive` from the current feed visits every month, newest first, and each
//! month's parts (when it does not fit in `feed.max_bytes`) newest first, so that every item
//! is met exactly once among the archives. A month's documents change only when an item of
//! theirs does, or a neighbour appears or goes, or the next month's number of parts changes
//! (its oldest part is their `next-archive`).

mod chunks;
mod newest;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::{FeedMeta, FeedPlan, History, Item};
use crate::config::{Config, Format};
use crate::identity::{Entry, Hash};
use crate::layout::{self, Month, Scope};

pub use chunks::newest_first_chunks;
pub use newest::{link_newest, newest_months};

/// Bumped whenever archive rendering changes, so that every archive is rewritten once.
const ARCHIVE_VERSION: &str = "feedfold-archive-1";

/// The formats archives are written in: RFC 5005 is for RSS and Atom. JSON Feed 1.1's
/// `next_url` pages one list ("the next n items") and has no archive, `current` or
/// overlap: archives would not be what it promises.
pub const FORMATS: [Format; 2] = [Format::Rss, Format::Atom];

/// One month's archive of one feed (in every archive format).
#[derive(Debug, Clone)]
pub struct ArchivePlan {
    /// The feed it is the archive of: the site or a channel.
    pub scope: Scope,
    /// Its month.
    pub month: Month,
    /// The next older month of the same feed that has an archive.
    pub prev: Option<Month>,
    /// The next newer month of the same feed that has an archive.
    pub next: Option<Month>,
    /// The feed-level facts: its own URLs, and `history` with `archive` and `current` set
    /// (the neighbours' links depend on the parts, see [`ArchivePlan::part_meta`]).
    pub meta: FeedMeta,
    /// Rowids and versions of every article of its month, newest first.
    pub items: Vec<(i64, Hash)>,
    /// Changes exactly when its documents could change, but for the next month's parts.
    pub signature: Hash,
}

impl ArchivePlan {
    /// The feed-level facts of part `part` of `parts` (1 = the newest), its next month
    /// having `next_parts` parts in this format.
    pub fn part_meta(
        &self,
        base_url: &str,
        part: usize,
        parts: usize,
        next_parts: usize,
    ) -> FeedMeta {
        let dir =
            |month, part| layout::key_url(base_url, &layout::archive_dir(&self.scope, month, part));
        let mut meta = self.meta.clone();
        let own = layout::archive_dir(&self.scope, self.month, part);
        meta.stylesheet = Some(layout::stylesheet_href(&own));
        meta.self_urls = FORMATS
            .iter()
            .map(|f| {
                (
                    *f,
                    layout::key_url(base_url, &format!("{own}{}", f.file_name())),
                )
            })
            .collect();
        let mut history = meta.history.take().unwrap_or_default();
        history.prev = if part < parts {
            Some(dir(self.month, part + 1))
        } else {
            self.prev.map(|m| dir(m, 1))
        };
        history.next = if part > 1 {
            Some(dir(self.month, part - 1))
        } else {
            self.next.map(|m| dir(m, next_parts.max(1)))
        };
        meta.history = Some(history);
        meta
    }

    /// The feed-level facts as large as any part's can be: what a part is sized with.
    pub fn sizing_meta(&self, base_url: &str) -> FeedMeta {
        let mut meta = self.part_meta(base_url, usize::MAX, usize::MAX, usize::MAX);
        if let Some(history) = meta.history.as_mut() {
            let far = |month| {
                layout::key_url(
                    base_url,
                    &layout::archive_dir(&self.scope, month, usize::MAX),
                )
            };
            history.prev = Some(far(self.prev.unwrap_or(self.month)));
            history.next = Some(far(self.next.unwrap_or(self.month)));
        }
        meta
    }
}

/// Plans the archives of the site feed and of every channel feed in `plans` from `entries`
/// (what feeds plan with), and links each of those current feeds to its newest archive.
/// `floors` (articles gone from every feed) still date the months they were in.
pub fn plan(
    entries: &[&Entry],
    floors: &[&Entry],
    plans: &mut [FeedPlan],
    config: &Config,
) -> Vec<ArchivePlan> {
    if !archived(config) {
        return Vec::new();
    }
    let tz = config.timezone().unwrap_or(chrono_tz::UTC);
    let months = by_month(entries, tz);
    let floor = by_month(floors, tz);
    let mut out = Vec::new();
    for current in plans.iter_mut() {
        let Some(months) = months.get(&current.scope) else {
            continue;
        };
        let list: Vec<Month> = months.keys().copied().collect();
        let base = &config.site.base_url;
        for (i, (month, entries)) in months.iter().enumerate() {
            let floor = floor.get(&current.scope).and_then(|f| f.get(month));
            let updated = entries
                .iter()
                .chain(floor.into_iter().flatten())
                .map(|e| e.updated)
                .max()
                .unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
            let mut meta = current.meta.clone();
            meta.updated = updated;
            // A month's language is its own articles': the current feed's moves with each
            // new one, and would have every month of the archive rewritten with it.
            if current.language_of_items {
                meta.language = super::plan::majority_language(entries, &config.site.language);
            }
            meta.hubs = Vec::new();
            meta.history = Some(History {
                archive: true,
                current: Some(layout::key_url(base, &current.dir)),
                ..History::default()
            });
            let items: Vec<(i64, Hash)> = entries.iter().map(|e| (e.rowid, e.version)).collect();
            let mut plan = ArchivePlan {
                scope: current.scope.clone(),
                month: *month,
                prev: i.checked_sub(1).map(|p| list[p]),
                next: list.get(i + 1).copied(),
                meta,
                items,
                signature: [0; 32],
            };
            plan.signature = signature(config, &plan);
            out.push(plan);
        }
        if let Some(newest) = list.last() {
            newest::link(current, *newest, base);
        }
    }
    out
}

/// Whether this site has archives: `feed.archive` on, and RSS or Atom among the formats.
fn archived(config: &Config) -> bool {
    config.feed.archive && config.feed.formats.iter().any(|f| FORMATS.contains(f))
}

/// The entries of the site and of each channel, by month, each month newest first.
fn by_month<'a>(
    entries: &[&'a Entry],
    tz: chrono_tz::Tz,
) -> BTreeMap<Scope, BTreeMap<Month, Vec<&'a Entry>>> {
    type Months<'a> = BTreeMap<Month, Vec<&'a Entry>>;
    let mut site: Months = BTreeMap::new();
    let mut channels: BTreeMap<&str, Months> = BTreeMap::new();
    for &entry in entries {
        let month = Month::of(entry.published, tz);
        site.entry(month).or_default().push(entry);
        let channel = channels.entry(&*entry.channel).or_default();
        channel.entry(month).or_default().push(entry);
    }
    let mut out: BTreeMap<Scope, Months> = BTreeMap::new();
    if !site.is_empty() {
        out.insert(Scope::Site, site);
    }
    for (name, months) in channels {
        out.insert(Scope::Channel(name.to_string()), months);
    }
    // Entries usually come newest first already (the daemon keeps them so): one run each.
    for months in out.values_mut() {
        for list in months.values_mut() {
            list.sort_by(|a, b| b.published.cmp(&a.published).then(a.rowid.cmp(&b.rowid)));
        }
    }
    out
}

fn signature(config: &Config, plan: &ArchivePlan) -> Hash {
    let mut hasher = blake3::Hasher::new();
    hasher.update(ARCHIVE_VERSION.as_bytes());
    let facts = (&plan.scope, plan.month, plan.prev, plan.next, &plan.meta);
    hasher.update(format!("{:?}{:?}{facts:?}", config.site, config.feed).as_bytes());
    // At once, not 32 bytes at a time: BLAKE3 is several times faster on a long input.
    hasher.update(&plan.items.iter().flat_map(|(_, v)| *v).collect::<Vec<u8>>());
    *hasher.finalize().as_bytes()
}

/// The items of `plan` that `items` holds, newest first.
pub fn items_of(plan: &ArchivePlan, items: &std::collections::HashMap<i64, Item>) -> Vec<Item> {
    plan.items
        .iter()
        .filter_map(|(rowid, _)| items.get(rowid).cloned())
        .collect()
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
