//! Picks the newest `limit` articles of every group (site, channel, tag, language, author)
//! in one pass over all articles, without sorting them all: the daemon re-plans on every
//! change.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::article::slug::slugify;
use crate::identity::{Entry, Sym};

/// Newest first; equal dates in rowid order, so the order is total and stable.
fn newer(a: &Entry, b: &Entry) -> Ordering {
    a.published
        .cmp(&b.published)
        .then_with(|| b.rowid.cmp(&a.rowid))
}

struct Ranked<'a>(&'a Entry);

impl PartialEq for Ranked<'_> {
    fn eq(&self, other: &Self) -> bool {
        newer(self.0, other.0) == Ordering::Equal
    }
}
impl Eq for Ranked<'_> {}
impl PartialOrd for Ranked<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ranked<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        newer(self.0, other.0)
    }
}

/// The newest `limit` entries offered to it.
struct TopK<'a> {
    limit: usize,
    heap: BinaryHeap<Reverse<Ranked<'a>>>,
}

impl<'a> TopK<'a> {
    fn offer(&mut self, entry: &'a Entry) {
        if self.heap.len() < self.limit {
            self.heap.push(Reverse(Ranked(entry)));
        } else if self
            .heap
            .peek()
            .is_some_and(|Reverse(worst)| newer(entry, worst.0).is_gt())
        {
            self.heap.pop();
            self.heap.push(Reverse(Ranked(entry)));
        }
    }

    fn into_sorted(self) -> Vec<&'a Entry> {
        let mut out: Vec<&Entry> = self.heap.into_iter().map(|Reverse(r)| r.0).collect();
        out.sort_by(|a, b| newer(b, a));
        out
    }
}

/// Numbers distinct strings, found through their address first: entries share interned
/// strings, so most lookups hash a pointer, not text (strings that are not shared still get
/// the number of their equal).
#[derive(Default)]
struct Keys<'a> {
    by_ptr: FxHashMap<usize, usize>,
    by_name: FxHashMap<&'a str, usize>,
}

impl<'a> Keys<'a> {
    /// The number of `key`, and whether it is new.
    fn index(&mut self, key: &'a Sym) -> (usize, bool) {
        let ptr = Arc::as_ptr(key) as *const u8 as usize;
        if let Some(&index) = self.by_ptr.get(&ptr) {
            return (index, false);
        }
        let next = self.by_name.len();
        let index = *self.by_name.entry(key).or_insert(next);
        self.by_ptr.insert(ptr, index);
        (index, index == next)
    }
}

/// The newest `limit` entries of each distinct string (channel or language).
struct Groups<'a> {
    limit: usize,
    keys: Keys<'a>,
    groups: Vec<(&'a str, TopK<'a>)>,
}

impl<'a> Groups<'a> {
    fn new(limit: usize) -> Self {
        Groups {
            limit,
            keys: Keys::default(),
            groups: Vec::new(),
        }
    }

    fn offer(&mut self, key: &'a Sym, entry: &'a Entry) {
        let (index, new) = self.keys.index(key);
        if new {
            let top = TopK {
                limit: self.limit,
                heap: BinaryHeap::new(),
            };
            self.groups.push((key, top));
        }
        self.groups[index].1.offer(entry);
    }

    fn into_sorted(self) -> FxHashMap<&'a str, Vec<&'a Entry>> {
        self.groups
            .into_iter()
            .map(|(name, top)| (name, top.into_sorted()))
            .collect()
    }
}

/// The newest `limit` entries of each slug of a list of names (tags, authors): spellings
/// with the same slug are one group, named by the first of them in code-point order. The
/// slug of each distinct spelling is computed once.
struct Slugged<'a> {
    limit: usize,
    spellings: Keys<'a>,
    slug_of: Vec<Option<usize>>,
    slugs: FxHashMap<String, usize>,
    groups: Vec<(String, &'a str, TopK<'a>)>,
}

impl<'a> Slugged<'a> {
    fn new(limit: usize) -> Self {
        Slugged {
            limit,
            spellings: Keys::default(),
            slug_of: Vec::new(),
            slugs: FxHashMap::default(),
            groups: Vec::new(),
        }
    }

    /// The group of `name`'s slug, made on first use; `None` when it has no slug. A new
    /// spelling of a known slug names its group if it comes first in code-point order, so
    /// that names are compared once per spelling, not once per article.
    fn group_of(&mut self, name: &'a Sym) -> Option<usize> {
        let (spelling, new) = self.spellings.index(name);
        if new {
            let slug = slugify(name).map(|slug| {
                let next = self.slugs.len();
                let index = *self.slugs.entry(slug.clone()).or_insert(next);
                if index == next {
                    let top = TopK {
                        limit: self.limit,
                        heap: BinaryHeap::new(),
                    };
                    self.groups.push((slug, &**name, top));
                } else if **name < *self.groups[index].1 {
                    self.groups[index].1 = name;
                }
                index
            });
            self.slug_of.push(slug);
        }
        self.slug_of[spelling]
    }

    /// Offers `entry` to the group of each of `names` (once each, whatever the spellings).
    fn offer(&mut self, names: &'a [Sym], entry: &'a Entry) {
        for (i, name) in names.iter().enumerate() {
            let Some(index) = self.group_of(name) else {
                continue;
            };
            // Names are few per article: looking back costs less than a set per article.
            let repeated = names[..i]
                .iter()
                .any(|earlier| self.group_of(earlier) == Some(index));
            if !repeated {
                self.groups[index].2.offer(entry);
            }
        }
    }

    fn into_sorted(self) -> FxHashMap<String, (String, Vec<&'a Entry>)> {
        self.groups
            .into_iter()
            .map(|(slug, name, top)| (slug, (name.to_string(), top.into_sorted())))
            .collect()
    }
}

/// The newest entries of each group.
pub struct Selection<'a> {
    pub site: Vec<&'a Entry>,
    pub channels: FxHashMap<&'a str, Vec<&'a Entry>>,
    /// By tag slug: (display name, entries).
    pub tags: FxHashMap<String, (String, Vec<&'a Entry>)>,
    pub languages: FxHashMap<&'a str, Vec<&'a Entry>>,
    /// By author slug: (display name, entries).
    pub authors: FxHashMap<String, (String, Vec<&'a Entry>)>,
}

/// Selects the newest `limit` entries of every group.
pub fn select<'a>(entries: &[&'a Entry], limit: usize) -> Selection<'a> {
    let mut site = TopK {
        limit,
        heap: BinaryHeap::new(),
    };
    let mut channels = Groups::new(limit);
    let mut languages = Groups::new(limit);
    let mut tags = Slugged::new(limit);
    let mut authors = Slugged::new(limit);
    for &entry in entries {
        site.offer(entry);
        channels.offer(&entry.channel, entry);
        languages.offer(&entry.lang, entry);
        tags.offer(&entry.tags, entry);
        authors.offer(&entry.authors, entry);
    }
    Selection {
        site: site.into_sorted(),
        channels: channels.into_sorted(),
        tags: tags.into_sorted(),
        languages: languages.into_sorted(),
        authors: authors.into_sorted(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn entry(rowid: i64, hour: u32, tags: &[&str]) -> Entry {
        let at = Utc.with_ymd_and_hms(2026, 12, 1, hour, 0, 0).unwrap();
        Entry {
            tags: tags.iter().map(|t| Sym::from(*t)).collect(),
            ..crate::fixtures::entry(rowid, at)
        }
    }

    #[test]
    fn spellings_of_one_slug_are_one_tag_named_by_the_first_in_code_point_order() {
        let entries = [
            entry(1, 9, &["economy", "Economy"]),
            entry(2, 8, &["ECONOMY"]),
            entry(3, 7, &["economy", "sport"]),
        ];
        let refs: Vec<&Entry> = entries.iter().collect();
        let selection = select(&refs, 10);
        let (name, items) = &selection.tags["economy"];
        assert_eq!(name, "ECONOMY");
        let rowids: Vec<i64> = items.iter().map(|e| e.rowid).collect();
        assert_eq!(rowids, vec![1, 2, 3], "each article once, newest first");
        assert_eq!(selection.tags["sport"].1.len(), 1);
    }

    #[test]
    fn every_group_keeps_its_newest_entries_whatever_the_order_they_come_in() {
        let entries: Vec<Entry> = [4, 1, 7, 3, 9, 2]
            .iter()
            .map(|&h| entry(i64::from(h), h, &["t"]))
            .collect();
        let refs: Vec<&Entry> = entries.iter().collect();
        let selection = select(&refs, 3);
        let site: Vec<i64> = selection.site.iter().map(|e| e.rowid).collect();
        assert_eq!(site, vec![9, 7, 4]);
        let tag: Vec<i64> = selection.tags["t"].1.iter().map(|e| e.rowid).collect();
        assert_eq!(tag, site);
    }
}
