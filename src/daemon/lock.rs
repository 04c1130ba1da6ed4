//! One daemon per state folder: an exclusive lock on `.feedfold/lock`, released by the OS
//! when the process ends however it ends.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, bail};

/// Holds the lock while alive.
pub struct StateLock {
    _file: File,
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
    Ok(StateLock { _file: file })
}
