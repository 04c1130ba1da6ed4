//! `feedfold watch` as a process: every way of saving, deleting and moving articles is
//! reflected in the published feeds, and the daemon survives all of it.

use std::fs;
use std::io::Write;
use std::time::Duration;

use crate::daemon_support::{Daemon, has_title, id_of, items, titles, wait_for};
use crate::support::{Site, files_under};

fn md(title: &str) -> String {
    format!("---\ntitle: \"{title}\"\n---\nBody of {title}.\n")
}

#[test]
fn a_new_file_is_published_and_an_edit_in_place_keeps_its_id() {
    let site = Site::new();
    let daemon = Daemon::start(&site);
    site.write("news/a.md", md("First"));
    wait_for("new article", || has_title(&site, "First"));
    let id = id_of(&site, "First");
    site.write("news/a.md", md("First, corrected"));
    wait_for("edited title", || has_title(&site, "First, corrected"));
    assert_eq!(id_of(&site, "First, corrected"), id);
    assert_eq!(titles(&site).len(), 1);
    assert_eq!(daemon.stop(), 0);
}

#[test]
fn every_editor_save_strategy_is_picked_up() {
    let site = Site::new();
    site.write("news/a.md", md("Original"));
    let daemon = Daemon::start(&site);
    let feeds = site.root().join("feeds/news");
    // Temp file + rename over (most editors).
    fs::write(feeds.join(".a.md.tmp"), md("Renamed over")).unwrap();
    fs::rename(feeds.join(".a.md.tmp"), feeds.join("a.md")).unwrap();
    wait_for("temp + rename", || has_title(&site, "Renamed over"));
    // Backup-rename + new file (vim with backupcopy=no).
    fs::rename(feeds.join("a.md"), feeds.join("a.md~")).unwrap();
    fs::write(feeds.join("a.md"), md("Vim style")).unwrap();
    fs::remove_file(feeds.join("a.md~")).unwrap();
    wait_for("backup + new", || has_title(&site, "Vim style"));
    // sed -i
    let status = std::process::Command::new("sed")
        .args(["-i", "s/Vim style/Sed edited/"])
        .arg(feeds.join("a.md"))
        .status()
        .unwrap();
    assert!(status.success());
    wait_for("sed -i", || has_title(&site, "Sed edited"));
    // cp and mv in from elsewhere.
    let outside = site.root().join("outside.md");
    fs::write(&outside, md("Copied in")).unwrap();
    fs::copy(&outside, feeds.join("b.md")).unwrap();
    fs::write(&outside, md("Moved in")).unwrap();
    fs::rename(&outside, feeds.join("c.md")).unwrap();
    wait_for("cp and mv", || {
        has_title(&site, "Copied in") && has_title(&site, "Moved in")
    });
    assert_eq!(titles(&site).len(), 3);
    assert_eq!(daemon.stop(), 0);
}

#[test]
fn a_slowly_appended_file_is_published_whole() {
    let site = Site::new();
    let daemon = Daemon::start(&site);
    let path = site.root().join("feeds/news/slow.txt");
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut file = fs::File::create(&path).unwrap();
    for chunk in ["Slow", "ly written", " headline\n", "The lede.\n"] {
        file.write_all(chunk.as_bytes()).unwrap();
        file.flush().unwrap();
        std::thread::sleep(Duration::from_millis(30));
    }
    drop(file);
    wait_for("slow article", || {
        has_title(&site, "Slowly written headline")
    });
    assert!(titles(&site).iter().all(|t| t == "Slowly written headline"));
    assert_eq!(daemon.stop(), 0);
}

#[test]
fn delete_rename_and_move_out_and_back_keep_identities() {
    let site = Site::new();
    site.write("news/a.md", md("Keeper"))
        .write("news/b.md", md("Goner"));
    let daemon = Daemon::start(&site);
    let id = id_of(&site, "Keeper");
    site.remove("news/b.md");
    wait_for("deleted item leaves", || !has_title(&site, "Goner"));
    site.rename("news/a.md", "news/2025/renamed.md");
    wait_for("renamed article", || id_of(&site, "Keeper").is_some());
    assert_eq!(id_of(&site, "Keeper"), id, "rename keeps the id");
    let outside = site.root().join("parked.md");
    fs::rename(site.root().join("feeds/news/2025/renamed.md"), &outside).unwrap();
    wait_for("moved out", || !has_title(&site, "Keeper"));
    fs::rename(&outside, site.root().join("feeds/news/back.md")).unwrap();
    wait_for("moved back", || has_title(&site, "Keeper"));
    assert_eq!(
        id_of(&site, "Keeper"),
        id,
        "restored content gets its id back"
    );
    assert_eq!(daemon.stop(), 0);
}

#[test]
fn a_burst_of_5000_files_is_published_in_a_handful_of_regenerations() {
    let site = Site::new();
    site.append_config("[feed]\nlimit = 6000\nmax_bytes = 100000000\ncontent = \"summary\"\nformats = [\"json\"]\n");
    fs::create_dir_all(site.root().join("feeds/news")).unwrap();
    let daemon = Daemon::start(&site);
    for i in 0..5000 {
        site.write(&format!("news/{i}.md"), md(&format!("Burst {i}")));
    }
    wait_for("5000 articles", || items(&site, "feed.json").len() == 5000);
    let publishes = daemon.log().matches("published").count();
    assert!(publishes < 60, "{publishes} regenerations for one burst");
    assert_eq!(daemon.stop(), 0);
}

#[test]
fn sigterm_exits_zero_and_leaves_no_temp_files() {
    let site = Site::new();
    site.write("news/a.md", md("A"));
    let daemon = Daemon::start(&site);
    assert_eq!(daemon.stop(), 0);
    let leftovers = files_under(&site.root().join("public"))
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(".tmp-"))
        .count();
    assert_eq!(leftovers, 0);
}

#[test]
fn a_second_instance_on_the_same_state_is_refused() {
    let site = Site::new();
    let daemon = Daemon::start(&site);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_feedfold"))
        .args(["watch", "--config"])
        .arg(site.config_path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already publishing"));
    assert_eq!(daemon.stop(), 0);
}

#[test]
fn a_config_edit_and_sighup_reload_while_an_invalid_config_is_rejected() {
    let mut site = Site::new();
    site.write("news/a.md", md("A"));
    let daemon = Daemon::start(&site);
    site.edit_config("title = \"Test News\"", "title = \"Renamed Site\"");
    wait_for("config edit", || {
        site.published("feed.json").contains("Renamed Site")
    });
    site.edit_config("title = \"Renamed Site\"", "title = \"\"");
    wait_for("invalid config logged", || {
        daemon.log().contains("new configuration rejected")
    });
    assert!(site.published("feed.json").contains("Renamed Site"));
    site.edit_config("title = \"\"", "title = \"After Hangup\"");
    daemon.signal(1);
    wait_for("reload", || {
        site.published("feed.json").contains("After Hangup")
    });
    site.write("news/b.md", md("Still watching"));
    wait_for("still watching", || has_title(&site, "Still watching"));
    assert_eq!(daemon.stop(), 0);
}

#[test]
fn a_deleted_index_is_rebuilt_with_the_ids_and_dates_readers_have() {
    let site = Site::new();
    site.write("world/a.txt", crate::support::ARABIC_TXT);
    site.write("news/b.md", md("B"));
    let daemon = Daemon::start(&site);
    let before = site.published("feed.json");
    assert_eq!(daemon.stop(), 0);
    fs::remove_dir_all(site.root().join(".feedfold")).unwrap();
    // Touch the files, as a restore from backup would: first-seen dates would move.
    let later = std::time::SystemTime::now() + Duration::from_secs(3600);
    for rel in ["world/a.txt", "news/b.md"] {
        fs::File::options()
            .write(true)
            .open(site.root().join("feeds").join(rel))
            .unwrap()
            .set_modified(later)
            .unwrap();
    }
    let daemon = Daemon::start(&site);
    assert!(daemon.log().contains("recovering ids and dates"));
    assert_eq!(site.published("feed.json"), before);
    assert_eq!(daemon.stop(), 0);
}

#[test]
fn a_scan_that_would_drop_most_items_keeps_the_published_feeds() {
    let site = Site::new();
    // The five removals must reach the daemon as one batch, even on a loaded machine where
    // this test may be held for longer than the default 100 ms between two of them.
    site.append_config("[watch]\ndebounce_ms = 1500\n");
    for i in 0..6 {
        site.write(&format!("news/{i}.md"), md(&format!("Item {i}")));
    }
    let daemon = Daemon::start(&site);
    for i in 0..5 {
        site.remove(&format!("news/{i}.md"));
    }
    wait_for("mass delete refused", || {
        daemon.log().contains("keeping the published feeds")
    });
    assert_eq!(titles(&site).len(), 6);
    assert_eq!(daemon.stop(), 0);
}

#[test]
fn work_piled_up_while_the_daemon_is_busy_is_all_published() {
    let site = Site::new();
    site.append_config("[feed]\nlimit = 25000\nmax_bytes = 100000000\ncontent = \"summary\"\nformats = [\"json\"]\n");
    fs::create_dir_all(site.root().join("feeds/news")).unwrap();
    let pause = site.root().join("pause");
    let daemon = Daemon::start_with(&site, &[("FEEDFOLD_TEST_PAUSE", pause.to_str().unwrap())]);
    fs::write(&pause, "").unwrap();
    std::thread::sleep(Duration::from_millis(100));
    for i in 0..20_000 {
        site.write(&format!("news/{i}.md"), md(&format!("Piled {i}")));
    }
    fs::remove_file(&pause).unwrap();
    wait_for("20000 articles", || {
        items(&site, "feed.json").len() == 20_000
    });
    assert_eq!(daemon.stop(), 0);
}

#[test]
fn a_vanished_content_folder_keeps_the_feeds_until_it_is_back() {
    let site = Site::new();
    site.write("news/a.md", md("Survivor"));
    let daemon = Daemon::start(&site);
    let feeds = site.root().join("feeds");
    let parked = site.root().join("feeds-parked");
    fs::rename(&feeds, &parked).unwrap();
    wait_for("error logged", || {
        daemon.log().contains("cannot read the content folder")
    });
    assert!(has_title(&site, "Survivor"));
    fs::rename(&parked, &feeds).unwrap();
    site.write("news/b.md", md("After return"));
    wait_for("back to work", || {
        has_title(&site, "After return") && has_title(&site, "Survivor")
    });
    assert_eq!(daemon.stop(), 0);
}

#[test]
fn a_corrupt_index_is_moved_aside_and_rebuilt_with_the_same_ids() {
    let site = Site::new();
    site.write("news/a.md", md("Kept id"));
    let daemon = Daemon::start(&site);
    let id = id_of(&site, "Kept id");
    assert_eq!(daemon.stop(), 0);
    let state = site.root().join(".feedfold");
    for name in ["index.sqlite-wal", "index.sqlite-shm"] {
        let _ = fs::remove_file(state.join(name));
    }
    fs::write(
        state.join("index.sqlite"),
        b"this is not a database, it is garbage".repeat(100),
    )
    .unwrap();
    let daemon = Daemon::start(&site);
    assert!(daemon.log().contains("moved aside"));
    assert_eq!(id_of(&site, "Kept id"), id);
    assert!(
        fs::read_dir(&state).unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains("corrupt"))
    );
    assert_eq!(daemon.stop(), 0);
}

#[test]
fn a_content_folder_missing_at_start_is_waited_for() {
    let site = Site::new();
    fs::remove_dir(site.root().join("feeds")).unwrap();
    let daemon = Daemon::start(&site);
    // One clear error, then a calm wait: no claim that feeds were kept, no "watching".
    let log = daemon.log();
    assert_eq!(log.matches("ERROR").count(), 1, "{log}");
    assert!(log.contains("does not exist (paths.feeds)"), "{log}");
    assert!(
        log.contains("waiting for") && !log.contains("watching"),
        "{log}"
    );
    assert!(!log.contains("published feeds kept"), "{log}");
    site.write("news/late.md", md("Arrived late"));
    wait_for("late article", || has_title(&site, "Arrived late"));
    site.write("news/later.md", md("Watched after"));
    wait_for("watched after", || has_title(&site, "Watched after"));
    assert_eq!(daemon.stop(), 0);
}

/// Every published file (the temp folder aside) with its modification time and bytes.
fn published_files(site: &Site) -> Vec<(std::path::PathBuf, std::time::SystemTime, Vec<u8>)> {
    let public = site.root().join("public");
    files_under(&public)
        .into_iter()
        .filter(|p| !p.starts_with(public.join(".tmp")))
        .map(|p| {
            let modified = fs::metadata(&p).unwrap().modified().unwrap();
            let bytes = fs::read(&p).unwrap();
            (p, modified, bytes)
        })
        .collect()
}

#[test]
fn a_restart_with_nothing_changed_writes_nothing() {
    let site = Site::new();
    site.append_config("[serve]\nlisten = \"127.0.0.1:0\"\n");
    site.write("news/a.md", md("Standing story"));
    site.write("news/gone.md", md("Soon removed"));
    let daemon = Daemon::start_command(&site, "serve", &[]);
    // Dated by the daemon's clock: first seen, changed, and removed while it runs.
    site.write("news/b.txt", "Arrived while running\nIts lede.\n");
    wait_for("the new article", || {
        has_title(&site, "Arrived while running")
    });
    site.write("news/a.md", md("Standing story, updated"));
    wait_for("the edit", || has_title(&site, "Standing story, updated"));
    site.remove("news/gone.md");
    // Wait for the end of that publish, not for some of its files: a stop that lands
    // mid-publish (before the sitemaps, say) is rightly finished by the restart.
    wait_for("the removal's publish to finish", || {
        let log = daemon.log();
        log.lines()
            .any(|line| line.contains("published") && line.contains("removed=1"))
    });
    // And the whole publish that follows once changes pause (the archives and sitemaps):
    // stopped before it, the restart would rightly write them.
    wait_for("the archives and sitemaps to catch up", || {
        let log = daemon.log();
        let mut after = log.lines().skip_while(|l| !l.contains("removed=1")).skip(1);
        after.any(|line| line.contains("published") && line.contains("sitemap.xml"))
    });
    daemon.signal(2);
    let mut daemon = daemon;
    let status = daemon.child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    let before = published_files(&site);
    assert!(before.len() > 10, "{} files", before.len());

    let daemon = Daemon::start_command(&site, "serve", &[]);
    assert_eq!(daemon.stop(), 0);
    let after = published_files(&site);
    let changed: Vec<_> = before
        .iter()
        .zip(&after)
        .filter(|(b, a)| b != a)
        .map(|(b, _)| b.0.display().to_string())
        .collect();
    assert_eq!(before.len(), after.len());
    assert!(changed.is_empty(), "rewritten after a restart: {changed:?}");
}

#[test]
fn sigterm_during_a_large_first_publish_stops_within_two_seconds() {
    let site = Site::new();
    site.append_config("[serve]\nlisten = \"127.0.0.1:0\"\n");
    let paragraph = "A paragraph long enough to make each page take its time to render. ";
    for i in 0..3000 {
        site.write(
            &format!("news/{i:05}.md"),
            format!(
                "---\ntitle: \"Story {i}\"\ndate: 2025-01-01\n---\n{}\n",
                paragraph.repeat(40)
            ),
        );
    }
    let log = site.root().join("serve.log");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_feedfold"))
        .args(["serve", "--config"])
        .arg(site.config_path())
        .env("RUST_LOG", "info,feedfold=debug")
        .stdout(std::process::Stdio::null())
        .stderr(fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let text = || fs::read_to_string(&log).unwrap_or_default();
    wait_for("the scan to end and the pages to begin", || {
        text().contains("scan done")
    });
    std::thread::sleep(Duration::from_millis(300));
    let signalled = std::time::Instant::now();
    let kill = std::process::Command::new("kill")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(kill.success());
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            signalled.elapsed() < Duration::from_secs(30),
            "still running"
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    let took = signalled.elapsed();
    assert_eq!(status.code(), Some(0), "{}", text());
    assert!(
        text().contains("stopped before the first publish was done"),
        "the stop came during the publish: {}",
        text()
    );
    assert!(took < Duration::from_secs(2), "SIGTERM took {took:?}");
    let temp = site.root().join("public/.tmp");
    assert_eq!(files_under(&temp), Vec::<std::path::PathBuf>::new());
    // What was published is consistent: the next start finishes the publish, and every
    // item leads to its page.
    let daemon = Daemon::start_command(&site, "serve", &[]);
    assert_eq!(daemon.stop(), 0);
    let listed = items(&site, "news/feed.json");
    assert_eq!(listed.len(), 50);
    let pages = files_under(&site.root().join("public/news"))
        .into_iter()
        .filter(|p| p.ends_with("index.html"))
        .count();
    assert_eq!(pages, 3000 + 1, "every article's page and the channel's");
}

#[test]
fn serve_on_a_taken_port_fails_before_creating_any_folder() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let site = Site::new();
    site.append_config(&format!("[serve]\nlisten = \"127.0.0.1:{port}\"\n"));
    site.write("news/a.md", md("A"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_feedfold"))
        .args(["serve", "--config"])
        .arg(site.config_path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("cannot listen on 127.0.0.1:{port}")),
        "{stderr}"
    );
    assert!(
        !site.root().join(".feedfold").exists(),
        "state folder created"
    );
    assert!(
        !site.root().join("public").exists(),
        "publish folder created"
    );
}
