//! The HTTP side of `feedfold serve`, in process: every header rule through the router
//! (`oneshot`), and path traversal attempts sent as raw bytes to a real listener.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::body::{Body, to_bytes};
use axum::http::{Request, Response, StatusCode};
use feedfold::config::ServeSettings;
use feedfold::daemon::published_site;
use feedfold::serve;
use tower::ServiceExt;

use crate::support::Site;

const ARABIC: &str = "ارتفاع منسوب النهر بعد الأمطار الغزيرة\n\
    قالت السلطات المحلية إن منسوب النهر ارتفع مترين خلال يومين، ودعت السكان إلى الحذر.\n\
    وأغلقت فرق الدفاع المدني الطرق القريبة من الضفاف، وفتحت مراكز إيواء مؤقتة.\n\
    توقعات الطقس\n\
    وتتوقع الأرصاد هطول أمطار أخف في نهاية الأسبوع.\n";

/// A built site with an Arabic and an English article.
fn built() -> Site {
    let site = Site::new();
    site.write("world/river.txt", ARABIC);
    site.write(
        "tech/rust.md",
        "---\ntitle: Rust at the desk\ndate: 2024-12-01T08:00:00Z\n---\nWhy the newsroom moved.\n",
    );
    site.build();
    site
}

fn router(site: &Site) -> axum::Router {
    serve::router(Arc::new(published_site(&site.config())))
}

fn send(app: &axum::Router, request: Request<Body>) -> (Response<Body>, Vec<u8>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(async {
        let response = app.clone().oneshot(request).await.unwrap();
        let (parts, body) = response.into_parts();
        let bytes = to_bytes(body, usize::MAX).await.unwrap().to_vec();
        (Response::from_parts(parts, Body::empty()), bytes)
    })
}

fn get(app: &axum::Router, path: &str, headers: &[(&str, &str)]) -> (Response<Body>, Vec<u8>) {
    let mut request = Request::get(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    send(app, request.body(Body::empty()).unwrap())
}

fn header<'a>(response: &'a Response<Body>, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or("")
}

#[test]
fn each_kind_of_file_is_served_with_its_media_type_and_charset() {
    let site = built();
    let app = router(&site);
    for (path, media) in [
        ("/world/rss.xml", "application/rss+xml; charset=utf-8"),
        ("/world/atom.xml", "application/atom+xml; charset=utf-8"),
        ("/world/feed.json", "application/feed+json; charset=utf-8"),
        ("/feeds.opml", "text/x-opml; charset=utf-8"),
        ("/", "text/html; charset=utf-8"),
        ("/world/", "text/html; charset=utf-8"),
    ] {
        let (r, body) = get(&app, path, &[]);
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert_eq!(header(&r, "content-type"), media, "{path}");
        assert_eq!(
            header(&r, "content-length"),
            body.len().to_string(),
            "{path}"
        );
    }
}

#[test]
fn a_client_holding_the_current_etag_gets_304_with_an_empty_body() {
    let site = built();
    let app = router(&site);
    let (first, body) = get(&app, "/rss.xml", &[]);
    let etag = header(&first, "etag").to_string();
    assert!(
        etag.starts_with('"') && etag.ends_with('"'),
        "strong tag: {etag}"
    );
    assert_eq!(body, site.published("rss.xml").as_bytes());
    let weak = format!("W/{etag}");
    let listed = format!("\"other\", {etag}");
    for tag in [etag.as_str(), weak.as_str(), listed.as_str(), "*"] {
        let (r, body) = get(&app, "/rss.xml", &[("if-none-match", tag)]);
        assert_eq!(r.status(), StatusCode::NOT_MODIFIED, "{tag}");
        assert!(body.is_empty());
        assert_eq!(header(&r, "etag"), etag);
    }
    let (r, body) = get(&app, "/rss.xml", &[("if-none-match", "\"stale\"")]);
    assert_eq!(r.status(), StatusCode::OK);
    assert!(!body.is_empty());
}

#[test]
fn if_modified_since_answers_304_from_the_publish_time_unless_an_etag_is_sent() {
    let site = built();
    let app = router(&site);
    let (first, _) = get(&app, "/world/atom.xml", &[]);
    let modified = header(&first, "last-modified").to_string();
    let (r, _) = get(&app, "/world/atom.xml", &[("if-modified-since", &modified)]);
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    let earlier = "Mon, 01 Jan 2001 00:00:00 GMT";
    let (r, _) = get(&app, "/world/atom.xml", &[("if-modified-since", earlier)]);
    assert_eq!(r.status(), StatusCode::OK);
    let both = [
        ("if-modified-since", modified.as_str()),
        ("if-none-match", "\"stale\""),
    ];
    let (r, _) = get(&app, "/world/atom.xml", &both);
    assert_eq!(r.status(), StatusCode::OK, "If-None-Match takes precedence");
}

#[test]
fn an_if_modified_since_later_than_the_server_clock_is_ignored() {
    let site = built();
    let app = router(&site);
    let tomorrow = SystemTime::now() + Duration::from_secs(24 * 3600);
    let future = httpdate::fmt_http_date(tomorrow);
    let (r, body) = get(&app, "/world/atom.xml", &[("if-modified-since", &future)]);
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "a date after the clock is invalid"
    );
    assert!(!body.is_empty());
}

#[test]
fn gzip_and_brotli_carry_the_same_bytes_and_their_own_etags() {
    let site = built();
    let app = router(&site);
    let raw = site.published("world/rss.xml").into_bytes();
    let (plain, _) = get(&app, "/world/rss.xml", &[]);
    let (gz, gz_body) = get(&app, "/world/rss.xml", &[("accept-encoding", "gzip")]);
    assert_eq!(header(&gz, "content-encoding"), "gzip");
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&gz_body[..])
        .read_to_end(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, raw);
    let (br, br_body) = get(&app, "/world/rss.xml", &[("accept-encoding", "gzip, br")]);
    assert_eq!(header(&br, "content-encoding"), "br");
    let mut unbrotli = Vec::new();
    brotli::Decompressor::new(&br_body[..], 4096)
        .read_to_end(&mut unbrotli)
        .unwrap();
    assert_eq!(unbrotli, raw);
    let tags = [
        header(&plain, "etag"),
        header(&gz, "etag"),
        header(&br, "etag"),
    ];
    assert!(
        tags[0] != tags[1] && tags[1] != tags[2] && tags[0] != tags[2],
        "{tags:?}"
    );
    assert!(header(&gz, "vary").contains("Accept-Encoding"));
    let (refused, _) = get(
        &app,
        "/world/rss.xml",
        &[("accept-encoding", "br;q=0, gzip;q=0")],
    );
    assert_eq!(header(&refused, "content-encoding"), "");
}

#[test]
fn cache_control_follows_the_feed_ttl() {
    let site = built();
    site.append_config("[feed]\nttl_minutes = 15\n");
    site.build();
    let app = router(&site);
    let (r, _) = get(&app, "/atom.xml", &[]);
    assert_eq!(header(&r, "cache-control"), "public, max-age=900");
}

#[test]
fn head_sends_the_headers_of_get_and_no_body() {
    let site = built();
    let app = router(&site);
    let (got, body) = get(&app, "/feed.json", &[]);
    let request = Request::head("/feed.json").body(Body::empty()).unwrap();
    let (head, head_body) = send(&app, request);
    assert_eq!(head.status(), StatusCode::OK);
    assert!(head_body.is_empty());
    assert_eq!(header(&head, "etag"), header(&got, "etag"));
    assert_eq!(header(&head, "content-length"), body.len().to_string());
}

#[test]
fn only_get_and_head_are_allowed() {
    let site = built();
    let app = router(&site);
    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
        let request = Request::builder()
            .method(method)
            .uri("/rss.xml")
            .body(Body::empty())
            .unwrap();
        let (r, _) = send(&app, request);
        assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED, "{method}");
        assert_eq!(header(&r, "allow"), "GET, HEAD");
    }
}

#[test]
fn folders_are_never_listed() {
    let site = built();
    let app = router(&site);
    let (r, _) = get(&app, "/tags/", &[]);
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let (r, _) = get(&app, "/world", &[]);
    assert_eq!(r.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(header(&r, "location"), "/world/");
}

#[test]
fn every_item_link_in_a_feed_is_an_article_page_in_the_article_direction() {
    let site = built();
    let app = router(&site);
    let feed = crate::support::rss(&site, "rss.xml");
    assert_eq!(feed.entries.len(), 2);
    for entry in &feed.entries {
        let link = &entry.links[0].href;
        let path = link.strip_prefix(crate::support::BASE_URL).unwrap();
        let (r, body) = get(&app, path, &[]);
        assert_eq!(r.status(), StatusCode::OK, "{link}");
        let html = String::from_utf8(body).unwrap();
        let title = entry.title.as_ref().unwrap().content.clone();
        assert!(html.contains(&format!("<h1>{title}</h1>")), "{html}");
        if title.contains("النهر") {
            assert!(html.contains("<html lang=\"ar\" dir=\"rtl\">"));
            assert!(html.contains("rel=\"alternate\" type=\"application/rss+xml\""));
            assert!(html.contains("/world/rss.xml"));
        } else {
            assert!(html.contains("<html lang=\"en\" dir=\"ltr\">"));
        }
        assert!(header(&r, "content-security-policy").contains("default-src 'none'"));
    }
}

#[test]
fn the_home_page_announces_every_feed_and_lists_recent_articles() {
    let site = built();
    let app = router(&site);
    let (_, body) = get(&app, "/", &[]);
    let html = String::from_utf8(body).unwrap();
    for feed in [
        "/rss.xml",
        "/world/rss.xml",
        "/tech/atom.xml",
        "/world/feed.json",
    ] {
        assert!(
            html.contains(&format!("{}{feed}\"", crate::support::BASE_URL)),
            "{feed}"
        );
    }
    assert!(html.contains("ارتفاع منسوب النهر"));
    assert!(html.contains("Rust at the desk"));
}

const BROWSER: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

#[test]
fn a_browser_asking_for_a_feed_gets_its_page_and_readers_get_the_feed() {
    let site = built();
    let app = router(&site);
    for (feed, folder) in [
        ("/world/rss.xml", "/world/"),
        ("/world/atom.xml", "/world/"),
        ("/world/feed.json", "/world/"),
        ("/rss.xml", "/"),
    ] {
        let (page, page_body) = get(&app, folder, &[]);
        let (r, body) = get(&app, feed, &[("accept", BROWSER)]);
        assert_eq!(r.status(), StatusCode::OK, "{feed}");
        assert_eq!(header(&r, "content-type"), "text/html; charset=utf-8");
        assert_eq!(body, page_body, "{feed} shows the page of {folder}");
        assert_eq!(header(&r, "etag"), header(&page, "etag"), "{feed}");
        assert_eq!(header(&r, "vary"), "Accept, Accept-Encoding", "{feed}");
        assert_eq!(header(&r, "content-location"), folder, "{feed}");
        assert!(header(&r, "content-security-policy").contains("default-src 'none'"));
        // The page's own validators hold at the feed's address too.
        let tag = header(&r, "etag").to_string();
        let headers = [("accept", BROWSER), ("if-none-match", tag.as_str())];
        assert_eq!(
            get(&app, feed, &headers).0.status(),
            StatusCode::NOT_MODIFIED
        );
    }
    // Readers keep getting the feed, whatever else they accept.
    for reader in [
        "application/rss+xml, application/atom+xml, */*;q=0.1",
        "text/html, application/rss+xml",
        "*/*",
    ] {
        let (r, body) = get(&app, "/world/rss.xml", &[("accept", reader)]);
        assert_eq!(
            header(&r, "content-type"),
            "application/rss+xml; charset=utf-8",
            "{reader}"
        );
        assert!(String::from_utf8(body).unwrap().starts_with("<?xml"));
        assert!(header(&r, "vary").contains("Accept"));
    }
    let (r, _) = get(&app, "/world/rss.xml", &[]);
    assert_eq!(
        header(&r, "content-type"),
        "application/rss+xml; charset=utf-8"
    );
    let (r, _) = get(
        &app,
        "/world/feed.json",
        &[("accept", "application/feed+json")],
    );
    assert_eq!(
        header(&r, "content-type"),
        "application/feed+json; charset=utf-8"
    );
    // A client that takes HTML but not first gets XML, through the stylesheet.
    let (r, body) = get(
        &app,
        "/world/rss.xml",
        &[("accept", "application/xml, text/html")],
    );
    assert_eq!(header(&r, "content-type"), "application/xml; charset=utf-8");
    let text = String::from_utf8(body).unwrap();
    assert!(text.contains("<?xml-stylesheet type=\"text/xsl\" href=\"../feed.xsl\"?>"));
    let (xsl, _) = get(&app, "/feed.xsl", &[]);
    assert_eq!(xsl.status(), StatusCode::OK);
}

#[test]
fn a_missing_path_gets_the_sites_not_found_page_in_its_language() {
    let site = Site::with_config(
        "[site]\ntitle = \"أخبار الاختبار\"\nbase_url = \"https://news.example.org\"\n\
         language = \"ar\"\n",
    );
    site.write("world/river.txt", ARABIC);
    site.build();
    let served = published_site(&site.config());
    served.configure(&site.config());
    let app = serve::router(Arc::new(served));
    for path in ["/missing", "/world/no-such-article/", "/world/rss.json"] {
        let (r, body) = get(&app, path, &[]);
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(header(&r, "content-type"), "text/html; charset=utf-8");
        assert!(header(&r, "content-security-policy").contains("default-src 'none'"));
        assert_eq!(header(&r, "x-content-type-options"), "nosniff");
        let html = String::from_utf8(body).unwrap();
        assert!(html.contains("<html lang=\"ar\" dir=\"rtl\">"), "{html}");
        assert!(html.contains("الصفحة غير موجودة"), "{html}");
        assert!(html.contains("أخبار الاختبار"), "the site's title: {html}");
        assert!(
            html.contains("href=\"https://news.example.org/\""),
            "{html}"
        );
    }
    // HEAD: the same status and headers, no body.
    let (r, body) = send(&app, Request::head("/missing").body(Body::empty()).unwrap());
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(body.is_empty());
}

#[test]
fn until_the_first_publish_readyz_and_missing_files_answer_503_with_retry_after() {
    let site = built();
    let served = Arc::new(published_site(&site.config()));
    served.configure(&site.config());
    served.set_ready(false);
    let app = serve::router(served.clone());
    let (r, body) = get(&app, "/readyz", &[]);
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(header(&r, "retry-after"), "5");
    let ready: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(ready["ready"], false);
    let (r, body) = get(&app, "/healthz", &[]);
    assert_eq!(r.status(), StatusCode::OK);
    let health: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(health["ready"], false, "{health}");
    for path in ["/missing", "/world/not-yet/", "/tags/new/rss.xml"] {
        let (r, _) = get(&app, path, &[]);
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert_eq!(header(&r, "retry-after"), "5", "{path}");
        assert_eq!(header(&r, "cache-control"), "no-store", "{path}");
    }
    // What a previous run published is served meanwhile.
    assert_eq!(get(&app, "/world/rss.xml", &[]).0.status(), StatusCode::OK);
    let (_, text) = get(&app, "/metrics", &[]);
    assert!(
        String::from_utf8(text)
            .unwrap()
            .contains("feedfold_ready 0")
    );

    served.set_ready(true);
    let (r, _) = get(&app, "/readyz", &[]);
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(get(&app, "/missing", &[]).0.status(), StatusCode::NOT_FOUND);
    let (_, text) = get(&app, "/metrics", &[]);
    assert!(
        String::from_utf8(text)
            .unwrap()
            .contains("feedfold_ready 1")
    );
}

#[test]
fn health_readiness_and_metrics_carry_the_security_headers() {
    let site = built();
    let app = router(&site);
    for path in ["/healthz", "/readyz", "/metrics"] {
        let (r, _) = get(&app, path, &[]);
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert_eq!(header(&r, "x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header(&r, "cache-control"), "no-store", "{path}");
        assert!(
            header(&r, "content-security-policy").contains("default-src 'none'"),
            "{path}"
        );
    }
    // Errors and redirects too.
    for (path, status) in [
        ("/world", StatusCode::PERMANENT_REDIRECT),
        ("/%zz", StatusCode::BAD_REQUEST),
        ("/missing", StatusCode::NOT_FOUND),
    ] {
        let (r, _) = get(&app, path, &[]);
        assert_eq!(r.status(), status, "{path}");
        assert_eq!(header(&r, "x-content-type-options"), "nosniff", "{path}");
    }
}

#[test]
fn healthz_and_metrics_report_articles_and_requests() {
    let site = built();
    let app = router(&site);
    let (r, body) = get(&app, "/healthz", &[]);
    assert_eq!(r.status(), StatusCode::OK);
    let health: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert!(health["last_publish"].is_string(), "{health}");
    get(&app, "/missing", &[]);
    let (_, body) = get(&app, "/metrics", &[]);
    let text = String::from_utf8(body).unwrap();
    assert!(
        text.contains("feedfold_http_requests_total{status=\"404\"} 1"),
        "{text}"
    );
    assert!(text.contains("# TYPE feedfold_publishes_total counter"));
}

/// Traversal vectors: every way to spell "go up" or "look elsewhere" we know of.
fn traversal_vectors() -> Vec<String> {
    let ups = [
        "../",
        "..%2f",
        "..%2F",
        "%2e%2e/",
        "%2e%2e%2f",
        "%2E%2E%2F",
        ".%2e/",
        "%2e./",
        "%252e%252e%252f",
        "%252e%252e/",
        "..%5c",
        "..\\",
        "%2e%2e%5c",
        "%c0%ae%c0%ae/",
        "..%c0%af",
        "%c0%ae%c0%ae%c0%af",
        "%e0%80%ae%e0%80%ae/",
        "..%00/",
        "..;/",
        "....//",
        "%uff0e%uff0e/",
        "..%255c",
        "..%u2215",
    ];
    let targets = [
        "secret.txt",
        ".feedfold/index.sqlite",
        "config.toml",
        "etc/passwd",
    ];
    let mut out = Vec::new();
    for up in ups {
        for (i, target) in targets.iter().enumerate() {
            let depth = 1 + i % 3;
            out.push(format!("/{}{target}", up.repeat(depth)));
            out.push(format!("/world/{}{target}", up.repeat(depth + 1)));
        }
    }
    for extra in [
        "/link-to-secret",
        "/world/link-dir/secret.txt",
        "/stray.txt",
        "/.rss.xml.tmp-99",
        "/world/.rss.xml.tmp-1",
        "/%2e%2e",
        "/%2fetc%2fpasswd",
        "//etc/passwd",
        "/./secret.txt",
        "/world/%00rss.xml",
        "/rss.xml%00.html",
        "/%00",
        "/\\secret.txt",
        "/world\\..\\..\\secret.txt",
        "http://127.0.0.1/../secret.txt",
        "/world/./../../secret.txt",
        "/%ef%bc%8e%ef%bc%8e/secret.txt",
        "/.feedfold/index.sqlite",
        "/../../../../../../etc/passwd",
        "/world/..",
        "/world/.",
    ] {
        out.push(extra.to_string());
    }
    out
}

/// Sends `path` exactly as given in a request line; returns the whole raw response.
fn raw_request(addr: std::net::SocketAddr, path: &str) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    response
}

#[test]
fn no_traversal_vector_reaches_a_byte_outside_the_published_set() {
    let site = built();
    let canary = "CANARY-7f3a9e-do-not-serve";
    let root = site.root();
    std::fs::write(root.join("secret.txt"), canary).unwrap();
    std::fs::write(root.join("public/stray.txt"), canary).unwrap();
    std::fs::write(root.join("public/.rss.xml.tmp-99"), canary).unwrap();
    std::os::unix::fs::symlink(root.join("secret.txt"), root.join("public/link-to-secret"))
        .unwrap();
    std::os::unix::fs::symlink(root, root.join("public/world/link-dir")).unwrap();
    let served = Arc::new(published_site(&site.config()));
    let settings = ServeSettings {
        listen: "127.0.0.1:0".into(),
        ..ServeSettings::default()
    };
    let server = serve::start(&settings, served).unwrap();
    let vectors = traversal_vectors();
    assert!(vectors.len() >= 100, "{} vectors", vectors.len());
    for path in &vectors {
        let response = raw_request(server.addr, path);
        let text = String::from_utf8_lossy(&response);
        let status = text.split(' ').nth(1).unwrap_or("");
        assert!(["400", "404"].contains(&status), "{path} answered {status}");
        assert!(!text.contains(canary), "{path} leaked the canary");
    }
    let ok = raw_request(server.addr, "/rss.xml");
    assert!(String::from_utf8_lossy(&ok).starts_with("HTTP/1.1 200"));
    server.stop();
}

#[test]
fn a_page_folder_replaced_by_a_link_to_an_outside_folder_is_not_served() {
    let site = built();
    let canary = "CANARY-page-folder-outside";
    let app = router(&site);
    let feed = crate::support::rss(&site, "tech/rss.xml");
    let link = &feed.entries[0].links[0].href;
    let path = link.strip_prefix(crate::support::BASE_URL).unwrap();
    assert_eq!(get(&app, path, &[]).0.status(), StatusCode::OK, "{path}");
    let outside = site.root().join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("index.html"), canary).unwrap();
    let folder = site.root().join("public").join(path.trim_matches('/'));
    std::fs::rename(&folder, site.root().join("moved-away")).unwrap();
    std::os::unix::fs::symlink(&outside, &folder).unwrap();
    let (r, body) = get(&app, path, &[]);
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
    assert!(!String::from_utf8_lossy(&body).contains(canary), "leaked");
}

#[test]
fn a_client_that_trickles_its_headers_is_disconnected_at_the_header_timeout() {
    let site = built();
    let served = Arc::new(published_site(&site.config()));
    let settings = ServeSettings {
        listen: "127.0.0.1:0".into(),
        header_timeout_secs: 1,
        ..ServeSettings::default()
    };
    let server = serve::start(&settings, served).unwrap();
    let mut slow = TcpStream::connect(server.addr).unwrap();
    slow.write_all(b"GET /rss.xml HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let started = std::time::Instant::now();
    let mut closed = false;
    while started.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(200));
        // Keep trickling, as slowloris does; a write or read fails once the server closed.
        if slow.write_all(b"X-a: b\r\n").is_err() {
            closed = true;
            break;
        }
        slow.set_read_timeout(Some(Duration::from_millis(1)))
            .unwrap();
        let mut buf = [0u8; 512];
        if let Ok(n) = slow.read(&mut buf) {
            closed = true;
            assert!(
                n == 0 || String::from_utf8_lossy(&buf[..n]).contains("408"),
                "closed"
            );
            break;
        }
    }
    assert!(closed, "the trickling client was never disconnected");
    let ok = raw_request(server.addr, "/rss.xml");
    assert!(String::from_utf8_lossy(&ok).starts_with("HTTP/1.1 200"));
    server.stop();
}
