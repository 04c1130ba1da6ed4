//! Ids, slugs and dates are minted once and survive everything an editor does.

use std::fs;
use std::path::PathBuf;
use std::time::Duration;

use crate::support::{ARABIC_TXT, BASE_URL, Site, files_under, ids, rss, titles};

#[test]
fn an_id_survives_rename_retitle_and_a_base_url_change() {
    let mut site = Site::new();
    site.write("world/story.txt", ARABIC_TXT);
    site.build();
    let id = ids(&rss(&site, "rss.xml"))[0].clone();

    site.rename("world/story.txt", "world/renamed.txt");
    site.build();
    assert_eq!(
        ids(&rss(&site, "rss.xml")),
        std::slice::from_ref(&id),
        "after rename"
    );

    site.write(
        "world/renamed.txt",
        ARABIC_TXT.replacen("خطة جديدة", "خطة موسعة", 1),
    );
    site.build();
    let feed = rss(&site, "rss.xml");
    assert_eq!(ids(&feed), std::slice::from_ref(&id), "after retitle");
    assert!(titles(&feed)[0].contains("خطة موسعة"));

    site.edit_config(BASE_URL, "https://mirror.example.net");
    site.build();
    let feed = rss(&site, "rss.xml");
    assert_eq!(ids(&feed), [id], "after base_url change");
    assert!(
        feed.entries[0].links[0]
            .href
            .starts_with("https://mirror.example.net/world/")
    );
}

#[test]
fn a_corrected_title_keeps_the_slug_so_links_do_not_break() {
    let site = Site::new();
    site.write("news/a.md", "---\ntitle: Mayor opens brige\n---\nText.\n");
    site.build();
    let link = rss(&site, "rss.xml").entries[0].links[0].href.clone();
    site.write("news/a.md", "---\ntitle: Mayor opens bridge\n---\nText.\n");
    site.build();
    assert_eq!(rss(&site, "rss.xml").entries[0].links[0].href, link);
    assert!(link.ends_with("/news/mayor-opens-brige/"));
}

#[test]
fn a_move_to_another_channel_keeps_id_and_date() {
    let site = Site::new();
    site.write("world/a.txt", ARABIC_TXT);
    site.build();
    let before = rss(&site, "rss.xml").entries[0].clone();
    site.rename("world/a.txt", "economy/2025/a.txt");
    let report = site.build();
    assert_eq!(report.scan.moved, 1);
    let after = rss(&site, "economy/rss.xml").entries[0].clone();
    assert_eq!((after.id, after.published), (before.id, before.published));
}

#[test]
fn deleted_content_restored_gets_its_old_id_back() {
    let site = Site::new();
    site.write("world/a.txt", ARABIC_TXT);
    site.build();
    let id = ids(&rss(&site, "rss.xml"));
    site.remove("world/a.txt");
    site.build();
    assert!(
        ids(&rss(&site, "rss.xml")).is_empty(),
        "deleted item leaves the feed"
    );
    site.write("world/restored.txt", ARABIC_TXT);
    site.build();
    assert_eq!(ids(&rss(&site, "rss.xml")), id);
}

#[test]
fn two_articles_with_the_same_title_get_distinct_slugs_and_ids() {
    let site = Site::new();
    site.write("news/a.md", "# Budget approved\n\nFirst version.\n");
    site.write("news/b.md", "# Budget approved\n\nSecond version.\n");
    site.build();
    let feed = rss(&site, "news/rss.xml");
    let mut links: Vec<_> = feed
        .entries
        .iter()
        .map(|e| e.links[0].href.clone())
        .collect();
    links.sort();
    assert_eq!(
        links,
        [
            format!("{BASE_URL}/news/budget-approved-2/"),
            format!("{BASE_URL}/news/budget-approved/"),
        ]
    );
    assert_ne!(feed.entries[0].id, feed.entries[1].id);
}

#[test]
fn an_undated_article_keeps_its_first_seen_date_when_edited() {
    let site = Site::new();
    site.write("world/a.txt", ARABIC_TXT);
    site.build();
    let published = rss(&site, "rss.xml").entries[0].published;
    site.write(
        "world/a.txt",
        format!("{ARABIC_TXT}فقرة جديدة أضيفت لاحقا.\n"),
    );
    site.build();
    assert_eq!(rss(&site, "rss.xml").entries[0].published, published);
}

#[test]
fn a_rebuild_with_nothing_changed_writes_no_file_and_keeps_every_byte() {
    let site = Site::new();
    site.write("world/a.txt", ARABIC_TXT)
        .write("news/b.md", "# B\n\nBody.\n");
    site.build();
    let before = snapshot(&site);
    let report = site.build();
    assert!(
        report.publish.written.is_empty(),
        "{:?}",
        report.publish.written
    );
    assert_eq!(snapshot(&site), before);
}

#[test]
fn a_rebuild_with_nothing_changed_reports_the_articles_and_rejections_a_reading_does() {
    let site = Site::new();
    site.write("world/a.txt", ARABIC_TXT)
        .write("news/b.md", "# B\n\nBody.\n")
        .write("news/empty.txt", "  \n")
        .write("stray.md", "# Not in a channel\n");
    let first = site.build();
    assert_eq!(first.scan.added, 2);
    let again = site.build();
    assert_eq!(again.scan.unchanged, 2);
    assert_eq!(again.scan.rejected, first.scan.rejected);
    assert_eq!(again.scan.rejected.len(), 2, "{:?}", again.scan.rejected);
    // The same bytes at a new time are read again, and still unchanged.
    let path = site.root().join("feeds/news/b.md");
    let later = fs::metadata(&path).unwrap().modified().unwrap() + Duration::from_secs(60);
    fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(later)
        .unwrap();
    let touched = site.build();
    assert_eq!((touched.scan.unchanged, touched.scan.changed), (2, 0));
    assert_eq!(touched.scan.rejected, first.scan.rejected);
}

#[test]
fn a_rebuild_after_a_rejected_file_is_fixed_publishes_it() {
    let site = Site::new();
    site.write("news/a.md", "# A\n\nBody.\n")
        .write("news/b.md", "  \n");
    site.build();
    site.build();
    site.write("news/b.md", "# B fixed\n\nBody.\n");
    let fixed = site.build();
    assert_eq!((fixed.scan.added, fixed.scan.rejected.len()), (1, 0));
    assert!(titles(&rss(&site, "rss.xml")).contains(&"B fixed".to_string()));
}

#[test]
fn a_lost_index_rebuilt_from_the_same_files_mints_the_same_ids() {
    let site = Site::new();
    site.write("world/a.txt", ARABIC_TXT);
    site.build();
    let id = ids(&rss(&site, "rss.xml"));
    fs::remove_dir_all(site.root().join(".feedfold")).unwrap();
    site.build();
    assert_eq!(ids(&rss(&site, "rss.xml")), id);
}

#[test]
fn an_index_of_schema_eight_is_upgraded_in_place_and_a_rebuild_still_reads_nothing() {
    let site = Site::new();
    site.write("world/a.txt", ARABIC_TXT)
        .write("news/b.md", "# B\n\nBody.\n");
    site.build();
    let id = ids(&rss(&site, "rss.xml"));
    // What feedfold 8 left: no listing index, no triggers.
    let index = site.root().join(".feedfold/index.sqlite");
    let conn = rusqlite::Connection::open(&index).unwrap();
    let triggers: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(triggers.len(), 6);
    for trigger in triggers {
        conn.execute_batch(&format!("DROP TRIGGER {trigger};"))
            .unwrap();
    }
    conn.execute_batch("DROP INDEX articles_live_stat; PRAGMA user_version = 8;")
        .unwrap();
    drop(conn);
    let before = snapshot(&site);
    let report = site.build();
    assert_eq!(report.scan.unchanged, 2, "{report:?}");
    assert!(report.publish.written.is_empty(), "{report:?}");
    assert_eq!(snapshot(&site), before);
    assert_eq!(ids(&rss(&site, "rss.xml")), id);
    let conn = rusqlite::Connection::open(&index).unwrap();
    let (version, listing): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT user_version FROM pragma_user_version),
                (SELECT count(*) FROM sqlite_master WHERE name = 'articles_live_stat')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((version, listing), (feedfold::index::SCHEMA_VERSION, 1));
}

/// Every published file with its bytes and modification time.
fn snapshot(site: &Site) -> Vec<(PathBuf, Vec<u8>, std::time::SystemTime)> {
    files_under(&site.root().join("public"))
        .into_iter()
        .map(|path| {
            let mtime = fs::metadata(&path).unwrap().modified().unwrap();
            let bytes = fs::read(&path).unwrap();
            (path, bytes, mtime)
        })
        .collect()
}
