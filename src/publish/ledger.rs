//! The ledger: what was last published at each key (content and signature, in the index),
//! the digest of the settings it was rendered with, and the rules that read it: whether
//! the published folder already shows the index, and recording a publish.

use std::collections::{BTreeMap, HashMap, HashSet};

use anyhow::Result;

use super::report::PublishReport;
use super::sitemaps;
use super::target::Target;
use crate::config::{ChannelConfig, Config};
use crate::feed;
use crate::index::PAGES_STAMP;
use crate::index::scan::FEEDS_STALE;
use crate::index::store::{Batch, Output, Store};

/// State key: the digest of the settings the published feeds were rendered with.
pub(super) const FEEDS_DIGEST: &str = "feeds_digest";

/// Bumped whenever what is published besides feeds changes (pages, stylesheet).
const LAYOUT_VERSION: &str = "feedfold-layout-3";

/// Digest of everything besides articles that shapes the feeds and pages: the settings, and
/// the site's templates and stylesheet when it has them (so that changing one rewrites every
/// page once, and the built-ins alone leave the digest as it always was).
pub(super) fn settings_digest(
    config: &Config,
    channels: &BTreeMap<String, ChannelConfig>,
) -> Vec<u8> {
    let mut text = format!(
        "{}{LAYOUT_VERSION}{}{:?}{:?}{:?}{:?}",
        feed::GENERATOR,
        *crate::page::PAGE_STYLE,
        config.site,
        config.feed,
        config.websub,
        channels
    );
    if let Some(templates) = config.templates.digest() {
        text.push_str(&blake3::Hash::from(templates).to_hex());
    }
    blake3::hash(text.as_bytes()).as_bytes().to_vec()
}

/// True when the published feeds already show the index as it is: nothing changed since
/// the last publish, with the same settings, and every published file is still there.
pub fn is_current(
    config: &Config,
    channels: &BTreeMap<String, ChannelConfig>,
    store: &mut Store,
    target: &dyn Target,
) -> Result<bool> {
    if store.state(FEEDS_STALE)?.as_deref() != Some(b"0")
        || store.state(FEEDS_DIGEST)? != Some(settings_digest(config, channels))
        || store.state(sitemaps::SITEMAP_SETTINGS)? != Some(sitemaps::settings(config))
    {
        return Ok(false);
    }
    let outputs: Vec<String> = store.output_keys()?;
    if !target.all_exist(&outputs) {
        return Ok(false);
    }
    // Every article page too: an item link must lead to a page. The index drops the stamp
    // whenever a page is recorded or forgotten: one still there was taken of these pages.
    if let Some(stamp) = store.state(PAGES_STAMP)?
        && target.pages_still(&stamp)
    {
        return Ok(true);
    }
    let pages = target.pages_exist(&store.published_page_keys()?);
    if let Some(stamp) = pages.stamp {
        let batch = store.batch()?;
        batch.set_state(PAGES_STAMP, &stamp)?;
        batch.commit()?;
    }
    Ok(pages.found)
}

/// Removes what is no longer planned and records what was published.
pub(super) fn record(
    store: &mut Store,
    target: &dyn Target,
    previous: &HashMap<String, Output>,
    outputs: &[(String, Output)],
    report: &mut PublishReport,
    finish: impl FnOnce(&Batch) -> Result<()>,
) -> Result<()> {
    let keep: HashSet<&str> = outputs.iter().map(|(k, _)| k.as_str()).collect();
    let mut stale: Vec<&String> = previous
        .keys()
        .filter(|k| !keep.contains(k.as_str()))
        .collect();
    stale.sort();
    let batch = store.batch()?;
    for key in stale {
        target.remove(key)?;
        batch.remove_output(key)?;
        report.removed.push(key.clone());
    }
    for (key, output) in outputs {
        if previous.get(key) != Some(output) {
            batch.set_output(key, output)?;
        }
    }
    finish(&batch)?;
    batch.commit()
}
