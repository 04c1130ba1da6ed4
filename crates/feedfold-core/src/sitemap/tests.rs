//! The sitemap rules: order, splitting at the protocol's limits, escaping.

use super::*;
use crate::identity::Interner;

const BASE: &str = "https://news.example";

fn at(hour: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_900_000_000 + hour * 3600, 0).unwrap()
}

fn entry(rowid: i64, channel: &str, slug: &str, published: i64) -> Entry {
    let mut interner = Interner::default();
    Entry {
        rowid,
        channel: interner.intern(channel),
        slug: slug.into(),
        tags: Box::new([]),
        authors: Box::new([]),
        translation_key: None,
        lang: interner.intern("ar"),
        published: at(published),
        updated: at(published + 1),
        version: [rowid as u8; 32],
        expires: None,
        retracted: None,
        removed: None,
    }
}

#[test]
fn articles_come_oldest_first_then_the_listing_pages() {
    let (new, old) = (entry(1, "world", "new", 5), entry(2, "world", "old", 1));
    let locations = locations(&[&new, &old], [("", at(9)), ("world/", at(8))], None);
    let urls: Vec<String> = locations.iter().map(|l| l.url(BASE)).collect();
    assert_eq!(
        urls,
        [
            "https://news.example/world/old/",
            "https://news.example/world/new/",
            "https://news.example/",
            "https://news.example/world/",
        ]
    );
    assert_eq!(locations[0].lastmod, at(2));
}

#[test]
fn urls_are_percent_encoded_like_the_pages_links_and_escaped_once() {
    let e = entry(1, "العالم", "a&b", 0);
    let xml = urlset(BASE, &locations(&[&e], [("tags/q&a/", at(0))], None));
    assert!(
        xml.contains(
            "<loc>https://news.example/%D8%A7%D9%84%D8%B9%D8%A7%D9%84%D9%85/a&amp;b/</loc>"
        ),
        "{xml}"
    );
    assert!(xml.contains("<loc>https://news.example/tags/q&amp;a/</loc>"));
    assert!(
        xml.contains("<lastmod>2030-03-17T17:46:40Z</lastmod>"),
        "{xml}"
    );
    let doc = roxmltree::Document::parse(&xml).unwrap();
    assert_eq!(doc.root_element().tag_name().namespace(), Some(NAMESPACE));
}

#[test]
fn splitting_keeps_every_item_once_within_both_limits() {
    let sizes = [3, 3, 3, 9, 1, 1, 1, 1, 20, 2];
    let limits = Limits { urls: 3, bytes: 10 };
    let parts = split(&sizes, |n| *n, 1, limits);
    assert_eq!(parts, [0..3, 3..4, 4..7, 7..8, 8..9, 9..10]);
    for part in &parts {
        let bytes: usize = sizes[part.clone()].iter().sum::<usize>() + 1;
        assert!(
            part.len() <= 3 && (bytes <= 10 || part.len() == 1),
            "{part:?}"
        );
    }
    let empty: [usize; 0] = [];
    let parts = split(&empty, |n| *n, 1, limits);
    assert_eq!((parts.len(), parts[0].clone()), (1, 0..0));
}

#[test]
fn above_50000_urls_the_sitemap_is_split_into_parts_of_50000() {
    let sizes = vec![100usize; 120_001];
    let parts = split(&sizes, |n| *n, 128, LIMITS);
    assert_eq!(parts, [0..50_000, 50_000..100_000, 100_000..120_001]);
    let big = vec![1_000_000usize; 120];
    let parts = split(&big, |n| *n, 128, LIMITS);
    assert_eq!(parts.len(), 3, "52 MB hold 52 such entries: {parts:?}");
    assert_eq!(parts[0], 0..52);
}

#[test]
fn at_most_50000_urls_make_one_part() {
    let entries: Vec<Entry> = (0..50_000)
        .map(|i| entry(i, "world", &format!("story-{i}"), i))
        .collect();
    let refs: Vec<&Entry> = entries.iter().collect();
    let all = locations(&refs, [], None);
    assert_eq!(parts(BASE, &all).len(), 1);
    let one_more = locations(&refs, [("", at(0))], None);
    let split = parts(BASE, &one_more);
    assert_eq!((split.len(), split[1].len()), (2, 1));
}

#[test]
fn a_part_signature_follows_its_urls_and_dates_only() {
    let (a, b) = (entry(1, "world", "a", 0), entry(2, "world", "b", 1));
    let one = locations(&[&a, &b], [], None);
    assert_eq!(signature(BASE, &one), signature(BASE, &one.clone()));
    let later = Entry {
        updated: at(7),
        ..b.clone()
    };
    assert_ne!(
        signature(BASE, &one),
        signature(BASE, &locations(&[&a, &later], [], None))
    );
    assert_ne!(signature(BASE, &one), signature("https://x.example", &one));
}

#[test]
fn the_index_lists_each_part_with_its_newest_date() {
    let xml = index(&[(
        "https://news.example/_/sitemaps/sitemap-1.xml".into(),
        at(0),
    )]);
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "sitemapindex");
    assert_eq!(root.tag_name().namespace(), Some(NAMESPACE));
    assert!(xml.contains("<sitemap><loc>https://news.example/_/sitemaps/sitemap-1.xml</loc>"));
    let e = entry(1, "w", "s", 3);
    assert_eq!(newest(&locations(&[&e], [("", at(1))], None)), at(4));
}

#[test]
fn an_article_with_translations_lists_every_version_and_the_bound_counts_them() {
    let en = Entry {
        lang: "en".into(),
        translation_key: Some("k".into()),
        ..entry(1, "world", "a&b", 0)
    };
    let ar = Entry {
        translation_key: Some("k".into()),
        ..entry(2, "العالم", "ب", 1)
    };
    let alone = entry(3, "world", "c", 2);
    let translations = crate::feed::translations::group(&[&en, &ar, &alone]);
    let all = locations(&[&en, &ar, &alone], [("", at(9))], Some(&translations));
    let xml = urlset(BASE, &all);
    assert!(
        xml.contains("xmlns:xhtml=\"http://www.w3.org/1999/xhtml\""),
        "{xml}"
    );
    let versions = "<xhtml:link rel=\"alternate\" hreflang=\"ar\" \
        href=\"https://news.example/%D8%A7%D9%84%D8%B9%D8%A7%D9%84%D9%85/%D8%A8/\"/>\
        <xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"https://news.example/world/a&amp;b/\"/>\
        </url>";
    assert_eq!(xml.matches(versions).count(), 2, "{xml}");
    let line = xml.lines().find(|l| l.contains("/world/c/")).unwrap();
    assert!(!line.contains("xhtml"), "{line}");
    for location in &all {
        let one = urlset(BASE, std::slice::from_ref(location));
        let entry = one.len() - URLSET_OVERHEAD.min(one.len());
        assert!(location.bound(BASE) >= entry, "{one}");
    }
    let without = locations(&[&en, &ar, &alone], [("", at(9))], None);
    assert_ne!(signature(BASE, &all), signature(BASE, &without));
    assert!(!urlset(BASE, &without).contains("xhtml"));
}
