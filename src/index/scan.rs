//! Reconciles the index with the content root: reads only files whose size or mtime
//! changed, re-extracts only when their bytes changed, and keeps ids, slugs and dates
//! across renames, moves and restores. A full scan walks everything; a path scan looks only
//! where the watcher saw changes.

use std::collections::{BTreeMap, HashMap, HashSet};

use anyhow::Result;
use chrono::{DateTime, Duration, Utc};

use super::analyze::{ChannelContext, analyze_each};
use super::apply::Applier;
use super::catalog::Catalog;
use super::changes::Changes;
use super::store::{Batch, Store};
use super::unchanged;
use super::walk::Tree;
use crate::config::{ChannelConfig, Config};
use crate::identity::{FileStat, Hash, Record};

/// How long a deleted article's identity is kept for a restore.
pub const TOMBSTONE_DAYS: i64 = 30;

/// State key: "1" while the index has changes the published feeds do not show yet.
pub const FEEDS_STALE: &str = "feeds_stale";

/// Fewest removed articles that can count as a mass deletion.
const MASS_DELETE_FLOOR: usize = 3;

/// What a scan did, for the summary line and the log.
#[derive(Debug, Default)]
pub struct ScanReport {
    /// Articles new to the index (ids minted, or recovered after an index loss).
    pub added: usize,
    /// Articles whose bytes changed.
    pub changed: usize,
    /// Articles whose bytes match a vanished or deleted one's: moved, renamed or restored,
    /// their identity kept.
    pub moved: usize,
    /// Articles whose file vanished (tombstoned).
    pub removed: usize,
    /// Articles whose bytes did not change.
    pub unchanged: usize,
    /// Files not published, with the reason (path relative to the content root).
    pub rejected: Vec<(String, String)>,
    /// Articles published with a repair or an ignored value.
    pub warnings: Vec<(String, String)>,
    /// Channel settings, by channel name.
    pub channels: BTreeMap<String, ChannelConfig>,
    /// What extraction needs per channel (kept for path scans).
    pub contexts: HashMap<String, ChannelContext>,
    /// The removals the mass-deletion guard held back: the scan applied what was added and
    /// changed, and kept every vanished article published.
    pub refused: Option<ScanRefused>,
}

impl ScanReport {
    /// True when the index changed in a way feeds could show.
    pub fn changed_anything(&self) -> bool {
        self.added + self.changed + self.moved + self.removed > 0
    }
}

/// Why a scan refused to change anything.
#[derive(Debug, thiserror::Error)]
pub enum ScanRefused {
    /// A guarded scan (the daemon's, unless `watch.allow_mass_delete`) would remove at least
    /// 3 articles and more than half of the published ones at once.
    #[error(
        "a scan would remove {dropped} of {published} published articles at once; keeping the \
         published feeds (set watch.allow_mass_delete = true if this is intended)"
    )]
    MassDelete {
        /// Articles whose files are gone.
        dropped: usize,
        /// Published articles (live, not drafts) before the scan.
        published: usize,
    },
}

/// Options of one reconciliation.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// The time of the scan: the latest first-seen date a new article can get, and the date
    /// of the tombstones it makes.
    pub now: DateTime<Utc>,
    /// Refuse to drop more than half the published articles at once.
    pub guard_mass_delete: bool,
    /// Set when the process is asked to stop: the scan stops between files and its
    /// uncommitted writes are dropped.
    pub cancel: Option<&'a std::sync::atomic::AtomicBool>,
}

/// Loads the index into memory.
pub fn load(store: &Store) -> Result<Catalog> {
    Ok(Catalog::new(store.records()?, store.rejected()?))
}

/// Brings the index in line with every file under the content root. A `catalog` not
/// loaded yet is loaded only when the walk found something changed: a rebuild with
/// nothing changed reads a slim listing of the index instead (`index::unchanged`).
pub fn scan(
    config: &Config,
    store: &mut Store,
    catalog: &mut Option<Catalog>,
    opts: Options<'_>,
) -> Result<ScanReport> {
    let db = store.file().filter(|_| catalog.is_none());
    let (mut tree, listing) = unchanged::walk_and_list(&config.paths.feeds, db)?;
    // A walk of a million files takes seconds: a daemon asked to stop meanwhile stops here,
    // before anything is read or written.
    if opts
        .cancel
        .is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed))
    {
        anyhow::bail!("stopped");
    }
    let (forced, images) = changed_pictures(store, std::mem::take(&mut tree.images))?;
    let mut report = ScanReport::default();
    report.contexts = channel_contexts(config, &tree, &mut report);
    if let Some(listing) = &listing
        && forced.is_empty()
        && images.is_none()
        && let Some(same) = unchanged::check(store, listing, &tree, &report.contexts)?
    {
        report.unchanged = same.articles;
        report.rejected.extend(same.rejected);
        report.rejected.sort();
        // As a scan that read nothing does: only tombstones past their period go.
        let batch = store.batch()?;
        batch.purge_tombstones(horizon(opts.now))?;
        batch.commit()?;
        return Ok(report);
    }
    let catalog = match catalog {
        Some(catalog) => catalog,
        None => catalog.insert(load(store)?),
    };
    let on_disk: HashSet<&str> = tree.files.iter().map(|f| f.path.as_str()).collect();
    let gone = |p: &&String| !on_disk.contains(p.as_str()) && !tree.holds(p);
    let changes = Changes {
        missing: catalog.live_paths().filter(gone).cloned().collect(),
        stale_rejections: catalog.rejected.keys().filter(gone).cloned().collect(),
        present: tree.files,
        refused: Vec::new(),
        forced,
        images,
    };
    reconcile(config, store, catalog, changes, opts, report)
}

/// The articles to read again because a picture file they use (or their sidecar) was
/// added, changed or removed since the last full scan, and the picture files now, when
/// any changed.
fn changed_pictures(
    store: &Store,
    now: Vec<FileStat>,
) -> Result<(HashSet<String>, Option<Vec<FileStat>>)> {
    let before = store.media_files()?;
    let mut changed: HashSet<&str> = now
        .iter()
        .filter(|f| before.get(&f.path) != Some(&(f.size, f.mtime_ns)))
        .map(|f| f.path.as_str())
        .collect();
    let present: HashSet<&str> = now.iter().map(|f| f.path.as_str()).collect();
    changed.extend(
        before
            .keys()
            .map(String::as_str)
            .filter(|p| !present.contains(p)),
    );
    if changed.is_empty() {
        return Ok((HashSet::new(), None));
    }
    let mut forced: HashSet<String> = store
        .media_refs()?
        .into_iter()
        .filter(|(_, image)| changed.contains(image.as_str()))
        .map(|(article, _)| article)
        .collect();
    // A sidecar names no article: its stem does.
    for image in &changed {
        let stem = image.rsplit_once('.').map_or(*image, |(stem, _)| stem);
        forced.extend(["txt", "md", "markdown"].map(|ext| format!("{stem}.{ext}")));
    }
    Ok((forced, Some(now)))
}

/// Brings the index in line with the files at and below `paths`: `/`-separated paths
/// relative to the content root, each inside a channel of `contexts` (whether a change can
/// be scanned this way, rather than by a full scan, is [`crate::watch::classify()`]'s call).
pub fn scan_paths(
    config: &Config,
    store: &mut Store,
    catalog: &mut Catalog,
    contexts: &HashMap<String, ChannelContext>,
    paths: &[String],
    opts: Options<'_>,
) -> Result<ScanReport> {
    let root = &config.paths.feeds;
    let mut changes = Changes::default();
    let real_root = super::walk::real_root(root)?;
    for rel in paths {
        let channel = rel.split('/').next().unwrap_or_default();
        changes.collect(&real_root, root, rel, channel, catalog);
    }
    changes.present.sort_by(|a, b| a.path.cmp(&b.path));
    changes.present.dedup_by(|a, b| a.path == b.path);
    changes.missing.sort();
    changes.missing.dedup();
    let report = ScanReport {
        contexts: contexts.clone(),
        rejected: std::mem::take(&mut changes.refused),
        ..ScanReport::default()
    };
    reconcile(config, store, catalog, changes, opts, report)
}

/// Applies what changed: reads what may differ, keeps identities across moves, tombstones
/// what is gone.
fn reconcile(
    config: &Config,
    store: &mut Store,
    catalog: &mut Catalog,
    changes: Changes,
    opts: Options<'_>,
    mut report: ScanReport,
) -> Result<ScanReport> {
    let (dropped, published) = (changes.missing.len(), catalog.live_count());
    let mut changes = changes;
    if opts.guard_mass_delete && dropped >= MASS_DELETE_FLOOR && dropped * 2 > published {
        // What was added or edited still goes through; what vanished stays published.
        report.refused = Some(ScanRefused::MassDelete { dropped, published });
        changes.missing.clear();
    }
    let contexts = report.contexts.clone();
    let (to_read, known) = to_read(
        changes.present,
        &changes.forced,
        catalog,
        &contexts,
        &mut report,
    );
    for path in &changes.missing {
        catalog.vanish(path);
    }
    let batch = store.batch()?;
    let mut applier = Applier::new(catalog, &batch, &contexts, opts.now);
    analyze_each(
        &config.paths.feeds,
        &to_read,
        &known,
        &contexts,
        config,
        |i, analysis| {
            if opts
                .cancel
                .is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed))
            {
                anyhow::bail!("stopped");
            }
            applier.apply(&to_read[i], analysis, &mut report)
        },
    )?;
    settle(
        &batch,
        catalog,
        &changes.stale_rejections,
        opts.now,
        &mut report,
    )?;
    if let Some(images) = &changes.images {
        batch.set_media_files(images)?;
    }
    batch.commit()?;
    report.rejected.sort();
    Ok(report)
}

/// The files whose bytes may differ from what the index holds, with the hash it holds for
/// each (when extracted with today's settings); the others are counted as they are.
fn to_read(
    present: Vec<FileStat>,
    forced: &HashSet<String>,
    catalog: &Catalog,
    contexts: &HashMap<String, ChannelContext>,
    report: &mut ScanReport,
) -> (Vec<FileStat>, Vec<Option<Hash>>) {
    let (mut to_read, mut known) = (Vec::new(), Vec::new());
    for file in present {
        let Some(ctx) = contexts.get(&*file.channel) else {
            continue;
        };
        let record = catalog.live_at(&file.path);
        let force = forced.contains(&file.path);
        match (record, catalog.rejected.get(&file.path)) {
            (Some(r), _) if same_stat(r, &file) && r.extract_key == ctx.key && !force => {
                report.unchanged += 1
            }
            // A picture it uses changed: its bytes alone cannot tell.
            (Some(_), _) if force => {
                known.push(None);
                to_read.push(file);
            }
            (None, Some(rej)) if rej.size == file.size && rej.mtime_ns == file.mtime_ns => {
                report
                    .rejected
                    .push((file.path.clone(), rej.reason.clone()));
            }
            _ => {
                known.push(record.filter(|r| r.extract_key == ctx.key).map(|r| r.hash));
                to_read.push(file);
            }
        }
    }
    (to_read, known)
}

/// After the files were read: tombstones what is gone for good, forgets rejections of
/// files that left, purges tombstones past their period, and marks the feeds stale.
fn settle(
    batch: &Batch,
    catalog: &mut Catalog,
    stale_rejections: &[String],
    now: DateTime<Utc>,
    report: &mut ScanReport,
) -> Result<()> {
    for record in catalog.unclaimed_vanished() {
        batch.tombstone(record.rowid, now)?;
        catalog.tombstone(record.rowid, now);
        report.removed += 1;
    }
    for path in stale_rejections {
        batch.clear_rejected(path)?;
        catalog.rejected.remove(path);
    }
    batch.purge_tombstones(horizon(now))?;
    catalog.purge(horizon(now));
    if report.changed_anything() {
        batch.set_state(FEEDS_STALE, b"1")?;
    }
    Ok(())
}

/// Tombstones older than this are forgotten at a scan at `now`.
fn horizon(now: DateTime<Utc>) -> DateTime<Utc> {
    now.checked_sub_signed(Duration::days(TOMBSTONE_DAYS))
        .unwrap_or(now)
}

fn same_stat(record: &Record, file: &FileStat) -> bool {
    record.size == file.size && record.mtime_ns == file.mtime_ns
}

pub(super) fn channel_contexts(
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
