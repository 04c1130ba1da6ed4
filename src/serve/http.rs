//! The HTTP/1.1 server: the router, and a hardened accept loop (TCP_NODELAY, a connection
//! limit that makes room for new clients, backoff on EMFILE instead of exiting) handing
//! each connection to [`conn::serve`].

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::Response;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tracing::{debug, warn};

use super::conn;
use super::registry::{NotAdmitted, Registry};
use super::respond::{self, With};
use super::site::Site;

/// Connection limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Connections open at once before a new one asks an open one (idle, or still sending its
    /// head) to make room; never more than twice this are open (`serve.max_connections`).
    pub max_connections: usize,
    /// How long a client has to send a request's headers (`serve.header_timeout_secs`).
    pub header_timeout: Duration,
    /// How long a keep-alive connection may stay silent (`serve.idle_timeout_secs`).
    pub idle_timeout: Duration,
    /// Most connections per client address (0: no limit).
    pub per_address: usize,
}

/// The router: `/healthz`, `/metrics`, and the published files.
pub fn router(site: Arc<Site>) -> Router {
    Router::new().fallback(handle).with_state(site)
}

async fn handle(State(site): State<Arc<Site>>, request: Request) -> Response {
    let path = request.uri().path();
    let reply = match path {
        "/healthz" => health(&site),
        "/metrics" => {
            let status = site.status();
            let text = site.metrics.render(&status);
            let mut r = Response::new(axum::body::Body::from(text));
            r = r.with(
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            );
            r
        }
        _ => respond::file(
            &site,
            request.method(),
            path,
            request.headers(),
            SystemTime::now(),
        ),
    };
    site.metrics.count_request(reply.status().as_u16());
    reply
}

fn health(site: &Site) -> Response {
    let status = site.status();
    let body = serde_json::json!({
        "status": "ok",
        "last_publish": status.last_publish.map(|t| t.to_rfc3339()),
        "articles": status.articles,
        "scheduled": status.scheduled,
        "files": site.len(),
    });
    let mut r = Response::new(axum::body::Body::from(format!("{body}\n")));
    *r.status_mut() = StatusCode::OK;
    r.with(header::CONTENT_TYPE, "application/json")
        .with(header::CACHE_CONTROL, "no-store")
}

/// Accepts connections until `stop` turns true; never exits on accept errors. At the
/// connection limit it still accepts, and waits for an open connection to make room
/// (see [`Registry::admit`]): a new client is never left in the kernel's queue behind
/// idle or slow connections.
pub async fn accept_loop(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    mut stop: watch::Receiver<bool>,
) {
    let registry = Registry::new(limits.max_connections, limits.per_address);
    let mut backoff = Duration::from_millis(10);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stop.changed() => return,
        };
        match accepted {
            Ok((stream, peer)) => {
                backoff = Duration::from_millis(10);
                let _ = stream.set_nodelay(true);
                let peer = peer.ip().to_canonical();
                match registry.admit(peer, &mut stop).await {
                    Ok(admission) => {
                        tokio::spawn(conn::serve(stream, app.clone(), limits, admission));
                    }
                    Err(NotAdmitted::AddressFull) => {
                        debug!(%peer, "address at serve.max_connections_per_address; closed");
                    }
                    Err(NotAdmitted::Stopping) => return,
                }
            }
            Err(e) => {
                // EMFILE, ENFILE, ENOBUFS...: wait for descriptors to come back.
                warn!(error = %e, retry_ms = backoff.as_millis() as u64, "accept failed; backing off");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(1));
            }
        }
    }
}
