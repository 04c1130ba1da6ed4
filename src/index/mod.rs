//! The article index, the shell around the pure identity rules ([`crate::identity`]): the
//! SQLite store, the content-root walk and the reconciliation of the two.

mod analyze;
mod apply;
pub mod catalog;
mod changes;
mod check;
pub mod history;
pub mod media_store;
mod outputs;
mod pictures;
mod planned;
pub mod scan;
mod schema;
pub mod store;
mod unchanged;
mod walk;

pub use analyze::ChannelContext;
pub use catalog::{Catalog, Recovered, SeenIdentity};
pub use check::check;
pub use media_store::MediaUse;
pub use outputs::PageOutput;
pub use pictures::Ref;
pub use scan::{Options, ScanRefused, ScanReport, load, scan, scan_paths};
pub use schema::{PAGES_STAMP, SCHEMA_VERSION};
pub use store::Store;
