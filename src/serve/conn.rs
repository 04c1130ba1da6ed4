//! One HTTP/1.1 connection: hyper serves it while its [`Slot`] records what it is doing
//! (the socket reports bytes moving, the service reports requests beginning and their
//! responses ending), and the connection closes when [`verdict`] says so: an idle
//! keep-alive connection after the idle timeout, a request head not complete within the
//! header timeout of its first byte, a stalled response, or an eviction to make room.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use bytes::Bytes;
use hyper::body::{Frame, SizeHint};
use hyper::service::{Service, service_fn};
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tracing::debug;

use super::http::{Limits, Peer};
use super::registry::Admission;
use super::slots::{STALLED_MS, Slot, Timeouts, Verdict, verdict};

/// Largest request head accepted (request line and headers).
const MAX_HEAD: usize = 16 * 1024;
const MAX_HEADERS: usize = 48;
/// How long a gracefully closing connection may take to finish its response.
const CLOSE_GRACE: Duration = Duration::from_secs(10);

/// Serves one connection until the client closes it or [`verdict`] ends it.
pub async fn serve(
    stream: TcpStream,
    app: Router,
    limits: Limits,
    admission: Admission,
    peer: Peer,
) {
    let slot = admission.slot.clone();
    let timeouts = Timeouts {
        header: limits.header_timeout.as_millis() as u64,
        idle: limits.idle_timeout.as_millis() as u64,
    };
    let io = TokioIo::new(Tracked {
        inner: stream,
        slot: slot.clone(),
    });
    let inner = TowerToHyperService::new(app);
    let counted = slot.clone();
    let service = service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
        request.extensions_mut().insert(peer);
        let done = Answering::begin(counted.clone());
        let answer = inner.call(request);
        async move {
            let response = answer.await?;
            Ok::<_, Infallible>(response.map(|body| Finished { body, _done: done }))
        }
    });
    // The header timeout is kept here, not by hyper: hyper's also cuts idle keep-alive
    // connections, which must last the idle timeout.
    let conn = hyper::server::conn::http1::Builder::new()
        .header_read_timeout(None)
        .max_buf_size(MAX_HEAD)
        .max_headers(MAX_HEADERS)
        // `ETag`, not `etag`: some readers (newsboat 2.21) match header names by case.
        .title_case_headers(true)
        .keep_alive(true)
        .serve_connection(io, service);
    tokio::pin!(conn);
    let mut closing: Option<u64> = None;
    loop {
        let next = match closing {
            Some(deadline) => match closing_wake(&slot, deadline) {
                Some(at) => at,
                None => return,
            },
            None => match verdict(slot.view(), timeouts, slot.now()) {
                Verdict::Until(deadline) => deadline,
                Verdict::Close => {
                    conn.as_mut().graceful_shutdown();
                    closing = Some(slot.now() + CLOSE_GRACE.as_millis() as u64);
                    continue;
                }
                Verdict::Drop => return,
            },
        };
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    debug!(error = %e, "connection ended");
                }
                return;
            }
            _ = tokio::time::sleep_until(slot.instant(next)) => {
                if closing.is_some_and(|deadline| slot.now() >= deadline) {
                    return;
                }
            }
            _ = slot.wake.notified() => {}
        }
    }
}

/// While a connection closes gracefully: when to look again (its grace `deadline`, sooner
/// if it was asked to make room), or `None` to drop it now: asked to make room, it stopped
/// moving, so its close is not waited for.
fn closing_wake(slot: &Slot, deadline: u64) -> Option<u64> {
    let view = slot.view();
    let stalled_at = view.progress + STALLED_MS;
    match view.evicting {
        true if slot.now() >= stalled_at => None,
        true => Some(deadline.min(stalled_at)),
        false => Some(deadline),
    }
}

/// Marks its connection busy while a request is answered, idle again when dropped (with
/// the response body, once hyper has sent it, or with the request if it is abandoned).
struct Answering(Arc<Slot>);

impl Answering {
    fn begin(slot: Arc<Slot>) -> Answering {
        slot.begin_request();
        Answering(slot)
    }
}

impl Drop for Answering {
    fn drop(&mut self) {
        self.0.end_request();
    }
}

/// A response body that ends its request's [`Answering`] when hyper is done with it.
struct Finished {
    body: Body,
    _done: Answering,
}

impl hyper::body::Body for Finished {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// A socket that reports bytes moving to its connection's slot.
struct Tracked {
    inner: TcpStream,
    slot: Arc<Slot>,
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
            self.slot.on_read();
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
            self.slot.on_write();
        }
        result
    }

    /// Vectored, like the socket: hyper then sends a response's head and body in one
    /// `writev` rather than first copying the body into its own buffer.
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.slot.on_write();
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::time::Instant;

    #[tokio::test]
    async fn the_tracked_socket_writes_vectored_so_bodies_are_not_copied_and_reports_progress() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let client = std::thread::spawn(move || {
            let mut got = Vec::new();
            std::net::TcpStream::connect(address)
                .unwrap()
                .read_to_end(&mut got)
                .unwrap();
            got
        });
        let (stream, peer) = listener.accept().unwrap();
        stream.set_nonblocking(true).unwrap();
        let slot = Arc::new(Slot::new(Instant::now(), peer.ip()));
        let mut tracked = Tracked {
            inner: TcpStream::from_std(stream).unwrap(),
            slot: slot.clone(),
        };
        assert!(tracked.is_write_vectored());
        let before = slot.view().progress;
        tokio::time::sleep(Duration::from_millis(5)).await;
        let parts = [
            std::io::IoSlice::new(b"head "),
            std::io::IoSlice::new(b"body"),
        ];
        let sent =
            std::future::poll_fn(|cx| Pin::new(&mut tracked).poll_write_vectored(cx, &parts))
                .await
                .unwrap();
        assert_eq!(sent, 9);
        assert!(slot.view().progress > before, "a write counts as progress");
        drop(tracked);
        assert_eq!(client.join().unwrap(), b"head body");
    }
}
