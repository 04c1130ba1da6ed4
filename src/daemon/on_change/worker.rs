//! The `publish.on_change` thread: the URLs not delivered yet, when to run the command
//! next, and what each run's outcome means (a retry with backoff, or nothing left to do).

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use tracing::{debug, info, warn};

use super::command;

/// First retry delay; doubled after each further failure, up to [`MAX_RETRY`].
const FIRST_RETRY: Duration = Duration::from_secs(5);
const MAX_RETRY: Duration = Duration::from_secs(300);
/// Most URLs carried; past it the site root is sent instead, meaning "purge everything".
const MAX_URLS: usize = 100_000;

/// What one publish asks for, with the command of the configuration in force.
pub(super) struct Job {
    pub(super) settings: Option<Settings>,
    pub(super) urls: Vec<String>,
}

/// The command, its timeout, and the site root (`base_url`, without the final `/`).
pub(super) struct Settings {
    pub(super) command: String,
    pub(super) timeout: Duration,
    pub(super) base_url: String,
}

/// What the thread is sent.
pub(super) enum Message {
    /// One publish.
    Job(Job),
    /// Shutdown.
    Stop,
}

/// The URLs not delivered yet: deduplicated, and at most [`MAX_URLS`] of them, past which
/// the whole site is meant.
#[derive(Default)]
struct Batch {
    urls: BTreeSet<String>,
    everything: bool,
}

impl Batch {
    /// Adds `urls`; past the limit, the whole site is meant from then on (and logged).
    fn add(&mut self, urls: impl IntoIterator<Item = String>) {
        if self.everything {
            return;
        }
        self.urls.extend(urls);
        if self.urls.len() > MAX_URLS {
            warn!(
                limit = MAX_URLS,
                "more URLs waiting than publish.on_change is given; sending the site root \
                 instead, to purge everything"
            );
            self.urls.clear();
            self.everything = true;
        }
    }

    fn len(&self) -> usize {
        if self.everything { 1 } else { self.urls.len() }
    }

    /// The command's standard input: one URL a line.
    fn input(&self, base_url: &str) -> String {
        if self.everything {
            return format!("{base_url}/\n");
        }
        self.urls.iter().flat_map(|url| [url, "\n"]).collect()
    }
}

/// The retry delay after `failures` failures in a row.
fn backoff(failures: u32) -> Duration {
    FIRST_RETRY
        .saturating_mul(2u32.saturating_pow(failures))
        .min(MAX_RETRY)
}

/// The thread's state between runs.
pub(super) struct Worker {
    stop: Arc<AtomicBool>,
    settings: Option<Settings>,
    batch: Batch,
    failures: u32,
    /// When to run next: `None` when there is nothing to deliver.
    due: Option<Instant>,
}

impl Worker {
    /// Nothing to deliver yet.
    pub(super) fn new(stop: Arc<AtomicBool>) -> Worker {
        Worker {
            stop,
            settings: None,
            batch: Batch::default(),
            failures: 0,
            due: None,
        }
    }

    /// Takes in messages and runs the command until [`Message::Stop`].
    pub(super) fn run(mut self, rx: Receiver<Message>) {
        loop {
            let first = match self.due {
                Some(due) => rx.recv_timeout(due.saturating_duration_since(Instant::now())),
                None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
            };
            let first = match first {
                Ok(message) => Some(message),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => Some(Message::Stop),
            };
            // Every publish made meanwhile (while the last run ran) goes into this run.
            for message in first.into_iter().chain(rx.try_iter()) {
                match message {
                    Message::Job(job) => self.take(job),
                    Message::Stop => return self.give_up(),
                }
            }
            if self.stop.load(Ordering::Relaxed) {
                return self.give_up();
            }
            if self.due.is_some_and(|due| due <= Instant::now()) {
                self.attempt();
            }
        }
    }

    /// Takes in one publish: the settings in force, and URLs to deliver (at once, or with
    /// the retry already scheduled).
    fn take(&mut self, job: Job) {
        let Some(settings) = job.settings else {
            if self.batch.len() > 0 {
                info!(
                    urls = self.batch.len(),
                    "publish.on_change removed from the configuration; URLs not delivered dropped"
                );
            }
            *self = Worker::new(self.stop.clone());
            return;
        };
        self.settings = Some(settings);
        if job.urls.is_empty() {
            return;
        }
        self.batch.add(job.urls);
        self.due.get_or_insert_with(Instant::now);
    }

    /// Runs the command with every URL not delivered yet; a failure keeps them for the
    /// retry, merged with whatever comes meanwhile.
    fn attempt(&mut self) {
        let Some(settings) = &self.settings else {
            self.due = None;
            return;
        };
        let batch = std::mem::take(&mut self.batch);
        let input = batch.input(&settings.base_url);
        let outcome = command::run(&settings.command, input, settings.timeout, &self.stop);
        let (command, urls) = (settings.command.as_str(), batch.len());
        let (stdout, stderr) = (outcome.stdout.as_str(), outcome.stderr.as_str());
        let Some(reason) = outcome.failure else {
            debug!(command, urls, stdout, stderr, "publish.on_change ran");
            if self.failures > 0 {
                info!(
                    command,
                    urls,
                    attempts = self.failures + 1,
                    "publish.on_change succeeded again"
                );
            }
            (self.failures, self.due) = (0, None);
            return;
        };
        let delay = backoff(self.failures);
        self.failures += 1;
        warn!(
            command,
            reason,
            stdout,
            stderr,
            urls,
            retry_in_s = delay.as_secs(),
            "publish.on_change failed; will retry"
        );
        // Publishes made during the run are still in the channel: nothing to merge with.
        self.batch = batch;
        self.due = Some(Instant::now() + delay);
    }

    fn give_up(self) {
        if self.batch.len() > 0 {
            warn!(
                urls = self.batch.len(),
                "stopping: URLs not delivered to publish.on_change are dropped"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_deduplicates_and_past_its_limit_asks_to_purge_everything() {
        let mut batch = Batch::default();
        batch.add(["b".to_string(), "a".into(), "b".into()]);
        assert_eq!(batch.input("https://x.org"), "a\nb\n");
        batch.add((0..=MAX_URLS).map(|n| n.to_string()));
        assert!(batch.everything);
        assert_eq!(batch.input("https://x.org"), "https://x.org/\n");
    }

    #[test]
    fn on_change_retries_back_off_from_5_seconds_doubling_to_5_minutes() {
        let delays: Vec<u64> = (0..8).map(|n| backoff(n).as_secs()).collect();
        assert_eq!(delays, [5, 10, 20, 40, 80, 160, 300, 300]);
        assert_eq!(backoff(u32::MAX), MAX_RETRY);
    }
}
