//! The site's icon and logo (`site.icon`, `site.logo`): published once under their content
//! hash and shown by every feed format and page; a URL used as it is; a file that cannot be
//! used refuses the configuration, naming the setting, the file and the reason.

use feedfold::config_file;

use crate::images::{media_files, png};
use crate::support::{BASE_URL, Site};

fn branded() -> Site {
    let site = Site::new();
    site.append_config("icon = \"icon.png\"\nlogo = \"logo.png\"\n");
    site.write("icon.png", png(512, 512, 40))
        .write("logo.png", png(600, 300, 80))
        .write(
            "world/story.md",
            "---\ntitle: A story\ndate: 2024-05-01\n---\nBody.\n",
        );
    site
}

/// Every `_/media/` URL in `text`, in order.
fn media_url_in(text: &str) -> Vec<String> {
    let mut urls = Vec::new();
    let mut rest = text;
    let start = format!("{BASE_URL}/_/media/");
    while let Some(at) = rest.find(&start) {
        let tail = &rest[at..];
        let end = tail.find(['"', '<', ' ']).unwrap_or(tail.len());
        urls.push(tail[..end].to_string());
        rest = &tail[end..];
    }
    urls
}

/// The text of `node`'s first child element named `name` (empty when there is none).
fn child_text(node: roxmltree::Node, name: &str) -> String {
    node.children()
        .find(|n| n.has_tag_name(name))
        .and_then(|n| n.text())
        .unwrap_or_default()
        .to_string()
}

#[test]
fn the_icon_and_logo_are_published_once_and_named_by_every_feed_format() {
    let site = branded();
    site.build();
    let media = media_files(&site);
    assert_eq!(media.len(), 2, "{media:?}");
    let rss = site.published("world/rss.xml");
    let doc = roxmltree::Document::parse(&rss).unwrap();
    let element = |name: &str| doc.descendants().find(|n| n.has_tag_name(name)).unwrap();
    let (image, channel) = (element("image"), element("channel"));
    let child = |name: &str| child_text(image, name);
    let channel_child = |name: &str| child_text(channel, name);
    assert_eq!(child("title"), channel_child("title"));
    assert_eq!(child("link"), channel_child("link"));
    assert_eq!(
        (child("width"), child("height")),
        ("144".into(), "144".into())
    );
    let icon_url = child("url");
    assert!(icon_url.ends_with(".png"), "{icon_url}");
    let key = icon_url.strip_prefix(&format!("{BASE_URL}/")).unwrap();
    assert_eq!(
        std::fs::read(site.root().join("public").join(key)).unwrap(),
        png(512, 512, 40),
        "the icon is published as it is"
    );
    let atom = site.published("atom.xml");
    assert!(atom.contains(&format!("<icon>{icon_url}</icon>")), "{atom}");
    let logo_url = media_url_in(&atom)
        .into_iter()
        .find(|u| *u != icon_url)
        .unwrap();
    assert!(atom.contains(&format!("<logo>{logo_url}</logo>")), "{atom}");
    let json: serde_json::Value = serde_json::from_str(&site.published("feed.json")).unwrap();
    assert_eq!(json["icon"], icon_url.as_str());
    assert_eq!(json["favicon"], icon_url.as_str());
}

#[test]
fn every_page_has_the_favicon_and_the_logo_and_the_publisher_shows_it() {
    let site = branded();
    site.build();
    let icon = media_url_in(&site.published("atom.xml"));
    for key in ["index.html", "world/index.html", "world/a-story/index.html"] {
        let page = site.published(key);
        assert!(page.contains("<link rel=\"icon\" href=\""), "{key}: {page}");
        assert!(
            page.contains("type=\"image/png\" sizes=\"512x512\""),
            "{key}"
        );
        assert!(page.contains("<link rel=\"apple-touch-icon\""), "{key}");
        assert!(
            page.contains("<img class=\"logo\" src=\"")
                && page.contains("alt=\"Test News\" width=\"600\" height=\"300\""),
            "{key}: {page}"
        );
        assert!(icon.iter().all(|u| page.contains(u.as_str())), "{key}");
    }
    let page = site.published("world/a-story/index.html");
    let start = page.find("application/ld+json\">").unwrap() + 21;
    let end = start + page[start..].find("</script>").unwrap();
    let ld: serde_json::Value = serde_json::from_str(&page[start..end]).unwrap();
    let logo = &ld["publisher"]["logo"];
    assert_eq!(logo["@type"], "ImageObject");
    assert_eq!(
        (logo["width"].as_u64(), logo["height"].as_u64()),
        (Some(600), Some(300))
    );
}

#[test]
fn an_icon_at_a_url_is_used_as_it_is_without_a_size() {
    let site = Site::new();
    site.append_config("icon = \"https://cdn.example.net/icon.png\"\n");
    site.write(
        "world/story.md",
        "---\ntitle: A story\ndate: 2024-05-01\n---\nBody.\n",
    );
    site.build();
    let rss = site.published("rss.xml");
    assert!(
        rss.contains("<image><url>https://cdn.example.net/icon.png</url>"),
        "{rss}"
    );
    assert!(!rss.contains("<width>"), "{rss}");
    assert!(media_files(&site).is_empty());
}

#[test]
fn a_new_icon_gets_a_new_url_and_the_old_file_goes() {
    let site = branded();
    site.build();
    let before = media_files(&site);
    site.write("icon.png", png(256, 256, 200));
    site.build();
    let after = media_files(&site);
    assert_eq!(after.len(), 2, "{after:?}");
    assert_ne!(before, after);
    let rss = site.published("rss.xml");
    let new_icon = after.iter().find(|f| !before.contains(f)).unwrap();
    assert!(rss.contains(new_icon.as_str()), "{rss}");
}

#[test]
fn an_icon_that_cannot_be_used_refuses_the_configuration_naming_the_file_and_why() {
    let site = Site::new();
    site.append_config("icon = \"icon.png\"\n");
    site.write("icon.png", "not a picture at all");
    let error = format!("{:#}", config_file::load(&site.config_path()).unwrap_err());
    assert!(error.contains("site.icon"), "{error}");
    assert!(error.contains("icon.png"), "{error}");
    assert!(error.contains("not an image"), "{error}");

    site.remove("icon.png");
    let error = format!("{:#}", config_file::load(&site.config_path()).unwrap_err());
    assert!(
        error.contains("site.icon") && error.contains("icon.png"),
        "{error}"
    );

    let outside = Site::new();
    outside.append_config("logo = \"../logo.png\"\n");
    let error = format!(
        "{:#}",
        config_file::load(&outside.config_path()).unwrap_err()
    );
    assert!(error.contains("line 7: `site.logo`"), "{error}");
    assert!(error.contains("no `..`"), "{error}");
}

#[test]
fn an_icon_leading_out_of_the_content_folder_by_a_link_is_refused() {
    let site = Site::new();
    let secret = site.root().join("secret.png");
    std::fs::write(&secret, png(64, 64, 1)).unwrap();
    std::os::unix::fs::symlink(&secret, site.root().join("feeds/icon.png")).unwrap();
    site.append_config("icon = \"icon.png\"\n");
    let error = format!("{:#}", config_file::load(&site.config_path()).unwrap_err());
    assert!(
        error.contains("site.icon") && error.contains("icon.png"),
        "{error}"
    );
}
