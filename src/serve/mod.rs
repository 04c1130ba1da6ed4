//! `feedfold serve`'s HTTP side: serves the published set ([`Site`]) to feed readers and
//! browsers with conditional GET, compressed feeds, the site's "not found" page,
//! `/healthz`, `/readyz` and `/metrics`, and an optional access log. The daemon keeps the
//! set current and says when its first publish is done; this module only answers requests.

mod access;
pub mod admin;
pub mod asset;
mod conn;
mod http;
mod links;
mod metrics;
mod negotiate;
mod pages;
pub mod path;
mod registry;
mod respond;
mod site;
mod slots;

use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::{Context, Result};
use tokio::net::TcpSocket;
use tokio::sync::watch;

pub use http::{Limits, router};
pub use site::{Change, Site, Status};

use crate::config::ServeSettings;

/// Pending connections the kernel queues while every slot is busy.
const BACKLOG: u32 = 1024;

/// A running HTTP server.
pub struct Server {
    /// The address it listens on (its port known even when `serve.listen` asked for 0).
    pub addr: SocketAddr,
    stop: watch::Sender<bool>,
    thread: Option<JoinHandle<()>>,
}

/// Binds `settings.listen` (failing now if it cannot) and serves `site` on a runtime of
/// its own until [`Server::stop`].
pub fn start(settings: &ServeSettings, site: Arc<Site>) -> Result<Server> {
    let addr = settings.addr()?;
    raise_fd_limit(settings.max_connections);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(http_workers())
        .thread_name("feedfold-http")
        .enable_all()
        .build()
        .context("cannot start the HTTP runtime")?;
    let listener = runtime
        .block_on(async {
            let socket = if addr.is_ipv4() {
                TcpSocket::new_v4()?
            } else {
                TcpSocket::new_v6()?
            };
            socket.set_reuseaddr(true)?;
            socket.bind(addr)?;
            socket.listen(BACKLOG)
        })
        .with_context(|| format!("cannot listen on {addr} (serve.listen)"))?;
    let addr = listener.local_addr()?;
    let limits = Limits {
        max_connections: settings.max_connections,
        header_timeout: Duration::from_secs(settings.header_timeout_secs),
        idle_timeout: Duration::from_secs(settings.idle_timeout_secs),
        per_address: settings.max_connections_per_address,
    };
    let (stop, stopped) = watch::channel(false);
    let app = router(site);
    let thread = std::thread::Builder::new()
        .name("feedfold-http".into())
        .spawn(move || {
            runtime.block_on(http::accept_loop(listener, app, limits, stopped));
            runtime.shutdown_timeout(Duration::from_secs(2));
        })?;
    Ok(Server {
        addr,
        stop,
        thread: Some(thread),
    })
}

/// Raises the soft open-files limit toward the hard one, so that `max_connections` sockets
/// (plus files and the index) fit; the accept loop backs off if they still do not.
/// One HTTP worker per core this process may run on (its CPU affinity: a server pinned to
/// one core gets one worker, which then never contends with another for that core).
fn http_workers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

fn raise_fd_limit(connections: usize) {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read and write the struct they are given.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return;
        }
        let wanted = (connections as libc::rlim_t + 256).min(limit.rlim_max);
        if wanted > limit.rlim_cur {
            limit.rlim_cur = wanted;
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}

impl Server {
    /// Stops accepting, gives open requests a moment, and returns.
    pub fn stop(mut self) {
        let _ = self.stop.send(true);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
