//! The page at an article's link (`/{channel}/{slug}/`): `article.html`, or `notice.html`
//! for a retracted or removed article.

use super::templates::{self, Common, Notice, TemplateProblem, Templates};
use crate::feed::notice::{retraction_text, words};
use crate::feed::{FeedMeta, Item, Removal};

/// Everything an article page shows.
pub struct ArticlePage<'a> {
    /// The site title (`site.title`).
    pub site_title: &'a str,
    /// The absolute URL the site is served at (`site.base_url`).
    pub base_url: &'a str,
    /// The feed of the article's channel.
    pub channel: &'a FeedMeta,
    /// The site-wide feed.
    pub site: &'a FeedMeta,
    /// The item, with its full content.
    pub item: &'a Item,
    /// The site time zone, in which dates are shown.
    pub timezone: chrono_tz::Tz,
    /// The templates to render with.
    pub templates: &'a Templates,
}

/// Renders an article page: readable, in the article's language and direction, with
/// autodiscovery links to its channel's feeds. A retracted or removed article's page is its
/// notice instead. An error when the site's template fails on this article.
pub fn article_page(page: &ArticlePage) -> Result<String, TemplateProblem> {
    let item = page.item;
    if let Some(removal) = &item.removal {
        return notice_page(page, removal);
    }
    let common = Common {
        kind: "article",
        site_title: page.site_title,
        base_url: page.base_url,
        lang: &item.lang,
        title: &item.title,
        description: &item.summary,
        canonical: &item.link,
        feeds: &[page.channel, page.site],
        crumb: Some((&page.channel.title, &page.channel.home_url)),
        timezone: page.timezone,
        marks: &page.site.marks,
    };
    templates::article(page.templates, &common, item, page.channel, page.site)
}

/// The short page that stands at a retracted or removed article's URL (served with
/// `410 Gone`): the notice, in the article's language and direction, and nothing of the
/// article but (unless taken down) its title.
fn notice_page(page: &ArticlePage, removal: &Removal) -> Result<String, TemplateProblem> {
    let item = page.item;
    let lang = item.lang.as_str();
    let w = words(lang);
    let (title, text) = match &removal.retraction {
        Some(reason) => (
            item.title.clone(),
            retraction_text(lang, removal.at, reason, page.timezone),
        ),
        None => (w.removed_title.to_string(), w.removed_notice.to_string()),
    };
    let common = Common {
        kind: "notice",
        site_title: page.site_title,
        base_url: page.base_url,
        lang,
        title: &title,
        description: &text,
        canonical: &item.link,
        feeds: &[page.channel, page.site],
        crumb: Some((&page.channel.title, &page.channel.home_url)),
        timezone: page.timezone,
        marks: &page.site.marks,
    };
    let notice = Notice {
        title: &title,
        text: &text,
        at: removal.at,
        retracted: removal.retraction.is_some(),
        link: &item.link,
    };
    templates::notice(page.templates, &common, &notice, page.channel, page.site)
}
