//! Translations: public articles that share a front-matter `translation_key` are one story
//! in several languages. Each links the versions in the other languages (its page's
//! `hreflang` alternates and visible link, its Atom entry, its sitemap URL). Pure: the
//! live entries in, the groups out.
//!
//! A language given twice in one group is ambiguous (which of the two is the English
//! version?): the articles of that language are left out of the group, so that neither
//! links the other nor is linked, and the clash is reported ([`Clash`]). Languages are
//! compared without case (`en-GB` and `en-gb` are one); `en` and `en-GB` are two.

use rustc_hash::FxHashMap;

use crate::identity::{Entry, Hash, Sym};

/// One version of a story: its article, language and page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// The article's rowid.
    pub rowid: i64,
    /// Its language (BCP 47), the `hreflang` of its links.
    pub lang: Sym,
    /// Its channel and slug: its page is `{channel}/{slug}/`.
    pub channel: Sym,
    /// Its slug.
    pub slug: Box<str>,
}

/// Articles of one language sharing one key: none of them is linked as a translation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clash {
    /// The key they share.
    pub key: Sym,
    /// The language they share.
    pub lang: Sym,
    /// Their rowids, in order.
    pub rowids: Vec<i64>,
}

/// The translation groups of the live articles.
#[derive(Debug, Default)]
pub struct Translations {
    /// Each group: two versions or more, in distinct languages, by language.
    groups: Vec<Box<[Version]>>,
    /// The group of each article in one.
    by_rowid: FxHashMap<i64, usize>,
    /// The languages given twice within a key.
    pub clashes: Vec<Clash>,
}

/// Groups `live` (the public articles: a retracted, removed, draft or scheduled article is
/// no one's translation) by translation key.
pub fn group(live: &[&Entry]) -> Translations {
    let mut by_key: FxHashMap<&str, Vec<&Entry>> = FxHashMap::default();
    for entry in live {
        if let Some(key) = &entry.translation_key {
            by_key.entry(key).or_default().push(entry);
        }
    }
    let mut keys: Vec<&str> = by_key.keys().copied().collect();
    keys.sort_unstable();
    let mut out = Translations::default();
    for key in keys {
        let mut members = by_key.remove(key).unwrap_or_default();
        members.sort_by(|a, b| {
            let lang = |e: &Entry| e.lang.to_ascii_lowercase();
            lang(a).cmp(&lang(b)).then(a.rowid.cmp(&b.rowid))
        });
        let mut kept: Vec<Version> = Vec::new();
        for same in members.chunk_by(|a, b| a.lang.eq_ignore_ascii_case(&b.lang)) {
            match same {
                [one] => kept.push(version(one)),
                _ => out.clashes.push(Clash {
                    key: same[0].translation_key.clone().unwrap_or_default(),
                    lang: same[0].lang.clone(),
                    rowids: same.iter().map(|e| e.rowid).collect(),
                }),
            }
        }
        if kept.len() > 1 {
            let index = out.groups.len();
            out.by_rowid.extend(kept.iter().map(|v| (v.rowid, index)));
            out.groups.push(kept.into());
        }
    }
    out
}

fn version(entry: &Entry) -> Version {
    Version {
        rowid: entry.rowid,
        lang: entry.lang.clone(),
        channel: entry.channel.clone(),
        slug: entry.slug.clone(),
    }
}

impl Translations {
    /// Every version of the story of article `rowid`, itself included, by language; empty
    /// when it has no translation.
    pub fn group_of(&self, rowid: i64) -> &[Version] {
        self.by_rowid
            .get(&rowid)
            .and_then(|i| self.groups.get(*i))
            .map_or(&[], |g| &g[..])
    }

    /// The versions of article `rowid`'s story in the other languages.
    pub fn others(&self, rowid: i64) -> impl Iterator<Item = &Version> {
        self.group_of(rowid)
            .iter()
            .filter(move |v| v.rowid != rowid)
    }

    /// A copy of `entry` whose version also covers its translations (their languages and
    /// pages), so that its page, its feed items and the feeds holding them are rendered
    /// again when a translation comes, goes or moves; `None` when it has none (its version
    /// stays as it was).
    pub fn mark(&self, entry: &Entry) -> Option<Entry> {
        let group = self.group_of(entry.rowid);
        if group.is_empty() {
            return None;
        }
        let mut hasher = blake3::Hasher::new();
        hasher.update(&entry.version);
        hasher.update(b"translations");
        for v in group {
            for part in [&*v.lang, &*v.channel, &*v.slug] {
                hasher.update(part.as_bytes());
                hasher.update(&[0]);
            }
        }
        let version: Hash = *hasher.finalize().as_bytes();
        Some(Entry {
            version,
            ..entry.clone()
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;

    use super::*;

    fn entry(rowid: i64, lang: &str, key: Option<&str>) -> Entry {
        let at = DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default();
        Entry {
            translation_key: key.map(Into::into),
            lang: lang.into(),
            ..crate::fixtures::entry(rowid, at)
        }
    }

    fn langs(t: &Translations, rowid: i64) -> Vec<String> {
        t.group_of(rowid)
            .iter()
            .map(|v| v.lang.to_string())
            .collect()
    }

    #[test]
    fn articles_sharing_a_key_in_two_languages_are_one_story() {
        let entries = [
            entry(1, "en", Some("budget")),
            entry(2, "ar", Some("budget")),
            entry(3, "en", None),
            entry(4, "fr", Some("alone")),
        ];
        let refs: Vec<&Entry> = entries.iter().collect();
        let t = group(&refs);
        assert_eq!(langs(&t, 1), ["ar", "en"]);
        assert_eq!(langs(&t, 2), ["ar", "en"]);
        let others: Vec<i64> = t.others(1).map(|v| v.rowid).collect();
        assert_eq!(others, [2]);
        assert!(t.group_of(3).is_empty() && t.group_of(4).is_empty());
        assert!(t.clashes.is_empty());
        assert_eq!(t.mark(&entries[2]), None);
        let marked = t.mark(&entries[0]).unwrap();
        assert_ne!(marked.version, entries[0].version);
        assert_eq!(marked.rowid, 1);
    }

    #[test]
    fn two_articles_of_one_language_link_neither_and_clash() {
        let entries = [
            entry(1, "en", Some("k")),
            entry(2, "EN", Some("k")),
            entry(3, "ar", Some("k")),
            entry(4, "fr", Some("k")),
        ];
        let refs: Vec<&Entry> = entries.iter().collect();
        let t = group(&refs);
        assert!(t.group_of(1).is_empty() && t.group_of(2).is_empty());
        assert_eq!(langs(&t, 3), ["ar", "fr"]);
        assert_eq!(t.clashes.len(), 1);
        assert_eq!(t.clashes[0].rowids, [1, 2]);
        assert_eq!(&*t.clashes[0].key, "k");
        // Only the two of one language: no group at all.
        let t = group(&refs[..2]);
        assert!(t.group_of(1).is_empty() && t.clashes.len() == 1);
    }

    #[test]
    fn a_version_covers_where_its_translations_are() {
        let en = entry(1, "en", Some("k"));
        let ar = entry(2, "ar", Some("k"));
        let moved = Entry {
            slug: "elsewhere".into(),
            ..ar.clone()
        };
        let before = group(&[&en, &ar]).mark(&en).unwrap().version;
        let after = group(&[&en, &moved]).mark(&en).unwrap().version;
        assert_ne!(before, after);
        assert_eq!(before, group(&[&ar, &en]).mark(&en).unwrap().version);
    }
}
