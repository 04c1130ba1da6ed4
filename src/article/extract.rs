//! From a [`Document`] to the metadata every article gets: title, summary, language, dates,
//! authors, tags, categories and the slug, id and link candidates.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::text::{collapse_whitespace, truncate_words};
use super::{Body, Document, Rejection, date, lang, markdown, plain, slug};
use crate::config::is_language_tag;

/// What the surroundings say when the article itself is silent.
#[derive(Debug, Clone)]
pub struct Defaults<'a> {
    /// Channel name (the folder), always one of the article's categories.
    pub channel: &'a str,
    pub channel_language: Option<&'a str>,
    pub site_language: &'a str,
    /// Channel author, else site author.
    pub author: Option<&'a str>,
    pub timezone: Tz,
    pub summary_chars: usize,
}

/// Extracted metadata, as stored in the index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    pub title: String,
    pub summary: String,
    pub lang: String,
    pub date: Option<DateTime<Utc>>,
    pub updated: Option<DateTime<Utc>>,
    pub authors: Vec<String>,
    pub tags: Vec<String>,
    pub categories: Vec<String>,
    /// Slug given in front matter.
    pub slug: Option<String>,
    /// Slug derived from the title.
    pub title_slug: Option<String>,
    /// Id given in front matter.
    pub id: Option<String>,
    /// Link given in front matter.
    pub link: Option<String>,
    pub image: Option<String>,
    pub draft: bool,
}

/// Extracts metadata; the warnings name what was ignored or repaired.
pub fn extract(doc: &Document, d: &Defaults) -> Result<(Meta, Vec<String>), Rejection> {
    let mut warnings = doc.repairs.clone();
    let fm = &doc.front;
    let needs_sample = fm.lang.is_none() && d.channel_language.is_none();
    let sample_chars = if needs_sample { lang::SAMPLE_CHARS } else { 0 };
    let (title, lead, sample) = match &doc.body {
        Body::Plain(text) => {
            let head = plain::head(text, sample_chars).ok_or(Rejection::Empty)?;
            (Some(head.title), head.lede, head.sample)
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
    };
    let title = fm.title.as_deref().map(collapse_whitespace).or(title);
    let title = title.filter(|t| !t.is_empty()).ok_or(Rejection::NoTitle)?;
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
    let date = read_date(fm.date.as_ref(), "date", d.timezone, &mut warnings);
    let updated = read_date(fm.updated.as_ref(), "updated", d.timezone, &mut warnings);
    let meta = Meta {
        slug: fm.slug.as_deref().and_then(slug::slugify),
        title_slug: slug::slugify(&title),
        title,
        summary,
        lang,
        date,
        updated,
        authors: authors(doc, d),
        tags: clean_list(fm.tags.iter().flat_map(|t| t.clone().into_vec())),
        categories: clean_list(
            std::iter::once(d.channel.to_string())
                .chain(fm.categories.iter().flat_map(|c| c.clone().into_vec())),
        ),
        id: checked(fm.id.as_deref(), "id", is_uri, &mut warnings),
        link: checked(fm.link.as_deref(), "link", is_http_url, &mut warnings),
        image: fm
            .image
            .as_deref()
            .map(collapse_whitespace)
            .filter(|s| !s.is_empty()),
        draft: fm.draft,
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

fn read_date(
    value: Option<&super::frontmatter::DateValue>,
    key: &str,
    tz: Tz,
    warnings: &mut Vec<String>,
) -> Option<DateTime<Utc>> {
    let text = value?.as_text();
    date::parse_date(&text, tz)
        .map_err(|e| warnings.push(format!("{key}: {e}; using the fallback")))
        .ok()
}

fn authors(doc: &Document, d: &Defaults) -> Vec<String> {
    let fm = &doc.front;
    let given = fm
        .author
        .iter()
        .cloned()
        .chain(fm.authors.iter().flat_map(|a| a.clone().into_vec()));
    let list = clean_list(given);
    if list.is_empty() {
        d.author.map(|a| vec![a.to_string()]).unwrap_or_default()
    } else {
        list
    }
}

/// Whitespace collapsed, empties dropped, duplicates removed, order kept.
fn clean_list(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in items
        .map(|i| collapse_whitespace(&i))
        .filter(|i| !i.is_empty())
    {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

fn checked(
    value: Option<&str>,
    key: &str,
    ok: fn(&str) -> bool,
    warnings: &mut Vec<String>,
) -> Option<String> {
    let value = value.map(str::trim).filter(|v| !v.is_empty())?;
    if ok(value) {
        Some(value.to_string())
    } else {
        warnings.push(format!("{key} `{value}` is not an absolute URI; ignored"));
        None
    }
}

fn is_uri(value: &str) -> bool {
    url::Url::parse(value).is_ok() && !value.chars().any(char::is_whitespace)
}

fn is_http_url(value: &str) -> bool {
    url::Url::parse(value).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
}
