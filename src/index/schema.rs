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
pub const SCHEMA_VERSION: i64 = 8;

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
    tx.execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION};"))?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_one_index_is_migrated_keeping_ids_and_metadata() {
        let dir = tempfile::tempdir().unwrap();
        let conn = Connection::open(dir.path().join("index.sqlite")).unwrap();
        conn.execute_batch(
            "CREATE TABLE articles (rowid INTEGER PRIMARY KEY, path TEXT NOT NULL,
                channel TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
                hash BLOB NOT NULL, extract_key BLOB NOT NULL, id TEXT NOT NULL UNIQUE,
                slug TEXT NOT NULL, first_seen INTEGER NOT NULL, changed INTEGER,
                deleted_at INTEGER, meta TEXT NOT NULL, tags TEXT NOT NULL, lang TEXT NOT NULL,
                draft INTEGER NOT NULL, published INTEGER NOT NULL, updated INTEGER NOT NULL,
                version BLOB NOT NULL);
             INSERT INTO articles VALUES (7, 'news/a.md', 'news', 1, 1, x'00', x'00',
                'urn:uuid:kept', 'a', 0, NULL, NULL, '{\"title\":\"A\"}', '', 'en', 0, 0, 0, x'00');
             PRAGMA user_version = 1;",
        )
        .unwrap();
        migrate(&conn).unwrap();
        let id: String = conn
            .query_row("SELECT id FROM articles", [], |r| r.get(0))
            .unwrap();
        assert_eq!(id, "urn:uuid:kept");
        let meta: String = conn
            .query_row("SELECT meta FROM metas WHERE rowid = 7", [], |r| r.get(0))
            .unwrap();
        assert_eq!(meta, "{\"title\":\"A\"}");
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
    }

    #[test]
    fn a_version_five_index_gains_the_lifecycle_columns_and_keeps_every_article() {
        let dir = tempfile::tempdir().unwrap();
        let conn = Connection::open(dir.path().join("index.sqlite")).unwrap();
        conn.execute_batch(&format!(
            "{SCHEMA}
             INSERT INTO articles VALUES (3, 'news/a.md', 'news', 1, 1, x'00', x'00', 'urn:a',
                'a', 1700000000123456, NULL, NULL, 't', 'ar', 0, 1700000000123456,
                1700000000123456, x'00');
             INSERT INTO metas VALUES (3, '{{\"title\":\"A\"}}');
             PRAGMA user_version = 5;"
        ))
        .unwrap();
        drop(conn);
        let store = super::super::store::Store::open(dir.path()).unwrap();
        let records = store.records().unwrap();
        assert_eq!(
            (records[0].id.as_str(), records[0].retracted_at),
            ("urn:a", None)
        );
        let entries = store
            .entries(&mut crate::identity::Interner::default())
            .unwrap();
        assert_eq!(
            entries[0].published.timestamp_micros(),
            1_700_000_000_123_456
        );
        assert_eq!((entries[0].expires, entries[0].retracted), (None, None));
        assert_eq!(store.history(10).unwrap().len(), 0);
    }

    #[test]
    fn a_version_six_index_gains_the_picture_tables_and_keeps_every_article() {
        let dir = tempfile::tempdir().unwrap();
        let conn = Connection::open(dir.path().join("index.sqlite")).unwrap();
        conn.execute_batch(&format!(
            "{SCHEMA} {HISTORY}
             ALTER TABLE articles ADD COLUMN expires INTEGER;
             ALTER TABLE articles ADD COLUMN retracted INTEGER;
             INSERT INTO articles VALUES (4, 'news/a.md', 'news', 1, 1, x'00', x'00', 'urn:six',
                'a', 1700000000000000, NULL, NULL, '', 'ar', 0, 1700000000000000,
                1700000000000000, x'00', NULL, NULL);
             INSERT INTO metas VALUES (4, '{{\"title\":\"A\"}}');
             INSERT INTO pages VALUES (4, 'news/a/index.html', x'01', x'02');
             PRAGMA user_version = 6;"
        ))
        .unwrap();
        drop(conn);
        let store = super::super::store::Store::open(dir.path()).unwrap();
        assert_eq!(store.records().unwrap()[0].id, "urn:six");
        assert!(store.media().unwrap().is_empty());
        assert!(store.media_files().unwrap().is_empty());
        assert_eq!(store.page_keys().unwrap().len(), 1);
        let version: i64 = store
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
    }

    #[test]
    fn a_version_seven_index_gains_the_author_and_translation_columns_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let conn = Connection::open(dir.path().join("index.sqlite")).unwrap();
        conn.execute_batch(&format!(
            "{SCHEMA} {HISTORY} {PICTURES}
             ALTER TABLE articles ADD COLUMN expires INTEGER;
             ALTER TABLE articles ADD COLUMN retracted INTEGER;
             INSERT INTO articles VALUES (5, 'news/a.md', 'news', 1, 1, x'00', x'00',
                'urn:seven', 'a', 1700000000000000, NULL, NULL, 'x', 'ar', 0,
                1700000000000000, 1700000000000000, x'00', NULL, NULL);
             INSERT INTO metas VALUES (5, '{{\"title\":\"A\"}}');
             INSERT INTO pages VALUES (5, 'news/a/index.html', x'01', x'02');
             INSERT INTO media VALUES ('_/media/p.jpg', x'03');
             PRAGMA user_version = 7;"
        ))
        .unwrap();
        drop(conn);
        let store = super::super::store::Store::open(dir.path()).unwrap();
        let entries = store
            .entries(&mut crate::identity::Interner::default())
            .unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(&*entries[0].tags, [std::sync::Arc::from("x")]);
        assert!(entries[0].authors.is_empty());
        assert_eq!(entries[0].translation_key, None);
        assert_eq!(store.records().unwrap()[0].id, "urn:seven");
        // The page and the picture published are kept.
        assert_eq!(store.page_keys().unwrap().len(), 2);
        assert_eq!(store.media().unwrap().len(), 1);
        let columns: i64 = store
            .conn
            .query_row(
                "SELECT count(*) FROM pragma_table_info('articles')
                 WHERE name IN ('authors', 'translation_key')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(columns, 2);
        let version: i64 = store
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        // Opening it again changes nothing.
        drop(store);
        super::super::store::Store::open(dir.path()).unwrap();
    }

    /// A version-four index: today's tables, times in milliseconds.
    fn version_four_index(dir: &std::path::Path, rows: &str) {
        let conn = Connection::open(dir.join("index.sqlite")).unwrap();
        conn.execute_batch(&format!("{SCHEMA} {rows} PRAGMA user_version = 4;"))
            .unwrap();
    }

    #[test]
    fn a_version_four_index_keeps_its_dates_to_the_millisecond() {
        let dir = tempfile::tempdir().unwrap();
        version_four_index(
            dir.path(),
            "INSERT INTO articles VALUES (1, 'news/a.md', 'news', 1, 1, x'00', x'00', 'urn:a',
                'a', 1700000000123, 1700000100456, NULL, '', 'en', 0, 1700000000123,
                1700000100456, x'00');
             INSERT INTO articles VALUES (2, 'news/b.md', 'news', 1, 1, x'00', x'00', 'urn:b',
                'b', -5, NULL, 1700000200789, '', 'en', 0, -5, -5, x'00');
             INSERT INTO metas VALUES (1, '{}'), (2, '{}');",
        );
        let store = super::super::store::Store::open(dir.path()).unwrap();
        let at = |millis| chrono::DateTime::from_timestamp_millis(millis).unwrap();
        let records = store.records().unwrap();
        assert_eq!(records[0].first_seen, at(1_700_000_000_123));
        assert_eq!(records[0].changed, Some(at(1_700_000_100_456)));
        assert_eq!(records[0].deleted_at, None);
        assert_eq!(records[1].first_seen, at(-5));
        assert_eq!(records[1].deleted_at, Some(at(1_700_000_200_789)));
        let entries = store
            .entries(&mut crate::identity::Interner::default())
            .unwrap();
        let live: Vec<_> = entries.iter().filter(|e| e.removed.is_none()).collect();
        assert_eq!(live.len(), 1);
        assert_eq!(entries[0].published, at(1_700_000_000_123));
        assert_eq!(entries[0].updated, at(1_700_000_100_456));
    }

    #[test]
    fn articles_an_older_version_dated_out_of_range_are_set_aside_for_rejection() {
        let dir = tempfile::tempdir().unwrap();
        // 0000-12-31T21:00:00Z: `0001-01-01` in Asia/Riyadh, which RSS cannot write.
        version_four_index(
            dir.path(),
            "INSERT INTO articles VALUES (1, 'w/0001-01-01-x.txt', 'w', 1, 1, x'00', x'00',
                'urn:a', 'x', 0, NULL, NULL, '', 'en', 0, -62135607600000, -62135607600000,
                x'00');
             INSERT INTO metas VALUES (1, '{}');",
        );
        let store = super::super::store::Store::open(dir.path()).unwrap();
        assert!(store.records().unwrap()[0].deleted_at.is_some());
        let entries = store
            .entries(&mut crate::identity::Interner::default())
            .unwrap();
        assert!(entries.iter().all(|e| e.removed.is_some()));
    }
}
