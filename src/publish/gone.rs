//! The notice pages that answer `410 Gone` (a retracted or removed article's), for the
//! server: read from the index once per page, then taken from memory on every publish for
//! as long as the page's signature says it is the same page.

use anyhow::Result;
use rustc_hash::FxHashMap;

use super::cache::ItemCache;
use crate::index::store::Store;
use crate::lifecycle::Stage;

/// The keys of the notice pages that answer `410 Gone`: of the articles whose stage says so.
pub(super) fn gone_pages(
    stages: &FxHashMap<i64, Stage>,
    store: &Store,
    cache: &mut ItemCache,
) -> Result<Vec<String>> {
    let (known, memo) = (&cache.pages, &mut cache.gone);
    memo.retain(|rowid, _| stages.get(rowid).is_some_and(Stage::is_gone));
    let mut keys = Vec::new();
    for (rowid, _) in stages.iter().filter(|(_, s)| s.is_gone()) {
        // The page signatures follow every page written or removed: a key read for the
        // same signature is still the page's key, and no signature means no page.
        let sig = match known {
            Some(known) => match known.get(rowid) {
                Some(sig) => Some(*sig),
                None => continue,
            },
            None => None,
        };
        if let (Some(sig), Some((read_for, key))) = (sig, memo.get(rowid))
            && *read_for == sig
        {
            keys.push(key.clone());
            continue;
        }
        if let Some(page) = store.page(*rowid)? {
            if let Some(sig) = sig {
                memo.insert(*rowid, (sig, page.key.clone()));
            }
            keys.push(page.key);
        }
    }
    keys.sort();
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::PageOutput;
    use crate::index::store::Output;

    fn record(store: &mut Store, rowid: i64, key: &str) {
        let page = PageOutput {
            key: key.into(),
            output: Output {
                content: [1; 32],
                signature: [2; 32],
            },
        };
        let batch = store.batch().unwrap();
        batch.set_page(rowid, &page).unwrap();
        batch.commit().unwrap();
    }

    fn retracted() -> Stage {
        let at = chrono::DateTime::UNIX_EPOCH;
        Stage::Retracted { at, in_feeds: true }
    }

    #[test]
    fn a_gone_pages_key_is_read_once_and_read_again_when_its_page_changes() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        record(&mut store, 7, "news/old/index.html");
        record(&mut store, 8, "news/live/index.html");
        let stages = FxHashMap::from_iter([(7, retracted())]);
        let mut cache = ItemCache::default();
        cache.pages = Some(FxHashMap::from_iter([(7, 11), (8, 12)]));
        let keys = gone_pages(&stages, &store, &mut cache).unwrap();
        assert_eq!(keys, vec!["news/old/index.html"]);
        // The index changes behind the memo: the same signature keeps the key read.
        record(&mut store, 7, "world/old/index.html");
        let keys = gone_pages(&stages, &store, &mut cache).unwrap();
        assert_eq!(keys, vec!["news/old/index.html"]);
        // A page written again has a new signature: its key is read again.
        cache.pages.as_mut().unwrap().insert(7, 13);
        let keys = gone_pages(&stages, &store, &mut cache).unwrap();
        assert_eq!(keys, vec!["world/old/index.html"]);
    }

    #[test]
    fn an_article_without_a_page_or_no_longer_gone_answers_no_gone_key() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        record(&mut store, 7, "news/old/index.html");
        let mut cache = ItemCache::default();
        cache.pages = Some(FxHashMap::from_iter([(7, 11)]));
        let gone = FxHashMap::from_iter([(7, retracted()), (9, retracted())]);
        assert_eq!(gone_pages(&gone, &store, &mut cache).unwrap().len(), 1);
        let live = FxHashMap::default();
        assert!(gone_pages(&live, &store, &mut cache).unwrap().is_empty());
        assert!(cache.gone.is_empty(), "the memo keeps only gone articles");
        // Without page signatures (after a failed publish), the index answers.
        cache.pages = None;
        assert_eq!(gone_pages(&gone, &store, &mut cache).unwrap().len(), 1);
    }
}
