//! Feed items for publishing: built from the index and the article files on every core,
//! and kept between publishes (by rowid and version) so that unchanged articles cost nothing.

use std::collections::{BTreeSet, HashMap, HashSet};

use anyhow::Result;

use super::cache::ItemCache;
use super::jobs::{Job, Render};
use crate::article::{self, Meta};
use crate::config::{Config, ContentMode};
use crate::feed::translations::Translations;
use crate::feed::{FeedPlan, Item, Translation, item};
use crate::identity::{Hash, Record};
use crate::index::store::Store;
use crate::lifecycle::Stage;
use crate::workers;

/// The articles (rowid, version) the feed and listing jobs show.
pub(super) fn needed_by(jobs: &[Job]) -> BTreeSet<(i64, Hash)> {
    jobs.iter()
        .filter_map(|job| match job.render {
            Render::Feed(plan, _) | Render::Listing(plan) => Some(plan.items.iter().copied()),
            Render::Text(_) | Render::Sitemap(_) | Render::News(_) => None,
        })
        .flatten()
        .collect()
}

/// How articles show at the publish's moment besides what their records say: the stage
/// of each that is not live, and the translations of the live ones.
#[derive(Clone, Copy)]
pub(super) struct Shows<'a> {
    pub stages: &'a rustc_hash::FxHashMap<i64, Stage>,
    pub translations: &'a Translations,
    /// The content folder's real path, resolved once per publish (`None`: it cannot be
    /// resolved, and no article's content can be read).
    pub feeds_root: Option<&'a std::path::Path>,
}

impl Shows<'_> {
    /// The item of `record` as it shows now (see [`build_item`]).
    pub fn item(&self, config: &Config, record: &Record, meta: &Meta, full: bool) -> Item {
        let stage = self.stages.get(&record.rowid).copied();
        let base = &config.site.base_url;
        let translations = self.translations.others(record.rowid).map(|v| Translation {
            lang: v.lang.to_string(),
            url: crate::layout::article_url(base, &v.channel, &v.slug),
        });
        let translations = translations.collect();
        build_item(
            config,
            record,
            meta,
            full,
            stage.unwrap_or(Stage::Live),
            translations,
            self.feeds_root,
        )
    }
}

/// Builds every item in `needed` that the cache does not hold, rendering full content on
/// every core, and returns them all; the cache keeps them.
pub(super) fn build_items(
    needed: &BTreeSet<(i64, Hash)>,
    config: &Config,
    store: &Store,
    cache: &mut ItemCache,
    shows: Shows,
) -> Result<HashMap<i64, Item>> {
    build_items_keeping(needed, &|_| true, config, store, cache, shows)
}

/// [`build_items`], the cache keeping only the new items whose rowid `keep` says.
pub(super) fn build_items_keeping(
    needed: &BTreeSet<(i64, Hash)>,
    keep: &dyn Fn(i64) -> bool,
    config: &Config,
    store: &Store,
    cache: &mut ItemCache,
    shows: Shows,
) -> Result<HashMap<i64, Item>> {
    cache.align(config);
    let mut found = HashMap::with_capacity(needed.len());
    let mut articles = Vec::new();
    for (rowid, version) in needed {
        if let Some(item) = cache.current(*rowid, version) {
            found.insert(*rowid, item.clone());
        } else if let Some(article) = store.article(*rowid)? {
            articles.push((*version, article));
        }
    }
    let built = workers::map(&articles, |(_, (record, meta))| {
        let full = config.feed.content == ContentMode::Full;
        shows.item(config, record, meta, full)
    });
    for ((version, (record, _)), item) in articles.iter().zip(built) {
        if keep(record.rowid) {
            cache.items.insert(record.rowid, (*version, item.clone()));
        }
        found.insert(record.rowid, item);
    }
    Ok(found)
}

/// Keeps in the cache only the items some feed shows, and `also` (the newest archives').
pub(super) fn keep_shown(cache: &mut ItemCache, plans: &[FeedPlan], also: HashSet<i64>) {
    let mut shown = also;
    shown.extend(plans.iter().flat_map(|p| p.items.iter().map(|(r, _)| *r)));
    cache.items.retain(|rowid, _| shown.contains(rowid));
}

/// Builds one item as it shows at `stage`, with its `translations`, rendering its full
/// content from the file beneath `feeds_root` when `full` says so (never for an article
/// that is not live: its notice replaces it).
fn build_item(
    config: &Config,
    record: &Record,
    meta: &Meta,
    full: bool,
    stage: Stage,
    translations: Vec<Translation>,
    feeds_root: Option<&std::path::Path>,
) -> Item {
    let base = &config.site.base_url;
    let content = match stage {
        Stage::Live | Stage::Hidden | Stage::Scheduled { .. } if full => {
            feeds_root.and_then(|root| {
                content_html(config, root, record, &item::link(base, record, meta), meta)
            })
        }
        // The notice's own content, in full mode.
        _ if full => Some(String::new()),
        _ => None,
    };
    let site = item::Context::of(config);
    item::build(&site, record, meta, content, stage, translations)
}

/// The article's content HTML, or `None` if the file changed or vanished since the scan.
fn content_html(
    config: &Config,
    root: &std::path::Path,
    record: &Record,
    link: &str,
    meta: &Meta,
) -> Option<String> {
    // Confined like the scan's read: the file may have been swapped for a link or a FIFO.
    let max = config.feed.max_article_bytes;
    let bytes = crate::confine::read(root, &root.join(&record.path), max, record.size).ok()?;
    if crate::media::with_pictures(blake3::hash(&bytes).as_bytes(), meta) != record.hash {
        return None;
    }
    // Read as the scan read it; the metadata is what the scan extracted from these bytes.
    let doc = article::read_document(&record.path, &bytes).ok()?;
    let url = url::Url::parse(link).ok()?;
    let base = &config.site.base_url;
    Some(doc.content_html_with(&url, &meta.lang, &meta.title, &meta.pictures, base))
}
