//! Publishing: renders the feeds whose content could have changed, checks each one parses
//! back, and puts it at its key through a [`Target`]. A feed that fails the check is not
//! published; the last good one stays.

mod items;
mod media;
mod pages;
pub mod target;
mod verify;

use std::collections::{BTreeMap, HashMap, HashSet};

use anyhow::Result;
use tracing::error;

pub use items::ItemCache;
pub use media::{is_feed, media_type};
pub use pages::page_key;
pub use target::{DirTarget, Target};

use crate::config::{ChannelConfig, Config, Format};
use crate::feed::{self, FeedPlan, Item, Scope, fit::fit, opml};
use crate::index::model::{Entry, Hash};
use crate::index::scan::FEEDS_STALE;
use crate::index::store::{Batch, Output, Store};
use crate::page::{self, Listing, listing_page};
use crate::workers;

/// Key of the OPML list of feeds.
pub const OPML_KEY: &str = "feeds.opml";

/// State key: the digest of the settings the published feeds were rendered with.
const FEEDS_DIGEST: &str = "feeds_digest";

/// Bumped whenever what is published besides feeds changes (pages, stylesheet).
const LAYOUT_VERSION: &str = "feedfold-layout-2";

/// Digest of everything besides articles that shapes the feeds and pages.
fn settings_digest(config: &Config, channels: &BTreeMap<String, ChannelConfig>) -> Vec<u8> {
    let text = format!(
        "{}{LAYOUT_VERSION}{:?}{:?}{:?}{:?}",
        feed::GENERATOR,
        config.site,
        config.feed,
        config.websub,
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
    /// Keys whose bytes were written (feeds, listing pages, OPML, stylesheet).
    pub written: Vec<String>,
    /// Article pages written.
    pub written_pages: Vec<String>,
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
    /// The HTML page listing a feed's articles (the home page for the site feed).
    Listing(&'a FeedPlan),
    Text(String),
}

/// What every job may read.
struct Context<'a> {
    config: &'a Config,
    plans: &'a [FeedPlan],
    items: &'a HashMap<i64, Item>,
    target: &'a dyn Target,
}

/// What became of one job.
enum Outcome {
    Written(Output),
    Unchanged(Output),
    Failed(String),
}

/// Publishes article pages whose article changed, then every feed, listing page and
/// static file whose signature changed or whose file is missing, then removes what left.
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
    let settings = settings_digest(config, channels);
    let layout = pages::Layout {
        config,
        plans: &plans,
        settings: &settings,
    };
    let mut pages = pages::publish_pages(&layout, entries, store, target, cache, &mut report)?;
    let mut outputs: Vec<(String, Output)> = Vec::new();
    let mut jobs = Vec::new();
    for job in all_jobs(config, &plans) {
        match previous.get(&job.key) {
            Some(old) if old.signature == job.signature && target.exists(&job.key) => {
                report.unchanged += 1;
                outputs.push((job.key, old.clone()));
            }
            _ => jobs.push(job),
        }
    }
    let items = items::build_items(&jobs, &plans, config, store, cache)?;
    let ctx = Context {
        config,
        plans: &plans,
        items: &items,
        target,
    };
    // Feeds first: what readers poll is current sooner; listing pages and the rest follow.
    jobs.sort_by_key(|job| !matches!(job.render, Render::Feed(..)));
    let feeds = jobs
        .iter()
        .take_while(|job| matches!(job.render, Render::Feed(..)))
        .count();
    // A feed's formats are put as one step: a full disk cannot leave them out of step.
    let same_feed = |a: &Job, b: &Job| match (&a.render, &b.render) {
        (Render::Feed(x, _), Render::Feed(y, _)) => std::ptr::eq(*x, *y),
        _ => false,
    };
    let units: Vec<&[Job]> = jobs[..feeds].chunk_by(|a, b| same_feed(a, b)).collect();
    let mut results = Vec::with_capacity(jobs.len());
    for unit in workers::map(&units, |unit| run_all(unit, &ctx)) {
        results.extend(unit?);
    }
    for result in workers::map(&jobs[feeds..], |job| {
        run_all(std::slice::from_ref(job), &ctx)
    }) {
        results.extend(result?);
    }
    for (job, result) in jobs.iter().zip(results) {
        match result {
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
    pages::settle(&mut pages, store, target, cache)?;
    record(store, target, &previous, &outputs, &mut report, |batch| {
        batch.set_state(FEEDS_STALE, stale)?;
        batch.set_state(FEEDS_DIGEST, &settings)
    })?;
    pages::remove_pages(&pages.leaving, store, target, cache, &mut report)?;
    Ok(report)
}

/// Every keyed output: each feed in each format, its listing page, the OPML list and the
/// feed stylesheet.
fn all_jobs<'a>(config: &'a Config, plans: &'a [FeedPlan]) -> Vec<Job<'a>> {
    let metas: Vec<_> = plans.iter().map(|p| p.meta.clone()).collect();
    let opml_text = opml::render(&config.site.title, &metas, &config.feed.formats);
    let mut jobs = vec![
        text_job(OPML_KEY, opml_text),
        text_job(feed::STYLESHEET, page::FEED_XSL.to_string()),
    ];
    // The home page shows every feed, so it changes when any of them does.
    let mut home = blake3::Hasher::new();
    for plan in plans {
        home.update(&plan.signature);
    }
    for plan in plans {
        jobs.extend(config.feed.formats.iter().map(|&format| Job {
            key: format!("{}{}", plan.dir, format.file_name()),
            signature: plan.signature,
            render: Render::Feed(plan, format),
        }));
        let signature = match plan.scope {
            Scope::Site => *home.finalize().as_bytes(),
            _ => plan.signature,
        };
        jobs.push(Job {
            key: format!("{}index.html", plan.dir),
            signature,
            render: Render::Listing(plan),
        });
    }
    jobs
}

fn text_job(key: &str, text: String) -> Job<'static> {
    Job {
        key: key.to_string(),
        signature: *blake3::hash(text.as_bytes()).as_bytes(),
        render: Render::Text(text),
    }
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

/// Renders and checks `jobs`, then puts those that passed as one step.
fn run_all(jobs: &[Job], ctx: &Context) -> Result<Vec<Outcome>> {
    let rendered: Vec<Result<(String, Output), String>> =
        jobs.iter().map(|job| render(job, ctx)).collect();
    let files: Vec<(&str, &[u8])> = jobs
        .iter()
        .zip(&rendered)
        .filter_map(|(job, r)| {
            r.as_ref()
                .ok()
                .map(|(text, _)| (job.key.as_str(), text.as_bytes()))
        })
        .collect();
    let mut written = ctx.target.put_all(&files)?.into_iter();
    Ok(rendered
        .into_iter()
        .map(|r| match r {
            Err(reason) => Outcome::Failed(reason),
            Ok((_, output)) if written.next() == Some(true) => Outcome::Written(output),
            Ok((_, output)) => Outcome::Unchanged(output),
        })
        .collect())
}

/// Renders and checks one job: its bytes and what is recorded of them, or why it failed.
fn render(job: &Job, ctx: &Context) -> Result<(String, Output), String> {
    let items_of = |plan: &FeedPlan| -> Vec<Item> {
        plan.items
            .iter()
            .filter_map(|(rowid, _)| ctx.items.get(rowid).cloned())
            .collect()
    };
    let text = match &job.render {
        Render::Text(text) => text.clone(),
        Render::Feed(plan, format) => {
            let max = ctx.config.feed.max_bytes;
            let fitted = fit(&items_of(plan), max, |it| {
                feed::render(*format, &plan.meta, it)
            });
            for id in &fitted.skipped {
                let why = "over feed.max_bytes even as a summary";
                tracing::warn!(feed = %job.key, item = %id, max, "item left out: {why}");
            }
            fitted.text
        }
        Render::Listing(plan) => listing(plan, &items_of(plan), ctx),
    };
    verify::check(&job.key, &text)?;
    let output = Output {
        content: *blake3::hash(text.as_bytes()).as_bytes(),
        signature: job.signature,
    };
    Ok((text, output))
}

/// The HTML page of a feed: the home page for the site feed, listing every channel and
/// announcing every feed; otherwise the feed's own page.
fn listing(plan: &FeedPlan, items: &[Item], ctx: &Context) -> String {
    let home = plan.scope == Scope::Site;
    let site = ctx.plans.iter().find(|p| p.scope == Scope::Site);
    let channels: Vec<&feed::FeedMeta> = ctx
        .plans
        .iter()
        .filter(|p| home && matches!(p.scope, Scope::Channel(_)))
        .map(|p| &p.meta)
        .collect();
    let discover: Vec<&feed::FeedMeta> = if home {
        ctx.plans.iter().map(|p| &p.meta).collect()
    } else {
        std::iter::once(&plan.meta)
            .chain(site.map(|s| &s.meta))
            .collect()
    };
    listing_page(&Listing {
        site_title: &ctx.config.site.title,
        base_url: &ctx.config.site.base_url,
        feed: &plan.meta,
        items,
        channels: &channels,
        discover: &discover,
        home,
    })
}
