//! Feed rendering: which feeds exist and what they hold ([`plan()`]), and their text in RSS 2.0,
//! Atom 1.0, JSON Feed 1.1 and OPML. Pure: values in, strings out; dates come from items.

pub mod atom;
pub mod fit;
pub mod item;
pub mod json;
pub mod opml;
pub mod plan;
pub mod rss;
mod select;

use chrono::{DateTime, Utc};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

pub use item::Item;
pub use plan::{FeedPlan, Scope, plan};

use crate::config::Format;

/// Name written in every feed's generator field.
pub const GENERATOR: &str = concat!("feedfold ", env!("CARGO_PKG_VERSION"));

/// Characters escaped in a URL path segment (Unicode is UTF-8 percent-encoded too).
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// Percent-encodes one path segment.
pub fn encode_segment(segment: &str) -> String {
    utf8_percent_encode(segment, SEGMENT).to_string()
}

/// Percent-encodes a `/`-separated relative path, segment by segment.
pub fn encode_path(path: &str) -> String {
    path.split('/')
        .map(encode_segment)
        .collect::<Vec<_>>()
        .join("/")
}

/// The feed-level facts every format shows.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedMeta {
    pub title: String,
    pub description: String,
    pub language: String,
    /// The HTML page this feed is the feed of.
    pub home_url: String,
    /// Where this feed is published, per format.
    pub self_urls: Vec<(Format, String)>,
    /// Newest change among the items; never the clock.
    pub updated: DateTime<Utc>,
    pub author: Option<String>,
    pub ttl_minutes: u32,
    /// WebSub hubs readers may subscribe at.
    pub hubs: Vec<String>,
    /// Relative URL of the XSLT stylesheet that makes RSS and Atom readable in a browser.
    pub stylesheet: Option<String>,
}

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

/// File name of the stylesheet, published at the root.
pub const STYLESHEET: &str = "feed.xsl";

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
    fn arabic_segments_are_percent_encoded_and_slashes_kept_between_them() {
        assert_eq!(encode_path("world/سلام"), "world/%D8%B3%D9%84%D8%A7%D9%85");
        assert_eq!(encode_segment("a b/c"), "a%20b%2Fc");
    }

    #[test]
    fn the_stylesheet_instruction_follows_the_xml_declaration() {
        let xml = with_stylesheet("<?xml version=\"1.0\"?><rss/>".into(), Some("../feed.xsl"));
        assert_eq!(
            xml,
            "<?xml version=\"1.0\"?>\n<?xml-stylesheet type=\"text/xsl\" href=\"../feed.xsl\"?><rss/>"
        );
    }
}
