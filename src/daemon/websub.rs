//! WebSub publisher: after a publish that changed feeds, tells each configured hub which
//! feed URLs have new content (`hub.mode=publish`), on a thread of its own so publishing
//! never waits; failed pings are retried with exponential backoff, then given up and logged.

use std::collections::{BTreeMap, HashSet};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use tracing::{debug, error, info, warn};

/// Attempts per ping before it is given up.
const ATTEMPTS: u32 = 6;
/// First retry delay; doubled on each further failure.
const FIRST_RETRY: Duration = Duration::from_secs(1);
const TIMEOUT: Duration = Duration::from_secs(10);

/// Feed URLs with new content, and the hubs to tell.
struct Announcement {
    hubs: Vec<String>,
    urls: Vec<String>,
}

/// Sends announcements to the pinging thread.
pub struct Pinger {
    tx: Sender<Announcement>,
}

impl Pinger {
    /// Starts the pinging thread.
    pub fn start() -> Pinger {
        let (tx, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("feedfold-websub".into())
            .spawn(move || run(rx))
            .ok();
        Pinger { tx }
    }

    /// Queues a ping of every hub for every URL; returns at once.
    pub fn announce(&self, hubs: &[String], urls: Vec<String>) {
        if hubs.is_empty() || urls.is_empty() {
            return;
        }
        let _ = self.tx.send(Announcement {
            hubs: hubs.to_vec(),
            urls,
        });
    }
}

/// One (hub, feed) ping waiting for its turn.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Ping {
    hub: String,
    url: String,
    attempt: u32,
}

fn run(rx: Receiver<Announcement>) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        .build()
        .into();
    let mut queue: BTreeMap<(Instant, Ping), ()> = BTreeMap::new();
    let mut pending: HashSet<(String, String)> = HashSet::new();
    loop {
        let wait = queue
            .keys()
            .next()
            .map(|(due, _)| due.saturating_duration_since(Instant::now()))
            .unwrap_or(Duration::from_secs(3600));
        match rx.recv_timeout(wait) {
            Ok(a) => {
                for hub in &a.hubs {
                    for url in &a.urls {
                        // A ping already waiting covers this one.
                        if pending.insert((hub.clone(), url.clone())) {
                            let ping = Ping {
                                hub: hub.clone(),
                                url: url.clone(),
                                attempt: 0,
                            };
                            queue.insert((Instant::now(), ping), ());
                        }
                    }
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        while let Some(((due, _), ())) = queue.first_key_value() {
            if *due > Instant::now() {
                break;
            }
            let Some(((_, ping), ())) = queue.pop_first() else {
                break;
            };
            if let Some(retry) = attempt(&agent, ping) {
                queue.insert(retry, ());
            }
        }
        pending.retain(|(hub, url)| queue.keys().any(|(_, p)| &p.hub == hub && &p.url == url));
    }
}

/// Sends one ping; returns the retry to schedule, if any.
fn attempt(agent: &ureq::Agent, ping: Ping) -> Option<(Instant, Ping)> {
    let result = agent
        .post(&ping.hub)
        .send_form([("hub.mode", "publish"), ("hub.url", ping.url.as_str())]);
    match result {
        Ok(response) => {
            debug!(
                hub = ping.hub,
                url = ping.url,
                status = response.status().as_u16(),
                "WebSub hub notified"
            );
            if ping.attempt > 0 {
                info!(hub = ping.hub, url = ping.url, "WebSub hub reachable again");
            }
            None
        }
        Err(e) if ping.attempt + 1 < ATTEMPTS => {
            let delay = FIRST_RETRY * 2u32.pow(ping.attempt);
            warn!(hub = ping.hub, url = ping.url, error = %e, retry_in_s = delay.as_secs(), "WebSub ping failed; will retry");
            crate::journal::record_hub_failure(&ping.hub, &ping.url, &e.to_string(), false);
            let next = Ping {
                attempt: ping.attempt + 1,
                ..ping
            };
            Some((Instant::now() + delay, next))
        }
        Err(e) => {
            error!(hub = ping.hub, url = ping.url, error = %e, attempts = ATTEMPTS, "WebSub ping given up");
            crate::journal::record_hub_failure(&ping.hub, &ping.url, &e.to_string(), true);
            None
        }
    }
}
