//! Atom 1.0 (RFC 4287): `xml:lang` on the feed and on every entry's text constructs.

use atom_syndication::{
    Category, Content, Entry, Feed, FixedDateTime, Generator, Link, Person, Text,
};
use chrono::{DateTime, Utc};

use super::{FeedMeta, GENERATOR, Item};
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
    links.extend(meta.hubs.iter().map(|hub| Link {
        href: hub.clone(),
        rel: "hub".into(),
        ..Link::default()
    }));
    feed.set_links(links);
    feed.set_entries(items.iter().map(entry).collect::<Vec<_>>());
    super::with_stylesheet(feed.to_string(), meta.stylesheet.as_deref())
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
    entry.set_links(vec![link(&item.link, "alternate", "text/html")]);
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
