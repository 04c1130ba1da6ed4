//! The HTTP/1.1 server: the router (`/healthz`, `/readyz`, `/metrics`, the published files,
//! and the access log), and a hardened accept loop (TCP_NODELAY, a connection limit that
//! makes room for new clients, backoff on EMFILE instead of exiting) handing each
//! connection to [`conn::serve`].

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::Response;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tracing::{debug, warn};

use super::access;
use super::conn;
use super::registry::{NotAdmitted, Registry};
use super::respond::{self, With};
use super::site::Site;
use crate::{layout, page};

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

/// The client's address, which [`conn::serve`] puts in each request's extensions.
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub IpAddr);

/// Policy for what is not a page (`/healthz`, `/metrics`, `/readyz`): nothing to run or
/// embed.
const DATA_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// The router: `/healthz`, `/readyz`, `/metrics`, and the published files.
pub fn router(site: Arc<Site>) -> Router {
    Router::new().fallback(handle).with_state(site)
}

async fn handle(State(site): State<Arc<Site>>, request: Request) -> Response {
    let started = Instant::now();
    let path = request.uri().path();
    let reply = match path {
        "/healthz" => health(&site),
        "/readyz" => ready(&site),
        "/metrics" => {
            let status = site.status();
            let text = site.metrics.render(&status, site.is_ready());
            data(
                StatusCode::OK,
                text,
                "text/plain; version=0.0.4; charset=utf-8",
            )
        }
        _ if site.is_preview() && path.strip_prefix('/') == Some(layout::PREVIEW_SCRIPT) => data(
            StatusCode::OK,
            page::RELOAD_SCRIPT.to_string(),
            "text/javascript; charset=utf-8",
        ),
        _ if site.is_preview() && path.strip_prefix('/') == Some(layout::PREVIEW_VERSION) => {
            data(StatusCode::OK, site.generation().to_string(), "text/plain")
        }
        _ => respond::file(
            &site,
            request.method(),
            path,
            request.headers(),
            SystemTime::now(),
        ),
    };
    // Every response, errors and redirects too: no client may sniff another type.
    let mut reply = reply.with(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    if site.is_preview() {
        // Nothing of a preview is for search engines, should one ever reach it.
        reply = reply.with(header::HeaderName::from_static("x-robots-tag"), "noindex");
    }
    site.metrics.count_request(reply.status().as_u16());
    if site.logs_access() {
        access::log(&request, &reply, started.elapsed());
    }
    reply
}

/// A small answer that is data, not a page: never cached, never framed.
fn data(status: StatusCode, body: String, content_type: &str) -> Response {
    let mut r = Response::new(axum::body::Body::from(body));
    *r.status_mut() = status;
    r.with(header::CONTENT_TYPE, content_type)
        .with(header::CACHE_CONTROL, "no-store")
        .with(header::CONTENT_SECURITY_POLICY, DATA_POLICY)
}

/// Liveness: always `200` while the process serves; `ready` says whether the first publish
/// is done.
fn health(site: &Site) -> Response {
    let status = site.status();
    let body = serde_json::json!({
        "status": "ok",
        "ready": site.is_ready(),
        "last_publish": status.last_publish.map(|t| t.to_rfc3339()),
        "articles": status.articles,
        "scheduled": status.scheduled,
        "files": site.len(),
    });
    data(StatusCode::OK, format!("{body}\n"), "application/json")
}

/// Readiness, for a load balancer: `503` (with `Retry-After`) until the first publish is
/// done, then `200`.
fn ready(site: &Site) -> Response {
    let ready = site.is_ready();
    let body = format!("{}\n", serde_json::json!({ "ready": ready }));
    if ready {
        return data(StatusCode::OK, body, "application/json");
    }
    data(StatusCode::SERVICE_UNAVAILABLE, body, "application/json")
        .with(header::RETRY_AFTER, &respond::RETRY_AFTER_SECS.to_string())
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
                        let peer = Peer(peer);
                        tokio::spawn(conn::serve(stream, app.clone(), limits, admission, peer));
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
