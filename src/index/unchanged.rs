//! The no-change check of a full scan: whether the files a walk found are exactly what the
//! index holds (the same paths, sizes, modification times and extraction settings, and the
//! same rejections). It reads a slim listing of the live articles, streamed, so that a
//! rebuild with nothing changed never loads the whole catalog: at 1,000,000 articles that
//! load took longer than the walk itself.

use std::collections::HashMap;

use anyhow::Result;
use rustc_hash::FxHashMap;

use super::analyze::ChannelContext;
use super::store::{Rejected, Store, hash_of};
use super::walk::Tree;
use crate::identity::{FileStat, Hash};

/// What a scan with nothing changed reports.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Unchanged {
    /// Articles whose file is as indexed.
    pub articles: usize,
    /// Files still rejected, as they were, with the reason.
    pub rejected: Vec<(String, String)>,
}

/// Compares a walk's files with the live articles handed to [`Check::live`], one by one.
pub(super) struct Check<'a> {
    tree: &'a Tree,
    contexts: &'a HashMap<String, ChannelContext>,
    files: FxHashMap<&'a str, &'a FileStat>,
    matched: usize,
    same: bool,
}

impl<'a> Check<'a> {
    /// A check of the files `tree` found, read with `contexts`.
    pub fn new(tree: &'a Tree, contexts: &'a HashMap<String, ChannelContext>) -> Self {
        let mut files = FxHashMap::default();
        files.reserve(tree.files.len());
        files.extend(tree.files.iter().map(|f| (f.path.as_str(), f)));
        Check {
            tree,
            contexts,
            files,
            matched: 0,
            same: true,
        }
    }

    /// Takes in the live article at `path` as indexed; false once something differs (the
    /// rest need not be looked at).
    pub fn live(&mut self, path: &str, size: u64, mtime_ns: i64, extract_key: &Hash) -> bool {
        let same = match self.files.get(path) {
            Some(file) => {
                let same = file.size == size
                    && file.mtime_ns == mtime_ns
                    && self
                        .contexts
                        .get(&file.channel)
                        .is_some_and(|ctx| ctx.key == *extract_key);
                self.matched += usize::from(same);
                same
            }
            // Kept although not found: refused (a swapped-in link...) or in a folder that
            // could not be read. Anything else is gone.
            None => self.tree.holds(path),
        };
        self.same &= same;
        self.same
    }

    /// The outcome, given the files rejected at their last reading: `None` when a file is
    /// new, changed or gone, or a rejected one changed or left.
    pub fn finish(self, rejected: &HashMap<String, Rejected>) -> Option<Unchanged> {
        if !self.same {
            return None;
        }
        let mut still = Vec::new();
        for (path, rej) in rejected {
            match self.files.get(path.as_str()) {
                Some(f) if f.size == rej.size && f.mtime_ns == rej.mtime_ns => {
                    still.push((path.clone(), rej.reason.clone()));
                }
                None if self.tree.holds(path) => {}
                _ => return None,
            }
        }
        (self.matched + still.len() == self.files.len()).then_some(Unchanged {
            articles: self.matched,
            rejected: still,
        })
    }
}

/// Whether the files `tree` found are exactly what `store` holds, read with `contexts`.
pub(super) fn check(
    store: &Store,
    tree: &Tree,
    contexts: &HashMap<String, ChannelContext>,
) -> Result<Option<Unchanged>> {
    let mut check = Check::new(tree, contexts);
    store.each_live_stat(|path, size, mtime_ns, key| check.live(path, size, mtime_ns, key))?;
    Ok(check.finish(&store.rejected()?))
}

impl Store {
    /// Hands the path, size, modification time and extraction key of every live article
    /// to `each`, streamed, until it returns false.
    fn each_live_stat(&self, mut each: impl FnMut(&str, u64, i64, &Hash) -> bool) -> Result<()> {
        let mut stmt = self.conn.prepare(
            "SELECT path, size, mtime_ns, extract_key FROM articles WHERE deleted_at IS NULL",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let key = hash_of(r.get(3)?);
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
