//! The site configuration: what `config.toml` may say, its defaults, and its validation.
//!
//! Pure: [`Config::parse`] takes the file's text and the folder it lives in and returns a
//! checked value. Unknown keys and invalid values are rejected with a message naming the key.

mod channel;
mod paths;
mod publish;
mod serve;
mod settings;

use std::path::Path;

use serde::Deserialize;
use thiserror::Error;
use url::Url;

pub use channel::ChannelConfig;
pub use paths::{Paths, check_layout};
pub use publish::{PublishSettings, S3Settings, TargetKind};
pub use serve::{ServeSettings, WebSubSettings};
pub use settings::{ContentMode, FeedSettings, WatchSettings};

/// One output format: defined with the publish-folder layout, which names its files.
pub use crate::layout::Format;

/// A configuration that cannot be used, with the key at fault.
#[derive(Debug, Error)]
pub enum ConfigError {
    /// The TOML does not parse, or does not fit the schema (the parser's message).
    #[error("{0}")]
    Syntax(String),
    /// A value that parses but cannot be used.
    #[error("`{key}`: {reason}")]
    Invalid {
        /// The key at fault, e.g. `publish.s3.bucket`.
        key: &'static str,
        /// Why its value cannot be used.
        reason: String,
    },
}

fn invalid(key: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        key,
        reason: reason.into(),
    }
}

/// The whole configuration, as read from `config.toml`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `[site]`, required.
    pub site: Site,
    /// `[paths]`.
    #[serde(default)]
    pub paths: Paths,
    /// `[feed]`.
    #[serde(default)]
    pub feed: FeedSettings,
    /// `[watch]`.
    #[serde(default)]
    pub watch: WatchSettings,
    /// `[serve]`.
    #[serde(default)]
    pub serve: ServeSettings,
    /// `[websub]`.
    #[serde(default)]
    pub websub: WebSubSettings,
    /// `[publish]`.
    #[serde(default)]
    pub publish: PublishSettings,
}

/// `[site]`: who publishes, where the site lives, and the defaults every article inherits.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Site {
    /// Feed and site title.
    pub title: String,
    /// Absolute URL the publish folder is served at, e.g. `https://news.example.org`.
    pub base_url: String,
    /// One sentence about the site (RSS `description`, Atom `subtitle`).
    #[serde(default)]
    pub description: String,
    /// BCP 47 language used when nothing else tells an article's language.
    #[serde(default = "default_language")]
    pub language: String,
    /// Author used when neither the article nor its channel names one.
    #[serde(default)]
    pub author: Option<String>,
    /// IANA time zone in which dates without an offset are read.
    #[serde(default = "default_timezone")]
    pub timezone: String,
}

fn default_language() -> String {
    "en".into()
}

fn default_timezone() -> String {
    "UTC".into()
}

impl Config {
    /// Parses and checks `text`; relative paths are resolved against `dir`.
    pub fn parse(text: &str, dir: &Path) -> Result<Config, ConfigError> {
        let mut config: Config =
            toml::from_str(text).map_err(|e| ConfigError::Syntax(e.to_string()))?;
        config.validate()?;
        config.publish.validate()?;
        // As the URL parser writes it, so that every reader sees the same host and path
        // (`http:x`, `http://@x`, `http://x\@y` and raw spaces come out one way).
        let base = Url::parse(&config.site.base_url)
            .map_or_else(|_| config.site.base_url.clone(), String::from);
        config.site.base_url = base.trim_end_matches('/').to_string();
        config.paths.resolve(dir);
        let p = &config.paths;
        check_layout(&p.feeds, &p.publish, &p.state, dir)?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let url = Url::parse(&self.site.base_url)
            .map_err(|e| invalid("site.base_url", format!("not an absolute URL: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(invalid(
                "site.base_url",
                "must be an http(s) URL with a host",
            ));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid(
                "site.base_url",
                "must not hold a user name or password: it is published in every link",
            ));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(invalid(
                "site.base_url",
                "must not have a query (`?`) or a fragment (`#`): every link is built by \
                 appending a path to it",
            ));
        }
        if self.site.title.trim().is_empty() {
            return Err(invalid("site.title", "must not be empty"));
        }
        let site = &self.site;
        check_text("site.title", Some(&site.title))?;
        check_text("site.description", Some(&site.description))?;
        check_text("site.author", site.author.as_deref())?;
        if !is_language_tag(&self.site.language) {
            return Err(invalid(
                "site.language",
                "must be a language tag like `ar` or `en-GB`",
            ));
        }
        self.timezone()?;
        let feed = &self.feed;
        if feed.limit == 0 {
            return Err(invalid("feed.limit", "must be at least 1"));
        }
        if feed.max_bytes < 4096 {
            return Err(invalid("feed.max_bytes", "must be at least 4096"));
        }
        if feed.summary_chars < 20 {
            return Err(invalid("feed.summary_chars", "must be at least 20"));
        }
        if !(0.0..=3650.0).contains(&feed.tombstone_days) {
            return Err(invalid("feed.tombstone_days", "must be between 0 and 3650"));
        }
        if feed.max_tags > 1000 {
            return Err(invalid("feed.max_tags", "must be at most 1000"));
        }
        if feed.formats.is_empty() {
            return Err(invalid(
                "feed.formats",
                "name at least one of rss, atom, json",
            ));
        }
        if self.watch.debounce_ms > 60_000 {
            return Err(invalid("watch.debounce_ms", "must be at most 60000"));
        }
        self.serve.validate()?;
        self.websub.validate()
    }

    /// The site time zone (validated at parse time).
    pub fn timezone(&self) -> Result<chrono_tz::Tz, ConfigError> {
        self.site
            .timezone
            .parse()
            .map_err(|_| invalid("site.timezone", "not an IANA time zone like `Asia/Riyadh`"))
    }

    /// The host of `base_url`, used in `tag:` URIs.
    pub fn host(&self) -> String {
        Url::parse(&self.site.base_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_default()
    }
}

/// Refuses a text value no feed could carry: control characters (a NUL, an escape...) and
/// the noncharacters U+FFFE and U+FFFF, which XML forbids.
pub(crate) fn check_text(key: &'static str, value: Option<&str>) -> Result<(), ConfigError> {
    let bad = |c: char| {
        (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{fffe}' | '\u{ffff}')
    };
    match value.and_then(|v| v.chars().find(|&c| bad(c))) {
        Some(c) => Err(invalid(
            key,
            format!(
                "holds the control character {:?}, which no feed can carry: remove it",
                c
            ),
        )),
        None => Ok(()),
    }
}

/// True for a plausible BCP 47 tag: letters, digits and hyphens, starting with 2-3 letters.
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or_default();
    (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "[site]\ntitle = \"T\"\nbase_url = \"https://example.org/\"\n";

    #[test]
    fn a_minimal_config_gets_documented_defaults_and_resolved_paths() {
        let c = Config::parse(MINIMAL, Path::new("/srv/site")).unwrap();
        assert_eq!(c.site.base_url, "https://example.org");
        assert_eq!(c.paths.feeds, Path::new("/srv/site/feeds"));
        assert_eq!(c.feed.limit, 50);
        assert_eq!(c.site.timezone, "UTC");
    }

    #[test]
    fn an_unknown_key_is_rejected_by_name() {
        let text = format!("{MINIMAL}[feed]\nlimt = 3\n");
        let err = Config::parse(&text, Path::new("/"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("limt"), "{err}");
    }

    #[test]
    fn a_relative_base_url_is_rejected_naming_the_key() {
        let text = "[site]\ntitle = \"T\"\nbase_url = \"/news\"\n";
        let err = Config::parse(text, Path::new("/")).unwrap_err().to_string();
        assert!(err.contains("site.base_url"), "{err}");
    }

    #[test]
    fn the_base_url_is_published_as_parsed_so_readers_agree_on_its_host() {
        for (given, published) in [
            ("http:x", "http://x"),
            ("http://@x/", "http://x"),
            ("http://x\\\\@evil.com/", "http://x/@evil.com"),
            ("https://x/a b/", "https://x/a%20b"),
        ] {
            let text = format!("[site]\ntitle = \"T\"\nbase_url = \"{given}\"\n");
            let c = Config::parse(&text, Path::new("/srv")).unwrap();
            assert_eq!(c.site.base_url, published, "{given}");
        }
    }

    #[test]
    fn a_control_character_in_the_site_title_is_rejected_naming_the_key() {
        let text = "[site]\ntitle = \"T\\u0007x\"\nbase_url = \"https://example.org/\"\n";
        let err = Config::parse(text, Path::new("/")).unwrap_err().to_string();
        assert!(
            err.contains("site.title") && err.contains("control character"),
            "{err}"
        );
    }

    #[test]
    fn a_bad_timezone_is_rejected_naming_the_key() {
        let text = format!("{MINIMAL}timezone = \"Mars/Base\"\n");
        let err = Config::parse(&text, Path::new("/"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("site.timezone"), "{err}");
    }
}
