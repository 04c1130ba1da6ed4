//! The site's icon and logo (`site.icon`, `site.logo`), read from the content folder: the
//! shell around [`crate::media::brand`]. A file is read confined to the content folder,
//! checked from its bytes like every picture, and named by its content hash; a URL is
//! taken as it is. A file that cannot be used refuses the configuration (at start, and on
//! a reload, which keeps the old one), naming the setting, the file and the reason; an
//! odd shape (an icon that is not square) is only a warning.

use std::path::Path;

use anyhow::{Context, Result, anyhow};
use tracing::warn;

use crate::config::Config;
use crate::media::brand::{Mark, Marks, Source, shape_advice, source};

/// Reads the pictures `config` names.
pub fn load(config: &Config) -> Result<Marks> {
    let site = &config.site;
    let mut marks = Marks::default();
    for (key, value, slot) in [
        ("site.icon", &site.icon, &mut marks.icon),
        ("site.logo", &site.logo, &mut marks.logo),
    ] {
        if let Some(value) = value {
            *slot = Some(mark(config, key, value).with_context(|| format!("`{key}`"))?);
        }
    }
    Ok(marks)
}

fn mark(config: &Config, key: &str, value: &str) -> Result<Mark> {
    let path = match source(value).map_err(|reason| anyhow!("{reason}"))? {
        Source::Url(url) => return Ok(Mark::remote(url)),
        Source::File(path) => path,
    };
    let feeds = &config.paths.feeds;
    let root = feeds
        .canonicalize()
        .with_context(|| format!("cannot open the content folder {}", feeds.display()))?;
    let shown = Path::new(feeds).join(path);
    let bytes = crate::confine::read(&root, &root.join(path), config.feed.max_image_bytes, 0)
        .with_context(|| format!("cannot use {}", shown.display()))?;
    let prepared =
        crate::media::prepare(bytes).with_context(|| format!("cannot use {}", shown.display()))?;
    let (width, height) = prepared.shown_size();
    if let Some(advice) = shape_advice(key == "site.logo", width, height) {
        warn!(setting = key, path = %shown.display(), "{advice}");
    }
    Ok(Mark::local(&config.site.base_url, path, &prepared))
}
