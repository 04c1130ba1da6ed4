//! Walks the content root: the channel folders, their `channel.toml`, and every article file.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result};

use super::model::FileStat;
use crate::article::Kind;
use crate::workers;

/// Folder names that would collide with generated feed folders.
pub const RESERVED_CHANNELS: [&str; 2] = ["tags", "lang"];

/// What a walk of the content root found.
#[derive(Debug, Default)]
pub struct Tree {
    /// Article files, sorted by path.
    pub files: Vec<FileStat>,
    /// Every channel folder with the bytes of its `channel.toml`, if any.
    pub channels: BTreeMap<String, Option<Vec<u8>>>,
    /// Files that look like articles but cannot be one, with the reason.
    pub misplaced: Vec<(String, String)>,
}

/// Walks `root`. A missing or unreadable root is an error: never "no articles".
pub fn walk(root: &Path) -> Result<Tree> {
    let mut tree = Tree::default();
    let entries = fs::read_dir(root)
        .with_context(|| format!("cannot read the content folder {}", root.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot read {}", root.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let file_type = entry.file_type()?;
        if name.starts_with('.') {
            continue;
        }
        if file_type.is_dir() {
            if RESERVED_CHANNELS.contains(&name.as_str()) {
                tree.misplaced
                    .push((name, "channel name is reserved for generated feeds".into()));
                continue;
            }
            let channel_toml = fs::read(entry.path().join("channel.toml")).ok();
            walk_channel(&entry.path(), &name, &name, &mut tree.files)?;
            tree.channels.insert(name, channel_toml);
        } else if Kind::of_file_name(&name).is_some() {
            let reason = "articles belong in a channel folder such as feeds/news/".into();
            tree.misplaced.push((name, reason));
        }
    }
    tree.files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(tree)
}

fn walk_channel(dir: &Path, rel: &str, channel: &str, files: &mut Vec<FileStat>) -> Result<()> {
    let entries = fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    let mut articles = Vec::new();
    for entry in entries {
        let Ok(entry) = entry else { continue };
        let name = entry.file_name().to_string_lossy().into_owned();
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        let path = format!("{rel}/{name}");
        if file_type.is_dir() {
            walk_channel(&entry.path(), &path, channel, files)?;
        } else if Kind::of_file_name(&name).is_some() {
            articles.push((entry, file_type.is_symlink(), path));
        }
    }
    // Stat on every core: on a large folder the stats are most of a no-change rebuild.
    let stats = workers::map(&articles, |(entry, symlink, path)| {
        // Through the directory entry: a stat relative to the open folder, not a lookup of
        // the whole path. Symlinks are followed.
        let meta = if *symlink {
            fs::metadata(entry.path())
        } else {
            entry.metadata()
        };
        let meta = meta.ok().filter(fs::Metadata::is_file)?;
        Some(FileStat {
            path: path.clone(),
            channel: channel.to_string(),
            size: meta.len(),
            mtime_ns: mtime_ns(&meta),
        })
    });
    files.extend(stats.into_iter().flatten());
    Ok(())
}

/// Collects the article files at `path` (a file or a folder under channel `channel`,
/// `rel` being its path under the content root). A path that no longer exists adds nothing.
pub fn walk_path(path: &Path, rel: &str, channel: &str, files: &mut Vec<FileStat>) {
    let Ok(meta) = fs::metadata(path) else { return };
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if name.starts_with('.') {
        return;
    }
    if meta.is_dir() {
        let _ = walk_channel(path, rel, channel, files);
    } else if meta.is_file() && Kind::of_file_name(name).is_some() {
        files.push(FileStat {
            path: rel.to_string(),
            channel: channel.to_string(),
            size: meta.len(),
            mtime_ns: mtime_ns(&meta),
        });
    }
}

/// A file's modification time in nanoseconds since the epoch.
pub fn mtime_ns(meta: &fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(0)
}
