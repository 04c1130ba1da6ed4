//! The daemon's clock: how reconciliation has been going ([`Health`]), when to look again
//! unasked (an article's moment, a catch-up, a retry, the periodic rescan), and the wait
//! for the next batch of events.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use anyhow::Result;
use tracing::{debug, error, info, warn};

use super::state::Daemon;
use crate::watch::{Event, Notice};

/// Wait before retrying after a failed reconciliation.
pub(super) const RETRY: Duration = Duration::from_secs(5);

/// Wait before retrying a failed publish (a full disk): only the publish is redone, so
/// feeds are current again about a second after space comes back.
const PUBLISH_RETRY: Duration = Duration::from_secs(1);

/// How reconciliation has been going, and when to look again unasked.
pub(super) struct Health {
    pub failing: bool,
    pub last_error: Option<String>,
    pub next_full: Instant,
}

/// Waits for the next batch: every event that arrived together, or what the timer means
/// (an article's moment, the archives and sitemaps to catch up, a publish to retry, or the
/// periodic rescan). `None` on shutdown.
pub(super) fn next_batch(
    daemon: &Daemon,
    health: &Health,
    rx: &Receiver<Event>,
) -> Option<Vec<Notice>> {
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
    pub(super) fn settle(
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
