//! Mirroring the publish folder to an S3-compatible bucket, so that a CDN can serve any
//! number of readers: feedfold stays the single writer ([`Lease`]) and the bucket is
//! brought to exactly what the index says is published ([`converge`]), by the daemon's
//! thread ([`Mirror`]) or once ([`mirror_once`]).

mod bucket;
mod converge;
mod lease;
pub(crate) mod tls;
mod worker;

pub use bucket::Bucket;
pub use converge::{MirrorReport, converge};
pub use lease::{Claim, LEASE_KEY, Lease};
pub use worker::{CachePolicy, Mirror, cache_control, mirror_once, probe};
