//! Picks the newest `limit` articles of every group (site, channel, tag, language) in one
//! pass over all articles, without sorting them all: the daemon re-plans on every change.

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

/// The newest entries of each group.
pub struct Selection<'a> {
    pub site: Vec<&'a Entry>,
    pub channels: FxHashMap<&'a str, Vec<&'a Entry>>,
    /// By tag slug: (display name, entries).
    pub tags: FxHashMap<String, (String, Vec<&'a Entry>)>,
    pub languages: FxHashMap<&'a str, Vec<&'a Entry>>,
}

/// Selects the newest `limit` entries of every group.
pub fn select<'a>(entries: &[&'a Entry], limit: usize) -> Selection<'a> {
    let mut site = TopK {
        limit,
        heap: BinaryHeap::new(),
    };
    let mut channels = Groups::new(limit);
    let mut languages = Groups::new(limit);
    // Tags group by slug; the slug of each distinct tag spelling is computed once.
    let mut spellings = Keys::default();
    let mut slug_of: Vec<Option<usize>> = Vec::new();
    let mut slugs: FxHashMap<String, usize> = FxHashMap::default();
    let mut tags: Vec<(String, &str, TopK)> = Vec::new();
    for &entry in entries {
        site.offer(entry);
        channels.offer(&entry.channel, entry);
        languages.offer(&entry.lang, entry);
        let mut seen: Vec<usize> = Vec::new();
        for tag in &entry.tags {
            let (spelling, new) = spellings.index(tag);
            if new {
                let slug = slugify(tag).map(|slug| {
                    let next = slugs.len();
                    let index = *slugs.entry(slug.clone()).or_insert(next);
                    if index == next {
                        tags.push((
                            slug,
                            &**tag,
                            TopK {
                                limit,
                                heap: BinaryHeap::new(),
                            },
                        ));
                    }
                    index
                });
                slug_of.push(slug);
            }
            if let Some(index) = slug_of[spelling].filter(|i| !seen.contains(i)) {
                seen.push(index);
                let (_, name, top) = &mut tags[index];
                if **tag < **name {
                    *name = tag;
                }
                top.offer(entry);
            }
        }
    }
    Selection {
        site: site.into_sorted(),
        channels: channels.into_sorted(),
        tags: tags
            .into_iter()
            .map(|(slug, name, top)| (slug, (name.to_string(), top.into_sorted())))
            .collect(),
        languages: languages.into_sorted(),
    }
}
