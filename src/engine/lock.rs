//! One publisher per state folder (a daemon, a `build`, a bucket upload): an exclusive
//! lock on `.feedfold/lock`, released by the OS when the process ends however it ends.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, bail};

/// Holds the lock while alive.
pub struct StateLock {
    file: File,
    path: std::path::PathBuf,
}

impl StateLock {
    /// True while the lock file at its path is the one locked: removing or replacing the
    /// state folder (`rm -rf .feedfold`) would let a second feedfold lock a new file.
    pub fn intact(&self) -> bool {
        use std::os::unix::fs::MetadataExt;
        let id = |m: std::fs::Metadata| (m.dev(), m.ino());
        match (self.file.metadata(), std::fs::metadata(&self.path)) {
            (Ok(held), Ok(named)) => id(held) == id(named),
            _ => false,
        }
    }
}

/// Takes the state folder's lock, or explains who holds it.
pub fn acquire(state_dir: &Path) -> Result<StateLock> {
    std::fs::create_dir_all(state_dir)
        .with_context(|| format!("cannot create state folder {}", state_dir.display()))?;
    let path = state_dir.join("lock");
    let mut file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let holder = std::fs::read_to_string(&path).unwrap_or_default();
            bail!(
                "another feedfold (pid {}) is already publishing from {}: a running `watch` \
                 or `serve` keeps the feeds current by itself; stop it first to run this",
                holder.trim(),
                state_dir.display()
            );
        }
        Err(TryLockError::Error(e)) => return Err(e).context("cannot lock the state folder"),
    }
    file.set_len(0)?;
    write!(file, "{}", std::process::id())?;
    Ok(StateLock { file, path })
}
