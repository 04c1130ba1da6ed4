//! `feedfold watch` and `feedfold serve`: the daemon loop. Reconciles and publishes once,
//! then hands each batch of events to [`classify()`](crate::watch::classify()) and carries
//! out what it decides (a path scan, a full rescan, a reload); rescans fully on a timer and
//! retries after failures; reloads the configuration on change or SIGHUP; stops cleanly on
//! SIGTERM/SIGINT. After each publish, hooks update the HTTP server's published set, wake
//! the bucket mirror and ping WebSub hubs.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use tracing::{debug, error, info, warn};

use super::health::{Health, RETRY, next_batch};
use super::on_change::OnChange;
use super::pause;
use super::serving::{probe_addresses, serve_publishes, start_server};
use super::state::{Daemon, Published};
use super::websub::Pinger;
use crate::config::{Config, Overrides};
use crate::config_file;
use crate::feed::encode_path;
use crate::mirror::Mirror;
use crate::watch::{self, Change, Event, Notice};

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
