//! What the server serves: an in-memory map from publish-folder key to [`Asset`] (feeds and
//! listing pages held in memory, archives read from disk) and the set of article pages
//! (read from disk, see [`super::pages`]), built from the index's record of published files
//! and updated after each publish. A key that the last publish did not produce is never
//! served, whatever else lies in the folder.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::SystemTime;

use axum::http::HeaderValue;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use tracing::warn;

use super::asset::{self, Asset};
use super::links::FeedLinks;
use super::metrics::Metrics;
use super::pages::{self, PageSet};
use crate::config::Config;
use crate::layout;
use crate::page;

#[path = "site_headers.rs"]
mod headers;
use headers::cache_control;

/// Facts `/healthz` and `/metrics` report.
#[derive(Debug, Clone, Default)]
pub struct Status {
    /// When published content last changed (`None` in a [`Change`]: it did not).
    pub last_publish: Option<DateTime<Utc>>,
    /// Articles published (live, not drafts).
    pub articles: usize,
    /// Files the index holds as rejected.
    pub rejected: usize,
    /// Articles scheduled (counted, never shown).
    pub scheduled: usize,
}

/// The published set, shared by the daemon (which updates it) and every connection.
pub struct Site {
    root: PathBuf,
    /// Feeds, listings, archives and pictures, by key.
    assets: RwLock<HashMap<String, Arc<Asset>>>,
    /// Article pages: looked at on disk when asked for.
    pages: RwLock<PageSet>,
    /// Keys of notice pages, answered `410 Gone`.
    gone: RwLock<HashSet<String>>,
    status: RwLock<Status>,
    /// Request and publish counters, shown at `/metrics`.
    pub metrics: Metrics,
    /// `Cache-Control` max-age, from the feeds' `ttl`.
    pub max_age: u64,
    /// False until the daemon's first publish is done (see [`Site::set_ready`]).
    ready: AtomicBool,
    /// Whether each request is logged (`serve.access_log`).
    access_log: AtomicBool,
    /// The "not found" page, in the site's language (`None`: a plain-text answer).
    not_found: RwLock<Option<Bytes>>,
    /// Whether this is a preview (`serve --preview`): `noindex`, and the reload script.
    preview: AtomicBool,
    /// How many publishes changed something: what a preview's reload script watches.
    generation: AtomicU64,
    /// What feed responses' `Link` header says (the feed's URL, the hubs), and the header
    /// of each feed asked for since it was last configured.
    links: RwLock<(FeedLinks, HashMap<String, HeaderValue>)>,
    /// `Cache-Control` with [`Site::max_age`], the value most answers carry.
    cache_control: HeaderValue,
    /// `site.timezone`: whether an archive's month is over (see [`Site::max_age_of`]).
    timezone: RwLock<chrono_tz::Tz>,
}

/// What one publish changed.
pub struct Change<'a> {
    /// Feeds, listing pages and other files kept in memory.
    pub written: &'a [String],
    /// Article pages, served from disk.
    pub written_pages: &'a [String],
    /// Keys removed from the publish folder.
    pub removed: &'a [String],
    /// Every key whose page is a retracted or removed article's notice (`410 Gone`).
    pub gone: &'a [String],
    /// How late each scheduled article that went out at this publish went out.
    pub released_late: &'a [chrono::TimeDelta],
    /// The facts to report from now on.
    pub status: Status,
    /// How long the publish took, in microseconds.
    pub elapsed_micros: u64,
}

impl Site {
    /// Builds the served set from what the index says is published: `outputs` are kept in
    /// memory, `pages` (article pages) are served from disk, each opened confined beneath
    /// the publish folder `root` (resolved once, here, to its real path).
    /// It is ready: every request is answered from the set as loaded (see
    /// [`Site::set_ready`]).
    pub fn load(root: &Path, outputs: &[String], pages: &[String], max_age: u64) -> Site {
        let root = &real_root(root);
        let assets = load_assets(root, outputs);
        let newest = assets.values().map(|a| a.modified).max();
        let status = Status {
            last_publish: newest.map(DateTime::<Utc>::from),
            ..Status::default()
        };
        Site {
            root: root.to_path_buf(),
            assets: RwLock::new(assets),
            pages: RwLock::new(PageSet::of(pages)),
            gone: RwLock::new(HashSet::new()),
            status: RwLock::new(status),
            metrics: Metrics::default(),
            max_age,
            ready: AtomicBool::new(true),
            access_log: AtomicBool::new(false),
            not_found: RwLock::new(None),
            preview: AtomicBool::new(false),
            generation: AtomicU64::new(0),
            links: RwLock::default(),
            cache_control: cache_control(max_age),
            timezone: RwLock::new(chrono_tz::UTC),
        }
    }

    /// Takes in what `config` says about answering (the "not found" page in the site's
    /// title and language, `serve.access_log`, the feeds' `Link` header); at start and after
    /// every publish, so that a
    /// reloaded configuration is in force.
    pub fn configure(&self, config: &Config) {
        let site = &config.site;
        let html = page::not_found_page(&page::NotFound {
            site_title: &site.title,
            base_url: &site.base_url,
            lang: &site.language,
        });
        if let Ok(mut page) = self.not_found.write() {
            *page = Some(Bytes::from(html));
        }
        self.access_log
            .store(config.serve.access_log, Ordering::Relaxed);
        self.preview.store(config.preview, Ordering::Relaxed);
        if let Ok(mut links) = self.links.write() {
            *links = (FeedLinks::of(config), HashMap::new());
        }
        if let (Ok(mut tz), Ok(site_tz)) = (self.timezone.write(), config.timezone()) {
            *tz = site_tz;
        }
    }

    /// Whether this is a preview (`serve --preview`).
    pub fn is_preview(&self) -> bool {
        self.preview.load(Ordering::Relaxed)
    }

    /// How many publishes changed something since the server started.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Relaxed)
    }

    /// The "not found" page, if [`Site::configure`] made one.
    pub fn not_found(&self) -> Option<Bytes> {
        self.not_found.read().ok()?.clone()
    }

    /// Whether requests are logged (`serve.access_log`).
    pub fn logs_access(&self) -> bool {
        self.access_log.load(Ordering::Relaxed)
    }

    /// Whether the first publish is done. Until then (`serve` starting) `/readyz` answers
    /// `503`, and a request for a file the set does not hold `503` with `Retry-After`
    /// rather than `404`: it may be about to be published. Files a previous run published
    /// are served meanwhile.
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Relaxed)
    }

    /// Marks the first publish done (or, at start, not yet).
    pub fn set_ready(&self, ready: bool) {
        self.ready.store(ready, Ordering::Relaxed);
    }

    /// Replaces the whole set with what the index records as published: after the first
    /// publish, and after one that followed a failed publish, whose files may be on disk
    /// without the report naming them (a page written before a stop, found unchanged).
    pub fn reload(&self, outputs: &[String], pages: &[String]) {
        let assets = load_assets(&self.root, outputs);
        let pages = PageSet::of(pages);
        // Pages first, as in `apply`.
        if let Ok(mut held) = self.pages.write() {
            *held = pages;
        }
        if let Ok(mut held) = self.assets.write() {
            *held = assets;
        }
    }

    /// The asset published at `key`.
    pub fn get(&self, key: &str) -> Option<Arc<Asset>> {
        if let Some(asset) = self.assets.read().ok()?.get(key) {
            return Some(asset.clone());
        }
        let page = self.pages.read().ok()?.contains(key);
        page.then(|| pages::page_asset(&self.root, key))
            .flatten()
            .map(Arc::new)
    }

    /// Whether `key` is a notice page, answered `410 Gone`.
    pub fn is_gone(&self, key: &str) -> bool {
        self.gone.read().is_ok_and(|g| g.contains(key))
    }

    /// The publish folder's real path: every file served from disk lies beneath it.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The facts `/healthz` and `/metrics` report now.
    pub fn status(&self) -> Status {
        self.status.read().map(|s| s.clone()).unwrap_or_default()
    }

    /// Applies a publish: reads what changed first, then swaps in the pages and then the
    /// rest, each under one short write lock, so a reader sees the old set or the new one
    /// (and never a feed linking a new page before the page).
    pub fn apply(&self, change: Change) {
        let mut fresh = Vec::new();
        for key in change.written {
            // Archives are many and rarely read: served from disk, like article pages.
            match asset::load(&self.root, key, !layout::is_archive(key)) {
                Ok(a) => fresh.push((key.clone(), Arc::new(a))),
                Err(e) => {
                    warn!(key, error = %format!("{e:#}"), "published file unreadable; not served")
                }
            }
        }
        let changed =
            !(fresh.is_empty() && change.written_pages.is_empty() && change.removed.is_empty());
        // Pages first: a feed swapped in links no page the set does not hold yet.
        if let Ok(mut pages) = self.pages.write() {
            for key in change.removed {
                pages.remove(key);
            }
            pages.extend(change.written_pages);
        }
        if let Ok(mut assets) = self.assets.write() {
            for key in change.removed {
                assets.remove(key);
            }
            assets.extend(fresh);
        }
        if let Ok(mut gone) = self.gone.write() {
            *gone = change.gone.iter().cloned().collect();
        }
        // After the swap: a page reloaded for this count gets the new set.
        if changed {
            self.generation.fetch_add(1, Ordering::Relaxed);
        }
        for late in change.released_late {
            self.metrics
                .count_release(late.num_microseconds().unwrap_or(i64::MAX));
        }
        if let Ok(mut status) = self.status.write() {
            let last_publish = change.status.last_publish.or(status.last_publish);
            *status = Status {
                last_publish,
                ..change.status
            };
        }
        self.metrics.count_publish(change.elapsed_micros);
    }

    /// Number of files served.
    pub fn len(&self) -> usize {
        let assets = self.assets.read().map(|a| a.len()).unwrap_or(0);
        assets + self.pages.read().map(|p| p.count()).unwrap_or(0)
    }

    /// Whether no file is served.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The assets of a published set's `outputs`, held in memory (archives served from disk).
fn load_assets(root: &Path, outputs: &[String]) -> HashMap<String, Arc<Asset>> {
    let mut assets = HashMap::with_capacity(outputs.len());
    for key in outputs {
        match asset::load(root, key, !layout::is_archive(key)) {
            Ok(a) => {
                assets.insert(key.clone(), Arc::new(a));
            }
            Err(e) => {
                warn!(key, error = %format!("{e:#}"), "published file unreadable; not served")
            }
        }
    }
    assets
}

/// The real path of the publish folder. One not created yet (the server starts before the
/// first publish) is its nearest existing ancestor's real path and the rest, which the
/// publish creates as plain folders.
fn real_root(root: &Path) -> PathBuf {
    if let Ok(real) = root.canonicalize() {
        return real;
    }
    match (root.parent(), root.file_name()) {
        (Some(parent), Some(name)) => real_root(parent).join(name),
        _ => root.to_path_buf(),
    }
}

/// Seconds since the epoch of a file time, for `Last-Modified` comparisons.
pub fn unix_seconds(time: SystemTime) -> u64 {
    time.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_is_resolved_to_its_real_path_even_before_it_exists() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().canonicalize().unwrap().join("real");
        std::fs::create_dir(&real).unwrap();
        std::os::unix::fs::symlink(&real, dir.path().join("link")).unwrap();
        let site = Site::load(&dir.path().join("link/public"), &[], &[], 60);
        assert_eq!(site.root(), real.join("public"));
        std::fs::create_dir(real.join("public")).unwrap();
        let site = Site::load(&dir.path().join("link/public"), &[], &[], 60);
        assert_eq!(site.root(), real.join("public"));
    }
}
