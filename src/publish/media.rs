//! Pictures: every picture a published article uses, and the site's icon and logo, is put
//! in the publish folder once,
//! under its content-addressed key (`_/media/…`), before the pages and feeds that show it;
//! a scheduled or draft article's are not, since it is not published. Each is read again
//! from the content folder (confined), checked against the name the scan gave it, and its
//! thumbnail made then, once. Pictures no published article uses any more are removed
//! after the feeds and pages that showed them were rewritten.

use std::collections::BTreeMap;

use anyhow::Result;
use tracing::warn;

use super::report::PublishReport;
use super::target::Target;
use crate::config::Config;
use crate::index::store::Store;
use crate::media;

/// Picture files read and decoded at once (on every core).
const CHUNK: usize = 8;

/// Pictures synced one by one; more are synced with one `syncfs`.
const FEW: usize = 16;

/// What one picture key needs: the file it comes from, and whether it is that file's
/// thumbnail.
#[derive(Debug, Clone)]
struct Source {
    path: String,
    /// The key of the original, for a thumbnail.
    thumb_of: Option<String>,
}

/// Publishes the pictures the articles in `live` (rowids) use that are not published yet;
/// returns the keys no longer used, for [`remove`] once the feeds and pages were rewritten.
pub(super) fn publish(
    config: &Config,
    live: &rustc_hash::FxHashSet<i64>,
    store: &mut Store,
    target: &dyn Target,
    report: &mut PublishReport,
) -> Result<Vec<String>> {
    let mut needed: BTreeMap<String, Source> = BTreeMap::new();
    for used in store.media_uses()? {
        if !live.contains(&used.rowid) {
            continue;
        }
        if let Some(thumb) = &used.thumb {
            let source = Source {
                path: used.path.clone(),
                thumb_of: Some(used.key.clone()),
            };
            needed.entry(thumb.clone()).or_insert(source);
        }
        let source = Source {
            path: used.path,
            thumb_of: None,
        };
        needed.entry(used.key).or_insert(source);
    }
    // The site's icon and logo, read at the configuration's load.
    for (key, path) in config.site.marks.files() {
        let source = Source {
            path: path.to_string(),
            thumb_of: None,
        };
        needed.entry(key.to_string()).or_insert(source);
    }
    let published = store.media()?;
    let todo: Vec<(&String, &Source)> = needed
        .iter()
        .filter(|(key, _)| !published.contains_key(*key) || !target.exists(key))
        .collect();
    // By file: one read each, however many keys (original, thumbnail) it gives.
    let mut by_file: BTreeMap<&str, Vec<(&String, &Source)>> = BTreeMap::new();
    for (key, source) in todo {
        by_file
            .entry(source.path.as_str())
            .or_default()
            .push((key, source));
    }
    let files: Vec<_> = by_file.into_iter().collect();
    let mut written = Vec::new();
    if !files.is_empty() {
        let root = config.paths.feeds.canonicalize()?;
        let max = config.feed.max_image_bytes;
        // Decoded on every core, a few at a time: a chunk's pictures are in memory at once.
        for chunk in files.chunks(CHUNK) {
            let made = crate::workers::map(chunk, |(path, keys)| {
                let Some(picture) = read(&root, path, max) else {
                    return Vec::new();
                };
                keys.iter()
                    .filter_map(|(key, source)| {
                        Some(((*key).clone(), bytes_for(key, source, &picture)?))
                    })
                    .collect()
            });
            for (key, bytes) in made.into_iter().flatten() {
                target.put_deferred(&key, &bytes)?;
                written.push((key, *blake3::hash(&bytes).as_bytes()));
            }
        }
        // Durable before the index says they are published: a few synced one by one, many
        // with one sync of the whole folder.
        if written.len() <= FEW {
            let keys: Vec<&str> = written.iter().map(|(k, _)| k.as_str()).collect();
            target.sync(&keys)?;
        } else {
            target.flush()?;
        }
    }
    let batch = store.batch()?;
    for (key, hash) in &written {
        batch.set_media(key, hash)?;
        report.written_pages.push(key.clone());
    }
    batch.commit()?;
    Ok(published
        .into_keys()
        .filter(|key| !needed.contains_key(key))
        .collect())
}

/// The bytes to publish at `key` from the picture read for it, if they are what the scan
/// named (a file changed since is left for the next scan, which names it anew).
fn bytes_for(key: &str, source: &Source, picture: &media::Prepared) -> Option<Vec<u8>> {
    let kind = picture.probed.kind;
    let original = crate::layout::media_key(&picture.hash(), kind.extension());
    match &source.thumb_of {
        None if original == key => Some(picture.bytes.clone()),
        Some(of) if *of == original => match media::thumbnail(&picture.bytes, &picture.probed) {
            Ok(thumb) => thumb.map(|t| t.bytes),
            Err(error) => {
                warn!(path = %source.path, %error, "no thumbnail for this picture");
                None
            }
        },
        _ => {
            warn!(path = %source.path, "picture changed since the scan; published at the next one");
            None
        }
    }
}

/// Reads and prepares the picture at `path` under the real content root `root`.
fn read(root: &std::path::Path, path: &str, max: u64) -> Option<media::Prepared> {
    let bytes = crate::confine::read(root, &root.join(path), max, 0)
        .map_err(|error| warn!(path, %error, "picture not published"))
        .ok()?;
    media::prepare(bytes)
        .map_err(|error| warn!(path, %error, "picture not published"))
        .ok()
}

/// Removes the pictures at `leaving` (after the feeds and pages stopped showing them).
pub(super) fn remove(
    leaving: &[String],
    store: &mut Store,
    target: &dyn Target,
    report: &mut PublishReport,
) -> Result<()> {
    if leaving.is_empty() {
        return Ok(());
    }
    let batch = store.batch()?;
    for key in leaving {
        target.remove(key)?;
        batch.remove_media(key)?;
        report.removed.push(key.clone());
    }
    batch.commit()
}
