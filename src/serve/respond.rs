//! One request, one response: method and path checks, content negotiation and conditional
//! GET (`If-None-Match` before `If-Modified-Since`, as RFC 9110 orders them).

use std::io::Read;
use std::path::Path;
use std::time::SystemTime;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, Response, StatusCode, header};
use bytes::Bytes;

use super::asset::{self, Asset, Coding};
use super::path::key_of;
use super::site::{Site, unix_seconds};
use crate::confine;
use crate::layout::{self, Format, INDEX};

type Reply = Response<Body>;

/// Policy for HTML pages: no scripts at all, styles inline, images from anywhere.
const HTML_POLICY: &str = "default-src 'none'; img-src http: https: data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Answers a request for a published file; `now` is the server's clock, for the
/// validity of `If-Modified-Since`.
pub fn file(
    site: &Site,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    now: SystemTime,
) -> Reply {
    if method != Method::GET && method != Method::HEAD {
        return plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n")
            .with(header::ALLOW, "GET, HEAD");
    }
    let Ok(key) = key_of(path) else {
        return plain(StatusCode::BAD_REQUEST, "bad request\n");
    };
    let Some(asset) = site.get(&key) else {
        if !key.ends_with(INDEX) && site.get(&format!("{key}/{INDEX}")).is_some() {
            return plain(StatusCode::PERMANENT_REDIRECT, "")
                .with(header::LOCATION, &format!("{path}/"));
        }
        return plain(StatusCode::NOT_FOUND, "not found\n");
    };
    let request = Conditional { headers, now };
    match send(site, &key, &asset, method == Method::HEAD, &request) {
        Ok(reply) => reply,
        Err(_) => plain(StatusCode::NOT_FOUND, "not found\n"),
    }
}

/// A request's headers and the moment it is answered: all a conditional GET decides on.
struct Conditional<'a> {
    headers: &'a HeaderMap,
    now: SystemTime,
}

/// The bytes of `asset` (published at `key`) in the best coding the client accepts, with
/// validators.
fn send(
    site: &Site,
    key: &str,
    asset: &Asset,
    head: bool,
    request: &Conditional,
) -> std::io::Result<Reply> {
    let headers = request.headers;
    let max_age = site.max_age;
    let (hash, coding, bytes) = representation(site.root(), asset, &accepted_codings(headers))?;
    let etag = asset::etag(&hash, coding);
    let is_feed = layout::format_of(key).is_some_and(Format::is_xml);
    // Browsers show RSS and Atom as plain text; as XML they apply the feed's stylesheet.
    let content_type = if is_feed && wants_page(headers) {
        "application/xml; charset=utf-8"
    } else {
        asset.content_type
    };
    // A retracted or removed article's notice page: `410 Gone`, never a 304.
    let gone = site.is_gone(key);
    let mut reply = if !gone && not_modified(headers, &hash, asset.modified, request.now) {
        plain(StatusCode::NOT_MODIFIED, "")
    } else {
        let length = bytes.len();
        let body = if head {
            Body::empty()
        } else {
            Body::from(bytes)
        };
        let mut r = Response::new(body);
        r.headers_mut()
            .insert(header::CONTENT_LENGTH, length.into());
        r.with(header::CONTENT_TYPE, content_type)
    };
    if gone {
        *reply.status_mut() = StatusCode::GONE;
    }
    if let Some(encoding) = coding.header()
        && reply.status() != StatusCode::NOT_MODIFIED
    {
        reply = reply.with(header::CONTENT_ENCODING, encoding);
    }
    if asset.content_type.starts_with("text/html") {
        reply = reply.with(header::CONTENT_SECURITY_POLICY, HTML_POLICY);
    }
    Ok(reply
        .with(header::ETAG, &etag)
        .with(header::LAST_MODIFIED, &http_date(asset.modified))
        .with(header::CACHE_CONTROL, &format!("public, max-age={max_age}"))
        .with(
            header::VARY,
            if is_feed {
                "Accept, Accept-Encoding"
            } else {
                "Accept-Encoding"
            },
        )
        .with(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
}

/// The content hash, coding and bytes to send: a precompressed variant the client accepts,
/// or, for a page on disk, its bytes as read (gzipped when accepted), opened confined
/// beneath the publish folder `root`.
fn representation(
    root: &Path,
    asset: &Asset,
    accepted: &[Coding],
) -> std::io::Result<(String, Coding, Bytes)> {
    Ok(match &asset.body {
        asset::Body::Memory {
            hash,
            raw,
            gzip,
            brotli,
        } => {
            let pick = [(Coding::Brotli, brotli), (Coding::Gzip, gzip)]
                .into_iter()
                .find_map(|(c, b)| Some((c, b.as_ref()?)).filter(|(c, _)| accepted.contains(c)));
            let (coding, bytes) = pick.unwrap_or((Coding::Identity, raw));
            (hash.clone(), coding, bytes.clone())
        }
        asset::Body::File(path) => {
            let mut raw = Vec::new();
            confine::open(root, path)
                .map_err(std::io::Error::other)?
                .read_to_end(&mut raw)?;
            // The bytes read are the truth: a page rewritten since the snapshot gets its
            // own tag.
            let hash = asset::short_hash(&raw);
            if accepted.contains(&Coding::Gzip) && raw.len() > 512 {
                let gz = asset::gzip(&raw, 6).map_err(std::io::Error::other)?;
                (hash, Coding::Gzip, gz)
            } else {
                (hash, Coding::Identity, Bytes::from(raw))
            }
        }
    })
}

/// True when the client's copy is current: any tag in `If-None-Match` names this content
/// (in any coding, compared weakly), or, without `If-None-Match`, nothing changed since
/// `If-Modified-Since`. A date later than `now` is invalid and ignored (RFC 2616 §14.25):
/// a client's wrong clock must not pin it to an old copy.
/// An HTTP date; a file time outside what the format can write (before 1970, after 9999,
/// as `touch -d` can set) is clamped rather than a panic.
fn http_date(time: SystemTime) -> String {
    let latest = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(253_402_300_799);
    httpdate::fmt_http_date(time.clamp(SystemTime::UNIX_EPOCH, latest))
}

fn not_modified(headers: &HeaderMap, hash: &str, modified: SystemTime, now: SystemTime) -> bool {
    let mut tags = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .peekable();
    if tags.peek().is_some() {
        let current =
            [Coding::Identity, Coding::Gzip, Coding::Brotli].map(|c| asset::etag(hash, c));
        return tags.any(|t| t == "*" || current.iter().any(|c| t.trim_start_matches("W/") == c));
    }
    let since = headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok())
        .filter(|since| unix_seconds(*since) <= unix_seconds(now));
    since.is_some_and(|since| unix_seconds(modified) <= unix_seconds(since))
}

/// True for a browser: it asks for HTML and does not name a feed type.
fn wants_page(headers: &HeaderMap) -> bool {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    accept.contains("text/html") && !accept.contains("rss+xml") && !accept.contains("atom+xml")
}

/// Codings the client accepts (`q=0` refuses one).
fn accepted_codings(headers: &HeaderMap) -> Vec<Coding> {
    let mut out = Vec::new();
    for value in headers.get_all(header::ACCEPT_ENCODING).iter() {
        let Ok(value) = value.to_str() else { continue };
        for part in value.split(',') {
            let mut fields = part.split(';').map(str::trim);
            let name = fields.next().unwrap_or_default().to_ascii_lowercase();
            let refused = fields.any(|f| {
                f.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            let coding = match name.as_str() {
                "br" => Coding::Brotli,
                "gzip" | "x-gzip" => Coding::Gzip,
                _ => continue,
            };
            if !refused {
                out.push(coding);
            }
        }
    }
    out
}

/// A short plain-text response.
pub fn plain(status: StatusCode, text: &'static str) -> Reply {
    let mut r = Response::new(Body::from(text));
    *r.status_mut() = status;
    if !text.is_empty() {
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
    }
    r
}

/// Setting headers in a chain.
pub trait With {
    fn with(self, name: header::HeaderName, value: &str) -> Self;
}

impl With for Reply {
    fn with(mut self, name: header::HeaderName, value: &str) -> Reply {
        if let Ok(v) = HeaderValue::from_str(value) {
            self.headers_mut().insert(name, v);
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn since(date: SystemTime) -> HeaderMap {
        let mut headers = HeaderMap::new();
        let value = HeaderValue::from_str(&httpdate::fmt_http_date(date)).unwrap();
        headers.insert(header::IF_MODIFIED_SINCE, value);
        headers
    }

    #[test]
    fn a_file_time_no_http_date_can_write_is_clamped_not_a_panic() {
        let before = SystemTime::UNIX_EPOCH - std::time::Duration::from_secs(86_400);
        assert_eq!(http_date(before), "Thu, 01 Jan 1970 00:00:00 GMT");
        let after = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(300_000_000_000);
        assert_eq!(http_date(after), "Fri, 31 Dec 9999 23:59:59 GMT");
    }

    #[test]
    fn a_copy_as_new_as_the_file_is_not_modified() {
        let modified = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let now = modified + Duration::from_secs(3600);
        assert!(not_modified(&since(modified), "h", modified, now));
        let before = modified - Duration::from_secs(1);
        assert!(!not_modified(&since(before), "h", modified, now));
    }

    #[test]
    fn an_if_modified_since_later_than_now_is_ignored() {
        let modified = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let now = modified + Duration::from_secs(60);
        let future = now + Duration::from_secs(1);
        assert!(!not_modified(&since(future), "h", modified, now));
        assert!(not_modified(&since(now), "h", modified, now));
    }
}
