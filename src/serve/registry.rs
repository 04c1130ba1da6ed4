//! The connection registry: every open connection's [`Slot`], and the limits on how many
//! are open. A connection accepted at the limit asks an open one to close (the [`victim`]
//! rule chooses which) and takes its place at once: the one asked is idle or still sending
//! its head, and leaves within moments, so admissions keep pace with accepts and a new
//! client behind a flood of reconnecting ones is answered in milliseconds. Only when every
//! connection is answering at speed does a new one wait. A hard cap of twice the limit
//! bounds what can be open while the evicted ones close. With a per-address limit, an
//! address at its share first gives up one of its own.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};

use super::slots::{Slot, millis, victim};

/// How long a new connection waits before looking again, when every open one is answering
/// at speed (none may be asked to make room) or the hard cap is reached.
const ROOM_WAIT: Duration = Duration::from_millis(2);

/// Why a connection was not admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotAdmitted {
    /// The server is stopping.
    Stopping,
    /// Its address holds its share of connections, all of them answering requests.
    AddressFull,
}

/// Every open connection's slot, and the permits that bound how many are open.
pub struct Registry {
    epoch: Instant,
    /// Connections open at once, not counting those asked to close.
    max: usize,
    /// Most connections per client address (0: no limit).
    per_address: usize,
    permits: Arc<Semaphore>,
    open: Mutex<HashMap<u64, Arc<Slot>>>,
    next_id: AtomicU64,
}

/// An admitted connection: its slot, held until dropped.
pub struct Admission {
    registry: Arc<Registry>,
    id: u64,
    pub slot: Arc<Slot>,
    _permit: OwnedSemaphorePermit,
}

impl Drop for Admission {
    fn drop(&mut self) {
        self.registry.lock().remove(&self.id);
    }
}

impl Registry {
    pub fn new(max_connections: usize, per_address: usize) -> Arc<Registry> {
        Arc::new(Registry {
            epoch: Instant::now(),
            max: max_connections,
            per_address,
            permits: Arc::new(Semaphore::new(max_connections.saturating_mul(2))),
            open: Mutex::new(HashMap::with_capacity(max_connections)),
            next_id: AtomicU64::new(0),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<Slot>>> {
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A slot for a connection just accepted from `peer`: a free one, else one an open
    /// connection gives up when asked (see [`victim`]). With a per-address limit, an
    /// address at its share first gives up one of its own connections.
    pub async fn admit(
        self: &Arc<Self>,
        peer: IpAddr,
        stop: &mut watch::Receiver<bool>,
    ) -> Result<Admission, NotAdmitted> {
        // A connection asked to close for this address frees a slot too.
        let mut asked = false;
        if self.per_address > 0 && self.held_by(peer) >= self.per_address {
            asked = self.make_room(|slot| slot.peer == peer);
            if !asked {
                return Err(NotAdmitted::AddressFull);
            }
        }
        let permit = loop {
            // Under the limit, or at it with a connection just asked to make room.
            let room = asked || self.staying() < self.max || self.make_room(|_| true);
            if room && let Ok(permit) = self.permits.clone().try_acquire_owned() {
                break permit;
            }
            asked = false;
            tokio::select! {
                _ = tokio::time::sleep(ROOM_WAIT) => {}
                _ = stop.changed() => return Err(NotAdmitted::Stopping),
            }
        };
        let id = self.next_id.fetch_add(1, Relaxed);
        let slot = Arc::new(Slot::new(self.epoch, peer));
        self.lock().insert(id, slot.clone());
        Ok(Admission {
            registry: self.clone(),
            id,
            slot,
            _permit: permit,
        })
    }

    /// Asks the most dispensable connection among those `from` accepts, if any may be,
    /// to close; false if none may.
    fn make_room(&self, from: impl Fn(&Slot) -> bool) -> bool {
        let open = self.lock();
        let now = millis(self.epoch);
        let candidates = open.iter().filter(|(_, slot)| from(slot));
        let chosen = victim(candidates.map(|(id, slot)| (*id, slot.view())), now);
        match chosen.and_then(|id| open.get(&id)) {
            Some(slot) => {
                slot.ask_to_close();
                true
            }
            None => false,
        }
    }

    /// Open connections not asked to close.
    fn staying(&self) -> usize {
        self.lock()
            .values()
            .filter(|slot| !slot.view().evicting)
            .count()
    }

    /// Connections `peer` holds, not counting those already asked to close.
    fn held_by(&self, peer: IpAddr) -> usize {
        let open = self.lock();
        let held = open.values().filter(|slot| slot.peer == peer);
        held.filter(|slot| !slot.view().evicting).count()
    }
}
