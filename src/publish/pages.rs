//! Article pages: one HTML page per published article at `{channel}/{slug}/index.html`.
//! Only pages whose article or settings changed are rendered; pages of articles that left
//! are removed only after the feeds that listed them were updated.

use std::collections::{HashMap, HashSet};

use anyhow::Result;

use super::items::{ItemCache, build_item};
use super::{PublishReport, Target};
use crate::config::Config;
use crate::feed::{FeedPlan, Scope};
use crate::index::PageOutput;
use crate::index::model::{Entry, Hash, Record};
use crate::index::store::{Output, Store};
use crate::page::{ArticlePage, article_page};
use crate::workers;

/// Pages rendered and written per index transaction: bounds memory on a cold build.
const CHUNK: usize = 1024;

/// The publish-folder key of an article's page.
pub fn page_key(record: &Record) -> String {
    format!("{}/{}/index.html", record.channel, record.slug)
}

/// A page's signature: its article's version (a BLAKE3 hash) masked with the settings
/// digest. Changes when either does; costs no hashing per article, so checking 100,000
/// pages on every publish stays cheap.
fn signature(version: &Hash, settings: &Hash) -> Hash {
    std::array::from_fn(|i| version[i] ^ settings[i])
}

/// Renders and writes the page of every article whose page is missing or out of date.
/// Returns the keys of pages to remove once the feeds are published.
/// What every page needs besides its article.
pub(super) struct Layout<'a> {
    pub config: &'a Config,
    pub plans: &'a [FeedPlan],
    /// Digest of the settings pages depend on.
    pub settings: &'a [u8],
}

pub(super) fn publish_pages(
    layout: &Layout,
    entries: &[&Entry],
    store: &mut Store,
    target: &dyn Target,
    cache: &mut ItemCache,
    report: &mut PublishReport,
) -> Result<Vec<(i64, String)>> {
    let settings = *blake3::hash(layout.settings).as_bytes();
    let mut known = match cache.pages.take() {
        Some(known) => known,
        None => store.page_signatures()?,
    };
    let todo: Vec<(i64, Hash)> = entries
        .iter()
        .map(|e| (e.rowid, signature(&e.version, &settings)))
        .filter(|(rowid, sig)| known.get(rowid) != Some(sig))
        .collect();
    let mut leaving = Vec::new();
    let result = (|| {
        for chunk in todo.chunks(CHUNK) {
            let done = write_chunk(layout, chunk, store, target, report)?;
            for (rowid, page, old_key) in done {
                known.insert(rowid, page.output.signature);
                leaving.extend(old_key.map(|key| (rowid, key)));
            }
        }
        let live: HashSet<i64> = entries.iter().map(|e| e.rowid).collect();
        for rowid in known.keys().filter(|r| !live.contains(r)) {
            if let Some(page) = store.page(*rowid)? {
                leaving.push((*rowid, page.key));
            }
        }
        Ok(leaving)
    })();
    cache.pages = result.is_ok().then_some(known);
    result
}

/// One chunk: load, render and write in parallel, then record in one transaction.
fn write_chunk(
    layout: &Layout,
    chunk: &[(i64, Hash)],
    store: &mut Store,
    target: &dyn Target,
    report: &mut PublishReport,
) -> Result<Vec<(i64, PageOutput, Option<String>)>> {
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
        let item = build_item(config, record, meta, true);
        let scope = Scope::Channel(record.channel.clone());
        let (Some(channel), Some(site)) = (metas.get(&scope), metas.get(&Scope::Site)) else {
            return Ok(None);
        };
        let html = article_page(&ArticlePage {
            site_title: &config.site.title,
            base_url: &config.site.base_url,
            channel: &channel.meta,
            site: &site.meta,
            item: &item,
        });
        let key = page_key(record);
        let wrote = target.put_deferred(&key, html.as_bytes())?;
        let output = Output {
            content: *blake3::hash(html.as_bytes()).as_bytes(),
            signature: *sig,
        };
        anyhow::Ok(Some((PageOutput { key, output }, wrote)))
    });
    // The pages must be durable before the index says they are published.
    target.flush()?;
    let batch = store.batch()?;
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
        batch.set_page(record.rowid, &page)?;
        let moved = old.filter(|old| *old != page.key);
        done.push((record.rowid, page, moved));
    }
    batch.commit()?;
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
