//! The HTML pages readers see: dates in the site's time zone; under `watch`, a change that
//! restyles every page done in the background, a chunk per publish, news first.

use std::fs;
use std::time::Duration;

use crate::daemon_support::{Daemon, wait_for};
use crate::support::{Site, files_under};

#[test]
fn pages_show_the_day_an_article_is_dated_in_the_site_time_zone() {
    // Midnight 2024-11-25 in Asia/Riyadh is 21:00 on the 24th in UTC.
    let site = Site::new();
    site.write(
        "world/a.md",
        "---\ntitle: Dated\nslug: a\ndate: 2024-11-25\n---\nB.\n",
    );
    site.build();
    for key in ["world/a/index.html", "index.html", "world/index.html"] {
        let page = site.published(key);
        assert!(page.contains(">2024-11-25</time>"), "{key}: {page}");
        assert!(!page.contains(">2024-11-24</time>"), "{key}");
        assert!(
            page.contains("datetime=\"2024-11-25T00:00:00+03:00\""),
            "{key}"
        );
    }
}

/// The article pages of channel `news`, and how many of them show `title`.
fn pages_showing(site: &Site, title: &str) -> (usize, usize) {
    let news = site.root().join("public/news");
    let pages: Vec<_> = files_under(&news)
        .into_iter()
        .filter(|p| p.ends_with("index.html") && p.parent() != Some(news.as_path()))
        .collect();
    let showing = pages
        .iter()
        .filter(|p| fs::read_to_string(p).is_ok_and(|page| page.contains(title)));
    (showing.count(), pages.len())
}

/// The `pages=` count of every publish the daemon logged.
fn pages_per_publish(daemon: &Daemon) -> Vec<usize> {
    let log = daemon.log();
    let lines = log.lines().filter(|l| l.contains(" published "));
    let count = |l: &str| l.split(" pages=").nth(1)?.split(' ').next()?.parse().ok();
    lines.filter_map(count).collect()
}

#[test]
fn a_new_site_title_restyles_every_page_in_the_background_while_news_goes_out_at_once() {
    let mut site = Site::new();
    site.append_config("[feed]\narchive = false\n");
    for i in 0..2_500 {
        site.write(&format!("news/{i}.txt"), format!("Story {i}\nIts lede.\n"));
    }
    site.build();
    let pause = site.root().join("pause");
    let daemon = Daemon::start_with(&site, &[("FEEDFOLD_TEST_PAUSE", pause.to_str().unwrap())]);
    let before = pages_per_publish(&daemon).len();
    // The new title and a new story reach the daemon together.
    fs::write(&pause, "").unwrap();
    std::thread::sleep(Duration::from_millis(100));
    site.edit_config("title = \"Test News\"", "title = \"Changed Desk\"");
    site.write("news/new.txt", "Breaking story\nIts lede.\n");
    std::thread::sleep(Duration::from_millis(300));
    fs::remove_file(&pause).unwrap();
    wait_for("every page written again, and logged", || {
        pages_per_publish(&daemon)[before..].iter().sum::<usize>() >= 2_501
    });
    assert_eq!(pages_showing(&site, "Changed Desk"), (2_501, 2_501));
    let after = pages_per_publish(&daemon)[before..].to_vec();
    assert!(after.len() >= 3, "in chunks: {after:?}");
    assert!(after.iter().all(|n| *n <= 1_025), "{after:?}");
    let first = daemon.log();
    let first = first
        .lines()
        .filter(|l| l.contains(" published "))
        .nth(before);
    assert!(first.is_some_and(|l| l.contains("added=1")), "{first:?}");
    assert!(
        site.published("news/breaking-story/index.html")
            .contains("Changed Desk")
    );
    assert_eq!(daemon.stop(), 0);
}
