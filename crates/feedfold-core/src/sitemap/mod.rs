//! Sitemaps for search engines (the sitemaps.org protocol, 0.9): every live article page and
//! every listing page, each with its `lastmod`, an article with translations with an
//! `xhtml:link` alternate per language (itself included, as Google asks); a Google News
//! sitemap of the last 48 hours
//! ([`news`]); and `robots.txt`, which announces them ([`robots`]). Pure: what is public in,
//! text out.
//!
//! Above the protocol's limits (50,000 URLs or 50 MB in one file), `sitemap.xml` becomes a
//! sitemap index of parts ([`split`]). Articles come oldest first and the listing pages
//! last, so that a new article changes only the last part: the parts before it keep their
//! signature ([`signature`]), and their bytes.

pub mod news;
pub mod robots;

use std::ops::Range;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::article::escape_html;
use crate::feed::translations::{Translations, Version};
use crate::identity::{Entry, Hash};
use crate::layout::{article_url, key_url};

/// The namespace of the sitemaps.org protocol.
pub const NAMESPACE: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

/// The XHTML namespace, of the `xhtml:link` alternates of pages in other languages.
pub const XHTML: &str = "http://www.w3.org/1999/xhtml";

/// Bumped whenever the rendering changes, so that every sitemap is written again once.
const VERSION: &str = "feedfold-sitemap-1";

/// How much one sitemap file may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most URLs in one file.
    pub urls: usize,
    /// Most bytes in one file.
    pub bytes: usize,
}

/// The protocol's limits: 50,000 URLs and 50 MB (52,428,800 bytes) per file.
pub const LIMITS: Limits = Limits {
    urls: 50_000,
    bytes: 52_428_800,
};

/// Bytes of a `<urlset>` file besides its `<url>` entries (declaration, root element).
const URLSET_OVERHEAD: usize = 128;

/// What a sitemap URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place<'a> {
    /// An article's page, `{channel}/{slug}/`.
    Article {
        /// Its channel.
        channel: &'a str,
        /// Its slug.
        slug: &'a str,
    },
    /// A listing page: the folder of a feed (`""` for the home page, `world/`, `tags/x/`).
    Listing(&'a str),
}

/// One URL of the sitemap and when what it shows last changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location<'a> {
    /// The page.
    pub place: Place<'a>,
    /// Its `updated`: the `<lastmod>`.
    pub lastmod: DateTime<Utc>,
    /// Every version of an article's story, by language, itself included; empty when it
    /// has no translation (and for listing pages).
    pub alternates: &'a [Version],
}

impl Location<'_> {
    /// The page's absolute URL under `base_url`, percent-encoded as the pages link it.
    pub fn url(&self, base_url: &str) -> String {
        match self.place {
            Place::Article { channel, slug } => article_url(base_url, channel, slug),
            Place::Listing(dir) => key_url(base_url, dir),
        }
    }

    /// At least as many bytes as its `<url>` entry takes: percent-encoding triples a byte,
    /// XML escaping at most sextuples one (`'` is `&#39;`), and the tags and date are fixed.
    fn bound(&self, base_url: &str) -> usize {
        let path = match self.place {
            Place::Article { channel, slug } => channel.len() + slug.len() + 3,
            Place::Listing(dir) => dir.len() + 1,
        };
        let alternates: usize = (self.alternates.iter())
            .map(|v| {
                64 + v.lang.len() * 6 + 6 * (base_url.len() + v.channel.len() + v.slug.len() + 3)
            })
            .sum();
        64 + 6 * (base_url.len() + path) + alternates
    }
}

/// The sitemap's locations: every live article's page, oldest first (with the versions of
/// its story in `translations`, when given), then the listing pages (`listings`: each
/// feed's folder and its `updated`), in the order given.
pub fn locations<'a>(
    live: &[&'a Entry],
    listings: impl IntoIterator<Item = (&'a str, DateTime<Utc>)>,
    translations: Option<&'a Translations>,
) -> Vec<Location<'a>> {
    let mut articles: Vec<&Entry> = live.to_vec();
    articles.sort_by_key(|e| (e.published, e.rowid));
    let pages = articles.into_iter().map(|e| Location {
        place: Place::Article {
            channel: &e.channel,
            slug: &e.slug,
        },
        lastmod: e.updated,
        alternates: translations.map_or(&[], |t| t.group_of(e.rowid)),
    });
    let listings = listings.into_iter().map(|(dir, updated)| Location {
        place: Place::Listing(dir),
        lastmod: updated,
        alternates: &[],
    });
    pages.chain(listings).collect()
}

/// Splits `items` into consecutive parts of at most `limits.urls` items and `limits.bytes`
/// bytes each (`size` tells an item's bytes, `overhead` a file's own); an item too large
/// on its own gets a part of its own. Never an empty part, and one part for no items.
pub fn split<T>(
    items: &[T],
    size: impl Fn(&T) -> usize,
    overhead: usize,
    limits: Limits,
) -> Vec<Range<usize>> {
    let mut parts = Vec::new();
    let (mut start, mut bytes) = (0, overhead);
    for (i, item) in items.iter().enumerate() {
        let n = size(item);
        if i > start && (i - start >= limits.urls || bytes + n > limits.bytes) {
            parts.push(start..i);
            (start, bytes) = (i, overhead);
        }
        bytes += n;
    }
    parts.push(start..items.len());
    parts
}

/// The parts of the sitemap of `locations` under the protocol's [`LIMITS`]: one part, the
/// whole `sitemap.xml`, or several, each its own file of a sitemap index.
pub fn parts<'l, 'a>(base_url: &str, locations: &'l [Location<'a>]) -> Vec<&'l [Location<'a>]> {
    let ranges = split(locations, |l| l.bound(base_url), URLSET_OVERHEAD, LIMITS);
    ranges.into_iter().map(|r| &locations[r]).collect()
}

/// A date as the sitemaps write it (W3C datetime, UTC, whole seconds).
pub fn w3c(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Changes exactly when [`urlset`] of the same arguments could change, without rendering it.
pub fn signature(base_url: &str, locations: &[Location]) -> Hash {
    // The bytes are gathered first and hashed at once: BLAKE3 hashes a long input many
    // chunks at a time, tens of thousands of tiny updates one by one (same hash either way).
    let mut bytes = Vec::with_capacity(64 + locations.len() * 48);
    bytes.extend_from_slice(VERSION.as_bytes());
    bytes.extend_from_slice(base_url.as_bytes());
    bytes.push(0);
    for location in locations {
        match location.place {
            Place::Article { channel, slug } => {
                for part in [b"a", channel.as_bytes(), &[0], slug.as_bytes(), &[0]] {
                    bytes.extend_from_slice(part);
                }
            }
            Place::Listing(dir) => {
                bytes.push(b'l');
                bytes.extend_from_slice(dir.as_bytes());
                bytes.push(0);
            }
        }
        bytes.extend_from_slice(&location.lastmod.timestamp().to_le_bytes());
        for v in location.alternates {
            for part in [b"h", v.lang.as_bytes(), &[0], v.channel.as_bytes(), &[0]] {
                bytes.extend_from_slice(part);
            }
            bytes.extend_from_slice(v.slug.as_bytes());
            bytes.push(0);
        }
    }
    *blake3::hash(&bytes).as_bytes()
}

/// A `<urlset>` sitemap of `locations`.
pub fn urlset(base_url: &str, locations: &[Location]) -> String {
    let mut out = String::with_capacity(URLSET_OVERHEAD + locations.len() * 128);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    // The XHTML namespace only where an alternate needs it: other sitemaps keep their bytes.
    let xhtml = if locations.iter().any(|l| !l.alternates.is_empty()) {
        format!(" xmlns:xhtml=\"{XHTML}\"")
    } else {
        String::new()
    };
    out.push_str(&format!("<urlset xmlns=\"{NAMESPACE}\"{xhtml}>\n"));
    for location in locations {
        out.push_str(&format!(
            "<url><loc>{}</loc><lastmod>{}</lastmod>",
            escape_html(&location.url(base_url)),
            w3c(location.lastmod)
        ));
        for v in location.alternates {
            out.push_str(&format!(
                "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                escape_html(&v.lang),
                escape_html(&article_url(base_url, &v.channel, &v.slug))
            ));
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// A `<sitemapindex>` of the parts at `parts` (each URL with its newest `lastmod`).
pub fn index(parts: &[(String, DateTime<Utc>)]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!("<sitemapindex xmlns=\"{NAMESPACE}\">\n"));
    for (url, lastmod) in parts {
        out.push_str(&format!(
            "<sitemap><loc>{}</loc><lastmod>{}</lastmod></sitemap>\n",
            escape_html(url),
            w3c(*lastmod)
        ));
    }
    out.push_str("</sitemapindex>\n");
    out
}

/// The newest `lastmod` of a part (the epoch for none).
pub fn newest(locations: &[Location]) -> DateTime<Utc> {
    locations
        .iter()
        .map(|l| l.lastmod)
        .max()
        .unwrap_or(DateTime::UNIX_EPOCH)
}

#[cfg(test)]
mod tests;
