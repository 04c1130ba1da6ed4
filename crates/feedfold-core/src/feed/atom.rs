//! Atom 1.0 (RFC 4287): `xml:lang` on the feed and on every entry's text constructs, an
//! `hreflang` alternate link per translation; a retracted or removed article's entry is
//! replaced by an RFC 6721 tombstone (`at:deleted-entry`), its reason as `at:comment`.

use std::collections::BTreeMap;

use atom_syndication::extension::Extension;
use atom_syndication::{
    Category, Content, Entry, Feed, FixedDateTime, Generator, Link, Person, Text,
};
use chrono::{DateTime, Utc};

use super::{FeedMeta, GENERATOR, Item, Removal};
use crate::article::date;
use crate::config::Format;

/// A date for Atom, clamped into the range every format can write (see [`date`]): even a
/// date stored by an older version cannot make rendering fail.
fn fixed(at: DateTime<Utc>) -> FixedDateTime {
    date::clamp(at).fixed_offset()
}

fn link(href: &str, rel: &str, mime: &str) -> Link {
    Link {
        href: href.to_string(),
        rel: rel.to_string(),
        mime_type: Some(mime.to_string()),
        ..Link::default()
    }
}

fn text(value: &str, lang: &str) -> Text {
    Text {
        lang: Some(lang.to_string()),
        ..Text::plain(value)
    }
}

/// Renders an Atom 1.0 document.
pub fn render(meta: &FeedMeta, items: &[Item]) -> String {
    let mut feed = Feed::default();
    feed.set_lang(Some(meta.language.clone()));
    feed.set_title(Text::plain(meta.title.clone()));
    if !meta.description.is_empty() {
        feed.set_subtitle(Some(Text::plain(meta.description.clone())));
    }
    feed.set_id(meta.self_url(Format::Atom).to_string());
    feed.set_icon(meta.marks.icon.as_ref().map(|m| m.url.clone()));
    feed.set_logo(meta.marks.logo.as_ref().map(|m| m.url.clone()));
    feed.set_updated(fixed(meta.updated));
    let author = meta.author.clone().unwrap_or_else(|| meta.title.clone());
    feed.set_authors(vec![Person {
        name: author,
        ..Person::default()
    }]);
    feed.set_generator(Some(Generator {
        value: GENERATOR.to_string(),
        ..Generator::default()
    }));
    let mut links = vec![
        link(&meta.home_url, "alternate", "text/html"),
        link(
            meta.self_url(Format::Atom),
            "self",
            Format::Atom.media_type(),
        ),
    ];
    let history = meta.history.iter().flat_map(|h| h.links(Format::Atom));
    links.extend(history.map(|(rel, href)| link(&href, rel, Format::Atom.media_type())));
    links.extend(meta.hubs.iter().map(|hub| Link {
        href: hub.clone(),
        rel: "hub".into(),
        ..Link::default()
    }));
    feed.set_links(links);
    let (removed, live): (Vec<&Item>, Vec<&Item>) = items.iter().partition(|i| i.removal.is_some());
    feed.set_entries(live.into_iter().map(entry).collect::<Vec<_>>());
    if !removed.is_empty() {
        let tombstones = removed
            .iter()
            .filter_map(|item| Some(tombstone(item, item.removal.as_ref()?)))
            .collect();
        let by_name = BTreeMap::from([("deleted-entry".to_string(), tombstones)]);
        feed.extensions.insert("at".to_string(), by_name);
        feed.namespaces
            .insert("at".to_string(), TOMBSTONES.to_string());
    }
    if meta.history.as_ref().is_some_and(|h| h.archive) {
        let archive = Extension {
            name: "fh:archive".into(),
            ..Extension::default()
        };
        let by_name = BTreeMap::from([("archive".to_string(), vec![archive])]);
        feed.extensions.insert("fh".to_string(), by_name);
        feed.namespaces
            .insert("fh".to_string(), super::HISTORY_NS.to_string());
    }
    super::with_stylesheet(feed.to_string(), meta.stylesheet.as_deref())
}

/// The RFC 6721 namespace.
const TOMBSTONES: &str = "http://purl.org/atompub/tombstones/1.0";

/// `<at:deleted-entry ref="{id}" when="…">`, with the retraction's reason as `at:comment`.
fn tombstone(item: &Item, removal: &Removal) -> Extension {
    let mut children = BTreeMap::new();
    if let Some(reason) = removal.retraction.as_deref().filter(|r| !r.is_empty()) {
        let comment = Extension {
            name: "at:comment".into(),
            value: Some(reason.to_string()),
            attrs: BTreeMap::from([("xml:lang".to_string(), item.lang.clone())]),
            children: BTreeMap::new(),
        };
        children.insert("comment".to_string(), vec![comment]);
    }
    Extension {
        name: "at:deleted-entry".into(),
        value: None,
        attrs: BTreeMap::from([
            ("ref".to_string(), item.id.clone()),
            ("when".to_string(), date::rfc3339(removal.at)),
        ]),
        children,
    }
}

/// The story in other languages: an alternate per language (RFC 4287 allows one alternate
/// per type and `hreflang`, and the languages of a story are distinct), then the item's
/// own link again with its own language. Readers that take an entry's first alternate
/// (rsstail, sfeed, rss-parser) and those that take its last (feedparser, newsboat,
/// node-feedparser) so both open the item's own page.
fn translations(item: &Item) -> Vec<Link> {
    if item.translations.is_empty() {
        return Vec::new();
    }
    let hreflang = |lang: &str, href: &str| Link {
        hreflang: Some(lang.to_string()),
        ..link(href, "alternate", "text/html")
    };
    let others = item.translations.iter().map(|t| hreflang(&t.lang, &t.url));
    others.chain([hreflang(&item.lang, &item.link)]).collect()
}

fn entry(item: &Item) -> Entry {
    let mut entry = Entry::default();
    entry.set_id(item.id.clone());
    entry.set_title(text(&item.title, &item.lang));
    entry.set_updated(fixed(item.updated));
    entry.set_published(Some(fixed(item.published)));
    entry.set_authors(
        item.authors
            .iter()
            .map(|name| Person {
                name: name.clone(),
                ..Person::default()
            })
            .collect::<Vec<_>>(),
    );
    entry.set_categories(
        item.categories
            .iter()
            .chain(&item.tags)
            .map(|term| Category {
                term: term.clone(),
                ..Category::default()
            })
            .collect::<Vec<_>>(),
    );
    let mut links = vec![link(&item.link, "alternate", "text/html")];
    links.extend(translations(item));
    // A local lead image: its type and length are known (a remote one is never fetched).
    if let Some(lead) = &item.lead
        && let (Some(mime), Some(length)) = (lead.mime_type, lead.length)
    {
        links.push(Link {
            length: Some(length.to_string()),
            ..link(&lead.url, "enclosure", mime)
        });
    }
    entry.set_links(links);
    if !item.summary.is_empty() {
        entry.set_summary(Some(text(&item.summary, &item.lang)));
    }
    if let Some(html) = &item.content_html {
        entry.set_content(Some(Content {
            value: Some(html.clone()),
            content_type: Some("html".into()),
            lang: Some(item.lang.clone()),
            ..Content::default()
        }));
    }
    entry
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::item::tests::sample;

    #[test]
    fn an_entry_links_its_translations_and_ends_with_its_own_link() {
        let item = Item {
            translations: vec![crate::feed::Translation {
                lang: "ar".into(),
                url: "https://news.example/world/b/".into(),
            }],
            ..sample()
        };
        let links: Vec<(String, Option<String>)> = entry(&item)
            .links
            .into_iter()
            .filter(|l| l.rel == "alternate")
            .map(|l| (l.href, l.hreflang))
            .collect();
        let own = "https://news.example/world/a/".to_string();
        assert_eq!(
            links,
            [
                (own.clone(), None),
                ("https://news.example/world/b/".into(), Some("ar".into())),
                (own, Some("en".into())),
            ]
        );
        assert_eq!(entry(&sample()).links.len(), 1);
    }

    #[test]
    fn a_removed_item_is_a_tombstone_with_its_reason_and_no_entry() {
        let at = DateTime::from_timestamp(1_900_000_000, 0).unwrap();
        let removed = Item {
            removal: Some(Removal {
                at,
                retraction: Some("Sources & <facts> withdrew".into()),
            }),
            ..sample()
        };
        let meta = FeedMeta {
            title: "Site".into(),
            description: String::new(),
            language: "en".into(),
            home_url: "https://news.example/".into(),
            self_urls: vec![(Format::Atom, "https://news.example/atom.xml".into())],
            updated: at,
            author: None,
            ttl_minutes: 30,
            hubs: vec![],
            stylesheet: None,
            history: None,
            marks: Default::default(),
        };
        let xml = render(&meta, std::slice::from_ref(&removed));
        assert!(
            xml.contains("xmlns:at=\"http://purl.org/atompub/tombstones/1.0\""),
            "{xml}"
        );
        assert!(xml.contains("<at:deleted-entry"), "{xml}");
        assert!(xml.contains(&format!("ref=\"{}\"", removed.id)), "{xml}");
        assert!(
            xml.contains("Sources &amp; &lt;facts&gt; withdrew"),
            "{xml}"
        );
        assert!(!xml.contains("<entry>"), "{xml}");
    }
}
