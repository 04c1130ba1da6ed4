//! HTML for visitors: a page per article, the home page, a page per channel, and the XSLT
//! stylesheet that makes RSS and Atom readable in a browser. Pure: values in, HTML out.

mod article;
mod listing;

use chrono::{DateTime, Utc};

pub use article::{ArticlePage, article_page};
pub use listing::{Listing, feed_page, listing_page};

use crate::article::escape_html as esc;
use crate::article::lang::is_rtl;
use crate::config::Format;
use crate::feed::FeedMeta;

/// The XSLT stylesheet feeds point at (`<?xml-stylesheet?>`), published at the root.
pub const FEED_XSL: &str = include_str!("feed.xsl");

const CSS: &str = include_str!("style.css");

/// Interface words, in the page's language (Arabic or English).
struct Labels {
    subscribe: &'static str,
    hint: &'static str,
    recent: &'static str,
    channels: &'static str,
    updated: &'static str,
    generated: &'static str,
}

const ARABIC: Labels = Labels {
    subscribe: "اشترك",
    hint: "انسخ أحد هذه العناوين والصقه في قارئ الخلاصات لديك (NetNewsWire أو Miniflux أو newsboat…) لتصلك المقالات الجديدة.",
    recent: "أحدث المقالات",
    channels: "الأقسام",
    updated: "حُدّث",
    generated: "تُنشر هذه الصفحات وخلاصاتها تلقائيًا بواسطة",
};

const ENGLISH: Labels = Labels {
    subscribe: "Subscribe",
    hint: "Copy one of these addresses into your feed reader (NetNewsWire, Miniflux, newsboat…) to get new articles as they are published.",
    recent: "Recent articles",
    channels: "Channels",
    updated: "updated",
    generated: "These pages and their feeds are published automatically by",
};

fn labels(lang: &str) -> &'static Labels {
    if lang.split('-').next() == Some("ar") {
        &ARABIC
    } else {
        &ENGLISH
    }
}

/// `rtl` or `ltr` for a language tag.
fn dir(lang: &str) -> &'static str {
    if is_rtl(lang) { "rtl" } else { "ltr" }
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Rss => "RSS",
        Format::Atom => "Atom",
        Format::Json => "JSON Feed",
    }
}

/// What goes in `<head>`.
struct Head<'a> {
    lang: &'a str,
    title: &'a str,
    description: &'a str,
    canonical: &'a str,
    /// Feeds announced for autodiscovery.
    feeds: &'a [&'a FeedMeta],
}

/// A whole HTML document around `body`.
fn document(head: &Head, body: &str) -> String {
    let mut alternates = String::new();
    for feed in head.feeds {
        for (format, url) in &feed.self_urls {
            alternates.push_str(&format!(
                "<link rel=\"alternate\" type=\"{}\" title=\"{} ({})\" href=\"{}\">\n",
                format.media_type(),
                esc(&feed.title),
                format_name(*format),
                esc(url)
            ));
        }
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\" dir=\"{dir}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<meta name=\"description\" content=\"{description}\">\n\
         <link rel=\"canonical\" href=\"{canonical}\">\n{alternates}<style>{CSS}</style>\n</head>\n\
         <body>\n<div class=\"wrap\">\n{body}</div>\n</body>\n</html>\n",
        lang = esc(head.lang),
        dir = dir(head.lang),
        title = esc(head.title),
        description = esc(head.description),
        canonical = esc(head.canonical),
    )
}

/// The site header: the site's name, and where the page sits below it.
fn site_header(site_title: &str, base_url: &str, crumb: Option<(&str, &str)>) -> String {
    let crumb = crumb
        .map(|(title, url)| {
            format!(
                "<span class=\"crumb\">›</span> <a class=\"crumb\" href=\"{}\">{}</a>",
                esc(url),
                esc(title)
            )
        })
        .unwrap_or_default();
    format!(
        "<header class=\"site\"><a href=\"{}/\">{}</a> {crumb}</header>\n",
        esc(base_url),
        esc(site_title)
    )
}

/// A box telling visitors how to subscribe to `feed`.
fn subscribe_box(feed: &FeedMeta, lang: &str) -> String {
    let words = labels(lang);
    let links: Vec<String> = feed
        .self_urls
        .iter()
        .map(|(format, url)| {
            format!(
                "<li>{}: <a href=\"{url}\"><code>{url}</code></a></li>",
                format_name(*format),
                url = esc(url)
            )
        })
        .collect();
    format!(
        "<section class=\"box\"><strong>{}</strong> — {}<ul>{}</ul></section>\n",
        words.subscribe,
        words.hint,
        links.join("")
    )
}

/// A date for people, with the exact instant for machines.
/// A date as pages show it: the day in the site's time zone (`site.timezone`: an article
/// dated `2026-11-25` in Asia/Riyadh shows that day, not the UTC one before it), the exact
/// moment with its offset in `datetime`.
fn time(date: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    let local = crate::article::date::clamp(date).with_timezone(&tz);
    format!(
        "<time dir=\"ltr\" datetime=\"{}\">{}</time>",
        local.to_rfc3339(),
        local.format("%Y-%m-%d")
    )
}

fn footer(lang: &str) -> String {
    format!(
        "<footer>{} {}</footer>\n",
        labels(lang).generated,
        crate::feed::GENERATOR
    )
}
