//! The one scan→publish sequence, for every command: `build` runs it once, the daemon once
//! per batch of events. The engine holds the state folder's lock, the index (the store and
//! its in-memory catalog), the channel settings of the last full scan and the publish
//! folder, and brings the published feeds in line with the content root: all of it, some
//! paths (as [`crate::watch::classify()`] decided), or only the publish, after a failed one.

pub(crate) mod lock;
mod open;
mod publish_step;
mod recover;
mod stoppable;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use anyhow::Result;
use chrono::{DateTime, SubsecRound, Utc};
use tracing::debug;

use crate::config::{ChannelConfig, Config};
use crate::index::{self, Catalog, ChannelContext, ScanReport, Store};
use crate::publish::{DirTarget, Extent, ItemCache, Pass, PublishReport};

/// Who runs the engine, which decides how it opens the index and how it publishes.
#[derive(Debug, Clone)]
pub enum Mode {
    /// A one-shot command: the index as found (an unreadable one is an error), the publish
    /// folder opened when first published to, and no publish at all when the published
    /// feeds already show the index.
    Once,
    /// The daemon: a corrupt index is moved aside and rebuilt, ids and dates are recovered
    /// from the published feeds into an empty one, planning entries are kept in memory,
    /// every sync publishes (a whole publish with nothing to do, after one of its own, is
    /// skipped as a one-shot command's is), and scans refuse mass deletions (unless
    /// allowed) and stop between files once `stop` is set.
    Daemon {
        /// Set when the process is asked to stop (`SIGTERM`, `SIGINT`): a running scan stops
        /// between files.
        stop: Arc<AtomicBool>,
    },
}

/// What to bring up to date.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// Every file under the content root.
    All,
    /// These paths, relative to the content root and inside known channels.
    Paths(&'a [String]),
    /// Nothing to scan: publish what the index holds.
    Publish,
}

/// Restyled pages (only the settings changed) the daemon renders per whole publish, and
/// about as many archive items: after a change that restyles every page, news waits at
/// most for one such publish (at 100,000 articles, 1,024 pages took 2-3 s; see README).
const RESTYLE_CHUNK: usize = 256;

/// What a publish left for a later one (the daemon's, see [`crate::publish::Pass`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Behind {
    /// The archives and sitemaps were left as they were ([`PublishReport::deferred`]).
    pub deferred: bool,
    /// Restyled pages and out-of-date archive documents not rendered yet: the next whole
    /// publish goes on with them.
    pub left: usize,
}

/// What one sync did.
#[derive(Debug)]
pub struct Synced {
    /// What the scan found and changed in the index (empty for [`Scope::Publish`]).
    pub scan: ScanReport,
    /// The publish that followed the scan, or why it failed (the index is then ahead of
    /// the feeds, and [`Engine::publish_failed`] says so).
    pub published: Result<Published>,
}

/// What the publish step did.
#[derive(Debug)]
pub struct Published {
    /// What was written to and removed from the publish folder.
    pub report: PublishReport,
    /// Articles published (live, not drafts, neither scheduled nor ended).
    pub articles: usize,
    /// How the articles show at this publish: live, scheduled, retracted, removed.
    pub counts: crate::lifecycle::Counts,
    /// The next moment an article changes stage (a scheduled one is due, one expires, a
    /// tombstone ages out): the daemon publishes again then, by itself.
    pub next_change: Option<DateTime<Utc>>,
    /// The scheduled articles, soonest first: (rowid, due moment).
    pub scheduled: Vec<(i64, DateTime<Utc>)>,
    /// How late each article that was scheduled went out at this publish (now minus its
    /// due moment).
    pub released_late: Vec<chrono::TimeDelta>,
}

/// The scan→publish sequence and the state it keeps between syncs: the state folder's lock,
/// the index, the channel settings of the last full scan, the publish folder and the feed
/// items already rendered.
pub struct Engine {
    mode: Mode,
    config: Config,
    store: Store,
    /// The index in memory: the daemon's from the start, a one-shot command's once a scan
    /// finds something changed (a rebuild with nothing changed never loads it).
    catalog: Option<Catalog>,
    /// Channel settings and extraction contexts found by the last full scan.
    channels: BTreeMap<String, ChannelConfig>,
    contexts: HashMap<String, ChannelContext>,
    /// The publish folder, once opened.
    target: Option<DirTarget>,
    /// Feed items rendered by earlier publishes.
    items: ItemCache,
    /// Set when the last publish failed (a full disk...): the index is ahead of the feeds.
    publish_failed: bool,
    /// The articles scheduled at the last publish, to tell how late each went out.
    scheduled: Vec<(i64, DateTime<Utc>)>,
    /// What the last publish left for later.
    behind: Behind,
    /// The notice pages (`410 Gone`) of the last publish this process made, `None` before
    /// its first: a daemon's publish is skipped only once its item cache is warm, and then
    /// reports these as a publish would.
    gone: Option<Vec<String>>,
    /// Set by a full rescan: its publish checks every page, unless skipped by a check that
    /// found every page (the item cache's knowledge of the pages then holds).
    recheck_pages: bool,
    _lock: lock::StateLock,
}

impl Engine {
    /// Takes the state folder's lock (a second publisher would race this one for the index
    /// and the publish folder's temp files) and opens the index as `mode` says.
    pub fn open(config: Config, mode: Mode) -> Result<Engine> {
        let lock = lock::acquire(&config.paths.state)?;
        let daemon = matches!(mode, Mode::Daemon { .. });
        let (store, catalog) = if daemon {
            let (store, catalog) = open::resilient(&config)?;
            (store, Some(catalog))
        } else {
            (Store::open(&config.paths.state)?, None)
        };
        let mut engine = Engine {
            mode,
            config,
            store,
            catalog,
            channels: BTreeMap::new(),
            contexts: HashMap::new(),
            target: None,
            items: ItemCache::default(),
            publish_failed: false,
            scheduled: Vec::new(),
            behind: Behind::default(),
            gone: None,
            recheck_pages: false,
            _lock: lock,
        };
        if daemon {
            // At once: temp files a crash left in the publish folder are cleared at start.
            engine.open_target()?;
        }
        Ok(engine)
    }

    /// The configuration in force.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Puts a reloaded configuration in force for the next sync.
    pub fn set_config(&mut self, config: Config) {
        self.config = config;
    }

    /// False when the state folder was removed or replaced under this process: its lock no
    /// longer guards anything, and another feedfold could start beside it.
    pub fn state_intact(&self) -> bool {
        self._lock.intact()
    }

    /// True when the last full scan found channel `name`.
    pub fn knows_channel(&self, name: &str) -> bool {
        self.contexts.contains_key(name)
    }

    /// What the last publish left for later: a publish of [`Scope::Publish`] brings the
    /// archives and sitemaps up to date, and renders the next chunk of restyled pages.
    pub fn behind(&self) -> Behind {
        self.behind
    }

    /// True when the last publish failed although the index is current: only publishing
    /// needs to be tried again, not a scan.
    pub fn publish_failed(&self) -> bool {
        self.publish_failed
    }

    /// Files the index holds as rejected.
    pub fn rejected_count(&self) -> Result<usize> {
        Ok(self.store.rejected()?.len())
    }

    /// Scans `scope` into the index (`now` dates what is first seen), then publishes. An
    /// error is a failed scan; a failed publish is in [`Synced::published`].
    pub fn sync(&mut self, scope: Scope<'_>, now: DateTime<Utc>) -> Result<Synced> {
        // The index keeps times to the microsecond: a moment finer than that (the clock's
        // nanoseconds, for an article first seen or changed now) would show in this
        // publish's feeds and differ from what the index gives back after a restart, which
        // would then rewrite them with nothing changed.
        let now = now.trunc_subsecs(6);
        let started = Instant::now();
        let scan = self.scan(scope, now)?;
        debug!(elapsed = ?started.elapsed(), "scan done");
        // The daemon's publish after some paths changed brings news out first: the archives
        // and sitemaps follow at a whole publish when the changes pause (see `daemon`).
        let pass = match (&self.mode, scope) {
            // News waits for no restyled page (the catch-up that follows renders them).
            (Mode::Daemon { .. }, Scope::Paths(_)) => Pass {
                extent: Extent::News,
                restyle: Some(0),
            },
            (Mode::Daemon { .. }, _) => Pass {
                extent: Extent::Whole,
                restyle: Some(RESTYLE_CHUNK),
            },
            (Mode::Once, _) => Pass::WHOLE,
        };
        let published = self.publish(now, pass);
        self.publish_failed = published.is_err();
        debug!(elapsed = ?started.elapsed(), "publish done");
        Ok(Synced { scan, published })
    }

    fn scan(&mut self, scope: Scope<'_>, now: DateTime<Utc>) -> Result<ScanReport> {
        let (guard_mass_delete, cancel) = match &self.mode {
            Mode::Once => (false, None),
            Mode::Daemon { stop } => (!self.config.watch.allow_mass_delete, Some(&**stop)),
        };
        let opts = index::Options {
            now,
            guard_mass_delete,
            cancel,
        };
        let (config, store, catalog) = (&self.config, &mut self.store, &mut self.catalog);
        match scope {
            Scope::All => {
                // A full rescan also checks that every article page is still there: its
                // publish, or the check that skips it (see `publish_step`).
                self.recheck_pages = true;
                let report = index::scan(config, store, catalog, opts)?;
                self.channels = report.channels.clone();
                self.contexts = report.contexts.clone();
                Ok(report)
            }
            Scope::Paths(paths) => {
                let catalog = match catalog {
                    Some(catalog) => catalog,
                    None => catalog.insert(index::load(store)?),
                };
                index::scan_paths(config, store, catalog, &self.contexts, paths, opts)
            }
            Scope::Publish => Ok(ScanReport::default()),
        }
    }

    /// Opens the publish folder, unless it is open, removing temp files an interrupted
    /// write left behind.
    fn open_target(&mut self) -> Result<()> {
        if self.target.is_none() {
            self.target = Some(DirTarget::new(&self.config.paths.publish)?);
        }
        Ok(())
    }
}
