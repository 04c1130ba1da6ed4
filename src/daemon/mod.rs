//! The long-running process, `feedfold watch` ([`watch()`]) and `feedfold serve`
//! ([`serve()`]): the loop that turns events into syncs of the
//! [`Engine`](crate::engine::Engine), the hooks run after each publish (the HTTP server's
//! published set, WebSub pings, the bucket mirror, the `publish.on_change` command),
//! signals and configuration reloads. The one-shot commands are in [`crate::commands`].

mod on_change;
mod pause;
mod run;
mod state;
mod websub;

pub use run::{serve, watch};

use anyhow::Result;

use crate::config::Config;
use crate::index::Store;
use crate::serve;

/// What the index records as published, ready to serve: feeds and other outputs held in
/// memory, article pages served from disk.
pub fn published_site(config: &Config) -> Result<serve::Site> {
    let store = Store::open(&config.paths.state)?;
    let outputs: Vec<String> = store.outputs()?.into_keys().collect();
    let pages: Vec<String> = store.page_keys()?.into_iter().map(|(key, _)| key).collect();
    let max_age = u64::from(config.feed.ttl_minutes) * 60;
    Ok(serve::Site::load(
        &config.paths.publish,
        &outputs,
        &pages,
        max_age,
    ))
}
