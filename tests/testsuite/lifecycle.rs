//! A story's life in a newsroom, driven through a real `feedfold serve` process: scheduled
//! (nothing leaks: files, HTTP), published by itself at its moment, corrected, retracted
//! (`410`, a tombstone in Atom, a notice in RSS), deleted (`410`, then `404` after the
//! tombstone period); a restart before the moment; rescheduled and cancelled stories;
//! expiry; and `build`, which publishes only what is due.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use chrono::{SecondsFormat, Utc};

use crate::daemon_support::{Daemon, wait_for};
use crate::support::free_port;
use crate::support::{Site, atom_updated, build_at, files_under};

/// `GET path` on the server: status and body (any status, no redirect followed).
fn get(port: u16, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).to_string();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    (status, body.to_string())
}

/// A moment `secs` from now, as front matter writes it.
fn in_secs(secs: f64) -> String {
    let at = Utc::now() + chrono::TimeDelta::milliseconds((secs * 1000.0) as i64);
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A site served on a free port, tombstones kept `tombstone_secs`.
fn served_site(tombstone_secs: f64) -> (Site, u16) {
    let site = Site::new();
    let port = free_port();
    let days = tombstone_secs / 86_400.0;
    site.append_config(&format!(
        "[serve]\nlisten = \"127.0.0.1:{port}\"\n[feed]\ntombstone_days = {days}\n"
    ));
    (site, port)
}

const PATHS: [&str; 9] = [
    "/",
    "/rss.xml",
    "/atom.xml",
    "/feed.json",
    "/world/",
    "/world/rss.xml",
    "/world/embargoed-story/",
    "/healthz",
    "/metrics",
];

/// Where `marker` can be seen: files under the publish folder and HTTP responses.
fn leaks(site: &Site, port: u16, marker: &str) -> Vec<String> {
    let mut found: Vec<String> = files_under(&site.root().join("public"))
        .into_iter()
        .filter(|f| String::from_utf8_lossy(&std::fs::read(f).unwrap()).contains(marker))
        .map(|f| f.display().to_string())
        .collect();
    for path in PATHS {
        if get(port, path).1.contains(marker) {
            found.push(format!("GET {path}"));
        }
    }
    found
}

fn embargoed(date: &str, extra: &str) -> String {
    format!(
        "---\ntitle: \"Budget vote EMBARGO-7F3A\"\nslug: embargoed-story\ndate: {date}\n{extra}---\n\
         The council votes on the budget EMBARGO-7F3A today.\n"
    )
}

#[test]
fn a_scheduled_story_leaks_nowhere_goes_out_by_itself_and_is_then_corrected_retracted_and_removed()
{
    let (site, port) = served_site(4.0);
    site.write(
        "world/open.md",
        "---\ntitle: Open story\n---\nAlready public.\n",
    );
    let due = in_secs(8.0);
    site.write("world/embargo.md", embargoed(&due, ""));
    let daemon = Daemon::start_command(&site, "serve", &[]);
    let due_at = chrono::DateTime::parse_from_rfc3339(&due).unwrap();
    assert_eq!(leaks(&site, port, "EMBARGO-7F3A"), Vec::<String>::new());
    assert_eq!(get(port, "/world/embargoed-story/").0, 404);
    assert!(
        get(port, "/metrics")
            .1
            .contains("feedfold_scheduled_articles 1")
    );
    // Just before its moment, still nothing.
    while Utc::now() < due_at - chrono::TimeDelta::milliseconds(1500) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(leaks(&site, port, "EMBARGO-7F3A"), Vec::<String>::new());
    wait_for("the scheduled story to go out by itself", || {
        get(port, "/rss.xml").1.contains("EMBARGO-7F3A")
    });
    let late = Utc::now() - due_at.with_timezone(&Utc);
    eprintln!("published {} ms after its moment", late.num_milliseconds());
    let json = get(port, "/feed.json").1;
    assert!(
        json.contains(&format!("\"date_published\": \"{}", &due[..19])),
        "{json}"
    );
    assert_eq!(get(port, "/world/embargoed-story/").0, 200);

    site.write(
        "world/embargo.md",
        embargoed(&due, "correction: \"The vote is on Tuesday.\"\n"),
    );
    wait_for("the correction to reach the feed", || {
        get(port, "/feed.json").1.contains("Correction (")
    });
    assert!(
        get(port, "/world/embargoed-story/")
            .1
            .contains("The vote is on Tuesday.")
    );

    site.write(
        "world/embargo.md",
        embargoed(&due, "retracted: \"The figures were wrong.\"\n"),
    );
    wait_for("the retraction to be served as 410", || {
        get(port, "/world/embargoed-story/").0 == 410
    });
    let (_, notice) = get(port, "/world/embargoed-story/");
    assert!(notice.contains("The figures were wrong."), "{notice}");
    let rss = get(port, "/rss.xml").1;
    assert!(rss.contains("Retracted: Budget vote EMBARGO-7F3A"), "{rss}");
    assert!(
        !rss.contains("The council votes"),
        "the body is gone: {rss}"
    );
    let atom = get(port, "/atom.xml").1;
    assert!(atom.contains("<at:deleted-entry"), "{atom}");
    assert!(
        !get(port, "/").1.contains("EMBARGO-7F3A"),
        "listings drop it"
    );

    site.remove("world/embargo.md");
    wait_for("the deleted story to leave RSS", || {
        !get(port, "/rss.xml").1.contains("EMBARGO-7F3A")
    });
    let (status, body) = get(port, "/world/embargoed-story/");
    assert_eq!(status, 410);
    assert!(body.contains("This article was removed"), "{body}");
    assert!(!body.contains("EMBARGO-7F3A"), "{body}");
    wait_for("the tombstone period to end", || {
        !get(port, "/atom.xml").1.contains("deleted-entry")
    });
    assert_eq!(get(port, "/world/embargoed-story/").0, 404);
    daemon.stop();
}

#[test]
fn a_story_scheduled_before_a_restart_goes_out_at_its_moment_after_it() {
    let (site, port) = served_site(60.0);
    site.write(
        "world/open.md",
        "---\ntitle: Open story\n---\nAlready public.\n",
    );
    let due = in_secs(8.0);
    site.write("world/embargo.md", embargoed(&due, ""));
    let first = Daemon::start_command(&site, "serve", &[]);
    assert!(!get(port, "/rss.xml").1.contains("EMBARGO-7F3A"));
    assert_eq!(first.stop(), 0);
    let second = Daemon::start_command(&site, "serve", &[]);
    assert!(!get(port, "/rss.xml").1.contains("EMBARGO-7F3A"));
    wait_for("the story to go out after the restart", || {
        get(port, "/rss.xml").1.contains("EMBARGO-7F3A")
    });
    second.stop();
}

#[test]
fn a_rescheduled_or_cancelled_story_was_never_public() {
    let (site, port) = served_site(60.0);
    site.write(
        "world/open.md",
        "---\ntitle: Open story\n---\nAlready public.\n",
    );
    site.write("world/later.md", embargoed(&in_secs(6.0), ""));
    site.write(
        "world/cancelled.md",
        "---\ntitle: Cancelled CANCEL-91B\ndate: ".to_string() + &in_secs(6.0) + "\n---\nBody.\n",
    );
    let daemon = Daemon::start_command(&site, "serve", &[]);
    site.write("world/later.md", embargoed(&in_secs(3600.0), ""));
    site.remove("world/cancelled.md");
    let until = Instant::now() + Duration::from_secs(8);
    while Instant::now() < until {
        std::thread::sleep(Duration::from_millis(250));
    }
    assert_eq!(leaks(&site, port, "EMBARGO-7F3A"), Vec::<String>::new());
    assert_eq!(leaks(&site, port, "CANCEL-91B"), Vec::<String>::new());
    assert!(
        !get(port, "/atom.xml").1.contains("deleted-entry"),
        "no tombstone either"
    );
    daemon.stop();
}

#[test]
fn an_expired_story_leaves_every_feed_by_itself_and_its_page_answers_410() {
    let (site, port) = served_site(60.0);
    site.write(
        "world/brief.md",
        format!(
            "---\ntitle: Road closed BRIEF-55C\nslug: brief\nexpires: {}\n---\nUntil noon.\n",
            in_secs(6.0)
        ),
    );
    let daemon = Daemon::start_command(&site, "serve", &[]);
    assert!(get(port, "/rss.xml").1.contains("BRIEF-55C"));
    wait_for("the story to expire", || {
        !get(port, "/rss.xml").1.contains("BRIEF-55C")
    });
    assert!(!get(port, "/feed.json").1.contains("BRIEF-55C"));
    assert!(!get(port, "/").1.contains("BRIEF-55C"));
    assert!(get(port, "/atom.xml").1.contains("<at:deleted-entry"));
    assert_eq!(get(port, "/world/brief/").0, 410);
    daemon.stop();
}

#[test]
fn build_publishes_only_what_is_due_and_prints_the_next_scheduled_time() {
    let site = Site::new();
    site.write(
        "world/open.md",
        "---\ntitle: Open story\n---\nAlready public.\n",
    );
    site.write(
        "world/future.md",
        "---\ntitle: Future FUTURE-3D\ndate: 2999-01-01T06:00:00Z\n---\nNot yet.\n",
    );
    let (code, stdout, _) = crate::cli::feedfold(&site, &["build"]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("1 scheduled; next at 2999-01-01T06:00:00Z"),
        "{stdout}"
    );
    assert!(stdout.contains("published 1 articles"), "{stdout}");
    let published: Vec<_> = files_under(&site.root().join("public"))
        .into_iter()
        .filter(|f| String::from_utf8_lossy(&std::fs::read(f).unwrap()).contains("FUTURE-3D"))
        .collect();
    assert!(published.is_empty(), "{published:?}");
    // An invalid date holds the article, reported, rather than publishing it at once.
    site.write(
        "world/typo.md",
        "---\ntitle: Typo TYPO-8E\ndate: 2026-02-30T06:00:00Z\n---\nBody.\n",
    );
    let (_, stdout, stderr) = crate::cli::feedfold(&site, &["build"]);
    assert!(
        stderr.contains("typo.md") && stderr.contains("invalid date"),
        "{stderr}"
    );
    assert!(!site.published("rss.xml").contains("TYPO-8E"), "{stdout}");
}

#[test]
fn a_deleted_file_that_comes_back_gets_its_item_and_id_back_and_its_tombstone_is_withdrawn() {
    let site = Site::new();
    let text = "---\ntitle: Back again\nslug: back\n---\nBody.\n";
    site.write("world/a.md", text);
    build_at(&site, 0);
    let id = crate::support::ids(&crate::support::rss(&site, "rss.xml"));
    site.remove("world/a.md");
    build_at(&site, 1);
    assert!(
        site.published("atom.xml")
            .contains(&format!("ref=\"{}\"", id[0]))
    );
    assert!(
        site.published("world/back/index.html")
            .contains("This article was removed")
    );
    site.write("world/a.md", text);
    build_at(&site, 2);
    assert_eq!(
        crate::support::ids(&crate::support::rss(&site, "rss.xml")),
        id
    );
    assert!(!site.published("atom.xml").contains("deleted-entry"));
    assert!(!site.published("world/back/index.html").contains("removed"));
}

#[test]
fn a_feeds_updated_moves_forward_to_a_retraction_and_never_back_when_its_tombstone_leaves() {
    let site = Site::new();
    site.write(
        "world/old.md",
        "---\ntitle: Old\ndate: 2024-06-01T00:00:00Z\n---\nA.\n",
    );
    site.write(
        "world/story.md",
        "---\ntitle: Story\ndate: 2024-07-01T00:00:00Z\n---\nB.\n",
    );
    build_at(&site, 0);
    assert_eq!(atom_updated(&site, "atom.xml"), "2024-07-01T00:00:00");
    site.write(
        "world/story.md",
        "---\ntitle: Story\ndate: 2024-07-01T00:00:00Z\nretracted: Wrong.\n---\nB.\n",
    );
    // Retracted when the index first saw it so: at this build.
    build_at(&site, 0);
    assert_eq!(atom_updated(&site, "atom.xml"), "2025-01-01T12:00:00");
    assert!(site.published("rss.xml").contains("Retracted: Story"));
    // Past the tombstone period: the notice leaves the feeds, the feed's date stays.
    build_at(&site, 40);
    assert!(!site.published("rss.xml").contains("Retracted: Story"));
    assert_eq!(atom_updated(&site, "atom.xml"), "2025-01-01T12:00:00");
    assert!(site.published("world/story/index.html").contains("Wrong."));
}

#[test]
fn a_takedown_replaces_the_title_everywhere_and_keeps_the_id() {
    let site = Site::new();
    site.write(
        "world/a.md",
        "---\ntitle: Named person SECRET-4E\nslug: a\n---\nSECRET-4E body.\n",
    );
    build_at(&site, 0);
    let id = crate::support::ids(&crate::support::rss(&site, "rss.xml"));
    site.write(
        "world/a.md",
        "---\ntitle: Named person SECRET-4E\nslug: a\nretracted: Court order.\ntakedown: true\n---\nSECRET-4E body.\n",
    );
    build_at(&site, 0);
    let leaked: Vec<_> = files_under(&site.root().join("public"))
        .into_iter()
        .filter(|f| String::from_utf8_lossy(&std::fs::read(f).unwrap()).contains("SECRET-4E"))
        .collect();
    assert!(leaked.is_empty(), "{leaked:?}");
    assert_eq!(
        crate::support::ids(&crate::support::rss(&site, "rss.xml")),
        id
    );
    assert!(site.published("rss.xml").contains("<title>Removed</title>"));
}

#[test]
fn the_operator_page_is_on_its_own_loopback_address_and_never_on_the_public_one() {
    let site = Site::new();
    let (port, admin) = (free_port(), free_port());
    site.append_config(&format!(
        "[serve]\nlisten = \"127.0.0.1:{port}\"\nadmin_listen = \"127.0.0.1:{admin}\"\n"
    ));
    site.write(
        "world/open.md",
        "---\ntitle: Open story\n---\nAlready public.\n",
    );
    site.write(
        "world/later.md",
        "---\ntitle: Later LATER-2A\ndate: 2999-01-01\n---\nB.\n",
    );
    site.write("world/broken.md", "---\ntitle: [\n---\n");
    let daemon = Daemon::start_command(&site, "serve", &[]);
    let (status, page) = get(admin, "/");
    assert_eq!(status, 200);
    assert!(
        page.contains("LATER-2A") && page.contains("broken.md"),
        "{page}"
    );
    let (status, json) = get(admin, "/status.json");
    assert_eq!(status, 200);
    assert!(json.contains("\"scheduled\""), "{json}");
    for path in ["/status.json", "/status", "/admin"] {
        assert_eq!(get(port, path).0, 404, "{path} on the public listener");
    }
    assert!(!get(port, "/").1.contains("broken.md"));
    daemon.stop();
}

#[test]
fn a_published_story_never_vanishes_when_an_edit_dates_its_end_or_itself_wrongly() {
    let site = Site::new();
    let story = |extra: &str| {
        format!("---\ntitle: Story STORY-6C\nslug: s\ndate: 2024-12-20T00:00:00Z\n{extra}---\nB.\n")
    };
    site.write("world/s.md", story(""));
    build_at(&site, 0);
    let id = crate::support::ids(&crate::support::rss(&site, "rss.xml"));
    // Retracted "before" it was published: the retraction takes effect at its date.
    site.write(
        "world/s.md",
        story("retracted: Wrong.\nretracted_at: 2024-11-01T00:00:00Z\n"),
    );
    build_at(&site, 0);
    assert!(
        site.published("rss.xml")
            .contains("Retracted: Story STORY-6C")
    );
    assert!(
        site.published("atom.xml")
            .contains(&format!("ref=\"{}\"", id[0]))
    );
    // Dated ahead after it was published: it keeps its date, and the editor is told.
    site.write(
        "world/s.md",
        "---\ntitle: Story STORY-6C\nslug: s\ndate: 2999-01-01T00:00:00Z\n---\nB.\n",
    );
    let at = crate::support::now();
    let report = feedfold::commands::build(&site.config(), at).unwrap();
    assert!(
        report
            .scan
            .warnings
            .iter()
            .any(|(_, w)| w.contains("already published")),
        "{:?}",
        report.scan.warnings
    );
    assert_eq!(
        crate::support::ids(&crate::support::rss(&site, "rss.xml")),
        id
    );
}

#[test]
fn a_correction_dated_in_the_future_cannot_date_the_feed_in_the_future() {
    let site = Site::new();
    site.write(
        "world/c.md",
        "---\ntitle: C\ndate: 2024-12-01T00:00:00Z\ncorrections:\n  - {date: 2999-01-01, text: Typo.}\n---\nB.\n",
    );
    build_at(&site, 0);
    assert_eq!(atom_updated(&site, "atom.xml"), "2025-01-01T12:00:00");
    assert!(
        site.published("rss.xml")
            .contains("Correction (2999-01-01): Typo.")
    );
}
