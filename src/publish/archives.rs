//! Publishing the archive documents ([`crate::feed::archive`]): one unit per month and
//! format, split into parts within `feed.max_bytes`. A unit whose signature (its month's,
//! with the number of parts of the next month, its `next-archive`) is recorded and whose
//! file is there is left alone, bytes and mtime: a closed month costs nothing. The others
//! are split first (a part's size does not depend on its neighbours' links), which may
//! change the next-archive of the month before; then all of them are rendered and put.

use std::collections::{BTreeSet, HashMap};

use anyhow::Result;

use super::items::build_items;
use super::report::PublishReport;
use super::target::Target;
use super::verify;
use crate::config::{Config, Format};
use crate::feed::archive::{self, ArchivePlan};
use crate::feed::{self, Item, fit};
use crate::identity::Hash;
use crate::index::store::{Output, Store};
use crate::layout::archive_key;

use super::cache::ItemCache;

/// One month of one feed in one format.
struct Unit<'a> {
    plan: &'a ArchivePlan,
    format: Format,
    /// The unit of the next month in the same format, if there is one.
    next: Option<usize>,
    /// Parts as recorded by the last publish (0: none).
    recorded: usize,
    /// Its parts, once split.
    split: Option<Vec<Vec<Item>>>,
    /// How many parts it was written in, once written (its items let go).
    made: Option<usize>,
}

impl Unit<'_> {
    fn key(&self, part: usize) -> String {
        archive_key(&self.plan.scope, self.plan.month, part, self.format)
    }

    fn parts(&self) -> usize {
        self.made
            .or(self.split.as_ref().map(Vec::len))
            .unwrap_or(self.recorded)
    }
}

/// What the publish needs from the phase's context.
pub(super) struct Context<'a> {
    pub config: &'a Config,
    pub previous: &'a HashMap<String, Output>,
    pub store: &'a Store,
    pub target: &'a dyn Target,
    pub shows: super::items::Shows<'a>,
}

/// Publishes every archive: the outputs to record (written, unchanged or kept).
pub(super) fn publish(
    archives: &[ArchivePlan],
    ctx: &Context,
    cache: &mut ItemCache,
    report: &mut PublishReport,
) -> Result<Vec<(String, Output)>> {
    let mut units = units(archives, ctx);
    let signature = |units: &[Unit], u: &Unit| {
        let next = u.next.map_or(0, |n| units[n].parts());
        unit_signature(u, next)
    };
    let mut dirty: Vec<bool> = units
        .iter()
        .map(|u| {
            let head = u.key(1);
            let current = ctx.previous.get(&head).map(|o| o.signature);
            u.recorded == 0 || current != Some(signature(&units, u)) || !ctx.target.exists(&head)
        })
        .collect();
    loop {
        let todo: Vec<usize> = (0..units.len())
            .filter(|&i| dirty[i] && units[i].split.is_none())
            .collect();
        if todo.is_empty() {
            break;
        }
        split_units(&mut units, &todo, ctx, cache)?;
        // A month whose next month's parts changed has a new `next-archive`.
        for i in 0..units.len() {
            if let Some(n) = units[i].next
                && units[n].split.is_some()
                && units[n].parts() != units[n].recorded
            {
                dirty[i] = true;
            }
        }
    }
    let mut outputs = Vec::new();
    for i in (0..units.len()).filter(|&i| !dirty[i]) {
        report.unchanged += units[i].recorded;
        outputs.extend(kept(&units[i], ctx.previous));
    }
    // Rendered and put a few units at a time, each unit's items let go once it is written:
    // a cold build holds a few months of text at once, not the whole archive's.
    let todo: Vec<usize> = (0..units.len()).filter(|&i| dirty[i]).collect();
    for chunk in todo.chunks(RENDER_CHUNK) {
        let rendered = crate::workers::map(chunk, |&i| render_unit(&units, i, ctx.config));
        for (&i, rendered) in chunk.iter().zip(rendered) {
            finish(&units, i, rendered, ctx, report, &mut outputs)?;
        }
        for &i in chunk {
            let unit = &mut units[i];
            unit.made = Some(unit.parts());
            unit.split = None;
        }
    }
    Ok(outputs)
}

/// Units rendered at once (on every core) before they are written.
const RENDER_CHUNK: usize = 4;

/// Puts and records a rendered unit, or keeps its last good version when it failed.
fn finish(
    units: &[Unit],
    i: usize,
    rendered: Result<Vec<(String, String)>, (String, String)>,
    ctx: &Context,
    report: &mut PublishReport,
    outputs: &mut Vec<(String, Output)>,
) -> Result<()> {
    let unit = &units[i];
    let next = unit.next.map_or(0, |n| units[n].parts());
    match rendered {
        Ok(files) => put(&files, unit_signature(unit, next), ctx, report, outputs)?,
        Err((key, reason)) => {
            tracing::error!(key, %reason, "archive failed its parse-back check; the last good version stays");
            report.failed.push((key, reason));
            outputs.extend(kept(unit, ctx.previous));
        }
    }
    Ok(())
}

/// Every unit, each knowing its next month's.
fn units<'a>(archives: &'a [ArchivePlan], ctx: &Context) -> Vec<Unit<'a>> {
    let formats: Vec<Format> = archive::FORMATS
        .into_iter()
        .filter(|f| ctx.config.feed.formats.contains(f))
        .collect();
    let mut units: Vec<Unit> = Vec::new();
    for plan in archives {
        for &format in &formats {
            let recorded = (1..)
                .take_while(|n| {
                    ctx.previous
                        .contains_key(&archive_key(&plan.scope, plan.month, *n, format))
                })
                .count();
            units.push(Unit {
                plan,
                format,
                next: None,
                recorded,
                split: None,
                made: None,
            });
        }
    }
    let index: std::collections::BTreeMap<_, usize> = units
        .iter()
        .enumerate()
        .map(|(i, u)| ((&u.plan.scope, u.plan.month, u.format), i))
        .collect();
    let next: Vec<Option<usize>> = units
        .iter()
        .map(|u| (u.plan.next).and_then(|m| index.get(&(&u.plan.scope, m, u.format)).copied()))
        .collect();
    drop(index);
    for (unit, next) in units.iter_mut().zip(next) {
        unit.next = next;
    }
    units
}

fn unit_signature(unit: &Unit, next_parts: usize) -> Hash {
    let mut hasher = blake3::Hasher::new();
    hasher.update(&unit.plan.signature);
    hasher.update(unit.format.file_name().as_bytes());
    hasher.update(&next_parts.to_le_bytes());
    *hasher.finalize().as_bytes()
}

/// Splits the units `todo` into their parts, building the items they need.
fn split_units(
    units: &mut [Unit],
    todo: &[usize],
    ctx: &Context,
    cache: &mut ItemCache,
) -> Result<()> {
    let needed: BTreeSet<(i64, Hash)> = todo
        .iter()
        .flat_map(|&i| units[i].plan.items.iter().copied())
        .collect();
    let items = build_items(&needed, ctx.config, ctx.store, cache, ctx.shows)?;
    let config = ctx.config;
    let splits = crate::workers::map(todo, |&i| {
        let unit = &units[i];
        let sizing = unit.plan.sizing_meta(&config.site.base_url);
        let render = |part: &[Item]| feed::render(unit.format, &sizing, part);
        fit::split(
            &archive::items_of(unit.plan, &items),
            config.feed.max_bytes,
            render,
        )
    });
    for (&i, split) in todo.iter().zip(splits) {
        for id in &split.skipped {
            let why = "over feed.max_bytes even as a summary";
            tracing::warn!(archive = %units[i].key(1), item = %id, "item left out: {why}");
        }
        units[i].split = Some(split.parts);
    }
    Ok(())
}

/// Renders and checks every part of unit `i`: `(key, text)`, or the key that failed and why.
fn render_unit(
    units: &[Unit],
    i: usize,
    config: &Config,
) -> Result<Vec<(String, String)>, (String, String)> {
    let unit = &units[i];
    let parts = unit.split.as_deref().unwrap_or_default();
    let next_parts = unit.next.map_or(0, |n| units[n].parts());
    let base = &config.site.base_url;
    parts
        .iter()
        .enumerate()
        .map(|(p, items)| {
            let key = unit.key(p + 1);
            let meta = unit.plan.part_meta(base, p + 1, parts.len(), next_parts);
            let text = feed::render(unit.format, &meta, items);
            match verify::check(&key, &text) {
                Ok(()) => Ok((key, text)),
                Err(reason) => Err((key, reason)),
            }
        })
        .collect()
}

/// Puts a unit's parts as one step, and records them.
fn put(
    files: &[(String, String)],
    signature: Hash,
    ctx: &Context,
    report: &mut PublishReport,
    outputs: &mut Vec<(String, Output)>,
) -> Result<()> {
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(k, t)| (k.as_str(), t.as_bytes()))
        .collect();
    let written = ctx.target.put_all(&refs)?;
    for ((key, text), written) in files.iter().zip(written) {
        if written {
            report.written.push(key.clone());
        } else {
            report.unchanged += 1;
        }
        let content = *blake3::hash(text.as_bytes()).as_bytes();
        outputs.push((key.clone(), Output { content, signature }));
    }
    Ok(())
}

/// What the last publish recorded of a unit left alone.
fn kept(unit: &Unit, previous: &HashMap<String, Output>) -> Vec<(String, Output)> {
    (1..=unit.recorded)
        .filter_map(|p| {
            let key = unit.key(p);
            previous.get(&key).map(|o| (key, o.clone()))
        })
        .collect()
}
