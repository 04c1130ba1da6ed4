//! Publishing to an S3-compatible bucket, against a real S3-API server on loopback (moto's
//! server mode). Without `moto_server` on PATH these tests say so loudly and pass, unless
//! `FEEDFOLD_REQUIRE_S3` is set (as `.ci/run` does), where they fail instead.

use std::collections::BTreeSet;
use std::net::TcpListener;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::daemon_support::{Daemon, wait_for};
use crate::support::{Site, files_under};

const CREDENTIALS: [(&str, &str); 3] = [
    ("AWS_ACCESS_KEY_ID", "test"),
    ("AWS_SECRET_ACCESS_KEY", "test"),
    ("AWS_REGION", "us-east-1"),
];

/// A moto server on a port of its own.
struct Moto {
    child: Option<Child>,
    port: u16,
}

impl Moto {
    fn start() -> Option<Moto> {
        let found = Command::new("moto_server")
            .arg("--help")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok();
        if !found {
            assert!(
                std::env::var_os("FEEDFOLD_REQUIRE_S3").is_none(),
                "FEEDFOLD_REQUIRE_S3 is set but moto_server is not installed"
            );
            eprintln!(
                "\n*** SKIPPED: moto_server not found (pip install \"moto[server]\"); S3 tests did not run ***\n"
            );
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let mut moto = Moto { child: None, port };
        moto.resume();
        Some(moto)
    }

    /// Starts (again) on the same port: a fresh, empty server.
    fn resume(&mut self) {
        let child = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &self.port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        self.child = Some(child);
        wait_for("moto to listen", || ureq::get(&self.url("")).call().is_ok());
    }

    fn halt(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}/{path}", self.port)
    }

    /// Creates a bucket that anyone may read, as a CDN origin is (the README's policy).
    fn create_bucket(&self, bucket: &str) {
        ureq::put(&self.url(bucket)).send_empty().unwrap();
        let policy = format!(
            "{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Sid\":\"PublicRead\",\"Effect\":\"Allow\",\
             \"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::{bucket}/*\"}}]}}"
        );
        ureq::put(&self.url(&format!("{bucket}?policy")))
            .header("Content-Type", "application/json")
            .send(policy.as_bytes())
            .unwrap();
    }

    /// Status, content type, cache control and body of an object, by plain HTTP.
    fn object(&self, bucket: &str, key: &str) -> (u16, String, String, Vec<u8>) {
        let url = self.url(&format!("{bucket}/{}", feedfold::feed::encode_path(key)));
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut r = agent.get(&url).call().unwrap();
        let header = |name: &str| {
            r.headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_string())
                .unwrap_or_default()
        };
        let (ct, cc) = (header("content-type"), header("cache-control"));
        (
            r.status().as_u16(),
            ct,
            cc,
            r.body_mut().read_to_vec().unwrap_or_default(),
        )
    }

    /// Every key in the bucket.
    fn keys(&self, bucket: &str) -> BTreeSet<String> {
        let text = ureq::get(&self.url(&format!("{bucket}?list-type=2&max-keys=10000")))
            .call()
            .unwrap()
            .body_mut()
            .read_to_string()
            .unwrap();
        text.split("<Key>")
            .skip(1)
            .filter_map(|part| part.split("</Key>").next())
            .map(|k| k.replace("&amp;", "&"))
            .collect()
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        self.halt();
    }
}

fn with_bucket(moto: &Moto, bucket: &str) -> Site {
    moto.create_bucket(bucket);
    let site = Site::new();
    site.append_config(&format!(
        "[publish]\ntarget = \"s3\"\n[publish.s3]\nbucket = \"{bucket}\"\nprefix = \"site\"\n\
         endpoint = \"{}\"\nallow_http = true\nlease_seconds = 10\n",
        moto.url("").trim_end_matches('/')
    ));
    site
}

fn feedfold(site: &Site, command: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_feedfold"))
        .args([command, "--config"])
        .arg(site.config_path())
        .envs(CREDENTIALS)
        .output()
        .unwrap()
}

/// Keys of the local publish folder.
fn local_keys(site: &Site) -> BTreeSet<String> {
    let public = site.root().join("public");
    files_under(&public)
        .into_iter()
        .map(|p| {
            p.strip_prefix(&public)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|k| !k.starts_with(".tmp"))
        .collect()
}

fn prefixed(keys: &BTreeSet<String>) -> BTreeSet<String> {
    keys.iter().map(|k| format!("site/{k}")).collect()
}

fn uploaded_count(out: &Output) -> usize {
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.starts_with("mirrored to"))
        .unwrap_or_else(|| panic!("{text}"));
    line.split(": ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .unwrap()
        .parse()
        .unwrap()
}

fn article(title: &str) -> String {
    format!("{title}\nThe lede of the story, told in one sentence.\nA paragraph more.\n")
}

#[test]
fn a_build_uploads_every_published_file_with_its_type_and_cache_control() {
    let Some(moto) = Moto::start() else { return };
    let site = with_bucket(&moto, "news");
    site.write(
        "world/river.txt",
        "ارتفاع منسوب النهر\nقالت السلطات إن منسوب النهر ارتفع.\n",
    );
    site.write("tech/rust.txt", article("Rust at the desk"));
    let out = feedfold(&site, "build");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let local = local_keys(&site);
    assert_eq!(uploaded_count(&out), local.len());
    assert_eq!(moto.keys("news"), prefixed(&local));
    for key in &local {
        let (status, content_type, cache, body) = moto.object("news", &format!("site/{key}"));
        assert_eq!(status, 200, "{key}");
        assert_eq!(content_type, feedfold::layout::media_type(key), "{key}");
        let expected = if feedfold::layout::is_immutable(key) {
            feedfold::layout::IMMUTABLE_CACHE
        } else {
            "public, max-age=1800"
        };
        assert_eq!(cache, expected, "{key}");
        assert_eq!(
            body,
            std::fs::read(site.root().join("public").join(key)).unwrap(),
            "{key}"
        );
    }
    let check = feedfold(&site, "check");
    assert!(String::from_utf8_lossy(&check.stdout).contains("s3://news/site/ is reachable"));
}

#[test]
fn an_edit_uploads_only_what_changed_and_a_delete_removes_its_objects() {
    let Some(moto) = Moto::start() else { return };
    let site = with_bucket(&moto, "news");
    site.write("world/a.txt", article("First story"));
    site.write("world/b.txt", article("Second story"));
    site.write("tech/c.txt", article("Third story"));
    assert!(feedfold(&site, "build").status.success());
    let before = local_keys(&site);
    let mtimes = |s: &Site| -> Vec<(String, std::time::SystemTime)> {
        local_keys(s)
            .into_iter()
            .map(|k| {
                let m = std::fs::metadata(s.root().join("public").join(&k))
                    .unwrap()
                    .modified()
                    .unwrap();
                (k, m)
            })
            .collect()
    };
    let old = mtimes(&site);
    site.write("tech/c.txt", article("Third story, corrected"));
    let out = feedfold(&site, "build");
    let changed = mtimes(&site)
        .into_iter()
        .filter(|entry| !old.contains(entry))
        .count();
    assert_eq!(
        uploaded_count(&out),
        changed,
        "only files whose bytes changed are uploaded"
    );
    assert!(changed < before.len(), "{changed} of {}", before.len());
    let page = "site/world/second-story/index.html";
    assert!(moto.keys("news").contains(page));
    site.remove("world/b.txt");
    assert!(feedfold(&site, "build").status.success());
    // An object store cannot answer 410: the notice page replaces the article's.
    let (_, _, _, notice) = moto.object("news", page);
    let notice = String::from_utf8_lossy(&notice);
    assert!(
        notice.contains("removed") && !notice.contains("Second story"),
        "{notice}"
    );
    assert_eq!(moto.keys("news"), prefixed(&local_keys(&site)));
}

#[test]
fn the_bucket_converges_after_the_store_was_down_and_came_back_empty() {
    let Some(mut moto) = Moto::start() else {
        return;
    };
    let site = with_bucket(&moto, "news");
    site.write("world/a.txt", article("Before the outage"));
    let daemon = Daemon::start_command(&site, "watch", &CREDENTIALS);
    wait_for("the first upload", || {
        moto.keys("news").contains("site/rss.xml")
    });
    moto.halt();
    site.write("world/b.txt", article("During the outage"));
    wait_for("local publishing to go on", || {
        site.published("rss.xml").contains("During the outage")
    });
    wait_for("the outage to be logged", || {
        daemon.log().contains("object store unreachable")
    });
    moto.resume();
    moto.create_bucket("news");
    wait_for("the bucket to converge", || {
        let keys = moto.keys("news");
        let local = prefixed(&local_keys(&site));
        local.iter().all(|k| keys.contains(k))
            && keys
                .iter()
                .all(|k| local.contains(k) || k.ends_with("lease"))
    });
    let (_, _, _, feed) = moto.object("news", "site/rss.xml");
    assert!(String::from_utf8_lossy(&feed).contains("During the outage"));
    wait_for("the recovery to be logged", || {
        daemon.log().contains("reachable again")
    });
    assert_eq!(
        daemon.log().matches("object store unreachable").count(),
        1,
        "logged once"
    );
    assert_eq!(daemon.stop(), 0);
}

#[test]
fn of_two_daemons_on_one_prefix_exactly_one_publishes() {
    let Some(moto) = Moto::start() else { return };
    let first = with_bucket(&moto, "shared");
    first.write("world/a.txt", article("From the first newsroom"));
    let second = with_bucket(&moto, "shared");
    second.write("world/b.txt", article("From the second newsroom"));
    let one = Daemon::start_command(&first, "watch", &CREDENTIALS);
    wait_for("the first daemon's upload", || {
        moto.keys("shared")
            .contains("site/world/from-the-first-newsroom/index.html")
    });
    let two = Daemon::start_command(&second, "watch", &CREDENTIALS);
    wait_for("the second daemon to stand aside", || {
        two.log().contains("holds the bucket's lease")
    });
    std::thread::sleep(Duration::from_secs(2));
    let keys = moto.keys("shared");
    assert!(!keys.contains("site/world/from-the-second-newsroom/index.html"));
    // Beside its own daemon a build is refused locally; from a third site, by the lease.
    let refused = feedfold(&second, "build");
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("already publishing"));
    let third = with_bucket(&moto, "shared");
    third.write("world/c.txt", article("From a third desk"));
    let refused = feedfold(&third, "build");
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("leased to another feedfold"));
    // The holder dies without giving the lease up: it is taken over once it expires.
    let mut one = one;
    one.child.kill().unwrap();
    one.child.wait().unwrap();
    let started = Instant::now();
    wait_for("the second daemon to take over the expired lease", || {
        moto.keys("shared")
            .contains("site/world/from-the-second-newsroom/index.html")
    });
    assert!(started.elapsed() < Duration::from_secs(60));
    assert_eq!(two.stop(), 0);
}

#[test]
fn a_scheduled_story_puts_nothing_in_the_bucket_before_its_moment() {
    let Some(moto) = Moto::start() else { return };
    let site = with_bucket(&moto, "embargo");
    site.write("world/open.txt", article("Open story"));
    site.write(
        "world/later.md",
        "---\ntitle: Embargoed EMBARGO-B17\nslug: later\ndate: 2999-01-01T00:00:00Z\n---\n\
         EMBARGO-B17 body.\n",
    );
    assert!(feedfold(&site, "build").status.success());
    let keys = moto.keys("embargo");
    assert!(!keys.is_empty());
    assert!(!keys.iter().any(|k| k.contains("later")), "{keys:?}");
    for key in &keys {
        let body = moto.object("embargo", key).3;
        assert!(
            !String::from_utf8_lossy(&body).contains("EMBARGO-B17"),
            "{key} leaks the embargoed story"
        );
    }
}

#[test]
fn a_picture_goes_to_the_bucket_as_immutable_and_leaves_when_replaced() {
    let Some(moto) = Moto::start() else { return };
    let site = with_bucket(&moto, "pics");
    site.write("world/story.txt", article("Storm at the coast"));
    site.write("world/story.png", crate::images::png(300, 200, 1));
    let out = feedfold(&site, "build");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pictures = |site: &Site| -> Vec<String> {
        local_keys(site)
            .into_iter()
            .filter(|k| k.starts_with("_/media/"))
            .collect()
    };
    let before = pictures(&site);
    assert_eq!(before.len(), 2, "{before:?}");
    for key in &before {
        let (status, content_type, cache, _) = moto.object("pics", &format!("site/{key}"));
        assert_eq!(status, 200, "{key}");
        assert!(content_type.starts_with("image/"), "{key}: {content_type}");
        assert_eq!(cache, "public, max-age=31536000, immutable", "{key}");
    }
    site.write("world/story.png", crate::images::png(300, 200, 200));
    let out = feedfold(&site, "build");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = pictures(&site);
    assert!(after.iter().all(|k| !before.contains(k)), "{after:?}");
    assert_eq!(moto.keys("pics"), prefixed(&local_keys(&site)));
}
