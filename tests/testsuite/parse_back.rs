//! Every produced feed parses back (feed-rs and a strict XML parser) with title, id, link,
//! dates and language exactly as extracted.

use chrono::{TimeZone, Utc};

use crate::support::{ARABIC_TXT, BASE_URL, Site, rss};

fn mixed_site() -> Site {
    let site = Site::new();
    site.write("world/a.txt", ARABIC_TXT);
    site.write(
        "tech/b.md",
        "---\ntitle: \"Rust & feeds\"\ndate: 2024-05-01 09:15\nupdated: 2024-05-02T10:00:00Z\n\
         tags: [rust, feeds]\nauthor: Jane\nlang: en-GB\n---\n\
         Intro with a [relative link](../other/) and ![img](pic.png).\n",
    );
    site
}

#[test]
fn every_feed_is_strict_xml_or_json_and_parses_as_a_feed() {
    let site = mixed_site();
    let report = site.build();
    assert!(report.publish.failed.is_empty());
    for key in &report.publish.written {
        let text = site.published(key);
        if key.ends_with(".json") {
            serde_json::from_str::<serde_json::Value>(&text).unwrap();
        } else if key.ends_with(".txt") {
            assert!(text.contains("Sitemap: "), "{key}: robots.txt");
        } else if key.ends_with(".css") {
            assert!(text.contains('{'), "{key}: a stylesheet");
        } else if key.ends_with(".html") {
            assert!(
                text.starts_with("<!DOCTYPE html>") && text.ends_with("</html>\n"),
                "{key}"
            );
        } else {
            roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{key}: {e}"));
        }
        if key.ends_with("rss.xml") || key.ends_with("atom.xml") || key.ends_with("feed.json") {
            feed_rs::parser::parse(text.as_bytes()).unwrap_or_else(|e| panic!("{key}: {e}"));
        }
    }
}

#[test]
fn title_id_link_dates_and_language_survive_in_rss_atom_and_json() {
    let site = mixed_site();
    site.build();
    let published = Utc.with_ymd_and_hms(2024, 5, 1, 6, 15, 0).unwrap();
    let updated = Utc.with_ymd_and_hms(2024, 5, 2, 10, 0, 0).unwrap();
    let link = format!("{BASE_URL}/tech/rust-feeds/");
    for key in ["tech/rss.xml", "tech/atom.xml", "tech/feed.json"] {
        let feed = rss(&site, key);
        let e = &feed.entries[0];
        assert_eq!(e.title.as_ref().unwrap().content, "Rust & feeds", "{key}");
        assert!(e.id.starts_with("urn:uuid:"), "{key}");
        assert_eq!(e.links[0].href, link, "{key}");
        assert_eq!(e.published, Some(published), "{key}");
        if !key.ends_with("rss.xml") {
            assert_eq!(e.updated, Some(updated), "{key}");
        }
    }
    let atom = site.published("tech/atom.xml");
    assert!(
        atom.contains("<title xml:lang=\"en-GB\">Rust &amp; feeds</title>"),
        "{atom}"
    );
    let json: serde_json::Value = serde_json::from_str(&site.published("tech/feed.json")).unwrap();
    assert_eq!(json["items"][0]["language"], "en-GB");
    assert_eq!(
        json["items"][0]["tags"],
        serde_json::json!(["tech", "rust", "feeds"])
    );
}

#[test]
fn relative_links_and_images_in_content_are_made_absolute() {
    let site = mixed_site();
    site.build();
    let html = rss(&site, "tech/rss.xml").entries[0]
        .content
        .clone()
        .unwrap()
        .body
        .unwrap();
    assert!(
        html.contains(&format!("href=\"{BASE_URL}/tech/other/\"")),
        "{html}"
    );
    assert!(
        html.contains(&format!("src=\"{BASE_URL}/tech/rust-feeds/pic.png\"")),
        "{html}"
    );
}

#[test]
fn rss_has_self_link_dates_guid_and_generator() {
    let site = mixed_site();
    site.build();
    let xml = site.published("rss.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let has = |name: &str| doc.descendants().any(|n| n.tag_name().name() == name);
    for name in [
        "lastBuildDate",
        "pubDate",
        "guid",
        "ttl",
        "generator",
        "creator",
        "encoded",
        "category",
        "language",
    ] {
        assert!(has(name), "missing {name}");
    }
    assert!(xml.contains(&format!(
        "<atom:link href=\"{BASE_URL}/rss.xml\" rel=\"self\""
    )));
    assert!(xml.contains("isPermaLink=\"false\""));
}

#[test]
fn the_feed_date_is_the_newest_item_change_never_the_clock() {
    let site = Site::new();
    site.write(
        "news/a.md",
        "---\ntitle: A\ndate: 2020-02-02T02:02:02Z\n---\nx\n",
    );
    site.build();
    assert!(
        site.published("rss.xml")
            .contains("<lastBuildDate>Sun, 2 Feb 2020 02:02:02 +0000</lastBuildDate>")
    );
}

#[test]
fn an_empty_channel_still_gets_a_valid_feed() {
    let site = Site::new();
    std::fs::create_dir_all(site.root().join("feeds/empty")).unwrap();
    site.build();
    assert!(rss(&site, "empty/rss.xml").entries.is_empty());
    assert!(rss(&site, "empty/atom.xml").entries.is_empty());
}

#[test]
fn the_byte_budget_drops_the_oldest_items() {
    let site = Site::new();
    site.append_config("[feed]\nmax_bytes = 8192\n");
    for i in 0..10 {
        let body = "Long paragraph text. ".repeat(40);
        site.write(
            &format!("news/{i}.md"),
            format!(
                "---\ntitle: Item {i}\ndate: 2024-01-{:02}\n---\n{body}\n",
                i + 1
            ),
        );
    }
    site.build();
    for key in ["rss.xml", "atom.xml", "feed.json"] {
        let text = site.published(key);
        assert!(text.len() <= 8192, "{key}: {}", text.len());
        let feed = rss(&site, key);
        assert!(!feed.entries.is_empty() && feed.entries.len() < 10, "{key}");
        assert_eq!(feed.entries[0].title.as_ref().unwrap().content, "Item 9");
    }
}

#[test]
fn the_opml_lists_every_feed() {
    let site = mixed_site();
    site.build();
    let opml = site.published("feeds.opml");
    let doc = roxmltree::Document::parse(&opml).unwrap();
    let urls: Vec<_> = doc
        .descendants()
        .filter_map(|n| n.attribute("xmlUrl"))
        .collect();
    assert!(urls.contains(&format!("{BASE_URL}/rss.xml").as_str()));
    assert!(urls.contains(&format!("{BASE_URL}/tags/rust/rss.xml").as_str()));
    assert!(urls.contains(&format!("{BASE_URL}/lang/ar/rss.xml").as_str()));
}

#[test]
fn summary_mode_publishes_summaries_without_full_content() {
    let site = Site::new();
    site.append_config("[feed]\ncontent = \"summary\"\n");
    site.write(
        "news/a.md",
        "# Title\n\nThe summary paragraph.\n\nSecret second paragraph.\n",
    );
    site.build();
    for key in ["rss.xml", "atom.xml", "feed.json"] {
        let text = site.published(key);
        assert!(text.contains("The summary paragraph."), "{key}");
        assert!(!text.contains("Secret second paragraph"), "{key}");
    }
}
