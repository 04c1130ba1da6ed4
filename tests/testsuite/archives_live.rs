//! Archives under watch: the news goes out before the archives and sitemaps, which follow
//! once the changes pause; a new month's archive is there, in every format, before a feed
//! links it; a change that touches every month rewrites them a few at a time; a channel
//! whose newest articles change language leaves its closed months alone.

use crate::archives::{archives, article, channel, ids, link, site_with};
use crate::daemon_support::{Daemon, wait_for};

/// The lines of the daemon's log that report a publish.
fn publishes(daemon: &Daemon) -> Vec<String> {
    let log = daemon.log();
    let lines = log
        .lines()
        .filter(|l| l.contains("published") && l.contains("written="));
    lines.map(str::to_string).collect()
}

#[test]
fn under_watch_a_new_articles_feeds_go_out_at_once_and_its_archive_and_sitemap_once_changes_pause()
{
    let site = site_with("limit = 5");
    site.write("world/a.md", article("First", "2024-11-01", 10));
    let daemon = Daemon::start(&site);
    let november = "_/archive/world/2024-11/rss.xml";
    let before = publishes(&daemon).len();
    site.write("world/b.md", article("Second", "2024-11-02", 10));
    wait_for("the news, then the archive, published", || {
        publishes(&daemon).len() >= before + 2
    });
    let lines = publishes(&daemon);
    let news = &lines[before];
    assert!(
        news.contains("added=1") && news.contains("\"world/rss.xml\""),
        "{news}"
    );
    assert!(
        !news.contains("_/archive/") && !news.contains("sitemap"),
        "the news publish waited for the archive or the sitemap: {news}"
    );
    let caught_up = &lines[before + 1..];
    let wrote = |key: &str| caught_up.iter().any(|l| l.contains(&format!("\"{key}\"")));
    assert!(wrote(november) && wrote("sitemap.xml"), "{caught_up:?}");
    assert_eq!(ids(&site, november).len(), 2);
    assert_eq!(ids(&site, "world/rss.xml").len(), 2);
    assert!(site.published("sitemap.xml").contains("/world/second/"));
}

#[test]
fn under_watch_a_new_site_title_rewrites_the_archives_a_few_months_per_publish() {
    let mut site = site_with("limit = 5");
    channel(&site, 2_000, 3);
    site.build();
    let total = archives(&site).len();
    assert!(total >= 16, "{total} archive documents");
    let daemon = Daemon::start(&site);
    let before = publishes(&daemon).len();
    site.edit_config("title = \"Test News\"", "title = \"Changed Desk\"");
    wait_for("every archive rewritten", || {
        let all = archives(&site);
        let changed = all
            .values()
            .filter(|b| String::from_utf8_lossy(b).contains("Changed Desk"));
        changed.count() == all.len()
    });
    wait_for("the last publish logged", || {
        let lines = publishes(&daemon);
        let written = lines[before..]
            .iter()
            .map(|l| l.matches("\"_/archive/").count());
        written.sum::<usize>() >= total
    });
    let lines = publishes(&daemon);
    let per_publish: Vec<usize> = (lines[before..].iter())
        .map(|l| l.matches("\"_/archive/").count())
        .collect();
    assert!(per_publish.len() >= 3, "{per_publish:?}");
    assert!(
        per_publish.iter().all(|n| *n < total / 2),
        "{per_publish:?}"
    );
    assert_eq!(daemon.stop(), 0);
}

#[test]
fn under_watch_a_new_months_first_article_brings_its_archive_in_every_format_at_once() {
    let site = site_with("limit = 5");
    site.write("world/a.md", article("First", "2024-11-01", 10));
    let daemon = Daemon::start(&site);
    let before = publishes(&daemon).len();
    site.write("world/b.md", article("Second", "2024-12-02", 10));
    wait_for("the new month published", || {
        publishes(&daemon).len() > before
    });
    let news = &publishes(&daemon)[before];
    for key in [
        "_/archive/2024-12/rss.xml",
        "_/archive/2024-12/atom.xml",
        "_/archive/world/2024-12/rss.xml",
        "_/archive/world/2024-12/atom.xml",
    ] {
        assert!(news.contains(&format!("\"{key}\"")), "{key} waited: {news}");
    }
    let prev = link(&site, "world/atom.xml", "prev-archive");
    assert_eq!(prev.as_deref(), Some("_/archive/world/2024-12/atom.xml"));
    assert_eq!(daemon.stop(), 0);
}
