//! JSON Feed 1.1 (<https://www.jsonfeed.org/version/1.1/>).

use serde::Serialize;

use super::{FeedMeta, GENERATOR, Item};
use crate::article::date;
use crate::config::Format;

#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    home_page_url: &'a str,
    feed_url: &'a str,
    language: &'a str,
    /// The site icon, for readers' lists (JSON Feed wants it square, 512 pixels).
    #[serde(skip_serializing_if = "Option::is_none")]
    icon: Option<&'a str>,
    /// The same icon, as the feed's small favicon.
    #[serde(skip_serializing_if = "Option::is_none")]
    favicon: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<Author<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hubs: Vec<Hub<'a>>,
    #[serde(rename = "_feedfold")]
    generator: Generator,
    items: Vec<JsonItem<'a>>,
}

#[derive(Serialize)]
struct Generator {
    about: &'static str,
    updated: String,
}

#[derive(Serialize)]
struct Hub<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    url: &'a str,
}

#[derive(Serialize)]
struct Author<'a> {
    name: &'a str,
}

#[derive(Serialize)]
struct JsonItem<'a> {
    id: &'a str,
    url: &'a str,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_html: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_text: Option<&'a str>,
    #[serde(skip_serializing_if = "str::is_empty")]
    summary: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attachments: Vec<Attachment<'a>>,
    date_published: String,
    date_modified: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<Author<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<&'a str>,
    language: &'a str,
}

/// A JSON Feed attachment: the local lead image.
#[derive(Serialize)]
struct Attachment<'a> {
    url: &'a str,
    mime_type: &'a str,
    size_in_bytes: u64,
}

fn authors(names: &[String]) -> Vec<Author<'_>> {
    names.iter().map(|name| Author { name }).collect()
}

/// Renders a JSON Feed 1.1 document.
pub fn render(meta: &FeedMeta, items: &[Item]) -> String {
    let feed = JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: &meta.title,
        description: &meta.description,
        home_page_url: &meta.home_url,
        feed_url: meta.self_url(Format::Json),
        language: &meta.language,
        icon: meta.marks.icon.as_ref().map(|m| m.url.as_str()),
        favicon: meta.marks.icon.as_ref().map(|m| m.url.as_str()),
        authors: meta.author.iter().map(|name| Author { name }).collect(),
        hubs: meta
            .hubs
            .iter()
            .map(|url| Hub {
                kind: "WebSub",
                url,
            })
            .collect(),
        generator: Generator {
            about: GENERATOR,
            updated: date::rfc3339(meta.updated),
        },
        items: items
            .iter()
            .filter(|i| i.in_rss_and_json())
            .map(item)
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&feed).unwrap_or_default();
    text.push('\n');
    text
}

fn item(item: &Item) -> JsonItem<'_> {
    JsonItem {
        id: &item.id,
        url: &item.link,
        title: &item.title,
        content_html: item.content_html.as_deref(),
        content_text: item.content_html.is_none().then_some(item.summary.as_str()),
        summary: &item.summary,
        image: item.image.as_deref(),
        attachments: item
            .lead
            .iter()
            .filter_map(|lead| {
                Some(Attachment {
                    url: &lead.url,
                    mime_type: lead.mime_type?,
                    size_in_bytes: lead.length?,
                })
            })
            .collect(),
        date_published: date::rfc3339(item.published),
        date_modified: date::rfc3339(item.updated),
        authors: authors(&item.authors),
        tags: item
            .categories
            .iter()
            .chain(&item.tags)
            .map(String::as_str)
            .collect(),
        language: &item.lang,
    }
}
