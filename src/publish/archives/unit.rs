//! One archive unit (a month of one feed in one format) through a publish: what the last
//! publish recorded of it, its signature, its split into parts within `feed.max_bytes`,
//! and its rendering, each part parsed back before it may be written.

use std::collections::{BTreeSet, HashMap, HashSet};

use anyhow::Result;

use super::Context;
use crate::config::{Config, Format};
use crate::feed::archive::{self, ArchivePlan};
use crate::feed::{self, Item, fit};
use crate::identity::Hash;
use crate::index::store::Output;
use crate::layout::archive_key;
use crate::publish::cache::ItemCache;
use crate::publish::items::build_items_keeping;
use crate::publish::verify;

/// One month of one feed in one format.
pub(super) struct Unit<'a> {
    pub plan: &'a ArchivePlan,
    pub format: Format,
    /// The unit of the next month in the same format, if there is one.
    pub next: Option<usize>,
    /// Parts as recorded by the last publish (0: none).
    pub recorded: usize,
    /// Its parts, once split.
    pub split: Option<Vec<Vec<Item>>>,
    /// How many parts it was written in, once written (its items let go).
    pub made: Option<usize>,
}

impl Unit<'_> {
    pub fn key(&self, part: usize) -> String {
        archive_key(&self.plan.scope, self.plan.month, part, self.format)
    }

    pub fn parts(&self) -> usize {
        self.made
            .or(self.split.as_ref().map(Vec::len))
            .unwrap_or(self.recorded)
    }
}

/// Every unit, each knowing its next month's.
pub(super) fn units<'a>(archives: &'a [ArchivePlan], ctx: &Context) -> Vec<Unit<'a>> {
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

pub(super) fn unit_signature(unit: &Unit, next_parts: usize) -> Hash {
    let mut hasher = blake3::Hasher::new();
    hasher.update(&unit.plan.signature);
    hasher.update(unit.format.file_name().as_bytes());
    hasher.update(&next_parts.to_le_bytes());
    *hasher.finalize().as_bytes()
}

/// Splits the units `todo` into their parts, building the items they need.
pub(super) fn split_units(
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
pub(super) fn render_unit(
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

/// What the last publish recorded of a unit left alone.
pub(super) fn kept(unit: &Unit, previous: &HashMap<String, Output>) -> Vec<(String, Output)> {
    (1..=unit.recorded)
        .filter_map(|p| {
            let key = unit.key(p);
            previous.get(&key).map(|o| (key, o.clone()))
        })
        .collect()
}
