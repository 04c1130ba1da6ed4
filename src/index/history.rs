//! What the index remembers of its publishes: the lifecycle state of the last one (counts,
//! the next moment something changes, the scheduled articles), which a one-shot `build`
//! and `feedfold status` read, and a bounded history of publishes.

use anyhow::Result;
use chrono::{DateTime, Utc};
use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::store::{Batch, Store};
use crate::lifecycle::Counts;

/// The state key of the last publish's [`Lifecycle`].
pub const LIFECYCLE_STATE: &str = "lifecycle";

/// Most publishes the history keeps.
pub const HISTORY_KEPT: i64 = 1_000;

/// Most changed keys one history row names.
pub const KEYS_KEPT: usize = 50;

/// How the articles showed at the last publish.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Lifecycle {
    /// Articles by how they show.
    pub counts: Counts,
    /// The next moment something changes stage.
    pub next_change: Option<DateTime<Utc>>,
    /// The soonest scheduled articles: (rowid, due moment), at most [`Lifecycle::KEPT`].
    pub scheduled: Vec<(i64, DateTime<Utc>)>,
}

impl Lifecycle {
    /// Most scheduled articles kept in the state.
    pub const KEPT: usize = 100;

    /// The state of the last publish; the default before any.
    pub fn load(store: &Store) -> Result<Lifecycle> {
        let bytes = store.state(LIFECYCLE_STATE)?;
        Ok(bytes
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default())
    }

    /// The state as stored.
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}

/// One publish, as the history keeps it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublishLog {
    /// When it ran (the moment it published for).
    pub at: DateTime<Utc>,
    /// How long it took, in milliseconds.
    pub duration_ms: u64,
    /// Files written (feeds, listings, pages).
    pub written: usize,
    /// Files removed.
    pub removed: usize,
    /// Feeds that failed their check (the last good version stayed).
    pub failed: usize,
    /// The first keys written or removed.
    pub changed: Vec<String>,
}

impl Batch<'_> {
    /// The publication date an article was last indexed with, if it was public (not a
    /// draft) then.
    pub fn published(&self, rowid: i64) -> Result<Option<DateTime<Utc>>> {
        use rusqlite::OptionalExtension;
        let micros: Option<i64> = self
            .tx
            .prepare_cached("SELECT published FROM articles WHERE rowid = ?1 AND draft = 0")?
            .query_row([rowid], |r| r.get(0))
            .optional()?;
        Ok(micros.map(crate::article::date::from_micros))
    }

    /// Adds a publish to the history, forgetting the oldest beyond [`HISTORY_KEPT`].
    pub fn log_publish(&self, log: &PublishLog) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO publishes (at, trigger, duration_ms, written, removed, failed, changed)
                 VALUES (?1, '', ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                log.at.timestamp_micros(),
                log.duration_ms as i64,
                log.written as i64,
                log.removed as i64,
                log.failed as i64,
                log.changed.join("\n"),
            ])?;
        self.tx.execute(
            "DELETE FROM publishes WHERE seq <= (SELECT max(seq) FROM publishes) - ?1",
            [HISTORY_KEPT],
        )?;
        Ok(())
    }
}

impl Store {
    /// The last `limit` publishes, newest first.
    pub fn history(&self, limit: usize) -> Result<Vec<PublishLog>> {
        let mut stmt = self.conn.prepare(
            "SELECT at, duration_ms, written, removed, failed, changed FROM publishes
             ORDER BY seq DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
            let changed: String = r.get(5)?;
            Ok(PublishLog {
                at: crate::article::date::from_micros(r.get(0)?),
                duration_ms: r.get::<_, i64>(1)?.max(0) as u64,
                written: r.get::<_, i64>(2)?.max(0) as usize,
                removed: r.get::<_, i64>(3)?.max(0) as usize,
                failed: r.get::<_, i64>(4)?.max(0) as usize,
                changed: changed.lines().map(String::from).collect(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
