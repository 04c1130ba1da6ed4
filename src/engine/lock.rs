//! One publisher per state folder (a daemon, a `build`, a bucket upload): an exclusive
//! lock on `.feedfold/lock`, released by the OS when the process ends however it ends.
//!
//! A lock that is busy is asked again for up to [`GRACE`] before the second publisher is
//! refused: a holder that is just ending (a daemon being restarted, or a process that
//! forked a child a moment before it closed the lock, so the child's copy of the
//! descriptor holds it until the child execs) lets go within that time.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::Path;

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// How long a busy lock is waited for before the second publisher is refused.
pub const GRACE: Duration = Duration::from_millis(1500);
const POLL: Duration = Duration::from_millis(25);

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
    let deadline = Instant::now() + GRACE;
    match try_lock_until(&file, deadline) {
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

/// Tries the lock until it is taken, the deadline passes, or it fails for another reason.
fn try_lock_until(file: &File, deadline: Instant) -> Result<(), TryLockError> {
    loop {
        match file.try_lock() {
            Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                std::thread::sleep(POLL);
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_released_within_the_grace_is_taken_by_the_next_publisher() {
        let dir = tempfile::tempdir().unwrap();
        let first = acquire(dir.path()).unwrap();
        let releaser = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(200));
            drop(first);
        });
        let second = acquire(dir.path());
        releaser.join().unwrap();
        assert!(second.is_ok(), "{:?}", second.err());
    }

    #[test]
    fn a_lock_held_past_the_grace_refuses_the_second_publisher_naming_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let _held = acquire(dir.path()).unwrap();
        let started = Instant::now();
        let refused = acquire(dir.path()).err().unwrap().to_string();
        assert!(started.elapsed() >= GRACE);
        assert!(refused.contains("already publishing"), "{refused}");
        assert!(
            refused.contains(&std::process::id().to_string()),
            "{refused}"
        );
    }
}
