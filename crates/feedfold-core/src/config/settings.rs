//! `[feed]` and `[watch]`: what every feed holds and how the daemon notices changes, with
//! their defaults (validated with the rest in [`super::Config::parse`]).

use serde::{Deserialize, Serialize, Serializer};

use super::Format;

/// Whether items carry the full article or only its summary.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ContentMode {
    /// The article's content HTML as the item content, with the summary.
    Full,
    /// The summary only: items carry no content HTML.
    Summary,
}

/// `[feed]`: what every feed holds.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct FeedSettings {
    /// Most items per feed.
    pub limit: usize,
    /// Most bytes per feed file; the oldest items are dropped to fit.
    pub max_bytes: usize,
    /// `full` article content or `summary` only.
    pub content: ContentMode,
    /// Longest summary, in characters, before it is cut at a word boundary.
    pub summary_chars: usize,
    /// Which formats to write.
    #[serde(serialize_with = "format_names")]
    pub formats: Vec<Format>,
    /// Articles larger than this are skipped and reported.
    pub max_article_bytes: u64,
    /// RSS `ttl`, in minutes: how often readers should poll.
    pub ttl_minutes: u32,
    /// Most tags an article keeps (each tag is a feed); the rest are dropped and reported.
    /// Front-matter categories are capped the same way.
    pub max_tags: usize,
    /// Most authors an article keeps (each author is a feed); the rest are dropped and
    /// reported.
    pub max_authors: usize,
    /// Most local pictures one article publishes (its lead image with its body images);
    /// the rest are reported and not published.
    pub max_images: usize,
    /// Larger picture files are not published, and reported.
    pub max_image_bytes: u64,
    /// How long, in days, a retracted article stays in its RSS and JSON feeds as a notice,
    /// and a removed (deleted, expired or retracted) one as an Atom tombstone and a
    /// `410 Gone` page. Fractions are allowed (tests use seconds).
    pub tombstone_days: f64,
    /// Whether the site feed and every channel feed link their history: RSS and Atom
    /// archive documents, one per calendar month (RFC 5005 section 4).
    pub archive: bool,
}

/// `feed.formats` as the file names them (`rss`, `atom`, `json`).
fn format_names<S: Serializer>(formats: &[Format], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(formats.iter().map(|format| match format {
        Format::Rss => "rss",
        Format::Atom => "atom",
        Format::Json => "json",
    }))
}

impl FeedSettings {
    /// [`FeedSettings::tombstone_days`] as a duration, to the millisecond.
    pub fn tombstone_period(&self) -> chrono::TimeDelta {
        chrono::TimeDelta::milliseconds((self.tombstone_days * 86_400_000.0) as i64)
    }
}

impl Default for FeedSettings {
    fn default() -> Self {
        FeedSettings {
            limit: 50,
            max_bytes: 1024 * 1024,
            content: ContentMode::Full,
            summary_chars: 280,
            formats: vec![Format::Rss, Format::Atom, Format::Json],
            max_article_bytes: 4 * 1024 * 1024,
            ttl_minutes: 30,
            max_tags: 20,
            max_authors: 10,
            max_images: 20,
            max_image_bytes: 20 * 1024 * 1024,
            tombstone_days: 30.0,
            archive: true,
        }
    }
}

/// `[watch]`: how the daemon notices changes.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct WatchSettings {
    /// Quiet period after the last event on a file before it is taken.
    pub debounce_ms: u64,
    /// Full rescan interval.
    pub rescan_minutes: u64,
    /// Use polling instead of OS notifications.
    pub poll: bool,
    /// Allow a scan to drop more than half the published items at once.
    pub allow_mass_delete: bool,
}

impl Default for WatchSettings {
    fn default() -> Self {
        WatchSettings {
            debounce_ms: 100,
            rescan_minutes: 10,
            poll: false,
            allow_mass_delete: false,
        }
    }
}
