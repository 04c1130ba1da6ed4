//! Pages that list articles: the home page (`/`, every channel and the newest articles) and
//! a page per channel (`/{channel}/`).

use super::{Head, document, esc, footer, labels, site_header, subscribe_box, time};
use crate::config::Site;
use crate::feed::{FeedMeta, FeedPlan, Item, Scope};

/// Everything a listing page shows.
pub struct Listing<'a> {
    /// The site title (`site.title`).
    pub site_title: &'a str,
    /// The absolute URL the site is served at (`site.base_url`).
    pub base_url: &'a str,
    /// The feed this page is the HTML side of.
    pub feed: &'a FeedMeta,
    /// Newest first.
    pub items: &'a [Item],
    /// Channels to link to (the home page lists them all; a channel page none).
    pub channels: &'a [&'a FeedMeta],
    /// Every feed to announce for autodiscovery.
    pub discover: &'a [&'a FeedMeta],
    /// True for the home page.
    pub home: bool,
    /// The site time zone, in which dates are shown.
    pub timezone: chrono_tz::Tz,
}

/// The HTML page of a feed, composed from the plans: the home page for the site feed,
/// listing every channel and announcing every feed; otherwise the feed's own page,
/// announcing it and the site feed.
pub fn feed_page(site: &Site, plan: &FeedPlan, plans: &[FeedPlan], items: &[Item]) -> String {
    let home = plan.scope == Scope::Site;
    let site_plan = plans.iter().find(|p| p.scope == Scope::Site);
    let channels: Vec<&FeedMeta> = plans
        .iter()
        .filter(|p| home && matches!(p.scope, Scope::Channel(_)))
        .map(|p| &p.meta)
        .collect();
    let discover: Vec<&FeedMeta> = if home {
        plans.iter().map(|p| &p.meta).collect()
    } else {
        std::iter::once(&plan.meta)
            .chain(site_plan.map(|s| &s.meta))
            .collect()
    };
    listing_page(&Listing {
        site_title: &site.title,
        base_url: &site.base_url,
        feed: &plan.meta,
        items,
        channels: &channels,
        discover: &discover,
        home,
        timezone: site.timezone.parse().unwrap_or(chrono_tz::UTC),
    })
}

/// Renders a listing page.
pub fn listing_page(page: &Listing) -> String {
    let lang = page.feed.language.as_str();
    let words = labels(lang);
    let crumb = (!page.home).then_some((page.feed.title.as_str(), page.feed.home_url.as_str()));
    let mut body = site_header(page.site_title, page.base_url, crumb);
    body.push_str(&format!("<h1>{}</h1>\n", esc(&page.feed.title)));
    if !page.feed.description.is_empty() {
        body.push_str(&format!(
            "<p class=\"lede\">{}</p>\n",
            esc(&page.feed.description)
        ));
    }
    body.push_str(&subscribe_box(page.feed, lang));
    if !page.channels.is_empty() {
        let links: String = page
            .channels
            .iter()
            .map(|c| format!("<a href=\"{}\">{}</a>", esc(&c.home_url), esc(&c.title)))
            .collect();
        body.push_str(&format!(
            "<h2>{}</h2>\n<nav class=\"channels\">{links}</nav>\n",
            words.channels
        ));
    }
    body.push_str(&format!(
        "<h2>{}</h2>\n<ul class=\"items\">\n",
        words.recent
    ));
    // Retracted and removed articles leave listings at once.
    for item in page.items.iter().filter(|i| i.removal.is_none()) {
        body.push_str(&format!(
            "<li lang=\"{lang}\" dir=\"auto\"><a class=\"title\" href=\"{link}\">{title}</a> \
             <span class=\"meta\">{date}</span><p>{summary}</p></li>\n",
            lang = esc(&item.lang),
            link = esc(&item.link),
            title = esc(&item.title),
            date = time(item.published, page.timezone),
            summary = esc(&item.summary),
        ));
    }
    body.push_str("</ul>\n");
    body.push_str(&footer(lang));
    let head = Head {
        lang,
        title: &page.feed.title,
        description: &page.feed.description,
        canonical: &page.feed.home_url,
        feeds: page.discover,
    };
    document(&head, &body)
}
