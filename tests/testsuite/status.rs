//! `feedfold status`: what the index says, read without writing, also while a daemon holds
//! the state lock and the index's write lock.

use std::fs;
use std::path::PathBuf;

use rusqlite::Connection;

use crate::cli::feedfold;
use crate::support::Site;

/// A site built once (by the binary, at the real clock) with one live article, one
/// scheduled for 2099, one draft and one rejected file.
fn site_with_one_of_each() -> Site {
    let site = Site::new();
    site.write(
        "news/live.md",
        "---\ntitle: Live story\ndate: 2024-01-01T00:00:00Z\n---\nBody.\n",
    )
    .write(
        "news/later.md",
        "---\ntitle: Later story\ndate: 2099-01-01T00:00:00Z\n---\nBody.\n",
    )
    .write(
        "news/draft.md",
        "---\ntitle: Draft story\ndraft: true\n---\nBody.\n",
    )
    .write("news/empty.md", "");
    let (code, _, stderr) = feedfold(&site, &["build"]);
    assert_eq!(code, 0, "{stderr}");
    site
}

fn index(site: &Site) -> PathBuf {
    site.root().join(".feedfold/index.sqlite")
}

/// The index file's bytes and modification time.
fn snapshot(site: &Site) -> (Vec<u8>, std::time::SystemTime) {
    let path = index(site);
    let mtime = fs::metadata(&path).unwrap().modified().unwrap();
    (fs::read(&path).unwrap(), mtime)
}

fn status_json(site: &Site) -> serde_json::Value {
    let (code, stdout, stderr) = feedfold(site, &["status", "--json"]);
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

#[test]
fn status_reports_live_scheduled_draft_and_rejected_articles_after_a_build() {
    let site = site_with_one_of_each();
    let (code, stdout, stderr) = feedfold(&site, &["status"]);
    assert_eq!(code, 0, "{stderr}");
    for expected in [
        "articles: 1 live, 1 scheduled, 1 drafts, 0 retracted, 0 removed",
        "2099-01-01T00:00:00Z  news/later.md  Later story",
        "news/draft.md  Draft story",
        "rejected files: 1",
        "news/empty.md: empty file",
        "publishes: the last 1 of 1 recorded",
        "bucket: no bucket configured",
        "hub pings: no hubs configured",
    ] {
        assert!(stdout.contains(expected), "no {expected:?} in:\n{stdout}");
    }
}

#[test]
fn status_json_reports_the_same_facts_under_stable_keys() {
    let site = site_with_one_of_each();
    let status = status_json(&site);
    let articles = &status["articles"];
    for (key, n) in [
        ("live", 1),
        ("scheduled", 1),
        ("drafts", 1),
        ("retracted", 0),
        ("removed", 0),
    ] {
        assert_eq!(articles[key], n, "articles.{key} in {status:#}");
    }
    let scheduled = &status["scheduled"][0];
    assert_eq!(scheduled["path"], "news/later.md");
    assert_eq!(scheduled["title"], "Later story");
    assert_eq!(scheduled["due"], "2099-01-01T00:00:00Z");
    assert_eq!(status["next_change"], "2099-01-01T00:00:00Z");
    assert_eq!(status["drafts"][0]["path"], "news/draft.md");
    assert_eq!(status["drafts"][0]["title"], "Draft story");
    assert_eq!(status["rejected"][0]["path"], "news/empty.md");
    assert_eq!(status["rejected"][0]["reason"], "empty file");
    let publish = &status["publishes"][0];
    assert!(publish["written"].as_u64().unwrap() > 0, "{publish}");
    assert!(
        publish["changed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k == "rss.xml")
    );
    for key in ["at", "duration_ms", "removed", "failed"] {
        assert!(
            publish.get(key).is_some(),
            "publishes[0].{key} in {publish}"
        );
    }
    assert_eq!(status["bucket"], serde_json::Value::Null);
    assert_eq!(status["hubs"]["configured"], 0);
    assert!(status["index"].as_str().unwrap().ends_with("index.sqlite"));
}

#[test]
fn status_reads_the_index_while_a_daemon_holds_the_state_lock_and_a_write_transaction() {
    let site = site_with_one_of_each();
    let lock = fs::File::open(site.root().join(".feedfold/lock")).unwrap();
    lock.lock().unwrap();
    let writer = Connection::open(index(&site)).unwrap();
    writer.execute_batch("BEGIN IMMEDIATE").unwrap();
    writer
        .execute(
            "INSERT INTO rejected VALUES ('news/uncommitted.md', 1, 1, 'not yet committed')",
            [],
        )
        .unwrap();
    let status = status_json(&site);
    assert_eq!(status["articles"]["live"], 1);
    let rejected = status["rejected"].as_array().unwrap();
    assert_eq!(rejected.len(), 1, "only what was committed: {rejected:?}");
    let (code, stdout, stderr) = feedfold(&site, &["status"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("news/later.md  Later story"), "{stdout}");
    let (code, _, stderr) = feedfold(&site, &["build"]);
    assert_eq!(code, 2, "the lock held is the daemon's: {stderr}");
    writer.execute_batch("ROLLBACK").unwrap();
}

#[test]
fn status_never_changes_the_index_file() {
    let site = site_with_one_of_each();
    let before = snapshot(&site);
    assert_eq!(feedfold(&site, &["status"]).0, 0);
    assert_eq!(feedfold(&site, &["status", "--json"]).0, 0);
    assert!(snapshot(&site) == before, "the index file changed");
}

#[test]
fn status_of_an_index_from_an_older_feedfold_asks_for_a_build_and_does_not_upgrade_it() {
    let site = site_with_one_of_each();
    Connection::open(index(&site))
        .unwrap()
        .execute_batch("PRAGMA user_version = 5")
        .unwrap();
    let before = snapshot(&site);
    let (code, stdout, stderr) = feedfold(&site, &["status"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stderr.contains("run feedfold build once to upgrade the index"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&index(&site).display().to_string()),
        "{stderr}"
    );
    assert!(snapshot(&site) == before, "the index file changed");
}

#[test]
fn status_without_an_index_exits_one_naming_where_it_looked() {
    let site = Site::new();
    let (code, _, stderr) = feedfold(&site, &["status"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains(&index(&site).display().to_string()),
        "{stderr}"
    );
    assert!(stderr.contains("run `feedfold build` first"), "{stderr}");
    assert!(
        !site.root().join(".feedfold").exists(),
        "status created the state folder"
    );
}

#[test]
fn status_counts_what_a_configured_bucket_still_lacks_without_asking_it() {
    let site = site_with_one_of_each();
    site.append_config(
        "[publish]\ntarget = \"s3\"\n[publish.s3]\nbucket = \"news-feeds\"\nprefix = \"ar\"\n",
    );
    let status = status_json(&site);
    let bucket = &status["bucket"];
    assert_eq!(bucket["bucket"], "news-feeds");
    let objects = bucket["objects"].as_u64().unwrap();
    assert!(objects > 0, "{bucket}");
    assert_eq!(bucket["uploaded"], 0);
    assert_eq!(bucket["pending"], objects);
    assert_eq!(bucket["to_delete"], 0);
    let (_, stdout, _) = feedfold(&site, &["status"]);
    let line = format!("bucket news-feeds/ar/: {objects} to upload, 0 to delete");
    assert!(stdout.contains(&line), "{stdout}");
}

#[test]
fn status_lists_the_failed_hub_pings_a_running_daemon_recorded() {
    let site = Site::new();
    // Nothing listens on port 9 of loopback: every ping is refused.
    site.append_config("[websub]\nhubs = [\"http://127.0.0.1:9/hub\"]\n");
    site.write("news/a.md", "---\ntitle: A\n---\nBody.\n");
    let daemon = crate::daemon_support::Daemon::start(&site);
    site.write("news/b.md", "---\ntitle: B\n---\nBody.\n");
    crate::daemon_support::wait_for("a failed ping in the journal", || {
        fs::read_to_string(site.root().join(".feedfold/daemon.json"))
            .is_ok_and(|j| j.contains("127.0.0.1:9/hub"))
    });
    let (code, stdout, _) = feedfold(&site, &["status"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("failed pings:"), "{stdout}");
    assert!(stdout.contains("http://127.0.0.1:9/hub for "), "{stdout}");
    let (_, json, _) = feedfold(&site, &["status", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(
        json["hubs"]["ping_failures"][0]["error"].is_string(),
        "{json}"
    );
    daemon.stop();
}
