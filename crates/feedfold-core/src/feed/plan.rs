//! Which feeds exist and which articles each holds: the site feed, one per channel, one per
//! tag, one per author, and one per language when there is more than one. Each plan carries
//! a signature that changes exactly when the feed's rendered bytes could change.

use std::collections::{BTreeMap, HashMap};

use chrono::DateTime;

use super::FeedMeta;
use super::select::select;
use crate::config::{ChannelConfig, Config};
use crate::identity::{Entry, Hash};
use crate::layout::{self, Scope, feed_dir};

/// Bumped whenever rendering changes, so that every feed is rewritten once.
const RENDER_VERSION: &str = "feedfold-render-2";

/// One feed to publish (in every configured format).
#[derive(Debug, Clone)]
pub struct FeedPlan {
    /// Which feed: the site, a channel, a tag, a language or an author.
    pub scope: Scope,
    /// Key prefix in the publish folder: "", "world/", "tags/economy/", "lang/ar/".
    pub dir: String,
    /// The feed-level facts every format shows.
    pub meta: FeedMeta,
    /// Rowids and versions of the articles, newest first, at most `feed.limit`.
    pub items: Vec<(i64, Hash)>,
    /// True when `meta.language` is the most common language of `items` (none is
    /// configured): an archive month then takes its own articles' most common language,
    /// not the current feed's, which moves with every new article.
    pub language_of_items: bool,
    /// Changes exactly when the feed's rendered bytes could change: the render version,
    /// the site and feed settings, `meta` and the items' versions.
    pub signature: Hash,
}

/// Plans every feed for `entries` (what is public, see [`crate::lifecycle::Showing`]);
/// `floors` are articles gone from every feed whose moment of leaving still dates the
/// feeds they were in, so that a feed's `updated` never moves backwards.
pub fn plan(
    entries: &[&Entry],
    floors: &[&Entry],
    channels: &BTreeMap<String, ChannelConfig>,
    config: &Config,
) -> Vec<FeedPlan> {
    let selection = select(entries, config.feed.limit);
    let mut groups: BTreeMap<Scope, Vec<&Entry>> = BTreeMap::new();
    groups.insert(Scope::Site, selection.site);
    for name in channels.keys() {
        groups.insert(Scope::Channel(name.clone()), Vec::new());
    }
    for (name, items) in selection.channels {
        groups.insert(Scope::Channel(name.to_string()), items);
    }
    // Tags and authors are grouped by slug, and shown by name.
    let mut names: HashMap<Scope, String> = HashMap::new();
    let slugged = [
        (selection.tags, Scope::Tag as fn(String) -> Scope),
        (selection.authors, Scope::Author),
    ];
    for (selected, scope_of) in slugged {
        for (slug, (name, items)) in selected {
            names.insert(scope_of(slug.clone()), name);
            groups.insert(scope_of(slug), items);
        }
    }
    if selection.languages.len() > 1 {
        for (code, items) in selection.languages {
            groups.insert(Scope::Lang(code.to_string()), items);
        }
    }
    let newest = entries
        .iter()
        .map(|e| e.updated)
        .max()
        .unwrap_or(DateTime::UNIX_EPOCH);
    let floor = floors_by_scope(floors);
    groups
        .into_iter()
        .map(|(scope, items)| {
            let mut meta = feed_meta(&scope, &items, channels, &names, config, newest);
            if let Some(floor) = floor.get(&scope) {
                meta.updated = meta.updated.max(*floor);
            }
            let dir = feed_dir(&scope);
            let signature = signature(config, &meta, &items);
            let language_of_items = match &scope {
                Scope::Site | Scope::Lang(_) => false,
                Scope::Channel(name) => channels.get(name).is_none_or(|c| c.language.is_none()),
                Scope::Tag(_) | Scope::Author(_) => true,
            };
            FeedPlan {
                scope,
                dir,
                meta,
                items: items.iter().map(|e| (e.rowid, e.version)).collect(),
                language_of_items,
                signature,
            }
        })
        .collect()
}

fn feed_meta(
    scope: &Scope,
    items: &[&Entry],
    channels: &BTreeMap<String, ChannelConfig>,
    names: &HashMap<Scope, String>,
    config: &Config,
    site_newest: DateTime<chrono::Utc>,
) -> FeedMeta {
    let site = &config.site;
    let base = &site.base_url;
    let dir = feed_dir(scope);
    let channel = match scope {
        Scope::Channel(name) => channels.get(name).cloned().unwrap_or_default(),
        _ => ChannelConfig::default(),
    };
    let name = names.get(scope);
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
        Scope::Tag(slug) => (
            format!("{} — #{}", site.title, name.unwrap_or(slug)),
            majority_language(items, &site.language),
        ),
        Scope::Author(slug) => (
            format!("{} — {}", site.title, name.unwrap_or(slug)),
            majority_language(items, &site.language),
        ),
        Scope::Lang(code) => (format!("{} ({code})", site.title), code.clone()),
    };
    let home_url = layout::key_url(base, &dir);
    let self_urls = config
        .feed
        .formats
        .iter()
        .map(|f| (*f, layout::key_url(base, &layout::feed_key(scope, *f))))
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
        author: match scope {
            Scope::Author(_) => name.cloned(),
            _ => channel.author.clone().or_else(|| site.author.clone()),
        },
        ttl_minutes: config.feed.ttl_minutes,
        hubs: config.websub.hubs.clone(),
        stylesheet: Some(layout::stylesheet_href(&dir)),
        history: None,
        marks: site.marks.clone(),
    }
}

/// The latest moment of leaving of the `floors`, by every feed they were in.
fn floors_by_scope(floors: &[&Entry]) -> HashMap<Scope, DateTime<chrono::Utc>> {
    let mut out: HashMap<Scope, DateTime<chrono::Utc>> = HashMap::new();
    for entry in floors {
        let scopes = [
            Scope::Site,
            Scope::Channel(entry.channel.to_string()),
            Scope::Lang(entry.lang.to_string()),
        ];
        let slugs = |names: &[crate::identity::Sym]| -> Vec<String> {
            let slugs = names
                .iter()
                .filter_map(|n| crate::article::slug::slugify(n));
            slugs.collect()
        };
        let tags = slugs(&entry.tags).into_iter().map(Scope::Tag);
        let authors = slugs(&entry.authors).into_iter().map(Scope::Author);
        for scope in scopes.into_iter().chain(tags).chain(authors) {
            let at = out.entry(scope).or_insert(entry.updated);
            *at = (*at).max(entry.updated);
        }
    }
    out
}

/// The most common item language; the site language when there are no items or a tie.
pub(super) fn majority_language(items: &[&Entry], site_language: &str) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for entry in items {
        *counts.entry(&*entry.lang).or_default() += 1;
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
