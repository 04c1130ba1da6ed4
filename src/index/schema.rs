//! The index's SQLite schema and its migrations: an index written by an earlier version is
//! upgraded in place, keeping every identity; one from a newer version is refused.

use anyhow::Result;
use rusqlite::Connection;

use crate::article::date;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS articles (
    rowid INTEGER PRIMARY KEY,
    path TEXT NOT NULL, channel TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    hash BLOB NOT NULL, extract_key BLOB NOT NULL, id TEXT NOT NULL UNIQUE, slug TEXT NOT NULL,
    first_seen INTEGER NOT NULL, changed INTEGER, deleted_at INTEGER,
    tags TEXT NOT NULL, lang TEXT NOT NULL, draft INTEGER NOT NULL,
    published INTEGER NOT NULL, updated INTEGER NOT NULL, version BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS articles_path ON articles(path);
CREATE INDEX IF NOT EXISTS articles_deleted ON articles(deleted_at) WHERE deleted_at IS NOT NULL;
-- Full metadata apart, so that scans read narrow rows.
CREATE TABLE IF NOT EXISTS metas (rowid INTEGER PRIMARY KEY, meta TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rejected (
    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, reason TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS outputs (
    key TEXT PRIMARY KEY, content BLOB NOT NULL, signature BLOB NOT NULL);
-- Article pages, by the article they show (v3).
CREATE TABLE IF NOT EXISTS pages (
    rowid INTEGER PRIMARY KEY, key TEXT NOT NULL, content BLOB NOT NULL, signature BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS pages_key ON pages(key);
-- What the bucket holds, by key, as last uploaded (v4).
CREATE TABLE IF NOT EXISTS uploaded (key TEXT PRIMARY KEY, content BLOB NOT NULL);
";

/// The schema this version writes; older indexes are migrated on open.
pub const SCHEMA_VERSION: i64 = 9;

/// State key: the stamp of the folders holding the published article pages, taken when
/// every page was last found (see `publish::presence`). The index drops it whenever a page
/// or a picture is recorded or forgotten, whoever writes: while it is there, the set of
/// published pages is the one it was taken of, and need not be read to be checked.
pub const PAGES_STAMP: &str = "pages_stamp";

/// v9: a partial covering index of the live articles' paths and file stats, in path order,
/// which a rebuild with nothing changed reads instead of the articles' wide rows (at
/// 1,000,000 articles, 0.1 GB instead of 1.7), and the triggers that drop [`PAGES_STAMP`].
/// An index of v8 or earlier gains both on open (the index built once, a few seconds at
/// that size) and loses the stamp an earlier version took, which no trigger kept.
fn live_stat() -> String {
    let mut sql = String::from(
        // `deleted_at` too, although always NULL there: the index then covers the query.
        "CREATE INDEX IF NOT EXISTS articles_live_stat
             ON articles(path, size, mtime_ns, extract_key, deleted_at) WHERE deleted_at IS NULL;",
    );
    for table in ["pages", "media"] {
        for event in ["INSERT", "UPDATE", "DELETE"] {
            let name = format!("{table}_{}_drop_stamp", event.to_lowercase());
            sql.push_str(&format!(
                "CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} ON {table}
                 BEGIN DELETE FROM state WHERE key = '{PAGES_STAMP}'; END;"
            ));
        }
    }
    sql
}

/// v8: articles know their authors (each has a feed of its own; `\u{1f}`-separated, as
/// `tags`) and their `translation_key`. An index of v7 or earlier has neither: its rows get
/// no authors and no key, and its articles are read again by the next scan (the extractor
/// changed), which fills them in.
const PEOPLE: [(&str, &str); 2] = [
    ("authors", "TEXT NOT NULL DEFAULT ''"),
    ("translation_key", "TEXT"),
];

/// v7: pictures. The picture files each article names (`key` is the published name, `NULL`
/// when the file was missing or refused; `thumb` its thumbnail's), the picture files the last
/// full scan saw (so that a changed one sends the articles that use it to be read again),
/// and the pictures published. An index of v6 or earlier holds none: its articles are read
/// again by the next scan (the extractor changed), which fills them in.
const PICTURES: &str = "
CREATE TABLE IF NOT EXISTS media_refs (
    rowid INTEGER NOT NULL, path TEXT NOT NULL, key TEXT, thumb TEXT);
CREATE INDEX IF NOT EXISTS media_refs_rowid ON media_refs(rowid);
CREATE TABLE IF NOT EXISTS media_files (
    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS media (key TEXT PRIMARY KEY, content BLOB NOT NULL);
";

/// v6: articles know when they expire and when they were retracted (both `NULL` for every
/// article an earlier version indexed: it knew neither key), and the index keeps a bounded
/// history of publishes for `feedfold status`.
const LIFECYCLE: [(&str, &str); 2] = [("expires", "INTEGER"), ("retracted", "INTEGER")];
const HISTORY: &str = "
CREATE TABLE IF NOT EXISTS publishes (
    seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, trigger TEXT NOT NULL,
    duration_ms INTEGER NOT NULL, written INTEGER NOT NULL, removed INTEGER NOT NULL,
    failed INTEGER NOT NULL, changed TEXT NOT NULL);
";

/// Adds the columns of `columns` an index lacks (a new index gets them here too).
fn add_columns(tx: &rusqlite::Transaction, columns: &[(&str, &str)]) -> Result<()> {
    for (column, kind) in columns {
        let present: bool = tx.query_row(
            "SELECT count(*) > 0 FROM pragma_table_info('articles') WHERE name = ?1",
            [column],
            |r| r.get(0),
        )?;
        if !present {
            tx.execute_batch(&format!("ALTER TABLE articles ADD COLUMN {column} {kind};"))?;
        }
    }
    Ok(())
}

/// v5 stores times as microseconds, not milliseconds: `first_seen`, `changed`, `deleted_at`,
/// `published` and `updated` are multiplied by 1,000 (clamped so that no value overflows).
/// Articles whose dates no output can write (years outside 1 to 9999, which earlier versions
/// let in and then crashed on) are tombstoned, so that the next scan reads their files again
/// and rejects them with the reason.
fn to_microseconds() -> String {
    let micros = |column: &str| {
        let most = i64::MAX / 1000;
        format!("{column} = max(min({column}, {most}), -{most}) * 1000")
    };
    let columns = [
        "first_seen",
        "changed",
        "deleted_at",
        "published",
        "updated",
    ]
    .map(micros);
    let (earliest, latest) = (
        date::EARLIEST.timestamp_micros(),
        date::LATEST.timestamp_micros(),
    );
    format!(
        "UPDATE articles SET {};
         UPDATE articles SET deleted_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000000
         WHERE deleted_at IS NULL AND (published NOT BETWEEN {earliest} AND {latest}
             OR updated NOT BETWEEN {earliest} AND {latest});",
        columns.join(", ")
    )
}

/// Brings an index of any earlier schema to [`SCHEMA_VERSION`], keeping every identity.
pub fn migrate(conn: &Connection) -> Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let has_meta_column: bool = conn.query_row(
        "SELECT count(*) > 0 FROM pragma_table_info('articles') WHERE name = 'meta'",
        [],
        |r| r.get(0),
    )?;
    if version > SCHEMA_VERSION {
        anyhow::bail!(
            "the index was written by a newer feedfold (schema {version}); upgrade feedfold"
        );
    }
    if version == SCHEMA_VERSION && !has_meta_column {
        return Ok(());
    }
    // Immediate: take the write lock first, so that a lock held by another process is
    // waited for (busy timeout) instead of failing an upgrade halfway.
    let tx = rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
    tx.execute_batch(SCHEMA)?;
    if has_meta_column {
        // v1 kept the full metadata in `articles.meta`: move it to its own table.
        tx.execute_batch(
            "INSERT OR REPLACE INTO metas (rowid, meta) SELECT rowid, meta FROM articles;
             ALTER TABLE articles DROP COLUMN meta;",
        )?;
    }
    if version < 5 {
        tx.execute_batch(&to_microseconds())?;
    }
    add_columns(&tx, &LIFECYCLE)?;
    tx.execute_batch(HISTORY)?;
    tx.execute_batch(PICTURES)?;
    add_columns(&tx, &PEOPLE)?;
    if version < 9 {
        tx.execute("DELETE FROM state WHERE key = ?1", [PAGES_STAMP])?;
    }
    tx.execute_batch(&live_stat())?;
    tx.execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION};"))?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
#[path = "schema_tests.rs"]
mod tests;
