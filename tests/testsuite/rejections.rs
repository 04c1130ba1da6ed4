//! Bad input is reported with the file and the reason; nothing already published is lost.

use crate::support::{ARABIC_TXT, Site, ids, rss};

fn rejected(report: &feedfold::commands::BuildReport) -> Vec<(String, String)> {
    report.scan.rejected.clone()
}

#[test]
fn empty_binary_and_broken_files_are_skipped_with_their_reason() {
    let site = Site::new();
    site.write("news/good.md", "# Good\n\nFine.\n")
        .write("news/empty.txt", "  \n\n")
        .write("news/photo.md", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
        .write("news/broken.md", "---\ntitle: [unclosed\n---\nBody\n")
        .write("news/untitled.md", "Just a paragraph, no title.\n");
    let report = site.build();
    let reasons: Vec<_> = rejected(&report)
        .into_iter()
        .map(|(p, r)| format!("{p}: {r}"))
        .collect();
    assert_eq!(reasons.len(), 4, "{reasons:?}");
    assert!(
        reasons[0].starts_with("news/broken.md: unparseable front matter: YAML"),
        "{reasons:?}"
    );
    assert_eq!(reasons[1], "news/empty.txt: empty file");
    assert_eq!(reasons[2], "news/photo.md: binary content, not text");
    assert!(reasons[3].starts_with("news/untitled.md: no title"));
    assert_eq!(rss(&site, "rss.xml").entries.len(), 1);
}

#[test]
fn editor_leftovers_are_ignored_silently() {
    let site = Site::new();
    for name in [
        "a.md~",
        ".a.md.swp",
        ".#a.md",
        "4913",
        "notes.docx",
        ".hidden.md",
    ] {
        site.write(&format!("news/{name}"), "# Junk\n");
    }
    let report = site.build();
    assert!(rejected(&report).is_empty());
    assert!(rss(&site, "rss.xml").entries.is_empty());
}

#[test]
fn files_over_the_size_cap_are_skipped() {
    let site = Site::new();
    site.append_config("[feed]\nmax_article_bytes = 100\n");
    site.write("news/big.md", format!("# Big\n\n{}\n", "word ".repeat(50)));
    let report = site.build();
    assert!(rejected(&report)[0].1.contains("over the 100-byte limit"));
}

#[test]
fn drafts_are_indexed_but_not_published() {
    let site = Site::new();
    site.write(
        "news/draft.md",
        "---\ntitle: Secret\ndraft: true\n---\nNot yet.\n",
    );
    site.build();
    assert!(rss(&site, "rss.xml").entries.is_empty());
    assert!(!site.published("rss.xml").contains("Secret"));
}

#[test]
fn an_article_broken_by_an_edit_keeps_its_last_good_version_published() {
    let site = Site::new();
    site.write("world/a.txt", ARABIC_TXT);
    site.build();
    let before = site.published("rss.xml");
    site.write("world/a.txt", "");
    let report = site.build();
    assert_eq!(
        rejected(&report),
        [("world/a.txt".to_string(), "empty file".to_string())]
    );
    assert_eq!(site.published("rss.xml"), before);
}

#[test]
fn an_invalid_date_rejects_the_article_with_the_reason() {
    let site = Site::new();
    site.write(
        "news/a.md",
        "---\ntitle: T\ndate: next tuesday\n---\nBody.\n",
    );
    let report = site.build();
    let (path, reason) = &rejected(&report)[0];
    assert_eq!(path, "news/a.md");
    assert!(
        reason.starts_with("invalid date in front matter `date`: `next tuesday` is not a date"),
        "{reason}"
    );
    assert!(rss(&site, "rss.xml").entries.is_empty());
}

#[test]
fn deleting_an_article_removes_it_from_every_feed_and_empty_tag_feeds_go_away() {
    let site = Site::new();
    site.write("news/a.md", "---\ntitle: A\ntags: [solo]\n---\nBody.\n");
    site.write("news/b.md", "# B\n\nBody.\n");
    site.build();
    assert!(site.is_published("tags/solo/rss.xml"));
    site.remove("news/a.md");
    site.build();
    assert_eq!(ids(&rss(&site, "news/rss.xml")).len(), 1);
    // For the tombstone period the tag feed carries the Atom tombstone, and no RSS item.
    assert!(rss(&site, "tags/solo/rss.xml").entries.is_empty());
    assert!(
        site.published("tags/solo/atom.xml")
            .contains("<at:deleted-entry")
    );
    let after = crate::support::now() + chrono::TimeDelta::days(31);
    feedfold::commands::build(&site.config(), after).unwrap();
    assert!(!site.is_published("tags/solo/rss.xml"));
    assert!(!site.published("atom.xml").contains("deleted-entry"));
}
