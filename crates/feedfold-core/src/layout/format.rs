//! The feed formats, and what each one is in the publish folder: its file name and its
//! media type.

use serde::Deserialize;

/// One output format (`feed.formats` in `config.toml`).
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// RSS 2.0, published as `rss.xml`.
    Rss,
    /// Atom 1.0, published as `atom.xml`.
    Atom,
    /// JSON Feed, published as `feed.json`.
    Json,
}

impl Format {
    /// Every format, in the order feeds list them.
    pub const ALL: [Format; 3] = [Format::Rss, Format::Atom, Format::Json];

    /// The file name a feed of this format is published under, in its feed's folder.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Rss => "rss.xml",
            Format::Atom => "atom.xml",
            Format::Json => "feed.json",
        }
    }

    /// The format a feed file name names: `rss.xml`, `atom.xml` or `feed.json`.
    pub fn of_file_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.file_name() == name)
    }

    /// The media type, as feeds and pages announce it (`<link type=…>`).
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Rss => "application/rss+xml",
            Format::Atom => "application/atom+xml",
            Format::Json => "application/feed+json",
        }
    }

    /// The `Content-Type` a feed of this format is served with.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Rss => "application/rss+xml; charset=utf-8",
            Format::Atom => "application/atom+xml; charset=utf-8",
            Format::Json => "application/feed+json; charset=utf-8",
        }
    }

    /// True for the XML formats, which browsers show through the feed stylesheet.
    pub fn is_xml(self) -> bool {
        matches!(self, Format::Rss | Format::Atom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_name_their_format_and_served_types_extend_the_media_types() {
        for format in Format::ALL {
            assert_eq!(Format::of_file_name(format.file_name()), Some(format));
            let served = format!("{}; charset=utf-8", format.media_type());
            assert_eq!(format.content_type(), served);
        }
        assert_eq!(Format::of_file_name("index.html"), None);
    }
}
