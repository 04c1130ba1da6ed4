//! Publishing, as a sequence of phases that pass values forward:
//!
//! 1. **plan** ([`crate::feed::plan()`]): which feeds exist and which items each shows,
//!    and their monthly archives ([`crate::feed::archive::plan()`]);
//! 2. **pictures** (`media`): the pictures those articles use, before anything shows them;
//! 3. **pages** (`pages`): the page of every article whose page is missing or out of date;
//! 4. **jobs** (`jobs`, `sitemaps`): every keyed output, less those the ledger says are
//!    current;
//! 5. **items** (`items`, kept in `cache`): the feed items those jobs need;
//! 6. **render, verify, write** (`render`, `archives`): each job rendered, parsed back,
//!    put at its key through a [`Target`], feeds first; a feed that fails the check is not
//!    published, the last good one stays. The archives of the months that changed go
//!    after the feeds, so that news does not wait for them, unless a feed would link one
//!    not there yet (a new month): then before;
//! 7. **record** (`ledger`): what was published, and what to remove (pages, then
//!    pictures, only after the feeds that showed them).

mod archives;
mod cache;
mod clashes;
mod items;
mod jobs;
mod ledger;
mod media;
mod pages;
mod render;
mod report;
mod sitemaps;
pub mod target;
mod verify;

use std::collections::{BTreeMap, HashMap};

use anyhow::Result;
use rustc_hash::FxHashMap;
use tracing::error;

pub use cache::ItemCache;
pub use ledger::is_current;
pub use report::PublishReport;
pub use sitemaps::news_changes;
pub use target::{DirTarget, Target};

use crate::config::{ChannelConfig, Config};
use crate::feed;
use crate::identity::Entry;
use crate::index::scan::FEEDS_STALE;
use crate::index::store::{Output, Store};
use crate::lifecycle::{Showing, Stage};

/// Publishes article pages whose article changed, then every feed, listing page and
/// static file whose signature changed or whose file is missing, then removes what left:
/// all of it as `showing` (what is public at this moment, see [`crate::lifecycle`]) says.
pub fn publish(
    config: &Config,
    channels: &BTreeMap<String, ChannelConfig>,
    showing: &Showing,
    store: &mut Store,
    target: &dyn Target,
    cache: &mut ItemCache,
) -> Result<PublishReport> {
    let translations = feed::translations::group(&showing.live);
    let translated: FxHashMap<i64, Entry> = (showing.live.iter())
        .filter_map(|e| Some((e.rowid, translations.mark(e)?)))
        .collect();
    // An article with translations is planned with a version that covers them.
    let planned: Vec<&Entry> = (showing.planned().into_iter())
        .map(|e| translated.get(&e.rowid).unwrap_or(e))
        .collect();
    let shows = items::Shows {
        stages: &showing.stages,
        translations: &translations,
    };
    let floors: Vec<&Entry> = showing.floors.iter().collect();
    let mut plans = feed::plan(&planned, &floors, channels, config);
    let archived = feed::archive::plan(&planned, &floors, &mut plans, config);
    let plans = plans;
    let with_page = with_pages(showing, &planned, &floors);
    let entries = &with_page[..];
    let previous = store.outputs()?;
    let mut report = PublishReport {
        feeds: plans.len(),
        ..PublishReport::default()
    };
    let settings = ledger::settings_digest(config, channels);
    let layout = pages::Layout {
        config,
        plans: &plans,
        settings: &settings,
        shows,
    };
    let live = live_rowids(showing, &planned);
    let unused_media = media::publish(config, &live, store, target, &mut report)?;
    let mut pages = pages::publish_pages(&layout, entries, store, target, cache, &mut report)?;
    let mut outputs: Vec<(String, Output)> = Vec::new();
    let sitemaps = sitemaps::sources(config, showing, &plans, &translations);
    let all = jobs::all_jobs(config, &plans).into_iter();
    let all = all.chain(sitemaps::jobs(config, &sitemaps));
    let mut jobs = stale(all, &previous, target, &mut outputs, &mut report);
    let needed = items::needed_by(&jobs);
    let items = items::build_items(&needed, config, store, cache, shows)?;
    let archive_ctx = archives::Context {
        config,
        previous: &previous,
        store,
        target,
        shows,
    };
    // Archives go before the feeds when a feed would link one not there yet (a new month:
    // no `prev-archive` leads nowhere); else after them, so that a new article's feeds do
    // not wait for its month's archive.
    let archives_first = !newest_archives_exist(&archived, target);
    if archives_first {
        let done = archives::publish(&archived, &archive_ctx, cache, &mut report)?;
        outputs.extend(done);
    }
    let titles = sitemaps::titles(&jobs, store)?;
    let ctx = render::Context {
        config,
        plans: &plans,
        items: &items,
        titles: &titles,
        target,
    };
    let results = render::run(&mut jobs, &ctx)?;
    tally(&jobs, results, &previous, &mut outputs, &mut report);
    if !archives_first {
        let done = archives::publish(&archived, &archive_ctx, cache, &mut report)?;
        outputs.extend(done);
    }
    // The newest month of each feed changes with every new article: its items stay cached.
    let newest = archived.iter().filter(|a| a.next.is_none());
    let newest = newest.flat_map(|a| a.items.iter().map(|(rowid, _)| *rowid));
    items::keep_shown(cache, &plans, newest.collect());
    let stale = if report.failed.is_empty() { b"0" } else { b"1" };
    pages::settle(&mut pages, store, target, cache)?;
    ledger::record(store, target, &previous, &outputs, &mut report, |batch| {
        batch.set_state(FEEDS_STALE, stale)?;
        batch.set_state(ledger::FEEDS_DIGEST, &settings)?;
        batch.set_state(sitemaps::SITEMAP_SETTINGS, &sitemaps::settings(config))
    })?;
    pages::remove_pages(&pages.leaving, store, target, cache, &mut report)?;
    media::remove(&unused_media, store, target, &mut report)?;
    report.gone_pages = pages::gone_pages(&showing.stages, store)?;
    Ok(report)
}

/// Whether the newest month of every archived feed has its first part published in every
/// archive format: the documents the current feeds link to as `prev-archive`.
fn newest_archives_exist(archived: &[feed::archive::ArchivePlan], target: &dyn Target) -> bool {
    let mut newest = archived.iter().filter(|a| a.next.is_none());
    newest.all(|a| {
        let key = |f| crate::layout::archive_key(&a.scope, a.month, 1, f);
        feed::archive::FORMATS
            .iter()
            .all(|f| target.exists(&key(*f)))
    })
}

/// The articles with a page: every article in a feed, and the notice of a retraction
/// that stands.
fn with_pages<'a>(
    showing: &Showing,
    planned: &[&'a Entry],
    floors: &[&'a Entry],
) -> Vec<&'a Entry> {
    let gone = |e: &&&Entry| showing.stages.get(&e.rowid).is_some_and(|s| s.is_gone());
    planned
        .iter()
        .copied()
        .chain(floors.iter().filter(gone).copied())
        .collect()
}

/// The planned articles that are live (their pictures are published); in a preview,
/// the scheduled ones too.
fn live_rowids(showing: &Showing, planned: &[&Entry]) -> std::collections::HashSet<i64> {
    planned
        .iter()
        .filter(|e| {
            showing
                .stages
                .get(&e.rowid)
                .is_none_or(|s| matches!(s, Stage::Live | Stage::Scheduled { .. }))
        })
        .map(|e| e.rowid)
        .collect()
}

/// The jobs whose output the ledger does not hold as current (or whose file is missing);
/// the others keep what was recorded of them, in `outputs`.
fn stale<'a>(
    all: impl Iterator<Item = jobs::Job<'a>>,
    previous: &HashMap<String, Output>,
    target: &dyn Target,
    outputs: &mut Vec<(String, Output)>,
    report: &mut PublishReport,
) -> Vec<jobs::Job<'a>> {
    let mut jobs = Vec::new();
    for job in all {
        match previous.get(&job.key) {
            Some(old) if old.signature == job.signature && target.exists(&job.key) => {
                report.unchanged += 1;
                outputs.push((job.key, old.clone()));
            }
            _ => jobs.push(job),
        }
    }
    jobs
}

/// Takes each job's outcome into the report and the outputs to record; a feed that failed
/// its check keeps what was recorded of its last good version.
fn tally(
    jobs: &[jobs::Job],
    results: Vec<render::Outcome>,
    previous: &HashMap<String, Output>,
    outputs: &mut Vec<(String, Output)>,
    report: &mut PublishReport,
) {
    for (job, result) in jobs.iter().zip(results) {
        match result {
            render::Outcome::Written(output) => {
                report.written.push(job.key.clone());
                outputs.push((job.key.clone(), output));
            }
            render::Outcome::Unchanged(output) => {
                report.unchanged += 1;
                outputs.push((job.key.clone(), output));
            }
            render::Outcome::Failed(reason) => {
                error!(key = job.key, %reason, "feed failed its parse-back check; the last good version stays");
                report.failed.push((job.key.clone(), reason));
                if let Some(old) = previous.get(&job.key) {
                    outputs.push((job.key.clone(), old.clone()));
                }
            }
        }
    }
}
