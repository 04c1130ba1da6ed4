//! The article pages the server may answer with: a set of keyed hashes of their keys, eight
//! bytes a page, not an entry per page with its path and time (a million pages held that
//! way took about 250 MB and a million `stat` calls at every start). A page's file is
//! looked at when it is asked for: its time then is its `Last-Modified`.
//!
//! The hashes are keyed with a secret chosen at start (SipHash, as `std` does), so a
//! request cannot be crafted to collide with a published page's key and reach another
//! file of the publish folder.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::path::Path;

use rustc_hash::FxHashSet;

use super::asset::{Asset, Body};
use crate::layout;

/// Which keys are published article pages.
#[derive(Debug, Default)]
pub struct PageSet {
    secret: RandomState,
    hashes: FxHashSet<u64>,
}

impl PageSet {
    /// The set of `keys`.
    pub fn of<'a>(keys: impl IntoIterator<Item = &'a String>) -> PageSet {
        let mut set = PageSet::default();
        set.extend(keys);
        set
    }

    fn hash(&self, key: &str) -> u64 {
        self.secret.hash_one(key)
    }

    /// Adds `keys`.
    pub fn extend<'a>(&mut self, keys: impl IntoIterator<Item = &'a String>) {
        for key in keys {
            let hash = self.hash(key);
            self.hashes.insert(hash);
        }
    }

    /// Takes `key` out, if it is held.
    pub fn remove(&mut self, key: &str) {
        let hash = self.hash(key);
        self.hashes.remove(&hash);
    }

    /// Whether `key` is a published page.
    pub fn contains(&self, key: &str) -> bool {
        self.hashes.contains(&self.hash(key))
    }

    /// Number of pages.
    pub fn count(&self) -> usize {
        self.hashes.len()
    }
}

/// The page at `key` below `root`, as it is on disk now; `None` when its file is gone.
/// Its bytes are read (confined beneath `root`) when it is sent.
pub fn page_asset(root: &Path, key: &str) -> Option<Asset> {
    let path = root.join(key);
    let meta = std::fs::symlink_metadata(&path).ok()?;
    if !meta.is_file() {
        return None;
    }
    Some(Asset {
        content_type: layout::media_type(key),
        modified: meta.modified().ok()?,
        body: Body::File(path),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(list: &[&str]) -> Vec<String> {
        list.iter().map(|k| k.to_string()).collect()
    }

    #[test]
    fn a_page_set_holds_the_keys_given_and_forgets_a_removed_one() {
        let mut set = PageSet::of(&keys(&["news/a/index.html", "news/b/index.html"]));
        assert!(set.contains("news/a/index.html"));
        assert!(!set.contains("news/c/index.html"));
        set.remove("news/a/index.html");
        assert!(!set.contains("news/a/index.html"));
        set.extend(&keys(&["news/c/index.html"]));
        assert!(set.contains("news/c/index.html"));
        assert_eq!(set.count(), 2);
    }

    #[test]
    fn two_sets_of_the_same_keys_hash_them_with_different_secrets() {
        let (one, two) = (PageSet::default(), PageSet::default());
        assert_ne!(one.hash("news/a/index.html"), two.hash("news/a/index.html"));
    }

    #[test]
    fn a_page_is_looked_at_when_asked_for_and_a_folder_is_no_page() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("news/a")).unwrap();
        assert!(page_asset(dir.path(), "news/a/index.html").is_none());
        std::fs::write(dir.path().join("news/a/index.html"), "<p>").unwrap();
        let asset = page_asset(dir.path(), "news/a/index.html").unwrap();
        assert!(asset.content_type.starts_with("text/html"));
        assert!(page_asset(dir.path(), "news/a").is_none());
    }

    fn change<'a>(written_pages: &'a [String], removed: &'a [String]) -> super::super::Change<'a> {
        super::super::Change {
            written: &[],
            written_pages,
            removed,
            gone: &[],
            released_late: &[],
            status: super::super::Status::default(),
            elapsed_micros: 0,
        }
    }

    #[test]
    fn the_site_serves_published_pages_from_disk_and_nothing_else_in_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["a", "b", "stray"] {
            std::fs::create_dir_all(dir.path().join("news").join(name)).unwrap();
            std::fs::write(dir.path().join(format!("news/{name}/index.html")), name).unwrap();
        }
        let published = keys(&["news/a/index.html"]);
        let site = super::super::Site::load(dir.path(), &[], &published, 60);
        assert!(site.get("news/a/index.html").is_some());
        assert!(site.get("news/b/index.html").is_none(), "not published yet");
        site.apply(change(&keys(&["news/b/index.html"]), &[]));
        assert!(
            site.get("news/b/index.html").is_some(),
            "published by the change"
        );
        site.apply(change(&[], &keys(&["news/a/index.html"])));
        assert!(
            site.get("news/a/index.html").is_none(),
            "removed by the change"
        );
        assert!(
            site.get("news/stray/index.html").is_none(),
            "never published"
        );
        assert_eq!(site.len(), 1);
    }
}
