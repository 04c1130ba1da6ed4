//! Publishing: renders the feeds whose content could have changed, checks each one parses
//! back, and puts it at its key through a [`Target`]. A feed that fails the check is not
//! published; the last good one stays.

pub mod target;
mod verify;

use std::collections::{HashMap, HashSet};

use anyhow::Result;
use tracing::error;

pub use target::{DirTarget, Target};

use crate::article::{Document, Meta};
use crate::config::{ChannelConfig, Config, ContentMode};
use crate::feed::{self, FeedPlan, Item, fit::fit, item, opml};
use crate::index::store::{Output, Store};
use std::collections::BTreeMap;

/// Key of the OPML list of feeds.
pub const OPML_KEY: &str = "feeds.opml";

/// What a publish did.
#[derive(Debug, Default)]
pub struct PublishReport {
    /// Keys whose bytes were written.
    pub written: Vec<String>,
    /// Keys rendered or checked and found unchanged.
    pub unchanged: usize,
    pub removed: Vec<String>,
    /// Keys that failed their parse-back check and were not published.
    pub failed: Vec<(String, String)>,
    /// Feeds planned (each in every format).
    pub feeds: usize,
}

/// Renders and publishes every feed whose signature changed or whose file is missing.
pub fn publish(
    config: &Config,
    channels: &BTreeMap<String, ChannelConfig>,
    store: &mut Store,
    target: &dyn Target,
) -> Result<PublishReport> {
    let plans = feed::plan(&store.entries()?, channels, config);
    let previous = store.outputs()?;
    let mut report = PublishReport {
        feeds: plans.len(),
        ..PublishReport::default()
    };
    let mut items = ItemCache::default();
    let mut outputs: Vec<(String, Output)> = Vec::new();
    for plan in &plans {
        for &format in &config.feed.formats {
            let key = format!("{}{}", plan.dir, format.file_name());
            if is_current(&previous, &key, &plan.signature, target) {
                report.unchanged += 1;
                outputs.push((key.clone(), previous[&key].clone()));
                continue;
            }
            let rendered = items.for_plan(plan, config, store)?;
            let text = fit(&rendered, config.feed.max_bytes, |it| {
                feed::render(format, &plan.meta, it)
            });
            put_checked(
                target,
                &key,
                &text,
                plan.signature,
                &mut report,
                &mut outputs,
            )?;
        }
    }
    let metas: Vec<_> = plans.iter().map(|p| p.meta.clone()).collect();
    let opml_text = opml::render(&config.site.title, &metas, &config.feed.formats);
    let opml_sig = *blake3::hash(opml_text.as_bytes()).as_bytes();
    if is_current(&previous, OPML_KEY, &opml_sig, target) {
        report.unchanged += 1;
        outputs.push((OPML_KEY.to_string(), previous[OPML_KEY].clone()));
    } else {
        put_checked(
            target,
            OPML_KEY,
            &opml_text,
            opml_sig,
            &mut report,
            &mut outputs,
        )?;
    }
    let keep: HashSet<&str> = outputs.iter().map(|(k, _)| k.as_str()).collect();
    let stale: Vec<String> = previous
        .keys()
        .filter(|k| !keep.contains(k.as_str()))
        .cloned()
        .collect();
    let batch = store.batch()?;
    for key in stale {
        target.remove(&key)?;
        batch.remove_output(&key)?;
        report.removed.push(key);
    }
    for (key, output) in &outputs {
        if previous.get(key) != Some(output) {
            batch.set_output(key, output)?;
        }
    }
    batch.commit()?;
    Ok(report)
}

fn is_current(
    previous: &HashMap<String, Output>,
    key: &str,
    signature: &[u8; 32],
    target: &dyn Target,
) -> bool {
    previous.get(key).is_some_and(|o| &o.signature == signature) && target.exists(key)
}

fn put_checked(
    target: &dyn Target,
    key: &str,
    text: &str,
    signature: [u8; 32],
    report: &mut PublishReport,
    outputs: &mut Vec<(String, Output)>,
) -> Result<()> {
    if let Err(reason) = verify::check(key, text) {
        error!(key, %reason, "feed failed its parse-back check; the last good version stays");
        report.failed.push((key.to_string(), reason));
        return Ok(());
    }
    if target.put(key, text.as_bytes())? {
        report.written.push(key.to_string());
    } else {
        report.unchanged += 1;
    }
    let content = *blake3::hash(text.as_bytes()).as_bytes();
    outputs.push((key.to_string(), Output { content, signature }));
    Ok(())
}

/// Feed items built once per publish, however many feeds show them.
#[derive(Default)]
struct ItemCache {
    items: HashMap<i64, Item>,
}

impl ItemCache {
    fn for_plan(&mut self, plan: &FeedPlan, config: &Config, store: &Store) -> Result<Vec<Item>> {
        let mut out = Vec::with_capacity(plan.items.len());
        for rowid in &plan.items {
            if !self.items.contains_key(rowid)
                && let Some(item) = build_item(*rowid, config, store)?
            {
                self.items.insert(*rowid, item);
            }
            if let Some(item) = self.items.get(rowid) {
                out.push(item.clone());
            }
        }
        Ok(out)
    }
}

/// Builds one item, rendering its full content from the file when the config asks for it.
fn build_item(rowid: i64, config: &Config, store: &Store) -> Result<Option<Item>> {
    let Some((record, meta)) = store.article(rowid)? else {
        return Ok(None);
    };
    let base = &config.site.base_url;
    let content = match config.feed.content {
        ContentMode::Summary => None,
        ContentMode::Full => {
            let link = item::link(base, &record, &meta);
            content_html(config, &record.path, &record.hash, &link, &meta)
        }
    };
    Ok(Some(item::build(base, &record, &meta, content)))
}

/// The article's content HTML, or `None` if the file changed or vanished since the scan.
fn content_html(
    config: &Config,
    path: &str,
    hash: &[u8; 32],
    link: &str,
    meta: &Meta,
) -> Option<String> {
    let bytes = std::fs::read(config.paths.feeds.join(path)).ok()?;
    if blake3::hash(&bytes).as_bytes() != hash {
        return None;
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    let kind = crate::article::Kind::of_file_name(name)?;
    let doc = Document::parse(&bytes, kind).ok()?;
    let url = url::Url::parse(link).ok()?;
    Some(doc.content_html(&url, &meta.lang, &meta.title))
}
