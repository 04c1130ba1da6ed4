//! Feed rendering: which feeds exist and what they hold ([`plan()`]), and their text in RSS 2.0,
//! Atom 1.0, JSON Feed 1.1 and OPML. Pure: values in, strings out; dates come from items.

pub mod archive;
pub mod atom;
pub mod fit;
pub mod item;
pub mod json;
pub mod notice;
pub mod opml;
pub mod plan;
pub mod rss;
mod select;
pub mod translations;

use chrono::{DateTime, Utc};

pub use item::{Item, Lead, Removal, Translation};
pub use plan::{FeedPlan, plan};

use crate::config::Format;
/// What a feed covers, and the percent-encoding of keys into URLs: defined with the
/// publish-folder layout, which gives each feed its folder.
pub use crate::layout::{Scope, encode_path, encode_segment};

/// Name written in every feed's generator field.
pub const GENERATOR: &str = concat!("feedfold ", env!("CARGO_PKG_VERSION"));

/// The feed-level facts every format shows.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedMeta {
    /// Feed title: the site's, the channel's, or the site's with the tag or language.
    pub title: String,
    /// The channel's description, else the site's; may be empty.
    pub description: String,
    /// BCP 47 language of the feed.
    pub language: String,
    /// The HTML page this feed is the feed of.
    pub home_url: String,
    /// Where this feed is published, per format.
    pub self_urls: Vec<(Format, String)>,
    /// Newest change among the items; never the clock.
    pub updated: DateTime<Utc>,
    /// The channel author, else the site author; `None`: neither names one.
    pub author: Option<String>,
    /// How often readers should poll, in minutes (`feed.ttl_minutes`, RSS `ttl`).
    pub ttl_minutes: u32,
    /// WebSub hubs readers may subscribe at.
    pub hubs: Vec<String>,
    /// Relative URL of the XSLT stylesheet that makes RSS and Atom readable in a browser.
    pub stylesheet: Option<String>,
    /// Its links to its archives (RFC 5005 section 4); `None`: it has none.
    pub history: Option<History>,
    /// The site's icon and logo (`site.icon`, `site.logo`).
    pub marks: crate::media::brand::Marks,
}

/// A feed's place among its archive documents (RFC 5005 section 4). Links are folder URLs
/// (`https://…/_/archive/world/2026-11/`): each format links the file of its own name there.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// True for an archive document (`fh:archive`), false for the current feed.
    pub archive: bool,
    /// The current feed's folder (archive documents only).
    pub current: Option<String>,
    /// The folder of the immediately preceding (older) archive document.
    pub prev: Option<String>,
    /// The folder of the immediately following (newer) archive document.
    pub next: Option<String>,
}

impl History {
    /// The RFC 5005 links of this document in `format`: `(rel, href)`.
    pub fn links(&self, format: Format) -> Vec<(&'static str, String)> {
        [
            ("current", &self.current),
            ("prev-archive", &self.prev),
            ("next-archive", &self.next),
        ]
        .into_iter()
        .filter_map(|(rel, dir)| Some((rel, format!("{}{}", dir.as_ref()?, format.file_name()))))
        .collect()
    }
}

/// The feed-history namespace (RFC 5005), of `fh:archive`.
pub const HISTORY_NS: &str = "http://purl.org/syndication/history/1.0";

impl FeedMeta {
    /// This feed's own URL in `format`.
    pub fn self_url(&self, format: Format) -> &str {
        self.self_urls
            .iter()
            .find(|(f, _)| *f == format)
            .map(|(_, u)| u.as_str())
            .unwrap_or(&self.home_url)
    }
}

/// Adds an `<?xml-stylesheet?>` instruction after the XML declaration.
pub fn with_stylesheet(xml: String, href: Option<&str>) -> String {
    let Some(href) = href else {
        return xml;
    };
    let pi = format!(
        "\n<?xml-stylesheet type=\"text/xsl\" href=\"{}\"?>",
        crate::article::escape_html(href)
    );
    match xml.strip_prefix("<?xml").and_then(|_| xml.find("?>")) {
        Some(end) => format!("{}{pi}{}", &xml[..end + 2], &xml[end + 2..]),
        None => xml,
    }
}

/// Renders one feed in one format.
pub fn render(format: Format, meta: &FeedMeta, items: &[Item]) -> String {
    match format {
        Format::Rss => rss::render(meta, items),
        Format::Atom => atom::render(meta, items),
        Format::Json => json::render(meta, items),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stylesheet_instruction_follows_the_xml_declaration() {
        let xml = with_stylesheet("<?xml version=\"1.0\"?><rss/>".into(), Some("../feed.xsl"));
        assert_eq!(
            xml,
            "<?xml version=\"1.0\"?>\n<?xml-stylesheet type=\"text/xsl\" href=\"../feed.xsl\"?><rss/>"
        );
    }
}
