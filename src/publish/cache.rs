//! What publishing keeps between publishes (the daemon holds one [`ItemCache`]): rendered
//! feed items by rowid and version, and the short signatures of the published article
//! pages, so that unchanged articles cost nothing.

use std::collections::HashMap;

use rustc_hash::FxHashMap;

use crate::config::Config;
use crate::feed::Item;
use crate::identity::Hash;

/// The short signature of each article's published page, by rowid.
pub(super) type PageSignatures = FxHashMap<i64, u64>;

/// Feed items kept between publishes (the daemon keeps one), by rowid and version.
#[derive(Default)]
pub struct ItemCache {
    settings: String,
    pub(super) items: HashMap<i64, (Hash, Item)>,
    /// Signatures of the published article pages, loaded from the index on first use.
    pub(super) pages: Option<PageSignatures>,
    /// The page keys of retracted and removed articles, with the short signature of the
    /// page each was read for (see [`super::pages::gone_pages`]).
    pub(super) gone: FxHashMap<i64, (u64, String)>,
}

impl ItemCache {
    /// Forgets everything when the settings items depend on have changed.
    /// Forgets the page signatures, so that the next publish reads them from the index again
    /// and checks that every page's file still exists (after the publish folder was removed,
    /// or on a full rescan).
    pub fn forget_pages(&mut self) {
        self.pages = None;
        self.gone.clear();
    }

    /// Whether the page signatures are held (none since [`ItemCache::forget_pages`]).
    #[cfg(test)]
    pub fn knows_pages(&self) -> bool {
        self.pages.is_some()
    }

    pub(super) fn align(&mut self, config: &Config) {
        let settings = format!("{:?}{:?}", config.site, config.feed);
        if settings != self.settings {
            self.items.clear();
            self.settings = settings;
        }
    }

    pub(super) fn current(&self, rowid: i64, version: &Hash) -> Option<&Item> {
        self.items
            .get(&rowid)
            .filter(|(v, _)| v == version)
            .map(|(_, item)| item)
    }
}
