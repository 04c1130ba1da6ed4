//! Pictures: lead images (front matter, sidecar, first body image) and body images are
//! published once under content-addressed names, carried in every feed format and on the
//! page; bad picture files are reported with the article and left out, and the article
//! still publishes (`images_live` does the same under `feedfold watch` and `serve`).

use std::fs;

use crate::support::{BASE_URL, Site, files_under};

/// A `width` × `height` PNG, in one colour.
pub fn png(width: u32, height: u32, shade: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::RgbImage::from_pixel(width, height, image::Rgb([shade, 90, 30]))
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// A `width` × `height` JPEG with EXIF holding a GPS note and an orientation of 6.
fn jpeg_with_location(width: u32, height: u32) -> Vec<u8> {
    let mut plain = Vec::new();
    let img = image::RgbImage::from_pixel(width, height, image::Rgb([10, 120, 200]));
    image::codecs::jpeg::JpegEncoder::new(&mut plain)
        .encode_image(&img)
        .unwrap();
    let note = b"GPS 24.7136N 46.6753E";
    let mut tiff = b"MM\0*\0\0\0\x08\0\x02".to_vec();
    tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]);
    tiff.extend_from_slice(&[0x01, 0x0E, 0, 2, 0, 0, 0, note.len() as u8, 0, 0, 0, 38]);
    tiff.extend_from_slice(&[0; 4]);
    tiff.extend_from_slice(note);
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&plain[2..]);
    out
}

pub fn media_files(site: &Site) -> Vec<String> {
    let dir = site.root().join("public/_/media");
    files_under(&dir)
        .iter()
        .map(|p| p.strip_prefix(&dir).unwrap().to_string_lossy().into_owned())
        .collect()
}

/// The URL of the first `_/media/` picture in `text` that is not a thumbnail.
pub fn picture_url(text: &str) -> Option<String> {
    let start = text.find(&format!("{BASE_URL}/_/media/"))?;
    let rest = &text[start..];
    let end = rest.find(['"', '<', ' ']).unwrap_or(rest.len());
    Some(rest[..end].to_string()).filter(|u| !u.contains("-thumb"))
}

fn warnings(report: &feedfold::commands::BuildReport) -> String {
    let w = &report.scan.warnings;
    w.iter().map(|(p, w)| format!("{p}: {w}\n")).collect()
}

#[test]
fn a_sidecar_becomes_the_lead_image_in_every_format_and_on_the_page() {
    let site = Site::new();
    site.write(
        "world/story.txt",
        "Storm reaches the coast\nWinds rose overnight.\n",
    );
    site.write("world/story.jpg", jpeg_with_location(800, 600));
    let report = site.build();
    assert!(
        report.scan.rejected.is_empty(),
        "{:?}",
        report.scan.rejected
    );
    let rss = site.published("world/rss.xml");
    let url = picture_url(&rss).expect("a picture in RSS");
    assert!(url.ends_with(".jpg"), "{url}");
    assert!(
        rss.contains("xmlns:media=\"http://search.yahoo.com/mrss/\""),
        "{rss}"
    );
    assert!(
        rss.contains(&format!("<enclosure url=\"{url}\" length=")),
        "{rss}"
    );
    assert!(rss.contains("medium=\"image\""), "{rss}");
    // EXIF turns it a quarter: shown 600 × 800.
    assert!(
        rss.contains("width=\"600\"") && rss.contains("height=\"800\""),
        "{rss}"
    );
    assert!(
        rss.contains("<media:thumbnail") && rss.contains("height=\"533\""),
        "{rss}"
    );
    let atom = site.published("world/atom.xml");
    assert!(
        atom.contains("rel=\"enclosure\"") && atom.contains(&url),
        "{atom}"
    );
    let json: serde_json::Value = serde_json::from_str(&site.published("feed.json")).unwrap();
    let item = &json["items"][0];
    assert_eq!(item["image"], url.as_str());
    assert_eq!(item["attachments"][0]["mime_type"], "image/jpeg");
    let key = url.strip_prefix(&format!("{BASE_URL}/")).unwrap();
    let bytes = fs::read(site.root().join("public").join(key)).unwrap();
    assert_eq!(item["attachments"][0]["size_in_bytes"], bytes.len());
    // Published without its location, still turned the right way.
    assert!(
        !bytes.windows(5).any(|w| w == b"24.71"),
        "GPS left in the copy"
    );
    assert!(
        bytes.windows(4).any(|w| w == b"Exif"),
        "orientation dropped"
    );
    let page = site.published("world/storm-reaches-the-coast/index.html");
    assert!(
        page.contains(&format!("<meta property=\"og:image\" content=\"{url}\">")),
        "{page}"
    );
    assert!(
        page.contains("summary_large_image") && page.contains("<figure"),
        "{page}"
    );
    // Original and thumbnail, nothing else.
    assert_eq!(media_files(&site).len(), 2, "{:?}", media_files(&site));
    let again = site.build();
    assert!(again.publish.written.is_empty() && again.publish.written_pages.is_empty());
}

#[test]
fn a_front_matter_image_with_its_caption_and_credit_leads_an_arabic_article() {
    let site = Site::new();
    let md = "---\ntitle: مرحبا بكم\nimage: pics/welcome.png\nimage_alt: شارع مزدحم\n\
              image_caption: السوق القديم صباحا\nimage_credit: تصوير سارة\nlang: ar\n---\nنص الخبر.\n";
    site.write("ar/welcome.md", md);
    site.write("ar/pics/welcome.png", png(1200, 600, 10));
    let report = site.build();
    assert!(warnings(&report).is_empty(), "{}", warnings(&report));
    let rss = site.published("ar/rss.xml");
    assert!(
        rss.contains("<media:description type=\"plain\">السوق القديم صباحا</media:description>"),
        "{rss}"
    );
    assert!(
        rss.contains("<media:credit>تصوير سارة</media:credit>"),
        "{rss}"
    );
    assert!(rss.contains("type=\"image/png\""), "{rss}");
    let page = fs::read_dir(site.root().join("public/ar"))
        .unwrap()
        .filter_map(|e| fs::read_to_string(e.unwrap().path().join("index.html")).ok())
        .next()
        .unwrap();
    assert!(
        page.contains("<figure class=\"lead\" dir=\"rtl\" lang=\"ar\">"),
        "{page}"
    );
    assert!(
        page.contains("og:image:alt\" content=\"شارع مزدحم\""),
        "{page}"
    );
    assert!(page.contains("og:image:width\" content=\"1200\""), "{page}");
    assert!(page.contains("<figcaption>السوق القديم صباحا"), "{page}");
}

#[test]
fn body_images_point_at_their_published_copies_with_their_size() {
    let site = Site::new();
    let md = "---\ntitle: Gallery\n---\nFirst.\n\n![A harbour](harbour.png)\n\n\
              ![Remote](https://cdn.example.org/x.jpg)\n\n![Gone](missing.png)\n";
    site.write("world/gallery.md", md);
    site.write("world/harbour.png", png(640, 480, 50));
    site.build();
    let rss = site.published("world/rss.xml");
    let url = picture_url(&rss).unwrap();
    assert!(
        rss.contains(&format!(
            "src=\"{url}\" width=\"640\" height=\"480\" alt=\"A harbour\""
        )),
        "{rss}"
    );
    assert!(rss.contains("https://cdn.example.org/x.jpg"), "{rss}");
    // The first body image leads.
    assert!(rss.contains("<enclosure"), "{rss}");
    let page = site.published("world/gallery/index.html");
    assert!(page.contains("<img loading=\"lazy\" src="), "{page}");
}

#[test]
fn the_same_picture_in_two_articles_is_stored_once() {
    let site = Site::new();
    let bytes = png(300, 200, 99);
    site.write("world/a.txt", "First story\nLede.\n");
    site.write("world/a.png", &bytes);
    site.write(
        "economy/b.md",
        "---\ntitle: Second\nimage: same.png\n---\nBody.\n",
    );
    site.write("economy/same.png", &bytes);
    site.build();
    assert_eq!(media_files(&site).len(), 2, "{:?}", media_files(&site));
    let a = picture_url(&site.published("world/rss.xml"));
    assert_eq!(a, picture_url(&site.published("economy/rss.xml")));
}

#[test]
fn a_replaced_picture_gets_a_new_url_and_the_old_one_goes_after_the_feeds_changed() {
    let site = Site::new();
    site.write("world/story.txt", "Storm\nLede.\n");
    site.write("world/story.png", png(300, 200, 1));
    site.build();
    let old = picture_url(&site.published("world/rss.xml")).unwrap();
    site.write("world/story.png", png(300, 200, 200));
    let report = site.build();
    let new = picture_url(&site.published("world/rss.xml")).unwrap();
    assert_ne!(old, new);
    let old_key = old
        .strip_prefix(&format!("{BASE_URL}/"))
        .unwrap()
        .to_string();
    assert!(!site.is_published(&old_key), "old picture left");
    let removed = &report.publish.removed;
    assert!(removed.contains(&old_key), "{removed:?}");
    assert!(
        report
            .publish
            .written
            .contains(&"world/rss.xml".to_string())
    );
    assert_eq!(media_files(&site).len(), 2);
}

#[test]
fn bad_picture_files_are_reported_with_the_article_which_still_publishes() {
    let site = Site::new();
    let outside = site.root().join("secret.png");
    fs::write(&outside, png(10, 10, 3)).unwrap();
    let mut bomb = png(1, 1, 0);
    bomb[16..24].copy_from_slice(&[0, 1, 0x86, 0xA0, 0, 1, 0x86, 0xA0]);
    let mut truncated = png(200, 200, 7);
    truncated.truncate(truncated.len() / 2);
    let cases = [
        (
            "text",
            "text.jpg",
            b"not a picture at all\n".to_vec(),
            "not an image",
        ),
        ("cut", "cut.png", truncated, "truncated PNG"),
        ("bomb", "bomb.png", bomb, "decompression bomb"),
        ("big", "big.png", png(400, 400, 9), "feed.max_image_bytes"),
    ];
    site.append_config("[feed]\nmax_image_bytes = 2000\n");
    for (name, file, bytes, _) in &cases {
        site.write(
            &format!("world/{name}.md"),
            format!("---\ntitle: {name}\nimage: {file}\n---\nB.\n"),
        );
        site.write(&format!("world/{file}"), bytes);
    }
    site.write(
        "world/up.md",
        "---\ntitle: up\nimage: ../../secret.png\n---\nB.\n",
    );
    std::os::unix::fs::symlink(&outside, site.root().join("feeds/world/link.png")).unwrap();
    site.write(
        "world/link.md",
        "---\ntitle: link\nimage: link.png\n---\nB.\n",
    );
    let report = site.build();
    let w = warnings(&report);
    for (name, _, _, why) in cases {
        assert!(
            w.contains(&format!("world/{name}.md: image")) && w.contains(why),
            "{name}: {w}"
        );
    }
    assert!(
        w.contains("world/up.md: image `../../secret.png` leads outside"),
        "{w}"
    );
    assert!(
        w.contains("world/link.md: image `link.png`") && w.contains("outside"),
        "{w}"
    );
    assert!(
        report.scan.rejected.is_empty(),
        "{:?}",
        report.scan.rejected
    );
    assert_eq!(report.articles, 6);
    assert!(media_files(&site).is_empty(), "{:?}", media_files(&site));
    assert!(!site.published("world/rss.xml").contains("<enclosure"));
}

#[test]
fn a_scheduled_articles_picture_is_not_published_before_it() {
    let site = Site::new();
    site.write(
        "world/later.md",
        "---\ntitle: Later\ndate: 2030-01-01\nimage: l.png\n---\nB.\n",
    );
    site.write("world/l.png", png(50, 50, 5));
    site.build();
    assert!(media_files(&site).is_empty(), "{:?}", media_files(&site));
}

#[test]
fn pictures_past_feed_max_images_are_reported_and_not_published() {
    let site = Site::new();
    site.append_config("[feed]\nmax_images = 2\n");
    let md = "---\ntitle: Many\n---\nText.\n\n![a](a.png) ![b](b.png) ![c](c.png)\n";
    site.write("world/many.md", md);
    for (i, name) in ["a", "b", "c"].iter().enumerate() {
        site.write(&format!("world/{name}.png"), png(40, 30, i as u8 * 80));
    }
    let report = site.build();
    let w = warnings(&report);
    assert!(w.contains("world/many.md: 1 more local images than feed.max_images (2) allows, not published: c.png"), "{w}");
    assert!(w.contains("c.png"), "{w}");
    // a (the lead, with its thumbnail) and b.
    assert_eq!(media_files(&site).len(), 3, "{:?}", media_files(&site));
}
