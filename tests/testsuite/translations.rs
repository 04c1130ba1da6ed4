//! Translations: public articles sharing a front-matter `translation_key` link each other
//! (page `hreflang` alternates and a visible link in the other language's words, Atom
//! `hreflang` alternates, sitemap `xhtml:link`s); drafts, scheduled and retracted ones are
//! no one's translation; two of one language link neither and are reported; and a change
//! of one article rewrites its partners' pages.

use crate::support::Site;

/// A Markdown article in `lang` with `extra` front matter.
fn story(title: &str, lang: &str, slug: &str, extra: &str) -> String {
    format!(
        "---\ntitle: \"{title}\"\nlang: {lang}\nslug: {slug}\ndate: 2024-06-01\n{extra}---\n\
         Body of {title}.\n"
    )
}

const KEY: &str = "translation_key: port-2024\n";
const EN_PAGE: &str = "world/port/index.html";
const AR_PAGE: &str = "world/الميناء/index.html";
const EN_URL: &str = "https://news.example.org/world/port/";
const AR_URL: &str = "https://news.example.org/world/%D8%A7%D9%84%D9%85%D9%8A%D9%86%D8%A7%D8%A1/";

/// An English story and its Arabic version.
fn pair() -> Site {
    let site = Site::new();
    site.write(
        "world/port.md",
        story("The port reopens", "en", "port", KEY),
    );
    site.write(
        "world/port-ar.md",
        story("الميناء يعيد فتح أبوابه", "ar", "الميناء", KEY),
    );
    site
}

#[test]
fn an_english_and_an_arabic_article_sharing_a_key_link_each_other() {
    let site = pair();
    site.build();
    let en = site.published(EN_PAGE);
    assert!(en.contains(&format!(
        "<link rel=\"alternate\" hreflang=\"en\" href=\"{EN_URL}\">"
    )));
    assert!(en.contains(&format!(
        "<link rel=\"alternate\" hreflang=\"ar\" href=\"{AR_URL}\">"
    )));
    let visible = format!(
        "<p class=\"translations\"><a href=\"{AR_URL}\" hreflang=\"ar\" lang=\"ar\" dir=\"rtl\">\
         اقرأ بالعربية</a></p>\n<h1>The port reopens</h1>"
    );
    assert!(en.contains(&visible), "{en}");
    let ar = site.published(AR_PAGE);
    let visible =
        format!("<a href=\"{EN_URL}\" hreflang=\"en\" lang=\"en\" dir=\"ltr\">Read in English</a>");
    assert!(ar.contains(&visible), "{ar}");
    assert!(ar.contains(&format!("hreflang=\"ar\" href=\"{AR_URL}\"")));
    // Atom: each entry links the other version, then itself with its language.
    let atom = site.published("atom.xml");
    let en_entry = entry_of(&atom, "The port reopens");
    assert!(
        en_entry.contains(&format!(
            "<link href=\"{AR_URL}\" rel=\"alternate\" hreflang=\"ar\" type=\"text/html\"/>"
        )),
        "{en_entry}"
    );
    assert!(
        en_entry.contains(&format!(
            "<link href=\"{EN_URL}\" rel=\"alternate\" hreflang=\"en\" type=\"text/html\"/>"
        )),
        "{en_entry}"
    );
    // The sitemap: both versions on each of the two URLs, itself included.
    let sitemap = site.published("sitemap.xml");
    assert!(sitemap.contains("xmlns:xhtml=\"http://www.w3.org/1999/xhtml\""));
    let alternates = format!(
        "<xhtml:link rel=\"alternate\" hreflang=\"ar\" href=\"{AR_URL}\"/>\
         <xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"{EN_URL}\"/></url>"
    );
    assert!(sitemap.contains(&format!("<loc>{EN_URL}</loc>")));
    assert_eq!(sitemap.matches(&alternates).count(), 2, "{sitemap}");
    // Feeds and listings have no `xhtml:link`: only article URLs with translations.
    assert_eq!(sitemap.matches("<xhtml:link").count(), 4);
}

/// The `<entry>` of the Atom feed `atom` whose title is `title`.
fn entry_of<'a>(atom: &'a str, title: &str) -> &'a str {
    atom.split("<entry>")
        .find(|e| e.contains(&format!(">{title}</title>")))
        .unwrap_or_else(|| panic!("no entry {title}: {atom}"))
}

#[test]
fn an_article_without_translations_and_its_sitemap_are_as_before() {
    let site = Site::new();
    site.write("world/port.md", story("The port reopens", "en", "port", ""));
    site.build();
    assert!(!site.published(EN_PAGE).contains("hreflang"));
    assert!(!site.published("atom.xml").contains("hreflang"));
    assert!(!site.published("sitemap.xml").contains("xhtml"));
}

#[test]
fn two_articles_of_one_language_with_one_key_link_neither_and_are_reported() {
    let site = pair();
    site.write(
        "world/port-2.md",
        story("The port reopens, again", "en", "port-2", KEY),
    );
    let report = site.build();
    assert_eq!(
        report.publish.warnings.len(),
        1,
        "{:?}",
        report.publish.warnings
    );
    let (path, warning) = &report.publish.warnings[0];
    assert!(
        path == "world/port.md" || path == "world/port-2.md",
        "{path}"
    );
    assert!(
        warning.contains("world/port.md") && warning.contains("world/port-2.md"),
        "{warning}"
    );
    assert!(
        warning.contains("`port-2024`") && warning.contains("`en`"),
        "{warning}"
    );
    for page in [EN_PAGE, "world/port-2/index.html", AR_PAGE] {
        assert!(!site.published(page).contains("hreflang"), "{page}");
    }
    // Said when it arises, not on every publish.
    assert!(site.build().publish.warnings.is_empty());
}

#[test]
fn a_draft_scheduled_or_retracted_version_is_no_ones_translation() {
    let dated = "date: 2024-06-01\n";
    for extra in [
        format!("{dated}draft: true\n"),
        "date: 2099-01-01\n".to_string(),
        format!("{dated}retracted: Wrong.\n"),
    ] {
        let site = Site::new();
        site.write(
            "world/port.md",
            story("The port reopens", "en", "port", KEY),
        );
        let arabic =
            format!("---\ntitle: الميناء\nlang: ar\nslug: الميناء\n{KEY}{extra}---\nنص.\n");
        site.write("world/port-ar.md", arabic);
        site.build();
        let en = site.published(EN_PAGE);
        assert!(!en.contains("hreflang"), "{extra}: {en}");
        assert!(!site.published("atom.xml").contains("hreflang"), "{extra}");
        assert!(!site.published("sitemap.xml").contains("xhtml"), "{extra}");
    }
}

#[test]
fn a_change_of_one_articles_key_or_its_removal_rewrites_its_partners_page() {
    let site = pair();
    site.build();
    // The Arabic version leaves the story: the English page no longer links it.
    site.write(
        "world/port-ar.md",
        story(
            "الميناء يعيد فتح أبوابه",
            "ar",
            "الميناء",
            "translation_key: other\n",
        ),
    );
    let report = site.build();
    assert!(
        report.publish.written_pages.iter().any(|k| k == EN_PAGE),
        "{report:?}"
    );
    assert!(!site.published(EN_PAGE).contains("hreflang"));
    assert!(!site.published("atom.xml").contains("hreflang"));
    // It comes back: linked again.
    site.write(
        "world/port-ar.md",
        story("الميناء يعيد فتح أبوابه", "ar", "الميناء", KEY),
    );
    let report = site.build();
    assert!(report.publish.written_pages.iter().any(|k| k == EN_PAGE));
    assert!(site.published(EN_PAGE).contains(AR_URL));
    // A build with no change rewrites nothing.
    assert!(site.build().publish.written_pages.is_empty());
    // Its file is deleted: the English page is rewritten without it.
    site.remove("world/port-ar.md");
    let report = site.build();
    assert!(report.publish.written_pages.iter().any(|k| k == EN_PAGE));
    assert!(!site.published(EN_PAGE).contains(AR_URL));
    assert!(!site.published("sitemap.xml").contains("xhtml"));
}

#[test]
fn an_invalid_translation_key_is_reported_with_its_file_and_line_and_ignored() {
    let site = pair();
    site.write(
        "world/port-ar.md",
        "---\ntitle: الميناء\nlang: ar\ntranslation_key: [port-2024, other]\n---\nنص.\n",
    );
    let report = site.build();
    assert_eq!(
        report.scan.warnings,
        [(
            "world/port-ar.md".to_string(),
            "translation_key (line 4) is a list, not text; ignored: the article links no \
             translation"
                .to_string()
        )]
    );
    assert!(!site.published(EN_PAGE).contains("hreflang"));
    assert!(
        site.published("rss.xml").contains("الميناء"),
        "still published"
    );
}

#[test]
fn under_watch_a_version_that_comes_or_goes_rewrites_its_partners_page() {
    let site = Site::new();
    site.write(
        "world/port.md",
        story("The port reopens", "en", "port", KEY),
    );
    let daemon = crate::daemon_support::Daemon::start(&site);
    let english = || std::fs::read_to_string(site.root().join("public").join(EN_PAGE));
    crate::daemon_support::wait_for("the English page", || english().is_ok());
    assert!(!english().unwrap().contains("hreflang"));
    site.write(
        "world/port-ar.md",
        story("الميناء يعيد فتح أبوابه", "ar", "الميناء", KEY),
    );
    crate::daemon_support::wait_for("the English page to link the Arabic one", || {
        english().is_ok_and(|page| page.contains(&format!("hreflang=\"ar\" href=\"{AR_URL}\"")))
    });
    site.write(
        "world/port-ar.md",
        story(
            "الميناء يعيد فتح أبوابه",
            "ar",
            "الميناء",
            "translation_key: other\n",
        ),
    );
    crate::daemon_support::wait_for("the English page to link it no more", || {
        english().is_ok_and(|page| !page.contains("hreflang"))
    });
    assert_eq!(daemon.stop(), 0);
}
