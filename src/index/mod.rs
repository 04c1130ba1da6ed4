//! The article index: the pure identity rules ([`model`]) and the shell around them — the
//! SQLite store, the content-root walk and the reconciliation of the two.

mod analyze;
mod apply;
pub mod catalog;
pub mod model;
mod outputs;
pub mod scan;
mod schema;
pub mod store;
mod walk;

pub use analyze::ChannelContext;
pub use catalog::{Catalog, Recovered, SeenIdentity};
pub use outputs::PageOutput;
pub use scan::{Options, ScanRefused, ScanReport, check, load, scan, scan_paths};
pub use store::Store;
