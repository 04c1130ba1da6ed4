//! Which feeds exist and which articles each holds: the site feed, one per channel, one per
//! tag, and one per language when there is more than one. Each plan carries a signature
//! that changes exactly when the feed's rendered bytes could change.

use std::collections::{BTreeMap, HashMap};

use chrono::DateTime;

use super::{FeedMeta, encode_path};
use crate::article::slug::slugify;
use crate::config::{ChannelConfig, Config};
use crate::index::model::{Entry, Hash};

/// Bumped whenever rendering changes, so that every feed is rewritten once.
const RENDER_VERSION: &str = "feedfold-render-1";

/// What a feed covers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    Site,
    Channel(String),
    Tag(String),
    Lang(String),
}

/// One feed to publish (in every configured format).
#[derive(Debug, Clone)]
pub struct FeedPlan {
    pub scope: Scope,
    /// Key prefix in the publish folder: "", "world/", "tags/economy/", "lang/ar/".
    pub dir: String,
    pub meta: FeedMeta,
    /// Rowids and versions of the articles, newest first, at most `feed.limit`.
    pub items: Vec<(i64, Hash)>,
    pub signature: Hash,
}

/// Plans every feed for `entries` (live, non-draft articles).
pub fn plan(
    entries: &[&Entry],
    channels: &BTreeMap<String, ChannelConfig>,
    config: &Config,
) -> Vec<FeedPlan> {
    let mut sorted: Vec<&Entry> = entries.to_vec();
    sorted.sort_by(|a, b| {
        b.published
            .cmp(&a.published)
            .then_with(|| a.rowid.cmp(&b.rowid))
    });
    let limit = config.feed.limit;
    let mut groups: BTreeMap<Scope, Vec<&Entry>> = BTreeMap::new();
    groups.insert(Scope::Site, Vec::new());
    for name in channels.keys() {
        groups.insert(Scope::Channel(name.clone()), Vec::new());
    }
    let languages: BTreeMap<&str, ()> = entries.iter().map(|e| (e.lang.as_str(), ())).collect();
    let tag_names = tag_names(entries);
    let mut tag_slugs: HashMap<&str, Option<String>> = HashMap::new();
    for entry in sorted {
        let mut scopes = vec![Scope::Site, Scope::Channel(entry.channel.clone())];
        for tag in &entry.tags {
            let slug = tag_slugs
                .entry(tag.as_str())
                .or_insert_with(|| slugify(tag));
            scopes.extend(slug.clone().map(Scope::Tag));
        }
        if languages.len() > 1 {
            scopes.push(Scope::Lang(entry.lang.clone()));
        }
        for scope in scopes {
            let group = groups.entry(scope).or_default();
            if group.len() < limit && !group.iter().any(|e| e.rowid == entry.rowid) {
                group.push(entry);
            }
        }
    }
    let newest = entries
        .iter()
        .map(|e| e.updated)
        .max()
        .unwrap_or(DateTime::UNIX_EPOCH);
    groups
        .into_iter()
        .map(|(scope, items)| {
            let meta = feed_meta(&scope, &items, channels, &tag_names, config, newest);
            let dir = dir_of(&scope);
            let signature = signature(config, &meta, &items);
            FeedPlan {
                scope,
                dir,
                meta,
                items: items.iter().map(|e| (e.rowid, e.version)).collect(),
                signature,
            }
        })
        .collect()
}

/// The display name of each tag slug: the smallest spelling that gives it.
fn tag_names(entries: &[&Entry]) -> HashMap<String, String> {
    let mut names: HashMap<String, String> = HashMap::new();
    for tag in entries.iter().flat_map(|e| &e.tags) {
        if let Some(slug) = slugify(tag) {
            let name = names.entry(slug).or_insert_with(|| tag.clone());
            if tag < name {
                *name = tag.clone();
            }
        }
    }
    names
}

fn dir_of(scope: &Scope) -> String {
    match scope {
        Scope::Site => String::new(),
        Scope::Channel(name) => format!("{name}/"),
        Scope::Tag(slug) => format!("tags/{slug}/"),
        Scope::Lang(code) => format!("lang/{code}/"),
    }
}

fn feed_meta(
    scope: &Scope,
    items: &[&Entry],
    channels: &BTreeMap<String, ChannelConfig>,
    tag_names: &HashMap<String, String>,
    config: &Config,
    site_newest: DateTime<chrono::Utc>,
) -> FeedMeta {
    let site = &config.site;
    let base = &site.base_url;
    let dir = dir_of(scope);
    let channel = match scope {
        Scope::Channel(name) => channels.get(name).cloned().unwrap_or_default(),
        _ => ChannelConfig::default(),
    };
    let (title, language) = match scope {
        Scope::Site => (site.title.clone(), site.language.clone()),
        Scope::Channel(name) => (
            channel
                .title
                .clone()
                .unwrap_or_else(|| format!("{} — {name}", site.title)),
            channel
                .language
                .clone()
                .unwrap_or_else(|| majority_language(items, &site.language)),
        ),
        Scope::Tag(slug) => {
            let name = tag_names.get(slug).unwrap_or(slug);
            (
                format!("{} — #{name}", site.title),
                majority_language(items, &site.language),
            )
        }
        Scope::Lang(code) => (format!("{} ({code})", site.title), code.clone()),
    };
    let home_url = format!("{base}/{}", encode_path(&dir));
    let self_urls = config
        .feed
        .formats
        .iter()
        .map(|f| (*f, format!("{home_url}{}", f.file_name())))
        .collect();
    FeedMeta {
        title,
        description: channel
            .description
            .clone()
            .unwrap_or_else(|| site.description.clone()),
        language,
        home_url,
        self_urls,
        updated: items.iter().map(|e| e.updated).max().unwrap_or(site_newest),
        author: channel.author.clone().or_else(|| site.author.clone()),
        ttl_minutes: config.feed.ttl_minutes,
    }
}

/// The most common item language; the site language when there are no items or a tie.
fn majority_language(items: &[&Entry], site_language: &str) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for entry in items {
        *counts.entry(entry.lang.as_str()).or_default() += 1;
    }
    let best = counts.values().copied().max().unwrap_or(0);
    let winners: Vec<&str> = counts
        .iter()
        .filter(|(_, n)| **n == best)
        .map(|(l, _)| *l)
        .collect();
    match winners.as_slice() {
        [one] => one.to_string(),
        _ => site_language.to_string(),
    }
}

fn signature(config: &Config, meta: &FeedMeta, items: &[&Entry]) -> Hash {
    let mut hasher = blake3::Hasher::new();
    hasher.update(RENDER_VERSION.as_bytes());
    hasher.update(format!("{:?}{:?}{:?}", config.site, config.feed, meta).as_bytes());
    for entry in items {
        hasher.update(&entry.version);
    }
    *hasher.finalize().as_bytes()
}
