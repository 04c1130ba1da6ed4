//! `feedfold serve --preview`, from the real binary over HTTP: links at the listen address,
//! a folder and an index of its own, drafts and scheduled stories shown and marked,
//! `noindex`, and pages that learn of every publish; the real site is left alone.

use std::fs;
use std::process::{Child, Command, Output, Stdio};

use crate::daemon_support::{http_get, wait_for};
use crate::support::{Site, free_port};

/// A running `feedfold serve --preview` and where it listens.
struct Preview {
    child: Child,
    base: String,
}

impl Preview {
    fn start(site: &Site) -> Preview {
        let port = free_port();
        let log = site.root().join("preview.log");
        let child = Command::new(env!("CARGO_BIN_EXE_feedfold"))
            .args([
                "serve",
                "--preview",
                "--listen",
                &format!("127.0.0.1:{port}"),
            ])
            .arg("--config")
            .arg(site.config_path())
            .stdout(Stdio::null())
            .stderr(fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        wait_for("the preview's first publish", || {
            fs::read_to_string(&log).is_ok_and(|l| l.contains("watching"))
        });
        Preview {
            child,
            base: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Preview {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn get(url: &str) -> (u16, Vec<(String, String)>, String) {
    http_get(url, &[])
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn newsroom() -> Site {
    let site = Site::new();
    site.write(
        "news/live.md",
        "---\ntitle: \"Harbour reopens\"\ndate: 2024-03-01T08:00:00Z\n---\nShips are back.\n",
    );
    site.write(
        "news/draft.md",
        "---\ntitle: \"Half-written profile\"\ndraft: true\n---\nStill at the desk.\n",
    );
    site.write(
        "news/embargo.md",
        "---\ntitle: \"Budget under embargo\"\ndate: 2031-01-05T09:00:00Z\n---\nNot before then.\n",
    );
    site
}

#[test]
fn a_preview_shows_drafts_and_scheduled_stories_marked_with_links_at_its_own_address() {
    let site = newsroom();
    let preview = Preview::start(&site);
    let (status, headers, home) = get(&format!("{}/", preview.base));
    assert_eq!(status, 200);
    assert!(home.contains("[Draft] Half-written profile"), "{home}");
    assert!(home.contains("[Scheduled: 2031-01-05 12:00] Budget under embargo"));
    // (The moment in the site time zone, Asia/Riyadh.)
    assert!(home.contains("Harbour reopens"));
    // Every link stays in the preview: none leaves for `site.base_url`.
    assert!(home.contains(&format!("href=\"{}/news/", preview.base)));
    assert!(!home.contains("https://news.example.org"), "{home}");
    assert_eq!(header(&headers, "x-robots-tag"), Some("noindex"));
    assert!(home.contains("<meta name=\"robots\" content=\"noindex\">"));
    assert!(home.contains("<script src=\"/_/preview.js\" defer></script>"));
    let policy = header(&headers, "content-security-policy").unwrap();
    assert!(policy.contains("script-src 'self'"), "{policy}");
    let rss = get(&format!("{}/news/rss.xml", preview.base)).2;
    assert!(rss.contains("[Draft] Half-written profile"));
    assert!(rss.contains(&format!("<link>{}/news/", preview.base)));
    // The real site is untouched: no publish folder, no real index, nothing mirrored.
    assert!(!site.root().join("public").exists());
    assert!(!site.root().join(".feedfold/index.sqlite").exists());
    assert!(
        site.root()
            .join(".feedfold/preview/public/index.html")
            .exists()
    );
}

#[test]
fn a_preview_page_learns_of_every_publish_through_its_reload_script() {
    let site = newsroom();
    let preview = Preview::start(&site);
    let (status, headers, script) = get(&format!("{}/_/preview.js", preview.base));
    assert_eq!(status, 200);
    assert!(
        header(&headers, "content-type")
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(script.contains("location.reload()"));
    let version = || get(&format!("{}/_/preview-version", preview.base)).2;
    let before = version();
    site.write(
        "news/draft.md",
        "---\ntitle: \"Profile, nearly done\"\ndraft: true\n---\nAt the desk.\n",
    );
    wait_for("the counter to move", || version() != before);
    let home = get(&format!("{}/", preview.base)).2;
    assert!(home.contains("[Draft] Profile, nearly done"), "{home}");
}

#[test]
fn the_real_site_has_no_script_no_marks_and_no_drafts() {
    let site = newsroom();
    site.build();
    let home = site.published("index.html");
    assert!(home.contains("Harbour reopens"));
    assert!(!home.contains("Half-written") && !home.contains("Budget under embargo"));
    assert!(!home.contains("<script") && !home.contains("noindex"));
    assert!(!site.is_published("_/preview.js"));
}

fn serve_preview(site: &Site, listen: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_feedfold"))
        .args(["serve", "--preview", "--listen", listen, "--config"])
        .arg(site.config_path())
        .output()
        .unwrap()
}

#[test]
fn a_preview_refuses_to_listen_beyond_loopback_and_creates_nothing() {
    let site = newsroom();
    let out = serve_preview(&site, "0.0.0.0:18931");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("serve.listen") && err.contains("loopback only"),
        "{err}"
    );
    assert!(!site.root().join(".feedfold").exists());
    assert!(!site.root().join("public").exists());
}
