//! Slowloris: many sockets that trickle header lines and never finish a request, while one
//! normal reader keeps polling. Reports when each slow socket was closed and the poller's
//! latency.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Polls `feed` with `If-None-Match` every 50 ms on a keep-alive connection until `stop`.
fn poll(port: u16, feed: &str, etag: &str, stop: &AtomicBool) -> (Vec<f64>, usize) {
    let mut latencies = Vec::new();
    let mut failures = 0;
    let mut conn: Option<TcpStream> = None;
    while !stop.load(Ordering::Relaxed) {
        let started = Instant::now();
        let s = match conn.take() {
            Some(s) => s,
            None => match TcpStream::connect(("127.0.0.1", port)) {
                Ok(s) => s,
                Err(_) => {
                    failures += 1;
                    continue;
                }
            },
        };
        let mut s = s;
        let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
        let request = format!("GET {feed} HTTP/1.1\r\nHost: b\r\nIf-None-Match: {etag}\r\n\r\n");
        let mut buf = [0u8; 4096];
        let ok = s.write_all(request.as_bytes()).is_ok()
            && matches!(s.read(&mut buf), Ok(n) if n > 0 && buf[..n].starts_with(b"HTTP/1.1 304"));
        if ok {
            latencies.push(started.elapsed().as_secs_f64() * 1000.0);
            conn = Some(s);
        } else {
            failures += 1;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    (latencies, failures)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)]
}

pub fn run(port: u16, feed: &str, n: usize, etag: &str) {
    let stop = Arc::new(AtomicBool::new(false));
    let poller = {
        let (stop, feed, etag) = (stop.clone(), feed.to_string(), etag.to_string());
        std::thread::spawn(move || poll(port, &feed, &etag, &stop))
    };
    std::thread::sleep(Duration::from_millis(500));
    let mut slow: Vec<(TcpStream, Instant, Option<Duration>)> = Vec::new();
    for _ in 0..n {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(mut s) => {
                let _ = s.write_all(b"GET / HTTP/1.1\r\nHost: b\r\n");
                let _ = s.set_nonblocking(true);
                slow.push((s, Instant::now(), None));
            }
            Err(e) => eprintln!("slowloris connect failed: {e}"),
        }
    }
    let opened = slow.len();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(60) && slow.iter().any(|s| s.2.is_none()) {
        std::thread::sleep(Duration::from_millis(250));
        for (s, at, closed) in slow.iter_mut().filter(|s| s.2.is_none()) {
            let mut buf = [0u8; 512];
            let gone = match s.read(&mut buf) {
                Ok(_) => true,
                Err(e) if e.kind() == ErrorKind::WouldBlock => s.write_all(b"X-a: b\r\n").is_err(),
                Err(_) => true,
            };
            if gone {
                *closed = Some(at.elapsed());
            }
        }
    }
    std::thread::sleep(Duration::from_secs(1));
    stop.store(true, Ordering::Relaxed);
    let (mut latencies, failures) = poller.join().unwrap_or_default();
    latencies.sort_by(|a, b| a.total_cmp(b));
    let mut closes: Vec<f64> = slow
        .iter()
        .filter_map(|s| s.2)
        .map(|d| d.as_secs_f64())
        .collect();
    closes.sort_by(|a, b| a.total_cmp(b));
    println!("\nslowloris: {opened} sockets trickling a header line every 250 ms");
    println!(
        "  closed by the server: {} of {opened}; after p50 {:.2} s, max {:.2} s",
        closes.len(),
        percentile(&closes, 0.5),
        closes.last().copied().unwrap_or(f64::NAN)
    );
    println!(
        "  normal poller meanwhile: {} polls, p50 {:.2} ms, p99 {:.2} ms, {failures} failed",
        latencies.len(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99)
    );
}
