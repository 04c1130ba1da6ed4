//! An article's identity, and the pure rules that give it one: ids minted once, slugs kept
//! when titles change, first-seen dates that never move, and the choice of the dates a feed
//! shows. The index (the shell) stores these values; feeds and pages read them from here.
//!
//! How an article's dates are chosen, in order:
//!
//! - **published**: the front-matter `date` ([`crate::article`], read in `extract.rs`), else
//!   the date its file name starts with (the decision "front matter, else file name" is
//!   [`crate::article::read()`]; the name rule is [`crate::article::date::from_file_name`]),
//!   else the moment it was first seen ([`first_seen`]), which for an article new to an
//!   index rebuilt after a loss is the date readers were already shown ([`recovered_or`]:
//!   the shell reads it back from the published feeds, `recover.rs`, and the index applies
//!   it, `index/apply.rs`). Chosen by [`dates`].
//! - **updated**: the later of the front-matter `updated` and the latest dated correction
//!   (never later than the index first saw that text),
//!   else the moment its content last changed ([`Record::changed`], set by the index when
//!   the bytes change), never before published. Chosen by [`dates`]. A retraction or a
//!   removal moves it to that moment ([`crate::lifecycle`]).
//!
//! Whether an article shows at all at a given moment (scheduled, live, expired, retracted,
//! removed) is [`crate::lifecycle`]'s rule.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use rustc_hash::FxHashSet;

use crate::article::{Meta, date, slug};

/// A file's identity on disk, as a directory walk sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileStat {
    /// Path under the content root, `/`-separated: `world/2024/story.txt`.
    pub path: String,
    /// The channel: the first path component (shared by the files of a folder).
    pub channel: Arc<str>,
    /// Size in bytes.
    pub size: u64,
    /// Modification time in nanoseconds since the Unix epoch (0 when unknown).
    pub mtime_ns: i64,
}

/// A content hash (BLAKE3 of the raw file bytes).
pub type Hash = [u8; 32];

/// An article the index holds, live or tombstoned.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Its row id in the index's `articles` table.
    pub rowid: i64,
    /// Path under the content root, `/`-separated (see [`FileStat::path`]).
    pub path: String,
    /// The channel: the first path component.
    pub channel: String,
    /// Size in bytes when last scanned.
    pub size: u64,
    /// Modification time when last scanned, in nanoseconds since the Unix epoch.
    pub mtime_ns: i64,
    /// Hash of the file bytes when last scanned.
    pub hash: Hash,
    /// Fingerprint of the settings extraction depended on; a change means re-extract.
    pub extract_key: Hash,
    /// Permanent id (`urn:uuid:…`, see [`mint_id`]), kept whatever changes.
    pub id: String,
    /// URL slug, unique within the channel (see [`mint_slug`], [`next_slug`]).
    pub slug: String,
    /// The article's first-seen date: its file time when first indexed, never later than
    /// that moment, or the date recovered after an index loss (see [`first_seen`],
    /// [`recovered_or`]); never moves.
    pub first_seen: DateTime<Utc>,
    /// When the content last changed after it was first seen.
    pub changed: Option<DateTime<Utc>>,
    /// When the file vanished (a tombstone, kept so that its id and slug can be reused);
    /// `None`: live.
    pub deleted_at: Option<DateTime<Utc>>,
    /// Indexed but not published.
    pub draft: bool,
    /// When the retraction took effect: its front-matter `retracted_at`, else the moment the
    /// index first saw it retracted; `None`: not retracted.
    pub retracted_at: Option<DateTime<Utc>>,
}

/// A shared string: channel names, languages and tags repeat across many articles.
pub type Sym = Arc<str>;

/// Hands out one shared copy of each distinct string.
#[derive(Debug, Default)]
pub struct Interner {
    strings: FxHashSet<Sym>,
}

impl Interner {
    /// The shared copy of `s`, made on first use.
    pub fn intern(&mut self, s: &str) -> Sym {
        if let Some(sym) = self.strings.get(s) {
            return sym.clone();
        }
        let sym: Sym = s.into();
        self.strings.insert(sym.clone());
        sym
    }
}

/// The slim view of a live article that feed planning needs; the rest stays on disk.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The article's row id in the index ([`Record::rowid`]).
    pub rowid: i64,
    /// The channel name.
    pub channel: Sym,
    /// Its URL slug ([`Record::slug`]): its page is `{channel}/{slug}/`.
    pub slug: Box<str>,
    /// The article's tags.
    pub tags: Box<[Sym]>,
    /// The article's authors (each has a feed of its own).
    pub authors: Box<[Sym]>,
    /// Its front-matter `translation_key`: the story it is a version of.
    pub translation_key: Option<Sym>,
    /// The article's BCP 47 language.
    pub lang: Sym,
    /// Publication date (see [`dates`]).
    pub published: DateTime<Utc>,
    /// Last update, never before `published` (see [`dates`]).
    pub updated: DateTime<Utc>,
    /// Changes whenever anything that shows in a feed item changes.
    pub version: Hash,
    /// Front-matter `expires`: when it leaves every feed by itself.
    pub expires: Option<DateTime<Utc>>,
    /// When it was retracted ([`Record::retracted_at`]).
    pub retracted: Option<DateTime<Utc>>,
    /// When its file was deleted ([`Record::deleted_at`]): a removed article stays an entry
    /// for its tombstone period (see [`crate::lifecycle`]).
    pub removed: Option<DateTime<Utc>>,
}

/// Mints the permanent id of an article first seen at `path` with content `hash`.
///
/// Deterministic, so a lost index rebuilt from the same files mints the same ids, but it is
/// computed only once: afterwards the stored id is used whatever changes.
pub fn mint_id(path: &str, hash: &Hash) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(path.as_bytes());
    hasher.update(&[0]);
    hasher.update(hash);
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&hasher.finalize().as_bytes()[..16]);
    let uuid = uuid::Builder::from_custom_bytes(bytes).into_uuid();
    format!("urn:uuid:{uuid}")
}

/// The slug a new article gets: its front-matter slug, else one from its title, else a
/// short content hash; made unique within the channel.
pub fn mint_slug(meta: &Meta, hash: &Hash, taken: impl Fn(&str) -> bool) -> String {
    let base = meta
        .slug
        .clone()
        .or_else(|| meta.title_slug.clone())
        .unwrap_or_else(|| short_hash(hash));
    slug::uniquify(&base, taken)
}

/// The slug after a content change: an explicit new front-matter slug wins; a corrected
/// title keeps the old slug so links do not break.
pub fn next_slug(old: &str, meta: &Meta, taken: impl Fn(&str) -> bool) -> String {
    match &meta.slug {
        Some(given) if given != old && !old.starts_with(&format!("{given}-")) => {
            slug::uniquify(given, taken)
        }
        _ => old.to_string(),
    }
}

/// The first moment an article was seen: its file time (to the microsecond, so that files
/// copied in together stay apart), never later than now, and always a valid date even when
/// the clock or the file time is absurd.
pub fn first_seen(mtime_ns: i64, now: DateTime<Utc>) -> DateTime<Utc> {
    date::from_micros(mtime_ns.div_euclid(1_000)).min(date::clamp(now))
}

/// The first-seen date of an article new to the index: the publication date readers were
/// already shown, recovered from the published feeds after an index loss, else `seen`.
pub fn recovered_or(recovered: Option<DateTime<Utc>>, seen: DateTime<Utc>) -> DateTime<Utc> {
    recovered.unwrap_or(seen)
}

fn short_hash(hash: &Hash) -> String {
    hash[..4].iter().map(|b| format!("{b:02x}")).collect()
}

/// Publication and update dates of an article, from what it says and what the index saw.
pub fn dates(meta: &Meta, record: &Record) -> (DateTime<Utc>, DateTime<Utc>) {
    let published = date::clamp(meta.date.unwrap_or(record.first_seen));
    // A correction cannot be dated after the index first saw the text that carries it.
    let seen = record.changed.unwrap_or(record.first_seen);
    let corrected = meta.corrections.iter().filter_map(|c| c.date).max();
    let corrected = corrected.map(|c| c.min(seen));
    let updated = meta
        .updated
        .max(corrected)
        .or(record.changed)
        .map_or(published, date::clamp)
        .max(published);
    (published, updated)
}

/// The slim planning view of an article; `version` covers everything a feed item shows.
pub fn entry(record: &Record, meta: &Meta, interner: &mut Interner) -> Entry {
    let (published, updated) = dates(meta, record);
    let mut hasher = blake3::Hasher::new();
    hasher.update(&record.hash);
    hasher.update(&record.extract_key);
    for field in [&record.id, &record.slug, &record.channel, &record.path] {
        hasher.update(field.as_bytes());
        hasher.update(&[0]);
    }
    hasher.update(&published.timestamp_millis().to_le_bytes());
    hasher.update(&updated.timestamp_millis().to_le_bytes());
    // Microseconds only when there are any beyond the millisecond, so that versions (and
    // so feeds and pages) of articles stored before the index kept microseconds stay put.
    let sub_milli = |t: DateTime<Utc>| (t.timestamp_subsec_micros() % 1_000).to_le_bytes();
    if (sub_milli(published), sub_milli(updated)) != ([0; 4], [0; 4]) {
        hasher.update(&sub_milli(published));
        hasher.update(&sub_milli(updated));
    }
    // Only when retracted, so that versions of every other article stay put.
    if let Some(at) = record.retracted_at {
        hasher.update(b"retracted");
        hasher.update(&at.timestamp_micros().to_le_bytes());
    }
    // A legal removal leaves its tag and author feeds at once: a tag can name the story,
    // and an author's feed would still list it under their name.
    let takedown = meta.retraction.as_ref().is_some_and(|r| r.takedown);
    let names = |list: &[String], interner: &mut Interner| -> Box<[Sym]> {
        if takedown {
            Box::new([])
        } else {
            list.iter().map(|t| interner.intern(t)).collect()
        }
    };
    Entry {
        rowid: record.rowid,
        channel: interner.intern(&record.channel),
        slug: record.slug.as_str().into(),
        tags: names(&meta.tags, interner),
        authors: names(&meta.authors, interner),
        translation_key: meta.translation_key.as_deref().map(|k| interner.intern(k)),
        lang: interner.intern(&meta.lang),
        published,
        updated,
        version: *hasher.finalize().as_bytes(),
        expires: meta.expires,
        retracted: record.retracted_at,
        removed: record.deleted_at,
    }
}

/// The retraction moment of an article read now: its front-matter `retracted_at`, else
/// the moment already recorded, else `now`; `None` when it is not retracted.
pub fn retracted_at(
    meta: &Meta,
    recorded: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let retraction = meta.retraction.as_ref()?;
    Some(retraction.at.or(recorded).unwrap_or(now))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_uuid_urns_that_depend_on_first_path_and_content() {
        let a = mint_id("world/a.txt", &[1; 32]);
        assert!(a.starts_with("urn:uuid:") && a.len() == 45, "{a}");
        assert_eq!(a, mint_id("world/a.txt", &[1; 32]));
        assert_ne!(a, mint_id("world/b.txt", &[1; 32]));
    }

    #[test]
    fn first_seen_is_the_file_time_but_never_in_the_future() {
        let now = DateTime::from_timestamp(2_000_000_000, 0).unwrap();
        let seen = first_seen(1_000_000_000_500_600_700, now);
        assert_eq!(seen.timestamp_micros(), 1_000_000_000_500_600);
        assert_eq!(first_seen(3_000_000_000_000_000_000, now), now);
    }

    #[test]
    fn first_seen_is_a_valid_date_even_when_the_clock_is_absurd() {
        assert_eq!(first_seen(0, DateTime::<Utc>::MIN_UTC), date::EARLIEST);
        for mtime_ns in [i64::MIN, -1, 0, i64::MAX] {
            assert!(date::is_valid(first_seen(
                mtime_ns,
                DateTime::<Utc>::MAX_UTC
            )));
        }
    }

    #[test]
    fn versions_of_whole_millisecond_dates_do_not_depend_on_microsecond_storage() {
        let at = |micros| DateTime::from_timestamp_micros(micros).unwrap();
        let meta: Meta = serde_json::from_str(
            r#"{"title":"T","summary":"","lang":"en","date":null,"updated":null,"authors":[],
                "tags":[],"categories":[],"slug":null,"title_slug":null,"id":null,"link":null,
                "image":null,"draft":false}"#,
        )
        .unwrap();
        let record = |micros| Record {
            rowid: 1,
            path: "a/b.txt".into(),
            channel: "a".into(),
            size: 1,
            mtime_ns: 0,
            hash: [0; 32],
            extract_key: [0; 32],
            id: "urn:x".into(),
            slug: "b".into(),
            first_seen: at(micros),
            changed: None,
            deleted_at: None,
            draft: false,
            retracted_at: None,
        };
        let version = |micros| entry(&record(micros), &meta, &mut Interner::default()).version;
        let mut legacy = blake3::Hasher::new();
        legacy.update(&[0; 32]);
        legacy.update(&[0; 32]);
        for field in ["urn:x", "b", "a", "a/b.txt"] {
            legacy.update(field.as_bytes());
            legacy.update(&[0]);
        }
        legacy.update(&1_500i64.to_le_bytes());
        legacy.update(&1_500i64.to_le_bytes());
        assert_eq!(version(1_500_000), *legacy.finalize().as_bytes());
        assert_ne!(version(1_500_001), version(1_500_000));
        assert_ne!(version(1_500_001), version(1_500_002));
    }
}
