//! One feed item, format-neutral: everything RSS, Atom and JSON Feed show of an article.

use chrono::{DateTime, Utc};

use crate::article::Meta;
use crate::identity::{Record, dates};
use crate::layout::article_url;

/// A feed item. Text fields are plain text; `content_html` is sanitised HTML.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The article's permanent id (`urn:uuid:…`), minted when first seen.
    pub id: String,
    /// The article's title.
    pub title: String,
    /// Where the item points: the front-matter `link`, else the article's page URL.
    pub link: String,
    /// The article's summary; may be empty.
    pub summary: String,
    /// Full content, or `None` to publish the summary only.
    pub content_html: Option<String>,
    /// BCP 47 language of the article.
    pub lang: String,
    /// Publication date (see [`dates`]).
    pub published: DateTime<Utc>,
    /// Last update, never before `published` (see [`dates`]).
    pub updated: DateTime<Utc>,
    /// Author names; may be empty.
    pub authors: Vec<String>,
    /// Channel and front-matter categories.
    pub categories: Vec<String>,
    /// Front-matter tags.
    pub tags: Vec<String>,
    /// Absolute http(s) URL of the article's image, resolved against `link`; `None` when
    /// it gives none or not a usable one.
    pub image: Option<String>,
}

/// The link an article's item points at: its front-matter `link`, else its page.
pub fn link(base_url: &str, record: &Record, meta: &Meta) -> String {
    meta.link
        .clone()
        .unwrap_or_else(|| article_url(base_url, &record.channel, &record.slug))
}

/// Builds the item for an article; `content_html` is `None` in summary mode.
pub fn build(base_url: &str, record: &Record, meta: &Meta, content_html: Option<String>) -> Item {
    let (published, updated) = dates(meta, record);
    let link = link(base_url, record, meta);
    let image = meta.image.as_deref().and_then(|src| image_url(&link, src));
    Item {
        id: record.id.clone(),
        title: meta.title.clone(),
        link,
        summary: meta.summary.clone(),
        content_html,
        lang: meta.lang.clone(),
        published,
        updated,
        authors: meta.authors.clone(),
        categories: meta.categories.clone(),
        tags: meta.tags.clone(),
        image,
    }
}

/// The image URL resolved against the item's link; `None` unless it is http(s) (never
/// `javascript:`, `data:` or another scheme, whatever the index holds).
fn image_url(link: &str, src: &str) -> Option<String> {
    let url = url::Url::parse(link).ok()?.join(src).ok()?;
    matches!(url.scheme(), "http" | "https").then(|| url.into())
}

impl Item {
    /// The same item with its summary in place of its full content.
    pub fn summary_only(&self) -> Item {
        Item {
            content_html: None,
            ..self.clone()
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use chrono::{TimeZone, Utc};

    use super::{Item, image_url};

    /// An item with every field set, for format tests.
    pub fn sample() -> Item {
        let date = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
        Item {
            id: "urn:uuid:00000000-0000-4000-8000-000000000000".into(),
            title: "A title".into(),
            link: "https://news.example/world/a/".into(),
            summary: "A summary.".into(),
            content_html: Some("<p>Body.</p>".into()),
            lang: "en".into(),
            published: date,
            updated: date,
            authors: vec!["Desk".into()],
            categories: vec!["world".into()],
            tags: vec![],
            image: None,
        }
    }

    #[test]
    fn images_resolve_against_the_link_and_only_http_ones_are_kept() {
        let link = "https://news.example/world/a/";
        assert_eq!(
            image_url(link, "pic.jpg").as_deref(),
            Some("https://news.example/world/a/pic.jpg")
        );
        for bad in [
            "javascript:alert(1)",
            " data:image/png;base64,AAAA",
            "vbscript:x",
        ] {
            assert_eq!(image_url(link, bad), None, "{bad}");
        }
    }
}
