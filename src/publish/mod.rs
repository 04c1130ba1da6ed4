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
//!    not there yet (a new month): then before. The daemon's publish after a change
//!    ([`Extent::News`]) leaves the archives and sitemaps for a later whole one;
//! 7. **record** (`ledger`): what was published, and what to remove (pages, then
//!    pictures, only after the feeds that showed them).

mod archives;
mod cache;
mod clashes;
mod gone;
mod items;
mod jobs;
mod ledger;
mod media;
mod pages;
mod presence;
mod render;
mod report;
mod restyle;
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
use crate::layout::{Month, ROBOTS, Scope};
use crate::lifecycle::{Showing, Stage};

/// How much a publish brings up to date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extent {
    /// Everything: pictures, article pages, feeds, listing pages, archives and sitemaps.
    Whole,
    /// What news needs at once: pictures, article pages, feeds and listing pages. The
    /// archives and sitemaps are left as they are, and recorded as they were, for a later
    /// whole publish to bring up to date ([`PublishReport::deferred`]); unless a feed
    /// would link an archive month not published yet (a new month): then it is whole.
    News,
}

/// How a publish goes: how much it brings up to date, and how many restyled pages (see
/// `restyle`) it renders at most (`None`: all; the daemon renders them a chunk at a time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    /// What it brings up to date.
    pub extent: Extent,
    /// Restyled pages rendered at most, and about as many archive items (whole months,
    /// newest first): the others are left as they are, counted in
    /// [`PublishReport::restyle_left`] and [`PublishReport::archives_left`].
    pub restyle: Option<usize>,
}

impl Pass {
    /// Everything, at once: what a one-shot command does.
    pub const WHOLE: Pass = Pass {
        extent: Extent::Whole,
        restyle: None,
    };
}

/// Publishes article pages whose article changed, then every feed, listing page and
/// static file whose signature changed or whose file is missing, then removes what left:
/// all of it as `showing` (what is public at this moment, see [`crate::lifecycle`]) says,
/// the archives and sitemaps only if `pass` is of [`Extent::Whole`].
pub fn publish(
    config: &Config,
    channels: &BTreeMap<String, ChannelConfig>,
    showing: &Showing,
    store: &mut Store,
    target: &dyn Target,
    cache: &mut ItemCache,
    pass: Pass,
) -> Result<PublishReport> {
    let translations = feed::translations::group(&showing.live);
    let translated: FxHashMap<i64, Entry> = (showing.live.iter())
        .filter_map(|e| Some((e.rowid, translations.mark(e)?)))
        .collect();
    // An article with translations is planned with a version that covers them.
    let planned: Vec<&Entry> = (showing.planned().into_iter())
        .map(|e| translated.get(&e.rowid).unwrap_or(e))
        .collect();
    let feeds_root = config.paths.feeds.canonicalize().ok();
    let shows = items::Shows {
        stages: &showing.stages,
        translations: &translations,
        feeds_root: feeds_root.as_deref(),
    };
    let floors: Vec<&Entry> = showing.floors.iter().collect();
    let mut plans = feed::plan(&planned, &floors, channels, config);
    let newest = feed::archive::newest_months(&planned, &plans, config);
    // A feed links its newest month's archive: when that is not there yet (a new month),
    // the archives go first, before the feeds, and nothing is left for later.
    let archives_first = !newest_archives_exist(&newest, target);
    let defer = pass.extent == Extent::News && !archives_first;
    let archived = if defer {
        feed::archive::link_newest(&mut plans, &newest, &config.site.base_url);
        Vec::new()
    } else {
        feed::archive::plan(&planned, &floors, &mut plans, config)
    };
    let plans = plans;
    let with_page = with_pages(showing, &planned, &floors);
    let entries = &with_page[..];
    let previous = store.outputs()?;
    let mut report = PublishReport {
        feeds: plans.len(),
        deferred: defer,
        ..PublishReport::default()
    };
    let settings = ledger::settings_digest(config, channels);
    let page_settings = *blake3::hash(&settings).as_bytes();
    let earlier = restyle::earlier_digests(store, &page_settings)?;
    let layout = pages::Layout {
        config,
        plans: &plans,
        settings: &page_settings,
        shows,
        earlier: &earlier,
        restyle: pass.restyle,
    };
    let live = live_rowids(showing, &planned);
    let unused_media = media::publish(config, &live, store, target, &mut report)?;
    let mut pages = pages::publish_pages(&layout, entries, store, target, cache, &mut report)?;
    let mut outputs: Vec<(String, Output)> = Vec::new();
    let sitemaps = if defer {
        outputs.extend(left_for_later(&previous));
        sitemaps::Sources::default()
    } else {
        sitemaps::sources(config, showing, &plans, &translations)
    };
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
        budget: pass.restyle,
    };
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
    if !archives_first && !defer {
        let done = archives::publish(&archived, &archive_ctx, cache, &mut report)?;
        outputs.extend(done);
    }
    if !defer {
        // The newest month of each feed changes with every new article: its items stay
        // cached (a publish that left the archives keeps every item it has).
        let newest = archived.iter().filter(|a| a.next.is_none());
        let newest = newest.flat_map(|a| a.items.iter().map(|(rowid, _)| *rowid));
        items::keep_shown(cache, &plans, newest.collect());
    }
    let stale = if report.failed.is_empty() { b"0" } else { b"1" };
    pages::settle(&mut pages, store, target, cache)?;
    ledger::record(store, target, &previous, &outputs, &mut report, |batch| {
        batch.set_state(FEEDS_STALE, stale)?;
        batch.set_state(ledger::FEEDS_DIGEST, &settings)?;
        let digests = restyle::digests_state(&page_settings, &earlier);
        batch.set_state(restyle::PAGE_DIGESTS, &digests)?;
        batch.set_state(sitemaps::SITEMAP_SETTINGS, &sitemaps::settings(config))
    })?;
    pages::remove_pages(&pages.leaving, store, target, cache, &mut report)?;
    media::remove(&unused_media, store, target, &mut report)?;
    report.gone_pages = gone::gone_pages(&showing.stages, store, cache)?;
    Ok(report)
}

/// Whether the archive of every feed's newest month has its first part published in every
/// archive format: the documents the current feeds link to as `prev-archive`.
fn newest_archives_exist(newest: &[(Scope, Month)], target: &dyn Target) -> bool {
    newest.iter().all(|(scope, month)| {
        let key = |f| crate::layout::archive_key(scope, *month, 1, f);
        feed::archive::FORMATS
            .iter()
            .all(|f| target.exists(&key(*f)))
    })
}

/// What a publish of [`Extent::News`] leaves as it was: the archives, the sitemaps and
/// `robots.txt` (which announces them), as recorded.
fn left_for_later(
    previous: &HashMap<String, Output>,
) -> impl Iterator<Item = (String, Output)> + '_ {
    let waits = |key: &str| {
        crate::layout::is_archive(key) || crate::layout::is_sitemap(key) || key == ROBOTS
    };
    (previous.iter())
        .filter(move |(key, _)| waits(key))
        .map(|(key, output)| (key.clone(), output.clone()))
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
fn live_rowids(showing: &Showing, planned: &[&Entry]) -> rustc_hash::FxHashSet<i64> {
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
