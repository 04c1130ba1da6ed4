//! The no-change check of a full scan: whether the files a walk found are exactly what the
//! index holds (the same paths, sizes, modification times and extraction settings, and the
//! same rejections). It reads a slim listing of the live articles (a covering index, in
//! path order, on another core while the walk runs) and merges it with the sorted walk, so
//! that a rebuild with nothing changed never loads the whole catalog: at 1,000,000 articles
//! that load took longer than the walk itself.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Result;

use super::analyze::ChannelContext;
use super::store::{Rejected, Store, hash_of_bytes};
use super::walk::{Tree, walk};
use crate::identity::{FileStat, Hash};

/// What a scan with nothing changed reports.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Unchanged {
    /// Articles whose file is as indexed.
    pub articles: usize,
    /// Files still rejected, as they were, with the reason.
    pub rejected: Vec<(String, String)>,
}

/// Compares a walk's files with the live articles handed to [`Check::live`] in path order:
/// a merge of two sorted lists, the walk's (sorted by path) and the index's (read in path
/// order from a covering index), so that no table of a million paths is built.
pub(super) struct Check<'a> {
    tree: &'a Tree,
    contexts: &'a HashMap<String, ChannelContext>,
    /// The first of the walk's files the index's listing has not passed yet.
    next: usize,
    /// The path the listing gave last: one out of order is taken as a change.
    last: String,
    matched: usize,
    same: bool,
}

impl<'a> Check<'a> {
    /// A check of the files `tree` found (sorted by path), read with `contexts`.
    pub fn new(tree: &'a Tree, contexts: &'a HashMap<String, ChannelContext>) -> Self {
        Check {
            tree,
            contexts,
            next: 0,
            last: String::new(),
            matched: 0,
            same: true,
        }
    }

    /// Takes in the live article at `path` as indexed, the articles coming in ascending
    /// path order; false once something differs (the rest need not be looked at).
    pub fn live(&mut self, path: &str, size: u64, mtime_ns: i64, extract_key: &Hash) -> bool {
        // (The first path comes after the empty one: no path is empty.)
        let in_order = self.last.as_str() < path;
        self.last.clear();
        self.last.push_str(path);
        let files = &self.tree.files;
        // The walk's files before `path` are not indexed: new, or rejected (see `finish`).
        while files.get(self.next).is_some_and(|f| f.path.as_str() < path) {
            self.next += 1;
        }
        let same = match files.get(self.next).filter(|f| f.path == path) {
            Some(file) => {
                self.next += 1;
                let same = file.size == size
                    && file.mtime_ns == mtime_ns
                    && self
                        .contexts
                        .get(&*file.channel)
                        .is_some_and(|ctx| ctx.key == *extract_key);
                self.matched += usize::from(same);
                same
            }
            // Kept although not found: refused (a swapped-in link...) or in a folder that
            // could not be read. Anything else is gone.
            None => self.tree.holds(path),
        };
        self.same &= same && in_order;
        self.same
    }

    /// The walk's file at `path`, if it found one.
    fn file(&self, path: &str) -> Option<&'a FileStat> {
        let files = &self.tree.files;
        let at = files.binary_search_by(|f| f.path.as_str().cmp(path)).ok()?;
        files.get(at)
    }

    /// The outcome, given the files rejected at their last reading: `None` when a file is
    /// new, changed or gone, or a rejected one changed or left.
    pub fn finish(self, rejected: &HashMap<String, Rejected>) -> Option<Unchanged> {
        if !self.same {
            return None;
        }
        let mut still = Vec::new();
        for (path, rej) in rejected {
            match self.file(path) {
                Some(f) if f.size == rej.size && f.mtime_ns == rej.mtime_ns => {
                    still.push((path.clone(), rej.reason.clone()));
                }
                None if self.tree.holds(path) => {}
                _ => return None,
            }
        }
        (self.matched + still.len() == self.tree.files.len()).then_some(Unchanged {
            articles: self.matched,
            rejected: still,
        })
    }
}

/// The live articles' paths and file stats as the index holds them, in path order, read
/// by [`Listing::read`] (on another thread, while the walk runs): the paths in one string,
/// not a million allocations.
#[derive(Debug, Default)]
pub(super) struct Listing {
    paths: String,
    rows: Vec<Listed>,
}

#[derive(Debug)]
struct Listed {
    /// Where the path ends in [`Listing::paths`] (it starts where the previous one ends).
    end: usize,
    size: u64,
    mtime_ns: i64,
    key: Hash,
}

impl Listing {
    /// The listing of the index file `db`, through a connection of its own (read only);
    /// `None` when it cannot be opened so, or is of another schema version.
    pub fn read(db: &Path) -> Result<Option<Listing>> {
        let Some(store) = Store::open_file_read_only(db)? else {
            return Ok(None);
        };
        let mut listing = Listing::default();
        store.each_live_stat(|path, size, mtime_ns, key| {
            listing.paths.push_str(path);
            listing.rows.push(Listed {
                end: listing.paths.len(),
                size,
                mtime_ns,
                key: *key,
            });
            true
        })?;
        Ok(Some(listing))
    }
}

/// Walks `root` and, on another core while the walk runs (a walk is one core's work until
/// its stats), reads the listing of the index file `db` if given: given only when the
/// catalog is not loaded, as it is then needed only when something changed.
pub(super) fn walk_and_list(root: &Path, db: Option<PathBuf>) -> Result<(Tree, Option<Listing>)> {
    let (tree, listing) = std::thread::scope(|scope| {
        let listing = db.map(|db| scope.spawn(move || Listing::read(&db)));
        let tree = walk(root);
        let listing = listing.map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        (tree, listing)
    });
    Ok((tree?, listing.transpose()?.flatten()))
}

/// Whether the files `tree` found are exactly what `store` holds (as `listing` lists its
/// live articles), read with `contexts`.
pub(super) fn check(
    store: &Store,
    listing: &Listing,
    tree: &Tree,
    contexts: &HashMap<String, ChannelContext>,
) -> Result<Option<Unchanged>> {
    let mut check = Check::new(tree, contexts);
    let mut start = 0;
    for row in &listing.rows {
        let path = listing.paths.get(start..row.end).unwrap_or_default();
        start = row.end;
        if !check.live(path, row.size, row.mtime_ns, &row.key) {
            break;
        }
    }
    Ok(check.finish(&store.rejected()?))
}

/// The live articles' paths and file stats, in path order.
pub(super) const LIVE_STATS: &str = "SELECT path, size, mtime_ns, extract_key FROM articles
    WHERE deleted_at IS NULL ORDER BY path";

impl Store {
    /// Hands the path, size, modification time and extraction key of every live article
    /// to `each`, streamed in path order, until it returns false. The partial covering
    /// index `articles_live_stat` holds exactly these columns: the articles' wide rows are
    /// not read, and no sort is needed.
    pub(super) fn each_live_stat(
        &self,
        mut each: impl FnMut(&str, u64, i64, &Hash) -> bool,
    ) -> Result<()> {
        let mut stmt = self.conn.prepare(LIVE_STATS)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            // Borrowed from the row, not copied into a fresh allocation a million times.
            let key = hash_of_bytes(r.get_ref(3)?.as_blob()?);
            if !each(
                r.get_ref(0)?.as_str()?,
                r.get::<_, i64>(1)? as u64,
                r.get(2)?,
                &key,
            ) {
                break;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "unchanged_tests.rs"]
mod tests;
