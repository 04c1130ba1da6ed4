//! `feedfold watch` and `feedfold serve`: the daemon loop. Reconciles and publishes once,
//! then turns watcher events into path scans and publishes; rescans fully on doubt and on a
//! timer; reloads the configuration on change or SIGHUP; stops cleanly on SIGTERM/SIGINT.
//! After each publish, hooks update the HTTP server's published set and ping WebSub hubs.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use tracing::{debug, error, info, warn};

use super::lock;
use super::mirror::Mirror;
use super::state::{Daemon, Published};
use super::websub::Pinger;
use crate::config::Config;
use crate::feed::encode_path;
use crate::serve::{self, Change, Status};
use crate::watch::{self, Event};

/// Wait before retrying after a failed reconciliation.
const RETRY: Duration = Duration::from_secs(5);

/// Wait before retrying a failed publish (a full disk): only the publish is redone, so
/// feeds are current again about a second after space comes back.
const PUBLISH_RETRY: Duration = Duration::from_secs(1);

/// Runs the daemon until SIGTERM or SIGINT: `feedfold watch`.
pub fn watch(config_path: &Path) -> Result<()> {
    run(config_path, false)
}

/// Runs the daemon and its HTTP server until SIGTERM or SIGINT: `feedfold serve`.
pub fn serve(config_path: &Path) -> Result<()> {
    run(config_path, true)
}

fn run(config_path: &Path, with_server: bool) -> Result<()> {
    // Absolute, so that the watcher's absolute event paths name it (`--config` defaults to a
    // relative `config.toml`).
    let config_path = &std::path::absolute(config_path)
        .with_context(|| format!("cannot resolve {}", config_path.display()))?;
    let config = super::load_config(config_path)?;
    let _lock = lock::acquire(&config.paths.state)?;
    let stop = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::channel();
    forward_signals(tx.clone(), stop.clone())?;
    let mut daemon = Daemon::open(config_path.to_path_buf(), config, stop.clone())?;
    let server = if with_server {
        Some(start_server(&mut daemon)?)
    } else {
        None
    };
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
    // Watch first, then reconcile: a change made during the first scan is not missed.
    let mut watcher = start_watch(&daemon, &tx);
    watch_loop(&mut daemon, &mut watcher, &tx, &rx, &stop);
    let _ = sd_notify::notify(&[sd_notify::NotifyState::Stopping]);
    drop(watcher);
    if let Some(server) = server {
        server.stop();
    }
    if let Some(mirror) = mirror {
        mirror.stop();
    }
    info!("stopped");
    Ok(())
}

/// Reconciles once, then turns events into scans until told to stop.
fn watch_loop(
    daemon: &mut Daemon,
    watcher: &mut Option<watch::Watch>,
    tx: &Sender<Event>,
    rx: &Receiver<Event>,
    stop: &AtomicBool,
) {
    let first = daemon.sync_all();
    if let Err(e) = &first {
        error!(error = %format!("{e:#}"), "reconciliation failed; published feeds kept, retrying");
    }
    let mut failing = first.is_err();
    let mut last_error = first.as_ref().err().map(|e| format!("{e:#}"));
    let mut next_full = if failing || watcher.is_none() {
        Instant::now() + RETRY
    } else {
        daemon.rescan_due()
    };
    let _ = sd_notify::notify(&[sd_notify::NotifyState::Ready]);
    info!("watching {}", daemon.config().paths.feeds.display());
    loop {
        pause_for_tests();
        let timeout = next_full.saturating_duration_since(Instant::now());
        let mut batch = match rx.recv_timeout(timeout) {
            Ok(event) => coalesce(event, rx),
            Err(RecvTimeoutError::Timeout) if failing && daemon.publish_failed() => Batch {
                republish: true,
                ..Batch::default()
            },
            Err(RecvTimeoutError::Timeout) => Batch {
                full: Some("periodic rescan".into()),
                ..Batch::default()
            },
            Err(RecvTimeoutError::Disconnected) => break,
        };
        debug!(paths = batch.paths.len(), full = ?batch.full, reload = batch.reload, "events");
        if batch.shutdown || stop.load(Ordering::Relaxed) {
            break;
        }
        let feeds = &daemon.config().paths.feeds;
        if watcher.as_ref().is_some_and(|w| w.root_replaced(feeds)) {
            warn!(path = %feeds.display(), "the content folder was replaced; watching the new one");
            *watcher = None;
            batch.full = Some("the content folder was replaced".into());
        }
        // Watch anew before reconciling after a reload, a failure (the content folder may
        // have been replaced) or a failed start, so that no change slips between the two.
        let scan_failed = failing && !daemon.publish_failed();
        if (batch.reload && daemon.reload()) || scan_failed || watcher.is_none() {
            *watcher = start_watch(daemon, tx);
        }
        let result = sync(daemon, &batch);
        next_full = match result {
            Ok(()) if failing => {
                info!("reconciliation recovered");
                failing = false;
                last_error = None;
                daemon.rescan_due()
            }
            Ok(()) if watcher.is_none() => Instant::now() + RETRY,
            Ok(()) => daemon.rescan_due(),
            Err(e) if stop.load(Ordering::Relaxed) => {
                warn!(error = %format!("{e:#}"), "stopped during a scan");
                break;
            }
            Err(e) => {
                let e = format!("{e:#}");
                if last_error.as_ref() != Some(&e) {
                    error!(error = %e, "reconciliation failed; published feeds kept, retrying");
                } else {
                    debug!(error = %e, "still failing");
                }
                last_error = Some(e);
                failing = true;
                let wait = if daemon.publish_failed() {
                    PUBLISH_RETRY
                } else {
                    RETRY
                };
                Instant::now() + wait
            }
        };
    }
}

/// Brings the index and feeds up to date for one batch of events.
fn sync(daemon: &mut Daemon, batch: &Batch) -> Result<()> {
    if batch.republish && batch.full.is_none() && batch.paths.is_empty() && !batch.reload {
        return daemon.republish();
    }
    match (&batch.full, batch.reload) {
        (Some(reason), _) => {
            info!(reason = %reason, "full rescan");
            daemon.sync_all()
        }
        (None, true) => daemon.sync_all(),
        (None, false) if !batch.paths.is_empty() => daemon.sync_paths(&batch.paths),
        _ => Ok(()),
    }
}

/// Serves what is already published at once, and keeps it current after each publish.
fn start_server(daemon: &mut Daemon) -> Result<serve::Server> {
    let config = daemon.config();
    let site = Arc::new(super::published_site(config)?);
    let server = serve::start(&config.serve, site.clone())?;
    info!(address = %server.addr, files = site.len(), "serving http://{}/", server.addr);
    daemon.on_publish(Box::new(move |_, event: &Published| {
        let r = event.report;
        let changed = !r.written.is_empty() || !r.written_pages.is_empty() || !r.removed.is_empty();
        site.apply(Change {
            written: &event.report.written,
            written_pages: &event.report.written_pages,
            removed: &event.report.removed,
            status: Status {
                last_publish: changed.then(chrono::Utc::now),
                articles: event.articles,
                rejected: event.rejected,
            },
            elapsed_micros: event.elapsed.as_micros() as u64,
        });
    }));
    Ok(server)
}

/// Public URLs of the feeds a publish rewrote.
fn changed_feed_urls(config: &Config, event: &Published) -> Vec<String> {
    event
        .report
        .written
        .iter()
        .filter(|key| crate::publish::is_feed(key))
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
        debounce,
        config.watch.poll,
        tx.clone(),
    ) {
        Ok((watch, mode)) => {
            info!(mode = ?mode, debounce_ms = config.watch.debounce_ms, "watcher started");
            Some(watch)
        }
        Err(e) => {
            error!(error = %format!("{e:#}"), "cannot watch {}; retrying", feeds.display());
            None
        }
    }
}

/// Everything that arrived together, merged.
#[derive(Default)]
struct Batch {
    paths: Vec<PathBuf>,
    full: Option<String>,
    reload: bool,
    shutdown: bool,
    /// Publish again, without a scan (after a failed publish).
    republish: bool,
}

fn coalesce(first: Event, rx: &Receiver<Event>) -> Batch {
    let mut batch = Batch::default();
    for event in std::iter::once(first).chain(rx.try_iter()) {
        match event {
            Event::Changed(paths) => batch.paths.extend(paths),
            Event::Rescan(reason) => batch.full = Some(reason),
            Event::Reload => batch.reload = true,
            Event::Shutdown => batch.shutdown = true,
        }
    }
    batch.paths.sort();
    batch.paths.dedup();
    batch
}

fn forward_signals(tx: Sender<Event>, stop: Arc<AtomicBool>) -> Result<()> {
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGINT, SIGHUP])
        .context("cannot install signal handlers")?;
    std::thread::spawn(move || {
        for signal in signals.forever() {
            let event = if signal == SIGHUP {
                Event::Reload
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

/// Test hook: while the file named by `FEEDFOLD_TEST_PAUSE` exists, events are not consumed
/// (so that tests can pile up work as an overloaded daemon would).
fn pause_for_tests() {
    let Some(path) = std::env::var_os("FEEDFOLD_TEST_PAUSE") else {
        return;
    };
    while Path::new(&path).exists() {
        std::thread::sleep(Duration::from_millis(20));
    }
}
