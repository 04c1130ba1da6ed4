//! Walks the content root: the channel folders, their `channel.toml`, and every article file.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result};

use super::model::FileStat;
use crate::article::Kind;

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
    for entry in entries {
        let Ok(entry) = entry else { continue };
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        let path = format!("{rel}/{name}");
        if file_type.is_dir() {
            walk_channel(&entry.path(), &path, channel, files)?;
        } else if Kind::of_file_name(&name).is_some() {
            let Ok(meta) = fs::metadata(entry.path()) else {
                continue;
            };
            if !meta.is_file() {
                continue;
            }
            files.push(FileStat {
                path,
                channel: channel.to_string(),
                size: meta.len(),
                mtime_ns: mtime_ns(&meta),
            });
        }
    }
    Ok(())
}

/// A file's modification time in nanoseconds since the epoch.
pub fn mtime_ns(meta: &fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(0)
}
