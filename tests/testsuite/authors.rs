//! Author feeds: every author of a published article gets `authors/{slug}/` (RSS, Atom,
//! JSON Feed and a page), listed in OPML and the sitemap and linked from every byline; the
//! cap `feed.max_authors`; retractions, takedowns and dates as for tag feeds; and an index
//! of schema 7 upgraded so that every article's authors are read.

use crate::support::{BASE_URL, Site, atom_updated, build_at, ids, rss, titles};

/// A Markdown article by `authors` (YAML), dated `date`, with `extra` front matter.
fn by(title: &str, authors: &str, date: &str, extra: &str) -> String {
    format!(
        "---\ntitle: \"{title}\"\nauthors: {authors}\ndate: {date}\n{extra}---\nBody of {title}.\n"
    )
}

const ARABIC_FOLDER: &str = "authors/سارة-أحمد/";
const ARABIC_URL: &str = "authors/%D8%B3%D8%A7%D8%B1%D8%A9-%D8%A3%D8%AD%D9%85%D8%AF/";

#[test]
fn an_author_with_one_article_gets_feeds_and_a_page() {
    let site = Site::new();
    site.write(
        "world/a.md",
        by("Harbour reopens", "[Sara Ahmed]", "2024-06-01", ""),
    );
    site.write("world/b.md", by("Other story", "[Omar]", "2024-06-02", ""));
    site.build();
    for file in ["rss.xml", "atom.xml", "feed.json", "index.html"] {
        assert!(
            site.is_published(&format!("authors/sara-ahmed/{file}")),
            "{file}"
        );
    }
    let feed = rss(&site, "authors/sara-ahmed/rss.xml");
    assert_eq!(titles(&feed), ["Harbour reopens"]);
    assert_eq!(feed.title.unwrap().content, "Test News — Sara Ahmed");
    let atom = site.published("authors/sara-ahmed/atom.xml");
    assert!(
        atom.contains("<author><name>Sara Ahmed</name></author>"),
        "{atom}"
    );
    let page = site.published("authors/sara-ahmed/index.html");
    for format in ["rss.xml", "atom.xml", "feed.json"] {
        let link = format!("href=\"{BASE_URL}/authors/sara-ahmed/{format}\"");
        assert!(page.contains(&link), "{format}: {page}");
    }
    assert!(page.contains("Harbour reopens") && !page.contains("Other story"));
    let opml = site.published("feeds.opml");
    assert!(opml.contains(&format!("xmlUrl=\"{BASE_URL}/authors/sara-ahmed/rss.xml\"")));
    let sitemap = site.published("sitemap.xml");
    assert!(sitemap.contains(&format!("<loc>{BASE_URL}/authors/sara-ahmed/</loc>")));
}

#[test]
fn an_arabic_name_gets_an_arabic_folder_percent_encoded_in_urls() {
    let site = Site::new();
    site.write(
        "world/a.md",
        by("خبر", "[سارة أحمد]", "2024-06-01", "slug: a\n"),
    );
    site.build();
    assert!(site.is_published(&format!("{ARABIC_FOLDER}rss.xml")));
    let feed = rss(&site, &format!("{ARABIC_FOLDER}rss.xml"));
    assert_eq!(feed.title.unwrap().content, "Test News — سارة أحمد");
    let page = site.published("world/a/index.html");
    let link = format!("<a rel=\"author\" href=\"{BASE_URL}/{ARABIC_URL}\">سارة أحمد</a>");
    assert!(page.contains(&link), "{page}");
    // The JSON-LD Person carries the same page.
    assert!(
        page.contains(&format!("\"url\":\"{BASE_URL}/{ARABIC_URL}\"")),
        "{page}"
    );
    let sitemap = site.published("sitemap.xml");
    assert!(sitemap.contains(&format!("<loc>{BASE_URL}/{ARABIC_URL}</loc>")));
}

#[test]
fn the_byline_links_each_author_and_two_spellings_are_one_author() {
    let site = Site::new();
    site.write(
        "world/a.md",
        by(
            "Joint report",
            "[Lina Haddad, Sam Ode]",
            "2024-06-01",
            "slug: a\n",
        ),
    );
    site.write("world/b.md", by("Solo", "[lina haddad]", "2024-06-02", ""));
    site.build();
    let page = site.published("world/a/index.html");
    let byline = format!(
        "<a rel=\"author\" href=\"{BASE_URL}/authors/lina-haddad/\">Lina Haddad</a>، \
         <a rel=\"author\" href=\"{BASE_URL}/authors/sam-ode/\">Sam Ode</a> · "
    );
    assert!(page.contains(&byline), "{page}");
    let feed = rss(&site, "authors/lina-haddad/rss.xml");
    assert_eq!(titles(&feed), ["Solo", "Joint report"]);
    assert_eq!(feed.title.unwrap().content, "Test News — Lina Haddad");
}

#[test]
fn an_article_without_an_author_counts_for_the_site_author() {
    let site = Site::new();
    site.write("world/a.md", "---\ntitle: Unsigned\n---\nBody.\n");
    site.build();
    assert_eq!(titles(&rss(&site, "authors/desk/rss.xml")), ["Unsigned"]);
}

#[test]
fn authors_past_feed_max_authors_are_dropped_and_reported() {
    let site = Site::new();
    site.append_config("[feed]\nmax_authors = 2\n");
    site.write(
        "world/a.md",
        by(
            "Crowded byline",
            "[One, Two, Three]",
            "2024-06-01",
            "slug: a\n",
        ),
    );
    let report = site.build();
    assert_eq!(
        report.scan.warnings,
        [(
            "world/a.md".to_string(),
            "1 authors (feed.max_authors) over the limit of 2 dropped".to_string()
        )]
    );
    assert!(site.is_published("authors/two/rss.xml"));
    assert!(!site.is_published("authors/three/rss.xml"));
    assert!(!site.published("world/a/index.html").contains("Three"));
}

#[test]
fn a_retracted_article_stays_in_its_author_feed_as_a_notice_and_a_takedown_leaves_it() {
    let site = Site::new();
    site.write(
        "world/a.md",
        by("First", "[Mona]", "2024-06-01", "slug: a\n"),
    );
    site.write(
        "world/b.md",
        by("Second", "[Mona]", "2024-06-02", "slug: b\n"),
    );
    build_at(&site, 0);
    let id = ids(&rss(&site, "authors/mona/rss.xml"));
    site.write(
        "world/b.md",
        by(
            "Second",
            "[Mona]",
            "2024-06-02",
            "slug: b\nretracted: Wrong figures.\n",
        ),
    );
    build_at(&site, 0);
    let feed = rss(&site, "authors/mona/rss.xml");
    assert_eq!(ids(&feed), id);
    assert_eq!(titles(&feed)[0], "Retracted: Second");
    let atom = site.published("authors/mona/atom.xml");
    assert!(atom.contains(&format!("ref=\"{}\"", id[0])), "{atom}");
    // A legal removal names no one: it leaves the author's feeds at once.
    site.write(
        "world/b.md",
        by(
            "Second",
            "[Mona]",
            "2024-06-02",
            "slug: b\nretracted: Court order.\ntakedown: true\n",
        ),
    );
    build_at(&site, 0);
    assert_eq!(ids(&rss(&site, "authors/mona/rss.xml")), &id[1..]);
    assert!(!site.published("authors/mona/atom.xml").contains(&id[0]));
    assert!(!site.published("world/b/index.html").contains("Mona"));
}

#[test]
fn an_author_feeds_updated_moves_forward_to_a_removal_and_never_back() {
    let site = Site::new();
    site.append_config("[feed]\ntombstone_days = 1\n");
    site.write(
        "world/old.md",
        by("Old", "[Nadia]", "2024-06-01T00:00:00Z", ""),
    );
    site.write(
        "world/new.md",
        by("New", "[Nadia]", "2024-07-01T00:00:00Z", ""),
    );
    build_at(&site, 0);
    let key = "authors/nadia/atom.xml";
    assert_eq!(atom_updated(&site, key), "2024-07-01T00:00:00");
    site.remove("world/new.md");
    build_at(&site, 1);
    assert_eq!(atom_updated(&site, key), "2025-01-02T12:00:00");
    assert!(site.published(key).contains("deleted-entry"));
    // Past the tombstone period: the tombstone leaves, the feed's date stays.
    build_at(&site, 5);
    assert!(!site.published(key).contains("deleted-entry"));
    assert_eq!(atom_updated(&site, key), "2025-01-02T12:00:00");
    assert_eq!(titles(&rss(&site, "authors/nadia/rss.xml")), ["Old"]);
}

#[test]
fn an_index_of_schema_seven_is_upgraded_and_every_article_read_again() {
    let site = Site::new();
    site.write(
        "world/a.md",
        by("Kept", "[Rami]", "2024-06-01", "slug: a\n"),
    );
    site.build();
    let id = ids(&rss(&site, "rss.xml"));
    // What feedfold 7 left: no author or key columns, articles extracted by its extractor.
    let index = site.root().join(".feedfold/index.sqlite");
    let conn = rusqlite::Connection::open(&index).unwrap();
    conn.execute_batch(
        "ALTER TABLE articles DROP COLUMN authors;
         ALTER TABLE articles DROP COLUMN translation_key;
         UPDATE articles SET extract_key = x'00';
         PRAGMA user_version = 7;",
    )
    .unwrap();
    drop(conn);
    let report = site.build();
    assert_eq!(report.scan.changed + report.scan.added, 0, "{report:?}");
    assert_eq!(ids(&rss(&site, "rss.xml")), id);
    assert_eq!(titles(&rss(&site, "authors/rami/rss.xml")), ["Kept"]);
    let conn = rusqlite::Connection::open(&index).unwrap();
    let (version, authors): (i64, String) = conn
        .query_row(
            "SELECT (SELECT user_version FROM pragma_user_version), authors FROM articles",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (version, authors.as_str()),
        (feedfold::index::SCHEMA_VERSION, "Rami")
    );
}
