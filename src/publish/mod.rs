//! Publishing: renders the feeds whose content could have changed, checks each one parses
//! back, and puts it at its key through a [`Target`]. A feed that fails the check is not
//! published; the last good one stays.

pub mod target;
mod verify;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use anyhow::Result;
use tracing::error;

pub use target::{DirTarget, Target};

use crate::article::{Document, Kind, Meta};
use crate::config::{ChannelConfig, Config, ContentMode, Format};
use crate::feed::{self, FeedPlan, Item, fit::fit, item, opml};
use crate::index::model::{Entry, Hash, Record};
use crate::index::scan::FEEDS_STALE;
use crate::index::store::{Batch, Output, Store};
use crate::workers;

/// Key of the OPML list of feeds.
pub const OPML_KEY: &str = "feeds.opml";

/// State key: the digest of the settings the published feeds were rendered with.
const FEEDS_DIGEST: &str = "feeds_digest";

/// Digest of everything besides articles that shapes the feeds.
fn settings_digest(config: &Config, channels: &BTreeMap<String, ChannelConfig>) -> Vec<u8> {
    let text = format!(
        "{}{:?}{:?}{:?}",
        feed::GENERATOR,
        config.site,
        config.feed,
        channels
    );
    blake3::hash(text.as_bytes()).as_bytes().to_vec()
}

/// True when the published feeds already show the index as it is: nothing changed since
/// the last publish, with the same settings, and every published file is still there.
pub fn is_current(
    config: &Config,
    channels: &BTreeMap<String, ChannelConfig>,
    store: &Store,
    target: &dyn Target,
) -> Result<bool> {
    if store.state(FEEDS_STALE)?.as_deref() != Some(b"0")
        || store.state(FEEDS_DIGEST)? != Some(settings_digest(config, channels))
    {
        return Ok(false);
    }
    Ok(store.outputs()?.keys().all(|key| target.exists(key)))
}

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

/// One file to render and publish.
struct Job<'a> {
    key: String,
    signature: Hash,
    render: Render<'a>,
}

enum Render<'a> {
    Feed(&'a FeedPlan, Format),
    Text(String),
}

/// What became of one job.
enum Outcome {
    Written(Output),
    Unchanged(Output),
    Failed(String),
}

/// Renders and publishes every feed whose signature changed or whose file is missing.
pub fn publish(
    config: &Config,
    channels: &BTreeMap<String, ChannelConfig>,
    entries: &[&Entry],
    store: &mut Store,
    target: &dyn Target,
    cache: &mut ItemCache,
) -> Result<PublishReport> {
    let plans = feed::plan(entries, channels, config);
    let previous = store.outputs()?;
    let mut report = PublishReport {
        feeds: plans.len(),
        ..PublishReport::default()
    };
    let mut outputs: Vec<(String, Output)> = Vec::new();
    let mut jobs = Vec::new();
    let metas: Vec<_> = plans.iter().map(|p| p.meta.clone()).collect();
    let opml_text = opml::render(&config.site.title, &metas, &config.feed.formats);
    let opml = Job {
        key: OPML_KEY.to_string(),
        signature: *blake3::hash(opml_text.as_bytes()).as_bytes(),
        render: Render::Text(opml_text),
    };
    let feed_jobs = plans.iter().flat_map(|plan| {
        config.feed.formats.iter().map(move |&format| Job {
            key: format!("{}{}", plan.dir, format.file_name()),
            signature: plan.signature,
            render: Render::Feed(plan, format),
        })
    });
    for job in feed_jobs.chain([opml]) {
        match previous.get(&job.key) {
            Some(old) if old.signature == job.signature && target.exists(&job.key) => {
                report.unchanged += 1;
                outputs.push((job.key, old.clone()));
            }
            _ => jobs.push(job),
        }
    }
    let items = build_items(&jobs, &plans, config, store, cache)?;
    let results = workers::map(&jobs, |job| run(job, &items, config, target));
    for (job, result) in jobs.iter().zip(results) {
        match result? {
            Outcome::Written(output) => {
                report.written.push(job.key.clone());
                outputs.push((job.key.clone(), output));
            }
            Outcome::Unchanged(output) => {
                report.unchanged += 1;
                outputs.push((job.key.clone(), output));
            }
            Outcome::Failed(reason) => {
                error!(key = job.key, %reason, "feed failed its parse-back check; the last good version stays");
                report.failed.push((job.key.clone(), reason));
                if let Some(old) = previous.get(&job.key) {
                    outputs.push((job.key.clone(), old.clone()));
                }
            }
        }
    }
    let stale = if report.failed.is_empty() { b"0" } else { b"1" };
    record(store, target, &previous, &outputs, &mut report, |batch| {
        batch.set_state(FEEDS_STALE, stale)?;
        batch.set_state(FEEDS_DIGEST, &settings_digest(config, channels))
    })?;
    Ok(report)
}

/// Removes what is no longer planned and records what was published.
fn record(
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

/// Renders, checks and publishes one job.
fn run(
    job: &Job,
    items: &HashMap<i64, Item>,
    config: &Config,
    target: &dyn Target,
) -> Result<Outcome> {
    let text = match &job.render {
        Render::Text(text) => text.clone(),
        Render::Feed(plan, format) => {
            let rendered: Vec<Item> = plan
                .items
                .iter()
                .filter_map(|(rowid, _)| items.get(rowid).cloned())
                .collect();
            fit(&rendered, config.feed.max_bytes, |it| {
                feed::render(*format, &plan.meta, it)
            })
        }
    };
    if let Err(reason) = verify::check(&job.key, &text) {
        return Ok(Outcome::Failed(reason));
    }
    let output = Output {
        content: *blake3::hash(text.as_bytes()).as_bytes(),
        signature: job.signature,
    };
    Ok(if target.put(&job.key, text.as_bytes())? {
        Outcome::Written(output)
    } else {
        Outcome::Unchanged(output)
    })
}

/// Feed items kept between publishes (the daemon keeps one), by rowid and version.
#[derive(Default)]
pub struct ItemCache {
    settings: String,
    items: HashMap<i64, (Hash, Item)>,
}

impl ItemCache {
    /// Forgets everything when the settings items depend on have changed.
    fn align(&mut self, config: &Config) {
        let settings = format!("{:?}{:?}", config.site, config.feed);
        if settings != self.settings {
            self.items.clear();
            self.settings = settings;
        }
    }

    fn current(&self, rowid: i64, version: &Hash) -> Option<&Item> {
        self.items
            .get(&rowid)
            .filter(|(v, _)| v == version)
            .map(|(_, item)| item)
    }
}

/// Builds every item the jobs need that the cache does not hold, rendering full content on
/// every core; then keeps only items some feed shows.
fn build_items(
    jobs: &[Job],
    plans: &[FeedPlan],
    config: &Config,
    store: &Store,
    cache: &mut ItemCache,
) -> Result<HashMap<i64, Item>> {
    cache.align(config);
    let needed: BTreeSet<(i64, Hash)> = jobs
        .iter()
        .filter_map(|job| match job.render {
            Render::Feed(plan, _) => Some(plan.items.iter().copied()),
            Render::Text(_) => None,
        })
        .flatten()
        .collect();
    let mut articles = Vec::new();
    for (rowid, version) in &needed {
        if cache.current(*rowid, version).is_none()
            && let Some(article) = store.article(*rowid)?
        {
            articles.push((*version, article));
        }
    }
    let built = workers::map(&articles, |(_, (record, meta))| {
        build_item(config, record, meta)
    });
    for ((version, (record, _)), item) in articles.iter().zip(built) {
        cache.items.insert(record.rowid, (*version, item));
    }
    let shown: HashSet<i64> = plans
        .iter()
        .flat_map(|p| p.items.iter().map(|(r, _)| *r))
        .collect();
    cache.items.retain(|rowid, _| shown.contains(rowid));
    Ok(needed
        .iter()
        .filter_map(|(rowid, version)| Some((*rowid, cache.current(*rowid, version)?.clone())))
        .collect())
}

/// Builds one item, rendering its full content from the file when the config asks for it.
fn build_item(config: &Config, record: &Record, meta: &Meta) -> Item {
    let base = &config.site.base_url;
    let content = match config.feed.content {
        ContentMode::Summary => None,
        ContentMode::Full => content_html(config, record, &item::link(base, record, meta), meta),
    };
    item::build(base, record, meta, content)
}

/// The article's content HTML, or `None` if the file changed or vanished since the scan.
fn content_html(config: &Config, record: &Record, link: &str, meta: &Meta) -> Option<String> {
    let bytes = std::fs::read(config.paths.feeds.join(&record.path)).ok()?;
    if blake3::hash(&bytes).as_bytes() != &record.hash {
        return None;
    }
    let name = record.path.rsplit('/').next().unwrap_or(&record.path);
    let doc = Document::parse(&bytes, Kind::of_file_name(name)?).ok()?;
    let url = url::Url::parse(link).ok()?;
    Some(doc.content_html(&url, &meta.lang, &meta.title))
}
