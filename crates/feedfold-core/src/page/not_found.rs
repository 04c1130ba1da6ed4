//! The page a visitor gets for an address that names nothing published (`404 Not Found`):
//! in the site's language and direction, with the site's header, style and footer, and a
//! way back to the home page. Pure: the site's title, address and language in, HTML out.

use super::{Head, document, esc, footer, site_header};

/// What the "not found" page shows.
pub struct NotFound<'a> {
    /// The site title (`site.title`).
    pub site_title: &'a str,
    /// The absolute URL the site is served at (`site.base_url`).
    pub base_url: &'a str,
    /// The page's language (`site.language`): Arabic words for `ar`, English otherwise.
    pub lang: &'a str,
}

/// The words of the page, in its language.
struct Words {
    title: &'static str,
    text: &'static str,
    home: &'static str,
}

const ARABIC: Words = Words {
    title: "الصفحة غير موجودة",
    text: "لا شيء منشور بهذا العنوان: ربما نُقلت الصفحة أو حُذفت، أو في العنوان خطأ.",
    home: "إلى الصفحة الرئيسية",
};

const ENGLISH: Words = Words {
    title: "Page not found",
    text: "Nothing is published at this address: the page may have moved or been removed, \
           or the address may be mistyped.",
    home: "Go to the home page",
};

/// The same rule as the other pages' interface words: Arabic for `ar`, else English.
fn words(lang: &str) -> &'static Words {
    if lang.split('-').next() == Some("ar") {
        &ARABIC
    } else {
        &ENGLISH
    }
}

/// The "not found" page of a site.
pub fn not_found_page(page: &NotFound) -> String {
    let words = words(page.lang);
    let home = format!("{}/", page.base_url);
    let body = format!(
        "{header}<main class=\"notice\" role=\"status\">\n<h1>{title}</h1>\n<p>{text}</p>\n\
         <p><a href=\"{href}\">{go_home}</a></p>\n</main>\n{footer}",
        header = site_header(page.site_title, page.base_url, None),
        title = words.title,
        text = words.text,
        href = esc(&home),
        go_home = words.home,
        footer = footer(page.lang),
    );
    let title = format!("{} — {}", words.title, page.site_title);
    document(
        &Head {
            lang: page.lang,
            title: &title,
            description: words.text,
            canonical: &home,
            base_url: page.base_url,
            feeds: &[],
            social: String::new(),
        },
        &body,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_arabic_site_gets_an_arabic_right_to_left_page_with_its_header_and_style() {
        let html = not_found_page(&NotFound {
            site_title: "أخبار <فولد>",
            base_url: "https://news.example.org",
            lang: "ar",
        });
        assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
        assert!(html.contains("<html lang=\"ar\" dir=\"rtl\">"), "{html}");
        assert!(html.contains("<h1>الصفحة غير موجودة</h1>"), "{html}");
        assert!(
            html.contains("أخبار &lt;فولد&gt;"),
            "the title is escaped: {html}"
        );
        assert!(
            html.contains("href=\"https://news.example.org/\""),
            "{html}"
        );
        let style = format!("https://news.example.org/{}", *crate::page::PAGE_STYLE);
        assert!(
            html.contains(&format!("<link rel=\"stylesheet\" href=\"{style}\">")),
            "the site's style: {html}"
        );
        assert!(html.contains("<footer>"), "{html}");
        assert!(!html.contains("<script"), "{html}");
    }

    #[test]
    fn another_language_gets_english_words_in_its_direction() {
        let html = not_found_page(&NotFound {
            site_title: "Fold News",
            base_url: "https://news.example.org/ar",
            lang: "en-GB",
        });
        assert!(html.contains("<html lang=\"en-GB\" dir=\"ltr\">"), "{html}");
        assert!(html.contains("<h1>Page not found</h1>"), "{html}");
        assert!(
            html.contains("href=\"https://news.example.org/ar/\""),
            "{html}"
        );
    }
}
