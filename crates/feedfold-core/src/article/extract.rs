//! From a [`Document`] to the metadata every article gets: title, summary, language, dates,
//! authors, tags, categories and the slug, id and link candidates.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::frontmatter::{FrontMatter, OneOrMany};
use super::text::{collapse_whitespace, truncate_words};
use super::{Body, Document, Rejection, date, lang, limits, markdown, plain, slug};
use crate::config::is_language_tag;

/// What the surroundings say when the article itself is silent.
#[derive(Debug, Clone)]
pub struct Defaults<'a> {
    /// Channel name (the folder), always one of the article's categories.
    pub channel: &'a str,
    /// Channel language (`channel.toml` `language`); `None`: an article that gives no `lang`
    /// has its language detected from its text.
    pub channel_language: Option<&'a str>,
    /// Site language (`site.language`), when neither the article, its channel nor detection
    /// tells one.
    pub site_language: &'a str,
    /// Channel author, else site author.
    pub author: Option<&'a str>,
    /// Time zone in which dates without an offset are read (`site.timezone`).
    pub timezone: Tz,
    /// Most characters of a summary, cut at a word boundary (`feed.summary_chars`).
    pub summary_chars: usize,
    /// Most tags (and most front-matter categories) an article keeps (`feed.max_tags`).
    pub max_tags: usize,
    /// Most authors an article keeps (`feed.max_authors`).
    pub max_authors: usize,
}

/// Extracted metadata, as stored in the index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// Title: front-matter `title`, else the body's first heading or line; never empty.
    pub title: String,
    /// Summary: front-matter `summary` or `description`, else the lede (plain text) or first
    /// paragraph (Markdown), truncated to [`Defaults::summary_chars`]; may be empty.
    pub summary: String,
    /// BCP 47 language: front-matter `lang`, else the channel's, else detected, else the site's.
    pub lang: String,
    /// Publication date: front-matter `date`, else the file name's date (see
    /// [`own_date`](super::own_date)); `None`: neither gives one.
    pub date: Option<DateTime<Utc>>,
    /// Front-matter `updated`; `None` when absent or invalid (the latter with a warning).
    pub updated: Option<DateTime<Utc>>,
    /// Front-matter `author` and `authors`, else the channel or site author; may be empty;
    /// capped at [`Defaults::max_authors`].
    pub authors: Vec<String>,
    /// Front-matter tags, cleaned and capped at [`Defaults::max_tags`].
    pub tags: Vec<String>,
    /// The channel name, then the front-matter categories, cleaned and capped.
    pub categories: Vec<String>,
    /// Slug given in front matter.
    pub slug: Option<String>,
    /// Slug derived from the title.
    pub title_slug: Option<String>,
    /// Id given in front matter.
    pub id: Option<String>,
    /// Link given in front matter.
    pub link: Option<String>,
    /// Image given in front matter, if valid.
    pub image: Option<String>,
    /// Front-matter `image_alt`, `image_caption` and `image_credit`: plain text about the
    /// lead image.
    #[serde(default, skip_serializing_if = "ImageText::is_empty")]
    pub image_text: ImageText,
    /// The lead picture, when it is a local file (front-matter `image`, a sidecar, or the
    /// first body image): filled in by the scan, which reads the files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead: Option<crate::media::Picture>,
    /// The local pictures of the body, in order (at most `feed.max_images`, with the lead):
    /// filled in by the scan.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pictures: Vec<crate::media::Picture>,
    /// Front-matter `draft`: a draft is indexed but not published.
    pub draft: bool,
    /// Front-matter `expires`: when the article leaves every feed and listing.
    #[serde(default)]
    pub expires: Option<DateTime<Utc>>,
    /// Corrections on the record, oldest first.
    #[serde(default)]
    pub corrections: Vec<super::Correction>,
    /// The retraction, when the story was taken down on the record.
    #[serde(default)]
    pub retraction: Option<super::Retraction>,
    /// Front-matter `translation_key`: articles sharing one are the same story in other
    /// languages (see `translation.rs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub translation_key: Option<String>,
}

/// What front matter says about the lead image, as plain text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageText {
    /// `image_alt`: its text alternative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alt: Option<String>,
    /// `image_caption`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// `image_credit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit: Option<String>,
}

impl ImageText {
    /// True when front matter says nothing about the image.
    pub fn is_empty(&self) -> bool {
        self == &ImageText::default()
    }

    fn of(fm: &FrontMatter) -> ImageText {
        let clean = |v: &Option<String>| {
            v.as_deref()
                .map(|t| truncate_words(&collapse_whitespace(t), IMAGE_TEXT_CHARS))
                .filter(|t| !t.is_empty())
        };
        ImageText {
            alt: clean(&fm.image_alt),
            caption: clean(&fm.image_caption),
            credit: clean(&fm.image_credit),
        }
    }
}

/// Longest image alt text, caption or credit kept, in characters.
const IMAGE_TEXT_CHARS: usize = 500;

/// What the body says when front matter is silent: a title, a lede, and a sample of text
/// for language detection (only what is needed is looked for).
fn from_body(
    doc: &Document,
    d: &Defaults,
) -> Result<(Option<String>, Option<String>, String), Rejection> {
    let fm = &doc.front;
    let needs_sample = fm.lang.is_none() && d.channel_language.is_none();
    let sample_chars = if needs_sample { lang::SAMPLE_CHARS } else { 0 };
    Ok(match &doc.body {
        Body::Plain(text) => {
            match plain::head(text, sample_chars) {
                Some(head) => (Some(head.title), head.lede, head.sample),
                // Front matter alone may make a (title-only) article.
                None if fm.title.is_some() => (None, None, String::new()),
                None => return Err(Rejection::Empty),
            }
        }
        Body::Markdown(md) => {
            let needs = markdown::Needs {
                heading: fm.title.is_none(),
                paragraph: fm.summary.is_none() && fm.description.is_none(),
                sample_chars,
            };
            // Even a parser that stops early reads the whole block structure: skip it
            // when front matter already says everything.
            if needs.heading || needs.paragraph || needs.sample_chars > 0 {
                let outline = markdown::outline(md, needs);
                (outline.heading, outline.first_paragraph, outline.sample)
            } else {
                (None, None, String::new())
            }
        }
    })
}

/// The defaults unit tests extract with: channel `world`, English, UTC, no author.
#[cfg(test)]
pub(crate) fn test_defaults() -> Defaults<'static> {
    Defaults {
        channel: "world",
        channel_language: None,
        site_language: "en",
        author: None,
        timezone: chrono_tz::UTC,
        summary_chars: 280,
        max_tags: 20,
        max_authors: 10,
    }
}

/// Extracts metadata; the warnings name what was ignored or repaired.
pub fn extract(doc: &Document, d: &Defaults) -> Result<(Meta, Vec<String>), Rejection> {
    let mut warnings = doc.repairs.clone();
    let fm = &doc.front;
    let (title, lead, sample) = from_body(doc, d)?;
    let escaped = [
        &fm.title,
        &fm.summary,
        &fm.description,
        &fm.author,
        &fm.image_alt,
        &fm.image_caption,
        &fm.image_credit,
    ];
    if escaped
        .iter()
        .filter_map(|v| v.as_deref())
        .any(has_forbidden)
    {
        warnings.push("control characters in front matter values removed".into());
    }
    let title = fm.title.as_deref().map(collapse_whitespace).or(title);
    let title = title.filter(|t| !t.is_empty()).ok_or(Rejection::NoTitle)?;
    let title = limits::title(title, &mut warnings);
    let summary = fm
        .summary
        .as_ref()
        .or(fm.description.as_ref())
        .cloned()
        .or(lead);
    let summary = truncate_words(&summary.unwrap_or_default(), d.summary_chars);
    let lang = language(
        fm.lang.as_deref(),
        d,
        &format!("{title} {sample}"),
        &mut warnings,
    );
    let (date, updated) = read_dates(fm, d.timezone, &mut warnings)?;
    let record = super::newsroom::read(fm, d.timezone, date, &mut warnings)?;
    let meta = Meta {
        slug: fm.slug.as_deref().and_then(slug::slugify),
        title_slug: slug::slugify(&title),
        title,
        summary,
        lang,
        date,
        updated,
        authors: authors(doc, d, &mut warnings),
        tags: lists(fm.tags.as_ref(), d.max_tags, TAGS, &mut warnings),
        categories: categories(fm, d, &mut warnings),
        id: checked(fm.id.as_deref(), &ID, &mut warnings),
        link: checked(fm.link.as_deref(), &LINK, &mut warnings),
        image: checked(fm.image.as_deref(), &IMAGE, &mut warnings),
        image_text: ImageText::of(fm),
        lead: None,
        pictures: Vec::new(),
        draft: fm.draft,
        expires: record.expires,
        corrections: record.corrections,
        retraction: record.retraction,
        translation_key: super::translation::key(fm, &mut warnings),
    };
    warnings.extend(
        fm.unknown
            .keys()
            .map(|k| format!("unknown front matter key `{k}` ignored")),
    );
    Ok((meta, warnings))
}

fn language(given: Option<&str>, d: &Defaults, text: &str, warnings: &mut Vec<String>) -> String {
    if let Some(given) = given.map(str::trim) {
        if is_language_tag(given) {
            return given.to_string();
        }
        warnings.push(format!("invalid lang `{given}` ignored"));
    }
    d.channel_language
        .or_else(|| lang::detect(text))
        .unwrap_or(d.site_language)
        .to_string()
}

/// A date an article may or may not give.
type Date = Option<DateTime<Utc>>;

/// The front-matter `date` and `updated`. An invalid `date` rejects the article (failing
/// closed: a typo must never publish a story under a wrong date); an invalid `updated` is
/// a warning, and the fallback is used.
fn read_dates(
    fm: &super::frontmatter::FrontMatter,
    tz: Tz,
    warnings: &mut Vec<String>,
) -> Result<(Date, Date), Rejection> {
    let date = read_date(fm.date.as_ref(), tz).map_err(|error| Rejection::InvalidDate {
        place: "front matter `date`".into(),
        error,
    })?;
    let updated = read_date(fm.updated.as_ref(), tz).unwrap_or_else(|e| {
        warnings.push(format!("updated: {e}; using the fallback"));
        None
    });
    Ok((date, updated))
}

/// A front-matter date: absent, valid, or an error that says why not.
pub(super) fn read_date(
    value: Option<&super::frontmatter::DateValue>,
    tz: Tz,
) -> Result<Date, date::DateError> {
    value
        .map(|v| date::parse_date(&v.as_text(), tz))
        .transpose()
}

fn authors(doc: &Document, d: &Defaults, warnings: &mut Vec<String>) -> Vec<String> {
    let fm = &doc.front;
    let given = fm
        .author
        .iter()
        .cloned()
        .chain(fm.authors.iter().flat_map(|a| a.clone().into_vec()));
    let list = limits::names(given, d.max_authors, AUTHORS, warnings);
    if list.is_empty() {
        d.author.map(|a| vec![a.to_string()]).unwrap_or_default()
    } else {
        list
    }
}

/// The channel, then the front-matter categories, cleaned and capped.
fn categories(fm: &FrontMatter, d: &Defaults, warnings: &mut Vec<String>) -> Vec<String> {
    let given = fm.categories.iter().flat_map(|c| c.clone().into_vec());
    let all = std::iter::once(d.channel.to_string()).chain(given);
    let max = d.max_tags.saturating_add(1);
    limits::names(all, max, "categories (feed.max_tags)", warnings)
}

/// A front-matter list, cleaned and capped (see [`limits::names`]).
fn lists(
    list: Option<&OneOrMany>,
    max: usize,
    what: &str,
    warnings: &mut Vec<String>,
) -> Vec<String> {
    let items = list.into_iter().flat_map(|l| l.clone().into_vec());
    limits::names(items, max, what, warnings)
}

const TAGS: &str = "tags (feed.max_tags)";
const AUTHORS: &str = "authors (feed.max_authors)";

/// What a front-matter URL key must hold.
struct UrlRule {
    key: &'static str,
    want: &'static str,
    ok: fn(&str) -> bool,
    /// The form published: a link as the URL parser writes it (percent-encoded, so that
    /// every reader parses the same host), other values as written.
    published: fn(&str) -> String,
}

fn as_written(value: &str) -> String {
    value.to_string()
}

fn as_parsed(value: &str) -> String {
    url::Url::parse(value).map_or_else(|_| value.to_string(), String::from)
}

const ID: UrlRule = UrlRule {
    key: "id",
    want: "an absolute URI (and not javascript:, data:, vbscript: or file:)",
    ok: is_uri,
    published: as_written,
};
const LINK: UrlRule = UrlRule {
    key: "link",
    want: "an absolute http(s) URL",
    ok: limits::is_http_url,
    published: as_parsed,
};
const IMAGE: UrlRule = UrlRule {
    key: "image",
    want: "an http(s) or relative URL",
    ok: limits::is_image_url,
    published: as_written,
};

/// A front-matter URL if `rule` accepts it; otherwise a warning and `None`.
fn checked(value: Option<&str>, rule: &UrlRule, warnings: &mut Vec<String>) -> Option<String> {
    let UrlRule {
        key,
        want,
        ok,
        published,
    } = rule;
    let value = value.map(str::trim).filter(|v| !v.is_empty())?;
    if ok(value) {
        Some(published(value))
    } else {
        let shown = super::text::truncate_words(value, 80);
        warnings.push(format!("{key} `{shown}` is not {want}; ignored"));
        None
    }
}

/// True when front matter escapes (YAML's `\a`, TOML's `\u0000`) made a character no
/// feed can carry.
fn has_forbidden(text: &str) -> bool {
    !text.chars().all(super::decode::is_xml_char)
}

fn is_uri(value: &str) -> bool {
    value.len() <= super::html::MAX_URL_BYTES
        && url::Url::parse(value)
            .is_ok_and(|u| !matches!(u.scheme(), "javascript" | "data" | "vbscript" | "file"))
        && !value.chars().any(char::is_whitespace)
}
