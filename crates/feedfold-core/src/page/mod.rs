//! HTML for visitors: a page per article, the home page, a page per channel, and the XSLT
//! stylesheet that makes RSS and Atom readable in a browser. Pure: values in, HTML out.
//!
//! Pages are rendered from [`Templates`]: the built-in ones (`templates/` beside this file),
//! or a site's own over them. The helpers below (`document`, `site_header`, `footer`)
//! build the same page chrome as the built-in templates, for pages that are not templated.

mod article;
mod links;
mod listing;
mod not_found;
mod preview;
mod samples;
mod structured;
mod templates;

pub use article::{ArticlePage, article_page};
pub use links::read_in;
pub use listing::{Listing, feed_page, listing_page};
pub use not_found::{NotFound, not_found_page};
pub use preview::RELOAD_SCRIPT;
pub use templates::{BUILTIN, MAX_TEMPLATES, TemplateProblem, TemplateSources, Templates};

use crate::article::escape_html as esc;
use crate::article::lang::is_rtl;
use crate::config::Format;
use crate::feed::FeedMeta;

/// The XSLT stylesheet feeds point at (`<?xml-stylesheet?>`), published at the root.
pub const FEED_XSL: &str = include_str!("feed.xsl");

/// The built-in page stylesheet: published once as its own file ([`PAGE_STYLE`]), which
/// every page links, rather than inline in each.
pub const CSS: &str = include_str!("style.css");

/// The key the built-in stylesheet is published at: `_/style.{hash}.css`, named by its
/// text, so that it can be cached for good and a changed one is fetched at once.
pub static PAGE_STYLE: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    crate::layout::page_style_key(&blake3::hash(CSS.as_bytes()).to_hex()[..16])
});

/// Interface words, in the page's language (Arabic or English); templates get them as
/// `labels`.
#[derive(serde::Serialize)]
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
    /// Link-preview tags (`og:`, `twitter:`), for an article with a picture.
    social: String,
    /// `site.base_url`, where the page stylesheet is.
    base_url: &'a str,
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
         <link rel=\"canonical\" href=\"{canonical}\">\n{social}{alternates}\
         <link rel=\"stylesheet\" href=\"{css}\">\n</head>\n\
         <body>\n<div class=\"wrap\">\n{body}</div>\n</body>\n</html>\n",
        lang = esc(head.lang),
        dir = dir(head.lang),
        title = esc(head.title),
        description = esc(head.description),
        canonical = esc(head.canonical),
        social = head.social,
        css = esc(&crate::layout::key_url(head.base_url, &PAGE_STYLE)),
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

fn footer(lang: &str) -> String {
    format!(
        "<footer>{} {}</footer>\n",
        labels(lang).generated,
        crate::feed::GENERATOR
    )
}

#[cfg(test)]
mod tests {
    //! The built-in templates build the same page as the helpers above compose: pages that
    //! are not templated (built with the helpers) look like the others.

    use chrono::{DateTime, Utc};

    use super::samples::{BASE, SITE_TITLE, Samples, TIMEZONE, render_all, samples};
    use super::*;
    use crate::feed::Item;
    use crate::feed::notice::{retraction_text, words};

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

    /// An article page composed from the helpers alone.
    /// The Open Graph article tags and the JSON-LD block every article page starts its
    /// `social` block with.
    fn link_preview(item: &Item) -> String {
        let iso = |d: DateTime<Utc>| d.with_timezone(&TIMEZONE).to_rfc3339();
        let mut out = format!(
            "<meta property=\"og:type\" content=\"article\">\n\
             <meta property=\"og:title\" content=\"{}\">\n\
             <meta property=\"og:description\" content=\"{}\">\n\
             <meta property=\"og:url\" content=\"{}\">\n\
             <meta property=\"og:site_name\" content=\"{}\">\n\
             <meta property=\"og:locale\" content=\"{}\">\n\
             <meta property=\"article:published_time\" content=\"{}\">\n\
             <meta property=\"article:modified_time\" content=\"{}\">\n",
            esc(&item.title),
            esc(&item.summary),
            esc(&item.link),
            esc(SITE_TITLE),
            structured::og_locale(&item.lang),
            iso(item.published),
            iso(item.updated),
        );
        for author in &item.authors {
            out.push_str(&format!(
                "<meta property=\"article:author\" content=\"{}\">\n",
                esc(author)
            ));
        }
        for tag in &item.tags {
            out.push_str(&format!(
                "<meta property=\"article:tag\" content=\"{}\">\n",
                esc(tag)
            ));
        }
        out.push_str(&format!(
            "<script type=\"application/ld+json\">{}</script>\n",
            structured::news_article(
                item,
                &structured::Publisher {
                    name: SITE_TITLE,
                    base_url: BASE,
                    marks: &Default::default(),
                }
            )
        ));
        out
    }

    fn composed_article(s: &Samples, item: &Item) -> String {
        let channel = &s.world;
        let lang = item.lang.as_str();
        let header = site_header(SITE_TITLE, BASE, Some((&channel.title, &channel.home_url)));
        let feeds = [channel, &s.site];
        if let Some(removal) = &item.removal {
            let w = words(lang);
            let (title, text) = match &removal.retraction {
                Some(reason) => (
                    item.title.clone(),
                    retraction_text(lang, removal.at, reason, TIMEZONE),
                ),
                None => (w.removed_title.to_string(), w.removed_notice.to_string()),
            };
            let body = format!(
                "{header}<article class=\"notice\" role=\"status\">\n<h1>{}</h1>\n\
                 <p class=\"meta\">{}</p>\n<p>{}</p>\n</article>\n{}",
                esc(&title),
                time(removal.at, TIMEZONE),
                esc(&text),
                footer(lang),
            );
            let head = Head {
                lang,
                title: &title,
                description: &text,
                canonical: &item.link,
                base_url: BASE,
                feeds: &feeds,
                social: String::new(),
            };
            return document(&head, &body);
        }
        let mut meta = time(item.published, TIMEZONE);
        if item.updated.date_naive() != item.published.date_naive() {
            let updated = time(item.updated, TIMEZONE);
            meta.push_str(&format!(" · {} {updated}", labels(lang).updated));
        }
        if !item.authors.is_empty() {
            let authors: Vec<String> = (item.authors.iter())
                .map(|name| match crate::layout::author_url(BASE, name) {
                    Some(url) => {
                        format!("<a rel=\"author\" href=\"{}\">{}</a>", esc(&url), esc(name))
                    }
                    None => esc(name),
                })
                .collect();
            meta = format!("{} · {meta}", authors.join("، "));
        }
        let translations: Vec<String> = (item.translations.iter())
            .map(|t| {
                format!(
                    "<a href=\"{url}\" hreflang=\"{lang}\" lang=\"{lang}\" dir=\"{}\">{}</a>",
                    dir(&t.lang),
                    esc(&read_in(&t.lang)),
                    url = esc(&t.url),
                    lang = esc(&t.lang),
                )
            })
            .collect();
        let (alternates, translations) = if translations.is_empty() {
            (String::new(), String::new())
        } else {
            let mut links = format!(
                "<link rel=\"alternate\" hreflang=\"{}\" href=\"{}\">\n",
                esc(lang),
                esc(&item.link)
            );
            for t in &item.translations {
                links.push_str(&format!(
                    "<link rel=\"alternate\" hreflang=\"{}\" href=\"{}\">\n",
                    esc(&t.lang),
                    esc(&t.url)
                ));
            }
            let visible = format!(
                "<p class=\"translations\">{}</p>\n",
                translations.join(" · ")
            );
            (links, visible)
        };
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
        let (picture, figure) = item.lead.as_ref().map_or_else(Default::default, |lead| {
            let (w, h) = lead.size.unwrap_or_default();
            let alt = lead.text.alt.as_deref().unwrap_or_default();
            let social = format!(
                "<meta property=\"og:image\" content=\"{}\">\n\
                 <meta property=\"og:image:width\" content=\"{w}\">\n\
                 <meta property=\"og:image:height\" content=\"{h}\">\n\
                 <meta property=\"og:image:alt\" content=\"{}\">\n\
                 <meta name=\"twitter:card\" content=\"summary_large_image\">\n",
                esc(&lead.url),
                esc(alt)
            );
            let caption = format!(
                "<figcaption>{} <span class=\"credit\">{}</span></figcaption>",
                esc(lead.text.caption.as_deref().unwrap_or_default()),
                esc(lead.text.credit.as_deref().unwrap_or_default())
            );
            let figure = format!(
                "<figure class=\"lead\" dir=\"{}\" lang=\"{}\"><img src=\"{}\" alt=\"{}\" \
                 width=\"{w}\" height=\"{h}\">{caption}</figure>\n",
                dir(lang),
                esc(lang),
                esc(&lead.url),
                esc(alt)
            );
            (social, figure)
        });
        let picture = if picture.is_empty() {
            "<meta name=\"twitter:card\" content=\"summary\">\n".to_string()
        } else {
            picture
        };
        let social = format!("{}{picture}{alternates}", link_preview(item));
        let body = format!(
            "{header}<article>\n{translations}<h1>{}</h1>\n<p class=\"meta\">{meta}</p>\n\
             {figure}{content}\n{tags}</article>\n{}{}",
            esc(&item.title),
            subscribe_box(channel, lang),
            footer(lang),
        );
        let head = Head {
            lang,
            title: &item.title,
            description: &item.summary,
            canonical: &item.link,
            base_url: BASE,
            feeds: &feeds,
            social,
        };
        document(&head, &body)
    }

    /// A listing page composed from the helpers alone.
    fn composed_listing(s: &Samples, home: bool) -> String {
        let (feed, channels, items): (&FeedMeta, Vec<&FeedMeta>, &[Item]) = if home {
            (&s.site, vec![&s.world], &s.articles)
        } else {
            (&s.world, Vec::new(), &[])
        };
        let lang = feed.language.as_str();
        let words = labels(lang);
        let crumb = (!home).then_some((feed.title.as_str(), feed.home_url.as_str()));
        let mut body = site_header(SITE_TITLE, BASE, crumb);
        body.push_str(&format!("<h1>{}</h1>\n", esc(&feed.title)));
        if !feed.description.is_empty() {
            body.push_str(&format!(
                "<p class=\"lede\">{}</p>\n",
                esc(&feed.description)
            ));
        }
        body.push_str(&subscribe_box(feed, lang));
        if !channels.is_empty() {
            let links: String = channels
                .iter()
                .map(|c| format!("<a href=\"{}\">{}</a>", esc(&c.home_url), esc(&c.title)))
                .collect();
            let heading = words.channels;
            body.push_str(&format!(
                "<h2>{heading}</h2>\n<nav class=\"channels\">{links}</nav>\n"
            ));
        }
        body.push_str(&format!(
            "<h2>{}</h2>\n<ul class=\"items\">\n",
            words.recent
        ));
        for item in items.iter().filter(|i| i.removal.is_none()) {
            let thumb = item
                .lead
                .as_ref()
                .and_then(|lead| {
                    let (url, w, h) = lead.thumbnail.as_ref()?;
                    let alt = esc(lead.text.alt.as_deref().unwrap_or_default());
                    Some(format!(
                        "<img class=\"thumb\" loading=\"lazy\" src=\"{}\" alt=\"{alt}\" \
                         width=\"{w}\" height=\"{h}\">",
                        esc(url)
                    ))
                })
                .unwrap_or_default();
            body.push_str(&format!(
                "<li lang=\"{}\" dir=\"auto\">{thumb}<a class=\"title\" href=\"{}\">{}</a> \
                 <span class=\"meta\">{}</span><p>{}</p></li>\n",
                esc(&item.lang),
                esc(&item.link),
                esc(&item.title),
                time(item.published, TIMEZONE),
                esc(&item.summary),
            ));
        }
        body.push_str("</ul>\n");
        body.push_str(&footer(lang));
        let feeds = [&s.site, &s.world];
        let head = Head {
            lang,
            title: &feed.title,
            description: &feed.description,
            canonical: &feed.home_url,
            base_url: BASE,
            feeds: &feeds,
            social: String::new(),
        };
        document(&head, &body)
    }

    #[test]
    fn the_built_in_templates_render_what_the_helpers_compose() {
        let s = samples();
        let mut expected: Vec<String> = s
            .articles
            .iter()
            .map(|item| composed_article(&s, item))
            .collect();
        expected.push(composed_listing(&s, true));
        expected.push(composed_listing(&s, false));
        let rendered = render_all(Templates::builtin());
        assert_eq!(rendered.len(), expected.len());
        for (got, want) in rendered.into_iter().zip(expected) {
            assert_eq!(got.unwrap(), want);
        }
    }
}
