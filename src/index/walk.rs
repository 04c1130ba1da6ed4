//! Walks the content root: the channel folders, their `channel.toml`, and every article file.
//!
//! Nothing whose real path lies outside the content root is read: a symbolic link is
//! followed only to a file beneath the root, never to a folder. FIFOs, sockets, devices,
//! dangling links, link loops, file names that are not UTF-8 and folders that cannot be
//! read are reported with the reason, never skipped silently; what the index holds beneath
//! an unreadable folder is kept (unreadable is not deleted).

use std::collections::BTreeMap;
use std::fs::{self, DirEntry, FileType};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};

use crate::article::Kind;
use crate::identity::FileStat;
use crate::{confine, layout, workers};

/// Largest `channel.toml` read.
const MAX_CHANNEL_TOML: u64 = 64 * 1024;

/// What a walk of the content root found.
#[derive(Debug, Default)]
pub struct Tree {
    /// Article files, sorted by path.
    pub files: Vec<FileStat>,
    /// Every channel folder with the bytes of its `channel.toml`, if any.
    pub channels: BTreeMap<String, Option<Vec<u8>>>,
    /// Paths that look like articles (or folders of them) but were not read, with the reason.
    pub misplaced: Vec<(String, String)>,
    /// Folders that could not be listed: the articles indexed beneath them are kept.
    pub unreadable: Vec<String>,
    /// Picture files (by their names), sorted by path: a changed one sends the articles
    /// that use it to be read again.
    pub images: Vec<FileStat>,
}

impl Tree {
    /// True when what the index holds at `path` must be kept although the walk did not
    /// find it as an article: it was refused (a swapped-in link, a FIFO...) or lies in a
    /// folder that could not be read.
    pub fn holds(&self, path: &str) -> bool {
        self.misplaced.iter().any(|(p, _)| p == path)
            || self.unreadable.iter().any(|dir| {
                path.strip_prefix(dir.as_str())
                    .is_some_and(|r| r.starts_with('/'))
            })
    }
}

/// What one directory entry is, as far as the walk is concerned.
enum Node {
    Folder,
    File(fs::Metadata),
    /// Not an article and nothing to report.
    Skip,
    /// Reported with this reason and not read.
    Refused(String),
}

/// Walks `root`. A missing or unreadable root is an error: never "no articles".
pub fn walk(root: &Path) -> Result<Tree> {
    let real_root = real_root(root)?;
    let mut tree = Tree::default();
    let step = crate::progress::step("scanning files", 0);
    let entries = fs::read_dir(root)
        .with_context(|| format!("cannot read the content folder {}", root.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot read {}", root.display()))?;
        let Some(name) = utf8_name(&entry, "", &mut tree) else {
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        match classify(&real_root, &entry.path(), &name, entry.file_type()?) {
            // The channel's name is published (feed titles, categories, links).
            Node::Folder if name.chars().any(char::is_control) => {
                let reason = "a channel name cannot hold control characters: rename the folder";
                tree.misplaced.push((name, reason.into()));
            }
            // Its feeds would collide with generated ones (see `layout::RESERVED_CHANNELS`).
            Node::Folder if layout::reserved(&name).is_some() => {
                let reason = layout::reserved(&name).unwrap_or_default();
                tree.misplaced.push((name, reason.into()));
            }
            Node::Folder => {
                let toml_path = entry.path().join("channel.toml");
                let channel_toml = match confine::read(&real_root, &toml_path, MAX_CHANNEL_TOML, 0)
                {
                    Ok(bytes) => Some(bytes),
                    Err(confine::Refused::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                        None
                    }
                    Err(e) => {
                        let path = format!("{name}/channel.toml");
                        tree.misplaced.push((path, e.to_string()));
                        None
                    }
                };
                walk_channel(&real_root, &entry.path(), &name, &name, &mut tree, &step);
                tree.channels.insert(name, channel_toml);
            }
            Node::File(_) if Kind::of_file_name(&name).is_some() => {
                let reason = "articles belong in a channel folder such as feeds/news/".into();
                tree.misplaced.push((name, reason));
            }
            Node::Refused(reason) => tree.misplaced.push((name, reason)),
            Node::File(_) | Node::Skip => {}
        }
    }
    // Paths are unique: the unstable sort gives the same order, sooner.
    workers::sort_unstable_by(&mut tree.files, |a, b| a.path.cmp(&b.path));
    tree.images.sort_unstable_by(|a, b| a.path.cmp(&b.path));
    Ok(tree)
}

/// The content root as the kernel resolves it (it may itself be a symbolic link).
pub fn real_root(root: &Path) -> Result<PathBuf> {
    root.canonicalize()
        .with_context(|| format!("cannot read the content folder {}", root.display()))
}

/// Walks one folder of channel `channel` (`rel` being its path under the content root),
/// counting the articles it finds on `step`.
fn walk_channel(
    real_root: &Path,
    dir: &Path,
    rel: &str,
    channel: &str,
    tree: &mut Tree,
    step: &crate::progress::Step,
) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => return unreadable(rel, &e, tree),
    };
    let mut articles = Vec::new();
    let mut images = Vec::new();
    for entry in entries {
        let Ok(entry) = entry else { continue };
        let Some(name) = utf8_name(&entry, rel, tree) else {
            continue;
        };
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        let path = format!("{rel}/{name}");
        if file_type.is_dir() {
            walk_channel(real_root, &entry.path(), &path, channel, tree, step);
        } else if file_type.is_file() {
            if Kind::of_file_name(&name).is_some() {
                articles.push((entry, path));
            } else if crate::media::is_image_name(&name) {
                images.push((entry, path));
            }
        } else {
            // Links and special files: classified one by one, and rare. A link is an
            // article only by its own name, as a regular file is (and as `walk_path` sees it).
            match classify(real_root, &entry.path(), &name, file_type) {
                Node::File(meta) if Kind::of_file_name(&name).is_some() => {
                    tree.files.push(stat(path, channel.into(), &meta))
                }
                Node::File(meta) if crate::media::is_image_name(&name) => {
                    tree.images.push(stat(path, channel.into(), &meta))
                }
                Node::Refused(reason) => tree.misplaced.push((path, reason)),
                Node::File(_) | Node::Folder | Node::Skip => {}
            }
        }
    }
    for (entry, path) in images {
        if let Ok(meta) = entry.metadata() {
            tree.images.push(stat(path, channel.into(), &meta));
        }
    }
    // Stat on every core: on a large folder the stats are most of a no-change rebuild.
    // Through the directory entry: a stat relative to the open folder, not a path lookup.
    let stats = workers::map(&articles, |(entry, _)| {
        let meta = entry.metadata().ok().filter(fs::Metadata::is_file)?;
        Some((meta.len(), mtime_ns(&meta)))
    });
    step.advance(stats.len() as u64);
    let shared: Arc<str> = channel.into();
    let found = articles.into_iter().zip(stats);
    tree.files.extend(found.filter_map(|((_, path), stat)| {
        let (size, mtime_ns) = stat?;
        Some(FileStat {
            path,
            channel: shared.clone(),
            size,
            mtime_ns,
        })
    }));
}

fn unreadable(rel: &str, error: &std::io::Error, tree: &mut Tree) {
    let reason = format!("cannot read this folder ({error}); its articles stay published");
    tree.misplaced.push((rel.to_string(), reason));
    tree.unreadable.push(rel.to_string());
}

/// Classifies the entry at `path` named `name`; links are resolved here.
fn classify(real_root: &Path, path: &Path, name: &str, file_type: FileType) -> Node {
    let article = Kind::of_file_name(name).is_some();
    if file_type.is_dir() {
        return Node::Folder;
    }
    if file_type.is_file() {
        return fs::symlink_metadata(path).map_or(Node::Skip, Node::File);
    }
    if !file_type.is_symlink() {
        let what = confine::kind_name(&file_type);
        return refuse(article, format!("{what}, not a regular file: not read"));
    }
    let meta = match fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
            return refuse(article, "a symbolic link loop: not read".into());
        }
        Err(_) => return refuse(article, "a dangling symbolic link: not read".into()),
    };
    if meta.is_dir() {
        return Node::Refused("a symbolic link to a folder: not followed".into());
    }
    match path.canonicalize() {
        Ok(real) if real.starts_with(real_root) => {}
        Ok(real) => {
            let reason = format!(
                "a symbolic link leading outside the content folder (to {}): not read",
                real.display()
            );
            return refuse(article, reason);
        }
        Err(e) => return refuse(article, format!("cannot resolve this link: {e}")),
    }
    if meta.is_file() {
        Node::File(meta)
    } else {
        let what = confine::kind_name(&meta.file_type());
        refuse(
            article,
            format!("a link to {what}, not a regular file: not read"),
        )
    }
}

/// Refuses an article-looking entry with `reason`; other entries are skipped silently.
fn refuse(article: bool, reason: String) -> Node {
    if article {
        Node::Refused(reason)
    } else {
        Node::Skip
    }
}

/// The entry's name, or `None` (reported when it could be an article or a folder) when it
/// is not UTF-8: such names cannot appear in links or feeds as they are.
fn utf8_name(entry: &DirEntry, rel: &str, tree: &mut Tree) -> Option<String> {
    let os = entry.file_name();
    if let Some(name) = os.to_str() {
        return Some(name.to_string());
    }
    let shown = escape_name(os.as_encoded_bytes());
    let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
    if is_dir || Kind::of_file_name(&shown).is_some() {
        let path = if rel.is_empty() {
            shown
        } else {
            format!("{rel}/{shown}")
        };
        let reason = "the name is not valid UTF-8: rename it (e.g. `convmv -f latin1 -t utf8`)";
        tree.misplaced.push((path, reason.into()));
    }
    None
}

/// A name's bytes with every byte that is not UTF-8 written as `\xNN`, so that two such
/// names never look the same in a report.
pub fn escape_name(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

fn stat(path: String, channel: Arc<str>, meta: &fs::Metadata) -> FileStat {
    FileStat {
        path,
        channel,
        size: meta.len(),
        mtime_ns: mtime_ns(meta),
    }
}

/// Collects what is at `path` (a file or a folder under channel `channel`, `rel` being its
/// path under the content root) into `tree`. A path that no longer exists adds nothing.
pub fn walk_path(real_root: &Path, path: &Path, rel: &str, channel: &str, tree: &mut Tree) {
    let Ok(meta) = fs::symlink_metadata(path) else {
        return;
    };
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if name.starts_with('.') {
        return;
    }
    match classify(real_root, path, name, meta.file_type()) {
        Node::Folder => {
            let step = crate::progress::step("scanning files", 0);
            walk_channel(real_root, path, rel, channel, tree, &step)
        }
        Node::File(meta) if Kind::of_file_name(name).is_some() => {
            tree.files
                .push(stat(rel.to_string(), channel.into(), &meta));
        }
        Node::Refused(reason) => tree.misplaced.push((rel.to_string(), reason)),
        Node::File(_) | Node::Skip => {}
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_are_not_utf8_stay_distinct_when_shown() {
        assert_eq!(escape_name(b"latin1-\xe9\xff.txt"), "latin1-\\xE9\\xFF.txt");
        assert_ne!(
            escape_name(b"latin1-\xe9\xff.txt"),
            escape_name(b"latin1-\xe9\xfe.txt")
        );
        assert_eq!(escape_name("خبر.txt".as_bytes()), "خبر.txt");
    }
}
