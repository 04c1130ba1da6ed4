//! The daemon's publish target: the publish folder, refusing every further write once the
//! process is asked to stop, so that SIGTERM during a long publish (the first one writes a
//! page per article) ends it between two files. What is published stays consistent: the
//! publish fails as it would on a full disk, before the feeds that would list unrecorded
//! pages are written, and the next start finishes it (pages already on disk are found
//! unchanged, not written again).

use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Result, bail};

use crate::publish::Target;
use crate::publish::target::Presence;

/// `inner`, with puts refused once `stop` is set. Removals, syncs and flushes go through:
/// they are quick, and they make what was already written durable.
pub struct Stoppable<'a> {
    pub inner: &'a dyn Target,
    pub stop: &'a AtomicBool,
}

impl Stoppable<'_> {
    fn check(&self) -> Result<()> {
        if self.stop.load(Ordering::Relaxed) {
            bail!("stopped: the publish was abandoned at shutdown");
        }
        Ok(())
    }
}

impl Target for Stoppable<'_> {
    fn put(&self, key: &str, bytes: &[u8]) -> Result<bool> {
        self.check()?;
        self.inner.put(key, bytes)
    }

    fn remove(&self, key: &str) -> Result<()> {
        self.inner.remove(key)
    }

    fn exists(&self, key: &str) -> bool {
        self.inner.exists(key)
    }

    fn all_exist(&self, keys: &[String]) -> bool {
        self.inner.all_exist(keys)
    }

    fn pages_exist(&self, keys: &[String]) -> Presence {
        self.inner.pages_exist(keys)
    }

    fn pages_still(&self, stamp: &[u8]) -> bool {
        self.inner.pages_still(stamp)
    }

    fn put_deferred(&self, key: &str, bytes: &[u8]) -> Result<bool> {
        self.check()?;
        self.inner.put_deferred(key, bytes)
    }

    fn flush(&self) -> Result<()> {
        self.inner.flush()
    }

    fn put_all(&self, files: &[(&str, &[u8])]) -> Result<Vec<bool>> {
        self.check()?;
        self.inner.put_all(files)
    }

    fn sync(&self, keys: &[&str]) -> Result<()> {
        self.inner.sync(keys)
    }

    fn closed(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    #[derive(Default)]
    struct Recorder(Mutex<Vec<String>>);

    impl Target for Recorder {
        fn put(&self, key: &str, _: &[u8]) -> Result<bool> {
            self.0.lock().unwrap().push(key.to_string());
            Ok(true)
        }
        fn remove(&self, _: &str) -> Result<()> {
            Ok(())
        }
        fn exists(&self, _: &str) -> bool {
            false
        }
    }

    #[test]
    fn no_file_is_put_once_the_stop_flag_is_set() {
        let recorder = Recorder::default();
        let stop = AtomicBool::new(false);
        let target = Stoppable {
            inner: &recorder,
            stop: &stop,
        };
        assert!(target.put_deferred("a/index.html", b"a").is_ok());
        assert!(!target.closed());
        stop.store(true, Ordering::Relaxed);
        assert!(target.closed());
        assert!(target.put_deferred("b/index.html", b"b").is_err());
        assert!(target.put_all(&[("rss.xml", b"x")]).is_err());
        assert!(target.remove("c/index.html").is_ok());
        assert_eq!(*recorder.0.lock().unwrap(), ["a/index.html"]);
    }
}
