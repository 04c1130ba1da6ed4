//! What the daemon's background workers tell the operator, kept where `feedfold status`
//! (another process) can read it: failed WebSub pings and the bucket's last error, in
//! `{state}/daemon.json`, written whole (temp file, then rename) on every change. The index
//! is not the place: those workers run beside the publishing thread that owns it.
//!
//! A process-wide journal: [`open`] once at daemon start; the `record_*` calls are no-ops in
//! a process that did not open one (`build`, tests of a worker alone).

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tracing::debug;

/// The file name in the state folder.
pub const FILE: &str = "daemon.json";

/// Most hub failures kept (the newest).
const KEPT: usize = 20;

/// A WebSub ping that failed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct HubFailure {
    /// The hub.
    pub hub: String,
    /// The feed URL it was told of.
    pub url: String,
    /// Why it failed.
    pub error: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Whether the ping was given up (else it is retried).
    pub given_up: bool,
}

/// The bucket's last failure, while it lasts.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BucketError {
    /// Why the bucket could not be reached or written.
    pub error: String,
    /// Since when.
    pub since: DateTime<Utc>,
}

/// What the journal holds.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entries {
    /// When the daemon that writes it started.
    pub started: Option<DateTime<Utc>>,
    /// The latest failed pings, oldest first.
    pub hub_failures: VecDeque<HubFailure>,
    /// The bucket's error, `None` while it works.
    pub bucket_error: Option<BucketError>,
}

struct Journal {
    path: PathBuf,
    entries: Mutex<Entries>,
}

static JOURNAL: OnceLock<Journal> = OnceLock::new();

/// Starts this process's journal in `state_dir` (a fresh one: what an earlier daemon
/// recorded is replaced).
pub fn open(state_dir: &Path) {
    let journal = Journal {
        path: state_dir.join(FILE),
        entries: Mutex::new(Entries {
            started: Some(Utc::now()),
            ..Entries::default()
        }),
    };
    if JOURNAL.set(journal).is_ok() {
        update(|_| {});
    }
}

/// Reads the journal a daemon keeps in `state_dir`; `None` when there is none.
pub fn read(state_dir: &Path) -> Option<Entries> {
    let bytes = std::fs::read(state_dir.join(FILE)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Records a failed ping.
pub fn record_hub_failure(hub: &str, url: &str, error: &str, given_up: bool) {
    update(|e| {
        e.hub_failures.push_back(HubFailure {
            hub: hub.into(),
            url: url.into(),
            error: error.into(),
            at: Utc::now(),
            given_up,
        });
        while e.hub_failures.len() > KEPT {
            e.hub_failures.pop_front();
        }
    });
}

/// Records the bucket's state: `Some(error)` when it failed, `None` when it works again.
pub fn record_bucket(error: Option<&str>) {
    update(|e| match error {
        Some(error) => {
            let since = e.bucket_error.as_ref().map_or_else(Utc::now, |b| b.since);
            e.bucket_error = Some(BucketError {
                error: error.into(),
                since,
            });
        }
        None => e.bucket_error = None,
    });
}

fn update(change: impl FnOnce(&mut Entries)) {
    let Some(journal) = JOURNAL.get() else { return };
    let Ok(mut entries) = journal.entries.lock() else {
        return;
    };
    let before = entries.clone();
    change(&mut entries);
    if *entries == before && journal.path.exists() {
        return;
    }
    let tmp = journal.path.with_extension("json.tmp");
    let written = serde_json::to_vec_pretty(&*entries)
        .map_err(std::io::Error::other)
        .and_then(|bytes| std::fs::write(&tmp, bytes))
        .and_then(|()| std::fs::rename(&tmp, &journal.path));
    if let Err(e) = written {
        debug!(path = %journal.path.display(), error = %e, "journal not written");
    }
}
