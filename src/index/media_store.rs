//! What the index remembers of pictures: the files each article names, the picture files
//! the last full scan saw, and the pictures published (see the v7 schema).

use std::collections::HashMap;

use anyhow::Result;
use rusqlite::params;

use super::pictures::Ref;
use super::store::{Batch, Store, hash_of};
use crate::identity::{FileStat, Hash};

/// One published picture an article uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaUse {
    /// The article's rowid.
    pub rowid: i64,
    /// The picture file, under the content root.
    pub path: String,
    /// Its published key.
    pub key: String,
    /// Its thumbnail's key, if it has one.
    pub thumb: Option<String>,
}

impl Store {
    /// Every published picture of every live article.
    pub fn media_uses(&self) -> Result<Vec<MediaUse>> {
        let mut stmt = self.conn.prepare(
            "SELECT m.rowid, m.path, m.key, m.thumb FROM media_refs m
             JOIN articles a ON a.rowid = m.rowid
             WHERE a.deleted_at IS NULL AND m.key IS NOT NULL",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(MediaUse {
                rowid: r.get(0)?,
                path: r.get(1)?,
                key: r.get(2)?,
                thumb: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// `(article path, picture file)` for every picture file a live article names.
    pub fn media_refs(&self) -> Result<Vec<(String, String)>> {
        let mut stmt = self.conn.prepare(
            "SELECT a.path, m.path FROM media_refs m JOIN articles a ON a.rowid = m.rowid
             WHERE a.deleted_at IS NULL",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The picture files the last full scan saw: size and mtime by path.
    pub fn media_files(&self) -> Result<HashMap<String, (u64, i64)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT path, size, mtime_ns FROM media_files")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get(0)?, (r.get::<_, i64>(1)? as u64, r.get(2)?)))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The published pictures, by key, with their content hash.
    pub fn media(&self) -> Result<HashMap<String, Hash>> {
        let mut stmt = self.conn.prepare("SELECT key, content FROM media")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, hash_of(r.get(1)?))))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl Batch<'_> {
    /// Records the picture files the article at `rowid` names, replacing what it named.
    pub fn set_media_refs(&self, rowid: i64, refs: &[Ref]) -> Result<()> {
        self.tx
            .prepare_cached("DELETE FROM media_refs WHERE rowid = ?1")?
            .execute([rowid])?;
        for r in refs {
            self.tx
                .prepare_cached("INSERT INTO media_refs VALUES (?1, ?2, ?3, ?4)")?
                .execute(params![rowid, r.path, r.key, r.thumb])?;
        }
        Ok(())
    }

    /// Records the picture files a full scan saw, replacing what the last one saw.
    pub fn set_media_files(&self, files: &[FileStat]) -> Result<()> {
        self.tx.execute("DELETE FROM media_files", [])?;
        for f in files {
            self.tx
                .prepare_cached("INSERT OR REPLACE INTO media_files VALUES (?1, ?2, ?3)")?
                .execute(params![f.path, f.size as i64, f.mtime_ns])?;
        }
        Ok(())
    }

    /// Records a picture published at `key`.
    pub fn set_media(&self, key: &str, content: &Hash) -> Result<()> {
        self.tx
            .prepare_cached("INSERT OR REPLACE INTO media VALUES (?1, ?2)")?
            .execute(params![key, &content[..]])?;
        Ok(())
    }

    /// Forgets the picture at `key` (removed from the publish folder).
    pub fn remove_media(&self, key: &str) -> Result<()> {
        self.tx
            .prepare_cached("DELETE FROM media WHERE key = ?1")?
            .execute([key])?;
        Ok(())
    }
}
