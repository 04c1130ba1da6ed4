//! Values unit tests share (the core's, and the shell's through the `fixtures` feature):
//! a planning entry with plain defaults, which each test changes where its rule looks.

use chrono::{DateTime, Utc};

use crate::identity::Entry;

/// An entry in channel `world`, language `ar`, slug `s{rowid}`, published and updated at
/// `published`, with no tags, authors, translation or end.
pub fn entry(rowid: i64, published: DateTime<Utc>) -> Entry {
    Entry {
        rowid,
        channel: "world".into(),
        slug: format!("s{rowid}").into(),
        tags: Box::new([]),
        authors: Box::new([]),
        translation_key: None,
        lang: "ar".into(),
        published,
        updated: published,
        version: [rowid as u8; 32],
        expires: None,
        retracted: None,
        removed: None,
    }
}
