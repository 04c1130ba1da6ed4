//! The site configuration: what `config.toml` may say, its defaults, and its validation.
//!
//! Pure: [`Config::parse`] takes the file's text and the folder it lives in and returns a
//! checked value, or every [`Problem`] at once, in file order, each naming the key and its
//! line: unknown keys (found by walking the file against the keys the schema knows, see
//! `schema`), values of the wrong type, missing required keys, and values that parse but
//! cannot be used.

mod channel;
mod paths;
mod preview;
mod publish;
mod schema;
mod serve;
mod settings;

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};
use thiserror::Error;
use toml::de::DeTable;
use url::Url;

pub use channel::ChannelConfig;
pub use paths::{Paths, check_layout, layout_problems, templates_problems};
pub use preview::{PREVIEW_PUBLISH, PREVIEW_STATE};
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
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
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
    /// The page templates: not in the file, but read from `paths.templates` by the shell
    /// (the shell's `config_file`); the built-in ones until then.
    #[serde(skip)]
    pub templates: crate::page::Templates,
    /// Whether this is `serve --preview`'s configuration (see `preview`): not in the file.
    #[serde(skip)]
    pub preview: bool,
}

/// `[site]`: who publishes, where the site lives, and the defaults every article inherits.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
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
    /// A square picture (favicons, RSS `<image>`, Atom `<icon>`, JSON Feed `icon`): a file
    /// in the content folder, by its path relative to it, or an `http(s)` URL.
    #[serde(default)]
    pub icon: Option<String>,
    /// A wide picture, about twice as wide as high (Atom `<logo>`, the page header, the
    /// JSON-LD publisher's logo): a file in the content folder or an `http(s)` URL.
    #[serde(default)]
    pub logo: Option<String>,
    /// What the shell found at `icon` and `logo` (the shell's `brand_file`): not in the file.
    #[serde(skip)]
    pub marks: crate::media::brand::Marks,
}

fn default_language() -> String {
    "en".into()
}

fn default_timezone() -> String {
    "UTC".into()
}

impl Config {
    /// Parses and checks `text`; relative paths are resolved against `dir`.
    pub fn parse(text: &str, dir: &Path) -> Result<Config, Problems> {
        Config::parse_with(text, dir, &Overrides::default())
    }

    /// [`Config::parse`], with what the command line sets instead of the file applied before
    /// the checks. Every problem is reported, in file order: unknown keys, values of the
    /// wrong type, missing required keys, then values that cannot be used.
    pub fn parse_with(text: &str, dir: &Path, overrides: &Overrides) -> Result<Config, Problems> {
        let doc = DeTable::parse(text).map_err(|e| Problems(vec![syntax_problem(text, &e)]))?;
        let mut doc = doc.into_inner();
        let mut found = Vec::new();
        let Some(mut config) = schema::read(text, &mut doc, &mut found) else {
            return Err(Problems::sorted(found));
        };
        let mut invalid = Vec::new();
        if let Err(e) = overrides.apply(&mut config) {
            invalid.push(e);
        }
        config.validate(&mut invalid);
        config.publish.validate(&mut invalid);
        // As the URL parser writes it, so that every reader sees the same host and path
        // (`http:x`, `http://@x`, `http://x\@y` and raw spaces come out one way).
        let base = Url::parse(&config.site.base_url)
            .map_or_else(|_| config.site.base_url.clone(), String::from);
        config.site.base_url = base.trim_end_matches('/').to_string();
        config.paths.resolve(dir);
        if config.preview {
            preview::move_paths(&mut config);
        }
        let p = &config.paths;
        invalid.extend(layout_problems(&p.feeds, &p.publish, &p.state, dir));
        invalid.extend(templates_problems(p));
        found.extend(invalid.into_iter().map(|e| schema::locate(text, &doc, e)));
        if found.is_empty() {
            Ok(config)
        } else {
            Err(Problems::sorted(found))
        }
    }

    /// The configuration as TOML, every default filled in (what `feedfold config` prints);
    /// [`Config::parse`] reads it back to the same value.
    pub fn to_toml(&self) -> Result<String, toml::ser::Error> {
        toml::to_string(self)
    }

    fn validate(&self, problems: &mut Vec<ConfigError>) {
        let mut check = |result: Result<(), ConfigError>| {
            if let Err(e) = result {
                problems.push(e);
            }
        };
        check(self.check_base_url());
        if self.site.title.trim().is_empty() {
            check(Err(invalid("site.title", "must not be empty")));
        }
        let site = &self.site;
        check(check_text("site.title", Some(&site.title)));
        check(check_text("site.description", Some(&site.description)));
        check(check_text("site.author", site.author.as_deref()));
        for (key, value) in [("site.icon", &site.icon), ("site.logo", &site.logo)] {
            if let Some(Err(reason)) = value.as_deref().map(crate::media::brand::source) {
                check(Err(invalid(key, reason)));
            }
        }
        if !is_language_tag(&self.site.language) {
            check(Err(invalid(
                "site.language",
                "must be a language tag like `ar` or `en-GB`",
            )));
        }
        check(self.timezone().map(drop));
        let feed = &self.feed;
        let rules = [
            (feed.limit == 0, "feed.limit", "must be at least 1"),
            (
                feed.max_bytes < 4096,
                "feed.max_bytes",
                "must be at least 4096",
            ),
            (
                feed.summary_chars < 20,
                "feed.summary_chars",
                "must be at least 20",
            ),
            (
                !(0.0..=3650.0).contains(&feed.tombstone_days),
                "feed.tombstone_days",
                "must be between 0 and 3650",
            ),
            (
                feed.max_tags > 1000,
                "feed.max_tags",
                "must be at most 1000",
            ),
            (
                !(1..=1000).contains(&feed.max_authors),
                "feed.max_authors",
                "must be between 1 and 1000",
            ),
            (
                feed.max_images > 1000,
                "feed.max_images",
                "must be at most 1000",
            ),
            (
                feed.formats.is_empty(),
                "feed.formats",
                "name at least one of rss, atom, json",
            ),
            (
                self.watch.debounce_ms > 60_000,
                "watch.debounce_ms",
                "must be at most 60000",
            ),
        ];
        for (broken, key, reason) in rules {
            if broken {
                check(Err(invalid(key, reason)));
            }
        }
        self.serve.validate(problems);
        self.websub.validate(problems);
    }

    fn check_base_url(&self) -> Result<(), ConfigError> {
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
        Ok(())
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

/// What the command line sets instead of the configuration file (`serve --listen`,
/// `serve --preview`): applied at every load, reloads included, before the checks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// `serve.listen`.
    pub listen: Option<String>,
    /// `serve --preview`: the site as its preview (see `preview`).
    pub preview: bool,
}

impl Overrides {
    fn apply(&self, config: &mut Config) -> Result<(), ConfigError> {
        if let Some(listen) = &self.listen {
            config.serve.listen.clone_from(listen);
        }
        if self.preview {
            preview::apply(config, self.listen.is_some())?;
        }
        Ok(())
    }
}

/// One thing wrong with a configuration file: the key at fault, its line when the file has
/// it, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The key, dotted (`feed.limit`); empty when the file is not TOML at all.
    pub key: String,
    /// The line the key is on (the first is 1), or its table's when the key is missing.
    pub line: Option<usize>,
    /// What is wrong, and what to do.
    pub reason: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        if !self.key.is_empty() {
            write!(f, "`{}`: ", self.key)?;
        }
        f.write_str(&self.reason)
    }
}

/// Every problem of a configuration file, in file order (those with no line last).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub struct Problems(Vec<Problem>);

impl Problems {
    fn sorted(mut problems: Vec<Problem>) -> Problems {
        problems.sort_by_key(|p| p.line.unwrap_or(usize::MAX));
        Problems(problems)
    }

    /// The problems, in file order.
    pub fn iter(&self) -> std::slice::Iter<'_, Problem> {
        self.0.iter()
    }

    /// How many problems.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there is none (never, for an error).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<Problem> for Problems {
    fn from(problem: Problem) -> Problems {
        Problems(vec![problem])
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.len() > 1 {
            write!(f, "{} problems: ", self.0.len())?;
        }
        for (i, problem) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

/// `error` as a problem of the configuration file `text`, with the line of its key.
pub fn located(text: &str, error: ConfigError) -> Problem {
    match DeTable::parse(text) {
        Ok(doc) => schema::locate(text, doc.get_ref(), error),
        Err(_) => schema::locate(text, &DeTable::default(), error),
    }
}

fn syntax_problem(text: &str, error: &toml::de::Error) -> Problem {
    Problem {
        key: String::new(),
        line: error.span().map(|span| schema::line_at(text, span.start)),
        reason: format!("not valid TOML: {}", error.message().trim()),
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

    fn problems(text: &str) -> Vec<String> {
        match Config::parse(text, Path::new("/srv/site")) {
            Ok(_) => Vec::new(),
            Err(problems) => problems.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn typos_in_two_tables_are_both_reported_in_file_order_with_their_lines() {
        // serde alone reported only `[feed]`'s: tables are read in alphabetical order.
        let text = format!("{MINIMAL}colour = \"red\"\n[feed]\nlimt = 3\n");
        assert_eq!(
            problems(&text),
            [
                "line 4: `site.colour`: unknown key; [site] takes author, base_url, \
                 description, icon, language, logo, timezone, title",
                "line 6: `feed.limt`: unknown key; did you mean `limit`?",
            ]
        );
    }

    #[test]
    fn wrong_types_unknown_tables_and_bad_values_are_all_reported() {
        let text = "[site]\ntitle = \"\"\nbase_url = \"https://x.org\"\nlanguage = 3\n\
                    [feed]\nlimit = \"ten\"\nmax_bytes = 10\nformats = [\"rss\", \"xml\"]\n\
                    [sever]\nlisten = \"x\"\n[serve]\nmax_connections = 0\n";
        let found = problems(text);
        let expected = [
            ("line 2: `site.title`", "must not be empty"),
            (
                "line 4: `site.language`",
                "invalid type: integer `3`, expected a string",
            ),
            ("line 6: `feed.limit`", "invalid type: string \"ten\""),
            ("line 7: `feed.max_bytes`", "at least 4096"),
            ("line 8: `feed.formats`", "unknown variant `xml`"),
            ("line 9: `sever`", "did you mean `serve`?"),
            ("line 12: `serve.max_connections`", "at least 1"),
        ];
        assert_eq!(found.len(), expected.len(), "{found:#?}");
        for (problem, (start, reason)) in found.iter().zip(expected) {
            assert!(
                problem.starts_with(start) && problem.contains(reason),
                "{problem}"
            );
        }
    }

    #[test]
    fn missing_required_keys_name_the_table() {
        assert_eq!(
            problems("[feed]\nlimit = 3\n"),
            ["`site`: missing: add a [site] table with `base_url` and `title`"]
        );
        assert_eq!(
            problems("[site]\ntitle = \"T\"\n"),
            ["line 1: `site.base_url`: missing: this key is required"]
        );
        let text = format!("{MINIMAL}[publish]\ntarget = \"s3\"\n[publish.s3]\nprefix = \"x\"\n");
        assert_eq!(
            problems(&text),
            ["line 6: `publish.s3.bucket`: missing: this key is required"]
        );
    }

    #[test]
    fn a_syntax_error_gives_its_line() {
        let text = format!("{MINIMAL}[feed]\nlimit = = 3\n");
        let found = problems(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("line 5: not valid TOML"), "{found:?}");
    }

    #[test]
    fn every_key_the_documentation_lists_is_known() {
        let text = "[site]\ntitle = \"T\"\nbase_url = \"https://x.org\"\ndescription = \"D\"\n\
            language = \"ar\"\nauthor = \"A\"\ntimezone = \"Asia/Riyadh\"\n\
            [paths]\nfeeds = \"f\"\npublish = \"p\"\nstate = \"s\"\ntemplates = \"t\"\n\
            [feed]\nlimit = 5\nmax_bytes = 5000\ncontent = \"summary\"\nsummary_chars = 30\n\
            formats = [\"rss\"]\nmax_article_bytes = 9\nttl_minutes = 5\nmax_tags = 3\n\
            max_authors = 2\ntombstone_days = 1.5\n\
            [watch]\ndebounce_ms = 5\nrescan_minutes = 5\npoll = true\nallow_mass_delete = true\n\
            [serve]\nlisten = \"0.0.0.0:80\"\nmax_connections = 9\nheader_timeout_secs = 9\n\
            idle_timeout_secs = 9\nmax_connections_per_address = 2\n\
            admin_listen = \"0.0.0.0:81\"\nadmin_public = true\n\
            [websub]\nhubs = [\"https://hub.example/\"]\n\
            [publish]\ntarget = \"s3\"\non_change = \"purge\"\non_change_timeout_seconds = 9\n\
            [publish.s3]\nbucket = \"b\"\nprefix = \"n\"\nendpoint = \"http://s3\"\n\
            region = \"eu\"\nallow_http = true\nlease_seconds = 30\n";
        assert_eq!(problems(text), Vec::<String>::new());
    }

    #[test]
    fn the_resolved_configuration_reads_back_as_itself() {
        let dir = Path::new("/srv/site");
        for text in [
            MINIMAL.to_string(),
            format!("{MINIMAL}[publish]\ntarget = \"s3\"\n[publish.s3]\nbucket = \"b\"\n"),
        ] {
            let config = Config::parse(&text, dir).unwrap();
            let printed = config.to_toml().unwrap();
            assert!(printed.contains("limit = 50"), "{printed}");
            assert!(printed.contains("feeds = \"/srv/site/feeds\""), "{printed}");
            assert_eq!(
                Config::parse(&printed, Path::new("/elsewhere")).unwrap(),
                config
            );
        }
    }

    #[test]
    fn the_listen_override_replaces_the_file_and_is_checked_with_it() {
        let text =
            format!("{MINIMAL}[serve]\nlisten = \"127.0.0.1:1\"\nadmin_listen = \"127.0.0.1:2\"\n");
        let listen = |addr: &str| Overrides {
            listen: Some(addr.into()),
            ..Overrides::default()
        };
        let dir = Path::new("/srv");
        let c = Config::parse_with(&text, dir, &listen("127.0.0.1:9")).unwrap();
        assert_eq!(c.serve.listen, "127.0.0.1:9");
        let err = Config::parse_with(&text, dir, &listen("127.0.0.1:2"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("serve.admin_listen") && err.contains("must differ"),
            "{err}"
        );
    }

    #[test]
    fn an_article_keeps_at_least_one_author() {
        let text = format!("{MINIMAL}[feed]\nmax_authors = 0\n");
        let found = problems(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("`feed.max_authors`") && found[0].contains("between 1 and 1000"),
            "{found:?}"
        );
        let config = Config::parse(MINIMAL, Path::new("/")).unwrap();
        assert_eq!(config.feed.max_authors, 10);
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
