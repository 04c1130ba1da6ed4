//! `feedfold watch` and `feedfold serve`: the daemon loop. Reconciles and publishes once,
//! then hands each batch of events to [`classify()`](crate::watch::classify()) and carries
//! out what it decides (a path scan, a full rescan, a reload); rescans fully on a timer and
//! retries after failures; reloads the configuration on change or SIGHUP; stops cleanly on
//! SIGTERM/SIGINT. After each publish, hooks update the HTTP server's published set, wake
//! the bucket mirror and ping WebSub hubs.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use tracing::{debug, error, info, warn};

use super::on_change::OnChange;
use super::pause;
use super::state::{Daemon, Published};
use super::websub::Pinger;
use crate::config::{Config, Overrides};
use crate::config_file;
use crate::feed::encode_path;
use crate::mirror::Mirror;
use crate::serve::{self, Status};
use crate::watch::{self, Change, Event, Notice};

/// Wait before retrying after a failed reconciliation.
const RETRY: Duration = Duration::from_secs(5);

/// Wait before retrying a failed publish (a full disk): only the publish is redone, so
/// feeds are current again about a second after space comes back.
const PUBLISH_RETRY: Duration = Duration::from_secs(1);

/// Runs the daemon until SIGTERM or SIGINT: `feedfold watch`.
pub fn watch(config_path: &Path) -> Result<()> {
    run(config_path, false, Overrides::default())
}

/// Runs the daemon and its HTTP server until SIGTERM or SIGINT: `feedfold serve`;
/// `overrides` (`--listen`) apply at the start and at every reload.
pub fn serve(config_path: &Path, overrides: Overrides) -> Result<()> {
    run(config_path, true, overrides)
}

fn run(config_path: &Path, with_server: bool, overrides: Overrides) -> Result<()> {
    // Absolute, so that the watcher's absolute event paths name it (`--config` defaults to a
    // relative `config.toml`).
    let config_path = &std::path::absolute(config_path)
        .with_context(|| format!("cannot resolve {}", config_path.display()))?;
    let config = config_file::load_with(config_path, &overrides)?;
    let stop = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::channel();
    forward_signals(tx.clone(), stop.clone())?;
    let rx = pause::install(rx)?;
    if with_server {
        // Before any folder is created: a taken port fails the start at once, leaving nothing.
        probe_addresses(&config)?;
    }
    // The server answers with the last published set before the index is loaded (at a
    // million articles, loading it takes seconds).
    let server = if with_server {
        Some(start_server(&config)?)
    } else {
        None
    };
    let mut daemon = Daemon::open(config_path.to_path_buf(), overrides, config, stop.clone())?;
    if let Some((_, site)) = &server {
        serve_publishes(&mut daemon, site.clone());
    }
    let mirror = Mirror::start(daemon.config())?;
    if let Some(mirror) = &mirror {
        let tx = mirror.notifier();
        daemon.on_publish(Box::new(move |_, _| {
            let _ = tx.send(());
        }));
    }
    let pinger = Pinger::start();
    daemon.on_publish(Box::new(move |config, event| {
        pinger.announce(&config.websub.hubs, changed_feed_urls(config, event));
    }));
    let on_change = OnChange::start()?;
    let mut on_change_notifier = on_change.notifier();
    daemon.on_publish(Box::new(move |config, event| {
        on_change_notifier.published(config, event.report);
    }));
    // The watcher starts after the first sync (see `watch_loop`).
    let mut watcher = None;
    let result = watch_loop(&mut daemon, &mut watcher, &tx, &rx, &stop);
    let _ = sd_notify::notify(&[sd_notify::NotifyState::Stopping]);
    drop(watcher);
    if let Some((server, _)) = server {
        server.stop();
    }
    if let Some(mirror) = mirror {
        mirror.stop();
    }
    on_change.stop();
    info!("stopped");
    result
}

/// How reconciliation has been going, and when to look again unasked.
struct Health {
    failing: bool,
    last_error: Option<String>,
    next_full: Instant,
}

/// Reconciles once, starts watching, then turns events into scans until told to stop; an
/// error when the state folder was removed under it (it stops rather than let a second
/// feedfold publish).
///
/// The first sync runs before the watcher starts: inotify reports every open, so a watcher
/// would hear the first sync's own reads of every article (by the scan, then by the pages),
/// and handling them slowed a large first publish by a sixth. Once watching, a second
/// reconciliation (stats only, unless a file changed meanwhile) makes sure that a change
/// made during the first sync is not missed.
fn watch_loop(
    daemon: &mut Daemon,
    watcher: &mut Option<watch::Watch>,
    tx: &Sender<Event>,
    rx: &Receiver<Event>,
    stop: &AtomicBool,
) -> Result<()> {
    pause::before_first_sync(stop);
    let feeds = daemon.config().paths.feeds.clone();
    let missing = !feeds.is_dir();
    if missing {
        error!(
            "the content folder {} does not exist (paths.feeds): create it, and feedfold \
             publishes it as soon as it appears",
            feeds.display()
        );
    }
    // Asked to stop while the index loaded (at a million articles, seconds): nothing begun.
    if stop.load(Ordering::Relaxed) {
        return Ok(());
    }
    let first = daemon.sync_all();
    if stopped_during(&first, stop) {
        return Ok(());
    }
    *watcher = start_watch(daemon, tx);
    let first = match first {
        Ok(()) if watcher.is_some() => daemon.sync_all(),
        failed => failed,
    };
    if stopped_during(&first, stop) {
        return Ok(());
    }
    match &first {
        Err(e) if missing => debug!(error = %format!("{e:#}"), "no content folder yet"),
        Err(e) => {
            error!(error = %format!("{e:#}"), "reconciliation failed; what is published stays, retrying")
        }
        Ok(()) => {}
    }
    let failing = first.is_err();
    let mut health = Health {
        failing,
        last_error: first.as_ref().err().map(|e| format!("{e:#}")),
        next_full: if failing || watcher.is_none() {
            Instant::now() + RETRY
        } else {
            daemon.rescan_due()
        },
    };
    let _ = sd_notify::notify(&[sd_notify::NotifyState::Ready]);
    if watcher.is_some() {
        info!("watching {}", feeds.display());
    } else {
        info!(
            "waiting for {}: trying again every {} s",
            feeds.display(),
            RETRY.as_secs()
        );
    }
    while let Some(mut notices) = next_batch(daemon, &health, rx) {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        if !daemon.state_intact() {
            let state = daemon.config().paths.state.display();
            error!("the state folder {state} was removed or replaced; stopping");
            anyhow::bail!(
                "the state folder {state} was removed or replaced while feedfold ran: stopped \
                 so that no second feedfold publishes beside this one; start it again (the \
                 index is rebuilt from the published feeds)"
            );
        }
        let feeds = &daemon.config().paths.feeds;
        if watcher.as_ref().is_some_and(|w| w.root_replaced(feeds)) {
            warn!(path = %feeds.display(), "the content folder was replaced; watching the new one");
            *watcher = None;
            notices.push(Notice::RootReplaced);
        }
        let mut change = daemon.classify(&notices);
        debug!(notices = notices.len(), change = %change, "events");
        if change == Change::Nothing {
            continue;
        }
        // Watch anew before reconciling after a reload, a failure (the content folder may
        // have been replaced) or a failed start, so that no change slips between the two.
        let scan_failed = health.failing && !daemon.publish_failed();
        let rewatch = scan_failed || watcher.is_none();
        if (change == Change::Reload && daemon.reload()) || rewatch {
            *watcher = start_watch(daemon, tx);
        }
        // The watcher replaced drops the events its debouncer still held: a configuration
        // (or template) saved just before is read now. The reconciliation covers articles.
        if rewatch && change != Change::Reload && daemon.reload() {
            change = Change::Reload;
        }
        // Publishing again ends a failure only when the publish was what failed: a catch-up
        // or an article's moment while a scan is refused (the mass-loss guard) does not.
        let retried_publish = daemon.publish_failed();
        let result = daemon.apply(&change);
        let whole = match change {
            Change::Paths(_) => false,
            Change::Republish => retried_publish,
            _ => true,
        };
        if !health.settle(result, whole, daemon, watcher.is_some(), stop) {
            break;
        }
    }
    Ok(())
}

/// True when the daemon was told to stop while `synced` ran (a sync it cut short is logged).
fn stopped_during(synced: &Result<()>, stop: &AtomicBool) -> bool {
    if !stop.load(Ordering::Relaxed) {
        return false;
    }
    if let Err(e) = synced {
        warn!(error = %format!("{e:#}"), "stopped before the first publish was done; what was published stays");
    }
    true
}

/// Waits for the next batch: every event that arrived together, or what the timer means
/// (an article's moment, the archives and sitemaps to catch up, a publish to retry, or the
/// periodic rescan). `None` on shutdown.
fn next_batch(daemon: &Daemon, health: &Health, rx: &Receiver<Event>) -> Option<Vec<Notice>> {
    let to_rescan = health.next_full.saturating_duration_since(Instant::now());
    let until_catch_up = || {
        let due = daemon.catch_up_due()?;
        Some(due.saturating_duration_since(Instant::now()))
    };
    let timeout = [until_due(daemon), until_catch_up()]
        .into_iter()
        .flatten()
        .fold(to_rescan, Duration::min);
    let first = match rx.recv_timeout(timeout) {
        Ok(event) => event,
        Err(RecvTimeoutError::Timeout) if until_due(daemon) == Some(Duration::ZERO) => {
            return Some(vec![Notice::Due]);
        }
        Err(RecvTimeoutError::Timeout) if until_catch_up() == Some(Duration::ZERO) => {
            return Some(vec![Notice::CatchUp]);
        }
        Err(RecvTimeoutError::Timeout) if Instant::now() < health.next_full => {
            return Some(Vec::new());
        }
        Err(RecvTimeoutError::Timeout) if health.failing && daemon.publish_failed() => {
            return Some(vec![Notice::RetryPublish]);
        }
        Err(RecvTimeoutError::Timeout) => return Some(vec![Notice::RescanDue]),
        Err(RecvTimeoutError::Disconnected) => return None,
    };
    let mut notices = Vec::new();
    for event in std::iter::once(first).chain(rx.try_iter()) {
        match event {
            Event::Heard(heard) => notices.extend(heard),
            Event::Shutdown => return None,
        }
    }
    Some(notices)
}

/// How long until the next article changes stage, by the wall clock, at most
/// [`DUE_CHECK`]: a clock that jumps is noticed within that time, and nothing is published
/// before its moment (the moment is compared, not a timer's end). `Some(ZERO)`: due now.
fn until_due(daemon: &Daemon) -> Option<Duration> {
    let next = daemon.next_change()?;
    let left = (next - chrono::Utc::now())
        .to_std()
        .unwrap_or(Duration::ZERO);
    Some(left.min(DUE_CHECK))
}

/// The longest the daemon sleeps while an article waits for its moment.
const DUE_CHECK: Duration = Duration::from_secs(1);

impl Health {
    /// Takes in how a reconciliation went (`whole`: of everything, not of some paths) and
    /// sets when to look again; false when the daemon was stopped during it. Only a whole
    /// reconciliation ends a failure: a path scan that went through while a full scan is
    /// refused (the mass-loss guard) keeps the retries going.
    fn settle(
        &mut self,
        result: Result<()>,
        whole: bool,
        daemon: &Daemon,
        watching: bool,
        stop: &AtomicBool,
    ) -> bool {
        self.next_full = match result {
            Ok(()) if self.failing && !whole => self.next_full,
            Ok(()) if self.failing => {
                info!("reconciliation recovered");
                self.failing = false;
                self.last_error = None;
                daemon.rescan_due()
            }
            Ok(()) if !watching => Instant::now() + RETRY,
            Ok(()) => daemon.rescan_due(),
            Err(e) if stop.load(Ordering::Relaxed) => {
                warn!(error = %format!("{e:#}"), "stopped before the sync was done; what was published stays");
                return false;
            }
            Err(e) => {
                let e = format!("{e:#}");
                if self.last_error.as_ref() != Some(&e) {
                    error!(error = %e, "reconciliation failed; published feeds kept, retrying");
                } else {
                    debug!(error = %e, "still failing");
                }
                self.last_error = Some(e);
                self.failing = true;
                let wait = if daemon.publish_failed() {
                    PUBLISH_RETRY
                } else {
                    RETRY
                };
                Instant::now() + wait
            }
        };
        true
    }
}

/// Serves what is already published at once, and keeps it current after each publish.
/// Until the first publish is done the site is not ready: `/readyz` answers `503`, and so
/// (with `Retry-After`) does a request for a file not published yet.
fn start_server(config: &Config) -> Result<(serve::Server, Arc<serve::Site>)> {
    let site = Arc::new(super::published_site(config));
    site.configure(config);
    site.set_ready(false);
    let server = serve::start(&config.serve, site.clone())?;
    if config.preview {
        info!(
            address = %server.addr,
            folder = %config.paths.publish.display(),
            "preview at http://{}/ (drafts and scheduled stories shown; loopback only; never mirrored)",
            server.addr
        );
    } else {
        info!(address = %server.addr, files = site.len(), "serving http://{}/", server.addr);
    }
    // The operator's page, opt-in, on its own address (never the public listener).
    if let Some(addr) = config.serve.admin_addr()? {
        serve::admin::start(addr, config.clone())?;
    }
    Ok((server, site))
}

/// Keeps `site` current after each of `daemon`'s publishes: the whole set from the index
/// after the first publish, what each publish changed after that.
fn serve_publishes(daemon: &mut Daemon, site: Arc<serve::Site>) {
    daemon.on_publish(Box::new(move |config, event: &Published| {
        site.configure(config);
        let r = event.report;
        let changed = !r.written.is_empty() || !r.written_pages.is_empty() || !r.removed.is_empty();
        // After the first publish (or a failed one) the whole set is taken from the index:
        // files on disk that this report found unchanged may not be served yet.
        let reloaded = event.whole
            && match published_keys(config) {
                Ok((outputs, pages)) => {
                    site.reload(&outputs, &pages);
                    true
                }
                Err(e) => {
                    warn!(error = %format!("{e:#}"), "cannot read the published set from the index");
                    false
                }
            };
        let (written, written_pages): (&[String], &[String]) = if reloaded {
            (&[], &[])
        } else {
            (&r.written, &r.written_pages)
        };
        site.apply(serve::Change {
            written,
            written_pages,
            removed: &r.removed,
            gone: &r.gone_pages,
            released_late: event.released_late,
            status: Status {
                last_publish: changed.then(chrono::Utc::now),
                articles: event.articles,
                rejected: event.rejected,
                scheduled: event.counts.scheduled,
            },
            elapsed_micros: event.elapsed.as_micros() as u64,
        });
        if !site.is_ready() {
            info!(files = site.len(), "ready: the first publish is served");
            site.set_ready(true);
        }
    }));
}

/// The keys the index records as published (see [`super::published_keys_of`]).
fn published_keys(config: &Config) -> Result<(Vec<String>, Vec<String>)> {
    super::published_keys_of(&crate::index::Store::open(&config.paths.state)?)
}

/// Public URLs of the feeds a publish rewrote (not archives: nobody subscribes to those).
fn changed_feed_urls(config: &Config, event: &Published) -> Vec<String> {
    event
        .report
        .written
        .iter()
        .filter(|key| crate::layout::is_feed(key) && !crate::layout::is_archive(key))
        .map(|key| format!("{}/{}", config.site.base_url, encode_path(key)))
        .collect()
}

/// Starts (or restarts) the watcher; a failure is logged and retried after the next
/// successful reconciliation, so a content folder that is missing at start is waited for.
fn start_watch(daemon: &Daemon, tx: &Sender<Event>) -> Option<watch::Watch> {
    let config = daemon.config();
    let debounce = Duration::from_millis(config.watch.debounce_ms.max(1));
    let feeds = &config.paths.feeds;
    match watch::start(
        feeds,
        daemon.config_path(),
        &config.paths.templates,
        debounce,
        config.watch.poll,
        tx.clone(),
    ) {
        Ok((watch, mode)) => {
            info!(mode = ?mode, debounce_ms = config.watch.debounce_ms, "watcher started");
            Some(watch)
        }
        // A missing content folder was said once, at start: retried quietly.
        Err(e) if !feeds.is_dir() => {
            debug!(error = %format!("{e:#}"), "cannot watch {} yet", feeds.display());
            None
        }
        Err(e) => {
            error!(error = %format!("{e:#}"), "cannot watch {}; retrying", feeds.display());
            None
        }
    }
}

/// Binds and releases the public and the operator's addresses, so that a taken port stops
/// `serve` before it creates any folder.
fn probe_addresses(config: &Config) -> Result<()> {
    let addresses = [
        (Some(config.serve.addr()?), "serve.listen"),
        (config.serve.admin_addr()?, "serve.admin_listen"),
    ];
    for (addr, key) in addresses {
        if let Some(addr) = addr {
            std::net::TcpListener::bind(addr)
                .with_context(|| format!("cannot listen on {addr} ({key})"))?;
        }
    }
    Ok(())
}

fn forward_signals(tx: Sender<Event>, stop: Arc<AtomicBool>) -> Result<()> {
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGINT, SIGHUP])
        .context("cannot install signal handlers")?;
    std::thread::spawn(move || {
        for signal in signals.forever() {
            let event = if signal == SIGHUP {
                Event::Heard(vec![Notice::Reload])
            } else {
                stop.store(true, Ordering::Relaxed);
                Event::Shutdown
            };
            if tx.send(event).is_err() {
                break;
            }
        }
    });
    Ok(())
}
