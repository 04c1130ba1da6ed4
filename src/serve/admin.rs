//! The operator's page: what `feedfold status` shows, as a page (`/`) and as JSON
//! (`/status.json`), on its own opt-in address (`serve.admin_listen`), never on the public
//! listener. A small blocking server on one thread: an operator's browser, not the world,
//! is its client, and each request is bounded in time and size.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use anyhow::{Context, Result};
use tracing::{info, warn};

use crate::article::escape_html;
use crate::config::Config;
use crate::status;

/// How long a client has to send its request line and headers.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
/// Most bytes of request line and headers read.
const MAX_REQUEST: usize = 16 * 1024;

/// Starts the operator's page on `addr` in a thread of its own; it lives as long as the
/// process.
pub fn start(addr: SocketAddr, config: Config) -> Result<SocketAddr> {
    let listener = TcpListener::bind(addr)
        .with_context(|| format!("cannot listen on serve.admin_listen {addr}"))?;
    let bound = listener.local_addr()?;
    std::thread::Builder::new()
        .name("feedfold-admin".into())
        .spawn(move || {
            for stream in listener.incoming().flatten() {
                if let Err(e) = answer(stream, &config) {
                    warn!(error = %format!("{e:#}"), "operator page request failed");
                }
            }
        })
        .context("cannot start the operator page's thread")?;
    info!(address = %bound, "operator page on http://{bound}/");
    Ok(bound)
}

/// Reads one request and answers it; the connection is then closed.
fn answer(stream: TcpStream, config: &Config) -> Result<()> {
    stream.set_read_timeout(Some(REQUEST_TIMEOUT))?;
    stream.set_write_timeout(Some(REQUEST_TIMEOUT))?;
    let mut reader = BufReader::new(stream.try_clone()?.take(MAX_REQUEST as u64));
    let mut line = String::new();
    reader.read_line(&mut line)?;
    // Drain the headers (bounded by `take`) so that the client sees a clean close.
    let mut header = String::new();
    while reader.read_line(&mut header)? > 2 {
        header.clear();
    }
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let reply = match (method, path) {
        ("GET", "/") => page(config),
        ("GET", "/status.json") => json(config),
        ("GET", _) => (
            "404 Not Found",
            "text/plain; charset=utf-8",
            "not found\n".into(),
        ),
        _ => (
            "405 Method Not Allowed",
            "text/plain; charset=utf-8",
            "GET only\n".into(),
        ),
    };
    send(stream, reply)
}

type Reply = (&'static str, &'static str, String);

fn page(config: &Config) -> Reply {
    let text = match status::read(config, chrono::Utc::now()) {
        Ok(s) => status::render::text(&s),
        Err(e) => format!("cannot read the index: {e:#}\n"),
    };
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"robots\" content=\"noindex\"><title>feedfold status</title></head>\
         <body><h1>feedfold status</h1><p><a href=\"/status.json\">JSON</a></p>\
         <pre dir=\"auto\">{}</pre></body></html>\n",
        escape_html(&text)
    );
    ("200 OK", "text/html; charset=utf-8", html)
}

fn json(config: &Config) -> Reply {
    match status::read(config, chrono::Utc::now()).and_then(|s| status::render::json(&s)) {
        Ok(body) => ("200 OK", "application/json", body + "\n"),
        Err(e) => (
            "503 Service Unavailable",
            "text/plain; charset=utf-8",
            format!("cannot read the index: {e:#}\n"),
        ),
    }
}

fn send(mut stream: TcpStream, (status, kind, body): Reply) -> Result<()> {
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\
         Content-Security-Policy: default-src 'none'\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    stream.flush()?;
    Ok(())
}
