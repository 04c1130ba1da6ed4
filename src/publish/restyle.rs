//! Restyled pages: article pages whose article is unchanged but whose settings changed (a
//! new site title, `base_url`, a template). The daemon renders them in the background, a
//! chunk per publish, newest first, so that news never waits for a whole site's pages;
//! pages whose article changed (new, edited, a file gone) are always rendered at once. The
//! settings digests pages may still be rendered with are kept in the index's state, so that
//! a rebuild cut short by a stop resumes at the next start.

use anyhow::Result;

use super::cache::PageSignatures;
use super::ledger::FEEDS_DIGEST;
use crate::identity::{Entry, Hash};
use crate::index::store::Store;

/// State key: the settings digests of recent publishes, newest first, 32 bytes each.
pub(super) const PAGE_DIGESTS: &str = "page_digests";

/// Settings digests remembered: a page rendered with an older one than the last eight
/// counts as changed (rendered at once), not restyled.
const KEPT: usize = 8;

/// The part of a signature kept in memory: 64 bits tell versions apart well enough to know
/// a page must be rewritten, at a quarter of the memory of the whole hash.
pub(super) fn short(sig: &Hash) -> u64 {
    u64::from_le_bytes([
        sig[0], sig[1], sig[2], sig[3], sig[4], sig[5], sig[6], sig[7],
    ])
}

/// A page's signature: its article's version (a BLAKE3 hash) masked with the settings
/// digest. Changes when either does; costs no hashing per article, so checking 100,000
/// pages on every publish stays cheap.
pub(super) fn signature(version: &Hash, settings: &Hash) -> Hash {
    std::array::from_fn(|i| version[i] ^ settings[i])
}

/// The settings digests pages may have been rendered with before `current`, newest first:
/// those recorded, and the digest of the last publish's settings (all an index of a version
/// before this one knows).
pub(super) fn earlier_digests(store: &Store, current: &Hash) -> Result<Vec<Hash>> {
    let last = store
        .state(FEEDS_DIGEST)?
        .map(|s| *blake3::hash(&s).as_bytes());
    let recorded = store.state(PAGE_DIGESTS)?.unwrap_or_default();
    let recorded = recorded
        .chunks_exact(32)
        .filter_map(|c| Hash::try_from(c).ok());
    let mut out: Vec<Hash> = Vec::new();
    for digest in last.into_iter().chain(recorded) {
        if digest != *current && !out.contains(&digest) && out.len() < KEPT {
            out.push(digest);
        }
    }
    Ok(out)
}

/// What to record under [`PAGE_DIGESTS`]: `current`, then the `earlier` ones.
pub(super) fn digests_state(current: &Hash, earlier: &[Hash]) -> Vec<u8> {
    let kept = std::iter::once(current).chain(earlier).take(KEPT);
    kept.flat_map(|d| d.iter().copied()).collect()
}

/// The pages to render, with their full signatures: `now` (missing, new or changed
/// articles) and `restyled` (only the settings changed since their page was rendered with
/// one of `earlier`), each in the order of `entries`; and how many pages are current.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Sorted {
    pub now: Vec<(i64, Hash)>,
    pub restyled: Vec<(i64, Hash)>,
    /// Entries whose page is known (current, restyled or out of date).
    pub known: usize,
}

/// Sorts `entries` by what their page needs, given the `known` page signatures.
pub(super) fn sort(
    entries: &[&Entry],
    known: &PageSignatures,
    settings: &Hash,
    earlier: &[Hash],
) -> Sorted {
    let current = short(settings);
    let earlier: Vec<u64> = earlier.iter().map(short).collect();
    let mut out = Sorted::default();
    for entry in entries {
        let version = short(&entry.version);
        let Some(old) = known.get(&entry.rowid) else {
            out.now
                .push((entry.rowid, signature(&entry.version, settings)));
            continue;
        };
        out.known += 1;
        if *old == version ^ current {
            continue;
        }
        let full = (entry.rowid, signature(&entry.version, settings));
        if earlier.iter().any(|d| *old == version ^ d) {
            out.restyled.push(full);
        } else {
            out.now.push(full);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    fn entry(rowid: i64, version: u8) -> Entry {
        let at = Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap();
        Entry {
            version: [version; 32],
            ..feedfold_core::fixtures::entry(rowid, at)
        }
    }

    fn page(entry: &Entry, settings: &Hash) -> (i64, u64) {
        (entry.rowid, short(&signature(&entry.version, settings)))
    }

    #[test]
    fn after_a_settings_change_unchanged_articles_are_restyled_and_changed_ones_are_now() {
        let (old, new) = ([1u8; 32], [2u8; 32]);
        let (same, edited, fresh, current) =
            (entry(1, 10), entry(2, 20), entry(3, 30), entry(4, 40));
        let mut known = PageSignatures::default();
        known.extend([
            page(&same, &old),
            page(&entry(2, 21), &old),
            page(&current, &new),
        ]);
        let entries = [&current, &fresh, &edited, &same];
        let sorted = sort(&entries, &known, &new, &[old]);
        let rowids = |list: &[(i64, Hash)]| list.iter().map(|(r, _)| *r).collect::<Vec<_>>();
        assert_eq!(
            rowids(&sorted.now),
            [3, 2],
            "new and edited: at once, in order"
        );
        assert_eq!(rowids(&sorted.restyled), [1]);
        assert_eq!(sorted.known, 3);
        assert_eq!(sorted.restyled[0].1, signature(&same.version, &new));
    }

    #[test]
    fn a_page_rendered_with_settings_no_longer_remembered_is_rendered_at_once() {
        let same = entry(1, 10);
        let known: PageSignatures = [page(&same, &[9; 32])].into_iter().collect();
        let sorted = sort(&[&same], &known, &[2; 32], &[[1; 32]]);
        assert_eq!(sorted.now.len(), 1);
        assert!(sorted.restyled.is_empty());
    }

    #[test]
    fn the_recorded_digests_keep_the_newest_eight_current_first() {
        let earlier: Vec<Hash> = (1..=9u8).map(|i| [i; 32]).collect();
        let bytes = digests_state(&[0; 32], &earlier);
        assert_eq!(bytes.len(), 8 * 32);
        assert_eq!(&bytes[..32], &[0; 32]);
        assert_eq!(&bytes[7 * 32..], &[7; 32]);
    }
}
