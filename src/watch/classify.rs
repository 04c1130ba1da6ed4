//! What a batch of notices asks of the daemon: nothing, a scan of some paths, a full rescan
//! (a channel changed, notifications were lost, the timer), a reload, or publishing again.
//! Pure: every rule about when a path scan is not enough lives here, and the scan does what
//! it is told.

use std::fmt;
use std::path::{Path, PathBuf};

use notify::event::{AccessKind, AccessMode, EventKind};

/// More changed paths than this at once are reconciled by a full scan instead.
pub const MAX_PATH_SCAN: usize = 512;

/// One thing the daemon heard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// The watcher saw `path` touched, as `kind` (notify's account of it).
    Path(PathBuf, EventKind),
    /// Notifications may have been lost (a watcher error, an overflowed queue): the reason.
    Lost(String),
    /// The content folder was moved away and another put in its place.
    RootReplaced,
    /// SIGHUP.
    Reload,
    /// The periodic rescan is due.
    RescanDue,
    /// The retry of a failed publish is due.
    RetryPublish,
    /// An article changes stage now (a scheduled one is due, one expires, a tombstone
    /// ages out): publish again, with no file event.
    Due,
    /// The changes paused (or went on for long) while the archives and sitemaps are
    /// behind the feeds: a whole publish brings them up to date.
    CatchUp,
}

/// What to do about a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Nothing feeds show can have changed (reads, paths outside the content root).
    Nothing,
    /// Publish again what the index holds, without a scan.
    Republish,
    /// Scan these paths (files or folders inside known channels), relative to the content
    /// root, `/`-separated, sorted and without duplicates.
    Paths(Vec<String>),
    /// A channel (its folder, its `channel.toml`) changed or appeared: a full scan, which
    /// reads channel settings.
    Channel(String),
    /// Reconcile everything, for this reason.
    Full(String),
    /// Read the configuration again, then reconcile everything.
    Reload,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::Nothing => write!(f, "nothing"),
            Change::Republish => write!(f, "publish again"),
            Change::Paths(paths) => write!(f, "scan {} paths", paths.len()),
            Change::Channel(name) => write!(f, "channel {name} changed"),
            Change::Full(reason) => write!(f, "full rescan: {reason}"),
            Change::Reload => write!(f, "reload"),
        }
    }
}

/// Decides what `batch` asks for. `root` is the content root, `config_file` the
/// configuration file and `templates` the site's templates folder (all absolute, as the
/// watcher reports paths: the folder or anything in it changing asks for a reload, which
/// reads the templates again); `is_channel` tells the channels the last full scan found. A reload wins over a full rescan, a full rescan
/// over a channel change, and any of them over a path scan; a publish is retried only
/// when nothing else is to be done (any scan publishes).
pub fn classify(
    root: &Path,
    config_file: &Path,
    templates: &Path,
    is_channel: impl Fn(&str) -> bool,
    batch: &[Notice],
) -> Change {
    let (mut full, mut reload, mut retry) = (None, false, false);
    let mut paths: Vec<&Path> = Vec::new();
    for notice in batch {
        match notice {
            Notice::Path(_, kind) if !is_change(kind) => {}
            Notice::Path(path, _) if path == config_file || is_template(templates, path) => {
                reload = true
            }
            // A picture names no article: the full scan finds the ones that use it.
            Notice::Path(path, _) if path.starts_with(root) && is_picture(path) => {
                full = Some("a picture changed".into())
            }
            Notice::Path(path, _) if path.starts_with(root) => paths.push(path),
            Notice::Path(..) => {}
            Notice::Lost(reason) => full = Some(reason.clone()),
            Notice::RootReplaced => full = Some("the content folder was replaced".into()),
            Notice::Reload => reload = true,
            Notice::RescanDue => full = Some("periodic rescan".into()),
            Notice::RetryPublish | Notice::Due | Notice::CatchUp => retry = true,
        }
    }
    if reload {
        return Change::Reload;
    }
    if let Some(reason) = full {
        return Change::Full(reason);
    }
    paths.sort();
    paths.dedup();
    if paths.len() > MAX_PATH_SCAN {
        return Change::Full(format!("{} paths changed at once", paths.len()));
    }
    let mut rels = Vec::with_capacity(paths.len());
    for path in paths {
        match place(root, path, &is_channel) {
            Ok(rel) => rels.push(rel),
            Err(change) => return change,
        }
    }
    match (rels.is_empty(), retry) {
        (false, _) => Change::Paths(rels),
        (true, true) => Change::Republish,
        (true, false) => Change::Nothing,
    }
}

/// True for the templates folder itself and what feedfold reads in it (`*.html`,
/// `style.css`), not an editor's swap or backup files (`.article.html.swp`, `article.html~`).
fn is_template(templates: &Path, path: &Path) -> bool {
    if path == templates {
        return true;
    }
    if path.parent() != Some(templates) {
        return false;
    }
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    !name.starts_with('.') && (name.ends_with(".html") || name == "style.css")
}

/// Reads (our own scans included) are not changes; a close after writing is.
pub(super) fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// `path` (beneath `root`) relative to the content root when a path scan can take it, or
/// the change it needs instead.
fn place(root: &Path, path: &Path, is_channel: &impl Fn(&str) -> bool) -> Result<String, Change> {
    let under = path.strip_prefix(root).unwrap_or(path);
    if under.as_os_str().is_empty() {
        return Err(Change::Full("the content folder itself changed".into()));
    }
    // A name that is not UTF-8 is reported by the full scan.
    let Some(rel) = relative(under) else {
        return Err(Change::Full("a name that is not UTF-8 changed".into()));
    };
    let Some((channel, _)) = rel.split_once('/') else {
        return Err(Change::Channel(rel));
    };
    if rel.ends_with("/channel.toml") || !is_channel(channel) {
        return Err(Change::Channel(channel.to_string()));
    }
    Ok(rel)
}

/// True for a picture file's path (by its name, as the scan tells them).
fn is_picture(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(crate::media::is_image_name)
}

/// `rel` as a `/`-separated path, or `None` when it is not UTF-8.
fn relative(rel: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    parts.map(|p| p.join("/"))
}

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    use std::path::{Path, PathBuf};

    use notify::event::{
        AccessKind, AccessMode, CreateKind, EventKind, ModifyKind, RemoveKind, RenameMode,
    };

    use super::{Change, MAX_PATH_SCAN, Notice, classify};

    const ROOT: &str = "/srv/news/feeds";
    const CONFIG: &str = "/srv/news/config.toml";
    const TEMPLATES: &str = "/srv/news/templates";
    const CREATE: EventKind = EventKind::Create(CreateKind::File);

    /// `rel` (under the content root) touched as `kind`.
    fn touched(rel: &str, kind: EventKind) -> Notice {
        Notice::Path(Path::new(ROOT).join(rel), kind)
    }

    /// `rel` (under the content root) created.
    fn new(rel: &str) -> Notice {
        touched(rel, CREATE)
    }

    /// An absolute path created.
    fn at(path: &str) -> Notice {
        Notice::Path(PathBuf::from(path), CREATE)
    }

    fn paths(rels: &[&str]) -> Change {
        Change::Paths(rels.iter().map(|r| r.to_string()).collect())
    }

    fn channel(name: &str) -> Change {
        Change::Channel(name.into())
    }

    fn full(reason: &str) -> Change {
        Change::Full(reason.into())
    }

    fn decide(batch: &[Notice]) -> Change {
        let known = |c: &str| ["news", "world"].contains(&c);
        classify(
            Path::new(ROOT),
            Path::new(CONFIG),
            Path::new(TEMPLATES),
            known,
            batch,
        )
    }

    #[test]
    fn can_detect_kind_of_changes() {
        let written = EventKind::Access(AccessKind::Close(AccessMode::Write));
        let read = EventKind::Access(AccessKind::Close(AccessMode::Read));
        let opened = EventKind::Access(AccessKind::Open(AccessMode::Any));
        let renamed = EventKind::Modify(ModifyKind::Name(RenameMode::Both));
        let removed = EventKind::Remove(RemoveKind::File);
        let lost = || Notice::Lost("overflow".into());
        let cases: Vec<(Vec<Notice>, Change)> = vec![
            (vec![], Change::Nothing),
            // Files and folders inside known channels: a path scan.
            (vec![new("news/a.md")], paths(&["news/a.md"])),
            (vec![touched("news/a.md", written)], paths(&["news/a.md"])),
            (vec![touched("news/a.md", removed)], paths(&["news/a.md"])),
            (vec![touched("news/a.md", renamed)], paths(&["news/a.md"])),
            (vec![new("news/2026")], paths(&["news/2026"])),
            (
                vec![new("world/b.md"), new("news/a.md")],
                paths(&["news/a.md", "world/b.md"]),
            ),
            (
                vec![new("news/a.md"), new("news/a.md")],
                paths(&["news/a.md"]),
            ),
            // Reads (our own scans) and paths outside the content root: nothing.
            (vec![touched("news/a.md", read)], Change::Nothing),
            (vec![touched("news/a.md", opened)], Change::Nothing),
            (vec![at("/srv/news/other.md")], Change::Nothing),
            (vec![at("/srv/news/feeds-old/news/a.md")], Change::Nothing),
            // The configuration file, or SIGHUP: a reload, whatever else came.
            (vec![at(CONFIG)], Change::Reload),
            (vec![Notice::Path(CONFIG.into(), read)], Change::Nothing),
            (vec![new("news/a.md"), at(CONFIG)], Change::Reload),
            (vec![Notice::Reload], Change::Reload),
            // The templates folder, or a template in it: a reload, which reads them again.
            (vec![at("/srv/news/templates/article.html")], Change::Reload),
            (vec![at(TEMPLATES)], Change::Reload),
            (vec![at("/srv/news/templates/style.css")], Change::Reload),
            (vec![at("/srv/news/templates-old/a.html")], Change::Nothing),
            (
                vec![at("/srv/news/templates/.article.html.swp")],
                Change::Nothing,
            ),
            (
                vec![at("/srv/news/templates/article.html~")],
                Change::Nothing,
            ),
            (vec![lost(), Notice::Reload], Change::Reload),
            // A channel itself, or what is not in a known channel: a full scan.
            (vec![new("news")], channel("news")),
            (vec![new("sports")], channel("sports")),
            (vec![new("sports/a.md")], channel("sports")),
            (vec![new("stray.md")], channel("stray.md")),
            (vec![new("news/channel.toml")], channel("news")),
            (vec![new("news/sub/channel.toml")], channel("news")),
            (
                vec![new("news/a.md"), new("sports/b.md")],
                channel("sports"),
            ),
            // Doubt: a full scan, with its reason.
            (vec![at(ROOT)], full("the content folder itself changed")),
            (vec![new("news/a.md"), lost()], full("overflow")),
            (vec![new("sports"), lost()], full("overflow")),
            (
                vec![Notice::RootReplaced],
                full("the content folder was replaced"),
            ),
            (vec![Notice::RescanDue], full("periodic rescan")),
            // A publish to retry: only when no scan (which publishes) is due.
            (vec![Notice::RetryPublish], Change::Republish),
            (vec![Notice::Due], Change::Republish),
            (vec![Notice::CatchUp], Change::Republish),
            // A change that came in as the catch-up was due: news first, the catch-up waits.
            (
                vec![Notice::CatchUp, new("news/a.md")],
                paths(&["news/a.md"]),
            ),
            (
                vec![Notice::RetryPublish, new("news/a.md")],
                paths(&["news/a.md"]),
            ),
            (
                vec![Notice::RetryPublish, touched("news/a.md", read)],
                Change::Republish,
            ),
            (
                vec![Notice::RetryPublish, Notice::RescanDue],
                full("periodic rescan"),
            ),
        ];
        for (batch, expected) in cases {
            assert_eq!(decide(&batch), expected, "batch: {batch:?}");
        }
    }

    #[test]
    fn a_name_that_is_not_utf8_needs_a_full_scan() {
        let mut path = PathBuf::from(ROOT).join("news");
        path.push(OsStr::from_bytes(b"caf\xe9.md"));
        let batch = [Notice::Path(path, CREATE)];
        assert_eq!(decide(&batch), full("a name that is not UTF-8 changed"));
    }

    #[test]
    fn too_many_paths_at_once_need_a_full_scan() {
        let batch =
            |n: usize| -> Vec<Notice> { (0..n).map(|i| new(&format!("news/{i}.md"))).collect() };
        let most = decide(&batch(MAX_PATH_SCAN));
        assert!(matches!(most, Change::Paths(p) if p.len() == MAX_PATH_SCAN));
        let over = decide(&batch(MAX_PATH_SCAN + 1));
        assert_eq!(over, full("513 paths changed at once"));
    }
}
