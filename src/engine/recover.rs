//! Index loss: the ids and first-seen dates readers already have are read back from the
//! published feeds, so that a rebuilt index shows no reader a duplicate.

use std::path::Path;

use chrono::{DateTime, Utc};
use tracing::warn;

use crate::index::{Recovered, SeenIdentity};
use crate::layout::{Format, article_of_url};

/// Reads every published feed under `publish`: JSON Feed first (its dates keep their
/// fractions of a second), then Atom, then RSS.
pub fn from_published(publish: &Path) -> Recovered {
    let mut files = Vec::new();
    let mut stack = vec![publish.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for path in entries.flatten().map(|e| e.path()) {
            let name = path.file_name().and_then(|n| n.to_str());
            let rank = match name.and_then(Format::of_file_name) {
                Some(Format::Json) => 0,
                Some(Format::Atom) => 1,
                Some(Format::Rss) => 2,
                None if path.is_dir() => {
                    stack.push(path);
                    continue;
                }
                None => continue,
            };
            files.push((rank, path));
        }
    }
    files.sort();
    let mut recovered = Recovered::default();
    for (rank, path) in files {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let read = if rank == 0 {
            read_json(&text, &mut recovered)
        } else {
            read_xml(&text, &mut recovered)
        };
        if read.is_none() {
            warn!(path = %path.display(), "published feed unreadable; skipped in recovery");
        }
    }
    recovered
}

fn add(
    recovered: &mut Recovered,
    id: &str,
    link: &str,
    title: &str,
    published: Option<DateTime<Utc>>,
) {
    let seen = SeenIdentity {
        id: id.to_string(),
        published,
    };
    recovered.add(article_of_url(link), title.to_string(), seen);
}

fn read_json(text: &str, recovered: &mut Recovered) -> Option<()> {
    let feed: serde_json::Value = serde_json::from_str(text).ok()?;
    for item in feed.get("items")?.as_array()? {
        let field = |k: &str| item.get(k).and_then(|v| v.as_str()).unwrap_or_default();
        let published = DateTime::parse_from_rfc3339(field("date_published"))
            .ok()
            .map(|d| d.to_utc());
        add(
            recovered,
            field("id"),
            field("url"),
            field("title"),
            published,
        );
    }
    Some(())
}

fn read_xml(text: &str, recovered: &mut Recovered) -> Option<()> {
    let doc = roxmltree::Document::parse(text).ok()?;
    for node in doc
        .descendants()
        .filter(|n| matches!(n.tag_name().name(), "entry" | "item"))
    {
        let child = |name: &str| node.children().find(|c| c.tag_name().name() == name);
        let text_of = |name: &str| {
            child(name)
                .and_then(|c| c.text())
                .unwrap_or_default()
                .to_string()
        };
        let (id, link, published) = if node.tag_name().name() == "entry" {
            let link = child("link")
                .and_then(|l| l.attribute("href"))
                .unwrap_or_default()
                .to_string();
            let published = DateTime::parse_from_rfc3339(&text_of("published")).ok();
            (text_of("id"), link, published)
        } else {
            let published = DateTime::parse_from_rfc2822(&text_of("pubDate")).ok();
            (text_of("guid"), text_of("link"), published)
        };
        add(
            recovered,
            &id,
            &link,
            &text_of("title"),
            published.map(|d| d.to_utc()),
        );
    }
    Some(())
}
