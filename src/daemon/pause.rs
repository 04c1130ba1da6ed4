//! A debugging seam, outside the daemon's loop: with `FEEDFOLD_TEST_PAUSE=<file>` set when
//! the daemon starts, its events are held back while `<file>` exists, as if the daemon
//! were too busy to take them, so that tests (`tests/testsuite/daemon.rs`) can pile up work
//! for it. The seam is a relay thread put between the event channel and the loop once, at
//! start; without the variable nothing is installed and the loop reads the channel itself.
//! If the file exists at start, the first sync waits for it to go too ([`before_first_sync`]),
//! so that tests (`tests/testsuite/health.rs`) can see `serve` before its first publish.
//!
//! Why a relay rather than a check in the loop or a cargo feature: the tests drive the real
//! binary, so a feature is not built in, and a check in the loop would sit on every event's
//! path in production.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::Duration;

use anyhow::{Context, Result};
use tracing::warn;

use crate::watch::Event;

/// The environment variable naming the pause file.
pub const VAR: &str = "FEEDFOLD_TEST_PAUSE";

/// The channel the loop should read: `events` itself, or, when [`VAR`] is set, a channel
/// fed from `events` by a relay that holds every event while the pause file exists.
pub fn install(events: Receiver<Event>) -> Result<Receiver<Event>> {
    let Some(file) = std::env::var_os(VAR).map(PathBuf::from) else {
        return Ok(events);
    };
    warn!(file = %file.display(), "{VAR} is set: events are held while the file exists");
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("feedfold-pause".into())
        .spawn(move || relay(&events, &tx, &file))
        .context("cannot start the pause relay")?;
    Ok(rx)
}

/// Passes events on, waiting before each while `file` exists; ends when either side does.
fn relay(events: &Receiver<Event>, tx: &Sender<Event>, file: &Path) {
    for event in events {
        while file.exists() {
            std::thread::sleep(Duration::from_millis(20));
        }
        if tx.send(event).is_err() {
            break;
        }
    }
}

/// When [`VAR`] is set: waits while its file exists, or until `stop` is set. Without the
/// variable it returns at once.
pub fn before_first_sync(stop: &AtomicBool) {
    let Some(file) = std::env::var_os(VAR).map(PathBuf::from) else {
        return;
    };
    while file.exists() && !stop.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(20));
    }
}
