//! The page at an article's link (`/{channel}/{slug}/`).

use super::{Head, document, esc, footer, labels, site_header, subscribe_box, time};
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
}

/// Renders an article page: readable, in the article's language and direction, with
/// autodiscovery links to its channel's feeds. A retracted or removed article's page is its
/// notice instead.
pub fn article_page(page: &ArticlePage) -> String {
    let item = page.item;
    if let Some(removal) = &item.removal {
        return notice_page(page, removal);
    }
    let lang = item.lang.as_str();
    let tz = page.timezone;
    let mut meta = time(item.published, tz);
    if item.updated.date_naive() != item.published.date_naive() {
        meta.push_str(&format!(
            " · {} {}",
            labels(lang).updated,
            time(item.updated, tz)
        ));
    }
    if !item.authors.is_empty() {
        meta = format!("{} · {meta}", esc(&item.authors.join("، ")));
    }
    let content = match &item.content_html {
        Some(html) => html.clone(),
        None => format!("<p>{}</p>", esc(&item.summary)),
    };
    let tags: String = item
        .tags
        .iter()
        .map(|t| format!("<li>#{}</li>", esc(t)))
        .collect();
    let tags = if tags.is_empty() {
        String::new()
    } else {
        format!("<ul class=\"tags\">{tags}</ul>\n")
    };
    let body = format!(
        "{header}<article>\n<h1>{title}</h1>\n<p class=\"meta\">{meta}</p>\n{content}\n{tags}</article>\n{subscribe}{footer}",
        header = site_header(
            page.site_title,
            page.base_url,
            Some((&page.channel.title, &page.channel.home_url))
        ),
        title = esc(&item.title),
        subscribe = subscribe_box(page.channel, lang),
        footer = footer(lang),
    );
    let head = Head {
        lang,
        title: &item.title,
        description: &item.summary,
        canonical: &item.link,
        feeds: &[page.channel, page.site],
    };
    document(&head, &body)
}

/// The short page that stands at a retracted or removed article's URL (served with
/// `410 Gone`): the notice, in the article's language and direction, and nothing of the
/// article but (unless taken down) its title.
fn notice_page(page: &ArticlePage, removal: &Removal) -> String {
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
    let body = format!(
        "{header}<article class=\"notice\" role=\"status\">\n<h1>{title}</h1>\n\
         <p class=\"meta\">{at}</p>\n<p>{text}</p>\n</article>\n{footer}",
        header = site_header(
            page.site_title,
            page.base_url,
            Some((&page.channel.title, &page.channel.home_url))
        ),
        title = esc(&title),
        at = time(removal.at, page.timezone),
        text = esc(&text),
        footer = footer(lang),
    );
    let head = Head {
        lang,
        title: &title,
        description: &text,
        canonical: &item.link,
        feeds: &[page.channel, page.site],
    };
    document(&head, &body)
}
