//! The job model: every keyed output a publish may write (each feed in each format, its
//! listing page, the OPML list, the stylesheets, the sitemaps) with the signature that says whether the
//! published copy is still current.

use crate::config::{Config, Format};
use crate::feed::{FeedPlan, Scope, opml};
use crate::identity::{Entry, Hash};
use crate::layout;
use crate::page;
use crate::sitemap::Location;

/// One file to render and publish.
pub(super) struct Job<'a> {
    pub key: String,
    pub signature: Hash,
    pub render: Render<'a>,
}

pub(super) enum Render<'a> {
    Feed(&'a FeedPlan, Format),
    /// The HTML page listing a feed's articles (the home page for the site feed).
    Listing(&'a FeedPlan),
    Text(String),
    /// A `<urlset>` sitemap of these pages: `sitemap.xml` whole, or one of its parts.
    Sitemap(&'a [Location<'a>]),
    /// The news sitemap of these articles, newest first.
    News(&'a [&'a Entry]),
}

/// Every keyed output: each feed in each format, its listing page, the OPML list, the
/// feed stylesheet, the page stylesheet, and the site's own stylesheet if it has one.
pub(super) fn all_jobs<'a>(config: &'a Config, plans: &'a [FeedPlan]) -> Vec<Job<'a>> {
    let metas: Vec<_> = plans.iter().map(|p| p.meta.clone()).collect();
    let opml_text = opml::render(&config.site.title, &metas, &config.feed.formats);
    let mut jobs = vec![
        text_job(layout::OPML, opml_text),
        text_job(layout::STYLESHEET, page::FEED_XSL.to_string()),
        text_job(&page::PAGE_STYLE, page::CSS.to_string()),
    ];
    if let Some(css) = config.templates.stylesheet() {
        jobs.push(text_job(layout::SITE_STYLESHEET, css.to_string()));
    }
    // The home page shows every feed, so it changes when any of them does.
    let mut home = blake3::Hasher::new();
    for plan in plans {
        home.update(&plan.signature);
    }
    // A site's templates shape every listing page: pages rendered with other ones are not
    // current (the built-ins alone leave the signatures as they always were).
    let templated = |signature: Hash| match config.templates.digest() {
        Some(digest) => {
            let mut hasher = blake3::Hasher::new();
            hasher.update(&signature);
            hasher.update(&digest);
            *hasher.finalize().as_bytes()
        }
        None => signature,
    };
    for plan in plans {
        jobs.extend(config.feed.formats.iter().map(|&format| Job {
            key: layout::feed_key(&plan.scope, format),
            signature: plan.signature,
            render: Render::Feed(plan, format),
        }));
        let signature = match plan.scope {
            Scope::Site => *home.finalize().as_bytes(),
            _ => plan.signature,
        };
        jobs.push(Job {
            key: layout::listing_key(&plan.scope),
            signature: templated(signature),
            render: Render::Listing(plan),
        });
    }
    jobs
}

pub(super) fn text_job(key: &str, text: String) -> Job<'static> {
    Job {
        key: key.to_string(),
        signature: *blake3::hash(text.as_bytes()).as_bytes(),
        render: Render::Text(text),
    }
}
