//! Connection slots: what each open connection is doing (waiting between requests,
//! receiving a request's head, or answering one) and since when. Two pure rules decide on
//! that record: [`verdict`] (has this connection outlived its timeout?) and [`victim`]
//! (which connection loses least by closing, when every slot is taken and a new client
//! waits). The registry (`super::registry`) holds the slots.

use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

/// A connection answering a request that made no progress for this long may be closed
/// to make room.
pub(super) const STALLED_MS: u64 = 1_000;

/// A connection accepted but not yet heard from is not asked to make room before this long
/// (its first read is moments away), and then only after every idle connection and every
/// one whose head began arriving but is incomplete (a client that trickles it): a real
/// client's head comes whole.
const HEAD_GRACE_MS: u64 = 250;

/// What a connection is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Kept alive between requests: nothing of the next request has arrived.
    Idle,
    /// Receiving a request's head (a new connection starts here).
    Head,
    /// Answering a request.
    Busy,
}

/// One connection's record, times in milliseconds of the registry's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct View {
    pub phase: Phase,
    /// When the phase began: for `Head`, the accept or the request's first byte.
    pub since: u64,
    /// When bytes last moved either way.
    pub progress: u64,
    /// Asked to close to make room.
    pub evicting: bool,
    /// Bytes have arrived on the connection.
    pub heard: bool,
}

/// The timeouts, in milliseconds.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub header: u64,
    pub idle: u64,
}

/// What a connection does now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Carry on; look again at this time.
    Until(u64),
    /// Close gracefully: at once if idle, else after the response in progress.
    Close,
    /// Drop the connection now (a request's head is late, or a response stalled).
    Drop,
}

/// Has the connection outlived its timeout? Idle keep-alive connections get `idle`; a
/// request's head must be complete within `header` of its first byte (or of the accept);
/// a response must make progress at least every `idle`. Evicted connections close at once,
/// except one whose response is moving, which finishes it first.
pub fn verdict(view: View, timeouts: Timeouts, now: u64) -> Verdict {
    let (deadline, late) = match view.phase {
        Phase::Idle => (view.since + timeouts.idle, Verdict::Close),
        Phase::Head => (view.since + timeouts.header, Verdict::Drop),
        Phase::Busy => (view.progress + timeouts.idle, Verdict::Drop),
    };
    if view.evicting {
        let stalled = now.saturating_sub(view.progress) >= STALLED_MS;
        return match view.phase {
            Phase::Head => Verdict::Drop,
            Phase::Busy if stalled => Verdict::Drop,
            Phase::Idle | Phase::Busy => Verdict::Close,
        };
    }
    if now >= deadline {
        late
    } else {
        Verdict::Until(deadline)
    }
}

/// The connection to close for a new client: the one idle longest, else the one that has
/// waited longest for its request's head (once it was heard from, or after
/// [`HEAD_GRACE_MS`]), else the one whose response stalled longest (at
/// least [`STALLED_MS`]). A connection answering a request at speed is never chosen, nor
/// one already asked.
pub fn victim<K>(views: impl IntoIterator<Item = (K, View)>, now: u64) -> Option<K> {
    let rank = |view: &View| match view.phase {
        _ if view.evicting => None,
        Phase::Idle => Some((3, now.saturating_sub(view.since))),
        // A head that began arriving but is incomplete (a trickler) before one not yet heard
        // from, which may be a real request on the wire.
        Phase::Head if view.heard => Some((2, now.saturating_sub(view.since))),
        Phase::Head => Some(now.saturating_sub(view.since))
            .filter(|waited| *waited >= HEAD_GRACE_MS)
            .map(|waited| (1, waited)),
        Phase::Busy => Some(now.saturating_sub(view.progress))
            .filter(|stalled| *stalled >= STALLED_MS)
            .map(|stalled| (0, stalled)),
    };
    views
        .into_iter()
        .filter_map(|(key, view)| Some((rank(&view)?, key)))
        .max_by_key(|(rank, _)| *rank)
        .map(|(_, key)| key)
}

/// A connection's live record, updated by its socket and its service.
pub struct Slot {
    epoch: Instant,
    /// The client's address.
    pub peer: IpAddr,
    phase: AtomicU8,
    since: AtomicU64,
    progress: AtomicU64,
    evicting: AtomicBool,
    heard: AtomicBool,
    /// Woken when the deadline may have come nearer (a head began, an eviction).
    pub wake: Notify,
}

impl Slot {
    pub(super) fn new(epoch: Instant, peer: IpAddr) -> Slot {
        let now = millis(epoch);
        Slot {
            epoch,
            peer,
            phase: AtomicU8::new(Phase::Head as u8),
            since: AtomicU64::new(now),
            progress: AtomicU64::new(now),
            evicting: AtomicBool::new(false),
            heard: AtomicBool::new(false),
            wake: Notify::new(),
        }
    }

    /// Milliseconds of the registry's clock.
    pub fn now(&self) -> u64 {
        millis(self.epoch)
    }

    /// The moment `at` (registry milliseconds) as a timer deadline.
    pub fn instant(&self, at: u64) -> tokio::time::Instant {
        tokio::time::Instant::from_std(self.epoch + Duration::from_millis(at))
    }

    pub fn view(&self) -> View {
        let phase = match self.phase.load(Relaxed) {
            0 => Phase::Idle,
            1 => Phase::Head,
            _ => Phase::Busy,
        };
        View {
            phase,
            since: self.since.load(Relaxed),
            progress: self.progress.load(Relaxed),
            evicting: self.evicting.load(Relaxed),
            heard: self.heard.load(Relaxed),
        }
    }

    /// Bytes arrived: on an idle connection, a request's head begins.
    pub fn on_read(&self) {
        let now = self.now();
        self.progress.store(now, Relaxed);
        self.heard.store(true, Relaxed);
        let began =
            self.phase
                .compare_exchange(Phase::Idle as u8, Phase::Head as u8, Relaxed, Relaxed);
        if began.is_ok() {
            self.since.store(now, Relaxed);
            self.wake.notify_one();
        }
    }

    /// Bytes left.
    pub fn on_write(&self) {
        self.progress.store(self.now(), Relaxed);
    }

    /// A request's head is complete and is being answered.
    pub fn begin_request(&self) {
        self.enter(Phase::Busy);
    }

    /// The response is sent: the connection waits for the next request.
    pub fn end_request(&self) {
        self.enter(Phase::Idle);
    }

    fn enter(&self, phase: Phase) {
        let now = self.now();
        self.since.store(now, Relaxed);
        self.progress.store(now, Relaxed);
        self.phase.store(phase as u8, Relaxed);
    }

    /// Asks the connection to close to make room for another.
    pub(super) fn ask_to_close(&self) {
        self.evicting.store(true, Relaxed);
        self.wake.notify_one();
    }
}

/// Milliseconds since `epoch`.
pub(super) fn millis(epoch: Instant) -> u64 {
    epoch.elapsed().as_millis() as u64
}

#[cfg(test)]
#[path = "slots_tests.rs"]
mod tests;
