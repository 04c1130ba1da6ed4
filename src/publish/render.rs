//! Render, verify, write: each job's text is rendered (feeds fitted to their byte budget),
//! parsed back, and put at its key; a feed's formats go as one step, so that a full disk
//! cannot leave them out of step. Feeds go first: what readers poll is current sooner.

use std::collections::HashMap;

use anyhow::Result;

use super::jobs::{Job, Render};
use super::target::Target;
use super::verify;
use crate::config::Config;
use crate::feed::{self, FeedPlan, Item, fit::fit};
use crate::index::store::Output;
use crate::page;
use crate::sitemap;
use crate::workers;

/// Runs every job, feeds first (sorting `jobs` so); one outcome per job, in their new order.
pub(super) fn run(jobs: &mut [Job], ctx: &Context) -> Result<Vec<Outcome>> {
    jobs.sort_by_key(|job| !matches!(job.render, Render::Feed(..)));
    let feeds = jobs
        .iter()
        .take_while(|job| matches!(job.render, Render::Feed(..)))
        .count();
    let same_feed = |a: &Job, b: &Job| match (&a.render, &b.render) {
        (Render::Feed(x, _), Render::Feed(y, _)) => std::ptr::eq(*x, *y),
        _ => false,
    };
    let units: Vec<&[Job]> = jobs[..feeds].chunk_by(|a, b| same_feed(a, b)).collect();
    let mut results = Vec::with_capacity(jobs.len());
    for unit in workers::map(&units, |unit| run_all(unit, ctx)) {
        results.extend(unit?);
    }
    for result in workers::map(&jobs[feeds..], |job| {
        run_all(std::slice::from_ref(job), ctx)
    }) {
        results.extend(result?);
    }
    Ok(results)
}

/// What every job may read.
pub(super) struct Context<'a> {
    pub config: &'a Config,
    pub plans: &'a [FeedPlan],
    pub items: &'a HashMap<i64, Item>,
    /// The titles of the news sitemap's articles, by rowid.
    pub titles: &'a HashMap<i64, String>,
    pub target: &'a dyn Target,
}

/// What became of one job.
pub(super) enum Outcome {
    Written(Output),
    Unchanged(Output),
    Failed(String),
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

/// Logs that the site's template failed on the page at `key` (which is then rendered with
/// the built-in one, so that the page stays up).
pub(super) fn template_failed(config: &Config, key: &str, problem: &page::TemplateProblem) {
    let folder = config.paths.templates.display();
    tracing::warn!(
        key,
        template = %format!("{folder}/{problem}"),
        "the site's template failed on this page; the built-in template was used"
    );
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
        Render::Sitemap(locations) => sitemap::urlset(&ctx.config.site.base_url, locations),
        Render::News(entries) => super::sitemaps::news_text(ctx.config, entries, ctx.titles),
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
        Render::Listing(plan) => {
            let items = items_of(plan);
            let page_with = |templates: &page::Templates| {
                page::feed_page(&ctx.config.site, templates, plan, ctx.plans, &items)
            };
            page_with(&ctx.config.templates).or_else(|problem| {
                template_failed(ctx.config, &job.key, &problem);
                page_with(page::Templates::builtin()).map_err(|p| p.to_string())
            })?
        }
    };
    verify::check(&job.key, &text)?;
    let output = Output {
        content: *blake3::hash(text.as_bytes()).as_bytes(),
        signature: job.signature,
    };
    Ok((text, output))
}
