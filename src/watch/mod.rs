//! The file watcher: turns OS notifications (inotify, or polling where that is silent or
//! exhausted) into [`Notice`]s for the daemon, and [`classify()`] decides what a batch of
//! them asks for. Notices are hints; the daemon's reconciliation is the truth, so anything
//! doubtful becomes a full rescan.

mod classify;
mod fstype;

pub use classify::{Change, MAX_PATH_SCAN, Notice, classify};

use std::path::Path;
use std::sync::mpsc::Sender;
use std::time::Duration;

use anyhow::{Context, Result};
use notify::{PollWatcher, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, NoCache, new_debouncer_opt};
use tracing::{error, warn};

/// What the daemon hears.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Notices from the watcher, or SIGHUP's [`Notice::Reload`].
    Heard(Vec<Notice>),
    /// SIGTERM or SIGINT.
    Shutdown,
}

/// A running watch; dropping it stops it.
pub struct Watch {
    _backend: Backend,
    /// The content folder watched, as it was when the watch started.
    root: Option<FileId>,
}

/// Held only to be dropped: dropping the debouncer stops the watch.
#[allow(dead_code)]
enum Backend {
    Notify(Debouncer<RecommendedWatcher, NoCache>),
    Poll(Debouncer<PollWatcher, NoCache>),
}

/// Which folder a path names: device and inode, following symbolic links.
type FileId = (u64, u64);

fn file_id(path: &Path) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

impl Watch {
    /// True when `feeds` no longer names the folder being watched: it was moved away and
    /// another put in its place (`mv`, or a symlink swapped by a deploy tool).
    pub fn root_replaced(&self, feeds: &Path) -> bool {
        file_id(feeds) != self.root
    }
}

/// How the watch was set up, for the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The operating system's notifications (inotify).
    Notify,
    /// Polling: for network and FUSE file systems, when asked, or when inotify watches ran out.
    Poll,
}

/// Starts watching `feeds` (recursively), the configuration file and the templates folder
/// `templates` (when it exists: one created later next to the configuration file is noticed
/// there); events go to `tx`.
pub fn start(
    feeds: &Path,
    config_file: &Path,
    templates: &Path,
    debounce: Duration,
    poll: bool,
    tx: Sender<Event>,
) -> Result<(Watch, Mode)> {
    let want_poll = poll || fstype::is_network_or_fuse(feeds);
    if want_poll && !poll {
        warn!(path = %feeds.display(), "content folder is on a network or FUSE file system; polling");
    }
    let root = file_id(feeds);
    if !want_poll {
        match start_notify(feeds, config_file, templates, debounce, tx.clone()) {
            Ok(watch) => {
                let backend = Backend::Notify(watch);
                return Ok((
                    Watch {
                        _backend: backend,
                        root,
                    },
                    Mode::Notify,
                ));
            }
            Err(e) if is_watch_limit(&e) => {
                warn!(error = %e, "inotify watches exhausted (raise fs.inotify.max_user_watches); polling instead");
            }
            Err(e) => return Err(e).context("cannot watch the content folder"),
        }
    }
    let watch = start_poll(feeds, config_file, templates, debounce, tx)
        .context("cannot poll the content folder")?;
    let backend = Backend::Poll(watch);
    Ok((
        Watch {
            _backend: backend,
            root,
        },
        Mode::Poll,
    ))
}

/// How often the debouncer looks for files that have been quiet long enough: a tenth of the
/// quiet period, so that a file is taken at most 10% after it went quiet.
fn tick(debounce: Duration) -> Duration {
    (debounce / 10).max(Duration::from_millis(1))
}

fn is_watch_limit(error: &notify::Error) -> bool {
    matches!(error.kind, notify::ErrorKind::MaxFilesWatch)
        || matches!(&error.kind, notify::ErrorKind::Io(io) if io.raw_os_error() == Some(28))
}

fn handler(tx: Sender<Event>) -> impl FnMut(DebounceEventResult) + Send + 'static {
    move |result: DebounceEventResult| {
        let notices = notices(result);
        if !notices.is_empty() {
            let _ = tx.send(Event::Heard(notices));
        }
    }
}

/// Starts a debouncer over watcher `W`, watching `feeds` recursively (symbolic links to
/// folders are not followed), the folder that holds `feeds` (so that a replaced content
/// folder is noticed), `config_target` (the configuration file's folder, or the file
/// itself when polling), and the templates folder if there is one.
fn start_with<W: notify::Watcher>(
    feeds: &Path,
    config_target: Option<&Path>,
    templates: &Path,
    debounce: Duration,
    watcher_config: notify::Config,
    tx: Sender<Event>,
) -> notify::Result<Debouncer<W, NoCache>> {
    let handler = handler(tx);
    let tick = Some(tick(debounce));
    let watcher_config = watcher_config.with_follow_symlinks(false);
    let mut debouncer = new_debouncer_opt(debounce, tick, handler, NoCache, watcher_config)?;
    debouncer.watch(feeds, RecursiveMode::Recursive)?;
    let parent = feeds.parent().filter(|p| !p.as_os_str().is_empty());
    if let Some(parent) = parent.filter(|p| Some(*p) != config_target) {
        debouncer.watch(parent, RecursiveMode::NonRecursive)?;
    }
    if let Some(target) = config_target {
        debouncer.watch(target, RecursiveMode::NonRecursive)?;
    }
    if templates.is_dir()
        && let Err(e) = debouncer.watch(templates, RecursiveMode::NonRecursive)
    {
        warn!(path = %templates.display(), error = %e, "cannot watch the templates folder; reload by SIGHUP after changing it");
    }
    Ok(debouncer)
}

fn start_notify(
    feeds: &Path,
    config_file: &Path,
    templates: &Path,
    debounce: Duration,
    tx: Sender<Event>,
) -> notify::Result<Debouncer<RecommendedWatcher, NoCache>> {
    let config = notify::Config::default();
    start_with(feeds, config_file.parent(), templates, debounce, config, tx)
}

fn start_poll(
    feeds: &Path,
    config_file: &Path,
    templates: &Path,
    debounce: Duration,
    tx: Sender<Event>,
) -> notify::Result<Debouncer<PollWatcher, NoCache>> {
    // mtime has one-second granularity on some file systems: compare content hashes.
    let config = notify::Config::default()
        .with_poll_interval(Duration::from_secs(2))
        .with_compare_contents(true);
    start_with(feeds, Some(config_file), templates, debounce, config, tx)
}

/// One batch of debounced notifications as notices: every path touched, with its kind, or
/// the loss of notifications.
fn notices(result: DebounceEventResult) -> Vec<Notice> {
    let events = match result {
        Ok(events) => events,
        Err(errors) => {
            for e in &errors {
                error!(error = %e, "watcher error; rescanning");
            }
            return vec![Notice::Lost("watcher error".into())];
        }
    };
    if events.iter().any(|e| e.need_rescan()) {
        return vec![Notice::Lost("the OS event queue overflowed".into())];
    }
    // Reads (our own scans') are left out here already, so as not to carry them.
    events
        .iter()
        .filter(|e| classify::is_change(&e.kind))
        .flat_map(|e| e.paths.iter().map(|p| Notice::Path(p.clone(), e.kind)))
        .collect()
}
