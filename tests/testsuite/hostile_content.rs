//! Hostile article content: huge titles and links, thousands of tags, script URLs, deep
//! nesting and stray control bytes are capped, cleaned or skipped, and reported; the other
//! articles and the feeds they are in are never harmed.

use std::fs;

use crate::support::{Site, rss, titles};

fn warnings_of(report: &feedfold::commands::BuildReport, path: &str) -> Vec<String> {
    report
        .scan
        .warnings
        .iter()
        .filter(|(p, _)| p == path)
        .map(|(_, w)| w.clone())
        .collect()
}

fn dated(title: &str, date: &str, extra: &str) -> String {
    format!("---\ntitle: {title}\ndate: {date}\n{extra}---\nBody of {title}.\n")
}

#[test]
fn an_article_with_a_two_megabyte_title_leaves_the_other_items_in_the_feed() {
    let site = Site::new();
    site.write("news/new.md", dated("New", "2024-05-03", ""))
        .write(
            "news/huge.md",
            format!("# {}\n\nBody.\n", "word ".repeat(400_000)),
        )
        .write("news/old.md", dated("Old", "2024-05-01", ""));
    let report = site.build();
    let feed = rss(&site, "news/rss.xml");
    assert_eq!(feed.entries.len(), 3);
    let long = titles(&feed).into_iter().find(|t| t.starts_with("word"));
    let long = long.expect("the huge article is published");
    assert!(long.chars().count() <= 300 && long.ends_with('…'), "{long}");
    let warnings = warnings_of(&report, "news/huge.md");
    assert!(
        warnings.iter().any(|w| w.contains("cut to 300")),
        "{warnings:?}"
    );
}

#[test]
fn an_item_too_large_even_as_a_summary_is_left_out_and_the_rest_stay() {
    let site = Site::new();
    site.append_config("[feed]\nmax_bytes = 4096\n");
    let link = format!("link: https://elsewhere.example/{}\n", "a".repeat(6000));
    site.write("news/new.md", dated("New", "2024-05-03", ""))
        .write("news/huge.md", dated("Huge", "2024-05-02", &link))
        .write("news/old.md", dated("Old", "2024-05-01", ""));
    site.build();
    for key in ["news/rss.xml", "news/atom.xml", "news/feed.json"] {
        assert_eq!(titles(&rss(&site, key)), ["New", "Old"], "{key}");
    }
}

#[test]
fn five_thousand_tags_give_at_most_twenty_tag_feeds() {
    let site = Site::new();
    let tags: String = (0..5000).map(|i| format!("  - tag{i}\n")).collect();
    site.write(
        "news/tags.md",
        format!("---\ntitle: Tagged\ntags:\n{tags}---\nBody.\n"),
    );
    let report = site.build();
    let tag_feeds = fs::read_dir(site.root().join("public/tags"))
        .unwrap()
        .count();
    assert_eq!(tag_feeds, 20);
    let warnings = warnings_of(&report, "news/tags.md");
    assert!(
        warnings.iter().any(|w| w.contains("4980 tags")),
        "{warnings:?}"
    );
}

#[test]
fn the_tag_cap_is_configurable() {
    let site = Site::new();
    site.append_config("[feed]\nmax_tags = 2\n");
    site.write(
        "news/a.md",
        "---\ntitle: A\ntags: [one, two, three]\n---\nBody.\n",
    );
    site.build();
    assert!(site.is_published("tags/two/rss.xml"));
    assert!(!site.is_published("tags/three/rss.xml"));
}

#[test]
fn script_and_data_image_urls_are_not_published_and_are_reported() {
    let site = Site::new();
    site.write(
        "news/js.md",
        dated("Js", "2024-05-02", "image: \"javascript:alert(1)\"\n"),
    )
    .write(
        "news/data.md",
        dated(
            "Data",
            "2024-05-01",
            "image: \"data:image/png;base64,AAAA\"\n",
        ),
    )
    .write(
        "news/ok.md",
        dated("Ok", "2024-05-03", "image: pics/a.jpg\n"),
    );
    let report = site.build();
    let json: serde_json::Value = serde_json::from_str(&site.published("feed.json")).unwrap();
    let images: Vec<&str> = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|item| item["image"].as_str())
        .collect();
    assert_eq!(images.len(), 1, "{images:?}");
    assert!(
        images[0].starts_with("https://news.example.org/news/"),
        "{images:?}"
    );
    for path in ["news/js.md", "news/data.md"] {
        let warnings = warnings_of(&report, path);
        assert!(
            warnings.iter().any(|w| w.starts_with("image")),
            "{warnings:?}"
        );
    }
}

#[test]
fn a_text_file_with_stray_control_characters_is_published_cleaned_and_reported() {
    let site = Site::new();
    site.write(
        "news/2024-05-01-export.txt",
        "Council approves budget\nThe council approved\0 the budget.\u{8}\n\u{c}More later.\n",
    );
    let report = site.build();
    assert!(
        report.scan.rejected.is_empty(),
        "{:?}",
        report.scan.rejected
    );
    assert_eq!(titles(&rss(&site, "rss.xml")), ["Council approves budget"]);
    let warnings = warnings_of(&report, "news/2024-05-01-export.txt");
    assert!(
        warnings.iter().any(|w| w.contains("removed")),
        "{warnings:?}"
    );
}

#[test]
fn an_article_with_only_a_title_has_a_description_in_rss() {
    let site = Site::new();
    site.write("news/bare.md", "# Only a title\n");
    site.build();
    let xml = site.published("news/rss.xml");
    let item = &xml[xml.find("<item>").unwrap()..];
    assert!(
        item.contains("<description><![CDATA[Only a title]]></description>"),
        "{item}"
    );
}

#[test]
fn an_article_of_a_hundred_thousand_nested_divs_is_published_beside_the_others() {
    let site = Site::new();
    let divs = format!("# Deep\n\n{}deep text\n", "<div>".repeat(100_000));
    site.write("news/deep.md", divs)
        .write("news/other.md", dated("Other", "2024-05-01", ""));
    site.build();
    let feed = rss(&site, "news/rss.xml");
    assert_eq!(feed.entries.len(), 2);
    let json = site.published("news/feed.json");
    assert!(json.contains("deep text"));
    assert!(json.matches("<div>").count() <= 101);
}
