//! `feedfold serve` as subscribers meet it: a real process, a real HTTP client, and a
//! WebSub hub stub that records the pings.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use crate::daemon_support::{Daemon, wait_for};
use crate::support::free_port;
use crate::support::{BASE_URL, Site};

fn article(title: &str) -> String {
    format!("{title}\nA first paragraph that says what happened.\nA second paragraph.\n")
}

/// GET with an optional `If-None-Match`; returns status, ETag and body.
fn fetch(url: &str, etag: Option<&str>) -> (u16, String, String) {
    let mut request = ureq::get(url);
    if let Some(tag) = etag {
        request = request.header("If-None-Match", tag);
    }
    let mut response = request.call().unwrap();
    let status = response.status().as_u16();
    let tag = response
        .headers()
        .get("etag")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = response.body_mut().read_to_string().unwrap_or_default();
    (status, tag, body)
}

#[test]
fn a_new_article_appears_with_a_new_etag_and_the_old_etag_then_gets_200() {
    let site = Site::new();
    site.write("world/first.txt", article("First report from the coast"));
    let port = free_port();
    site.append_config(&format!("[serve]\nlisten = \"127.0.0.1:{port}\"\n"));
    let daemon = Daemon::start_command(&site, "serve", &[]);
    let url = format!("http://127.0.0.1:{port}/world/rss.xml");
    let (status, old_tag, body) = fetch(&url, None);
    assert_eq!(status, 200);
    assert!(body.contains("First report from the coast"));
    assert_eq!(fetch(&url, Some(&old_tag)).0, 304);

    site.write("world/second.txt", article("Second report from the hills"));
    wait_for("the new article to be served", || {
        fetch(&url, None).2.contains("Second report from the hills")
    });
    let (_, new_tag, _) = fetch(&url, None);
    assert_ne!(new_tag, old_tag);
    let (status, _, body) = fetch(&url, Some(&old_tag));
    assert_eq!(status, 200);
    assert!(body.contains("Second report from the hills"));
    assert_eq!(fetch(&url, Some(&new_tag)).0, 304);

    let page = format!("http://127.0.0.1:{port}/world/second-report-from-the-hills/");
    let (status, _, html) = fetch(&page, None);
    assert_eq!(status, 200);
    assert!(html.contains("<h1>Second report from the hills</h1>"));
    assert_eq!(daemon.stop(), 0);
}

/// A hub that records each ping's form body; answers 503 to the first `failures` pings.
fn hub_stub(failures: usize) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hub", listener.local_addr().unwrap());
    let pings = Arc::new(Mutex::new(Vec::new()));
    let seen = pings.clone();
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
            let mut stream = stream.unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap();
                }
                if line == "\r\n" || line.is_empty() {
                    break;
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let status = if n < failures {
                "503 Unavailable"
            } else {
                "204 No Content"
            };
            if n >= failures {
                seen.lock().unwrap().push(String::from_utf8(body).unwrap());
            }
            let reply =
                format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            stream.write_all(reply.as_bytes()).unwrap();
        }
    });
    (url, pings)
}

fn pinged(pings: &Mutex<Vec<String>>, feed: &str) -> bool {
    let expected = format!(
        "hub.url={}",
        url::form_urlencoded::byte_serialize(format!("{BASE_URL}/{feed}").as_bytes())
            .collect::<String>()
    );
    pings
        .lock()
        .unwrap()
        .iter()
        .any(|b| b.contains("hub.mode=publish") && b.contains(&expected))
}

#[test]
fn hubs_are_announced_in_every_format_and_pinged_after_a_publish() {
    let site = Site::new();
    let (hub, pings) = hub_stub(0);
    site.append_config(&format!("[websub]\nhubs = [\"{hub}\"]\n"));
    site.write("world/first.txt", article("Hub test"));
    let daemon = Daemon::start(&site);
    assert!(
        site.published("world/rss.xml")
            .contains(&format!("<atom:link href=\"{hub}\" rel=\"hub\"/>"))
    );
    assert!(
        site.published("world/atom.xml")
            .contains(&format!("<link href=\"{hub}\" rel=\"hub\"/>"))
    );
    assert!(
        site.published("world/feed.json")
            .contains("\"type\": \"WebSub\"")
    );
    site.write("world/second.txt", article("Hub test two"));
    wait_for(
        "the hub to hear of the channel feed in every format",
        || {
            ["world/rss.xml", "world/atom.xml", "world/feed.json"]
                .iter()
                .all(|feed| pinged(&pings, feed))
        },
    );
    assert_eq!(daemon.stop(), 0);
}

#[test]
fn a_failing_hub_is_retried_until_it_answers() {
    let site = Site::new();
    let (hub, pings) = hub_stub(2);
    site.append_config(&format!("[websub]\nhubs = [\"{hub}\"]\n"));
    site.append_config("[feed]\nformats = [\"rss\"]\n");
    let daemon = Daemon::start(&site);
    site.write("world/first.txt", article("Retry test"));
    wait_for("a retried ping to land", || pinged(&pings, "world/rss.xml"));
    assert!(daemon.log().contains("WebSub ping failed; will retry"));
    assert_eq!(daemon.stop(), 0);
}
