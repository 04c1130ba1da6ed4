//! Article pages: one HTML page per published article at `{channel}/{slug}/index.html`.
//! Only pages whose article or settings changed are rendered; pages of articles that left
//! are removed only after the feeds that listed them were updated.

use std::collections::{HashMap, HashSet};

use anyhow::Result;

use super::cache::{ItemCache, PageSignatures};
use super::items::Shows;
use super::report::PublishReport;
use super::restyle::{self, short};
use super::target::Target;
use crate::config::Config;
use crate::feed::{FeedPlan, Scope};
use crate::identity::{Entry, Hash};
use crate::index::PageOutput;
use crate::index::store::{Output, Store};
use crate::layout::page_key;
use crate::page::{ArticlePage, Templates, article_page};
use crate::workers;

/// Pages rendered and written per index transaction: bounds memory on a cold build.
const CHUNK: usize = 1024;

/// Pages written one by one, each synced; larger batches are synced once per chunk.
const FEW: usize = 16;

/// What every page needs besides its article.
pub(super) struct Layout<'a> {
    pub config: &'a Config,
    pub plans: &'a [FeedPlan],
    /// Digest of the settings pages depend on.
    pub settings: &'a Hash,
    /// How articles show: those that are not live as a notice, the live ones with their
    /// translations.
    pub shows: Shows<'a>,
    /// The settings digests pages may be rendered with besides the current one (see
    /// [`restyle`]).
    pub earlier: &'a [Hash],
    /// At most this many restyled pages per publish (`None`: all of them).
    pub restyle: Option<usize>,
}

/// One page written: its article, where and what, and the key it replaces, if any.
pub(super) struct Written {
    rowid: i64,
    page: PageOutput,
    moved_from: Option<String>,
}

/// What the page step leaves for after the feeds.
pub(super) struct Pages {
    /// Keys of pages to remove once the feeds no longer list them.
    pub leaving: Vec<(i64, String)>,
    /// A few pages written but not yet synced nor recorded (see [`settle`]).
    pending: Vec<Written>,
}

/// The signature recorded for a page whose file is missing: it matches no article.
const MISSING: u64 = 0;

/// Renders and writes the page of every article whose page is missing or out of date.
/// Many pages are synced (one `syncfs` per chunk) and recorded at once; a few are left
/// pending, so that the feeds do not wait for their sync: they are visible at once and
/// made durable by [`settle`] after the feeds.
pub(super) fn publish_pages(
    layout: &Layout,
    entries: &[&Entry],
    store: &mut Store,
    target: &dyn Target,
    cache: &mut ItemCache,
    report: &mut PublishReport,
) -> Result<Pages> {
    let settings = *layout.settings;
    let mut known = match cache.pages.take() {
        Some(known) => known,
        None => {
            let mut known = PageSignatures::default();
            // A page whose file is gone (a removed publish folder) matches no signature, so
            // it is written again (or removed from the index if its article left).
            store.page_signatures(|rowid, sig, key| {
                let sig = if target.exists(key) {
                    short(sig)
                } else {
                    MISSING
                };
                known.insert(rowid, sig);
            })?;
            known
        }
    };
    // Checked on every publish for every article: 64-bit compares, the whole signature
    // computed only for pages to write.
    let sorted = restyle::sort(entries, &known, &settings, layout.earlier);
    let still_known = sorted.known;
    let mut todo = sorted.now;
    let mut restyled = sorted.restyled;
    if let Some(most) = layout.restyle {
        report.restyle_left = restyled.len().saturating_sub(most);
        restyled.truncate(most);
    }
    todo.append(&mut restyled);
    super::clashes::note(layout.shows.translations, &todo, store, report)?;
    let mut leaving = Vec::new();
    let mut pending = Vec::new();
    let result = (|| {
        if still_known < known.len() {
            let live: HashSet<i64> = entries.iter().map(|e| e.rowid).collect();
            for rowid in known.keys().filter(|r| !live.contains(r)) {
                if let Some(page) = store.page(*rowid)? {
                    leaving.push((*rowid, page.key));
                }
            }
        }
        if todo.len() <= FEW {
            pending = write_chunk(layout, &todo, store, target, report)?;
            return Ok(());
        }
        let step = crate::progress::step("writing pages", todo.len() as u64);
        for chunk in todo.chunks(CHUNK) {
            let done = write_chunk(layout, chunk, store, target, report)?;
            step.advance(chunk.len() as u64);
            // The pages must be durable before the index says they are published.
            target.flush()?;
            record_pages(&done, store, &mut known, &mut leaving)?;
        }
        Ok(())
    })();
    cache.pages = result.is_ok().then_some(known);
    result.map(|()| Pages { leaving, pending })
}

/// Syncs and records the pages [`publish_pages`] left pending.
pub(super) fn settle(
    pages: &mut Pages,
    store: &mut Store,
    target: &dyn Target,
    cache: &mut ItemCache,
) -> Result<()> {
    if pages.pending.is_empty() {
        return Ok(());
    }
    let keys: Vec<&str> = pages.pending.iter().map(|w| w.page.key.as_str()).collect();
    target.sync(&keys)?;
    let mut known = cache.pages.take().unwrap_or_default();
    let result = record_pages(&pages.pending, store, &mut known, &mut pages.leaving);
    cache.pages = result.is_ok().then_some(known);
    result
}

fn record_pages(
    done: &[Written],
    store: &mut Store,
    known: &mut PageSignatures,
    leaving: &mut Vec<(i64, String)>,
) -> Result<()> {
    let batch = store.batch()?;
    for w in done {
        batch.set_page(w.rowid, &w.page)?;
    }
    batch.commit()?;
    for w in done {
        known.insert(w.rowid, short(&w.page.output.signature));
        leaving.extend(w.moved_from.clone().map(|key| (w.rowid, key)));
    }
    Ok(())
}

/// One chunk: load, render and write in parallel (durable only at the next flush).
fn write_chunk(
    layout: &Layout,
    chunk: &[(i64, Hash)],
    store: &mut Store,
    target: &dyn Target,
    report: &mut PublishReport,
) -> Result<Vec<Written>> {
    let mut work = Vec::with_capacity(chunk.len());
    for (rowid, sig) in chunk {
        if let Some((record, meta)) = store.article(*rowid)? {
            let old = store.page(*rowid)?.map(|p| p.key);
            work.push((*sig, record, meta, old));
        }
    }
    let config = layout.config;
    let metas: HashMap<&Scope, &FeedPlan> = layout.plans.iter().map(|p| (&p.scope, p)).collect();
    let written = workers::map(&work, |(sig, record, meta, _)| {
        // Stopping (SIGTERM): render nothing more that would not be written.
        if target.closed() {
            anyhow::bail!("stopped: the publish was abandoned at shutdown");
        }
        let item = layout.shows.item(config, record, meta, true);
        let scope = Scope::Channel(record.channel.clone());
        let (Some(channel), Some(site)) = (metas.get(&scope), metas.get(&Scope::Site)) else {
            return Ok(None);
        };
        let page = ArticlePage {
            site_title: &config.site.title,
            base_url: &config.site.base_url,
            channel: &channel.meta,
            site: &site.meta,
            item: &item,
            timezone: config.timezone().unwrap_or(chrono_tz::UTC),
            templates: &config.templates,
        };
        let key = page_key(&record.channel, &record.slug);
        let html = article_page(&page).or_else(|problem| {
            super::render::template_failed(config, &key, &problem);
            let builtin = ArticlePage {
                templates: Templates::builtin(),
                ..page
            };
            article_page(&builtin).map_err(|p| anyhow::anyhow!("{key}: {p}"))
        })?;
        let wrote = target.put_deferred(&key, html.as_bytes())?;
        let output = Output {
            content: *blake3::hash(html.as_bytes()).as_bytes(),
            signature: *sig,
        };
        anyhow::Ok(Some((PageOutput { key, output }, wrote)))
    });
    let mut done = Vec::new();
    for ((_, record, _, old), result) in work.into_iter().zip(written) {
        let Some((page, wrote)) = result? else {
            continue;
        };
        if wrote {
            report.written_pages.push(page.key.clone());
        } else {
            report.unchanged += 1;
        }
        let moved_from = old.filter(|old| *old != page.key);
        done.push(Written {
            rowid: record.rowid,
            page,
            moved_from,
        });
    }
    Ok(done)
}

/// Removes pages of articles that left (or moved), after the feeds were published. A key
/// that another article's page now holds is left alone.
pub(super) fn remove_pages(
    leaving: &[(i64, String)],
    store: &mut Store,
    target: &dyn Target,
    cache: &mut ItemCache,
    report: &mut PublishReport,
) -> Result<()> {
    let mut gone = Vec::new();
    for (rowid, key) in leaving {
        if !store.page_taken(key, *rowid)? {
            target.remove(key)?;
            report.removed.push(key.clone());
        }
        // The article left (rather than moved) when its recorded page is this one.
        if store.page(*rowid)?.is_some_and(|p| p.key == *key) {
            gone.push(*rowid);
        }
    }
    let batch = store.batch()?;
    for rowid in &gone {
        batch.remove_page(*rowid)?;
        if let Some(known) = &mut cache.pages {
            known.remove(rowid);
        }
    }
    batch.commit()
}
