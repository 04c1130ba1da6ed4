//! The sitemap jobs: `sitemap.xml` (or its index and parts), `news-sitemap.xml` and
//! `robots.txt`, from what is public at the publish's moment (see [`crate::sitemap`]). Each
//! file is its own job with a signature computed without rendering it, so that a publish
//! that changes nothing a sitemap shows renders and writes none of them. A preview writes
//! none (its pages are `noindex`), nor does a site with `publish.sitemaps = false`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Result;
use chrono::{DateTime, Utc};
use tracing::info;

use super::jobs::{Job, Render, text_job};
use crate::config::Config;
use crate::feed::FeedPlan;
use crate::feed::translations::Translations;
use crate::identity::Entry;
use crate::index::store::Store;
use crate::layout::{self, NEWS_SITEMAP, ROBOTS, SITEMAP, article_url, key_url};
use crate::lifecycle::Showing;
use crate::sitemap::{self, Location, news, robots};

/// What the sitemaps show: `None` in a preview, which has none (and by default: none
/// written, as in a publish that leaves them for later).
#[derive(Default)]
pub(super) struct Sources<'a>(Option<(Vec<Location<'a>>, Vec<&'a Entry>)>);

/// The sitemaps' pages and news articles at `showing`'s moment: every live article (with
/// its `translations`), and the listing page of every feed in `plans`.
pub(super) fn sources<'a>(
    config: &Config,
    showing: &Showing<'a>,
    plans: &'a [FeedPlan],
    translations: &'a Translations,
) -> Sources<'a> {
    if !wanted(config) {
        return Sources(None);
    }
    let listings = plans.iter().map(|p| (p.dir.as_str(), p.meta.updated));
    let locations = sitemap::locations(&showing.live, listings, Some(translations));
    let news = news::select(&showing.live, showing.now, news::MAX_ARTICLES);
    Sources(Some((locations, news)))
}

/// Whether this site has sitemaps: not in a preview (its pages are `noindex`), nor when
/// `publish.sitemaps` is off.
fn wanted(config: &Config) -> bool {
    !config.preview && config.publish.sitemaps
}

/// The next moment the news sitemap changes by time alone (an article ages out), for the
/// daemon's timer; `None` in a preview or when it lists nothing.
pub fn news_changes(config: &Config, showing: &Showing) -> Option<DateTime<Utc>> {
    if !wanted(config) {
        return None;
    }
    news::leaves(&news::select(
        &showing.live,
        showing.now,
        news::MAX_ARTICLES,
    ))
}

/// The sitemap jobs: `sitemap.xml` whole, or its index and its parts
/// (`_/sitemaps/sitemap-{n}.xml`); `news-sitemap.xml`; and `robots.txt` when one is wanted.
pub(super) fn jobs<'a>(config: &'a Config, sources: &'a Sources<'a>) -> Vec<Job<'a>> {
    let Some((locations, news)) = &sources.0 else {
        return Vec::new();
    };
    let site = &config.site;
    let base = site.base_url.as_str();
    let mut jobs = Vec::new();
    let parts = sitemap::parts(base, locations);
    if let [whole] = parts[..] {
        jobs.push(Job {
            key: SITEMAP.to_string(),
            signature: sitemap::signature(base, whole),
            render: Render::Sitemap(whole),
        });
    } else {
        let mut listed = Vec::with_capacity(parts.len());
        for (i, part) in parts.into_iter().enumerate() {
            let key = layout::sitemap_part_key(i + 1);
            listed.push((key_url(base, &key), sitemap::newest(part)));
            jobs.push(Job {
                key,
                signature: sitemap::signature(base, part),
                render: Render::Sitemap(part),
            });
        }
        jobs.push(text_job(SITEMAP, sitemap::index(&listed)));
    }
    jobs.push(Job {
        key: NEWS_SITEMAP.to_string(),
        signature: news::signature(&site.title, base, news),
        render: Render::News(news),
    });
    jobs.extend(robots_text(config).map(|text| text_job(ROBOTS, text)));
    jobs
}

/// State key: the settings the sitemap files were chosen with, besides those of the
/// feeds' digest (see `ledger`).
pub(super) const SITEMAP_SETTINGS: &str = "sitemap_settings";

/// What of `config` decides which sitemap files exist and the feeds' digest does not hold.
pub(super) fn settings(config: &Config) -> Vec<u8> {
    format!(
        "robots={} sitemaps={}",
        config.publish.robots, config.publish.sitemaps
    )
    .into_bytes()
}

/// Whether the log already said why there is no `robots.txt`.
static NO_ROBOTS_SAID: AtomicBool = AtomicBool::new(false);

/// `robots.txt`, unless `publish.robots = false`, or `site.base_url` has a path (where no
/// crawler reads one: said once in the log).
fn robots_text(config: &Config) -> Option<String> {
    let base = &config.site.base_url;
    if !config.publish.robots {
        return None;
    }
    if !robots::at_host_root(base) {
        if !NO_ROBOTS_SAID.swap(true, Ordering::Relaxed) {
            info!(
                base_url = %base,
                "no robots.txt: site.base_url has a path, and crawlers read robots.txt only at \
                 a host's root; announce {} and {} in the host's own",
                key_url(base, SITEMAP),
                key_url(base, NEWS_SITEMAP)
            );
        }
        return None;
    }
    Some(robots::render(&[
        key_url(base, SITEMAP),
        key_url(base, NEWS_SITEMAP),
    ]))
}

/// The titles the news sitemap jobs among `jobs` need, by rowid, from the index.
pub(super) fn titles(jobs: &[Job], store: &Store) -> Result<HashMap<i64, String>> {
    let mut titles = HashMap::new();
    for job in jobs {
        let Render::News(entries) = job.render else {
            continue;
        };
        for entry in entries {
            if let Some((_, meta)) = store.article(entry.rowid)? {
                titles.insert(entry.rowid, meta.title);
            }
        }
    }
    Ok(titles)
}

/// The news sitemap of `entries`, with their `titles` (an article without one, gone since
/// the scan, is left out).
pub(super) fn news_text(
    config: &Config,
    entries: &[&Entry],
    titles: &HashMap<i64, String>,
) -> String {
    let base = &config.site.base_url;
    let stories: Vec<news::Story> = entries
        .iter()
        .filter_map(|e| {
            Some(news::Story {
                url: article_url(base, &e.channel, &e.slug),
                title: titles.get(&e.rowid)?,
                lang: &e.lang,
                published: e.published,
            })
        })
        .collect();
    news::render(&config.site.title, &stories)
}
