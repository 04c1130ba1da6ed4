//! `feedfold serve` at its connection limits, over real sockets on 127.0.0.1: keep-alive
//! connections live until the idle timeout, headers must come within the header timeout,
//! and a server full of idle or slow connections still answers a new client at once.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use feedfold::config::ServeSettings;
use feedfold::daemon::published_site;
use feedfold::serve::{self, Server};

use crate::support::Site;

/// A built site with one article, served with `settings` on a free port.
fn serve_with(settings: ServeSettings) -> (Site, Server) {
    let site = Site::new();
    site.write(
        "world/river.txt",
        "The river rose two metres\nThe authorities closed the roads by the banks.\n",
    );
    site.build();
    let served = Arc::new(published_site(&site.config()));
    let settings = ServeSettings {
        listen: "127.0.0.1:0".into(),
        ..settings
    };
    let server = serve::start(&settings, served).unwrap();
    (site, server)
}

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(3)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(3)))
        .unwrap();
    stream
}

/// A connection to `addr` from the loopback address `from` (127.0.0.x).
fn connect_from(from: [u8; 4], addr: SocketAddr) -> TcpStream {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .unwrap();
    let stream = runtime.block_on(async {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind(SocketAddr::from((from, 0))).unwrap();
        let stream = socket.connect(addr).await.unwrap();
        stream.into_std().unwrap()
    });
    stream.set_nonblocking(false).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(3)))
        .unwrap();
    stream
}

/// Sends a GET for `path` that keeps the connection open (or closes it with `close`).
fn send_get(stream: &mut TcpStream, path: &str, close: bool) -> std::io::Result<()> {
    let connection = if close { "close" } else { "keep-alive" };
    let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: {connection}\r\n\r\n");
    stream.write_all(request.as_bytes())
}

/// Reads one response (head and `Content-Length` bytes of body); returns its status.
fn read_response(stream: &mut TcpStream) -> std::io::Result<u16> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map_or(0, |v| v.trim().parse().unwrap());
            if buf.len() >= end + 4 + length {
                let status = head.split(' ').nth(1).unwrap_or("0");
                return Ok(status.parse().unwrap_or(0));
            }
        }
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// True once the server has closed `stream` (end of file or reset), waiting at most `limit`.
fn closed_within(stream: &mut TcpStream, limit: Duration) -> bool {
    stream.set_read_timeout(Some(limit)).unwrap();
    let mut byte = [0u8; 1];
    match stream.read(&mut byte) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => !matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
    }
}

#[test]
fn an_idle_keep_alive_connection_outlives_the_header_timeout_until_the_idle_timeout() {
    let (_site, server) = serve_with(ServeSettings {
        header_timeout_secs: 1,
        idle_timeout_secs: 2,
        ..ServeSettings::default()
    });
    let mut stream = connect(server.addr);
    send_get(&mut stream, "/rss.xml", false).unwrap();
    assert_eq!(read_response(&mut stream).unwrap(), 200);
    std::thread::sleep(Duration::from_millis(1500));
    send_get(&mut stream, "/rss.xml", false).unwrap();
    let second = read_response(&mut stream);
    assert_eq!(second.ok(), Some(200), "closed before the idle timeout");
    let idle_since = Instant::now();
    assert!(closed_within(&mut stream, Duration::from_secs(4)));
    assert!(
        idle_since.elapsed() >= Duration::from_millis(1500),
        "closed too early"
    );
    server.stop();
}

#[test]
fn on_a_kept_alive_connection_headers_must_arrive_within_the_header_timeout() {
    let (_site, server) = serve_with(ServeSettings {
        header_timeout_secs: 1,
        idle_timeout_secs: 30,
        ..ServeSettings::default()
    });
    let mut stream = connect(server.addr);
    send_get(&mut stream, "/rss.xml", false).unwrap();
    assert_eq!(read_response(&mut stream).unwrap(), 200);
    std::thread::sleep(Duration::from_millis(300));
    let first_byte = Instant::now();
    stream.write_all(b"GET /rss.xml HTTP/1.1\r\n").unwrap();
    let mut closed = false;
    while first_byte.elapsed() < Duration::from_secs(4) && !closed {
        std::thread::sleep(Duration::from_millis(100));
        closed = stream.write_all(b"X-Slow: 1\r\n").is_err()
            || closed_within(&mut stream, Duration::from_millis(1));
    }
    assert!(closed, "a trickled request outlived the header timeout");
    assert!(first_byte.elapsed() < Duration::from_secs(3));
    server.stop();
}

#[test]
fn at_the_limit_a_new_client_is_answered_at_once_and_an_idle_connection_makes_room() {
    let (_site, server) = serve_with(ServeSettings {
        max_connections: 2,
        ..ServeSettings::default()
    });
    let mut idle = connect(server.addr);
    send_get(&mut idle, "/rss.xml", false).unwrap();
    assert_eq!(read_response(&mut idle).unwrap(), 200);
    let mut halfway = connect(server.addr);
    halfway
        .write_all(b"GET /atom.xml HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));

    let started = Instant::now();
    let mut fresh = connect(server.addr);
    send_get(&mut fresh, "/feed.json", true).unwrap();
    assert_eq!(read_response(&mut fresh).unwrap(), 200);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert!(
        closed_within(&mut idle, Duration::from_secs(1)),
        "idle one kept"
    );
    halfway.write_all(b"\r\n").unwrap();
    assert_eq!(read_response(&mut halfway).unwrap(), 200, "request cut off");
    server.stop();
}

#[test]
fn with_a_per_address_limit_an_address_at_its_share_makes_room_from_its_own_connections() {
    let (_site, server) = serve_with(ServeSettings {
        max_connections: 3,
        max_connections_per_address: 2,
        ..ServeSettings::default()
    });
    let head = b"GET /atom.xml HTTP/1.1\r\nHost: x\r\n";
    let mut other = connect_from([127, 0, 0, 2], server.addr);
    other.write_all(head).unwrap();
    std::thread::sleep(Duration::from_millis(50));
    let mut first = connect_from([127, 0, 0, 1], server.addr);
    first.write_all(head).unwrap();
    std::thread::sleep(Duration::from_millis(50));
    let mut second = connect_from([127, 0, 0, 1], server.addr);
    second.write_all(head).unwrap();
    std::thread::sleep(Duration::from_millis(200));

    let started = Instant::now();
    let mut third = connect_from([127, 0, 0, 1], server.addr);
    send_get(&mut third, "/feed.json", true).unwrap();
    assert_eq!(read_response(&mut third).unwrap(), 200);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert!(
        closed_within(&mut first, Duration::from_secs(1)),
        "own oldest kept"
    );
    for (name, stream) in [("other address", &mut other), ("second", &mut second)] {
        stream.write_all(b"\r\n").unwrap();
        assert_eq!(read_response(stream).ok(), Some(200), "{name} cut off");
    }
    server.stop();
}

/// Slowloris: `sockets` connections that send a header line every half second and never
/// finish their request, reconnecting whenever the server closes one.
struct Slowloris {
    runtime: tokio::runtime::Runtime,
    stop: Arc<AtomicBool>,
    connected: Arc<AtomicUsize>,
}

impl Slowloris {
    fn start(addr: SocketAddr, sockets: usize) -> Slowloris {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let connected = Arc::new(AtomicUsize::new(0));
        for _ in 0..sockets {
            runtime.spawn(trickle(addr, stop.clone(), connected.clone()));
        }
        Slowloris {
            runtime,
            stop,
            connected,
        }
    }

    fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        self.runtime.shutdown_timeout(Duration::from_secs(1));
    }
}

async fn trickle(addr: SocketAddr, stop: Arc<AtomicBool>, connected: Arc<AtomicUsize>) {
    let pause = Duration::from_millis(500);
    while !stop.load(Ordering::Relaxed) {
        let connect = tokio::net::TcpStream::connect(addr);
        let Ok(Ok(stream)) = tokio::time::timeout(Duration::from_secs(3), connect).await else {
            continue;
        };
        connected.fetch_add(1, Ordering::Relaxed);
        let mut line: &[u8] = b"GET /rss.xml HTTP/1.1\r\nHost: x\r\n";
        while !stop.load(Ordering::Relaxed) && stream.try_write(line).is_ok() {
            line = b"X-Slow: 1\r\n";
            tokio::time::sleep(pause).await;
        }
    }
}

#[test]
fn a_poller_is_answered_within_a_second_while_1100_slow_sockets_hold_the_server_at_its_limit() {
    let (_site, server) = serve_with(ServeSettings {
        max_connections: 16,
        ..ServeSettings::default()
    });
    let slow = Slowloris::start(server.addr, 1100);
    let ramp = Instant::now();
    while slow.connected.load(Ordering::Relaxed) < 1000 && ramp.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        slow.connected.load(Ordering::Relaxed) >= 1000,
        "slowloris never ramped up"
    );
    let mut answers = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let mut poller = connect(server.addr);
        send_get(&mut poller, "/rss.xml", true).unwrap();
        let status = read_response(&mut poller).ok();
        answers.push((status, started.elapsed()));
        std::thread::sleep(Duration::from_millis(100));
    }
    slow.stop();
    server.stop();
    for (status, took) in &answers {
        assert_eq!(*status, Some(200), "{answers:?}");
        assert!(*took < Duration::from_secs(1), "{answers:?}");
    }
}
