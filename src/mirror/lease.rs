//! One writer per bucket prefix: a lease object created with a conditional write
//! (`If-None-Match: *`) and renewed with one (`If-Match`). A second daemon finds it held and
//! stands aside; a lease not renewed past its expiry is taken over.

use anyhow::Result;
use chrono::{DateTime, Utc};
use object_store::{PutMode, UpdateVersion};
use serde::{Deserialize, Serialize};
use tracing::warn;

use super::bucket::Bucket;

/// Key of the lease object, under the prefix.
pub const LEASE_KEY: &str = ".feedfold-lease";

#[derive(Serialize, Deserialize)]
struct Body {
    holder: String,
    expires: DateTime<Utc>,
}

/// Whether this process may write.
#[derive(Debug, PartialEq, Eq)]
pub enum Claim {
    /// This process holds the lease: created, renewed or taken over just now.
    Held,
    /// Someone else holds it, until then.
    Elsewhere {
        /// Who holds it (`host:pid:tag`), or what is known when that cannot be read.
        holder: String,
        /// When the lease expires unless renewed (now, when unknown).
        until: DateTime<Utc>,
    },
}

/// This process's lease on the prefix.
pub struct Lease {
    holder: String,
    seconds: i64,
    version: Option<UpdateVersion>,
}

impl Lease {
    /// A lease not yet claimed, lasting `seconds` each time it is claimed or renewed, held
    /// under a name unique to this process (`host:pid:tag`).
    pub fn new(seconds: u64) -> Lease {
        let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
        let tag = uuid::Uuid::new_v4().simple().to_string();
        Lease {
            holder: format!("{}:{}:{}", host.trim(), std::process::id(), &tag[..8]),
            seconds: seconds as i64,
            version: None,
        }
    }

    fn body(&self, now: DateTime<Utc>) -> Vec<u8> {
        let body = Body {
            holder: self.holder.clone(),
            expires: now + chrono::Duration::seconds(self.seconds),
        };
        serde_json::to_vec(&body).unwrap_or_default()
    }

    /// Takes, renews or takes over the lease; or says who holds it.
    pub fn claim(&mut self, bucket: &Bucket, now: DateTime<Utc>) -> Result<Claim> {
        if let Some(version) = self.version.take() {
            let mode = PutMode::Update(version);
            if let Some(v) = bucket.put_if(LEASE_KEY, self.body(now), mode)? {
                self.version = Some(v);
                return Ok(Claim::Held);
            }
        }
        if let Some(v) = bucket.put_if(LEASE_KEY, self.body(now), PutMode::Create)? {
            self.version = Some(v);
            return Ok(Claim::Held);
        }
        let Some((bytes, version)) = bucket.get(LEASE_KEY)? else {
            return Ok(Claim::Elsewhere {
                holder: "unknown (lease vanished; retrying)".into(),
                until: now,
            });
        };
        let current: Option<Body> = serde_json::from_slice(&bytes).ok();
        let (holder, until) = match current {
            Some(b) => (b.holder, b.expires),
            None => ("unreadable lease".into(), now),
        };
        if holder != self.holder && until > now {
            return Ok(Claim::Elsewhere { holder, until });
        }
        if holder != self.holder {
            warn!(
                previous = holder,
                "taking over a lease its holder let expire"
            );
        }
        let v = bucket.put_if(LEASE_KEY, self.body(now), PutMode::Update(version))?;
        self.version = v;
        Ok(match &self.version {
            Some(_) => Claim::Held,
            None => Claim::Elsewhere {
                holder: "another process (it won the race)".into(),
                until: now,
            },
        })
    }

    /// Gives the lease up, so that another daemon need not wait for it to expire.
    pub fn release(&mut self, bucket: &Bucket) {
        if self.version.take().is_some()
            && let Err(e) = bucket.delete(LEASE_KEY)
        {
            warn!(error = %format!("{e:#}"), "cannot give the lease up; it expires on its own");
        }
    }

    /// This process's name in the lease object (`host:pid:tag`).
    pub fn holder(&self) -> &str {
        &self.holder
    }
}
