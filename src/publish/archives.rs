//! Publishing the archive documents ([`crate::feed::archive`]): one unit per month and
//! format, split into parts within `feed.max_bytes`. A unit whose signature (its month's,
//! with the number of parts of the next month, its `next-archive`) is recorded and whose
//! file is there is left alone, bytes and mtime: a closed month costs nothing. The others
//! are split (a part's size does not depend on its neighbours' links), which may change
//! the next-archive of the month before, rendered and put, newest months first, a chunk at
//! a time: memory holds a chunk's items, not the archive's.

use std::collections::{BTreeSet, HashMap, HashSet};

use anyhow::Result;

use super::items::build_items_keeping;
use super::report::PublishReport;
use super::target::Target;
use super::verify;
use crate::config::{Config, Format};
use crate::feed::archive::{self, ArchivePlan};
use crate::feed::{self, Item, fit};
use crate::identity::Hash;
use crate::index::store::{Output, Store};
use crate::layout::{Month, archive_key};

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
    /// At most about this many items rendered (whole units, newest months first, the
    /// first chunk with a dirty unit and every feed's newest month always; `None`: all):
    /// the units left keep their last version, counted in
    /// [`PublishReport::archives_left`], for a later publish.
    pub budget: Option<usize>,
}

/// Publishes every archive: the outputs to record (written, unchanged or kept).
///
/// Newest months first, a few thousand items at a time: each chunk's units are split,
/// rendered, put and let go before the next chunk's items are built, so that a cold build
/// holds a chunk of text, not the whole archive's. A month's `next-archive` depends on the
/// parts of the newer month of its feed, which an earlier chunk (or this one) settled.
pub(super) fn publish(
    archives: &[ArchivePlan],
    ctx: &Context,
    cache: &mut ItemCache,
    report: &mut PublishReport,
) -> Result<Vec<(String, Output)>> {
    let mut units = units(archives, ctx);
    let mut dirty: Vec<bool> = units
        .iter()
        .map(|u| {
            let head = u.key(1);
            let current = ctx.previous.get(&head).map(|o| o.signature);
            let next = u.next.map_or(0, |n| units[n].recorded);
            u.recorded == 0 || current != Some(unit_signature(u, next)) || !ctx.target.exists(&head)
        })
        .collect();
    let mut outputs = Vec::new();
    let sizes: Vec<(Month, usize)> = (units.iter())
        .map(|u| (u.plan.month, u.plan.items.len()))
        .collect();
    let chunk_items = ctx.budget.map_or(CHUNK_ITEMS, |b| b.clamp(1, CHUNK_ITEMS));
    let mut rendered = 0;
    for chunk in newest_first_chunks(&sizes, chunk_items) {
        // The newest dirty months are always written: a feed may link them (a publish
        // that left one would go archives-first again at the next change).
        let links_newest = chunk.iter().any(|&i| dirty[i] && units[i].next.is_none());
        if ctx.budget.is_some_and(|b| rendered > 0 && rendered >= b) && !links_newest {
            report.archives_left += leave(&units, &dirty, &chunk, ctx.previous, &mut outputs);
            continue;
        }
        settle_splits(&mut units, &mut dirty, &chunk, ctx, cache)?;
        for &i in chunk.iter().filter(|&&i| !dirty[i]) {
            report.unchanged += units[i].recorded;
            outputs.extend(kept(&units[i], ctx.previous));
        }
        let todo: Vec<usize> = chunk.into_iter().filter(|&i| dirty[i]).collect();
        rendered += todo
            .iter()
            .map(|&i| units[i].plan.items.len())
            .sum::<usize>();
        for part in todo.chunks(RENDER_CHUNK) {
            let rendered = crate::workers::map(part, |&i| render_unit(&units, i, ctx.config));
            for (&i, rendered) in part.iter().zip(rendered) {
                finish(&units, i, rendered, ctx, report, &mut outputs)?;
            }
            for &i in part {
                let unit = &mut units[i];
                unit.made = Some(unit.parts());
                unit.split = None;
            }
        }
    }
    Ok(outputs)
}

/// Leaves the units of `chunk` as they were (their recorded outputs kept) for a later
/// publish: how many of them are out of date, dirty or with a newer month just written in
/// a new number of parts (their `next-archive` changes).
fn leave(
    units: &[Unit],
    dirty: &[bool],
    chunk: &[usize],
    previous: &HashMap<String, Output>,
    outputs: &mut Vec<(String, Output)>,
) -> usize {
    let moved = |i: usize| {
        let next = units[i].next.map(|n| &units[n]);
        next.is_some_and(|n| n.made.is_some_and(|made| made != n.recorded))
    };
    for &i in chunk {
        outputs.extend(kept(&units[i], previous));
    }
    chunk.iter().filter(|&&i| dirty[i] || moved(i)).count()
}

/// Units rendered at once (on every core) before they are written.
const RENDER_CHUNK: usize = 4;

/// Items (counted once per unit showing them) split and rendered in one chunk.
const CHUNK_ITEMS: usize = 4_096;

/// The indices of units given as (month, items), newest month first, cut into chunks of
/// about `budget` items (a unit is never cut). A unit's next month is newer: it comes
/// earlier.
fn newest_first_chunks(units: &[(Month, usize)], budget: usize) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..units.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(units[i].0));
    let mut chunks = Vec::new();
    let mut chunk = Vec::new();
    let mut items = 0;
    for i in order {
        chunk.push(i);
        items += units[i].1;
        if items >= budget {
            chunks.push(std::mem::take(&mut chunk));
            items = 0;
        }
    }
    if !chunk.is_empty() {
        chunks.push(chunk);
    }
    chunks
}

/// Splits the dirty units of `chunk`, and those a newer month's new number of parts made
/// dirty (a new `next-archive`), until none is left.
fn settle_splits(
    units: &mut [Unit],
    dirty: &mut [bool],
    chunk: &[usize],
    ctx: &Context,
    cache: &mut ItemCache,
) -> Result<()> {
    loop {
        for &i in chunk {
            if let Some(n) = units[i].next
                && units[n].parts() != units[n].recorded
            {
                dirty[i] = true;
            }
        }
        let todo: Vec<usize> = (chunk.iter().copied())
            .filter(|&i| dirty[i] && units[i].split.is_none() && units[i].made.is_none())
            .collect();
        if todo.is_empty() {
            return Ok(());
        }
        split_units(units, &todo, ctx, cache)?;
    }
}

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
    // The newest month of each feed changes with every new article: its items stay
    // cached. Older months' are built for this chunk and let go.
    let newest: HashSet<i64> = (todo.iter())
        .filter(|&&i| units[i].plan.next.is_none())
        .flat_map(|&i| units[i].plan.items.iter().map(|(rowid, _)| *rowid))
        .collect();
    let keep = |rowid: i64| newest.contains(&rowid);
    let items = build_items_keeping(&needed, &keep, ctx.config, ctx.store, cache, ctx.shows)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn month(year: i32, month: u32) -> Month {
        Month { year, month }
    }

    #[test]
    fn chunks_take_the_newest_months_first_and_never_cut_a_unit() {
        let units = [
            (month(2024, 1), 3),
            (month(2024, 3), 2),
            (month(2023, 12), 5),
            (month(2024, 3), 4),
            (month(2024, 2), 1),
        ];
        let chunks = newest_first_chunks(&units, 5);
        assert_eq!(chunks, [vec![1, 3], vec![4, 0, 2]]);
    }

    #[test]
    fn every_unit_is_in_one_chunk_after_every_newer_one() {
        let units: Vec<(Month, usize)> = (0..60)
            .map(|i| {
                (
                    month(2020 + i / 12, 1 + (i * 7 % 12) as u32),
                    1 + (i as usize % 5),
                )
            })
            .collect();
        let chunks = newest_first_chunks(&units, 7);
        let order: Vec<usize> = chunks.iter().flatten().copied().collect();
        let mut seen = order.clone();
        seen.sort_unstable();
        assert_eq!(seen, (0..60).collect::<Vec<_>>());
        assert!(order.windows(2).all(|w| units[w[0]].0 >= units[w[1]].0));
        assert!(chunks.iter().all(|c| {
            let items: usize = c.iter().map(|&i| units[i].1).sum();
            items < 7 + 5
        }));
    }
}
