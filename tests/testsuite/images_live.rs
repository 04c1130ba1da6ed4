//! Pictures under `feedfold watch` (a new sidecar, a replaced picture, pictures leading
//! outside, bombs, truncated and oversize files, one shared by two articles) and as
//! `feedfold serve` answers them.

use std::fs;

use crate::daemon_support::{Daemon, wait_for};
use crate::images::{picture_url, png};
use crate::support::{BASE_URL, Site};

#[test]
fn under_watch_a_new_sidecar_and_a_replaced_picture_republish_the_article() {
    let site = Site::new();
    site.write("world/story.txt", "Storm\nLede.\n");
    let daemon = Daemon::start(&site);
    let rss = || fs::read_to_string(site.root().join("public/world/rss.xml")).unwrap_or_default();
    wait_for("the article", || rss().contains("Storm"));
    site.write("world/story.png", png(300, 200, 1));
    wait_for("the sidecar", || picture_url(&rss()).is_some());
    let old = picture_url(&rss()).unwrap();
    site.write("world/story.png", png(300, 200, 250));
    wait_for("the new picture", || {
        picture_url(&rss()).is_some_and(|u| u != old)
    });
    let old_key = old
        .strip_prefix(&format!("{BASE_URL}/"))
        .unwrap()
        .to_string();
    wait_for("the old picture removed", || !site.is_published(&old_key));
    fs::write(site.root().join("feeds/world/story.png"), b"text now").unwrap();
    wait_for("the broken picture reported", || {
        daemon.log().contains("not an image")
    });
    wait_for("the broken picture left out", || {
        !rss().contains("<enclosure")
    });
    assert!(rss().contains("Storm"), "the article left with its picture");
    assert_eq!(daemon.stop(), 0);
}

#[test]
fn a_picture_is_served_as_immutable_with_its_type_and_a_strong_etag() {
    use axum::body::{Body, to_bytes};
    use axum::http::Request;
    use tower::ServiceExt;
    let site = Site::new();
    site.write("world/story.txt", "Storm\nLede.\n");
    site.write("world/story.png", png(300, 200, 1));
    site.build();
    let url = picture_url(&site.published("world/rss.xml")).unwrap();
    let path = url.strip_prefix(BASE_URL).unwrap().to_string();
    let site_state = feedfold::daemon::published_site(&site.config());
    let app = feedfold::serve::router(std::sync::Arc::new(site_state));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let request = Request::get(&path)
        .header("accept-encoding", "gzip")
        .body(Body::empty())
        .unwrap();
    let (parts, body) = runtime.block_on(async {
        let (parts, body) = app.oneshot(request).await.unwrap().into_parts();
        (parts, to_bytes(body, usize::MAX).await.unwrap())
    });
    assert_eq!(parts.status, 200);
    let header = |name: &str| parts.headers[name].to_str().unwrap().to_string();
    assert_eq!(header("content-type"), "image/png");
    assert_eq!(
        header("cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert!(
        header("etag").starts_with('"'),
        "a strong ETag: {}",
        header("etag")
    );
    assert!(parts.headers.get("content-encoding").is_none());
    let key = path.trim_start_matches('/');
    assert_eq!(
        &body[..],
        &fs::read(site.root().join("public").join(key)).unwrap()[..]
    );
}

#[test]
fn under_watch_a_picture_leading_outside_or_declaring_a_huge_size_is_refused() {
    let site = Site::new();
    let outside = site.root().join("secret.png");
    fs::write(&outside, png(10, 10, 3)).unwrap();
    site.write("world/a.md", "---\ntitle: Alpha\nimage: a.png\n---\nB.\n");
    site.write(
        "world/b.md",
        "---\ntitle: Beta\n---\nB.\n\n![x](../../secret.png)\n",
    );
    let daemon = Daemon::start(&site);
    let rss = || fs::read_to_string(site.root().join("public/world/rss.xml")).unwrap_or_default();
    wait_for("both articles", || {
        rss().contains("Alpha") && rss().contains("Beta")
    });
    std::os::unix::fs::symlink(&outside, site.root().join("feeds/world/a.png")).unwrap();
    wait_for("the link refused", || {
        daemon.log().contains("image `a.png`")
    });
    let mut bomb = png(1, 1, 0);
    bomb[16..24].copy_from_slice(&[0, 1, 0x86, 0xA0, 0, 1, 0x86, 0xA0]);
    fs::remove_file(site.root().join("feeds/world/a.png")).unwrap();
    site.write("world/a.png", &bomb);
    wait_for("the bomb refused", || {
        daemon.log().contains("decompression bomb")
    });
    assert!(daemon.log().contains("leads outside"), "{}", daemon.log());
    assert!(!rss().contains("<enclosure"), "{}", rss());
    assert!(!site.root().join("public/_/media").exists() || files(&site).is_empty());
    assert_eq!(daemon.stop(), 0);
}

#[test]
fn under_watch_truncated_and_oversize_pictures_are_reported_and_one_shared_picture_is_stored_once()
{
    let site = Site::new();
    site.append_config("[feed]\nmax_image_bytes = 2000\n");
    for (name, file) in [
        ("Cut", "cut.png"),
        ("Big", "big.png"),
        ("One", "shared.png"),
    ] {
        site.write(
            &format!("world/{file}.md"),
            format!("---\ntitle: {name}\nimage: {file}\n---\nB.\n"),
        );
    }
    site.write(
        "world/two.md",
        "---\ntitle: Two\nimage: shared.png\n---\nB.\n",
    );
    let daemon = Daemon::start(&site);
    let rss = || fs::read_to_string(site.root().join("public/world/rss.xml")).unwrap_or_default();
    wait_for("every article", || {
        ["Cut", "Big", "One", "Two"]
            .iter()
            .all(|t| rss().contains(t))
    });
    let mut truncated = png(200, 200, 7);
    truncated.truncate(truncated.len() / 2);
    site.write("world/cut.png", truncated);
    site.write("world/big.png", png(400, 400, 9));
    site.write("world/shared.png", png(10, 10, 5));
    wait_for("the bad pictures reported", || {
        let log = daemon.log();
        log.contains("truncated PNG") && log.contains("feed.max_image_bytes")
    });
    wait_for("the shared picture in both items", || {
        rss().matches("<enclosure").count() == 2
    });
    let feed = rss();
    let urls: std::collections::BTreeSet<&str> = feed
        .split("<enclosure url=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert_eq!(urls.len(), 1, "{urls:?}");
    assert_eq!(daemon.stop(), 0);
}

fn files(site: &Site) -> Vec<std::path::PathBuf> {
    crate::support::files_under(&site.root().join("public/_/media"))
}
