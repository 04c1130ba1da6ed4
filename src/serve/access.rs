//! The access log (`serve.access_log = true`; off by default): one event per request, target
//! `access`, at level INFO, written by the process's log. In the human log its message is
//! the request in the combined log format (Apache's and nginx's):
//!
//! ```text
//! 203.0.113.7 - - [01/Dec/2026:09:30:00 +0000] "GET /world/rss.xml HTTP/1.1" 200 5120 "-" "NetNewsWire (RSS Reader)"
//! ```
//!
//! With `--log-format json` the same facts are fields of the JSON object instead
//! (`remote`, `method`, `uri`, `version`, `status`, `bytes`, `referer`, `user_agent`,
//! `duration_us`), so that log shippers need no parser. Quoted values are escaped as Apache
//! escapes them (`"` and `\` with a backslash, other bytes outside printable ASCII as
//! `\xhh`), so a client cannot forge a line or a field.

use std::fmt::Write as _;
use std::time::Duration;

use axum::extract::Request;
use axum::http::{HeaderMap, header};
use axum::response::Response;
use hyper::body::Body as _;
use tracing::info;

use super::http::Peer;

/// Logs `request`, answered with `reply` in `took`.
pub fn log(request: &Request, reply: &Response, took: Duration) {
    let entry = Entry::of(request, reply, took);
    if json_logs() {
        info!(
            target: "access",
            remote = %entry.remote,
            method = %entry.method,
            uri = %entry.uri,
            version = %entry.version,
            status = entry.status,
            bytes = entry.bytes,
            referer = entry.referer.as_deref().unwrap_or(""),
            user_agent = entry.user_agent.as_deref().unwrap_or(""),
            duration_us = entry.duration_us,
            "request"
        );
    } else {
        let line = entry.combined(chrono::Utc::now());
        info!(target: "access", "{line}");
    }
}

/// True when the process logs JSON (`--log-format json`): its subscriber formats fields
/// as JSON. Asked of the subscriber itself, so the log set up by `main` decides.
fn json_logs() -> bool {
    tracing::dispatcher::get_default(|d| d.is::<tracing_subscriber::fmt::format::JsonFields>())
}

/// What the access log says about one request.
#[derive(Debug, PartialEq)]
struct Entry {
    remote: String,
    method: String,
    uri: String,
    version: String,
    status: u16,
    /// Bytes of the body sent (0 for `HEAD`, `304` and other empty answers).
    bytes: u64,
    referer: Option<String>,
    user_agent: Option<String>,
    duration_us: u64,
}

impl Entry {
    fn of(request: &Request, reply: &Response, took: Duration) -> Entry {
        let headers = request.headers();
        Entry {
            remote: request
                .extensions()
                .get::<Peer>()
                .map_or("-".to_string(), |p| p.0.to_string()),
            method: request.method().to_string(),
            uri: request.uri().to_string(),
            version: format!("{:?}", request.version()),
            status: reply.status().as_u16(),
            bytes: reply.body().size_hint().exact().unwrap_or(0),
            referer: text(headers, header::REFERER),
            user_agent: text(headers, header::USER_AGENT),
            duration_us: took.as_micros().try_into().unwrap_or(u64::MAX),
        }
    }

    /// The combined log format line, dated `at`.
    fn combined(&self, at: chrono::DateTime<chrono::Utc>) -> String {
        let bytes = match self.bytes {
            0 => "-".to_string(),
            n => n.to_string(),
        };
        let quoted = |v: &Option<String>| v.as_deref().map_or("-".to_string(), escape);
        format!(
            "{} - - [{}] \"{} {} {}\" {} {bytes} \"{}\" \"{}\"",
            self.remote,
            at.format("%d/%b/%Y:%H:%M:%S %z"),
            escape(&self.method),
            escape(&self.uri),
            self.version,
            self.status,
            quoted(&self.referer),
            quoted(&self.user_agent),
        )
    }
}

/// A header's value as text, its bytes kept (escaped when written).
fn text(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    let value = headers.get(name)?;
    Some(String::from_utf8_lossy(value.as_bytes()).into_owned())
}

/// `value` as Apache writes a quoted field: `"` and `\` escaped with a backslash, every
/// byte outside printable ASCII as `\xhh`.
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'"' | b'\\' => {
                out.push('\\');
                out.push(byte as char);
            }
            0x20..=0x7e => out.push(byte as char),
            _ => {
                let _ = write!(out, "\\x{byte:02x}");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use chrono::TimeZone;

    use super::*;

    fn entry(user_agent: &str) -> Entry {
        let mut request = Request::get("/world/rss.xml?x=1")
            .header(header::USER_AGENT, user_agent)
            .body(Body::empty())
            .unwrap();
        request
            .extensions_mut()
            .insert(Peer("203.0.113.7".parse().unwrap()));
        let reply = Response::new(Body::from("<rss/>"));
        Entry::of(&request, &reply, Duration::from_micros(250))
    }

    #[test]
    fn a_request_is_one_line_in_the_combined_log_format() {
        let at = chrono::Utc.with_ymd_and_hms(2026, 12, 1, 9, 30, 0).unwrap();
        assert_eq!(
            entry("NetNewsWire (RSS Reader)").combined(at),
            "203.0.113.7 - - [01/Dec/2026:09:30:00 +0000] \"GET /world/rss.xml?x=1 HTTP/1.1\" \
             200 6 \"-\" \"NetNewsWire (RSS Reader)\""
        );
    }

    #[test]
    fn a_client_cannot_forge_a_field_or_a_line() {
        let at = chrono::Utc.with_ymd_and_hms(2026, 12, 1, 9, 30, 0).unwrap();
        let line = entry("x\" 500 \"evil\\ é").combined(at);
        assert!(
            line.ends_with("\"-\" \"x\\\" 500 \\\"evil\\\\ \\xc3\\xa9\""),
            "{line}"
        );
        assert_eq!(escape("a\nb\tc"), "a\\x0ab\\x09c");
    }

    #[test]
    fn an_empty_answer_logs_no_bytes() {
        let at = chrono::Utc.with_ymd_and_hms(2026, 12, 1, 9, 30, 0).unwrap();
        let request = Request::head("/").body(Body::empty()).unwrap();
        let reply = Response::new(Body::empty());
        let line = Entry::of(&request, &reply, Duration::ZERO).combined(at);
        assert_eq!(
            line,
            "- - - [01/Dec/2026:09:30:00 +0000] \"HEAD / HTTP/1.1\" 200 - \"-\" \"-\""
        );
    }
}
