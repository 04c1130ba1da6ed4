//! The daemon's state between events: configuration, index, in-memory catalog and the
//! publish target, and the two ways to bring feeds up to date (everything, or some paths).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use chrono::Utc;
use tracing::{error, info, warn};

use super::recover;
use crate::config::{ChannelConfig, Config};
use crate::index::{self, Catalog, ChannelContext, ScanReport, Store};
use crate::publish::{self, DirTarget};

/// What a publish did, as hooks (the HTTP server, WebSub) see it.
pub struct Published<'a> {
    pub report: &'a publish::PublishReport,
    pub articles: usize,
    pub rejected: usize,
    pub elapsed: Duration,
}

/// Called after every successful publish.
pub type Hook = Box<dyn FnMut(&Config, &Published)>;

pub struct Daemon {
    hooks: Vec<Hook>,
    config_path: PathBuf,
    config: Config,
    store: Store,
    catalog: Catalog,
    channels: BTreeMap<String, ChannelConfig>,
    contexts: HashMap<String, ChannelContext>,
    target: DirTarget,
    stop: Arc<AtomicBool>,
    /// Feed items rendered by earlier publishes.
    items: publish::ItemCache,
    /// Rejections already logged, so that each is logged once.
    reported: HashMap<String, String>,
    /// Set when the last publish failed (a full disk...): the index is ahead of the feeds.
    publish_failed: bool,
}

impl Daemon {
    /// Opens the index (moving a corrupt one aside) and recovers identities from the
    /// published feeds when the index is new.
    pub fn open(config_path: PathBuf, config: Config, stop: Arc<AtomicBool>) -> Result<Daemon> {
        let store = open_store(&config.paths.state)?;
        let mut catalog = index::load(&store)?;
        if catalog.live_count() == 0 && config.paths.publish.exists() {
            catalog.recovered = recover::from_published(&config.paths.publish);
            if !catalog.recovered.is_empty() {
                warn!(
                    items = catalog.recovered.len(),
                    "empty index: recovering ids and dates from published feeds"
                );
            }
        }
        let entries = store.entries(&mut catalog.interner)?;
        catalog.track_entries(entries);
        let target = DirTarget::new(&config.paths.publish)?;
        Ok(Daemon {
            hooks: Vec::new(),
            config_path,
            config,
            store,
            catalog,
            channels: BTreeMap::new(),
            contexts: HashMap::new(),
            target,
            stop,
            items: publish::ItemCache::default(),
            reported: HashMap::new(),
            publish_failed: false,
        })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn config_path(&self) -> &Path {
        &self.config_path
    }

    /// Runs `hook` after every successful publish.
    pub fn on_publish(&mut self, hook: Hook) {
        self.hooks.push(hook);
    }

    /// When the next periodic full rescan is due.
    pub fn rescan_due(&self) -> Instant {
        Instant::now() + Duration::from_secs(self.config.watch.rescan_minutes.max(1) * 60)
    }

    fn options<'a>(config: &Config, stop: &'a AtomicBool) -> index::Options<'a> {
        index::Options {
            now: Utc::now(),
            guard_mass_delete: !config.watch.allow_mass_delete,
            cancel: Some(stop),
        }
    }

    /// Reconciles everything and publishes.
    pub fn sync_all(&mut self) -> Result<()> {
        let started = Instant::now();
        let opts = Self::options(&self.config, &self.stop);
        let report = index::scan(&self.config, &mut self.store, &mut self.catalog, opts)?;
        self.channels = report.channels.clone();
        self.contexts = report.contexts.clone();
        let result = self.finish(&report, started);
        release_free_memory();
        result
    }

    /// Reconciles the changed paths (a full scan when a channel itself changed) and publishes.
    pub fn sync_paths(&mut self, paths: &[PathBuf]) -> Result<()> {
        let started = Instant::now();
        let opts = Self::options(&self.config, &self.stop);
        let contexts = self.contexts.clone();
        let scanned = index::scan_paths(
            &self.config,
            &mut self.store,
            &mut self.catalog,
            &contexts,
            paths,
            opts,
        )?;
        match scanned {
            Some(report) => self.finish(&report, started),
            None => self.sync_all(),
        }
    }

    /// True when the last publish failed although the index is current: only publishing
    /// needs to be tried again, not a scan.
    pub fn publish_failed(&self) -> bool {
        self.publish_failed
    }

    /// Publishes again what the index holds, after a failed publish.
    pub fn republish(&mut self) -> Result<()> {
        self.finish(&ScanReport::default(), Instant::now())
    }

    fn finish(&mut self, report: &ScanReport, started: Instant) -> Result<()> {
        self.log_rejections(report);
        let entries = self.catalog.entries().unwrap_or_default();
        let published = publish::publish(
            &self.config,
            &self.channels,
            &entries,
            &mut self.store,
            &self.target,
            &mut self.items,
        );
        self.publish_failed = published.is_err();
        let published = published?;
        let event = Published {
            report: &published,
            articles: entries.len(),
            rejected: self.store.rejected()?.len(),
            elapsed: started.elapsed(),
        };
        for hook in &mut self.hooks {
            hook(&self.config, &event);
        }
        if !published.written.is_empty()
            || !published.written_pages.is_empty()
            || !published.removed.is_empty()
            || report.changed_anything()
        {
            info!(
                added = report.added,
                changed = report.changed,
                moved = report.moved,
                removed = report.removed,
                articles = entries.len(),
                written = ?published.written,
                pages = published.written_pages.len(),
                deleted = ?published.removed,
                elapsed_ms = started.elapsed().as_millis() as u64,
                "published"
            );
        }
        for (key, reason) in &published.failed {
            error!(
                key,
                reason, "feed not published: the last good version stays"
            );
        }
        Ok(())
    }

    fn log_rejections(&mut self, report: &ScanReport) {
        for (path, reason) in &report.rejected {
            if self.reported.get(path) != Some(reason) {
                warn!(path = %self.config.paths.feeds.join(path).display(), reason, "file skipped");
                self.reported.insert(path.clone(), reason.clone());
            }
        }
        for (path, warning) in &report.warnings {
            warn!(path = %self.config.paths.feeds.join(path).display(), warning, "article repaired");
        }
    }

    /// Re-reads the configuration; an invalid one is logged and the old one kept. Returns
    /// true when the new configuration is in force.
    pub fn reload(&mut self) -> bool {
        let config = match super::load_config(&self.config_path) {
            Ok(config) => config,
            Err(e) => {
                error!(error = %format!("{e:#}"), "new configuration rejected; the old one keeps running");
                return false;
            }
        };
        if config.paths.state != self.config.paths.state
            || config.paths.publish != self.config.paths.publish
        {
            error!("paths.state and paths.publish cannot change while running; restart feedfold");
            return false;
        }
        if config == self.config {
            return false;
        }
        info!("configuration reloaded");
        self.config = config;
        true
    }
}

/// Gives memory freed by a full scan back to the system, so that a long-running daemon's
/// resident set reflects what it holds, not the peak of its last rescan.
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free heap pages to the kernel.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Opens the index; a corrupt one is moved aside (and rebuilt from files and feeds). Any
/// other failure (a lock held too long, a read-only folder) is an error: a healthy index is
/// never moved aside.
fn open_store(state: &Path) -> Result<Store> {
    match Store::open(state).and_then(|store| store.check().map(|()| store)) {
        Ok(store) => Ok(store),
        Err(e) if !index::store::is_corrupt(&e) => Err(e),
        Err(e) => {
            let index = state.join("index.sqlite");
            let aside = state.join(format!(
                "index.sqlite.corrupt-{}",
                Utc::now().format("%Y%m%dT%H%M%S")
            ));
            error!(error = %format!("{e:#}"), aside = %aside.display(), "index unreadable; moved aside, rebuilding");
            std::fs::rename(&index, &aside)
                .with_context(|| format!("cannot move {} aside", index.display()))?;
            for suffix in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(state.join(format!("index.sqlite{suffix}")));
            }
            Store::open(state)
        }
    }
}
