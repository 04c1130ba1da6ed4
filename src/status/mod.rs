//! `feedfold status`: the operator's view, read from the index alone. What is live,
//! scheduled (and when), drafted, retracted or removed; which files were rejected and why;
//! the last publishes; how far the bucket lags behind the index.
//!
//! It only ever reads. The index is opened read-only (never migrated: an index from an
//! older feedfold is reported, not upgraded) and the state lock is not taken, so status
//! runs beside a daemon that is publishing: in SQLite's WAL mode a reader sees the last
//! committed state and neither waits for a writer nor holds one up. Every fact is read in
//! one read transaction, so they agree with each other. [`read`] gathers a [`Status`];
//! [`render`] turns it into lines for people or one JSON object.

mod query;
pub mod render;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::config::Config;
use crate::config_file;
use crate::index::history::PublishLog;
use crate::logging::escape_controls;

/// How long a read waits for a lock (a WAL recovery or checkpoint in another process).
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Publishes read from the history: all of them go into the JSON, the first
/// [`render::TEXT_PUBLISHES`] into the text.
pub const PUBLISHES_READ: usize = 100;

/// Everything `feedfold status` reports; its field names are the JSON keys.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    /// The index file read.
    pub index: String,
    /// When it was read.
    pub read_at: DateTime<Utc>,
    /// Articles by how they show.
    pub articles: Articles,
    /// The next moment an article changes stage (a scheduled one goes live...).
    pub next_change: Option<DateTime<Utc>>,
    /// The soonest scheduled articles, soonest first (at most
    /// [`Lifecycle::KEPT`](crate::index::history::Lifecycle::KEPT)).
    pub scheduled: Vec<Scheduled>,
    /// Drafts, by path.
    pub drafts: Vec<Listed>,
    /// Retracted articles, latest retraction first.
    pub retracted: Vec<Retracted>,
    /// Files rejected at their last reading, by path.
    pub rejected: Vec<RejectedFile>,
    /// Publishes the history holds (the newest [`PUBLISHES_READ`] are in `publishes`).
    pub publishes_recorded: u64,
    /// The last publishes, newest first.
    pub publishes: Vec<PublishLog>,
    /// The bucket as the index records it; `None`: no bucket configured.
    pub bucket: Option<BucketState>,
    /// WebSub hubs.
    pub hubs: Hubs,
}

/// Article counts: `live`, `scheduled`, `retracted` and `removed` as of the last publish
/// (the `lifecycle` state it writes), `drafts` as the index holds them now.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Articles {
    /// In feeds and listings.
    pub live: usize,
    /// Their date is ahead.
    pub scheduled: usize,
    /// Indexed, never published.
    pub drafts: usize,
    /// Retracted, as long as the retraction stands.
    pub retracted: usize,
    /// Deleted or expired, within the tombstone period.
    pub removed: usize,
}

/// A scheduled article.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Scheduled {
    /// Its file, relative to the content root.
    pub path: String,
    /// Its title.
    pub title: String,
    /// When it goes live.
    pub due: DateTime<Utc>,
}

/// An article named by its file and title.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Listed {
    /// Its file, relative to the content root.
    pub path: String,
    /// Its title.
    pub title: String,
}

/// A retracted article.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Retracted {
    /// Its file, relative to the content root.
    pub path: String,
    /// Its title.
    pub title: String,
    /// When the retraction took effect.
    pub at: DateTime<Utc>,
}

/// A file the last scan refused.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RejectedFile {
    /// Its path, relative to the content root.
    pub path: String,
    /// Why.
    pub reason: String,
}

/// The bucket as the index records it (the bucket itself is not asked).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct BucketState {
    /// Bucket name.
    pub bucket: String,
    /// Key prefix in it.
    pub prefix: String,
    /// Published files (outputs and article pages) that belong in the bucket.
    pub objects: u64,
    /// Objects recorded as uploaded.
    pub uploaded: u64,
    /// Published files not uploaded yet, or uploaded with other bytes.
    pub pending: u64,
    /// Objects uploaded whose file is no longer published, waiting to be deleted.
    pub to_delete: u64,
    /// The running daemon's last error from the bucket, while it lasts (its journal).
    pub last_error: Option<crate::journal::BucketError>,
}

/// WebSub hubs and what is known of their pings.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Hubs {
    /// Hubs configured (`websub.hubs`).
    pub configured: usize,
    /// Failed pings the running daemon recorded (its journal, `{state}/daemon.json`), the
    /// newest last; `None`: no daemon journal.
    pub ping_failures: Option<Vec<crate::journal::HubFailure>>,
}

/// Where the index of `config` lives.
pub fn index_path(config: &Config) -> PathBuf {
    config.paths.state.join("index.sqlite")
}

/// `feedfold status [--json]`: prints what the index says, to stdout; exit code 0, or 1
/// with a message on stderr naming the index and the reason when it cannot be read
/// (missing, damaged, or from an older or newer feedfold).
///
/// With `json`, one JSON object with these keys (stable): `index` (path), `read_at`;
/// `articles` {`live`, `scheduled`, `drafts`, `retracted`, `removed`}; `next_change`
/// (time or `null`); `scheduled` [{`path`, `title`, `due`}], soonest first; `drafts`
/// [{`path`, `title`}]; `retracted` [{`path`, `title`, `at`}]; `rejected` [{`path`,
/// `reason`}]; `publishes_recorded`; `publishes` (the last 100, newest first) [{`at`,
/// `duration_ms`, `written`, `removed`, `failed`, `changed` (the first keys)}]; `bucket`
/// (`null` without one) {`bucket`, `prefix`, `objects`, `uploaded`, `pending`,
/// `to_delete`, `last_error` (`null`, or {`error`, `since`})}; `hubs` {`configured`,
/// `ping_failures` (`null` without a daemon journal, else [{`hub`, `url`, `error`, `at`,
/// `given_up`}])}.
/// Times are RFC 3339 in UTC; paths are relative to the content root.
pub fn run(config_path: &Path, json: bool) -> Result<ExitCode> {
    let config = config_file::load(config_path)?;
    let status = match read(&config, Utc::now()) {
        Ok(status) => status,
        Err(e) => {
            let path = index_path(&config);
            let line = format!("error: cannot read the index {}: {e:#}", path.display());
            eprintln!("{}", escape_controls(&line));
            return Ok(ExitCode::from(1));
        }
    };
    if json {
        println!("{}", render::json(&status)?);
    } else {
        print!("{}", render::text(&status));
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads the status of `config`'s index at `now`, writing nothing.
pub fn read(config: &Config, now: DateTime<Utc>) -> Result<Status> {
    let path = index_path(config);
    let conn = query::open(&path)?;
    // One snapshot for every query; dropped (rolled back) at the end, having written nothing.
    let tx = conn.unchecked_transaction()?;
    query::check_schema(&tx)?;
    let lifecycle = query::lifecycle(&tx)?;
    let c = lifecycle.counts;
    let drafts = query::listed(&tx, "a.draft = 1 AND a.deleted_at IS NULL ORDER BY a.path")?;
    let articles = Articles {
        live: c.live,
        scheduled: c.scheduled,
        drafts: drafts.len(),
        retracted: c.retracted,
        removed: c.removed,
    };
    let recorded: i64 = tx.query_row("SELECT count(*) FROM publishes", [], |r| r.get(0))?;
    let journal = crate::journal::read(&config.paths.state);
    let bucket = match config.publish.s3() {
        Some(s3) => Some(BucketState {
            last_error: journal.as_ref().and_then(|j| j.bucket_error.clone()),
            ..query::bucket(&tx, &s3.bucket, &s3.prefix)?
        }),
        None => None,
    };
    Ok(Status {
        index: path.display().to_string(),
        read_at: now,
        articles,
        next_change: lifecycle.next_change,
        scheduled: query::scheduled(&tx, &lifecycle.scheduled)?,
        drafts: drafts.into_iter().map(|(listed, _)| listed).collect(),
        retracted: query::retracted(&tx)?,
        rejected: query::rejected(&tx)?,
        publishes_recorded: recorded.max(0) as u64,
        publishes: query::history(&tx, PUBLISHES_READ)?,
        bucket,
        hubs: Hubs {
            configured: config.websub.hubs.len(),
            ping_failures: journal.map(|j| j.hub_failures.into_iter().collect()),
        },
    })
}
