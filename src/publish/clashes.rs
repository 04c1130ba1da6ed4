//! The translation clashes a publish reports: articles of one language sharing a
//! `translation_key` (see [`crate::feed::translations`]), said when their pages are written.

use std::collections::HashSet;

use anyhow::Result;

use super::report::PublishReport;
use crate::feed::translations::Translations;
use crate::identity::Hash;
use crate::index::store::Store;

/// Reports each clash (articles of one language sharing a translation key: none of them
/// is linked) among the pages about to be written, naming every file: once, when it
/// arises, not on every publish.
pub(super) fn note(
    translations: &Translations,
    todo: &[(i64, Hash)],
    store: &Store,
    report: &mut PublishReport,
) -> Result<()> {
    let clashes = &translations.clashes;
    if clashes.is_empty() {
        return Ok(());
    }
    let writing: HashSet<i64> = todo.iter().map(|(rowid, _)| *rowid).collect();
    for clash in clashes {
        if !clash.rowids.iter().any(|r| writing.contains(r)) {
            continue;
        }
        let mut paths = Vec::new();
        for rowid in &clash.rowids {
            paths.extend(store.article(*rowid)?.map(|(record, _)| record.path));
        }
        let Some(first) = paths.first().cloned() else {
            continue;
        };
        let warning = format!(
            "translation_key `{}` is shared by {} articles in `{}` ({}): none of them is \
             linked as a translation; give each language one article",
            clash.key,
            paths.len(),
            clash.lang,
            paths.join(", ")
        );
        report.warnings.push((first, warning));
    }
    Ok(())
}
