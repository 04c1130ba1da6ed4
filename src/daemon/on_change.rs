//! `publish.on_change` (a CDN purge): after every publish that changed published files,
//! `watch` and `serve` (never `build`) run the command with `sh -c`, in a process group of
//! its own, with the changed public URLs on its standard input, one per line. It runs on a
//! thread of its own fed by a channel, so publishing never waits; publishes made while it
//! runs are batched into its next run. A failure (a non-zero exit, its timeout, a spawn
//! error) is logged and retried with backoff, carrying every URL not delivered yet. The
//! command and its timeout are those of the configuration in force at each run.

mod command;
mod worker;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use tracing::warn;

use worker::{Job, Message, Settings, Worker};

use crate::config::Config;
use crate::feed::encode_path;
use crate::publish::PublishReport;

/// Longest the daemon waits for the thread at shutdown.
const STOP_WAIT: Duration = Duration::from_secs(2);
const POLL: Duration = Duration::from_millis(20);

/// The thread that runs `publish.on_change`.
pub struct OnChange {
    tx: Sender<Message>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// Hands what each publish changed to the [`OnChange`] thread (from a publish hook).
pub struct Notifier {
    tx: Sender<Message>,
    /// Whether the last publish's configuration named a command.
    armed: bool,
}

impl OnChange {
    /// Starts the thread; it waits for [`Notifier::published`].
    pub fn start() -> Result<OnChange> {
        let (tx, rx) = mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let worker = Worker::new(stop.clone());
        let thread = std::thread::Builder::new()
            .name("feedfold-on-change".into())
            .spawn(move || worker.run(rx))
            .context("cannot start the publish.on_change thread")?;
        Ok(OnChange {
            tx,
            stop,
            thread: Some(thread),
        })
    }

    /// A sender for the daemon's publish hook.
    pub fn notifier(&self) -> Notifier {
        Notifier {
            tx: self.tx.clone(),
            armed: false,
        }
    }

    /// Stops the thread, waiting at most 2 s: a command still running is killed then.
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.tx.send(Message::Stop);
        let Some(thread) = self.thread.take() else {
            return;
        };
        let deadline = Instant::now() + STOP_WAIT;
        while !thread.is_finished() && Instant::now() < deadline {
            std::thread::sleep(POLL);
        }
        if thread.is_finished() {
            let _ = thread.join();
        } else {
            warn!("publish.on_change still running at shutdown; not waited for");
        }
    }
}

impl Notifier {
    /// Queues a run for what `report` changed, under `config` (the one in force); returns
    /// at once.
    pub fn published(&mut self, config: &Config, report: &PublishReport) {
        let publish = &config.publish;
        if publish.on_change.is_none() && !self.armed {
            return;
        }
        self.armed = publish.on_change.is_some();
        let settings = publish.on_change.as_ref().map(|command| Settings {
            command: command.clone(),
            timeout: Duration::from_secs(publish.on_change_timeout_seconds),
            base_url: config.site.base_url.clone(),
        });
        let urls = match settings {
            Some(_) => changed_urls(&config.site.base_url, report),
            None => Vec::new(),
        };
        let _ = self.tx.send(Message::Job(Job { settings, urls }));
    }
}

/// The public URLs of every key `report` wrote or removed (feeds, listings, article
/// pages), and for an `index.html` its folder's URL too (ending in `/`).
pub fn changed_urls(base_url: &str, report: &PublishReport) -> Vec<String> {
    let keys = report.written.iter().chain(&report.written_pages);
    let mut urls = Vec::new();
    for key in keys.chain(&report.removed) {
        urls.push(format!("{base_url}/{}", encode_path(key)));
        if key == "index.html" || key.ends_with("/index.html") {
            let folder = &key[..key.len() - "index.html".len()];
            urls.push(format!("{base_url}/{}", encode_path(folder)));
        }
    }
    urls
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_urls_are_percent_encoded_and_index_pages_give_their_folder_too() {
        let report = PublishReport {
            written: vec!["rss.xml".into(), "index.html".into()],
            written_pages: vec!["world/قمة/index.html".into()],
            removed: vec!["old/feed.json".into()],
            ..PublishReport::default()
        };
        let urls = changed_urls("https://x.org", &report);
        let qimma = "%D9%82%D9%85%D8%A9";
        let expected = [
            "https://x.org/rss.xml".to_string(),
            "https://x.org/index.html".into(),
            "https://x.org/".into(),
            format!("https://x.org/world/{qimma}/index.html"),
            format!("https://x.org/world/{qimma}/"),
            "https://x.org/old/feed.json".into(),
        ];
        assert_eq!(urls, expected);
    }
}
