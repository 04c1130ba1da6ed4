//! Faults of the folders, the index and the configuration, survived: risky layouts are
//! refused at start and on reload, a replaced content folder is noticed, a locked index is
//! waited for, an unreadable folder keeps its articles, a full disk is recovered from.

use std::fs;
use std::os::unix::process::CommandExt;
use std::process::Command;
use std::time::Duration;

use crate::cli::feedfold;
use crate::daemon_support::{Daemon, has_title, titles, wait_for};
use crate::support::{BASE_URL, Site};

fn site_with(extra: &str) -> Site {
    Site::with_config(&format!(
        "[site]\ntitle = \"T\"\nbase_url = \"{BASE_URL}\"\n{extra}"
    ))
}

#[test]
fn risky_layouts_and_base_urls_are_refused_naming_what_to_change() {
    let cases = [
        ("[paths]\npublish = \"/\"\n", "paths.publish"),
        ("[paths]\nstate = \"public/.feedfold\"\n", "paths.state"),
        ("[paths]\nstate = \"feeds/.feedfold\"\n", "paths.state"),
        ("[paths]\nfeeds = \".\"\n", "paths.publish"),
        (
            "[paths]\npublish = \".\"\nstate = \"/tmp/ff-never\"\n",
            "paths.publish",
        ),
    ];
    for (paths, key) in cases {
        let site = site_with(paths);
        let (code, _, stderr) = feedfold(&site, &["build"]);
        assert_eq!(code, 2, "{paths}: {stderr}");
        assert!(stderr.contains(key), "{paths}: {stderr}");
    }
    for url in [
        "https://user:pass@example.org",
        "https://example.org/?x=1",
        "https://example.org/#top",
    ] {
        let site = Site::with_config(&format!("[site]\ntitle = \"T\"\nbase_url = \"{url}\"\n"));
        let (code, _, stderr) = feedfold(&site, &["build"]);
        assert_eq!(code, 2, "{url}: {stderr}");
        assert!(stderr.contains("site.base_url"), "{url}: {stderr}");
    }
}

#[test]
fn a_publish_folder_linked_into_the_content_folder_is_refused() {
    let site = Site::new();
    fs::create_dir_all(site.root().join("feeds/out")).unwrap();
    std::os::unix::fs::symlink("feeds/out", site.root().join("public")).unwrap();
    let (code, _, stderr) = feedfold(&site, &["build"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("paths.publish"), "{stderr}");
}

#[test]
fn a_reload_into_a_risky_layout_is_refused_and_the_old_config_keeps_publishing() {
    let site = Site::new();
    site.write("world/a.txt", "First story\nIts lede.\n");
    let daemon = Daemon::start(&site);
    site.append_config("[paths]\nfeeds = \".\"\n");
    daemon.signal(1);
    wait_for("the reload to be refused", || {
        daemon.log().contains("new configuration rejected")
    });
    site.write("world/b.txt", "Second story\nIts lede.\n");
    wait_for("the next article", || has_title(&site, "Second story"));
    std::thread::sleep(Duration::from_millis(500));
    let errors = daemon.log().matches("ERROR").count();
    assert!(errors <= 2, "{}", daemon.log());
    assert_eq!(daemon.stop(), 0);
}

#[test]
fn a_config_edit_is_picked_up_with_the_default_relative_config_path() {
    let site = Site::new();
    site.write("world/a.txt", "A story\nIts lede.\n");
    let log = fs::File::create(site.root().join("daemon.log")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_feedfold"))
        .arg("watch")
        .current_dir(site.root())
        .stderr(log)
        .spawn()
        .unwrap();
    let log = || fs::read_to_string(site.root().join("daemon.log")).unwrap_or_default();
    wait_for("the daemon to watch", || log().contains("watching"));
    let config = fs::read_to_string(site.config_path()).unwrap();
    site.write_config(&config.replace("Test News", "Renamed News"));
    wait_for("the new site title in the feed", || {
        fs::read_to_string(site.root().join("public/rss.xml"))
            .is_ok_and(|t| t.contains("Renamed News"))
    });
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn the_daemon_follows_a_content_folder_replaced_under_it() {
    let site = Site::new();
    site.write("world/a.txt", "Old tree story\nIts lede.\n");
    let daemon = Daemon::start(&site);
    let root = site.root();
    fs::create_dir_all(root.join("feeds.new/world")).unwrap();
    fs::write(
        root.join("feeds.new/world/b.txt"),
        "New tree story\nIts lede.\n",
    )
    .unwrap();
    fs::rename(root.join("feeds"), root.join("feeds.old")).unwrap();
    fs::rename(root.join("feeds.new"), root.join("feeds")).unwrap();
    wait_for("the new tree", || has_title(&site, "New tree story"));
    assert!(daemon.log().contains("replaced"), "{}", daemon.log());
    // Still listening to the new folder, not the old one.
    site.write("world/c.txt", "Later story\nIts lede.\n");
    wait_for("a later file in the new tree", || {
        has_title(&site, "Later story")
    });
    assert!(!has_title(&site, "Old tree story"));
    assert_eq!(daemon.stop(), 0);
}

#[test]
fn a_locked_index_is_waited_for_not_moved_aside() {
    let site = Site::new();
    site.write("world/a.txt", "A story\nIts lede.\n");
    let (code, _, stderr) = feedfold(&site, &["build"]);
    assert_eq!(code, 0, "{stderr}");
    let index = site.root().join(".feedfold/index.sqlite");
    let conn = rusqlite::Connection::open(&index).unwrap();
    conn.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let holder = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(1500));
        conn.execute_batch("COMMIT").unwrap();
    });
    let daemon = Daemon::start(&site);
    holder.join().unwrap();
    assert!(!daemon.log().contains("moved aside"), "{}", daemon.log());
    let aside = fs::read_dir(site.root().join(".feedfold"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("corrupt"))
        .count();
    assert_eq!(aside, 0);
    assert_eq!(daemon.stop(), 0);
}

#[test]
fn build_beside_a_running_daemon_is_refused_and_leaves_its_temp_folder_alone() {
    let site = Site::new();
    site.write("world/a.txt", "A story\nIts lede.\n");
    let daemon = Daemon::start(&site);
    let marker = site.root().join("public/.tmp/in-flight");
    fs::write(&marker, "x").unwrap();
    let (code, _, stderr) = feedfold(&site, &["build"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("already publishing"), "{stderr}");
    assert!(marker.exists());
    fs::remove_file(&marker).unwrap();
    site.write("world/b.txt", "After the refused build\nIts lede.\n");
    wait_for("the daemon still publishing", || {
        has_title(&site, "After the refused build")
    });
    assert_eq!(daemon.stop(), 0);
}

const NOBODY: u32 = 65534;

/// `feedfold build` as an unprivileged user (root reads every folder whatever its mode).
fn build_as_nobody(site: &Site) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_feedfold"))
        .args(["build", "--config"])
        .arg(site.config_path())
        .uid(NOBODY)
        .gid(NOBODY)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

#[test]
fn an_unreadable_folder_is_reported_and_its_articles_stay_published() {
    let site = Site::new();
    site.write("world/a.txt", "Readable story\nIts lede.\n");
    site.write("world/locked/b.txt", "Locked story\nIts lede.\n");
    let locked = site.root().join("feeds/world/locked");
    if is_root() {
        // Hand the site to an unprivileged user, for whom permissions hold.
        let status = Command::new("chown")
            .args(["-R", &format!("{NOBODY}:{NOBODY}")])
            .arg(site.root())
            .status()
            .unwrap();
        assert!(status.success());
        let mut perms = fs::metadata(site.root()).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
        fs::set_permissions(site.root(), perms).unwrap();
    }
    let build = || {
        if is_root() {
            build_as_nobody(&site)
        } else {
            let (code, out, err) = feedfold(&site, &["build"]);
            (code, out + &err)
        }
    };
    let (code, out) = build();
    assert_eq!(code, 0, "{out}");
    assert!(has_title(&site, "Locked story"), "{out}");
    let mut perms = fs::metadata(&locked).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o000);
    fs::set_permissions(&locked, perms).unwrap();
    site.write("world/c.txt", "New story\nIts lede.\n");
    if is_root() {
        let _ = Command::new("chown")
            .arg(format!("{NOBODY}:{NOBODY}"))
            .arg(site.root().join("feeds/world/c.txt"))
            .status();
    }
    let (code, out) = build();
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("world/locked: skipped: cannot read this folder"),
        "{out}"
    );
    assert!(has_title(&site, "Locked story"), "{:?}", titles(&site));
    assert!(has_title(&site, "New story"), "{:?}", titles(&site));
}

/// A small tmpfs mounted over a folder for the life of the value (root only).
struct SmallDisk(std::path::PathBuf);

impl SmallDisk {
    fn mount(at: &std::path::Path, size: &str) -> Option<SmallDisk> {
        fs::create_dir_all(at).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| SmallDisk(at.to_path_buf()))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// Fills the file system holding `dir` with one file; returns its path.
fn fill(dir: &std::path::Path) -> std::path::PathBuf {
    use std::io::Write;
    let path = dir.join("filler");
    let mut file = fs::File::create(&path).unwrap();
    let chunk = vec![0u8; 64 * 1024];
    while file.write_all(&chunk).is_ok() {}
    while file.write_all(&chunk[..512]).is_ok() {}
    path
}

#[test]
fn a_full_disk_keeps_a_feeds_formats_in_step_and_publishing_resumes_when_space_returns() {
    let site = Site::new();
    let Some(_disk) = SmallDisk::mount(&site.root().join("public"), "4m") else {
        eprintln!("SKIPPED: a_full_disk...: cannot mount a tmpfs (needs root)");
        return;
    };
    site.write("world/a.txt", "Before the disk filled\nIts lede.\n");
    let daemon = Daemon::start(&site);
    assert!(has_title(&site, "Before the disk filled"));
    let filler = fill(&site.root().join("public"));
    site.write("world/b.txt", "While the disk was full\nIts lede.\n");
    wait_for("the publish to fail", || {
        daemon.log().contains("No space left")
    });
    let shows = |key: &str| {
        fs::read_to_string(site.root().join("public").join(key))
            .unwrap_or_default()
            .contains("While the disk was full")
    };
    let in_step = |dir: &str| {
        let formats = ["rss.xml", "atom.xml", "feed.json"].map(|f| shows(&format!("{dir}{f}")));
        formats.iter().all(|&s| s == formats[0])
    };
    assert!(in_step("") && in_step("world/"));
    fs::remove_file(filler).unwrap();
    let freed = std::time::Instant::now();
    wait_for("every format to show the new article", || {
        ["rss.xml", "atom.xml", "feed.json", "world/rss.xml"]
            .iter()
            .all(|k| shows(k))
    });
    assert!(
        freed.elapsed() < Duration::from_secs(10),
        "{:?}",
        freed.elapsed()
    );
    assert_eq!(daemon.stop(), 0);
}

#[test]
fn a_publish_folder_removed_under_the_daemon_is_written_again_pages_and_all() {
    let site = Site::new();
    site.write("world/a.txt", "Before the removal\nIts lede.\n");
    let daemon = Daemon::start(&site);
    fs::remove_dir_all(site.root().join("public")).unwrap();
    site.write("world/b.txt", "After the removal\nIts lede.\n");
    wait_for("the new article", || has_title(&site, "After the removal"));
    assert!(site.is_published("world/after-the-removal/index.html"));
    assert_eq!(daemon.stop(), 0);
    // Pages removed while nothing ran: the next build writes them again.
    fs::remove_dir_all(site.root().join("public/world/before-the-removal")).unwrap();
    let (code, stdout, stderr) = feedfold(&site, &["build"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stdout.contains("feeds up to date"), "{stdout}");
    assert!(
        site.is_published("world/before-the-removal/index.html"),
        "{stdout}"
    );
}

#[test]
fn control_characters_in_channel_settings_or_names_are_refused_and_the_site_feeds_go_on() {
    let site = Site::new();
    site.write("world/a.txt", "First story\nIts lede.\n");
    site.write("c4/channel.toml", "author = \"\\u0000\"\n");
    site.write("c4/b.txt", "Second story\nIts lede.\n");
    site.write("ch\u{1b}x/c.txt", "Third story\nIts lede.\n");
    let (code, stdout, stderr) = feedfold(&site, &["build"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stdout.contains("FAILED"), "{stdout}");
    assert!(stderr.contains("c4/channel.toml: skipped"), "{stderr}");
    assert!(
        stderr.contains("ch\\u{1b}x: skipped: a channel name cannot hold control characters"),
        "{stderr}"
    );
    let rss = site.published("rss.xml");
    assert!(
        rss.contains("First story") && rss.contains("Second story"),
        "{rss}"
    );
    let site_with_bell = site_with("");
    site_with_bell.write_config(&format!(
        "[site]\ntitle = \"T\\u0007x\"\nbase_url = \"{BASE_URL}\"\n"
    ));
    let (code, _, stderr) = feedfold(&site_with_bell, &["build"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("site.title"), "{stderr}");
}

/// Starts the daemon over four old stories, then swaps in a content folder holding one new
/// story, and waits for the mass-deletion guard to refuse the scan.
fn refused_swap(site: &Site) -> Daemon {
    for i in 0..4 {
        site.write(
            &format!("world/a{i}.txt"),
            format!("Old story {i}\nIts lede.\n"),
        );
    }
    let daemon = Daemon::start(site);
    let root = site.root();
    fs::create_dir_all(root.join("feeds.new/world")).unwrap();
    fs::write(
        root.join("feeds.new/world/n.txt"),
        "New tree story\nIts lede.\n",
    )
    .unwrap();
    fs::rename(root.join("feeds"), root.join("feeds.old")).unwrap();
    fs::rename(root.join("feeds.new"), root.join("feeds")).unwrap();
    wait_for("the guard", || daemon.log().contains("would remove"));
    daemon
}

#[test]
fn a_refused_mass_deletion_is_not_cleared_by_a_later_small_change() {
    let site = Site::new();
    let daemon = refused_swap(&site);
    site.write("world/n2.txt", "A small change\nIts lede.\n");
    wait_for("the small change", || has_title(&site, "A small change"));
    assert!(has_title(&site, "Old story 0"), "{:?}", titles(&site));
    assert!(!daemon.log().contains("recovered"), "{}", daemon.log());
    // Allowing the deletion lets the retried full scan through.
    site.append_config("[watch]\nallow_mass_delete = true\n");
    wait_for("the full scan", || {
        has_title(&site, "New tree story") && !has_title(&site, "Old story 0")
    });
    assert_eq!(daemon.stop(), 0);
}

#[test]
fn a_configuration_saved_while_a_refused_scan_is_retried_is_not_lost() {
    // A long debounce holds the configuration's event for 3 s; the refused scan is retried
    // 5 s after the refusal, with a new watcher, whose predecessor's held events are gone.
    let site = Site::new();
    site.append_config("[watch]\ndebounce_ms = 3000\n");
    let daemon = refused_swap(&site);
    std::thread::sleep(std::time::Duration::from_millis(2500));
    site.append_config("allow_mass_delete = true\n");
    wait_for("the allowed full scan", || {
        has_title(&site, "New tree story") && !has_title(&site, "Old story 0")
    });
    assert_eq!(daemon.stop(), 0);
}

#[test]
fn a_state_folder_removed_under_the_daemon_stops_it_rather_than_letting_two_publish() {
    let site = Site::new();
    site.write("world/a.txt", "A story\nIts lede.\n");
    let mut daemon = Daemon::start(&site);
    fs::remove_dir_all(site.root().join(".feedfold")).unwrap();
    site.write("world/b.txt", "A wake-up\nIts lede.\n");
    wait_for("the daemon to stop", || {
        daemon.child.try_wait().unwrap().is_some()
    });
    let code = daemon.child.wait().unwrap().code();
    assert_eq!(code, Some(2), "{}", daemon.log());
    assert!(daemon.log().contains("state folder"), "{}", daemon.log());
}
