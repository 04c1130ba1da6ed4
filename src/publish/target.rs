//! Where published bytes go. One narrow interface, [`Target`], so that an object store can
//! stand beside the local folder; [`DirTarget`] writes atomically and skips unchanged files.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, Result, bail};

/// A place feeds are published to: put bytes at a key, remove a key.
pub trait Target: Sync {
    /// Publishes `bytes` at `key` (a relative `/`-separated path); returns false when the
    /// bytes were already there and nothing was written.
    fn put(&self, key: &str, bytes: &[u8]) -> Result<bool>;
    /// Removes `key`; a missing key is not an error.
    fn remove(&self, key: &str) -> Result<()>;
    /// True when something is published at `key`.
    fn exists(&self, key: &str) -> bool;
    /// Like [`Target::put`], but durable only after the next [`Target::flush`]: for writing
    /// many files (article pages) without paying for each one's sync.
    fn put_deferred(&self, key: &str, bytes: &[u8]) -> Result<bool> {
        self.put(key, bytes)
    }
    /// Makes every deferred put durable.
    fn flush(&self) -> Result<()> {
        Ok(())
    }
    /// Makes the deferred puts of `keys` durable (cheaper than [`Target::flush`] for a few).
    fn sync(&self, keys: &[&str]) -> Result<()> {
        let _ = keys;
        self.flush()
    }
}

/// Folder inside the publish folder where files are written before being renamed into
/// place; whatever an interrupted write left there is removed on open.
const TEMP_DIR: &str = ".tmp";

/// The local publish folder.
pub struct DirTarget {
    root: PathBuf,
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
        Ok(DirTarget {
            root: root.to_path_buf(),
            temp,
            counter: AtomicU64::new(0),
        })
    }

    fn path_of(&self, key: &str) -> Result<PathBuf> {
        let rel = Path::new(key);
        if key.is_empty() || !rel.components().all(|c| matches!(c, Component::Normal(_))) {
            bail!("refusing to publish outside the publish folder: {key:?}");
        }
        Ok(self.root.join(rel))
    }
}

impl DirTarget {
    fn write(&self, key: &str, bytes: &[u8], sync: bool) -> Result<bool> {
        let path = self.path_of(key)?;
        if fs::read(&path).is_ok_and(|old| old == bytes) {
            return Ok(false);
        }
        let dir = path.parent().unwrap_or(&self.root);
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let tmp = self
            .temp
            .join(format!(".{name}.tmp-{}-{n}", std::process::id()));
        write_atomically(&path, &tmp, bytes, sync)
            .with_context(|| format!("cannot publish {}", path.display()))?;
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
}

/// Temp file, fsync, rename over, fsync the folder; without `sync`, the same but durable
/// only at the next flush (readers still never see half a file).
fn write_atomically(path: &Path, tmp: &Path, bytes: &[u8], sync: bool) -> std::io::Result<()> {
    let result = (|| {
        let mut file = File::create(tmp)?;
        file.write_all(bytes)?;
        if sync {
            file.sync_all()?;
        }
        fs::rename(tmp, path)?;
        if sync && let Some(dir) = path.parent() {
            File::open(dir)?.sync_all()?;
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(tmp);
    }
    result
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
mod tests {
    use super::*;

    #[test]
    fn unchanged_bytes_are_not_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let target = DirTarget::new(dir.path()).unwrap();
        assert!(target.put("a/rss.xml", b"x").unwrap());
        assert!(!target.put("a/rss.xml", b"x").unwrap());
        assert!(target.put("a/rss.xml", b"y").unwrap());
        assert_eq!(fs::read(dir.path().join("a/rss.xml")).unwrap(), b"y");
    }

    #[test]
    fn temp_files_left_by_a_crash_are_removed_on_open() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join(".tmp")).unwrap();
        fs::create_dir_all(dir.path().join("a")).unwrap();
        fs::write(dir.path().join(".tmp/.rss.xml.tmp-123-0"), b"half").unwrap();
        fs::write(dir.path().join("a/rss.xml"), b"whole").unwrap();
        DirTarget::new(dir.path()).unwrap();
        assert!(!dir.path().join(".tmp/.rss.xml.tmp-123-0").exists());
        assert!(dir.path().join("a/rss.xml").exists());
    }

    #[test]
    fn keys_cannot_escape_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let target = DirTarget::new(dir.path()).unwrap();
        assert!(target.put("../evil", b"x").is_err());
        assert!(target.put("/etc/evil", b"x").is_err());
    }

    #[test]
    fn removing_the_last_file_removes_its_empty_folders() {
        let dir = tempfile::tempdir().unwrap();
        let target = DirTarget::new(dir.path()).unwrap();
        target.put("tags/x/rss.xml", b"x").unwrap();
        target.remove("tags/x/rss.xml").unwrap();
        assert!(!dir.path().join("tags").exists());
        assert!(dir.path().exists());
    }
}
