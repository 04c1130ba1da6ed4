//! The Google News sitemap (`news-sitemap.xml`): the live articles published in the 48 hours
//! before the moment of the publish, newest first, at most 1,000, each with its publication
//! (site name, language), date and title. The set changes as time passes: [`leaves`] is
//! the next moment one of them ages out, for the daemon's timer.

use chrono::{DateTime, TimeDelta, Utc};

use super::w3c;
use crate::article::escape_html;
use crate::identity::{Entry, Hash};

/// The namespace of Google's news extension.
pub const NAMESPACE: &str = "http://www.google.com/schemas/sitemap-news/0.9";

/// How long an article stays in the news sitemap after its publication.
pub const WINDOW: TimeDelta = TimeDelta::hours(48);

/// Most articles in the news sitemap.
pub const MAX_ARTICLES: usize = 1_000;

/// Bumped whenever the rendering changes.
const VERSION: &str = "feedfold-news-sitemap-1";

/// Whether an article published at `published` is in the window at `now`.
fn in_window(published: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    published <= now && now - published < WINDOW
}

/// The articles of the news sitemap at `now` among `live`: newest first, at most `max`.
/// `live` is newest first (as [`crate::lifecycle::Showing::live`] is): the scan ends at the
/// first article older than the window, so it costs the window, not the archive.
pub fn select<'a>(live: &[&'a Entry], now: DateTime<Utc>, max: usize) -> Vec<&'a Entry> {
    let mut recent: Vec<&Entry> = (live.iter().copied())
        .skip_while(|e| e.published > now)
        .take_while(|e| now - e.published < WINDOW)
        .filter(|e| in_window(e.published, now))
        .collect();
    recent.sort_by_key(|e| std::cmp::Reverse((e.published, e.rowid)));
    recent.truncate(max);
    recent
}

/// The next moment after `now` the `selected` articles change by time alone: when the
/// oldest of them ages out (an article beyond the cap is older still, and changes nothing).
pub fn leaves(selected: &[&Entry]) -> Option<DateTime<Utc>> {
    selected.iter().map(|e| e.published + WINDOW).min()
}

/// Changes exactly when [`render`] of the same articles could change: the site's title and
/// address, and each article's version (which covers its title, slug and date) and
/// language.
pub fn signature(site_title: &str, base_url: &str, selected: &[&Entry]) -> Hash {
    let mut hasher = blake3::Hasher::new();
    for text in [VERSION, site_title, base_url] {
        hasher.update(text.as_bytes());
        hasher.update(&[0]);
    }
    for entry in selected {
        hasher.update(&entry.rowid.to_le_bytes());
        hasher.update(&entry.version);
        hasher.update(entry.lang.as_bytes());
        hasher.update(&[0]);
    }
    *hasher.finalize().as_bytes()
}

/// One article of the news sitemap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Story<'a> {
    /// Its page's absolute URL.
    pub url: String,
    /// Its title, plain text.
    pub title: &'a str,
    /// Its BCP 47 language.
    pub lang: &'a str,
    /// Its publication date.
    pub published: DateTime<Utc>,
}

/// The language code Google News asks for, from a BCP 47 tag: the ISO 639 code (`ar`,
/// `en`, `fil`), except Chinese, which is `zh-cn` (Simplified) or `zh-tw` (Traditional).
pub fn language(tag: &str) -> String {
    let lower = tag.to_ascii_lowercase();
    let mut subtags = lower.split(['-', '_']);
    let primary = subtags.next().unwrap_or_default();
    if primary != "zh" {
        return primary.to_string();
    }
    let traditional = subtags.any(|s| matches!(s, "hant" | "tw" | "hk" | "mo"));
    if traditional { "zh-tw" } else { "zh-cn" }.to_string()
}

/// The news sitemap of `stories` (newest first), published by `site_title`.
pub fn render(site_title: &str, stories: &[Story]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<urlset xmlns=\"{}\" xmlns:news=\"{NAMESPACE}\">\n",
        super::NAMESPACE
    ));
    let name = escape_html(site_title);
    for story in stories {
        out.push_str(&format!(
            "<url><loc>{}</loc><news:news><news:publication><news:name>{name}</news:name>\
             <news:language>{}</news:language></news:publication>\
             <news:publication_date>{}</news:publication_date>\
             <news:title>{}</news:title></news:news></url>\n",
            escape_html(&story.url),
            escape_html(&language(story.lang)),
            w3c(story.published),
            escape_html(story.title),
        ));
    }
    out.push_str("</urlset>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::fixtures::entry;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_900_000_000, 0).unwrap()
    }

    #[test]
    fn only_articles_of_the_last_48_hours_are_selected_newest_first() {
        let hours = |h| now() - TimeDelta::hours(h);
        let (a, b, c) = (entry(1, hours(47)), entry(2, hours(49)), entry(3, hours(1)));
        let ahead = entry(4, now() + TimeDelta::hours(1));
        let exactly = entry(5, hours(48));
        let selected = select(&[&ahead, &c, &a, &exactly, &b], now(), MAX_ARTICLES);
        let rowids: Vec<i64> = selected.iter().map(|e| e.rowid).collect();
        assert_eq!(rowids, [3, 1]);
        // The scan ends at the first article older than the window.
        let out_of_order = select(&[&c, &b, &a], now(), MAX_ARTICLES);
        assert_eq!(out_of_order.len(), 1);
        assert_eq!(leaves(&selected), Some(hours(47) + WINDOW));
        assert_eq!(leaves(&[]), None);
    }

    #[test]
    fn the_newest_are_kept_up_to_the_cap() {
        let entries: Vec<Entry> = (0..1_005)
            .map(|i| entry(i, now() - TimeDelta::seconds(i)))
            .collect();
        let refs: Vec<&Entry> = entries.iter().collect();
        let selected = select(&refs, now(), MAX_ARTICLES);
        assert_eq!(selected.len(), MAX_ARTICLES);
        assert_eq!((selected[0].rowid, selected[999].rowid), (0, 999));
    }

    #[test]
    fn languages_are_iso_639_codes_and_chinese_says_its_script() {
        assert_eq!(language("ar"), "ar");
        assert_eq!(language("en-GB"), "en");
        assert_eq!(language("zh-Hant-TW"), "zh-tw");
        assert_eq!(language("zh-HK"), "zh-tw");
        assert_eq!(language("zh"), "zh-cn");
        assert_eq!(language("zh-Hans"), "zh-cn");
    }

    #[test]
    fn titles_and_names_are_escaped_once() {
        let story = Story {
            url: "https://n.example/a/b&c/".into(),
            title: "Q&A <b>",
            lang: "en",
            published: now(),
        };
        let xml = render("A & B", &[story]);
        assert!(
            xml.contains("<news:title>Q&amp;A &lt;b&gt;</news:title>"),
            "{xml}"
        );
        assert!(xml.contains("<news:name>A &amp; B</news:name>"));
        assert!(xml.contains("<loc>https://n.example/a/b&amp;c/</loc>"));
        assert!(roxmltree::Document::parse(&xml).is_ok());
    }
}
