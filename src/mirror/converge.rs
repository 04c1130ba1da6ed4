//! Bringing the bucket to exactly what the index says is published: upload what is missing
//! or changed (compared with the content hash recorded at its last upload), then delete what
//! left. Uploads go pages first, then listing pages, then feeds, then the OPML list, so a
//! reader never sees a feed pointing at a page that is not there yet; deletions come last.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result};
use bytes::Bytes;
use tracing::warn;

use super::bucket::{Bucket, Upload};
use super::lease::LEASE_KEY;
use crate::identity::Hash;
use crate::index::Store;
use crate::layout::{self, is_feed, media_type};

/// Objects uploaded per index transaction.
const BATCH: usize = 256;

/// What one convergence did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct MirrorReport {
    /// Objects uploaded.
    pub puts: usize,
    /// Objects deleted.
    pub deletes: usize,
    /// Bytes uploaded.
    pub bytes: u64,
}

/// Upload order: article pages, other pages and files, feeds, the OPML list.
fn rank(key: &str, pages: &HashSet<String>) -> u8 {
    if pages.contains(key) {
        0
    } else if is_feed(key) {
        2
    } else if key == layout::OPML {
        3
    } else {
        1
    }
}

/// Converges the bucket on the published set. With `list`, the bucket is listed first, so
/// objects lost or added behind feedfold's back (a wiped bucket, a restarted test server)
/// are found too; otherwise the index's record of uploads is trusted.
pub fn converge(
    bucket: &Bucket,
    store: &mut Store,
    publish_dir: &Path,
    cache_control: &str,
    list: bool,
    cancel: &AtomicBool,
) -> Result<MirrorReport> {
    let page_keys = store.page_keys()?;
    let pages: HashSet<String> = page_keys.iter().map(|(k, _)| k.clone()).collect();
    let mut desired: HashMap<String, Hash> = store
        .outputs()?
        .into_iter()
        .map(|(k, o)| (k, o.content))
        .collect();
    desired.extend(page_keys);
    let mut uploaded = store.uploaded()?;
    let mut strays = Vec::new();
    if list {
        let listed = bucket.list()?;
        uploaded.retain(|key, _| listed.contains(key));
        strays.extend((listed.into_iter()).filter(|k| k != LEASE_KEY && !desired.contains_key(k)));
    }
    let mut todo: Vec<&String> = desired
        .iter()
        .filter(|(key, hash)| uploaded.get(*key) != Some(*hash))
        .map(|(key, _)| key)
        .collect();
    todo.sort_by_key(|key| (rank(key, &pages), key.as_str()));
    let mut report = MirrorReport::default();
    for group in todo.chunk_by(|a, b| rank(a, &pages) == rank(b, &pages)) {
        for chunk in group.chunks(BATCH) {
            if cancel.load(Ordering::Relaxed) {
                // What landed is recorded; the next start goes on from there.
                return Ok(report);
            }
            upload(
                bucket,
                store,
                publish_dir,
                cache_control,
                chunk,
                &mut report,
            )?;
        }
    }
    let leaving: Vec<String> = (uploaded.into_keys())
        .filter(|k| !desired.contains_key(k))
        .chain(strays)
        .collect();
    let batch = store.batch()?;
    for key in &leaving {
        bucket.delete(key)?;
        batch.remove_uploaded(key)?;
        report.deletes += 1;
    }
    batch.commit()?;
    Ok(report)
}

/// Largest published file uploaded (feeds are bounded by `feed.max_bytes`, pages by the
/// article size limit).
const MAX_OBJECT: u64 = 256 * 1024 * 1024;

/// Uploads one chunk and records what landed, even when some of it failed.
fn upload(
    bucket: &Bucket,
    store: &mut Store,
    publish_dir: &Path,
    cache_control: &str,
    keys: &[&String],
    report: &mut MirrorReport,
) -> Result<()> {
    let mut uploads = Vec::with_capacity(keys.len());
    let mut hashes = HashMap::new();
    // Confined: a folder in the publish folder replaced by a link must not upload what it
    // leads to.
    let root = publish_dir
        .canonicalize()
        .with_context(|| format!("cannot open {}", publish_dir.display()))?;
    for key in keys {
        let bytes = match crate::confine::read(&root, &root.join(key), MAX_OBJECT, 0) {
            Ok(bytes) => bytes,
            Err(e) => {
                warn!(key = %key, error = %e, "published file not uploaded");
                continue;
            }
        };
        hashes.insert(key.to_string(), *blake3::hash(&bytes).as_bytes());
        report.bytes += bytes.len() as u64;
        uploads.push(Upload {
            key: key.to_string(),
            bytes: Bytes::from(bytes),
            content_type: media_type(key),
            cache_control: if layout::is_immutable(key) {
                layout::IMMUTABLE_CACHE.to_string()
            } else {
                cache_control.to_string()
            },
        });
    }
    let (landed, error) = bucket.put_all(uploads);
    let batch = store.batch()?;
    for key in &landed {
        if let Some(hash) = hashes.get(key) {
            batch.set_uploaded(key, hash)?;
        }
    }
    batch.commit()?;
    report.puts += landed.len();
    error.map_or(Ok(()), Err)
}
