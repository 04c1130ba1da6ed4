//! One request, one response: method and path checks, what content negotiation chose (a
//! browser asking for a feed gets the feed's page: `negotiate`) and conditional GET
//! (`If-None-Match` before `If-Modified-Since`, as RFC 9110 orders them).

use std::io::Read;
use std::path::Path;
use std::time::SystemTime;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, Response, StatusCode, header};
use bytes::Bytes;

use super::asset::{self, Asset, Coding, Validators};
use super::negotiate::{accepted_codings, prefers_page, wants_page};
use super::path::key_of;
use super::site::{Site, unix_seconds};
use crate::confine;
use crate::layout::{self, Format, INDEX};

type Reply = Response<Body>;

/// Policy for HTML pages: no scripts at all; styles and images from anywhere (the page
/// stylesheet is at `site.base_url`, which need not be the origin a page is fetched from,
/// as when `serve` is reached at its own address behind a proxy).
const HTML_POLICY: &str = "default-src 'none'; img-src http: https: data:; style-src 'self' http: https: 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// A preview's policy for its pages: the same, and its own reload script, which may ask
/// its own origin for the publish counter.
const PREVIEW_POLICY: &str = "default-src 'none'; img-src http: https: data:; style-src 'self' http: https: 'unsafe-inline'; script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The policy `site`'s pages are served with.
fn html_policy(site: &Site) -> &'static str {
    if site.is_preview() {
        PREVIEW_POLICY
    } else {
        HTML_POLICY
    }
}

/// Seconds a client is asked to wait (`Retry-After`) while `serve` is starting.
pub const RETRY_AFTER_SECS: u32 = 5;

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
        return missing(site);
    };
    let request = Conditional { headers, now };
    let head = method == Method::HEAD;
    // A browser asking for a feed gets the feed's page (browsers are dropping XSLT, which
    // showed the feed itself as one); feed readers keep getting the feed.
    if layout::is_feed(&key) && prefers_page(headers) {
        let page = feed_page_key(&key);
        if let Some(page_asset) = site.get(&page) {
            let folder = &path[..path.rfind('/').map_or(0, |i| i + 1)];
            return match send(site, &page, &page_asset, head, &request) {
                Ok(reply) => reply
                    .with(header::VARY, "Accept, Accept-Encoding")
                    .with(header::CONTENT_LOCATION, folder),
                Err(_) => missing(site),
            };
        }
    }
    match send(site, &key, &asset, head, &request) {
        Ok(reply) => reply,
        Err(_) => missing(site),
    }
}

/// The key of the page of the feed at `key`: the listing page in the feed's folder
/// (`world/rss.xml` → `world/index.html`, `rss.xml` → the home page).
fn feed_page_key(key: &str) -> String {
    match key.rsplit_once('/') {
        Some((dir, _)) => format!("{dir}/{INDEX}"),
        None => INDEX.to_string(),
    }
}

/// The answer for a path the published set does not hold: `404` with the site's "not
/// found" page, or, while the first publish is under way, `503` with `Retry-After`: the
/// file may be about to be published.
fn missing(site: &Site) -> Reply {
    if !site.is_ready() {
        return plain(
            StatusCode::SERVICE_UNAVAILABLE,
            "starting: the first publish is under way; try again in a moment\n",
        )
        .with(header::RETRY_AFTER, &RETRY_AFTER_SECS.to_string())
        .with(header::CACHE_CONTROL, "no-store");
    }
    let Some(page) = site.not_found() else {
        return plain(StatusCode::NOT_FOUND, "not found\n");
    };
    let length = page.len();
    let mut r = Response::new(Body::from(page));
    *r.status_mut() = StatusCode::NOT_FOUND;
    r.headers_mut()
        .insert(header::CONTENT_LENGTH, length.into());
    r.with(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .with(header::CONTENT_SECURITY_POLICY, html_policy(site))
        .with(header::CACHE_CONTROL, "no-cache")
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
    let (hash, coding, bytes) = representation(site.root(), asset, &accepted_codings(headers))?;
    let made;
    let validators = match &asset.body {
        asset::Body::Memory { validators, .. } => {
            validators.get_or_init(|| Box::new(Validators::of(&hash, asset.modified)))
        }
        asset::Body::File(_) => {
            made = Validators::of(&hash, asset.modified);
            &made
        }
    };
    let is_feed = layout::is_feed(key);
    let is_xml_feed = layout::format_of(key).is_some_and(Format::is_xml);
    // A browser that names HTML but not first, and no feed type, still gets RSS and Atom as
    // XML, through the feed's stylesheet where it still applies one (as text otherwise).
    let content_type = if is_xml_feed && wants_page(headers) {
        "application/xml; charset=utf-8"
    } else {
        asset.content_type
    };
    // A retracted or removed article's notice page: `410 Gone`, never a 304.
    let gone = site.is_gone(key);
    let mut reply = if !gone && not_modified(headers, validators, asset.modified, request.now) {
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
        r.with_static(header::CONTENT_TYPE, content_type)
    };
    if gone {
        *reply.status_mut() = StatusCode::GONE;
    }
    if let Some(encoding) = coding.header()
        && reply.status() != StatusCode::NOT_MODIFIED
    {
        reply = reply.with_static(header::CONTENT_ENCODING, encoding);
    }
    if asset.content_type.starts_with("text/html") {
        reply = reply.with_static(header::CONTENT_SECURITY_POLICY, html_policy(site));
    }
    // The feed's own URL and its hubs (RFC 8288), on every answer about a feed.
    if let Some(links) = is_feed.then(|| site.feed_links(key)).flatten() {
        reply = reply.with_value(header::LINK, links);
    }
    let cache_control = if layout::is_immutable(key) {
        HeaderValue::from_static(layout::IMMUTABLE_CACHE)
    } else {
        site.cache_control(key, request.now)
    };
    let vary = if is_feed {
        "Accept, Accept-Encoding"
    } else {
        "Accept-Encoding"
    };
    Ok(reply
        .with_value(header::ETAG, validators.tag(coding).clone())
        .with_value(header::LAST_MODIFIED, validators.last_modified().clone())
        .with_value(header::CACHE_CONTROL, cache_control)
        .with_static(header::VARY, vary)
        .with_static(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
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
            variants,
            ..
        } => {
            let pick = [Coding::Brotli, Coding::Gzip]
                .into_iter()
                .filter(|c| accepted.contains(c))
                .find_map(|c| Some((c, variants.get(c, raw)?)));
            let (coding, bytes) = pick.unwrap_or((Coding::Identity, raw.clone()));
            (hash.clone(), coding, bytes)
        }
        asset::Body::File(path) => {
            let mut raw = Vec::new();
            confine::open(root, path)
                .map_err(std::io::Error::other)?
                .read_to_end(&mut raw)?;
            // The bytes read are the truth: a page rewritten since the snapshot gets its
            // own tag.
            let hash = asset::short_hash(&raw);
            // Pictures are compressed already.
            let compressible = !asset.content_type.starts_with("image/");
            if compressible && accepted.contains(&Coding::Gzip) && raw.len() > 512 {
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
fn not_modified(
    headers: &HeaderMap,
    validators: &Validators,
    modified: SystemTime,
    now: SystemTime,
) -> bool {
    let mut tags = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .peekable();
    if tags.peek().is_some() {
        return tags.any(|t| t == "*" || validators.names(t));
    }
    let since = headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok())
        .filter(|since| unix_seconds(*since) <= unix_seconds(now));
    since.is_some_and(|since| unix_seconds(modified) <= unix_seconds(since))
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
pub trait With: Sized {
    /// Sets header `name` to `value` (copied; an invalid value leaves it unset).
    fn with(self, name: header::HeaderName, value: &str) -> Self {
        match HeaderValue::from_str(value) {
            Ok(v) => self.with_value(name, v),
            Err(_) => self,
        }
    }
    /// Sets header `name` to `value`, a constant (not copied).
    fn with_static(self, name: header::HeaderName, value: &'static str) -> Self {
        self.with_value(name, HeaderValue::from_static(value))
    }
    fn with_value(self, name: header::HeaderName, value: HeaderValue) -> Self;
}

impl With for Reply {
    fn with_value(mut self, name: header::HeaderName, value: HeaderValue) -> Reply {
        self.headers_mut().insert(name, value);
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
    fn a_feed_page_is_the_listing_in_its_folder() {
        assert_eq!(feed_page_key("world/rss.xml"), "world/index.html");
        assert_eq!(feed_page_key("tags/x/feed.json"), "tags/x/index.html");
        assert_eq!(feed_page_key("atom.xml"), "index.html");
    }

    #[test]
    fn a_copy_as_new_as_the_file_is_not_modified() {
        let modified = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let now = modified + Duration::from_secs(3600);
        assert!(not_modified(
            &since(modified),
            &Validators::of("h", modified),
            modified,
            now
        ));
        let before = modified - Duration::from_secs(1);
        assert!(!not_modified(
            &since(before),
            &Validators::of("h", modified),
            modified,
            now
        ));
    }

    #[test]
    fn an_if_modified_since_later_than_now_is_ignored() {
        let modified = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let now = modified + Duration::from_secs(60);
        let future = now + Duration::from_secs(1);
        assert!(!not_modified(
            &since(future),
            &Validators::of("h", modified),
            modified,
            now
        ));
        assert!(not_modified(
            &since(now),
            &Validators::of("h", modified),
            modified,
            now
        ));
    }
}
