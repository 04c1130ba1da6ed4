//! Where published bytes go. One narrow interface, [`Target`], so that an object store can
//! stand beside the local folder; [`DirTarget`] writes atomically and skips unchanged files.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, Result, bail};

pub use super::presence::Presence;

/// A place feeds are published to: put bytes at a key, remove a key.
pub trait Target: Sync {
    /// Publishes `bytes` at `key` (a relative `/`-separated path); returns false when the
    /// bytes were already there and nothing was written.
    fn put(&self, key: &str, bytes: &[u8]) -> Result<bool>;
    /// Removes `key`; a missing key is not an error.
    fn remove(&self, key: &str) -> Result<()>;
    /// True when something is published at `key`.
    fn exists(&self, key: &str) -> bool;
    /// True when something is published at every key of `keys` (asked on every core).
    fn all_exist(&self, keys: &[String]) -> bool {
        crate::workers::map(keys, |key| self.exists(key))
            .into_iter()
            .all(|found| found)
    }
    /// Whether every article page of `keys` is published, with a stamp of where they are
    /// when the target can take one (see `publish::presence`).
    fn pages_exist(&self, keys: &[String]) -> Presence {
        Presence {
            found: self.all_exist(keys),
            stamp: None,
        }
    }
    /// True when the pages found at `stamp` are there still, told without looking them up
    /// one by one; false when the target cannot tell.
    fn pages_still(&self, stamp: &[u8]) -> bool {
        let _ = stamp;
        false
    }
    /// Like [`Target::put`], but durable only after the next [`Target::flush`]: for writing
    /// many files (article pages) without paying for each one's sync.
    fn put_deferred(&self, key: &str, bytes: &[u8]) -> Result<bool> {
        self.put(key, bytes)
    }
    /// Makes every deferred put durable.
    fn flush(&self) -> Result<()> {
        Ok(())
    }
    /// Publishes several keys as one step as far as the target allows (the formats of one
    /// feed): either all of them are put or, on an error such as a full disk, none.
    fn put_all(&self, files: &[(&str, &[u8])]) -> Result<Vec<bool>> {
        files
            .iter()
            .map(|(key, bytes)| self.put(key, bytes))
            .collect()
    }
    /// Makes the deferred puts of `keys` durable (cheaper than [`Target::flush`] for a few).
    fn sync(&self, keys: &[&str]) -> Result<()> {
        let _ = keys;
        self.flush()
    }
    /// True once the target refuses every put (the daemon is stopping): a long run of
    /// renders asks before each one rather than render what would be refused.
    fn closed(&self) -> bool {
        false
    }
}

/// Folder inside the publish folder where files are written before being renamed into
/// place; whatever an interrupted write left there is removed on open.
const TEMP_DIR: &str = ".tmp";

/// The local publish folder.
pub struct DirTarget {
    root: PathBuf,
    /// `root` with symbolic links resolved: nothing is written or removed outside it, even
    /// through a folder inside it replaced by a link.
    real_root: PathBuf,
    temp: PathBuf,
    /// Numbers temp files, so that parallel writes of same-named files never collide.
    counter: AtomicU64,
}

impl DirTarget {
    /// Opens the publish folder, removing temp files an interrupted write left behind.
    pub fn new(root: &Path) -> Result<DirTarget> {
        let temp = root.join(TEMP_DIR);
        let _ = fs::remove_dir_all(&temp);
        fs::create_dir_all(&temp)
            .with_context(|| format!("cannot create publish folder {}", root.display()))?;
        let real_root = root
            .canonicalize()
            .with_context(|| format!("cannot open publish folder {}", root.display()))?;
        Ok(DirTarget {
            root: root.to_path_buf(),
            real_root,
            temp,
            counter: AtomicU64::new(0),
        })
    }

    /// False when the publish folder's temp folder is gone (the publish folder was removed
    /// or emptied under us); it is made again.
    pub fn intact(&self) -> bool {
        if self.temp.is_dir() {
            return true;
        }
        let _ = fs::create_dir_all(&self.temp);
        false
    }

    fn path_of(&self, key: &str) -> Result<PathBuf> {
        if !super::presence::is_plain(key) {
            bail!("refusing to publish outside the publish folder: {key:?}");
        }
        Ok(self.root.join(key))
    }
}

/// A file written beside its place, waiting to be renamed into it.
struct Staged {
    tmp: PathBuf,
    path: PathBuf,
}

impl DirTarget {
    /// The folder `path` goes in, created if needed, refused if it resolves outside the
    /// publish folder.
    fn confined_dir(&self, path: &Path) -> Result<()> {
        let dir = path.parent().unwrap_or(&self.root);
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let real = dir
            .canonicalize()
            .with_context(|| format!("cannot resolve {}", dir.display()))?;
        if !real.starts_with(&self.real_root) {
            bail!(
                "refusing to publish through {}: it leads outside the publish folder (to {})",
                dir.display(),
                real.display()
            );
        }
        Ok(())
    }

    /// Writes `bytes` to a temp file for `key` (synced if `sync`), unless they are there.
    fn stage(&self, key: &str, bytes: &[u8], sync: bool) -> Result<Option<Staged>> {
        let path = self.path_of(key)?;
        if fs::read(&path).is_ok_and(|old| old == bytes) {
            return Ok(None);
        }
        self.confined_dir(&path)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let tmp = self
            .temp
            .join(format!(".{name}.tmp-{}-{n}", std::process::id()));
        let mut written = write_temp(&tmp, bytes, sync);
        if written
            .as_ref()
            .is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound)
        {
            // The publish folder was removed under us: make its temp folder again.
            fs::create_dir_all(&self.temp)
                .with_context(|| format!("cannot create {}", self.temp.display()))?;
            written = write_temp(&tmp, bytes, sync);
        }
        written.with_context(|| format!("cannot publish {}", path.display()))?;
        Ok(Some(Staged { tmp, path }))
    }

    fn write(&self, key: &str, bytes: &[u8], sync: bool) -> Result<bool> {
        let Some(staged) = self.stage(key, bytes, sync)? else {
            return Ok(false);
        };
        commit(&[staged], sync)?;
        Ok(true)
    }
}

impl Target for DirTarget {
    fn put(&self, key: &str, bytes: &[u8]) -> Result<bool> {
        self.write(key, bytes, true)
    }

    fn put_deferred(&self, key: &str, bytes: &[u8]) -> Result<bool> {
        self.write(key, bytes, false)
    }

    /// Every file is written and synced before the first is renamed into place: a full disk
    /// leaves all of them as they were.
    fn put_all(&self, files: &[(&str, &[u8])]) -> Result<Vec<bool>> {
        let mut staged = Vec::with_capacity(files.len());
        for (key, bytes) in files {
            match self.stage(key, bytes, true) {
                Ok(s) => staged.push(s),
                Err(e) => {
                    for s in staged.iter().flatten() {
                        let _ = fs::remove_file(&s.tmp);
                    }
                    return Err(e);
                }
            }
        }
        let written = staged.iter().map(Option::is_some).collect();
        commit(&staged.into_iter().flatten().collect::<Vec<_>>(), true)?;
        Ok(written)
    }

    fn sync(&self, keys: &[&str]) -> Result<()> {
        for key in keys {
            let path = self.path_of(key)?;
            let synced = File::open(&path).and_then(|f| f.sync_all()).and_then(|()| {
                path.parent()
                    .map_or(Ok(()), |dir| File::open(dir)?.sync_all())
            });
            synced.with_context(|| format!("cannot sync {}", path.display()))?;
        }
        Ok(())
    }

    /// One `syncfs` for the publish folder's file system: every deferred write is on disk.
    fn flush(&self) -> Result<()> {
        use std::os::fd::AsRawFd;
        let dir = File::open(&self.root)
            .with_context(|| format!("cannot open {}", self.root.display()))?;
        // SAFETY: syncfs takes a valid open descriptor, which `dir` holds until it drops.
        if unsafe { libc::syncfs(dir.as_raw_fd()) } != 0 {
            return Err(std::io::Error::last_os_error())
                .with_context(|| format!("cannot sync {}", self.root.display()));
        }
        Ok(())
    }

    fn remove(&self, key: &str) -> Result<()> {
        let path = self.path_of(key)?;
        if !path.parent().is_some_and(|dir| dir.exists()) {
            return Ok(());
        }
        self.confined_dir(&path)?;
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e).with_context(|| format!("cannot remove {}", path.display())),
        }
        remove_empty_parents(&path, &self.root);
        Ok(())
    }

    fn exists(&self, key: &str) -> bool {
        self.path_of(key).is_ok_and(|p| p.is_file())
    }

    fn all_exist(&self, keys: &[String]) -> bool {
        super::presence::all_files(&self.root, keys)
    }

    fn pages_exist(&self, keys: &[String]) -> Presence {
        super::presence::pages(&self.root, keys)
    }

    fn pages_still(&self, stamp: &[u8]) -> bool {
        super::presence::still(&self.root, stamp)
    }
}

/// Writes a temp file, synced if `sync`; a failed write leaves no temp file behind.
fn write_temp(tmp: &Path, bytes: &[u8], sync: bool) -> std::io::Result<()> {
    let result = (|| {
        let mut file = File::create(tmp)?;
        file.write_all(bytes)?;
        if sync {
            file.sync_all()?;
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(tmp);
    }
    result
}

/// Renames staged files over their places, then (with `sync`) syncs their folders; without
/// `sync` they are durable only at the next flush (readers still never see half a file).
fn commit(staged: &[Staged], sync: bool) -> Result<()> {
    for s in staged {
        if let Err(e) = fs::rename(&s.tmp, &s.path) {
            let _ = fs::remove_file(&s.tmp);
            return Err(e).with_context(|| format!("cannot publish {}", s.path.display()));
        }
    }
    if sync {
        let mut dirs: Vec<&Path> = staged.iter().filter_map(|s| s.path.parent()).collect();
        dirs.sort();
        dirs.dedup();
        for dir in dirs {
            File::open(dir)
                .and_then(|d| d.sync_all())
                .with_context(|| format!("cannot sync {}", dir.display()))?;
        }
    }
    Ok(())
}

fn remove_empty_parents(path: &Path, root: &Path) {
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d == root || fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

#[cfg(test)]
#[path = "target_tests.rs"]
mod tests;
