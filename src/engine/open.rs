//! Opening the index for a long-running process: a corrupt index is moved aside (never a
//! healthy one that is only busy), and an empty one gets back the ids and dates readers
//! already saw, from the published feeds.

use std::path::Path;

use anyhow::{Context, Result};
use chrono::Utc;
use tracing::{error, warn};

use super::recover;
use crate::config::Config;
use crate::index::{self, Catalog, Store};

/// The store and a catalog that tracks planning entries, recovered when the index is new.
pub fn resilient(config: &Config) -> Result<(Store, Catalog)> {
    let store = open_store(&config.paths.state)?;
    let mut catalog = index::load(&store)?;
    if catalog.live_count() == 0 && config.paths.publish.exists() {
        catalog.recovered = recover::from_published(&config.paths.publish);
        if !catalog.recovered.is_empty() {
            warn!(
                items = catalog.recovered.len(),
                "empty index: recovering ids and dates from published feeds"
            );
        }
    }
    catalog.drafts_planned = config.preview;
    let entries = store.entries_of(&mut catalog.interner, config.preview)?;
    catalog.track_entries(entries);
    Ok((store, catalog))
}

/// Opens the index; a corrupt one is moved aside (and rebuilt from files and feeds). Any
/// other failure (a lock held too long, a read-only folder) is an error: a healthy index is
/// never moved aside.
fn open_store(state: &Path) -> Result<Store> {
    match Store::open(state).and_then(|store| store.check().map(|()| store)) {
        Ok(store) => Ok(store),
        Err(e) if !index::store::is_corrupt(&e) => Err(e),
        Err(e) => {
            let index = state.join("index.sqlite");
            let aside = state.join(format!(
                "index.sqlite.corrupt-{}",
                Utc::now().format("%Y%m%dT%H%M%S")
            ));
            error!(error = %format!("{e:#}"), aside = %aside.display(), "index unreadable; moved aside, rebuilding");
            std::fs::rename(&index, &aside)
                .with_context(|| format!("cannot move {} aside", index.display()))?;
            for suffix in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(state.join(format!("index.sqlite{suffix}")));
            }
            Store::open(state)
        }
    }
}
