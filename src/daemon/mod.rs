//! The long-running process, `feedfold watch` ([`watch()`]) and `feedfold serve`
//! ([`serve()`]): the loop that turns events into syncs of the
//! [`Engine`](crate::engine::Engine), the hooks run after each publish (the HTTP server's
//! published set, WebSub pings, the bucket mirror, the `publish.on_change` command),
//! signals and configuration reloads. The one-shot commands are in [`crate::commands`].

mod health;
mod on_change;
mod pause;
mod run;
mod serving;
mod state;
mod websub;

pub use run::{serve, watch};

use anyhow::Result;

use crate::config::Config;
use crate::index::Store;
use crate::serve;

/// What the index records as published, ready to serve: feeds and other outputs held in
/// memory, article pages served from disk. The index is only read (it is not locked yet):
/// none yet, one the coming start migrates, or one it cannot read (the start moves a
/// corrupt one aside), is an empty set until the first publish.
pub fn published_site(config: &Config) -> serve::Site {
    let read = || -> Result<(Vec<String>, Vec<String>)> {
        match Store::open_read_only(&config.paths.state)? {
            Some(store) => published_keys_of(&store),
            None => Ok((Vec::new(), Vec::new())),
        }
    };
    let (outputs, pages) = read().unwrap_or_else(|e| {
        tracing::warn!(error = %format!("{e:#}"), "cannot read the published set; serving it after the first publish");
        (Vec::new(), Vec::new())
    });
    let max_age = u64::from(config.feed.ttl_minutes) * 60;
    serve::Site::load(&config.paths.publish, &outputs, &pages, max_age)
}

/// The keys `store` records as published: outputs (feeds, listings...) and article pages.
fn published_keys_of(store: &Store) -> Result<(Vec<String>, Vec<String>)> {
    let outputs = store.output_keys()?;
    let pages = store.published_page_keys()?;
    Ok((outputs, pages))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_or_unreadable_index_is_an_empty_published_set_not_a_failed_start() {
        let dir = tempfile::tempdir().unwrap();
        let text = "[site]\ntitle = \"T\"\nbase_url = \"https://example.org\"\n";
        let config = Config::parse(text, dir.path()).unwrap();
        assert_eq!(published_site(&config).len(), 0);
        std::fs::create_dir_all(&config.paths.state).unwrap();
        std::fs::write(config.paths.state.join("index.sqlite"), "not a database").unwrap();
        assert_eq!(published_site(&config).len(), 0);
        assert!(
            !config.paths.state.join("index.sqlite-wal").exists(),
            "read only: nothing created beside the index"
        );
    }

    #[test]
    fn an_index_of_an_earlier_schema_is_served_as_it_is_while_it_waits_for_its_upgrade() {
        let dir = tempfile::tempdir().unwrap();
        let text = "[site]\ntitle = \"T\"\nbase_url = \"https://example.org\"\n";
        let config = Config::parse(text, dir.path()).unwrap();
        let mut store = Store::open(&config.paths.state).unwrap();
        let output = crate::index::store::Output {
            content: [1; 32],
            signature: [2; 32],
        };
        let batch = store.batch().unwrap();
        batch.set_output("rss.xml", &output).unwrap();
        batch.commit().unwrap();
        drop(store);
        std::fs::create_dir_all(&config.paths.publish).unwrap();
        std::fs::write(config.paths.publish.join("rss.xml"), "<rss/>").unwrap();
        let at = |version: i64| {
            let index = config.paths.state.join("index.sqlite");
            let conn = rusqlite::Connection::open(index).unwrap();
            conn.execute_batch(&format!("PRAGMA user_version = {version};"))
                .unwrap();
            drop(conn);
            published_site(&config).len()
        };
        assert_eq!(at(crate::index::SCHEMA_VERSION), 1);
        assert_eq!(
            at(crate::index::SCHEMA_VERSION - 1),
            1,
            "the previous schema"
        );
        assert_eq!(
            at(crate::index::store::READABLE_SINCE - 1),
            0,
            "too old to read"
        );
        assert_eq!(
            at(crate::index::SCHEMA_VERSION + 1),
            0,
            "a newer feedfold's"
        );
    }
}
