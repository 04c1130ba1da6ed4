//! The HTTP/1.1 server: a hardened accept loop (TCP_NODELAY, a connection limit, backoff on
//! EMFILE instead of exiting) and per-connection limits (header-read and idle timeouts,
//! small header buffers), serving one handler.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::Response;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tracing::{debug, warn};

use super::respond::{self, With};
use super::site::Site;

/// Connection limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_connections: usize,
    pub header_timeout: Duration,
    pub idle_timeout: Duration,
}

/// Largest request head accepted (request line and headers).
const MAX_HEAD: usize = 16 * 1024;
const MAX_HEADERS: usize = 48;

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
            let text = site.metrics.render(
                status.articles,
                status.rejected,
                status.last_publish.map(|t| t.timestamp()),
            );
            let mut r = Response::new(axum::body::Body::from(text));
            r = r.with(
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            );
            r
        }
        _ => respond::file(&site, request.method(), path, request.headers()),
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
        "files": site.len(),
    });
    let mut r = Response::new(axum::body::Body::from(format!("{body}\n")));
    *r.status_mut() = StatusCode::OK;
    r.with(header::CONTENT_TYPE, "application/json")
        .with(header::CACHE_CONTROL, "no-store")
}

/// Accepts connections until `stop` turns true; never exits on accept errors.
pub async fn accept_loop(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    mut stop: watch::Receiver<bool>,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let mut backoff = Duration::from_millis(10);
    loop {
        let permit = tokio::select! {
            permit = slots.clone().acquire_owned() => match permit {
                Ok(p) => p,
                Err(_) => return,
            },
            _ = stop.changed() => return,
        };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stop.changed() => return,
        };
        match accepted {
            Ok((stream, _peer)) => {
                backoff = Duration::from_millis(10);
                let _ = stream.set_nodelay(true);
                let app = app.clone();
                tokio::spawn(async move {
                    serve_connection(stream, app, limits).await;
                    drop(permit);
                });
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

/// Serves one connection; closes it when it stays silent past the idle timeout.
async fn serve_connection(stream: TcpStream, app: Router, limits: Limits) {
    let started = Instant::now();
    let last = Arc::new(AtomicU64::new(0));
    let io = TokioIo::new(Tracked {
        inner: stream,
        started,
        last: last.clone(),
    });
    let service = TowerToHyperService::new(app);
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_buf_size(MAX_HEAD)
        .max_headers(MAX_HEADERS)
        // `ETag`, not `etag`: some readers (newsboat 2.21) match header names by case.
        .title_case_headers(true)
        .keep_alive(true)
        .serve_connection(io, service);
    tokio::pin!(conn);
    let mut closing = false;
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    debug!(error = %e, "connection ended");
                }
                return;
            }
            _ = tokio::time::sleep(limits.idle_timeout / 4), if !closing => {
                let idle = started.elapsed().saturating_sub(Duration::from_millis(last.load(Ordering::Relaxed)));
                if idle >= limits.idle_timeout {
                    conn.as_mut().graceful_shutdown();
                    closing = true;
                }
            }
            _ = tokio::time::sleep(limits.idle_timeout), if closing => return,
        }
    }
}

/// A stream that remembers when bytes last moved, for the idle timeout.
struct Tracked {
    inner: TcpStream,
    started: Instant,
    last: Arc<AtomicU64>,
}

impl Tracked {
    fn touch(&self) {
        self.last
            .store(self.started.elapsed().as_millis() as u64, Ordering::Relaxed);
    }
}

impl AsyncRead for Tracked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.touch();
        }
        result
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        result
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
