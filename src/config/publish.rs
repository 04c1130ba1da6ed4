//! `[publish]`: where published files go besides the local publish folder: nowhere else
//! (`target = "dir"`), or also an S3-compatible bucket (`target = "s3"`, `[publish.s3]`).
//! Credentials never come from here: they come from the standard AWS environment.

use serde::Deserialize;

use super::{ConfigError, invalid};

/// Which publish target.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum TargetKind {
    /// The local publish folder only.
    #[default]
    Dir,
    /// The local publish folder, mirrored to an S3 bucket.
    S3,
}

/// `[publish]`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct PublishSettings {
    /// Where published files go besides the publish folder (default: nowhere).
    pub target: TargetKind,
    /// `[publish.s3]`, required by `target = "s3"` and unused otherwise; `None` when absent.
    pub s3: Option<S3Settings>,
}

/// `[publish.s3]`: the bucket and where in it.
#[derive(Debug, Clone, Deserialize, PartialEq)]
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

    pub(super) fn validate(&mut self) -> Result<(), ConfigError> {
        let Some(s3) = &mut self.s3 else {
            return match self.target {
                TargetKind::S3 => Err(invalid(
                    "publish.s3",
                    "`target = \"s3\"` needs a [publish.s3] table",
                )),
                TargetKind::Dir => Ok(()),
            };
        };
        if s3.bucket.trim().is_empty() {
            return Err(invalid("publish.s3.bucket", "must not be empty"));
        }
        if !(10..=3600).contains(&s3.lease_seconds) {
            return Err(invalid("publish.s3.lease_seconds", "must be 10 to 3600"));
        }
        let prefix = s3.prefix.trim_matches('/');
        s3.prefix = if prefix.is_empty() {
            String::new()
        } else {
            format!("{prefix}/")
        };
        Ok(())
    }
}
