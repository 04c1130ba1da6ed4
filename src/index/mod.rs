//! The article index: the pure identity rules ([`model`]) and the shell around them — the
//! SQLite store, the content-root walk and the reconciliation of the two.

mod analyze;
pub mod model;
pub mod scan;
pub mod store;
mod walk;

pub use scan::{ScanReport, check, scan};
pub use store::Store;
