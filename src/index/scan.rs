//! Reconciles the index with the content root: reads only files whose size or mtime
//! changed, re-extracts only when their bytes changed, and keeps ids, slugs and dates
//! across renames, moves and restores.

use anyhow::Result;
use chrono::{DateTime, Duration, Utc};
use std::collections::{BTreeMap, HashMap, HashSet};

use super::analyze::{Analysis, ChannelContext, analyze_each};
use super::model::{self, FileStat, Hash, Record};
use super::store::{Rejected, Store};
use super::walk::{Tree, walk};
use crate::article::Meta;
use crate::config::{ChannelConfig, Config};

/// How long a deleted article's identity is kept for a restore.
pub const TOMBSTONE_DAYS: i64 = 30;

/// What a scan did, for the summary line and the log.
#[derive(Debug, Default)]
pub struct ScanReport {
    pub added: usize,
    pub changed: usize,
    pub moved: usize,
    pub removed: usize,
    pub unchanged: usize,
    /// Files not published, with the reason (path relative to the content root).
    pub rejected: Vec<(String, String)>,
    /// Articles published with a repair or an ignored value.
    pub warnings: Vec<(String, String)>,
    /// Channel settings, by channel name.
    pub channels: BTreeMap<String, ChannelConfig>,
}

impl ScanReport {
    /// True when the index changed in a way feeds could show.
    pub fn changed_anything(&self) -> bool {
        self.added + self.changed + self.moved + self.removed > 0
    }
}

/// Brings the index in line with the files under the content root.
pub fn scan(config: &Config, store: &mut Store, now: DateTime<Utc>) -> Result<ScanReport> {
    let tree = walk(&config.paths.feeds)?;
    let mut report = ScanReport::default();
    let contexts = channel_contexts(config, &tree, &mut report);
    let records = store.records()?;
    let rejected = store.rejected()?;
    let on_disk: HashSet<&str> = tree.files.iter().map(|f| f.path.as_str()).collect();
    let mut state = State::new(&records, &on_disk);

    let mut to_read = Vec::new();
    for file in &tree.files {
        let Some(ctx) = contexts.get(&file.channel) else {
            continue;
        };
        match state.live_at(&file.path) {
            Some(r) if same_stat(r, file) && r.extract_key == ctx.key => report.unchanged += 1,
            _ => match rejected.get(&file.path) {
                Some(rej) if rej.size == file.size && rej.mtime_ns == file.mtime_ns => {
                    report
                        .rejected
                        .push((file.path.clone(), rej.reason.clone()));
                }
                _ => to_read.push(file.clone()),
            },
        }
    }

    tracing::debug!(files = tree.files.len(), to_read = to_read.len(), "walked and compared");
    let known: Vec<Option<Hash>> = to_read
        .iter()
        .map(|f| {
            let key = contexts.get(&f.channel).map(|c| c.key);
            let record = state.live_at(&f.path).filter(|r| Some(r.extract_key) == key);
            record.map(|r| r.hash)
        })
        .collect();
    let batch = store.batch()?;
    let mut applying = std::time::Duration::ZERO;
    analyze_each(&config.paths.feeds, &to_read, &known, &contexts, config, |i, analysis| {
        let started = std::time::Instant::now();
        let result = state.apply(&to_read[i], analysis, &contexts, now, &batch, &mut report);
        applying += started.elapsed();
        result
    })?;
    tracing::debug!(?applying, "index writes");
    for record in state.vanished() {
        batch.tombstone(record.rowid, now)?;
        report.removed += 1;
    }
    for path in rejected.keys().filter(|p| !on_disk.contains(p.as_str())) {
        batch.clear_rejected(path)?;
    }
    batch.purge_tombstones(now - Duration::days(TOMBSTONE_DAYS))?;
    batch.commit()?;
    report.rejected.sort();
    Ok(report)
}

fn same_stat(record: &Record, file: &FileStat) -> bool {
    record.size == file.size && record.mtime_ns == file.mtime_ns
}

fn channel_contexts(
    config: &Config,
    tree: &Tree,
    report: &mut ScanReport,
) -> HashMap<String, ChannelContext> {
    report.rejected.extend(tree.misplaced.iter().cloned());
    let mut contexts = HashMap::new();
    for (name, toml) in &tree.channels {
        let text = toml
            .as_deref()
            .map(String::from_utf8_lossy)
            .unwrap_or_default();
        let channel = ChannelConfig::parse(&text).unwrap_or_else(|e| {
            report
                .rejected
                .push((format!("{name}/channel.toml"), e.to_string()));
            ChannelConfig::default()
        });
        contexts.insert(
            name.clone(),
            ChannelContext::new(config, name, &channel, &text),
        );
        report.channels.insert(name.clone(), channel);
    }
    contexts
}

/// The scan's working view of the index: live records by path and reusable identities.
struct State<'a> {
    live: HashMap<&'a str, &'a Record>,
    /// Records whose file is gone (live but not on disk, or tombstoned), by content hash.
    reusable: HashMap<Hash, Vec<&'a Record>>,
    reused: HashSet<i64>,
    taken: HashSet<(String, String)>,
    ids: HashSet<String>,
}

impl<'a> State<'a> {
    fn new(records: &'a [Record], on_disk: &HashSet<&str>) -> State<'a> {
        let mut state = State {
            live: HashMap::new(),
            reusable: HashMap::new(),
            reused: HashSet::new(),
            taken: records
                .iter()
                .map(|r| (r.channel.clone(), r.slug.clone()))
                .collect(),
            ids: records.iter().map(|r| r.id.clone()).collect(),
        };
        for r in records {
            if r.deleted_at.is_none() && on_disk.contains(r.path.as_str()) {
                state.live.insert(r.path.as_str(), r);
            } else {
                state.reusable.entry(r.hash).or_default().push(r);
            }
        }
        state
    }

    fn live_at(&self, path: &str) -> Option<&'a Record> {
        self.live.get(path).copied()
    }

    /// Live records whose file disappeared and whose identity nothing took over.
    fn vanished(&self) -> impl Iterator<Item = &'a Record> + '_ {
        self.reusable
            .values()
            .flatten()
            .filter(|r| r.deleted_at.is_none() && !self.reused.contains(&r.rowid))
            .copied()
    }

    fn apply(
        &mut self,
        file: &FileStat,
        analysis: Analysis,
        contexts: &HashMap<String, ChannelContext>,
        now: DateTime<Utc>,
        batch: &super::store::Batch,
        report: &mut ScanReport,
    ) -> Result<()> {
        let key = contexts
            .get(&file.channel)
            .map(|c| c.key)
            .unwrap_or_default();
        match analysis {
            Analysis::Same => {
                let record = self
                    .live_at(&file.path)
                    .map(|r| r.rowid)
                    .unwrap_or_default();
                batch.touch(record, file.size, file.mtime_ns)?;
                report.unchanged += 1;
            }
            Analysis::Rejected(reason) => {
                let rejected = Rejected {
                    size: file.size,
                    mtime_ns: file.mtime_ns,
                    reason,
                };
                batch.set_rejected(&file.path, &rejected)?;
                report.rejected.push((file.path.clone(), rejected.reason));
            }
            Analysis::Parsed {
                hash,
                meta,
                warnings,
            } => {
                let meta = *meta;
                batch.clear_rejected(&file.path)?;
                report
                    .warnings
                    .extend(warnings.into_iter().map(|w| (file.path.clone(), w)));
                let record = self.identify(file, hash, key, &meta, now, report);
                let entry = model::entry(&record, &meta);
                batch.put_article(&record, &meta, &entry)?;
            }
        }
        Ok(())
    }

    /// The record an article's new reading belongs to: its own, a moved or restored one,
    /// or a new identity.
    fn identify(
        &mut self,
        file: &FileStat,
        hash: Hash,
        key: Hash,
        meta: &Meta,
        now: DateTime<Utc>,
        report: &mut ScanReport,
    ) -> Record {
        let base = Record {
            rowid: 0,
            path: file.path.clone(),
            channel: file.channel.clone(),
            size: file.size,
            mtime_ns: file.mtime_ns,
            hash,
            extract_key: key,
            id: String::new(),
            slug: String::new(),
            first_seen: model::first_seen(file.mtime_ns, now),
            changed: None,
            deleted_at: None,
        };
        if let Some(old) = self.live_at(&file.path) {
            let changed = if old.hash == hash {
                old.changed
            } else {
                Some(now)
            };
            report.changed += usize::from(old.hash != hash);
            report.unchanged += usize::from(old.hash == hash);
            let slug = self.reslug(&old.channel, &old.slug, meta);
            return Record {
                rowid: old.rowid,
                id: old.id.clone(),
                slug,
                changed,
                first_seen: old.first_seen,
                ..base
            };
        }
        if let Some(old) = self.take_reusable(&hash) {
            report.moved += 1;
            let slug = if old.channel == file.channel {
                old.slug.clone()
            } else {
                self.claim(
                    &file.channel,
                    model::mint_slug(meta, &hash, |s| self.is_taken(&file.channel, s)),
                )
            };
            return Record {
                rowid: old.rowid,
                id: old.id.clone(),
                slug,
                changed: old.changed,
                first_seen: old.first_seen,
                ..base
            };
        }
        report.added += 1;
        let slug = model::mint_slug(meta, &hash, |s| self.is_taken(&file.channel, s));
        let slug = self.claim(&file.channel, slug);
        let given = meta.id.clone().filter(|id| !self.ids.contains(id));
        if meta.id.is_some() && given.is_none() {
            report.warnings.push((
                file.path.clone(),
                "front matter id is already used by another article; a new id was minted".into(),
            ));
        }
        let id = given.unwrap_or_else(|| model::mint_id(&file.path, &hash));
        self.ids.insert(id.clone());
        Record { id, slug, ..base }
    }

    fn reslug(&mut self, channel: &str, old: &str, meta: &Meta) -> String {
        let slug = model::next_slug(old, meta, |s| self.is_taken(channel, s));
        if slug != old {
            self.claim(channel, slug.clone());
        }
        slug
    }

    fn take_reusable(&mut self, hash: &Hash) -> Option<&'a Record> {
        let candidates = self.reusable.get_mut(hash)?;
        let pos = candidates
            .iter()
            .position(|r| !self.reused.contains(&r.rowid))?;
        let record = candidates[pos];
        self.reused.insert(record.rowid);
        Some(record)
    }

    fn is_taken(&self, channel: &str, slug: &str) -> bool {
        self.taken
            .contains(&(channel.to_string(), slug.to_string()))
    }

    fn claim(&mut self, channel: &str, slug: String) -> String {
        self.taken.insert((channel.to_string(), slug.clone()));
        slug
    }
}

/// Reads and extracts every article without touching the index: the `check` command.
pub fn check(config: &Config) -> Result<ScanReport> {
    let tree = walk(&config.paths.feeds)?;
    let mut report = ScanReport::default();
    let contexts = channel_contexts(config, &tree, &mut report);
    let known = vec![None; tree.files.len()];
    let root = &config.paths.feeds;
    analyze_each(root, &tree.files, &known, &contexts, config, |i, analysis| {
        let path = &tree.files[i].path;
        match analysis {
            Analysis::Rejected(reason) => report.rejected.push((path.clone(), reason)),
            Analysis::Parsed { warnings, .. } => {
                report.added += 1;
                report.warnings.extend(warnings.into_iter().map(|w| (path.clone(), w)));
            }
            Analysis::Same => report.unchanged += 1,
        }
        Ok(())
    })?;
    report.rejected.sort();
    Ok(report)
}
