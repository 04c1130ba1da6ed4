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

/// The HTTP client pings are sent with: the bucket client's (reqwest over rustls with the
/// `ring` provider), driven by a runtime of this thread's own.
struct Client {
    runtime: tokio::runtime::Runtime,
    http: reqwest::Client,
}

impl Client {
    fn new() -> anyhow::Result<Client> {
        crate::mirror::tls::install_crypto_provider();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let http = reqwest::Client::builder().timeout(TIMEOUT).build()?;
        Ok(Client { runtime, http })
    }

    /// POSTs the WebSub form of `ping`; an error for a failure, a redirect or a status
    /// other than 2xx.
    fn post(&self, ping: &Ping) -> Result<u16, String> {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("hub.mode", "publish")
            .append_pair("hub.url", &ping.url)
            .finish();
        let request = self
            .http
            .post(&ping.hub)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        // Sent inside the runtime: the request's timer needs its reactor.
        let response = self
            .runtime
            .block_on(async { request.send().await })
            .map_err(|e| chain(&e))?;
        let status = response.status();
        if status.is_success() {
            Ok(status.as_u16())
        } else {
            Err(format!("{}: status code {}", ping.hub, status.as_u16()))
        }
    }
}

/// An error with its causes: `error sending request: connection refused`.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(e) = cause {
        text.push_str(": ");
        text.push_str(&e.to_string());
        cause = e.source();
    }
    text
}

fn run(rx: Receiver<Announcement>) {
    let agent = match Client::new() {
        Ok(client) => client,
        Err(e) => {
            error!(error = %e, "no WebSub pings: cannot make an HTTP client");
            return;
        }
    };
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
fn attempt(agent: &Client, ping: Ping) -> Option<(Instant, Ping)> {
    match agent.post(&ping) {
        Ok(status) => {
            debug!(
                hub = ping.hub,
                url = ping.url,
                status,
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
