//! What an article page tells link previews and search engines about itself: the Open
//! Graph locale of its language, and its JSON-LD `NewsArticle` (schema.org). Pure.
//!
//! JSON-LD sits in a `<script type="application/ld+json">` data block, which no browser
//! runs (the pages' policy has no `script-src` at all); its text is JSON with `<`, `>` and
//! `&` written as `\u003c`, `\u003e`, `\u0026`, so no title can end the block.

use serde_json::{Value, json};

use crate::feed::Item;
use crate::media::brand::Marks;

/// The Open Graph locale of a BCP 47 tag: `ar` → `ar_AR`, `en` → `en_US`, `en-GB` →
/// `en_GB`, `fr` → `fr_FR`; a tag that is not `language[-REGION]` keeps its language alone.
pub fn og_locale(lang: &str) -> String {
    let mut parts = lang.split(['-', '_']);
    let language = parts.next().unwrap_or("en").to_ascii_lowercase();
    let region = parts.find(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_alphabetic()));
    match (language.as_str(), region) {
        (_, Some(region)) => format!("{language}_{}", region.to_ascii_uppercase()),
        ("ar", None) => "ar_AR".into(),
        ("en", None) => "en_US".into(),
        (l, None) if l.len() == 2 => format!("{l}_{}", l.to_ascii_uppercase()),
        (l, None) => l.to_string(),
    }
}

/// Who publishes an article, as its JSON-LD names them.
pub struct Publisher<'a> {
    /// The site title.
    pub name: &'a str,
    /// The site's URL (`site.base_url`).
    pub base_url: &'a str,
    /// The site's logo (else its icon) is the organization's logo.
    pub marks: &'a Marks,
}

impl Publisher<'_> {
    fn value(&self) -> Value {
        let mut org = json!({
            "@type": "Organization",
            "name": self.name,
            "url": format!("{}/", self.base_url),
        });
        let logo = self.marks.logo.as_ref().or(self.marks.icon.as_ref());
        if let (Some(logo), Some(map)) = (logo, org.as_object_mut()) {
            let mut image = json!({ "@type": "ImageObject", "url": logo.url });
            if let (Some(w), Some(h), Some(map)) = (logo.width, logo.height, image.as_object_mut())
            {
                map.insert("width".into(), w.into());
                map.insert("height".into(), h.into());
            }
            map.insert("logo".into(), image);
        }
        org
    }
}

/// The JSON-LD `NewsArticle` of `item` by `publisher`, as text safe inside a `<script>`
/// data block.
pub fn news_article(item: &Item, publisher: &Publisher) -> String {
    let authors: Vec<Value> = item
        .authors
        .iter()
        .map(
            |name| match crate::layout::author_url(publisher.base_url, name) {
                Some(url) => json!({ "@type": "Person", "name": name, "url": url }),
                None => json!({ "@type": "Person", "name": name }),
            },
        )
        .collect();
    let mut ld = json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": item.title,
        "description": item.summary,
        "datePublished": item.published.to_rfc3339(),
        "dateModified": item.updated.to_rfc3339(),
        "author": authors,
        "publisher": publisher.value(),
        "inLanguage": item.lang,
        "mainEntityOfPage": item.link,
    });
    if let (Some(lead), Some(map)) = (&item.lead, ld.as_object_mut()) {
        map.insert("image".into(), json!([lead.url]));
    }
    script_safe(&ld.to_string())
}

/// JSON text with `<`, `>` and `&` escaped: the same value, and nothing that can close
/// the `<script>` element holding it.
fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};

    use super::*;

    fn item(title: &str) -> Item {
        let at: DateTime<Utc> = DateTime::from_timestamp(1_900_000_000, 0).unwrap();
        Item {
            id: "urn:uuid:1".into(),
            title: title.into(),
            link: "https://news.example.org/world/a/".into(),
            summary: "Lede.".into(),
            content_html: None,
            lang: "ar".into(),
            published: at,
            updated: at,
            authors: vec!["Desk".into()],
            categories: vec![],
            tags: vec![],
            image: None,
            lead: None,
            removal: None,
            translations: vec![],
        }
    }

    #[test]
    fn each_author_person_links_their_page_when_they_have_one() {
        let item = Item {
            authors: vec!["سارة أحمد".into(), "—".into()],
            ..item("T")
        };
        let marks = Marks::default();
        let publisher = Publisher {
            name: "S",
            base_url: "https://news.example.org",
            marks: &marks,
        };
        let ld: Value = serde_json::from_str(&news_article(&item, &publisher)).unwrap();
        assert_eq!(
            ld["author"][0]["url"],
            "https://news.example.org/authors/%D8%B3%D8%A7%D8%B1%D8%A9-%D8%A3%D8%AD%D9%85%D8%AF/"
        );
        assert_eq!(ld["author"][1], json!({ "@type": "Person", "name": "—" }));
    }

    #[test]
    fn locales_follow_the_article_language() {
        assert_eq!(og_locale("ar"), "ar_AR");
        assert_eq!(og_locale("en"), "en_US");
        assert_eq!(og_locale("en-GB"), "en_GB");
        assert_eq!(og_locale("ar-EG"), "ar_EG");
        assert_eq!(og_locale("fr"), "fr_FR");
        assert_eq!(og_locale("zh-Hant-TW"), "zh_TW");
    }

    #[test]
    fn json_ld_parses_as_a_news_article_and_survives_a_hostile_title() {
        let hostile = "</script><script>alert(1)</script> & «خبر»";
        let marks = Marks::default();
        let publisher = Publisher {
            name: "Fold News",
            base_url: "https://news.example.org",
            marks: &marks,
        };
        let text = news_article(&item(hostile), &publisher);
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'));
        let ld: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(ld["@type"], "NewsArticle");
        assert_eq!(ld["headline"], hostile);
        assert_eq!(ld["author"][0]["name"], "Desk");
        assert_eq!(
            ld["author"][0]["url"],
            "https://news.example.org/authors/desk/"
        );
        assert_eq!(ld["publisher"]["name"], "Fold News");
        assert_eq!(ld["inLanguage"], "ar");
        assert_eq!(ld["mainEntityOfPage"], "https://news.example.org/world/a/");
        assert_eq!(ld["datePublished"], "2030-03-17T17:46:40+00:00");
        assert!(ld["publisher"].get("logo").is_none());
    }

    #[test]
    fn the_publisher_shows_the_site_logo_with_its_size() {
        let logo = crate::media::brand::Mark {
            width: Some(600),
            height: Some(300),
            ..crate::media::brand::Mark::remote("https://news.example.org/_/media/l.png")
        };
        let marks = Marks {
            icon: None,
            logo: Some(logo),
        };
        let publisher = Publisher {
            name: "Fold News",
            base_url: "https://news.example.org",
            marks: &marks,
        };
        let ld: Value = serde_json::from_str(&news_article(&item("T"), &publisher)).unwrap();
        let logo = &ld["publisher"]["logo"];
        assert_eq!(logo["@type"], "ImageObject");
        assert_eq!(logo["url"], "https://news.example.org/_/media/l.png");
        assert_eq!(
            (logo["width"].as_u64(), logo["height"].as_u64()),
            (Some(600), Some(300))
        );
    }
}
