//! `publish.on_change` with a real `feedfold watch`: the command hears of every changed URL,
//! is retried when it fails, is killed at its timeout, and never holds up publishing.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::daemon_support::{Daemon, has_title, wait_for};
use crate::support::{BASE_URL, Site};

/// Saves the URLs of each run as a file of its own in `$ON_CHANGE_DIR/runs/`.
const DELIVER: &str = r#"cat > "$ON_CHANGE_DIR/run.tmp" && mv "$ON_CHANGE_DIR/run.tmp" "$ON_CHANGE_DIR/runs/$(ls "$ON_CHANGE_DIR/runs" | wc -l | xargs printf %04d)""#;

fn md(title: &str) -> String {
    format!("---\ntitle: \"{title}\"\n---\nBody of {title}.\n")
}

/// A site whose `publish.on_change` is `command`, and the daemon's environment for it.
fn site_with(command: &str, timeout_seconds: u64) -> (Site, String) {
    let site = Site::new();
    fs::create_dir_all(site.root().join("runs")).unwrap();
    site.append_config(&format!(
        "[publish]\non_change = '''{command}'''\non_change_timeout_seconds = {timeout_seconds}\n"
    ));
    let dir = site.root().to_str().unwrap().to_string();
    (site, dir)
}

/// The URLs each delivered run received, oldest run first.
fn runs(site: &Site) -> Vec<Vec<String>> {
    let mut names: Vec<_> = fs::read_dir(site.root().join("runs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    names
        .iter()
        .map(|p| {
            fs::read_to_string(p)
                .unwrap()
                .lines()
                .map(String::from)
                .collect()
        })
        .collect()
}

fn url(path: &str) -> String {
    format!("{BASE_URL}/{path}")
}

/// True while a process of group `pgid` runs (a zombie no one reaped does not count).
fn group_alive(pgid: &str) -> bool {
    fs::read_dir("/proc").unwrap().flatten().any(|entry| {
        let stat = fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        let fields: Vec<&str> = stat
            .rsplit_once(") ")
            .map_or(Vec::new(), |(_, rest)| rest.split(' ').collect());
        fields.len() > 2 && fields[2] == pgid && !matches!(fields[0], "Z" | "X")
    })
}

#[test]
fn a_new_article_sends_its_page_and_the_feeds_that_changed_to_the_command() {
    let (site, dir) = site_with(DELIVER, 30);
    let daemon = Daemon::start_with(&site, &[("ON_CHANGE_DIR", &dir)]);
    wait_for("the first publish's run", || runs(&site).len() == 1);
    site.write("news/first.md", md("First"));
    wait_for("the article's run", || runs(&site).len() == 2);
    let run = &runs(&site)[1];
    for expected in [
        "news/first/index.html",
        "news/first/",
        "rss.xml",
        "atom.xml",
        "feed.json",
        "news/rss.xml",
        "index.html",
        "",
    ] {
        assert!(run.contains(&url(expected)), "{expected} missing: {run:?}");
    }
    let mut unique = run.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(&unique, run, "sorted, each URL once");
    assert_eq!(daemon.stop(), 0);
}

#[test]
fn a_failing_command_is_retried_with_every_url_not_delivered_while_publishing_goes_on() {
    let command = format!(
        r#"if [ -e "$ON_CHANGE_DIR/failed-once" ]; then {DELIVER}; else touch "$ON_CHANGE_DIR/failed-once"; echo refused >&2; exit 1; fi"#
    );
    let (site, dir) = site_with(&command, 30);
    site.write("news/first.md", md("First"));
    let daemon = Daemon::start_with(&site, &[("ON_CHANGE_DIR", &dir)]);
    wait_for("the failure to be logged", || {
        daemon.log().contains("publish.on_change failed")
    });
    let log = daemon.log();
    assert!(
        log.contains("exit status: 1") && log.contains("refused") && log.contains("failed-once"),
        "{log}"
    );
    site.write("news/second.md", md("Second"));
    wait_for("the second article", || has_title(&site, "Second"));
    assert!(runs(&site).is_empty(), "published while the retry waits");
    wait_for("the retry", || !runs(&site).is_empty());
    let run = &runs(&site)[0];
    for page in ["news/first/", "news/second/", "rss.xml"] {
        assert!(run.contains(&url(page)), "{page} missing: {run:?}");
    }
    assert_eq!(daemon.stop(), 0);
}

#[test]
fn a_hanging_command_is_killed_at_its_timeout_without_holding_up_publishing() {
    let command = r#"echo $$ >> "$ON_CHANGE_DIR/pgids"; sleep 600"#;
    let (site, dir) = site_with(command, 1);
    let pgids = Path::new(&dir).join("pgids");
    let daemon = Daemon::start_with(&site, &[("ON_CHANGE_DIR", &dir)]);
    wait_for("the command to start", || pgids.exists());
    let first = fs::read_to_string(&pgids).unwrap().trim().to_string();
    site.write("news/during.md", md("During"));
    wait_for("an article published meanwhile", || {
        has_title(&site, "During")
    });
    wait_for("the timeout", || {
        daemon.log().contains("timed out after 1s")
    });
    wait_for("its process group to be killed", || !group_alive(&first));
    // The retry hangs too; shutdown does not wait for it.
    wait_for("the retry", || {
        fs::read_to_string(&pgids).unwrap().lines().count() == 2
    });
    let second = fs::read_to_string(&pgids)
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .to_string();
    let stopping = Instant::now();
    assert_eq!(daemon.stop(), 0);
    assert!(
        stopping.elapsed() < Duration::from_secs(5),
        "{:?}",
        stopping.elapsed()
    );
    wait_for("the retry's group to be killed", || !group_alive(&second));
}
