//! `feedfold serve` as a load balancer and an operator see it, from the real binary:
//! readiness during the first publish, honest gauges in `/metrics`, and the access log.

use std::fs;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::daemon_support::{http_get, wait_for};
use crate::support::Site;

/// A running `feedfold serve` on a port of its own, and its log.
struct Serve {
    child: Child,
    log: std::path::PathBuf,
    base: String,
}

impl Serve {
    /// Starts `feedfold [args] serve` (`serve.listen` is set to a free port) and waits
    /// until it listens, not for its first publish.
    fn start(site: &Site, args: &[&str], env: &[(&str, &str)]) -> Serve {
        site.append_config("[serve]\nlisten = \"127.0.0.1:0\"\n");
        Serve::start_configured(site, args, env)
    }

    /// As [`Serve::start`], for a config that already has its `[serve]` table.
    fn start_configured(site: &Site, args: &[&str], env: &[(&str, &str)]) -> Serve {
        let log = site.root().join("serve.log");
        let child = Command::new(env!("CARGO_BIN_EXE_feedfold"))
            .args(args)
            .args(["serve", "--config"])
            .arg(site.config_path())
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let mut serve = Serve {
            child,
            log,
            base: String::new(),
        };
        wait_for("the server to listen", || {
            serve.log().contains("serving http://")
        });
        let log = serve.log();
        let at = log.find("serving http://").unwrap() + "serving ".len();
        let url = log[at..].split(['/', ' ', '"']).take(3).collect::<Vec<_>>();
        serve.base = format!("http://{}", url[2]);
        serve
    }

    fn log(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// GET `path`: the status, the headers (names lowercased) and the body.
    fn get(&self, path: &str, headers: &[(&str, &str)]) -> (u16, Vec<(String, String)>, String) {
        http_get(&format!("{}{path}", self.base), headers)
    }

    fn metrics(&self) -> String {
        self.get("/metrics", &[]).2
    }

    /// SIGTERM, then the exit code.
    fn stop(mut self) -> i32 {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill").arg(&pid).status().unwrap().success());
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "serve did not stop");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

fn article(title: &str) -> String {
    format!("{title}\nA first paragraph that says what happened.\nA second paragraph.\n")
}

/// The value of a Prometheus sample line `name value`.
fn sample(metrics: &str, name: &str) -> Option<f64> {
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{name} ")))
        .and_then(|v| v.trim().parse().ok())
}

#[test]
fn serve_answers_503_until_its_first_publish_is_done_then_serves() {
    let site = Site::new();
    site.write("world/first.txt", article("First report from the coast"));
    let pause = site.root().join("pause");
    fs::write(&pause, "").unwrap();
    let serve = Serve::start(
        &site,
        &[],
        &[("FEEDFOLD_TEST_PAUSE", pause.to_str().unwrap())],
    );

    let (status, headers, body) = serve.get("/readyz", &[]);
    assert_eq!(status, 503, "{body}");
    assert_eq!(header(&headers, "retry-after"), "5");
    let (status, _, body) = serve.get("/healthz", &[]);
    assert_eq!(status, 200);
    let health: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(health["ready"], false, "{health}");
    for path in ["/", "/world/rss.xml", "/world/first-report-from-the-coast/"] {
        let (status, headers, _) = serve.get(path, &[]);
        assert_eq!(status, 503, "{path} before the first publish");
        assert_eq!(header(&headers, "retry-after"), "5", "{path}");
    }
    assert_eq!(sample(&serve.metrics(), "feedfold_ready"), Some(0.0));

    fs::remove_file(&pause).unwrap();
    wait_for("readiness", || serve.get("/readyz", &[]).0 == 200);
    let (status, _, body) = serve.get("/world/rss.xml", &[]);
    assert_eq!(status, 200);
    assert!(body.contains("First report from the coast"));
    let (_, _, body) = serve.get("/healthz", &[]);
    let health: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(health["ready"], true, "{health}");
    assert_eq!(health["articles"], 1, "{health}");
    let (status, headers, body) = serve.get("/no-such-page/", &[]);
    assert_eq!(status, 404);
    assert_eq!(header(&headers, "content-type"), "text/html; charset=utf-8");
    assert!(
        body.contains("Page not found") && body.contains("Test News"),
        "{body}"
    );
    assert_eq!(sample(&serve.metrics(), "feedfold_ready"), Some(1.0));
    assert!(serve.log().contains("ready: the first publish is served"));
    assert_eq!(serve.stop(), 0);
}

#[test]
fn the_rejected_files_gauge_drops_when_a_broken_article_is_put_back() {
    let site = Site::new();
    let good = "---\ntitle: A good article\n---\nIts body.\n";
    site.write("world/a.md", good);
    let serve = Serve::start(&site, &[], &[]);
    wait_for("readiness", || serve.get("/readyz", &[]).0 == 200);
    assert_eq!(
        sample(&serve.metrics(), "feedfold_rejected_files"),
        Some(0.0)
    );
    site.write(
        "world/a.md",
        "---\ntitle: [A good article\n---\nIts body.\n",
    );
    wait_for("the broken file to be rejected", || {
        sample(&serve.metrics(), "feedfold_rejected_files") == Some(1.0)
    });
    // Put back byte for byte (an editor's undo): the article is what it was.
    site.write("world/a.md", good);
    let deadline = Instant::now() + Duration::from_secs(20);
    while sample(&serve.metrics(), "feedfold_rejected_files") != Some(0.0) {
        assert!(
            Instant::now() < deadline,
            "still counted as rejected: {}",
            serve.metrics()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(serve.stop(), 0);
}

/// The microseconds a `feedfold_publish_duration_seconds_sum` sample stands for.
fn micros(metrics: &str) -> u64 {
    let seconds = sample(metrics, "feedfold_publish_duration_seconds_sum").unwrap();
    (seconds * 1e6).round() as u64
}

/// The `elapsed_ms` of the `n`th "published" log line (from 0).
fn logged_ms(log: &str, n: usize) -> Option<u64> {
    let line = log.lines().filter(|l| l.contains(" published ")).nth(n)?;
    let at = line.find("elapsed_ms=")? + "elapsed_ms=".len();
    line[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .ok()
}

#[test]
fn the_publish_duration_in_metrics_is_the_one_the_log_gives() {
    let site = Site::new();
    for i in 0..60 {
        site.write(
            &format!("world/{i:03}.txt"),
            article(&format!("Report number {i}")).repeat(20),
        );
    }
    let serve = Serve::start(&site, &[], &[]);
    wait_for("watching", || serve.log().contains("watching"));
    let before = serve.metrics();
    let count = sample(&before, "feedfold_publish_duration_seconds_count").unwrap();
    // Moved in whole, so that it arrives as one event (one publish) however loaded the
    // machine is: a write could be seen as two, and the count step by two.
    let outside = site.root().join("new.txt");
    std::fs::write(&outside, article("A report that comes later").repeat(20)).unwrap();
    std::fs::rename(&outside, site.root().join("feeds/world/new.txt")).unwrap();
    wait_for("the publish of the new article", || {
        logged_ms(&serve.log(), 1).is_some()
            && sample(&serve.metrics(), "feedfold_publish_duration_seconds_count")
                == Some(count + 1.0)
    });
    let after = serve.metrics();
    let took = micros(&after) - micros(&before);
    assert_eq!(
        took / 1000,
        logged_ms(&serve.log(), 1).unwrap(),
        "{after}\n{}",
        serve.log()
    );
    assert_eq!(serve.stop(), 0);
}

#[test]
fn the_access_log_is_off_by_default() {
    let site = Site::new();
    site.write("world/first.txt", article("Quiet report"));
    let serve = Serve::start(&site, &[], &[]);
    wait_for("readiness", || serve.get("/readyz", &[]).0 == 200);
    serve.get("/world/rss.xml", &[("user-agent", "health-test/1.0")]);
    assert_eq!(serve.stop(), 0);
    let log = fs::read_to_string(site.root().join("serve.log")).unwrap();
    assert!(!log.contains("health-test/1.0"), "{log}");
}

#[test]
fn the_access_log_writes_one_combined_line_per_request() {
    let site = Site::new();
    site.write("world/first.txt", article("Logged report"));
    site.append_config("[serve]\nlisten = \"127.0.0.1:0\"\naccess_log = true\n");
    let serve = Serve::start_configured(&site, &[], &[]);
    wait_for("readiness", || serve.get("/readyz", &[]).0 == 200);
    let agent = "NetNewsWire \"5\" (health-test)";
    serve.get("/world/rss.xml", &[("user-agent", agent)]);
    serve.get(
        "/missing",
        &[("user-agent", agent), ("referer", "https://ref.example/")],
    );
    wait_for("two access lines", || {
        serve.log().matches("(health-test)").count() == 2
    });
    let log = serve.log();
    let lines: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("(health-test)"))
        .collect();
    assert!(
        lines[0].contains("127.0.0.1 - - ["),
        "the client, no identity, no user: {}",
        lines[0]
    );
    assert!(
        lines[0].contains("\"GET /world/rss.xml HTTP/1.1\" 200 "),
        "{}",
        lines[0]
    );
    assert!(
        lines[0].ends_with(" \"-\" \"NetNewsWire \\\"5\\\" (health-test)\""),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains("\"GET /missing HTTP/1.1\" 404 ")
            && lines[1].contains("\"https://ref.example/\""),
        "{}",
        lines[1]
    );
    assert_eq!(serve.stop(), 0);
}

#[test]
fn with_json_logs_the_access_log_gives_fields() {
    let site = Site::new();
    site.write("world/first.txt", article("Logged report"));
    site.append_config("[serve]\nlisten = \"127.0.0.1:0\"\naccess_log = true\n");
    let serve = Serve::start_configured(&site, &["--log-format", "json"], &[]);
    wait_for("readiness", || serve.get("/readyz", &[]).0 == 200);
    serve.get("/world/rss.xml", &[("user-agent", "health-test/1.0")]);
    wait_for("the access event", || {
        serve.log().contains("health-test/1.0")
    });
    let log = serve.log();
    let line = log.lines().find(|l| l.contains("health-test/1.0")).unwrap();
    let event: serde_json::Value = serde_json::from_str(line).unwrap();
    let fields = &event["fields"];
    assert_eq!(fields["uri"], "/world/rss.xml", "{event}");
    assert_eq!(fields["method"], "GET", "{event}");
    assert_eq!(fields["status"], 200, "{event}");
    assert_eq!(fields["remote"], "127.0.0.1", "{event}");
    assert_eq!(fields["user_agent"], "health-test/1.0", "{event}");
    assert!(fields["bytes"].as_u64().unwrap() > 0, "{event}");
    assert_eq!(serve.stop(), 0);
}
