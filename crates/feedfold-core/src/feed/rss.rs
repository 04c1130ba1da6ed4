//! RSS 2.0 with the atom (self link), content (`content:encoded`), Dublin Core
//! (`dc:creator`, per-item `dc:language`) and Media RSS (`media:content`, the lead image)
//! extensions; a local lead image is the item's `enclosure` too.

use std::collections::BTreeMap;

use rss::extension::Extension;
use rss::extension::atom::{AtomExtension, Link};
use rss::extension::dublincore::DublinCoreExtension;
use rss::{Category, Guid};

use super::{FeedMeta, GENERATOR, Item, Lead};
use crate::article::{date, escape_html};
use crate::config::Format;

/// Renders an RSS 2.0 document.
pub fn render(meta: &FeedMeta, items: &[Item]) -> String {
    let self_link = Link {
        href: meta.self_url(Format::Rss).to_string(),
        rel: "self".into(),
        mime_type: Some(Format::Rss.media_type().into()),
        ..Link::default()
    };
    let hubs = meta.hubs.iter().map(|hub| Link {
        href: hub.clone(),
        rel: "hub".into(),
        ..Link::default()
    });
    let description = if meta.description.is_empty() {
        &meta.title
    } else {
        &meta.description
    };
    let history = meta.history.iter().flat_map(|h| h.links(Format::Rss));
    let history = history.map(|(rel, href)| Link {
        href,
        rel: rel.into(),
        mime_type: Some(Format::Rss.media_type().into()),
        ..Link::default()
    });
    let media = items
        .iter()
        .any(|i| i.in_rss_and_json() && i.lead.is_some());
    let namespaces = media
        .then(|| (String::from("media"), String::from(MEDIA_RSS)))
        .into_iter()
        .collect::<BTreeMap<_, _>>();
    let mut channel = rss::Channel {
        namespaces,
        title: meta.title.clone(),
        link: meta.home_url.clone(),
        description: description.clone(),
        language: Some(meta.language.clone()),
        last_build_date: Some(date::rfc2822(meta.updated)),
        generator: Some(GENERATOR.to_string()),
        ttl: Some(meta.ttl_minutes.to_string()),
        image: meta.marks.icon.as_ref().map(|icon| image(meta, icon)),
        atom_ext: Some(AtomExtension {
            links: std::iter::once(self_link)
                .chain(history)
                .chain(hubs)
                .collect(),
        }),
        items: items
            .iter()
            .filter(|i| i.in_rss_and_json())
            .map(item)
            .collect(),
        ..rss::Channel::default()
    };
    if meta.history.as_ref().is_some_and(|h| h.archive) {
        mark_archive(&mut channel);
    }
    super::with_stylesheet(
        hex_references(&channel.to_string()),
        meta.stylesheet.as_deref(),
    )
}

/// The channel's `<image>`: the site icon, its title and link the channel's (as RSS 2.0
/// wants), its size at most 144 × 400.
fn image(meta: &FeedMeta, icon: &crate::media::brand::Mark) -> rss::Image {
    let size = icon.rss_size();
    rss::Image {
        url: icon.url.clone(),
        title: meta.title.clone(),
        link: meta.home_url.clone(),
        width: size.map(|(w, _)| w.to_string()),
        height: size.map(|(_, h)| h.to_string()),
        description: None,
    }
}

/// Marks an archive document: `<fh:archive/>` (RFC 5005 section 4).
fn mark_archive(channel: &mut rss::Channel) {
    let archive = Extension {
        name: "fh:archive".into(),
        ..Extension::default()
    };
    let by_name = BTreeMap::from([("archive".to_string(), vec![archive])]);
    channel.extensions.insert("fh".into(), by_name);
    channel
        .namespaces
        .insert("fh".into(), super::HISTORY_NS.into());
}

/// RSS leaves open whether element text is HTML, so readers and the W3C validator want `&`
/// and `<` in text as hexadecimal character references. `&#x26;` means exactly `&amp;` in
/// XML and in the HTML inside CDATA sections, so the swap is safe everywhere.
fn hex_references(xml: &str) -> String {
    xml.replace("&amp;", "&#x26;").replace("&lt;", "&#x3C;")
}

/// The Media RSS namespace.
const MEDIA_RSS: &str = "http://search.yahoo.com/mrss/";

/// An extension element `media:{name}` with `attrs`, `value` and `children`.
fn media(name: &str, attrs: &[(&str, String)], value: Option<String>) -> Extension {
    Extension {
        name: format!("media:{name}"),
        value,
        attrs: attrs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
        children: BTreeMap::new(),
    }
}

/// `media:content` for the lead image (type and size only when it is local: a remote one
/// is never fetched), with its caption, credit and thumbnail.
fn media_content(lead: &Lead) -> BTreeMap<String, BTreeMap<String, Vec<Extension>>> {
    let mut attrs = vec![("url", lead.url.clone()), ("medium", "image".to_string())];
    attrs.extend(lead.mime_type.map(|t| ("type", t.to_string())));
    attrs.extend(lead.length.map(|l| ("fileSize", l.to_string())));
    if let Some((w, h)) = lead.size {
        attrs.extend([("width", w.to_string()), ("height", h.to_string())]);
    }
    let mut content = media("content", &attrs, None);
    let text = &lead.text;
    let mut child = |name: &str, ext: Extension| {
        content.children.insert(name.to_string(), vec![ext]);
    };
    if let Some(caption) = &text.caption {
        let attrs = [("type", "plain".to_string())];
        child(
            "description",
            media("description", &attrs, Some(caption.clone())),
        );
    }
    if let Some(credit) = &text.credit {
        child("credit", media("credit", &[], Some(credit.clone())));
    }
    if let Some((url, w, h)) = &lead.thumbnail {
        let attrs = [
            ("url", url.clone()),
            ("width", w.to_string()),
            ("height", h.to_string()),
        ];
        child("thumbnail", media("thumbnail", &attrs, None));
    }
    let by_name = BTreeMap::from([("content".to_string(), vec![content])]);
    BTreeMap::from([("media".to_string(), by_name)])
}

fn item(item: &Item) -> rss::Item {
    let guid = Guid {
        value: item.id.clone(),
        permalink: false,
    };
    let categories = item
        .categories
        .iter()
        .chain(&item.tags)
        .map(|name| Category {
            name: name.clone(),
            domain: None,
        })
        .collect::<Vec<_>>();
    let dublin_core = DublinCoreExtension {
        creators: item.authors.clone(),
        languages: vec![item.lang.clone()],
        ..DublinCoreExtension::default()
    };
    // Never `content:encoded` without a description (the validator warns): the title
    // stands in for an empty summary.
    let summary = if item.summary.is_empty() {
        &item.title
    } else {
        &item.summary
    };
    let description = Some(escape_html(summary));
    rss::Item {
        title: Some(item.title.clone()),
        link: Some(item.link.clone()),
        description,
        guid: Some(guid),
        pub_date: Some(date::rfc2822(item.published)),
        categories,
        dublin_core_ext: Some(dublin_core),
        content: item.content_html.clone(),
        enclosure: item.lead.as_ref().and_then(enclosure),
        extensions: item.lead.as_ref().map(media_content).unwrap_or_default(),
        ..rss::Item::default()
    }
}

/// The enclosure of a local lead image (RSS requires its length, so a remote image has
/// none).
fn enclosure(lead: &Lead) -> Option<rss::Enclosure> {
    Some(rss::Enclosure {
        url: lead.url.clone(),
        length: lead.length?.to_string(),
        mime_type: lead.mime_type?.to_string(),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_item_with_a_title_only_still_has_a_description() {
        let item = super::Item {
            summary: String::new(),
            content_html: Some(String::new()),
            ..crate::feed::item::tests::sample()
        };
        let rss = super::item(&item);
        assert_eq!(rss.description(), Some(item.title.as_str()));
    }

    #[test]
    fn ampersands_and_angle_brackets_become_hex_references() {
        assert_eq!(
            super::hex_references("<t>a &amp; &lt;b&gt;</t>"),
            "<t>a &#x26; &#x3C;b&gt;</t>"
        );
    }
}
