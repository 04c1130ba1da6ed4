//! Whether published files are still there, told cheaply enough to ask at each rebuild
//! of a million-article site. A file is looked up with a `stat` relative to the open
//! publish folder (the kernel walks the key's few components, not the folder's whole path),
//! on every core. Article pages (`{channel}/{slug}/index.html`) are many: once every one of
//! them was found, the folders holding their folders (`{channel}`) are stamped (device,
//! inode, modification time), and while the stamps match, no page folder was removed or
//! added there, so the pages are not looked up one by one again (a page file deleted from
//! inside its folder is then found by the next publish, which looks at each page). The
//! index drops the stamp whenever the set of pages changes (`index::PAGES_STAMP`), so a
//! stamp still there is checked without reading the pages' keys.

use std::collections::BTreeSet;
use std::ffi::CString;
use std::fs::File;
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::fs::MetadataExt;
use std::path::{Component, Path};
use std::time::{Duration, SystemTime};

/// How long ago a folder must have last changed to be stamped: its time is kept to the
/// clock's tick, so a removal within the same tick as the stamp would leave it as it was
/// (the racy-timestamp problem). A folder changed more recently is looked into each time.
const SETTLED: Duration = Duration::from_secs(2);

/// Whether the pages were found, and the stamp of their folders to compare next time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presence {
    /// Every page is there.
    pub found: bool,
    /// The stamp of the folders holding the pages' folders, when every page was found and
    /// the target can tell.
    pub stamp: Option<Vec<u8>>,
}

/// True when `key` is a plain relative path: not empty, each part a name (no `..`, no
/// root), so that it stays below the folder it is looked up in.
pub(super) fn is_plain(key: &str) -> bool {
    !key.is_empty()
        && Path::new(key)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// True when every key of `keys` is a regular file (links followed) below the folder
/// `root`; false too when `root` cannot be opened or a key is not a plain relative path.
pub(super) fn all_files(root: &Path, keys: &[String]) -> bool {
    let Ok(dir) = File::open(root) else {
        return false;
    };
    let fd = dir.as_raw_fd();
    crate::workers::map(keys, |key| is_file_at(fd, key))
        .into_iter()
        .all(|found| found)
}

/// Whether every page of `keys` is below `root`, each looked up; with the stamp of their
/// folders' folders when every one was found and those folders have settled.
pub(super) fn pages(root: &Path, keys: &[String]) -> Presence {
    let found = all_files(root, keys);
    Presence {
        found,
        stamp: found.then(|| stamp(root, &folders(keys))).flatten(),
    }
}

/// True when the folders `stamp` was taken of are as they were then: no page folder was
/// removed or added beside the pages, so that the pages need not be looked up one by one.
pub(super) fn still(root: &Path, stamp: &[u8]) -> bool {
    let Some(folders) = parse(stamp) else {
        return false;
    };
    self::stamp(root, &folders).as_deref() == Some(stamp)
}

/// The folders holding the page folders of `keys`: `news` for `news/story/index.html`, the
/// folder itself for a key of another form (a picture's), `""` for the root.
fn folders(keys: &[String]) -> BTreeSet<&str> {
    let page_tail = format!("/{}", crate::layout::INDEX);
    keys.iter()
        .map(|key| {
            let folder = match key.strip_suffix(page_tail.as_str()) {
                Some(page) => page.rsplit_once('/').map(|(parent, _)| parent),
                None => key.rsplit_once('/').map(|(parent, _)| parent),
            };
            folder.unwrap_or("")
        })
        .collect()
}

/// The bytes of one folder's entry in a stamp after its name and NUL: device, inode and
/// modification time (seconds, nanoseconds).
const ENTRY: usize = 4 * 8;

/// The stamp of `folders`: each one's name, NUL, and its [`ENTRY`]; `None` when a folder
/// cannot be looked at, or changed too recently to tell (see [`SETTLED`]).
fn stamp(root: &Path, folders: &BTreeSet<&str>) -> Option<Vec<u8>> {
    let settled = SystemTime::now().checked_sub(SETTLED)?;
    let mut out = Vec::new();
    for folder in folders {
        let plain = folder.is_empty() || is_plain(folder);
        let meta = std::fs::metadata(root.join(folder))
            .ok()
            .filter(|_| plain)?;
        if meta.modified().ok()? > settled {
            return None;
        }
        out.extend_from_slice(folder.as_bytes());
        out.push(0);
        for n in [
            meta.dev() as i64,
            meta.ino() as i64,
            meta.mtime(),
            meta.mtime_nsec(),
        ] {
            out.extend_from_slice(&n.to_le_bytes());
        }
    }
    Some(out)
}

/// The folders named in `stamp`, in order; `None` when it is not a stamp.
fn parse(stamp: &[u8]) -> Option<BTreeSet<&str>> {
    let mut folders = BTreeSet::new();
    let mut rest = stamp;
    while !rest.is_empty() {
        let nul = rest.iter().position(|&b| b == 0)?;
        folders.insert(std::str::from_utf8(&rest[..nul]).ok()?);
        rest = rest.get(nul + 1 + ENTRY..)?;
    }
    Some(folders)
}

/// True when `key`, relative to the open folder `dir`, is a regular file.
fn is_file_at(dir: RawFd, key: &str) -> bool {
    if !is_plain(key) {
        return false;
    }
    let Ok(name) = CString::new(key.as_bytes()) else {
        return false;
    };
    let mut stat = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: `dir` is an open descriptor (its `File` outlives every call), `name` a valid
    // NUL-terminated string, and `stat` is written by the call before it is read.
    let ok = unsafe { libc::fstatat(dir, name.as_ptr(), stat.as_mut_ptr(), 0) } == 0;
    // SAFETY: fstatat filled `stat` when it returned 0.
    ok && unsafe { stat.assume_init() }.st_mode & libc::S_IFMT == libc::S_IFREG
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_must_be_a_file_below_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("news/story")).unwrap();
        std::fs::write(dir.path().join("news/story/index.html"), "page").unwrap();
        let keys = |ks: &[&str]| ks.iter().map(|k| k.to_string()).collect::<Vec<_>>();
        assert!(all_files(dir.path(), &keys(&["news/story/index.html"])));
        assert!(!all_files(
            dir.path(),
            &keys(&["news/story/index.html", "news/gone/index.html"])
        ));
        assert!(
            !all_files(dir.path(), &keys(&["news/story"])),
            "a folder is no page"
        );
        assert!(!all_files(dir.path(), &keys(&["../news/story/index.html"])));
        assert!(!all_files(&dir.path().join("missing"), &keys(&[])));
    }

    /// Dates `dir` an hour back, as a folder long unchanged.
    fn settle(dir: &Path) {
        let hour_ago = SystemTime::now() - Duration::from_secs(3600);
        File::open(dir).unwrap().set_modified(hour_ago).unwrap();
    }

    fn two_pages(dir: &Path) -> Vec<String> {
        for slug in ["one", "two"] {
            std::fs::create_dir_all(dir.join(format!("news/{slug}"))).unwrap();
            std::fs::write(dir.join(format!("news/{slug}/index.html")), "p").unwrap();
        }
        vec![
            "news/one/index.html".to_string(),
            "news/two/index.html".to_string(),
        ]
    }

    #[test]
    fn pages_found_in_settled_folders_are_stamped_and_the_stamp_holds_while_they_stay() {
        let dir = tempfile::tempdir().unwrap();
        let keys = two_pages(dir.path());
        assert_eq!(
            pages(dir.path(), &keys),
            Presence {
                found: true,
                stamp: None
            },
            "changed just now: no stamp"
        );
        settle(&dir.path().join("news"));
        let first = pages(dir.path(), &keys);
        let stamp = first.stamp.unwrap();
        assert!(still(dir.path(), &stamp));
        std::fs::remove_dir_all(dir.path().join("news/two")).unwrap();
        assert!(!still(dir.path(), &stamp), "a page folder removed");
        assert!(!pages(dir.path(), &keys).found);
    }

    #[test]
    fn a_stamp_of_a_folder_swapped_or_gone_or_not_a_stamp_does_not_hold() {
        let dir = tempfile::tempdir().unwrap();
        let keys = two_pages(dir.path());
        settle(&dir.path().join("news"));
        let stamp = pages(dir.path(), &keys).stamp.unwrap();
        let news = dir.path().join("news");
        std::fs::rename(&news, dir.path().join("old")).unwrap();
        two_pages(dir.path());
        settle(&news);
        assert!(!still(dir.path(), &stamp), "another folder (inode) at news");
        std::fs::remove_dir_all(&news).unwrap();
        assert!(!still(dir.path(), &stamp), "gone");
        assert!(!still(dir.path(), b"news"), "no entry after the name");
        assert!(still(dir.path(), b""), "no folders: nothing to look at");
    }
}
