//! One feed item, format-neutral: everything RSS, Atom and JSON Feed show of an article.

use chrono::{DateTime, Utc};

use super::notice;
use crate::article::Meta;
use crate::identity::{Record, dates};
use crate::layout::article_url;
use crate::lifecycle::Stage;

/// What every item of a site needs besides its article.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// `site.base_url`.
    pub base_url: &'a str,
    /// `site.timezone`: the day a notice shows is the site's.
    pub timezone: chrono_tz::Tz,
    /// `feed.summary_chars`: notes and notices are cut to it too.
    pub summary_chars: usize,
}

impl<'a> Context<'a> {
    /// The context of `config`'s site.
    pub fn of(config: &'a crate::config::Config) -> Context<'a> {
        Context {
            base_url: &config.site.base_url,
            timezone: config.timezone().unwrap_or(chrono_tz::UTC),
            summary_chars: config.feed.summary_chars,
        }
    }
}

/// Why an item no longer stands for a live article.
#[derive(Debug, Clone, PartialEq)]
pub struct Removal {
    /// When it was retracted, deleted or expired.
    pub at: DateTime<Utc>,
    /// `Some(reason)`: retracted, and RSS and JSON Feed carry the notice item; `None`:
    /// deleted or expired, and only Atom carries it, as a tombstone.
    pub retraction: Option<String>,
}

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
    /// The lead image, described: `None` when there is no [`Item::image`].
    pub lead: Option<Lead>,
    /// `None`: a live article; else why and since when it is not.
    pub removal: Option<Removal>,
    /// The article in other languages (see [`super::translations`]), by language; none
    /// for an article that is not live.
    pub translations: Vec<Translation>,
}

/// The article's story in another language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translation {
    /// Its language (BCP 47).
    pub lang: String,
    /// Its page's URL.
    pub url: String,
}

/// An item's lead image: a published local picture (with its type, length and size), or
/// a remote URL, which is never fetched (so it has none of them).
#[derive(Debug, Clone, PartialEq)]
pub struct Lead {
    /// Its absolute URL (same as [`Item::image`]).
    pub url: String,
    /// Its media type, for a local picture.
    pub mime_type: Option<&'static str>,
    /// Its length in bytes, for a local picture.
    pub length: Option<u64>,
    /// Its width and height in pixels, as shown, for a local picture.
    pub size: Option<(u32, u32)>,
    /// Its thumbnail: URL, width and height.
    pub thumbnail: Option<(String, u32, u32)>,
    /// Front-matter `image_alt`, `image_caption` and `image_credit`.
    pub text: crate::article::ImageText,
}

/// The lead image of an article whose item links to `link`: its local picture, else its
/// image URL resolved against `link`.
fn lead(base_url: &str, link: &str, meta: &Meta) -> Option<Lead> {
    let text = meta.image_text.clone();
    if let Some(picture) = &meta.lead {
        return Some(Lead {
            url: crate::layout::key_url(base_url, &picture.key),
            mime_type: Some(picture.kind.mime()),
            length: Some(picture.length),
            size: Some((picture.width, picture.height)),
            thumbnail: picture
                .thumb
                .as_ref()
                .map(|t| (crate::layout::key_url(base_url, &t.key), t.width, t.height)),
            text,
        });
    }
    let url = meta.image.as_deref().and_then(|src| image_url(link, src))?;
    Some(Lead {
        url,
        mime_type: None,
        length: None,
        size: None,
        thumbnail: None,
        text,
    })
}

/// The link an article's item points at: its front-matter `link`, else its page.
pub fn link(base_url: &str, record: &Record, meta: &Meta) -> String {
    meta.link
        .clone()
        .unwrap_or_else(|| article_url(base_url, &record.channel, &record.slug))
}

/// Builds the item for an article as it shows at `stage`, with its `translations`;
/// `content_html` is `None` in summary mode. Corrections are noted in its content and
/// summary; a retraction replaces them (and the title) with the notice.
pub fn build(
    site: &Context,
    record: &Record,
    meta: &Meta,
    content_html: Option<String>,
    stage: Stage,
    translations: Vec<Translation>,
) -> Item {
    let (published, updated) = dates(meta, record);
    let link = link(site.base_url, record, meta);
    let lead = lead(site.base_url, &link, meta);
    let image = lead.as_ref().map(|l| l.url.clone());
    let full = content_html.is_some();
    let corrections = notice::corrections_html(meta, updated, site.timezone);
    let live = Item {
        id: record.id.clone(),
        title: meta.title.clone(),
        link,
        summary: notice::corrected_summary(meta, updated, site),
        content_html: content_html.map(|html| format!("{corrections}{html}")),
        lang: meta.lang.clone(),
        published,
        updated,
        authors: meta.authors.clone(),
        categories: meta.categories.clone(),
        tags: meta.tags.clone(),
        image,
        lead,
        removal: None,
        translations,
    };
    match stage {
        Stage::Retracted { at, .. } => retracted(live, meta, at, full, site),
        Stage::Removed { at } | Stage::Forgotten { at } => Item {
            content_html: None,
            translations: Vec::new(),
            updated: updated.max(at),
            removal: Some(Removal {
                at,
                retraction: None,
            }),
            ..live
        },
        // Only a preview plans drafts and scheduled articles; it marks their titles.
        Stage::Scheduled { at } => Item {
            title: notice::preview_title(&live.title, &live.lang, Some(at), site.timezone),
            ..live
        },
        Stage::Live | Stage::Hidden if meta.draft => Item {
            title: notice::preview_title(&live.title, &live.lang, None, site.timezone),
            ..live
        },
        Stage::Live | Stage::Hidden => live,
    }
}

/// The notice item that replaces a retracted article's: same id and link, the title
/// marked (or replaced, for a takedown), the notice as content and summary.
fn retracted(live: Item, meta: &Meta, at: DateTime<Utc>, full: bool, site: &Context) -> Item {
    let words = notice::words(&live.lang);
    let (reason, takedown) = meta
        .retraction
        .as_ref()
        .map_or((String::new(), false), |r| (r.reason.clone(), r.takedown));
    let text = notice::retraction_text(&live.lang, at, &reason, site.timezone);
    let text = crate::article::text::truncate_words(&text, site.summary_chars);
    let title = if takedown {
        words.removed_title.to_string()
    } else {
        format!("{}{}", words.retracted, live.title)
    };
    // A legal removal keeps nothing that names the story: no tags, categories or authors.
    let (tags, categories, authors) = if takedown {
        (Vec::new(), Vec::new(), Vec::new())
    } else {
        (
            live.tags.clone(),
            live.categories.clone(),
            live.authors.clone(),
        )
    };
    Item {
        tags,
        categories,
        authors,
        title,
        content_html: full.then(|| format!("<p>{}</p>", crate::article::escape_html(&text))),
        summary: text,
        updated: live.updated.max(at),
        image: None,
        lead: None,
        removal: Some(Removal {
            at,
            retraction: Some(reason),
        }),
        translations: Vec::new(),
        ..live
    }
}

impl Item {
    /// Whether RSS and JSON Feed carry it: live, or a retraction's notice.
    pub fn in_rss_and_json(&self) -> bool {
        self.removal.as_ref().is_none_or(|r| r.retraction.is_some())
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
            lead: None,
            removal: None,
            translations: vec![],
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
