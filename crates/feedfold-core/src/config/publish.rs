//! `[publish]`: where published files go besides the local publish folder: nowhere else
//! (`target = "dir"`), or also an S3-compatible bucket (`target = "s3"`, `[publish.s3]`).
//! Credentials never come from here: they come from the standard AWS environment. Also
//! `on_change`: a shell command the daemon runs with the URLs a publish changed (a CDN purge).

use serde::{Deserialize, Serialize};

use super::{ConfigError, invalid};

/// Which publish target.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum TargetKind {
    /// The local publish folder only.
    #[default]
    Dir,
    /// The local publish folder, mirrored to an S3 bucket.
    S3,
}

/// `[publish]`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct PublishSettings {
    /// Where published files go besides the publish folder (default: nowhere).
    pub target: TargetKind,
    /// `[publish.s3]`, required by `target = "s3"` and unused otherwise; `None` when absent.
    pub s3: Option<S3Settings>,
    /// A shell command (`sh -c`) run by `watch` and `serve` (never `build`) after every
    /// publish that changed published files, with their public URLs on its standard input,
    /// one per line (for a CDN purge); failures are retried. `None` (the default): nothing.
    pub on_change: Option<String>,
    /// Seconds `on_change` may run before its process group is killed (1 to 3600).
    pub on_change_timeout_seconds: u64,
    /// Whether feedfold writes `robots.txt`, announcing the sitemaps (only ever when
    /// `site.base_url` is a host root); `false` leaves the file to the operator's server.
    pub robots: bool,
    /// Whether feedfold writes `sitemap.xml` and `news-sitemap.xml` (and so `robots.txt`,
    /// which announces them); `false` writes none and removes those it wrote.
    pub sitemaps: bool,
}

impl Default for PublishSettings {
    fn default() -> Self {
        PublishSettings {
            target: TargetKind::Dir,
            s3: None,
            on_change: None,
            on_change_timeout_seconds: 30,
            robots: true,
            sitemaps: true,
        }
    }
}

/// `[publish.s3]`: the bucket and where in it.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct S3Settings {
    /// Bucket name.
    pub bucket: String,
    /// Key prefix, e.g. `news/` (empty: the bucket's root).
    #[serde(default)]
    pub prefix: String,
    /// Endpoint of an S3-compatible store; AWS when absent.
    #[serde(default)]
    pub endpoint: Option<String>,
    /// Region of the bucket (default `us-east-1`).
    #[serde(default = "default_region")]
    pub region: String,
    /// Allow a plain-http endpoint (a local test server).
    #[serde(default)]
    pub allow_http: bool,
    /// How long the writer lease lasts unless renewed.
    #[serde(default = "default_lease")]
    pub lease_seconds: u64,
}

fn default_region() -> String {
    "us-east-1".into()
}

fn default_lease() -> u64 {
    60
}

impl PublishSettings {
    /// The S3 settings when the target is S3.
    pub fn s3(&self) -> Option<&S3Settings> {
        match self.target {
            TargetKind::S3 => self.s3.as_ref(),
            TargetKind::Dir => None,
        }
    }

    /// Records every value that cannot be used in `problems`, and writes the bucket prefix
    /// one way (`news/`).
    pub(super) fn validate(&mut self, problems: &mut Vec<ConfigError>) {
        self.validate_on_change(problems);
        let Some(s3) = &mut self.s3 else {
            if self.target == TargetKind::S3 {
                problems.push(invalid(
                    "publish.s3",
                    "`target = \"s3\"` needs a [publish.s3] table",
                ));
            }
            return;
        };
        if s3.bucket.trim().is_empty() {
            problems.push(invalid("publish.s3.bucket", "must not be empty"));
        }
        if !(10..=3600).contains(&s3.lease_seconds) {
            problems.push(invalid("publish.s3.lease_seconds", "must be 10 to 3600"));
        }
        let prefix = s3.prefix.trim_matches('/');
        s3.prefix = if prefix.is_empty() {
            String::new()
        } else {
            format!("{prefix}/")
        };
    }

    fn validate_on_change(&self, problems: &mut Vec<ConfigError>) {
        if !(1..=3600).contains(&self.on_change_timeout_seconds) {
            problems.push(invalid(
                "publish.on_change_timeout_seconds",
                "must be 1 to 3600",
            ));
        }
        match &self.on_change {
            Some(command) if command.trim().is_empty() => problems.push(invalid(
                "publish.on_change",
                "must not be empty: leave the key out to run nothing",
            )),
            Some(command) if command.contains('\0') => problems.push(invalid(
                "publish.on_change",
                "holds a NUL character, which no command line can carry",
            )),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<PublishSettings, ConfigError> {
        let mut settings: PublishSettings =
            toml::from_str(text).map_err(|e| ConfigError::Syntax(e.to_string()))?;
        let mut problems = Vec::new();
        settings.validate(&mut problems);
        match problems.into_iter().next() {
            Some(e) => Err(e),
            None => Ok(settings),
        }
    }

    #[test]
    fn on_change_is_off_by_default_with_a_30_second_timeout_bounded_to_an_hour() {
        let defaults = parse("").unwrap();
        assert_eq!(defaults.on_change, None);
        assert_eq!(defaults.on_change_timeout_seconds, 30);
        let set = parse("on_change = \"purge\"\non_change_timeout_seconds = 3600\n").unwrap();
        assert_eq!(set.on_change.as_deref(), Some("purge"));
        for bad in [
            "on_change_timeout_seconds = 0",
            "on_change_timeout_seconds = 3601",
        ] {
            let err = parse(bad).unwrap_err().to_string();
            assert!(err.contains("publish.on_change_timeout_seconds"), "{err}");
        }
        let err = parse("on_change = \"  \"").unwrap_err().to_string();
        assert!(err.contains("publish.on_change"), "{err}");
    }
}
