//! Planning the archive months: what a month's archive says of itself depends on its own
//! articles, not on what the current feed shows.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, TimeZone, Utc};

use super::{ArchivePlan, plan};
use crate::config::{ChannelConfig, Config};
use crate::feed;
use crate::identity::Entry;
use crate::layout::{Month, Scope};

fn config() -> Config {
    let text =
        "[site]\ntitle = \"T\"\nbase_url = \"https://news.example.org\"\nlanguage = \"en\"\n";
    Config::parse(text, Path::new("/site")).unwrap()
}

fn at(month: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, month, day, 8, 0, 0).unwrap()
}

/// An article of channel `world` in `lang`.
fn article(rowid: i64, published: DateTime<Utc>, lang: &str) -> Entry {
    let mut entry = crate::fixtures::entry(rowid, published);
    entry.lang = lang.into();
    entry
}

/// The archive months of `entries` (newest first, as the daemon keeps them).
fn months(entries: &[Entry], channels: &BTreeMap<String, ChannelConfig>) -> Vec<ArchivePlan> {
    let config = config();
    let mut refs: Vec<&Entry> = entries.iter().collect();
    refs.sort_by_key(|e| std::cmp::Reverse(e.published));
    let mut plans = feed::plan(&refs, &[], channels, &config);
    plan(&refs, &[], &mut plans, &config)
}

fn month_of<'a>(plans: &'a [ArchivePlan], scope: &Scope, month: u32) -> &'a ArchivePlan {
    let month = Month { year: 2026, month };
    (plans.iter())
        .find(|p| p.scope == *scope && p.month == month)
        .unwrap()
}

/// Three Arabic articles in September, one English in October.
fn arabic_then_english() -> Vec<Entry> {
    vec![
        article(1, at(9, 3), "ar"),
        article(2, at(9, 10), "ar"),
        article(3, at(9, 17), "ar"),
        article(4, at(10, 5), "en"),
    ]
}

#[test]
fn a_channels_closed_month_keeps_its_language_and_signature_when_its_newest_articles_change_language()
 {
    let world = Scope::Channel("world".into());
    let mut entries = arabic_then_english();
    let before = months(&entries, &BTreeMap::new());
    assert_eq!(month_of(&before, &world, 9).meta.language, "ar");
    assert_eq!(month_of(&before, &world, 10).meta.language, "en");
    // Three more English articles in December: the channel's feed is now mostly English.
    entries.extend((5..8).map(|i| article(i, at(12, i as u32), "en")));
    let after = months(&entries, &BTreeMap::new());
    let (september, was) = (month_of(&after, &world, 9), month_of(&before, &world, 9));
    assert_eq!(september.meta.language, "ar");
    assert_eq!(september.signature, was.signature, "September rewritten");
    assert_eq!(month_of(&after, &world, 12).meta.language, "en");
}

#[test]
fn a_configured_channel_language_and_the_site_language_hold_for_every_month() {
    let world = Scope::Channel("world".into());
    let channel = ChannelConfig {
        language: Some("fr".into()),
        ..ChannelConfig::default()
    };
    let channels = BTreeMap::from([("world".to_string(), channel)]);
    let plans = months(&arabic_then_english(), &channels);
    assert_eq!(month_of(&plans, &world, 9).meta.language, "fr");
    assert_eq!(month_of(&plans, &Scope::Site, 9).meta.language, "en");
}
