//! The daemon's HTTP server (`feedfold serve`): its addresses checked before anything is
//! created, started on the last published set before the index is loaded, and kept current
//! after each publish (the whole set from the index after a whole publish, what each
//! publish changed after that).

use std::sync::Arc;

use anyhow::{Context, Result};
use tracing::{info, warn};

use super::state::{Daemon, Published};
use crate::config::Config;
use crate::serve::{self, Status};

/// Binds and releases the public and the operator's addresses, so that a taken port stops
/// `serve` before it creates any folder.
pub(super) fn probe_addresses(config: &Config) -> Result<()> {
    let addresses = [
        (Some(config.serve.addr()?), "serve.listen"),
        (config.serve.admin_addr()?, "serve.admin_listen"),
    ];
    for (addr, key) in addresses {
        if let Some(addr) = addr {
            std::net::TcpListener::bind(addr)
                .with_context(|| format!("cannot listen on {addr} ({key})"))?;
        }
    }
    Ok(())
}

/// Serves what is already published at once, and keeps it current after each publish.
/// Until the first publish is done the site is not ready: `/readyz` answers `503`, and so
/// (with `Retry-After`) does a request for a file not published yet.
pub(super) fn start_server(config: &Config) -> Result<(serve::Server, Arc<serve::Site>)> {
    let site = Arc::new(super::published_site(config));
    site.configure(config);
    site.set_ready(false);
    let server = serve::start(&config.serve, site.clone())?;
    if config.preview {
        info!(
            address = %server.addr,
            folder = %config.paths.publish.display(),
            "preview at http://{}/ (drafts and scheduled stories shown; loopback only; never mirrored)",
            server.addr
        );
    } else {
        info!(address = %server.addr, files = site.len(), "serving http://{}/", server.addr);
    }
    // The operator's page, opt-in, on its own address (never the public listener).
    if let Some(addr) = config.serve.admin_addr()? {
        serve::admin::start(addr, config.clone())?;
    }
    Ok((server, site))
}

/// Keeps `site` current after each of `daemon`'s publishes: the whole set from the index
/// after the first publish, what each publish changed after that.
pub(super) fn serve_publishes(daemon: &mut Daemon, site: Arc<serve::Site>) {
    daemon.on_publish(Box::new(move |config, event: &Published| {
        site.configure(config);
        let r = event.report;
        let changed = !r.written.is_empty() || !r.written_pages.is_empty() || !r.removed.is_empty();
        // After the first publish (or a failed one) the whole set is taken from the index:
        // files on disk that this report found unchanged may not be served yet.
        let reloaded = event.whole
            && match published_keys(config) {
                Ok((outputs, pages)) => {
                    site.reload(&outputs, &pages);
                    true
                }
                Err(e) => {
                    warn!(error = %format!("{e:#}"), "cannot read the published set from the index");
                    false
                }
            };
        let (written, written_pages): (&[String], &[String]) = if reloaded {
            (&[], &[])
        } else {
            (&r.written, &r.written_pages)
        };
        site.apply(serve::Change {
            written,
            written_pages,
            removed: &r.removed,
            gone: &r.gone_pages,
            released_late: event.released_late,
            status: Status {
                last_publish: changed.then(chrono::Utc::now),
                articles: event.articles,
                rejected: event.rejected,
                scheduled: event.counts.scheduled,
            },
            elapsed_micros: event.elapsed.as_micros() as u64,
        });
        if !site.is_ready() {
            info!(files = site.len(), "ready: the first publish is served");
            site.set_ready(true);
        }
    }));
}

/// The keys the index records as published (see [`super::published_keys_of`]).
fn published_keys(config: &Config) -> Result<(Vec<String>, Vec<String>)> {
    super::published_keys_of(&crate::index::Store::open(&config.paths.state)?)
}
