//! Running the mirror: for the daemon, a thread of its own ([`Mirror`]) that holds the
//! writer lease and brings the bucket up to date after each publish, so that local
//! publishing never waits for the store (while the store is down it logs the outage once,
//! retries with backoff, and logs the recovery; the bucket then converges on what is
//! published locally); for the one-shot commands, one convergence ([`mirror_once`]) and a
//! reachability probe ([`probe`]).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use anyhow::Result;
use chrono::Utc;
use tracing::{error, info, warn};

use super::{Bucket, Claim, Lease, MirrorReport, converge};
use crate::config::Config;
use crate::index::Store;

/// Longest wait between retries while the store is down.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Tells the mirror thread that something was published.
pub struct Mirror {
    tx: Sender<()>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Mirror {
    /// Starts mirroring when the config names a bucket.
    pub fn start(config: &Config) -> Result<Option<Mirror>> {
        let Some(s3) = config.publish.s3() else {
            return Ok(None);
        };
        let bucket = Bucket::open(s3)?;
        let store = Store::open(&config.paths.state)?;
        let (tx, rx) = mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let job = Job {
            stop: stop.clone(),
            bucket,
            store,
            config: config.clone(),
            lease: Lease::new(s3.lease_seconds),
        };
        let thread = std::thread::Builder::new()
            .name("feedfold-mirror".into())
            .spawn(move || job.run(rx))?;
        Ok(Some(Mirror {
            tx,
            stop,
            thread: Some(thread),
        }))
    }

    /// A sender that asks for a convergence soon (for the publish hook).
    pub fn notifier(&self) -> Sender<()> {
        self.tx.clone()
    }

    /// Stops the thread, releasing the lease.
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.tx.send(());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

struct Job {
    stop: Arc<AtomicBool>,
    bucket: Bucket,
    store: Store,
    config: Config,
    lease: Lease,
}

impl Job {
    fn run(mut self, rx: Receiver<()>) {
        let lease = self.config.publish.s3().map_or(60, |s| s.lease_seconds);
        let renew = Duration::from_secs(lease / 3);
        let (mut outage, mut aside, mut verify) = (false, false, true);
        let mut backoff = Duration::from_secs(1);
        let mut next = Instant::now();
        loop {
            match rx.recv_timeout(next.saturating_duration_since(Instant::now())) {
                Ok(()) => while rx.try_recv().is_ok() {},
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => break,
            }
            if self.stop.load(Ordering::Relaxed) {
                break;
            }
            match self.step(verify, &mut aside) {
                Ok(()) => {
                    if outage {
                        info!(bucket = %self.bucket.name, "object store reachable again; bucket converged");
                        crate::journal::record_bucket(None);
                        outage = false;
                    }
                    backoff = Duration::from_secs(1);
                    // List the bucket again once this process holds the lease anew.
                    verify = aside;
                    next = Instant::now() + renew;
                }
                Err(e) => {
                    crate::journal::record_bucket(Some(&format!("{e:#}")));
                    if !outage {
                        error!(bucket = %self.bucket.name, error = %format!("{e:#}"), "object store unreachable; publishing locally, will retry");
                        outage = true;
                    }
                    verify = true;
                    next = Instant::now() + backoff;
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
        self.lease.release(&self.bucket);
    }

    /// Claims or renews the lease, and converges the bucket when it is held.
    fn step(&mut self, verify: bool, aside: &mut bool) -> Result<()> {
        match self.lease.claim(&self.bucket, Utc::now())? {
            Claim::Held => {
                if std::mem::take(aside) {
                    info!(bucket = %self.bucket.name, holder = self.lease.holder(), "lease acquired; publishing to the bucket");
                }
                self.sync(verify)
            }
            Claim::Elsewhere { holder, until } => {
                if !*aside {
                    warn!(bucket = %self.bucket.name, holder, until = %until, "another feedfold holds the bucket's lease; not publishing to it");
                    *aside = true;
                }
                Ok(())
            }
        }
    }

    fn sync(&mut self, list: bool) -> Result<()> {
        let cache = CachePolicy::of(&self.config);
        let report = converge(
            &self.bucket,
            &mut self.store,
            &self.config.paths.publish,
            &cache,
            list,
            &self.stop,
        )?;
        if report.puts + report.deletes > 0 {
            info!(bucket = %self.bucket.name, puts = report.puts, deletes = report.deletes, bytes = report.bytes, "bucket updated");
        }
        Ok(())
    }
}

/// The `Cache-Control` of every object but archives: the feeds' `ttl`.
pub fn cache_control(config: &Config) -> String {
    format!(
        "public, max-age={}",
        u64::from(config.feed.ttl_minutes) * 60
    )
}

/// The `Cache-Control` of each object: the feeds' `ttl`, and a long lifetime for the
/// archive of a month that is over when it is uploaded (see [`crate::layout::max_age`]).
#[derive(Debug, Clone)]
pub struct CachePolicy {
    ttl_secs: u64,
    timezone: chrono_tz::Tz,
}

impl CachePolicy {
    /// The policy of `config`'s site.
    pub fn of(config: &Config) -> CachePolicy {
        CachePolicy {
            ttl_secs: u64::from(config.feed.ttl_minutes) * 60,
            timezone: config.timezone().unwrap_or(chrono_tz::UTC),
        }
    }

    /// The `Cache-Control` of `key` uploaded at `now`.
    pub fn of_key(&self, key: &str, now: chrono::DateTime<Utc>) -> String {
        if crate::layout::is_immutable(key) {
            return crate::layout::IMMUTABLE_CACHE.to_string();
        }
        let max_age = crate::layout::max_age(key, now, self.timezone, self.ttl_secs);
        format!("public, max-age={max_age}")
    }
}

/// Brings the bucket up to date once, for `feedfold build` and `feedfold publish`; with
/// `again`, forgets what was uploaded so that every object is uploaded anew. `None` when
/// no bucket is configured.
pub fn mirror_once(config: &Config, again: bool) -> Result<Option<(String, MirrorReport)>> {
    let Some(s3) = config.publish.s3() else {
        return Ok(None);
    };
    let _lock = crate::engine::lock::acquire(&config.paths.state)?;
    let bucket = Bucket::open(s3)?;
    let mut store = Store::open(&config.paths.state)?;
    let mut lease = Lease::new(s3.lease_seconds);
    if let Claim::Elsewhere { holder, until } = lease.claim(&bucket, Utc::now())? {
        anyhow::bail!(
            "{} is leased to another feedfold ({holder}, until {until}); the local publish folder is up to date, the bucket was not touched",
            bucket.name
        );
    }
    if again {
        let batch = store.batch()?;
        batch.clear_uploaded()?;
        batch.commit()?;
    }
    let never = AtomicBool::new(false);
    let publish = &config.paths.publish;
    // `publish` lists the bucket to find strays; `build` trusts the index's upload record.
    let result = converge(
        &bucket,
        &mut store,
        publish,
        &CachePolicy::of(config),
        again,
        &never,
    );
    lease.release(&bucket);
    Ok(Some((bucket.name.clone(), result?)))
}

/// For `feedfold check`: whether the configured bucket answers.
pub fn probe(config: &Config) -> Option<Result<String>> {
    let s3 = config.publish.s3()?;
    Some(Bucket::open(s3).and_then(|bucket| {
        let objects = bucket.list()?.len();
        Ok(format!("{} is reachable ({objects} objects)", bucket.name))
    }))
}
