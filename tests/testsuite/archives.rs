//! Archived feeds (RFC 5005 section 4): walking `prev-archive` from a current feed meets every
//! published item exactly once; a month that is over keeps its bytes until one of its own
//! articles changes; scheduled stories stay out; a month too large is split into parts.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::time::SystemTime;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use feedfold::commands;

use crate::support::{BASE_URL, Site, files_under, now};

/// An article dated `date` (front matter), with a paragraph of `words` words.
pub(crate) fn article(title: &str, date: &str, words: usize) -> String {
    let body = vec!["news"; words].join(" ");
    format!("---\ntitle: {title}\ndate: {date}\n---\n{title}\n{body}.\n")
}

/// A channel `world` of `count` articles, one every `hours` hours from 1 January 2024.
pub(crate) fn channel(site: &Site, count: usize, hours: i64) {
    let start = Utc.with_ymd_and_hms(2024, 1, 1, 6, 0, 0).unwrap();
    for i in 0..count {
        let at = start + TimeDelta::hours(hours * i as i64);
        let date = at.to_rfc3339();
        site.write(
            &format!("world/a{i:04}.md"),
            article(&format!("Story {i}"), &date, 20),
        );
    }
}

/// The key a public URL stands for.
fn key_of(url: &str) -> String {
    let path = url.strip_prefix(BASE_URL).unwrap().trim_start_matches('/');
    percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .unwrap()
        .into_owned()
}

/// The feed-level link `rel` of the RSS or Atom document at `key`, as a key.
pub(crate) fn link(site: &Site, key: &str, rel: &str) -> Option<String> {
    let text = site.published(key);
    let doc = roxmltree::Document::parse(&text).unwrap();
    let root = doc.root_element();
    let feed = if root.tag_name().name() == "rss" {
        root.children().find(|n| n.has_tag_name("channel")).unwrap()
    } else {
        root
    };
    feed.children()
        .find(|n| n.tag_name().name() == "link" && n.attribute("rel") == Some(rel))
        .map(|n| key_of(n.attribute("href").unwrap()))
}

/// The item ids of the RSS or Atom document at `key`.
pub(crate) fn ids(site: &Site, key: &str) -> Vec<String> {
    let text = site.published(key);
    let doc = roxmltree::Document::parse(&text).unwrap();
    doc.descendants()
        .filter(|n| matches!(n.tag_name().name(), "item" | "entry"))
        .filter_map(|n| {
            let name = if n.has_tag_name("item") { "guid" } else { "id" };
            n.children().find(|c| c.tag_name().name() == name)
        })
        .map(|n| n.text().unwrap_or_default().to_string())
        .collect()
}

/// The archive documents met walking `prev-archive` from the feed at `key`, newest first.
fn walk(site: &Site, key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut at = link(site, key, "prev-archive");
    while let Some(key) = at {
        assert!(!out.contains(&key), "{key} met twice");
        at = link(site, &key, "prev-archive");
        out.push(key);
    }
    out
}

/// Every archive file and its bytes.
pub(crate) fn archives(site: &Site) -> BTreeMap<String, Vec<u8>> {
    let public = site.root().join("public");
    files_under(&public.join("_/archive"))
        .into_iter()
        .map(|path| {
            let key = path.strip_prefix(&public).unwrap().display().to_string();
            (key, fs::read(&path).unwrap())
        })
        .collect()
}

fn mtime(site: &Site, key: &str) -> SystemTime {
    let path = site.root().join("public").join(key);
    fs::metadata(path).unwrap().modified().unwrap()
}

pub(crate) fn site_with(feed: &str) -> Site {
    let site = Site::new();
    site.append_config(&format!("[feed]\n{feed}\n"));
    site
}

#[test]
fn walking_prev_archive_from_a_500_article_channel_meets_every_id_exactly_once() {
    let site = site_with("limit = 20");
    channel(&site, 500, 15);
    site.build();
    for format in ["rss.xml", "atom.xml"] {
        let current = format!("world/{format}");
        let shown = ids(&site, &current);
        assert_eq!(shown.len(), 20);
        let documents = walk(&site, &current);
        assert!(documents.len() >= 10, "{documents:?}");
        let mut seen = Vec::new();
        for document in &documents {
            assert!(document.ends_with(format), "{document}");
            assert!(site.published(document).contains("<fh:archive"));
            assert_eq!(link(&site, document, "current"), Some(current.clone()));
            seen.extend(ids(&site, document));
        }
        let unique: HashSet<&String> = seen.iter().collect();
        assert_eq!(seen.len(), 500, "{format}: every item once");
        assert_eq!(unique.len(), 500);
        assert!(
            shown.iter().all(|id| unique.contains(id)),
            "same ids as the current feed"
        );
        // And back: next-archive leads from the oldest document to the newest.
        let oldest = documents.last().unwrap();
        let mut forward = vec![oldest.clone()];
        while let Some(next) = link(&site, forward.last().unwrap(), "next-archive") {
            forward.push(next);
        }
        forward.reverse();
        assert_eq!(forward, documents);
    }
    let site_feed = walk(&site, "rss.xml");
    let total: usize = site_feed.iter().map(|d| ids(&site, d).len()).sum();
    assert_eq!(total, 500, "the site feed's archives too");
}

#[test]
fn a_closed_month_keeps_its_bytes_and_mtime_when_ten_articles_arrive_in_a_later_month() {
    let site = site_with("limit = 5");
    for (i, date) in ["2024-10-05", "2024-10-20", "2024-11-03", "2024-12-01"]
        .iter()
        .enumerate()
    {
        site.write(
            &format!("world/old{i}.md"),
            article(&format!("Old {i}"), date, 10),
        );
    }
    site.build();
    let october = "_/archive/world/2024-10/rss.xml";
    let november = "_/archive/2024-11/atom.xml";
    let before = archives(&site);
    let times = (mtime(&site, october), mtime(&site, november));
    std::thread::sleep(std::time::Duration::from_millis(20));
    for i in 0..10 {
        let date = format!("2024-12-{:02} 10:00", 10 + i);
        site.write(
            &format!("world/new{i}.md"),
            article(&format!("New {i}"), &date, 10),
        );
    }
    let report = site.build();
    let after = archives(&site);
    for key in [october, november, "_/archive/world/2024-10/atom.xml"] {
        assert_eq!(before[key], after[key], "{key}");
    }
    assert_eq!((mtime(&site, october), mtime(&site, november)), times);
    let rewritten: Vec<&String> = report
        .publish
        .written
        .iter()
        .filter(|k| k.starts_with("_/"))
        .collect();
    assert!(
        rewritten.iter().all(|k| k.contains("2024-12")),
        "{rewritten:?}"
    );
}

/// Where `key` is in the order a publish wrote its files.
fn written_at(written: &[String], key: &str) -> usize {
    let found = written.iter().position(|k| k == key);
    found.unwrap_or_else(|| panic!("{key} not written: {written:?}"))
}

#[test]
fn a_new_articles_feeds_are_written_before_its_months_archive_but_never_before_a_new_month() {
    let site = site_with("limit = 5");
    let (feed, november) = ("world/rss.xml", "_/archive/world/2024-11/rss.xml");
    site.write("world/a.md", article("First", "2024-11-01", 10));
    let written = site.build().publish.written;
    assert!(
        written_at(&written, november) < written_at(&written, feed),
        "a new month: its archive is there before a feed links it"
    );
    site.write("world/b.md", article("Second", "2024-11-02", 10));
    let written = site.build().publish.written;
    assert!(
        written_at(&written, feed) < written_at(&written, november),
        "the month's archive exists: the news does not wait for it"
    );
    site.write("world/c.md", article("Third", "2024-12-02", 10));
    let written = site.build().publish.written;
    let december = "_/archive/world/2024-12/rss.xml";
    assert!(written_at(&written, december) < written_at(&written, feed));
    let prev = link(&site, feed, "prev-archive");
    assert_eq!(prev.as_deref(), Some(december));
}

#[test]
fn a_correction_to_an_old_article_rewrites_exactly_its_months_archives() {
    let site = site_with("limit = 2");
    for (i, date) in ["2024-08-05", "2024-09-05", "2024-09-20", "2024-10-05"]
        .iter()
        .enumerate()
    {
        site.write(
            &format!("world/s{i}.md"),
            article(&format!("Story {i}"), date, 10),
        );
    }
    site.build();
    let before = archives(&site);
    let corrected = article("Story 1", "2024-09-05", 10).replace(
        "date: 2024-09-05\n",
        "date: 2024-09-05\ncorrection: \"The minister's name.\"\n",
    );
    site.write("world/s1.md", corrected);
    site.build();
    let after = archives(&site);
    let changed: Vec<&String> = after
        .keys()
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    assert_eq!(
        changed,
        [
            "_/archive/2024-09/atom.xml",
            "_/archive/2024-09/rss.xml",
            "_/archive/world/2024-09/atom.xml",
            "_/archive/world/2024-09/rss.xml",
        ]
    );
    assert!(
        String::from_utf8_lossy(&after["_/archive/world/2024-09/rss.xml"]).contains("minister")
    );
}

#[test]
fn a_scheduled_article_is_in_no_archive_before_its_moment() {
    let site = Site::new();
    site.write("world/past.md", article("Past story", "2024-12-20", 10));
    site.write(
        "world/later.md",
        article("Embargoed story", "2025-01-05 09:00", 10),
    );
    site.build();
    let leaked = archives(&site)
        .iter()
        .any(|(_, bytes)| String::from_utf8_lossy(bytes).contains("Embargoed"));
    assert!(!leaked);
    assert!(!site.is_published("_/archive/world/2025-01/rss.xml"));
    let moment: DateTime<Utc> = now() + TimeDelta::days(5);
    commands::build(&site.config(), moment).unwrap();
    assert!(
        site.published("_/archive/world/2025-01/rss.xml")
            .contains("Embargoed")
    );
    assert_eq!(
        link(&site, "world/rss.xml", "prev-archive").as_deref(),
        Some("_/archive/world/2025-01/rss.xml")
    );
}

#[test]
fn a_month_over_max_bytes_is_split_into_parts_chained_in_order() {
    let site = site_with("limit = 5\nmax_bytes = 20000");
    let start = Utc.with_ymd_and_hms(2024, 11, 1, 6, 0, 0).unwrap();
    for i in 0..60 {
        let date = (start + TimeDelta::hours(10 * i)).to_rfc3339();
        site.write(
            &format!("world/b{i:02}.md"),
            article(&format!("Big {i}"), &date, 150),
        );
    }
    site.build();
    for format in ["rss.xml", "atom.xml"] {
        let documents = walk(&site, &format!("world/{format}"));
        assert!(documents.len() >= 3, "{documents:?}");
        assert!(documents.iter().all(|d| d.contains("2024-11/")));
        assert_eq!(documents[0], format!("_/archive/world/2024-11/{format}"));
        let mut seen = HashSet::new();
        for document in &documents {
            assert!(site.published(document).len() <= 20000, "{document}");
            for id in ids(&site, document) {
                assert!(seen.insert(id), "an id twice");
            }
        }
        assert_eq!(seen.len(), 60);
    }
}

#[test]
fn a_retracted_article_shows_its_notice_in_its_archive_never_its_text() {
    let site = site_with("limit = 1");
    site.write("world/a.md", article("Kept", "2024-12-01", 5));
    site.write(
        "world/b.md",
        "---\ntitle: Withdrawn\ndate: 2024-11-10\nretracted: Sources withdrew\n---\nWithdrawn\nSecret claims here.\n",
    );
    site.write("world/c.md", article("Newest", "2024-12-30", 5));
    site.build();
    let rss = site.published("_/archive/world/2024-11/rss.xml");
    assert!(
        rss.contains("Sources withdrew") && !rss.contains("Secret claims"),
        "{rss}"
    );
    let atom = site.published("_/archive/world/2024-11/atom.xml");
    assert!(
        atom.contains("at:deleted-entry") && !atom.contains("Secret claims"),
        "{atom}"
    );
}

#[test]
fn archives_can_be_turned_off() {
    let site = site_with("archive = false");
    site.write("world/a.md", article("Story", "2024-12-01", 5));
    site.build();
    assert!(!site.root().join("public/_/archive").exists());
    assert_eq!(link(&site, "world/rss.xml", "prev-archive"), None);
}
