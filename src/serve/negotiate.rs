//! Content negotiation, from the request's headers alone: whether a browser is asking
//! (it gets a feed's page, or the feed shown as text), and which codings the client takes.

use axum::http::{HeaderMap, header};

use super::asset::Coding;

/// True when the parameters of one `Accept` or `Accept-Encoding` element (after its name)
/// refuse it: `q=0`.
fn refuses<'a>(mut params: impl Iterator<Item = &'a str>) -> bool {
    params.any(|p| {
        p.strip_prefix("q=")
            .and_then(|q| q.parse::<f32>().ok())
            .is_some_and(|q| q <= 0.0)
    })
}

/// The request's `Accept`, lowercased (every `Accept` line, joined).
fn accept(headers: &HeaderMap) -> String {
    let lines: Vec<&str> = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    lines.join(",").to_ascii_lowercase()
}

/// True when the client names a feed type: a feed reader, whatever else it accepts.
fn names_a_feed_type(accept: &str) -> bool {
    ["rss+xml", "atom+xml", "feed+json", "application/json"]
        .iter()
        .any(|t| accept.contains(t))
}

/// True for a browser: it asks for HTML and does not name a feed type.
pub(super) fn wants_page(headers: &HeaderMap) -> bool {
    let accept = accept(headers);
    accept.contains("text/html") && !names_a_feed_type(&accept)
}

/// True for a browser navigating to a feed: the first type it accepts is HTML
/// (`text/html` or `application/xhtml+xml`, not refused with `q=0`), and it names no feed
/// type. Feed readers name a feed type or `*/*`, or put XML first.
pub(super) fn prefers_page(headers: &HeaderMap) -> bool {
    let accept = accept(headers);
    let first = accept.split(',').next().unwrap_or_default();
    let mut fields = first.split(';').map(str::trim);
    let media = fields.next().unwrap_or_default();
    let refused = refuses(fields);
    matches!(media, "text/html" | "application/xhtml+xml")
        && !refused
        && !names_a_feed_type(&accept)
}

/// Codings the client accepts (`q=0` refuses one).
pub(super) fn accepted_codings(headers: &HeaderMap) -> Vec<Coding> {
    let mut out = Vec::new();
    for value in headers.get_all(header::ACCEPT_ENCODING).iter() {
        let Ok(value) = value.to_str() else { continue };
        for part in value.split(',') {
            let mut fields = part.split(';').map(str::trim);
            let name = fields.next().unwrap_or_default().to_ascii_lowercase();
            let refused = refuses(fields);
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

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn accepting(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn browsers_navigating_prefer_the_page_and_feed_readers_the_feed() {
        let firefox = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        let chromium = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,\
                        image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7";
        let safari = "application/xhtml+xml,text/html;q=0.9,*/*;q=0.8";
        for browser in [firefox, chromium, safari] {
            assert!(prefers_page(&accepting(browser)), "{browser}");
        }
        for reader in [
            "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.8",
            "application/atom+xml,application/rss+xml;q=0.9,text/html;q=0.1",
            "text/html, application/rss+xml",
            "application/feed+json, application/json;q=0.9",
            "*/*",
            "application/xml, text/html",
            "text/html;q=0, */*",
        ] {
            assert!(!prefers_page(&accepting(reader)), "{reader}");
        }
        assert!(!prefers_page(&HeaderMap::new()));
    }

    #[test]
    fn codings_refused_with_q_zero_or_unknown_are_not_offered() {
        let mut headers = HeaderMap::new();
        let value = HeaderValue::from_static("gzip;q=0, br;q=0.5, zstd, x-gzip");
        headers.insert(header::ACCEPT_ENCODING, value);
        assert_eq!(accepted_codings(&headers), [Coding::Brotli, Coding::Gzip]);
        assert!(accepted_codings(&HeaderMap::new()).is_empty());
    }
}
