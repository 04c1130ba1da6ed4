//! The queries behind [`super::read`]: each fact read from one read-only connection,
//! within the caller's read transaction.

use std::path::Path;

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension};

use super::{BUSY_TIMEOUT, BucketState, Listed, RejectedFile, Retracted, Scheduled};
use crate::article::{Meta, date::from_micros};
use crate::index::SCHEMA_VERSION;
use crate::index::history::{LIFECYCLE_STATE, Lifecycle, PublishLog};

/// Opens the index read-only: it is never created, migrated or written.
pub(super) fn open(path: &Path) -> Result<Connection> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            bail!("there is no index yet: run `feedfold build` first")
        }
        other => other.with_context(|| format!("cannot stat {}", path.display()))?,
    };
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).context("cannot open it read-only")?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "query_only", true)?;
    Ok(conn)
}

/// Refuses an index of another schema: status reads, it does not upgrade.
pub(super) fn check_schema(conn: &Connection) -> Result<()> {
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .context("it is not a readable SQLite database")?;
    if version < SCHEMA_VERSION {
        bail!(
            "it was written by an older feedfold (schema {version}, this one reads \
             {SCHEMA_VERSION}): run feedfold build once to upgrade the index"
        );
    }
    if version > SCHEMA_VERSION {
        bail!("it was written by a newer feedfold (schema {version}): upgrade feedfold");
    }
    Ok(())
}

/// The lifecycle state of the last publish; the default before any.
pub(super) fn lifecycle(conn: &Connection) -> Result<Lifecycle> {
    let bytes: Option<Vec<u8>> = conn
        .query_row(
            "SELECT value FROM state WHERE key = ?1",
            [LIFECYCLE_STATE],
            |r| r.get(0),
        )
        .optional()?;
    match bytes {
        Some(bytes) => serde_json::from_slice(&bytes).context("corrupt lifecycle state in index"),
        None => Ok(Lifecycle::default()),
    }
}

/// The title in an article's stored metadata (empty when it has none).
fn title_of(meta: Option<String>) -> Result<String> {
    let Some(json) = meta else {
        return Ok(String::new());
    };
    let meta: Meta = serde_json::from_str(&json).context("corrupt metadata in index")?;
    Ok(meta.title)
}

/// Articles matching `clause` (over `articles a`), with their path, title and the
/// `retracted` column.
pub(super) fn listed(conn: &Connection, clause: &str) -> Result<Vec<(Listed, Option<i64>)>> {
    let sql = format!(
        "SELECT a.path, m.meta, a.retracted FROM articles a
         LEFT JOIN metas m ON m.rowid = a.rowid WHERE {clause}"
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let listed = Listed {
            path: r.get(0)?,
            title: title_of(r.get(1)?)?,
        };
        out.push((listed, r.get(2)?));
    }
    Ok(out)
}

/// The scheduled articles the last publish kept, with their paths and titles; one whose
/// row is gone since is left out.
pub(super) fn scheduled(
    conn: &Connection,
    kept: &[(i64, DateTime<Utc>)],
) -> Result<Vec<Scheduled>> {
    let mut stmt = conn.prepare(
        "SELECT a.path, m.meta FROM articles a LEFT JOIN metas m ON m.rowid = a.rowid
         WHERE a.rowid = ?1",
    )?;
    let mut out = Vec::new();
    for &(rowid, due) in kept {
        let row = stmt
            .query_row([rowid], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        if let Some((path, meta)) = row {
            let title = title_of(meta)?;
            out.push(Scheduled { path, title, due });
        }
    }
    Ok(out)
}

/// Retracted articles still indexed, latest retraction first: as the lifecycle counts
/// them (not drafts; retracted once public, and by now).
pub(super) fn retracted(conn: &Connection) -> Result<Vec<Retracted>> {
    let rows = listed(
        conn,
        "a.retracted IS NOT NULL AND a.deleted_at IS NULL AND a.draft = 0
         AND a.retracted >= a.published
         AND a.retracted <= CAST(strftime('%s', 'now') AS INTEGER) * 1000000
         ORDER BY a.retracted DESC, a.path",
    )?;
    Ok(rows
        .into_iter()
        .map(|(l, at)| Retracted {
            path: l.path,
            title: l.title,
            at: from_micros(at.unwrap_or_default()),
        })
        .collect())
}

/// Files rejected at their last reading, by path.
pub(super) fn rejected(conn: &Connection) -> Result<Vec<RejectedFile>> {
    let mut stmt = conn.prepare("SELECT path, reason FROM rejected ORDER BY path")?;
    let rows = stmt.query_map([], |r| {
        Ok(RejectedFile {
            path: r.get(0)?,
            reason: r.get(1)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The last `limit` publishes, newest first (as [`crate::index::Store::history`]).
pub(super) fn history(conn: &Connection, limit: usize) -> Result<Vec<PublishLog>> {
    let mut stmt = conn.prepare(
        "SELECT at, duration_ms, written, removed, failed, changed FROM publishes
         ORDER BY seq DESC LIMIT ?1",
    )?;
    let count = |r: &rusqlite::Row, i| r.get::<_, i64>(i).map(|n| n.max(0) as u64);
    let rows = stmt.query_map([limit as i64], |r| {
        let changed: String = r.get(5)?;
        Ok(PublishLog {
            at: from_micros(r.get(0)?),
            duration_ms: count(r, 1)?,
            written: count(r, 2)? as usize,
            removed: count(r, 3)? as usize,
            failed: count(r, 4)? as usize,
            changed: changed.lines().map(String::from).collect(),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What the bucket lags behind the index: published files (outputs and article pages)
/// whose content hash differs from, or is missing in, the record of uploads, and uploads
/// no longer published (the mirror's own rule, [`crate::mirror::converge`]).
pub(super) fn bucket(conn: &Connection, name: &str, prefix: &str) -> Result<BucketState> {
    let counts = conn.query_row(
        "WITH desired(key, content) AS (
             SELECT key, content FROM outputs UNION ALL SELECT key, content FROM pages)
         SELECT (SELECT count(*) FROM desired), (SELECT count(*) FROM uploaded),
             (SELECT count(*) FROM desired d LEFT JOIN uploaded u ON u.key = d.key
                 WHERE u.content IS NOT d.content),
             (SELECT count(*) FROM uploaded WHERE key NOT IN (SELECT key FROM desired))",
        [],
        |r| {
            let n = |i| r.get::<_, i64>(i).map(|n| n.max(0) as u64);
            Ok((n(0)?, n(1)?, n(2)?, n(3)?))
        },
    )?;
    let (objects, uploaded, pending, to_delete) = counts;
    Ok(BucketState {
        bucket: name.to_string(),
        prefix: prefix.to_string(),
        objects,
        uploaded,
        pending,
        to_delete,
        last_error: None,
    })
}
