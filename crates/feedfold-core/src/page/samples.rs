//! Sample pages a site's templates are tried on before they are accepted: an article with
//! every field set and one with none of the optional ones, a retraction and a removal
//! notice, the home page and a channel page, in Arabic and English.

use chrono::{DateTime, TimeZone, Utc};

use super::templates::{TemplateProblem, Templates};
use super::{ArticlePage, Listing, article_page, listing_page};
use crate::config::Format;
use crate::feed::{FeedMeta, Item, Removal};

pub(super) const BASE: &str = "https://news.example.org";

fn at(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, hour, minute, 0)
        .single()
        .unwrap_or_default()
}

fn feed(title: &str, dir: &str, language: &str) -> FeedMeta {
    FeedMeta {
        title: title.into(),
        description: format!("{title}: sample"),
        language: language.into(),
        home_url: format!("{BASE}/{dir}"),
        self_urls: Format::ALL
            .iter()
            .map(|f| (*f, format!("{BASE}/{dir}{}", f.file_name())))
            .collect(),
        updated: at(26, 9, 0),
        author: Some("Desk".into()),
        ttl_minutes: 15,
        hubs: Vec::new(),
        stylesheet: None,
        history: None,
        marks: Default::default(),
    }
}

fn item(full: bool, lang: &str) -> Item {
    let published = at(25, 6, 30);
    Item {
        id: "urn:uuid:00000000-0000-4000-8000-000000000000".into(),
        title: "Sample <title> & \"quotes\"".into(),
        link: format!("{BASE}/world/sample/"),
        summary: "A sample summary.".into(),
        content_html: full.then(|| "<p>A sample paragraph.</p>".to_string()),
        lang: lang.into(),
        published,
        updated: if full {
            published + chrono::Duration::days(2)
        } else {
            published
        },
        authors: if full {
            vec!["Ada".into(), "Zaid".into()]
        } else {
            Vec::new()
        },
        categories: if full {
            vec!["world".into()]
        } else {
            Vec::new()
        },
        tags: if full {
            vec!["climate".into(), "الطقس".into()]
        } else {
            Vec::new()
        },
        image: full.then(|| format!("{BASE}/_/media/sample.jpg")),
        lead: full.then(|| crate::feed::Lead {
            url: format!("{BASE}/_/media/sample.jpg"),
            mime_type: Some("image/jpeg"),
            length: Some(123_456),
            size: Some((1600, 900)),
            thumbnail: Some((format!("{BASE}/_/media/sample-thumb.jpg"), 400, 225)),
            text: crate::article::ImageText {
                alt: Some("A sample picture".into()),
                caption: Some("A sample caption.".into()),
                credit: Some("Photo: Desk".into()),
            },
        }),
        removal: None,
        translations: if full {
            let other = if lang == "ar" { "en" } else { "ar" };
            vec![crate::feed::Translation {
                lang: other.into(),
                url: format!("{BASE}/world/sample-{other}/"),
            }]
        } else {
            Vec::new()
        },
    }
}

/// The sample feeds and articles.
pub(super) struct Samples {
    pub site: FeedMeta,
    pub world: FeedMeta,
    /// Full, bare, retracted, removed.
    pub articles: [Item; 4],
}

/// The site title and time zone of the samples.
pub(super) const SITE_TITLE: &str = "Sample News";
pub(super) const TIMEZONE: chrono_tz::Tz = chrono_tz::Asia::Riyadh;

pub(super) fn samples() -> Samples {
    let removed_at = at(27, 8, 0);
    let retracted = Item {
        removal: Some(Removal {
            at: removed_at,
            retraction: Some("A sample reason.".into()),
        }),
        ..item(true, "en")
    };
    let removed = Item {
        removal: Some(Removal {
            at: removed_at,
            retraction: None,
        }),
        ..item(false, "ar")
    };
    Samples {
        site: feed(SITE_TITLE, "", "en"),
        world: feed("العالم", "world/", "ar"),
        articles: [item(true, "ar"), item(false, "en"), retracted, removed],
    }
}

/// Renders every sample page with `templates`: the four articles, then the home page and
/// a channel page.
pub(super) fn render_all(templates: &Templates) -> Vec<Result<String, TemplateProblem>> {
    let Samples {
        site,
        world,
        articles,
    } = samples();
    let mut results = Vec::new();
    for article in &articles {
        results.push(article_page(&ArticlePage {
            site_title: SITE_TITLE,
            base_url: BASE,
            channel: &world,
            site: &site,
            item: article,
            timezone: TIMEZONE,
            templates,
        }));
    }
    let channels = [&world];
    let everything = [&site, &world];
    for (page, home, channels, items) in [
        (&site, true, &channels[..], &articles[..]),
        (&world, false, &[][..], &[][..]),
    ] {
        results.push(listing_page(&Listing {
            site_title: SITE_TITLE,
            base_url: BASE,
            feed: page,
            items,
            channels,
            discover: &everything,
            home,
            timezone: TIMEZONE,
            templates,
        }));
    }
    results
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_templates_render_every_sample_page() {
        for result in render_all(Templates::builtin()) {
            let html = result.unwrap();
            assert!(html.starts_with("<!DOCTYPE html>\n") && html.ends_with("</html>\n"));
        }
    }
}
