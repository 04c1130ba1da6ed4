//! Applies one file's analysis to the catalog and the index: the identity decisions
//! (same article, moved article, restored article, new article) live here.

use std::collections::HashMap;

use anyhow::Result;
use chrono::{DateTime, Utc};

use super::analyze::{Analysis, ChannelContext};
use super::catalog::Catalog;
use super::scan::ScanReport;
use super::store::{Batch, Rejected};
use crate::article::Meta;
use crate::identity::{self, FileStat, Hash, Record};

/// Applies analyses, in file order, within one index batch.
pub struct Applier<'a, 'b> {
    catalog: &'a mut Catalog,
    batch: &'a Batch<'b>,
    contexts: &'a HashMap<String, ChannelContext>,
    now: DateTime<Utc>,
}

impl<'a, 'b> Applier<'a, 'b> {
    pub fn new(
        catalog: &'a mut Catalog,
        batch: &'a Batch<'b>,
        contexts: &'a HashMap<String, ChannelContext>,
        now: DateTime<Utc>,
    ) -> Self {
        Applier {
            catalog,
            batch,
            contexts,
            now,
        }
    }

    pub fn apply(
        &mut self,
        file: &FileStat,
        analysis: Analysis,
        report: &mut ScanReport,
    ) -> Result<()> {
        match analysis {
            Analysis::Same => {
                if let Some(record) = self.catalog.live_at(&file.path) {
                    self.batch.touch(record.rowid, file.size, file.mtime_ns)?;
                    self.catalog.restat(&file.path, file.size, file.mtime_ns);
                }
                // A file that broke in an edit and was put back as it was: no longer
                // rejected.
                if self.catalog.rejected.remove(&file.path).is_some() {
                    self.batch.clear_rejected(&file.path)?;
                }
                report.unchanged += 1;
            }
            Analysis::Rejected(reason) => {
                let rejected = Rejected {
                    size: file.size,
                    mtime_ns: file.mtime_ns,
                    reason,
                };
                self.batch.set_rejected(&file.path, &rejected)?;
                report
                    .rejected
                    .push((file.path.clone(), rejected.reason.clone()));
                self.catalog.rejected.insert(file.path.clone(), rejected);
            }
            Analysis::Parsed {
                hash,
                mut meta,
                warnings,
                refs,
            } => {
                self.keep_public(file, &mut meta, report)?;
                if self.catalog.rejected.remove(&file.path).is_some() {
                    self.batch.clear_rejected(&file.path)?;
                }
                report
                    .warnings
                    .extend(warnings.into_iter().map(|w| (file.path.clone(), w)));
                let key = self
                    .contexts
                    .get(&*file.channel)
                    .map(|c| c.key)
                    .unwrap_or_default();
                let mut record = self.identify(file, hash, key, &meta, report);
                let mut entry = identity::entry(&record, &meta, &mut self.catalog.interner);
                record.rowid = self.batch.put_article(&record, &meta, &entry)?;
                self.batch.set_media_refs(record.rowid, &refs)?;
                entry.rowid = record.rowid;
                self.catalog.put(record, Some(entry));
            }
        }
        Ok(())
    }

    /// A published article whose date an edit moves ahead keeps the date it was published
    /// with, reported: a story readers have must not vanish until a later moment.
    fn keep_public(&self, file: &FileStat, meta: &mut Meta, report: &mut ScanReport) -> Result<()> {
        let Some(ahead) = meta.date.filter(|d| *d > self.now) else {
            return Ok(());
        };
        let Some(old) = self.catalog.live_at(&file.path) else {
            return Ok(());
        };
        if let Some(published) = self.batch.published(old.rowid)?.filter(|p| *p <= self.now) {
            meta.date = Some(published);
            let warning = format!(
                "date {} is ahead, but the article is already published: it keeps its date \
                 (to schedule it again, give it a new file)",
                ahead.to_rfc3339()
            );
            report.warnings.push((file.path.clone(), warning));
        }
        Ok(())
    }

    /// The record a new reading belongs to: its own, a moved or restored one, or a new one.
    fn identify(
        &mut self,
        file: &FileStat,
        hash: Hash,
        key: Hash,
        meta: &Meta,
        report: &mut ScanReport,
    ) -> Record {
        let base = Record {
            rowid: 0,
            path: file.path.clone(),
            channel: file.channel.to_string(),
            size: file.size,
            mtime_ns: file.mtime_ns,
            hash,
            extract_key: key,
            id: String::new(),
            slug: String::new(),
            first_seen: identity::first_seen(file.mtime_ns, self.now),
            changed: None,
            deleted_at: None,
            draft: meta.draft,
            retracted_at: identity::retracted_at(meta, None, self.now),
        };
        if let Some(old) = self.catalog.live_at(&file.path).cloned() {
            return self.edited(old, base, meta, report);
        }
        if let Some(old) = self.catalog.take_reusable(&hash) {
            report.moved += 1;
            return self.moved(old, base, meta);
        }
        report.added += 1;
        self.minted(base, meta, report)
    }

    /// The same file read again: its identity stays; a corrected title keeps the slug.
    fn edited(
        &mut self,
        old: Record,
        base: Record,
        meta: &Meta,
        report: &mut ScanReport,
    ) -> Record {
        let catalog = &mut *self.catalog;
        let same = old.hash == base.hash;
        report.changed += usize::from(!same);
        report.unchanged += usize::from(same);
        let slug = identity::next_slug(&old.slug, meta, |s| catalog.is_slug_taken(&old.channel, s));
        catalog.claim_slug(&old.channel, &slug);
        let changed = if same { old.changed } else { Some(self.now) };
        self.carried(old, base, slug, changed, meta)
    }

    /// Content seen before at another path (a move, or a restore within the tombstone
    /// period): its id and dates come along; the slug too, within its channel.
    fn moved(&mut self, old: Record, base: Record, meta: &Meta) -> Record {
        let catalog = &mut *self.catalog;
        let slug = if old.channel == base.channel {
            old.slug.clone()
        } else {
            identity::mint_slug(meta, &base.hash, |s| {
                catalog.is_slug_taken(&base.channel, s)
            })
        };
        catalog.claim_slug(&base.channel, &slug);
        // Restored after its deletion: it changed then, after its tombstone.
        let changed = if old.deleted_at.is_some() {
            Some(self.now)
        } else {
            old.changed
        };
        self.carried(old, base, slug, changed, meta)
    }

    /// The record of a new reading that keeps `old`'s identity (row, id, first-seen date,
    /// retraction moment) with `slug` and `changed`.
    fn carried(
        &self,
        old: Record,
        base: Record,
        slug: String,
        changed: Option<DateTime<Utc>>,
        meta: &Meta,
    ) -> Record {
        Record {
            rowid: old.rowid,
            id: old.id,
            slug,
            changed,
            first_seen: old.first_seen,
            retracted_at: identity::retracted_at(meta, old.retracted_at, self.now),
            ..base
        }
    }

    /// A new article: its front-matter id if free, else the id and date readers already
    /// have (recovered from the published feeds), else a minted id.
    fn minted(&mut self, base: Record, meta: &Meta, report: &mut ScanReport) -> Record {
        let catalog = &mut *self.catalog;
        let slug = identity::mint_slug(meta, &base.hash, |s| {
            catalog.is_slug_taken(&base.channel, s)
        });
        catalog.claim_slug(&base.channel, &slug);
        let given = meta.id.clone().filter(|id| !catalog.is_id_taken(id));
        if meta.id.is_some() && given.is_none() {
            let warning = "front matter id is already used by another article; a new id was minted";
            report.warnings.push((base.path.clone(), warning.into()));
        }
        let seen = catalog.recovered.take(&base.channel, &slug, &meta.title);
        let seen = seen.filter(|s| !catalog.is_id_taken(&s.id));
        let recovered = seen.as_ref().and_then(|s| s.published);
        let first_seen = identity::recovered_or(recovered, base.first_seen);
        let id = given
            .or_else(|| seen.map(|s| s.id))
            .unwrap_or_else(|| identity::mint_id(&base.path, &base.hash));
        Record {
            id,
            slug,
            first_seen,
            ..base
        }
    }
}
