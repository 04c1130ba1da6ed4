//! The persistent index: one SQLite file in the state folder holding every article's
//! identity, stats and extracted metadata, the files rejected, and what was last published.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::schema::migrate;
use crate::article::Meta;
use crate::identity::{Entry, Hash, Interner, Record};

/// A rejected file as last seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// Its size in bytes when rejected.
    pub size: u64,
    /// Its modification time when rejected, in nanoseconds since the Unix epoch.
    pub mtime_ns: i64,
    /// Why it was rejected.
    pub reason: String,
}

/// What was last published at one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// BLAKE3 hash of the bytes written.
    pub content: Hash,
    /// The signature of the inputs it was rendered from (see [`crate::feed::FeedPlan`]).
    pub signature: Hash,
}

/// How long a statement waits for another process's lock before it fails.
/// The oldest schema a reader opens as it is ([`Store::open_read_only`]): since schema 7,
/// what a read-only store is asked for (the published set: outputs, pages and pictures;
/// the live articles' paths and stats) is where and as this version reads it.
pub const READABLE_SINCE: i64 = 7;

const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// The index failed its integrity check.
#[derive(Debug, thiserror::Error)]
#[error("index integrity check failed: {0}")]
pub struct Corrupt(String);

/// True when `error` says the index file itself is damaged (not locked, not unwritable):
/// only then may it be moved aside and rebuilt.
pub fn is_corrupt(error: &anyhow::Error) -> bool {
    use rusqlite::ErrorCode::{DatabaseCorrupt, NotADatabase};
    error.chain().any(|cause| {
        cause.is::<Corrupt>()
            || cause
                .downcast_ref::<rusqlite::Error>()
                .and_then(rusqlite::Error::sqlite_error_code)
                .is_some_and(|code| matches!(code, DatabaseCorrupt | NotADatabase))
    })
}

/// The index database.
pub struct Store {
    pub(super) conn: Connection,
}

/// Times are stored as microseconds since the epoch (schema 5; milliseconds before).
fn ts(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

/// A stored time, always a valid date (see [`crate::article::date`]) whatever the row holds.
fn from_ts(micros: i64) -> DateTime<Utc> {
    crate::article::date::from_micros(micros)
}

const RECORD_COLUMNS: &str = "rowid, path, channel, size, mtime_ns, hash, extract_key, id, slug, \
    first_seen, changed, deleted_at, draft, retracted";

fn record_from_row(r: &rusqlite::Row) -> rusqlite::Result<Record> {
    Ok(Record {
        rowid: r.get(0)?,
        path: r.get(1)?,
        channel: r.get(2)?,
        size: r.get::<_, i64>(3)? as u64,
        mtime_ns: r.get(4)?,
        hash: hash_of(r.get(5)?),
        extract_key: hash_of(r.get(6)?),
        id: r.get(7)?,
        slug: r.get(8)?,
        first_seen: from_ts(r.get(9)?),
        changed: r.get::<_, Option<i64>>(10)?.map(from_ts),
        deleted_at: r.get::<_, Option<i64>>(11)?.map(from_ts),
        draft: r.get(12)?,
        retracted_at: r.get::<_, Option<i64>>(13)?.map(from_ts),
    })
}

/// A list of names as stored (`\u{1f}`-separated), interned.
fn names(stored: &str, interner: &mut Interner) -> Box<[crate::identity::Sym]> {
    stored
        .split(NAME_SEPARATOR)
        .filter(|t| !t.is_empty())
        .map(|t| interner.intern(t))
        .collect()
}

/// What separates the names of a stored list (tags, authors): no name holds it.
const NAME_SEPARATOR: &str = "\u{1f}";

pub(super) fn hash_of(blob: Vec<u8>) -> Hash {
    hash_of_bytes(&blob)
}

/// [`hash_of`] of a borrowed blob (a row's, read without copying it out first).
pub(super) fn hash_of_bytes(blob: &[u8]) -> Hash {
    let mut h = [0u8; 32];
    let n = blob.len().min(32);
    h[..n].copy_from_slice(&blob[..n]);
    h
}

impl Store {
    /// Opens (creating if needed) the index in `state_dir`.
    pub fn open(state_dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(state_dir)
            .with_context(|| format!("cannot create state folder {}", state_dir.display()))?;
        let path = state_dir.join("index.sqlite");
        let conn = Connection::open(&path)
            .with_context(|| format!("cannot open index {}", path.display()))?;
        // Another process holding a write lock is waited for, never taken for corruption.
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -8000;",
        )?;
        migrate(&conn)
            .with_context(|| format!("index {} is unreadable or corrupt", path.display()))?;
        Ok(Store { conn })
    }

    /// Opens the index in `state_dir` for reading only, without creating or migrating
    /// anything (no lock is needed for that): `None` when there is no index yet, or one of
    /// a schema this version cannot read (a newer one, or one older than
    /// [`READABLE_SINCE`]), which only the process holding the state lock may migrate.
    /// An index of an earlier schema still readable is read as it is: a server started by
    /// an upgraded feedfold answers with the published set while the index is upgraded.
    pub fn open_read_only(state_dir: &Path) -> Result<Option<Store>> {
        Store::open_file_read_only(&state_dir.join("index.sqlite"))
    }

    /// The index file this store reads; `None` for one held in memory.
    pub fn file(&self) -> Option<PathBuf> {
        self.conn
            .path()
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
    }

    /// Opens the index file `path` as [`Store::open_read_only`] does.
    pub fn open_file_read_only(path: &Path) -> Result<Option<Store>> {
        if !path.is_file() {
            return Ok(None);
        }
        let flags =
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)
            .with_context(|| format!("cannot open index {}", path.display()))?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let readable = (READABLE_SINCE..=super::SCHEMA_VERSION).contains(&version);
        Ok(readable.then_some(Store { conn }))
    }

    /// Checks the database's integrity (quickly: structure, not every row).
    pub fn check(&self) -> Result<()> {
        let verdict: String = self
            .conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        if verdict != "ok" {
            return Err(Corrupt(verdict).into());
        }
        Ok(())
    }

    /// Every record, live and tombstoned.
    pub fn records(&self) -> Result<Vec<Record>> {
        let sql = format!("SELECT {RECORD_COLUMNS} FROM articles");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], record_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Non-draft articles, live and removed (within the tombstone period), in the slim
    /// form feed planning uses.
    pub fn entries(&self, interner: &mut Interner) -> Result<Vec<Entry>> {
        self.entries_of(interner, false)
    }

    /// [`Store::entries`], drafts too when `drafts` (a preview's).
    pub fn entries_of(&self, interner: &mut Interner, drafts: bool) -> Result<Vec<Entry>> {
        let mut stmt = self.conn.prepare(
            "SELECT rowid, channel, tags, lang, published, updated, version, expires,
                retracted, deleted_at, slug, authors, translation_key FROM articles
             WHERE draft = 0 OR ?1",
        )?;
        let mut rows = stmt.query([drafts])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let tags: String = r.get(2)?;
            let authors: String = r.get(11)?;
            let key: Option<String> = r.get(12)?;
            out.push(Entry {
                rowid: r.get(0)?,
                channel: interner.intern(&r.get::<_, String>(1)?),
                slug: r.get::<_, String>(10)?.into(),
                tags: names(&tags, interner),
                authors: names(&authors, interner),
                translation_key: key.map(|k| interner.intern(&k)),
                lang: interner.intern(&r.get::<_, String>(3)?),
                published: from_ts(r.get(4)?),
                updated: from_ts(r.get(5)?),
                version: hash_of(r.get(6)?),
                expires: r.get::<_, Option<i64>>(7)?.map(from_ts),
                retracted: r.get::<_, Option<i64>>(8)?.map(from_ts),
                removed: r.get::<_, Option<i64>>(9)?.map(from_ts),
            });
        }
        Ok(out)
    }

    /// The full record and metadata of one article.
    pub fn article(&self, rowid: i64) -> Result<Option<(Record, Meta)>> {
        let meta: Option<String> = self
            .conn
            .prepare_cached("SELECT meta FROM metas WHERE rowid = ?1")?
            .query_row([rowid], |r| r.get(0))
            .optional()?;
        let Some(meta) = meta else { return Ok(None) };
        let meta: Meta = serde_json::from_str(&meta).context("corrupt metadata in index")?;
        let record = self.records_where("rowid = ?1", rowid)?;
        Ok(record.map(|r| (r, meta)))
    }

    fn records_where(&self, clause: &str, value: i64) -> Result<Option<Record>> {
        let sql = format!("SELECT {RECORD_COLUMNS} FROM articles WHERE {clause}");
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row([value], record_from_row)
            .optional()?)
    }

    /// Files rejected at their last reading, by path.
    pub fn rejected(&self) -> Result<HashMap<String, Rejected>> {
        let mut stmt = self
            .conn
            .prepare("SELECT path, size, mtime_ns, reason FROM rejected")?;
        let rows = stmt.query_map([], |r| {
            let rejected = Rejected {
                size: r.get::<_, i64>(1)? as u64,
                mtime_ns: r.get(2)?,
                reason: r.get(3)?,
            };
            Ok((r.get::<_, String>(0)?, rejected))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A value of the index's own state (see [`Batch::set_state`]).
    pub fn state(&self, key: &str) -> Result<Option<Vec<u8>>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM state WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Starts a batch of writes that land together or not at all.
    pub fn batch(&mut self) -> Result<Batch<'_>> {
        Ok(Batch {
            // Immediate: a lock held by another process is waited for, not an error.
            tx: self
                .conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?,
        })
    }
}

/// A set of index writes committed at once.
pub struct Batch<'a> {
    pub(super) tx: Transaction<'a>,
}

impl Batch<'_> {
    /// Inserts or replaces an article; returns its rowid.
    pub fn put_article(&self, record: &Record, meta: &Meta, entry: &Entry) -> Result<i64> {
        let rowid = (record.rowid > 0).then_some(record.rowid);
        self.tx.prepare_cached(
            "INSERT OR REPLACE INTO articles (rowid, path, channel, size, mtime_ns, hash, extract_key,
                id, slug, first_seen, changed, deleted_at, tags, lang, draft, published,
                updated, version, expires, retracted, authors, translation_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                ?18, ?19, ?20, ?21, ?22)",
        )?
        .execute(params![
            rowid, record.path, record.channel, record.size as i64, record.mtime_ns,
            &record.hash[..], &record.extract_key[..], record.id, record.slug,
            ts(record.first_seen), record.changed.map(ts), record.deleted_at.map(ts),
            entry.tags.join(NAME_SEPARATOR), entry.lang, record.draft,
            ts(entry.published), ts(entry.updated), &entry.version[..],
            entry.expires.map(ts), record.retracted_at.map(ts),
            entry.authors.join(NAME_SEPARATOR), entry.translation_key.as_deref(),
        ])?;
        let rowid = self.tx.last_insert_rowid();
        self.tx
            .prepare_cached("INSERT OR REPLACE INTO metas (rowid, meta) VALUES (?1, ?2)")?
            .execute(params![rowid, serde_json::to_string(meta)?])?;
        Ok(rowid)
    }

    /// Records a new size and mtime for an article whose bytes did not change.
    pub fn touch(&self, rowid: i64, size: u64, mtime_ns: i64) -> Result<()> {
        self.tx
            .prepare_cached("UPDATE articles SET size = ?2, mtime_ns = ?3 WHERE rowid = ?1")?
            .execute(params![rowid, size as i64, mtime_ns])?;
        Ok(())
    }

    /// Marks an article deleted; it is kept so that restored content gets its id back.
    pub fn tombstone(&self, rowid: i64, at: DateTime<Utc>) -> Result<()> {
        self.tx
            .prepare_cached("UPDATE articles SET deleted_at = ?2 WHERE rowid = ?1")?
            .execute(params![rowid, ts(at)])?;
        Ok(())
    }

    /// Forgets tombstones older than `before`.
    pub fn purge_tombstones(&self, before: DateTime<Utc>) -> Result<usize> {
        self.tx.execute(
            "DELETE FROM metas WHERE rowid IN (SELECT rowid FROM articles WHERE deleted_at < ?1)",
            [ts(before)],
        )?;
        self.tx.execute(
            "DELETE FROM media_refs WHERE rowid IN (SELECT rowid FROM articles WHERE deleted_at < ?1)",
            [ts(before)],
        )?;
        Ok(self
            .tx
            .execute("DELETE FROM articles WHERE deleted_at < ?1", [ts(before)])?)
    }

    /// Records the rejected file at `path`.
    pub fn set_rejected(&self, path: &str, rejected: &Rejected) -> Result<()> {
        self.tx
            .prepare_cached("INSERT OR REPLACE INTO rejected VALUES (?1, ?2, ?3, ?4)")?
            .execute(params![
                path,
                rejected.size as i64,
                rejected.mtime_ns,
                rejected.reason
            ])?;
        Ok(())
    }

    /// Forgets the rejection of `path` (published now, or gone).
    pub fn clear_rejected(&self, path: &str) -> Result<()> {
        self.tx
            .prepare_cached("DELETE FROM rejected WHERE path = ?1")?
            .execute([path])?;
        Ok(())
    }

    /// Sets a value of the index's own state (such as whether feeds are out of date).
    pub fn set_state(&self, key: &str, value: &[u8]) -> Result<()> {
        self.tx
            .prepare_cached("INSERT OR REPLACE INTO state VALUES (?1, ?2)")?
            .execute(params![key, value])?;
        Ok(())
    }

    /// Makes every write of the batch durable.
    pub fn commit(self) -> Result<()> {
        self.tx.commit().context("cannot write the index")
    }
}
