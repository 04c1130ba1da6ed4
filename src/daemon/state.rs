//! The daemon between events: the [`Engine`] (opened for a long-running process), the
//! configuration file it reloads, and the hooks run after every publish. It carries out
//! what [`classify()`] decided for a batch and logs what each sync did.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use anyhow::Result;
use chrono::Utc;
use tracing::{debug, error, info, warn};

use crate::config::{Config, Overrides};
use crate::config_file;
use crate::engine::{Engine, Mode, Scope};
use crate::index::ScanReport;
use crate::publish::PublishReport;
use crate::watch::{Change, Notice, classify};

/// How long the changes pause before the archives and sitemaps that a publish after a
/// change left (see [`crate::publish::Extent::News`]) are brought up to date.
pub const CATCH_UP_QUIET: Duration = Duration::from_secs(1);

/// The longest the archives and sitemaps stay behind the feeds under a steady stream of
/// changes.
pub const CATCH_UP_LATEST: Duration = Duration::from_secs(60);

/// What a publish did, as hooks (the HTTP server, WebSub) see it.
pub struct Published<'a> {
    pub report: &'a PublishReport,
    pub articles: usize,
    pub rejected: usize,
    pub elapsed: Duration,
    /// Articles by how they show (scheduled ones are counted, never shown).
    pub counts: crate::lifecycle::Counts,
    /// How late each scheduled article that went out at this publish went out.
    pub released_late: &'a [chrono::TimeDelta],
    /// True for the first publish, and the first after a failed one: files may be in the
    /// publish folder that no report named (written before a stop or a failure, found
    /// unchanged now), so a hook that mirrors the published set takes it whole from the
    /// index rather than from `report`.
    pub whole: bool,
}

/// Called after every successful publish.
pub type Hook = Box<dyn FnMut(&Config, &Published)>;

pub struct Daemon {
    engine: Engine,
    config_path: PathBuf,
    /// What the command line sets instead of the file, applied at every reload too.
    overrides: Overrides,
    hooks: Vec<Hook>,
    /// Rejections already logged, so that each is logged once.
    reported: HashMap<String, String>,
    /// When the next article changes stage, as of the last successful publish.
    next_change: Option<chrono::DateTime<Utc>>,
    /// No publish has gone through since start or since the last failed one (see
    /// [`Published::whole`]).
    unsettled: bool,
    /// While the archives and sitemaps are behind the feeds: since when, and when the last
    /// publish that left them ended.
    behind: Option<(Instant, Instant)>,
    /// Restyled pages and archive documents left by the whole publish before the last one
    /// (`usize::MAX` if it left none) and by the last: while the count goes down, the next
    /// chunk follows at once.
    left: (usize, usize),
}

impl Daemon {
    /// Opens the engine for a long-running process (see [`Mode::Daemon`]).
    pub fn open(
        config_path: PathBuf,
        overrides: Overrides,
        config: Config,
        stop: Arc<AtomicBool>,
    ) -> Result<Daemon> {
        let engine = Engine::open(config, Mode::Daemon { stop })?;
        // Only once the state lock is held: one daemon writes the journal.
        crate::journal::open(&engine.config().paths.state);
        Ok(Daemon {
            engine,
            config_path,
            overrides,
            hooks: Vec::new(),
            reported: HashMap::new(),
            next_change: None,
            unsettled: true,
            behind: None,
            left: (usize::MAX, 0),
        })
    }

    pub fn config(&self) -> &Config {
        self.engine.config()
    }

    pub fn config_path(&self) -> &Path {
        &self.config_path
    }

    /// Runs `hook` after every successful publish.
    pub fn on_publish(&mut self, hook: Hook) {
        self.hooks.push(hook);
    }

    /// When the next article changes stage (see [`crate::lifecycle`]): the daemon publishes
    /// then by itself. `None` after a failed publish (its retry takes over).
    pub fn next_change(&self) -> Option<chrono::DateTime<Utc>> {
        self.next_change
    }

    /// When to publish whole, while the archives and sitemaps are behind the feeds: once
    /// the changes have paused for [`CATCH_UP_QUIET`], or at the latest
    /// [`CATCH_UP_LATEST`] after the first publish that left them; while restyled pages
    /// are left, at once (the next chunk as soon as no event waits).
    pub fn catch_up_due(&self) -> Option<Instant> {
        let (since, last) = self.behind?;
        if next_chunk_at_once(self.left) {
            return Some(last);
        }
        Some((last + CATCH_UP_QUIET).min(since + CATCH_UP_LATEST))
    }

    /// When the next periodic full rescan is due.
    pub fn rescan_due(&self) -> Instant {
        Instant::now() + Duration::from_secs(self.config().watch.rescan_minutes.max(1) * 60)
    }

    /// True when the last publish failed although the index is current.
    pub fn state_intact(&self) -> bool {
        self.engine.state_intact()
    }

    pub fn publish_failed(&self) -> bool {
        self.engine.publish_failed()
    }

    /// What `notices` ask for, given the content root, the configuration file, the templates
    /// folder and the channels the last full scan found.
    pub fn classify(&self, notices: &[Notice]) -> Change {
        let paths = &self.config().paths;
        let known = |channel: &str| self.engine.knows_channel(channel);
        classify(
            &paths.feeds,
            &self.config_path,
            &paths.templates,
            known,
            notices,
        )
    }

    /// Carries out `change` (after a reload, [`Daemon::reload`] has run).
    pub fn apply(&mut self, change: &Change) -> Result<()> {
        match change {
            Change::Nothing => Ok(()),
            Change::Republish => self.sync(Scope::Publish),
            Change::Paths(paths) => self.sync(Scope::Paths(paths)),
            Change::Full(reason) => {
                info!(reason = %reason, "full rescan");
                self.sync_all()
            }
            Change::Channel(channel) => {
                info!(channel = %channel, "a channel changed; full rescan");
                self.sync_all()
            }
            Change::Reload => self.sync_all(),
        }
    }

    /// Reconciles everything and publishes.
    pub fn sync_all(&mut self) -> Result<()> {
        let result = self.sync(Scope::All);
        release_free_memory();
        result
    }

    fn sync(&mut self, scope: Scope<'_>) -> Result<()> {
        let started = Instant::now();
        let synced = self.engine.sync(scope, Utc::now())?;
        self.log_rejections(&synced.scan);
        self.next_change = None;
        let published = synced.published.inspect_err(|_| self.unsettled = true)?;
        self.next_change = published.next_change;
        // One duration for the log, the hooks (`/metrics`) and nothing else to disagree.
        let elapsed = started.elapsed();
        if let Some((_, due)) = published.scheduled.first() {
            debug!(next = %due, scheduled = published.counts.scheduled, "next scheduled article");
        }
        let event = Published {
            report: &published.report,
            articles: published.articles,
            rejected: self.engine.rejected_count()?,
            elapsed,
            counts: published.counts,
            released_late: &published.released_late,
            whole: self.unsettled,
        };
        for hook in &mut self.hooks {
            hook(self.engine.config(), &event);
        }
        self.unsettled = false;
        let behind = self.engine.behind();
        // Whole publishes render the chunks (the one after a change renders none).
        if !matches!(scope, Scope::Paths(_)) {
            let before = match self.left.1 {
                0 => usize::MAX,
                n => n,
            };
            self.left = (before, behind.left);
        }
        let behind = behind.deferred || behind.left > 0;
        self.behind = match (behind, self.behind) {
            (false, _) => None,
            (true, Some((since, _))) => Some((since, Instant::now())),
            (true, None) => Some((started, Instant::now())),
        };
        log_published(&synced.scan, &published.report, published.articles, elapsed);
        // Additions and edits went out; the held-back removals keep the retries going.
        match synced.scan.refused {
            Some(refused) => Err(refused.into()),
            None => Ok(()),
        }
    }

    fn log_rejections(&mut self, report: &ScanReport) {
        let feeds = &self.engine.config().paths.feeds;
        for (path, reason) in &report.rejected {
            if self.reported.get(path) != Some(reason) {
                warn!(path = %feeds.join(path).display(), reason, "file skipped");
                self.reported.insert(path.clone(), reason.clone());
            }
        }
        for (path, warning) in &report.warnings {
            warn!(path = %feeds.join(path).display(), warning, "article repaired");
        }
    }

    /// Re-reads the configuration; an invalid one is logged and the old one kept. Returns
    /// true when the new configuration is in force.
    pub fn reload(&mut self) -> bool {
        let config = match config_file::load_with(&self.config_path, &self.overrides) {
            Ok(config) => config,
            Err(e) => {
                error!(error = %format!("{e:#}"), "new configuration rejected; the old one keeps running");
                return false;
            }
        };
        let old = self.engine.config();
        if config.paths.state != old.paths.state || config.paths.publish != old.paths.publish {
            error!("paths.state and paths.publish cannot change while running; restart feedfold");
            return false;
        }
        if config == *old {
            return false;
        }
        info!("configuration reloaded");
        self.engine.set_config(config);
        true
    }
}

/// Logs a publish that changed something, and every feed that failed its check.
fn log_published(scan: &ScanReport, published: &PublishReport, articles: usize, elapsed: Duration) {
    if !published.written.is_empty()
        || !published.written_pages.is_empty()
        || !published.removed.is_empty()
        || scan.changed_anything()
    {
        info!(
            added = scan.added,
            changed = scan.changed,
            moved = scan.moved,
            removed = scan.removed,
            articles,
            written = ?published.written,
            pages = published.written_pages.len(),
            deleted = ?published.removed,
            elapsed_ms = elapsed.as_millis() as u64,
            "published"
        );
    }
    for (key, reason) in &published.failed {
        error!(
            key,
            reason, "feed not published: the last good version stays"
        );
    }
    for (path, warning) in &published.warnings {
        warn!(path = %path, warning = %warning, "article published with a warning");
    }
}

/// Whether the next chunk of restyled pages and archives follows at once, given how many
/// were left (before, after) by the last two whole publishes: some are left, and the last
/// one rendered some. A chunk that rendered nothing (its articles gone since the scan)
/// waits for the pause: no busy loop.
fn next_chunk_at_once((before, left): (usize, usize)) -> bool {
    left > 0 && left < before
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

#[cfg(test)]
mod tests {
    use super::next_chunk_at_once;

    #[test]
    fn chunks_follow_at_once_only_while_each_whole_publish_renders_some() {
        assert!(next_chunk_at_once((usize::MAX, 9_000)), "the first chunk");
        assert!(next_chunk_at_once((9_000, 8_744)));
        assert!(
            !next_chunk_at_once((8_744, 8_744)),
            "no progress: wait for the pause"
        );
        assert!(!next_chunk_at_once((usize::MAX, 0)), "nothing left");
        assert!(!next_chunk_at_once((256, 0)));
    }
}
