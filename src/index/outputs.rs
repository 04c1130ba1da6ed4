//! What the index remembers of published files: feeds and other keyed outputs, and the
//! page of each article, with the content hash and signature they were written with.

use std::collections::HashMap;

use anyhow::Result;
use rusqlite::{OptionalExtension, params};

use super::store::{Batch, Output, Store, hash_of};
use crate::identity::Hash;

/// The page published for one article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageOutput {
    /// The page's key in the publish folder.
    pub key: String,
    /// What it was written with.
    pub output: Output,
}

impl Store {
    /// The keys of what was last published, article pages apart.
    pub fn output_keys(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare("SELECT key FROM outputs")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// What was last published, by key (article pages apart).
    pub fn outputs(&self) -> Result<HashMap<String, Output>> {
        let mut stmt = self
            .conn
            .prepare("SELECT key, content, signature FROM outputs")?;
        let rows = stmt.query_map([], |r| {
            let output = Output {
                content: hash_of(r.get(1)?),
                signature: hash_of(r.get(2)?),
            };
            Ok((r.get::<_, String>(0)?, output))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Hands the signature of every published article page, with its article's rowid, to
    /// `each` (streamed: at 100,000 pages no intermediate map is built).
    pub fn page_signatures(&self, mut each: impl FnMut(i64, &Hash, &str)) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare("SELECT rowid, signature, key FROM pages")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            each(r.get(0)?, &hash_of(r.get(1)?), r.get_ref(2)?.as_str()?);
        }
        Ok(())
    }

    /// The page published for an article, if any.
    pub fn page(&self, rowid: i64) -> Result<Option<PageOutput>> {
        Ok(self
            .conn
            .prepare_cached("SELECT key, content, signature FROM pages WHERE rowid = ?1")?
            .query_row([rowid], |r| {
                Ok(PageOutput {
                    key: r.get(0)?,
                    output: Output {
                        content: hash_of(r.get(1)?),
                        signature: hash_of(r.get(2)?),
                    },
                })
            })
            .optional()?)
    }

    /// True when an article other than `rowid` has its page at `key`.
    pub fn page_taken(&self, key: &str, rowid: i64) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM pages WHERE key = ?1 AND rowid != ?2")?
            .query_row(params![key, rowid], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Every published file besides the keyed outputs, with its content hash: each
    /// article's page, and each picture (which, like pages, is served from disk and
    /// mirrored before the feeds).
    pub fn page_keys(&self) -> Result<Vec<(String, Hash)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT key, content FROM pages UNION ALL SELECT key, content FROM media")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, hash_of(r.get(1)?))))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The keys of [`Store::page_keys`] alone.
    pub fn published_page_keys(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT key FROM pages UNION ALL SELECT key FROM media")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl Batch<'_> {
    /// Records what was published at `key`.
    pub fn set_output(&self, key: &str, output: &Output) -> Result<()> {
        self.tx
            .prepare_cached("INSERT OR REPLACE INTO outputs VALUES (?1, ?2, ?3)")?
            .execute(params![key, &output.content[..], &output.signature[..]])?;
        Ok(())
    }

    /// Forgets the output at `key` (its file was removed).
    pub fn remove_output(&self, key: &str) -> Result<()> {
        self.tx
            .prepare_cached("DELETE FROM outputs WHERE key = ?1")?
            .execute([key])?;
        Ok(())
    }

    /// Records the page published for the article `rowid`.
    pub fn set_page(&self, rowid: i64, page: &PageOutput) -> Result<()> {
        let o = &page.output;
        self.tx
            .prepare_cached("INSERT OR REPLACE INTO pages VALUES (?1, ?2, ?3, ?4)")?
            .execute(params![rowid, page.key, &o.content[..], &o.signature[..]])?;
        Ok(())
    }

    /// Forgets the article `rowid`'s page.
    pub fn remove_page(&self, rowid: i64) -> Result<()> {
        self.tx
            .prepare_cached("DELETE FROM pages WHERE rowid = ?1")?
            .execute([rowid])?;
        Ok(())
    }
}

/// What the mirror last uploaded to the bucket, by publish-folder key.
impl Store {
    /// The content hash of every object last uploaded, by publish-folder key.
    pub fn uploaded(&self) -> Result<HashMap<String, Hash>> {
        let mut stmt = self.conn.prepare("SELECT key, content FROM uploaded")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, hash_of(r.get(1)?))))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl Batch<'_> {
    /// Records that the file at `key`, with content hash `content`, was uploaded.
    pub fn set_uploaded(&self, key: &str, content: &Hash) -> Result<()> {
        self.tx
            .prepare_cached("INSERT OR REPLACE INTO uploaded VALUES (?1, ?2)")?
            .execute(params![key, &content[..]])?;
        Ok(())
    }

    /// Forgets the object at `key` (deleted from the bucket).
    pub fn remove_uploaded(&self, key: &str) -> Result<()> {
        self.tx
            .prepare_cached("DELETE FROM uploaded WHERE key = ?1")?
            .execute([key])?;
        Ok(())
    }

    /// Forgets every upload, so that the next sync uploads everything again.
    pub fn clear_uploaded(&self) -> Result<()> {
        self.tx.execute("DELETE FROM uploaded", [])?;
        Ok(())
    }
}
