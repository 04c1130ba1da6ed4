//! Publishing the archive documents ([`crate::feed::archive`]): one unit per month and
//! format, split into parts within `feed.max_bytes`. A unit whose signature (its month's,
//! with the number of parts of the next month, its `next-archive`) is recorded and whose
//! file is there is left alone, bytes and mtime: a closed month costs nothing. The others
//! are split (a part's size does not depend on its neighbours' links), which may change
//! the next-archive of the month before, rendered and put, newest months first, a chunk at
//! a time: memory holds a chunk's items, not the archive's.

mod unit;

use std::collections::HashMap;

use anyhow::Result;

use super::cache::ItemCache;
use super::report::PublishReport;
use super::target::Target;
use crate::config::Config;
use crate::feed::archive::{self, ArchivePlan};
use crate::identity::Hash;
use crate::index::store::{Output, Store};
use crate::layout::Month;
use unit::{Unit, kept, render_unit, split_units, unit_signature, units};

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
    for chunk in archive::newest_first_chunks(&sizes, chunk_items) {
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
