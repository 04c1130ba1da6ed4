//! The index's SQLite schema and its migrations: an index written by an earlier version is
//! upgraded in place, keeping every identity; one from a newer version is refused.

use anyhow::Result;
use rusqlite::Connection;

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
const SCHEMA_VERSION: i64 = 4;

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
    let tx = conn.unchecked_transaction()?;
    tx.execute_batch(SCHEMA)?;
    if has_meta_column {
        // v1 kept the full metadata in `articles.meta`: move it to its own table.
        tx.execute_batch(
            "INSERT OR REPLACE INTO metas (rowid, meta) SELECT rowid, meta FROM articles;
             ALTER TABLE articles DROP COLUMN meta;",
        )?;
    }
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
}
