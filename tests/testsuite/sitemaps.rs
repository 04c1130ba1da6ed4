//! Sitemaps, the news sitemap and robots.txt as search engines read them, parsed against the
//! protocols' rules; and the `Link` header of feeds served by the real binary.

use std::collections::{BTreeSet, HashMap};
use std::process::{Command, Stdio};

use chrono::{DateTime, TimeDelta, Utc};
use feedfold::commands;
use feedfold::layout::article_url;

use crate::daemon_support::{http_get, wait_for};
use crate::support::{self, BASE_URL, Site, now};

const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const NEWS_NS: &str = "http://www.google.com/schemas/sitemap-news/0.9";

fn hours_ago(hours: i64) -> String {
    (now() - TimeDelta::hours(hours)).to_rfc3339()
}

fn md(title: &str, date: &str, extra: &str) -> String {
    format!("---\ntitle: \"{title}\"\ndate: {date}\n{extra}---\nThe story, in a sentence.\n")
}

/// A site with live articles of every age (one in Arabic, one in a channel named `q&a`),
/// and a draft, a scheduled and a retracted one, whose titles are markers.
fn newsroom() -> Site {
    let site = Site::new();
    site.write(
        "world/summit.md",
        md(
            "Summit opens",
            &hours_ago(3),
            "updated: 2025-01-01T10:30:00Z\nlang: en\n",
        ),
    );
    site.write(
        "world/river.md",
        md(
            "ارتفاع منسوب النهر",
            &hours_ago(47),
            "slug: قمة-الرياض\nlang: ar\n",
        ),
    );
    site.write(
        "world/old.md",
        md("Forty-nine hours", &hours_ago(49), "lang: en\n"),
    );
    site.write(
        "q&a/ask.md",
        md("Readers ask", "2024-12-01T08:00:00Z", "lang: en\n"),
    );
    site.write(
        "world/draft.md",
        md("DRAFT-MARKER", &hours_ago(1), "draft: true\n"),
    );
    site.write(
        "world/later.md",
        md("SCHEDULED-MARKER", "2025-01-02T06:00:00Z", ""),
    );
    site.write(
        "world/gone.md",
        md("RETRACTED-MARKER", &hours_ago(2), "retracted: \"wrong\"\n"),
    );
    site
}

/// The `(loc, lastmod)` of every `<url>` of a urlset, checking its namespace.
fn urls(xml: &str) -> Vec<(String, String)> {
    let doc = roxmltree::Document::parse(xml).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "urlset");
    assert_eq!(root.tag_name().namespace(), Some(SITEMAP_NS));
    let text = |url: roxmltree::Node, name: &str| {
        url.children()
            .find(|n| n.tag_name().name() == name && n.tag_name().namespace() == Some(SITEMAP_NS))
            .and_then(|n| n.text())
            .unwrap_or_default()
            .to_string()
    };
    root.children()
        .filter(|n| n.is_element())
        .map(|url| (text(url, "loc"), text(url, "lastmod")))
        .collect()
}

/// The link of every live item of the site's RSS feed (retracted ones are marked).
fn live_links(site: &Site) -> BTreeSet<String> {
    support::rss(site, "rss.xml")
        .entries
        .iter()
        .map(|e| e.links[0].href.clone())
        .filter(|link| !link.contains("marker"))
        .collect()
}

#[test]
fn the_sitemap_lists_every_live_article_page_once_and_every_listing_page() {
    let site = newsroom();
    site.build();
    let xml = site.published("sitemap.xml");
    let listed = urls(&xml);
    let locs: Vec<&str> = listed.iter().map(|(loc, _)| loc.as_str()).collect();
    let articles: Vec<&str> = locs
        .iter()
        .copied()
        .filter(|l| live_links(&site).contains(*l))
        .collect();
    assert_eq!(articles.len(), 4, "{locs:?}");
    let unique: BTreeSet<&str> = locs.iter().copied().collect();
    assert_eq!(unique.len(), locs.len(), "a URL listed twice: {locs:?}");
    assert_eq!(
        articles
            .iter()
            .map(|s| s.to_string())
            .collect::<BTreeSet<_>>(),
        live_links(&site)
    );
    for listing in ["/", "/world/", "/q&a/", "/lang/ar/", "/lang/en/"] {
        assert!(
            locs.contains(&format!("{BASE_URL}{listing}").as_str()),
            "{listing}: {locs:?}"
        );
    }
    // Every URL leads to a published page, and nothing unpublished shows.
    for loc in &locs {
        let path = loc.strip_prefix(BASE_URL).unwrap();
        let key = percent_encoding::percent_decode_str(&path[1..]).decode_utf8_lossy();
        assert!(site.is_published(&format!("{key}index.html")), "{loc}");
    }
    assert!(
        !xml.contains("marker"),
        "a draft, scheduled or retracted page: {xml}"
    );
    let lastmod: HashMap<&str, &str> = listed
        .iter()
        .map(|(l, m)| (l.as_str(), m.as_str()))
        .collect();
    assert_eq!(
        lastmod[format!("{BASE_URL}/world/summit-opens/").as_str()],
        "2025-01-01T10:30:00Z"
    );
}

#[test]
fn urls_are_escaped_for_xml_and_percent_encoded_like_the_pages_links() {
    let site = newsroom();
    site.build();
    let xml = site.published("sitemap.xml");
    assert!(
        xml.contains("<loc>https://news.example.org/q&amp;a/readers-ask/</loc>"),
        "{xml}"
    );
    let arabic = article_url(BASE_URL, "world", "قمة-الرياض");
    assert!(arabic.contains("%D9%82%D9%85%D8%A9"), "{arabic}");
    assert!(urls(&xml).iter().any(|(loc, _)| *loc == arabic));
    assert!(
        live_links(&site).contains(&arabic),
        "the feed links the page the same way"
    );
    let news = site.published("news-sitemap.xml");
    assert!(news.contains(&format!("<loc>{arabic}</loc>")), "{news}");
}

/// `(loc, name, language, publication_date, title)` of every article of a news sitemap.
fn news(xml: &str) -> Vec<[String; 5]> {
    let doc = roxmltree::Document::parse(xml).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().namespace(), Some(SITEMAP_NS));
    assert_eq!(root.lookup_namespace_uri(Some("news")), Some(NEWS_NS));
    let find = |node: roxmltree::Node, name: &str| {
        node.descendants()
            .find(|n| n.tag_name().name() == name)
            .unwrap_or_else(|| panic!("no {name}"))
            .text()
            .unwrap_or_default()
            .to_string()
    };
    root.children()
        .filter(|n| n.is_element())
        .map(|url| {
            let article = url
                .children()
                .find(|n| {
                    n.tag_name().namespace() == Some(NEWS_NS) && n.tag_name().name() == "news"
                })
                .expect("news:news");
            let publication = article
                .children()
                .find(|n| n.tag_name().name() == "publication")
                .expect("news:publication");
            [
                find(url, "loc"),
                find(publication, "name"),
                find(publication, "language"),
                find(article, "publication_date"),
                find(article, "title"),
            ]
        })
        .collect()
}

#[test]
fn the_news_sitemap_holds_the_last_48_hours_newest_first() {
    let site = newsroom();
    site.build();
    let stories = news(&site.published("news-sitemap.xml"));
    let titles: Vec<&str> = stories.iter().map(|s| s[4].as_str()).collect();
    assert_eq!(titles, ["Summit opens", "ارتفاع منسوب النهر"]);
    let summit = &stories[0];
    assert_eq!(summit[0], format!("{BASE_URL}/world/summit-opens/"));
    assert_eq!(
        (summit[1].as_str(), summit[2].as_str()),
        ("Test News", "en")
    );
    assert_eq!(summit[3], "2025-01-01T09:00:00Z");
    assert_eq!(stories[1][2], "ar");
}

#[test]
fn a_later_publish_lets_articles_age_out_of_the_news_sitemap() {
    let site = newsroom();
    site.build();
    let later = now() + TimeDelta::hours(2);
    let report = commands::build(&site.config(), later).unwrap();
    assert!(
        report
            .publish
            .written
            .contains(&"news-sitemap.xml".to_string())
    );
    let titles: Vec<String> = news(&site.published("news-sitemap.xml"))
        .into_iter()
        .map(|s| s[4].clone())
        .collect();
    assert_eq!(titles, ["Summit opens"], "47 hours old, then 49");
    let much_later = now() + TimeDelta::days(3);
    commands::build(&site.config(), much_later).unwrap();
    assert!(news(&site.published("news-sitemap.xml")).is_empty());
}

#[test]
fn a_publish_that_changes_nothing_rewrites_no_sitemap() {
    let site = newsroom();
    site.build();
    site.write("world/new.md", md("Another story", &hours_ago(400), ""));
    let second = site.build();
    assert!(second.publish.written.contains(&"sitemap.xml".to_string()));
    assert!(
        !second
            .publish
            .written
            .contains(&"news-sitemap.xml".to_string()),
        "too old for it"
    );
    site.write("world/unrelated.txt.bak", "not an article");
    let third = commands::build(&site.config(), now() + TimeDelta::minutes(1)).unwrap();
    let sitemaps = ["sitemap.xml", "news-sitemap.xml", "robots.txt"];
    for key in sitemaps {
        assert!(
            !third.publish.written.contains(&key.to_string()),
            "{key} rewritten"
        );
    }
}

#[test]
fn the_news_sitemap_holds_at_most_1000_articles() {
    let site = Site::new();
    let start = now() - TimeDelta::hours(40);
    for i in 0..1_003 {
        let date: DateTime<Utc> = start + TimeDelta::minutes(i);
        let text = md(&format!("Story {i}"), &date.to_rfc3339(), "lang: en\n");
        site.write(&format!("world/s{i}.md"), text);
    }
    site.build();
    let stories = news(&site.published("news-sitemap.xml"));
    assert_eq!(stories.len(), 1_000);
    assert_eq!(stories[0][4], "Story 1002");
    assert_eq!(stories[999][4], "Story 3");
    assert_eq!(
        urls(&site.published("sitemap.xml")).len(),
        1_003 + 3,
        "and the home, channel and author pages"
    );
}

#[test]
fn robots_txt_announces_both_sitemaps_at_a_host_root() {
    let site = newsroom();
    site.build();
    let robots = site.published("robots.txt");
    assert!(robots.contains("User-agent: *\n"), "{robots}");
    assert!(robots.contains(&format!("Sitemap: {BASE_URL}/sitemap.xml\n")));
    assert!(robots.contains(&format!("Sitemap: {BASE_URL}/news-sitemap.xml\n")));
}

#[test]
fn below_a_path_there_is_no_robots_txt_and_the_sitemaps_stay_under_the_path() {
    let mut site = newsroom();
    site.edit_config(BASE_URL, "https://example.org/news");
    site.build();
    assert!(!site.is_published("robots.txt"));
    let listed = urls(&site.published("sitemap.xml"));
    assert!(
        listed
            .iter()
            .all(|(loc, _)| loc.starts_with("https://example.org/news/"))
    );
}

#[test]
fn an_operator_may_keep_robots_txt_to_themselves() {
    let site = newsroom();
    site.build();
    assert!(site.is_published("robots.txt"));
    site.append_config("[publish]\nrobots = false\n");
    site.build();
    assert!(
        !site.is_published("robots.txt"),
        "the one feedfold wrote is removed"
    );
    assert!(site.is_published("sitemap.xml"));
}

#[test]
fn a_site_without_sitemaps_writes_none_and_removes_those_it_wrote() {
    let site = newsroom();
    site.build();
    assert!(site.is_published("sitemap.xml"));
    site.append_config("[publish]\nsitemaps = false\n");
    site.build();
    for key in ["sitemap.xml", "news-sitemap.xml", "robots.txt"] {
        assert!(!site.is_published(key), "{key}");
    }
    assert!(site.is_published("rss.xml") && site.is_published("index.html"));
}

#[test]
fn feeds_served_over_http_link_themselves_and_their_hubs() {
    let site = newsroom();
    site.append_config(
        "[serve]\nlisten = \"127.0.0.1:0\"\n\
         [websub]\nhubs = [\"http://127.0.0.1:9/hub\", \"http://127.0.0.1:9/other\"]\n",
    );
    let log = site.root().join("serve.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_feedfold"))
        .args(["serve", "--config"])
        .arg(site.config_path())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let read_log = || std::fs::read_to_string(&log).unwrap_or_default();
    wait_for("the server to listen", || {
        read_log().contains("serving http://")
    });
    let text = read_log();
    let at = text.find("serving http://").unwrap() + "serving http://".len();
    let base = format!(
        "http://{}",
        &text[at..].split(['/', ' ', '"']).next().unwrap()
    );
    wait_for("the first publish", || {
        http_get(&format!("{base}/readyz"), &[]).0 == 200
    });
    let header = |path: &str, name: &str| {
        let (status, headers, _) = http_get(&format!("{base}{path}"), &[]);
        assert_eq!(status, 200, "{path}");
        headers.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
    };
    let hubs = "<http://127.0.0.1:9/hub>; rel=\"hub\", <http://127.0.0.1:9/other>; rel=\"hub\"";
    for key in ["feed.json", "rss.xml", "world/atom.xml"] {
        let expected = format!("<{BASE_URL}/{key}>; rel=\"self\", {hubs}");
        let found = header(&format!("/{key}"), "link");
        assert_eq!(found.as_deref(), Some(expected.as_str()), "{}", read_log());
    }
    assert_eq!(header("/", "link"), None, "pages carry no feed links");
    let xml = "application/xml; charset=utf-8";
    assert_eq!(header("/sitemap.xml", "content-type").as_deref(), Some(xml));
    assert_eq!(
        header("/news-sitemap.xml", "content-type").as_deref(),
        Some(xml)
    );
    let text = "text/plain; charset=utf-8";
    assert_eq!(header("/robots.txt", "content-type").as_deref(), Some(text));
    assert!(
        Command::new("kill")
            .arg(child.id().to_string())
            .status()
            .unwrap()
            .success()
    );
    assert!(child.wait().unwrap().success());
}
