//! Right-to-left text, legacy encodings and hostile characters arrive intact and valid.

use crate::support::{ARABIC_TXT, Site, rss, titles};

#[test]
fn an_arabic_plain_text_article_gets_title_lede_subheading_and_rtl_markup() {
    let site = Site::new();
    site.write("world/خبر.txt", ARABIC_TXT);
    site.build();
    let feed = rss(&site, "world/rss.xml");
    let entry = &feed.entries[0];
    assert_eq!(titles(&feed), ["الحكومة تعلن خطة جديدة لدعم المزارعين"]);
    assert!(
        entry
            .summary
            .as_ref()
            .unwrap()
            .content
            .starts_with("أعلنت الحكومة اليوم")
    );
    let html = &entry.content.as_ref().unwrap().body.clone().unwrap();
    assert!(
        html.starts_with("<div dir=\"rtl\" lang=\"ar\"><p>أعلنت"),
        "{html}"
    );
    assert!(html.contains("<h2>مخاوف المزارعين</h2>"), "{html}");
    let xml = site.published("world/rss.xml");
    assert!(xml.contains("<dc:language>ar</dc:language>"));
    assert!(
        xml.contains("<language>ar</language>"),
        "channel language from its items"
    );
    let atom = site.published("world/atom.xml");
    assert!(atom.contains("<title xml:lang=\"ar\">الحكومة"));
}

#[test]
fn the_arabic_slug_is_unicode_and_percent_encoded_in_the_link() {
    let site = Site::new();
    site.write("world/a.txt", "سلام عليكم\nنص.\n");
    site.build();
    let link = &rss(&site, "rss.xml").entries[0].links[0].href;
    assert_eq!(
        link,
        "https://news.example.org/world/%D8%B3%D9%84%D8%A7%D9%85-%D8%B9%D9%84%D9%8A%D9%83%D9%85/"
    );
}

#[test]
fn windows_1256_and_iso_8859_6_files_are_decoded() {
    let site = Site::new();
    let (cp1256, _, _) = encoding_rs::WINDOWS_1256.encode(ARABIC_TXT);
    let (iso, _, _) = encoding_rs::ISO_8859_6
        .encode("اقتصاد الدولة ينمو\nقال الوزير ان الاقتصاد ينمو بسرعة هذا العام\n");
    site.write("world/legacy.txt", &cp1256)
        .write("world/iso.txt", &iso);
    let report = site.build();
    let mut got = titles(&rss(&site, "rss.xml"));
    got.sort();
    assert_eq!(
        got,
        [
            "اقتصاد الدولة ينمو",
            "الحكومة تعلن خطة جديدة لدعم المزارعين"
        ]
    );
    assert!(
        report
            .scan
            .warnings
            .iter()
            .any(|(p, w)| p == "world/legacy.txt" && w.contains("windows-1256"))
    );
}

#[test]
fn utf16_files_with_a_bom_are_decoded_in_both_byte_orders() {
    let site = Site::new();
    let le: Vec<u8> = [0xff, 0xfe]
        .into_iter()
        .chain(ARABIC_TXT.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let be: Vec<u8> = [0xfe, 0xff]
        .into_iter()
        .chain(
            "UTF-16 big endian\r\nLede.\r\n"
                .encode_utf16()
                .flat_map(u16::to_be_bytes),
        )
        .collect();
    site.write("world/le.txt", le).write("news/be.txt", be);
    site.build();
    let mut got = titles(&rss(&site, "rss.xml"));
    got.sort();
    assert_eq!(
        got,
        ["UTF-16 big endian", "الحكومة تعلن خطة جديدة لدعم المزارعين"]
    );
}

#[test]
fn control_characters_are_removed_from_every_field_and_the_feed_stays_well_formed() {
    let site = Site::new();
    site.write("news/a.md", "---\ntitle: \"Bell\\a and escape\\e\"\nsummary: \"tab\\tok\\u000b\"\n---\nBody \u{8}text \u{1}here.\n");
    let report = site.build();
    for key in ["rss.xml", "atom.xml", "news/rss.xml"] {
        roxmltree::Document::parse(&site.published(key)).unwrap();
    }
    assert_eq!(titles(&rss(&site, "rss.xml")), ["Bell and escape"]);
    assert!(
        report
            .scan
            .warnings
            .iter()
            .any(|(_, w)| w.contains("not allowed in XML"))
    );
}

#[test]
fn markup_and_cdata_terminators_in_titles_are_text_escaped_exactly_once() {
    let site = Site::new();
    let title = "Use <b>bold</b> & ]]> carefully &amp; more";
    site.write(
        "news/a.md",
        format!("---\ntitle: '{title}'\n---\nBody with ]]> inside.\n"),
    );
    site.build();
    for key in ["rss.xml", "atom.xml"] {
        let feed = rss(&site, key);
        assert_eq!(titles(&feed), [title], "{key}");
    }
    let json: serde_json::Value = serde_json::from_str(&site.published("feed.json")).unwrap();
    assert_eq!(json["items"][0]["title"], title);
    let content = rss(&site, "rss.xml").entries[0]
        .content
        .clone()
        .unwrap()
        .body
        .unwrap();
    assert!(content.contains("]]&gt;"), "{content}");
}

#[test]
fn persian_without_a_channel_language_is_detected_as_persian() {
    let site = Site::new();
    site.write("mixed/fa.txt", "گزارش تازه درباره اقتصاد\nاین گزارش درباره رشد اقتصاد کشور و گسترش بازارهای محلی در سال گذشته است که نشان می‌دهد.\n");
    site.build();
    assert!(
        site.published("rss.xml")
            .contains("<dc:language>fa</dc:language>")
    );
}
