//! What an attacker or a careless editor can put in `feeds/`: links out, FIFOs, names that
//! forge log lines or are not UTF-8. Nothing outside the content root is ever published,
//! nothing hangs, and each problem is reported with the file and the reason.

use std::fs;
use std::os::unix::fs::symlink;
use std::process::Command;

use crate::cli::feedfold;
use crate::daemon_support::{Daemon, has_title, wait_for};
use crate::support::{Site, files_under};

/// True when any published file contains `needle`.
fn published_anywhere(site: &Site, needle: &str) -> bool {
    files_under(&site.root().join("public"))
        .iter()
        .any(|f| fs::read(f).is_ok_and(|b| String::from_utf8_lossy(&b).contains(needle)))
}

const SECRET: &str = "marker-secret-7781";

/// A site whose config file holds a secret, with a link to it and one to a system file.
fn site_with_links_out() -> Site {
    let site = Site::new();
    site.append_config(&format!("# {SECRET}\n"));
    site.write("world/a.txt", "A real story\nIts lede.\n");
    let s = site.root().join("feeds/s");
    fs::create_dir_all(&s).unwrap();
    symlink("/etc/passwd", s.join("p.txt")).unwrap();
    symlink("../../config.toml", s.join("c.txt")).unwrap();
    site
}

#[test]
fn a_symlink_out_of_the_content_folder_is_reported_and_never_published() {
    let site = site_with_links_out();
    let (code, stdout, stderr) = feedfold(&site, &["build"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("published 1 articles"), "{stdout}");
    assert!(
        stderr.contains("s/p.txt: skipped: a symbolic link leading outside"),
        "{stderr}"
    );
    assert!(
        stderr.contains("s/c.txt: skipped: a symbolic link leading outside"),
        "{stderr}"
    );
    assert!(!published_anywhere(&site, "root:x:0"));
    assert!(!published_anywhere(&site, SECRET));
}

#[test]
fn a_symlink_inside_the_content_folder_is_followed() {
    let site = Site::new();
    site.write("world/real.txt", "Linked story\nIts lede.\n");
    fs::create_dir_all(site.root().join("feeds/other")).unwrap();
    symlink(
        "../world/real.txt",
        site.root().join("feeds/other/link.txt"),
    )
    .unwrap();
    let (code, stdout, stderr) = feedfold(&site, &["build"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("published 2 articles"), "{stdout}");
}

#[test]
fn a_link_is_an_article_only_by_its_own_name_and_reserved_folders_are_refused() {
    let site = Site::new();
    site.write("world/real.txt", "Linked story\nIts lede.\n");
    symlink("real.txt", site.root().join("feeds/world/photo.jpg")).unwrap();
    site.write("_/a.txt", "In the files folder\nIts lede.\n");
    site.write("authors/b.txt", "In the authors folder\nIts lede.\n");
    let (code, stdout, stderr) = feedfold(&site, &["build"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("published 1 articles"), "{stdout}");
    for (name, what) in [("_", "generated files"), ("authors", "generated feeds")] {
        let line = format!("{name}: skipped: channel name is reserved for {what}");
        assert!(stderr.contains(&line), "{stderr}");
    }
}

#[test]
fn a_symlink_swapped_in_under_the_daemon_is_refused_and_the_old_version_stays() {
    let site = Site::new();
    site.append_config(&format!("# {SECRET}\n"));
    site.write("world/a.txt", "Original story\nIts lede.\n");
    let daemon = Daemon::start(&site);
    assert!(has_title(&site, "Original story"));
    let path = site.root().join("feeds/world/a.txt");
    fs::remove_file(&path).unwrap();
    symlink("../../config.toml", &path).unwrap();
    symlink("/etc/passwd", site.root().join("feeds/world/p.txt")).unwrap();
    wait_for("the refusal to be logged", || {
        let log = daemon.log();
        log.contains("world/a.txt") && log.contains("world/p.txt") && log.contains("outside")
    });
    assert!(has_title(&site, "Original story"));
    assert!(!published_anywhere(&site, SECRET));
    assert!(!published_anywhere(&site, "root:x:0"));
    assert_eq!(daemon.stop(), 0);
}

/// How many inotify watches process `pid` holds.
fn inotify_watches(pid: u32) -> usize {
    let mut n = 0;
    for fd in fs::read_dir(format!("/proc/{pid}/fdinfo"))
        .unwrap()
        .flatten()
    {
        let info = fs::read_to_string(fd.path()).unwrap_or_default();
        n += info
            .lines()
            .filter(|l| l.starts_with("inotify wd:"))
            .count();
    }
    n
}

#[test]
fn the_watcher_does_not_follow_a_symlinked_folder() {
    let site = Site::new();
    site.write("world/a.txt", "A story\nIts lede.\n");
    symlink("/usr", site.root().join("feeds/world/u")).unwrap();
    let daemon = Daemon::start(&site);
    let watches = inotify_watches(daemon.child.id());
    assert!(watches < 20, "{watches} inotify watches");
    assert!(
        daemon
            .log()
            .contains("a symbolic link to a folder: not followed")
    );
    assert_eq!(daemon.stop(), 0);
}

fn mkfifo(path: &std::path::Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success());
}

#[test]
fn fifos_dangling_links_and_loops_are_reported_and_do_not_hang() {
    let site = Site::new();
    site.write("world/a.txt", "A story\nIts lede.\n");
    let world = site.root().join("feeds/world");
    mkfifo(&world.join("fifo.txt"));
    symlink("nowhere.txt", world.join("dangling.txt")).unwrap();
    symlink("loop.txt", world.join("loop.txt")).unwrap();
    symlink("/dev/zero", world.join("zero.txt")).unwrap();
    let (code, stdout, stderr) = feedfold(&site, &["build"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("published 1 articles"), "{stdout}");
    assert!(
        stderr.contains("world/fifo.txt: skipped: a FIFO"),
        "{stderr}"
    );
    assert!(
        stderr.contains("world/dangling.txt: skipped: a dangling symbolic link"),
        "{stderr}"
    );
    assert!(
        stderr.contains("world/loop.txt: skipped: a symbolic link loop"),
        "{stderr}"
    );
    assert!(
        stderr.contains("world/zero.txt: skipped: a symbolic link leading outside"),
        "{stderr}"
    );
}

#[test]
fn a_file_name_cannot_forge_a_log_line() {
    let site = Site::new();
    site.write("world/a.txt", "A story\nIts lede.\n");
    let daemon = Daemon::start(&site);
    site.write("world/x\nERROR forged line.txt", "");
    wait_for("the empty file to be reported", || {
        daemon.log().contains("forged line")
    });
    let log = daemon.log();
    assert!(log.lines().all(|l| !l.starts_with("ERROR forged")), "{log}");
    assert!(log.contains("x\\nERROR forged line.txt"), "{log}");
    assert_eq!(daemon.stop(), 0);
    let (_, stdout, _) = feedfold(&site, &["check"]);
    assert!(
        stdout.contains("x\\nERROR forged line.txt: skipped"),
        "{stdout}"
    );
    assert!(
        stdout.lines().all(|l| !l.starts_with("ERROR forged")),
        "{stdout}"
    );
}

#[test]
fn names_that_are_not_utf8_are_each_reported_by_name() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let site = Site::new();
    site.write("world/a.txt", "A story\nIts lede.\n");
    let world = site.root().join("feeds/world");
    for name in [&b"latin1-\xe9\xff.txt"[..], b"latin1-\xe9\xfe.txt"] {
        fs::write(world.join(OsStr::from_bytes(name)), "Title\nLede.\n").unwrap();
    }
    let (code, stdout, stderr) = feedfold(&site, &["build"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("published 1 articles"), "{stdout}");
    for shown in ["latin1-\\xE9\\xFF.txt", "latin1-\\xE9\\xFE.txt"] {
        assert!(
            stderr.contains(&format!(
                "world/{shown}: skipped: the name is not valid UTF-8"
            )),
            "{stderr}"
        );
    }
}

#[test]
fn a_channel_folder_named_like_a_generated_file_is_refused_and_publishing_goes_on() {
    let site = Site::new();
    site.write("world/a.txt", "A story\nIts lede.\n");
    for name in ["rss.xml", "index.html", "feed.json", "healthz"] {
        site.write(&format!("{name}/b.txt"), "Shadowing story\nIts lede.\n");
    }
    let (code, stdout, stderr) = feedfold(&site, &["build"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("published 1 articles"), "{stdout}");
    assert!(
        stderr.contains("rss.xml: skipped: channel name is the name of a generated file"),
        "{stderr}"
    );
    assert!(site.published("rss.xml").contains("A story"));
}
