//! Reads article files and runs the pure extraction on them, on every core (through the
//! [`crate::workers`] pool).

use std::collections::HashMap;
use std::path::Path;

use chrono_tz::Tz;

use crate::article::{self, Defaults, Meta, Rejection};
use crate::config::{ChannelConfig, Config};
use crate::identity::{FileStat, Hash};
use crate::workers;

/// Files a worker claims at a time: large enough to keep hand-offs rare.
const CHUNK: usize = 32;

/// Bumped whenever extraction rules change, so that every article is re-extracted.
/// 5: `feed.max_authors`, `translation_key`, and the authors and key columns of schema 8.
const EXTRACTOR_VERSION: &str = "feedfold-extract-5";

/// Everything extraction needs to know about one channel.
#[derive(Debug, Clone)]
pub struct ChannelContext {
    /// Channel name (its folder).
    pub name: String,
    /// The channel's `language`; `None`: articles' languages are detected.
    pub language: Option<String>,
    /// The channel author, else the site author; `None`: neither names one.
    pub author: Option<String>,
    /// The site language (`site.language`).
    pub site_language: String,
    /// Time zone for dates without an offset (`site.timezone`; UTC if it is not valid).
    pub timezone: Tz,
    /// Most characters of a summary (`feed.summary_chars`).
    pub summary_chars: usize,
    /// Most tags an article keeps (`feed.max_tags`).
    pub max_tags: usize,
    /// Most authors an article keeps (`feed.max_authors`).
    pub max_authors: usize,
    /// Most local pictures per article (`feed.max_images`).
    pub max_images: usize,
    /// Largest picture file published (`feed.max_image_bytes`).
    pub max_image_bytes: u64,
    /// Fingerprint of all of the above: a change means every article is re-extracted.
    pub key: Hash,
}

impl ChannelContext {
    /// The context of channel `name` from the configuration and its `channel.toml` (`channel`,
    /// parsed, and `raw`, its text, which counts towards [`ChannelContext::key`]).
    pub fn new(config: &Config, name: &str, channel: &ChannelConfig, raw: &str) -> Self {
        let mut hasher = blake3::Hasher::new();
        let site = &config.site;
        let author = channel.author.clone().or_else(|| site.author.clone());
        for part in [EXTRACTOR_VERSION, name, raw, &site.language, &site.timezone] {
            hasher.update(part.as_bytes());
            hasher.update(&[0]);
        }
        hasher.update(author.as_deref().unwrap_or_default().as_bytes());
        hasher.update(&config.feed.summary_chars.to_le_bytes());
        hasher.update(&config.feed.max_tags.to_le_bytes());
        hasher.update(&config.feed.max_authors.to_le_bytes());
        hasher.update(&config.feed.max_images.to_le_bytes());
        hasher.update(&config.feed.max_image_bytes.to_le_bytes());
        ChannelContext {
            name: name.to_string(),
            language: channel.language.clone(),
            author,
            site_language: site.language.clone(),
            timezone: config.timezone().unwrap_or(chrono_tz::UTC),
            summary_chars: config.feed.summary_chars,
            max_tags: config.feed.max_tags,
            max_authors: config.feed.max_authors,
            max_images: config.feed.max_images,
            max_image_bytes: config.feed.max_image_bytes,
            key: *hasher.finalize().as_bytes(),
        }
    }

    /// The defaults extraction applies to this channel's articles.
    pub fn defaults(&self) -> Defaults<'_> {
        Defaults {
            channel: &self.name,
            channel_language: self.language.as_deref(),
            site_language: &self.site_language,
            author: self.author.as_deref(),
            timezone: self.timezone,
            summary_chars: self.summary_chars,
            max_tags: self.max_tags,
            max_authors: self.max_authors,
        }
    }
}

/// The outcome of reading one file.
#[derive(Debug)]
pub enum Analysis {
    /// Bytes identical to what the index holds.
    Same,
    Parsed {
        hash: Hash,
        meta: Box<Meta>,
        warnings: Vec<String>,
        /// The picture files the article names (found or not), for the scan to notice
        /// when one changes.
        refs: Vec<super::pictures::Ref>,
    },
    Rejected(String),
}

/// Reads and extracts `files` on every core, handing each result to `apply` in file order
/// on the calling thread (which writes the index meanwhile); `known[i]` is the indexed hash
/// of `files[i]`.
pub fn analyze_each(
    root: &Path,
    files: &[FileStat],
    known: &[Option<Hash>],
    contexts: &HashMap<String, ChannelContext>,
    config: &Config,
    apply: impl FnMut(usize, Analysis) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let max = config.feed.max_article_bytes;
    let root = &super::walk::real_root(root)?;
    let read = |i: usize, file: &FileStat| {
        let known = known.get(i).copied().flatten();
        analyze(root, file, known, &contexts[&*file.channel], max)
    };
    let step = crate::progress::step("reading articles", files.len() as u64);
    let mut apply = apply;
    workers::stream(files, CHUNK, read, |i, analysis| {
        step.advance(1);
        apply(i, analysis)
    })
}

/// Reads one file (confined beneath `root`, the real content root) and extracts its
/// metadata unless its bytes are already known.
pub fn analyze(
    root: &Path,
    file: &FileStat,
    known: Option<Hash>,
    ctx: &ChannelContext,
    max: u64,
) -> Analysis {
    if file.size > max {
        return Analysis::Rejected(
            Rejection::TooLarge {
                size: file.size,
                max,
            }
            .to_string(),
        );
    }
    let bytes = match crate::confine::read(root, &root.join(&file.path), max, file.size) {
        Ok(bytes) => bytes,
        Err(crate::confine::Refused::TooLarge { max }) => {
            return Analysis::Rejected(format!(
                "longer than the {max}-byte limit (feed.max_article_bytes)"
            ));
        }
        Err(e) => return Analysis::Rejected(e.to_string()),
    };
    let hash = *blake3::hash(&bytes).as_bytes();
    if known == Some(hash) {
        return Analysis::Same;
    }
    match article::read(&file.path, &bytes, &ctx.defaults()) {
        Ok(mut article) => {
            let refs = super::pictures::attach(root, &file.path, &mut article, ctx);
            // The pictures' content is part of what the article is.
            let hash = crate::media::with_pictures(&hash, &article.meta);
            if known == Some(hash) {
                return Analysis::Same;
            }
            Analysis::Parsed {
                hash,
                meta: Box::new(article.meta),
                warnings: article.warnings,
                refs,
            }
        }
        Err(rejection) => Analysis::Rejected(rejection.to_string()),
    }
}
