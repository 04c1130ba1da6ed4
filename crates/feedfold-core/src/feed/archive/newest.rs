//! The current feeds' `prev-archive` link, to the archive of their newest month, found in
//! one pass over the entries without planning every month: what a publish that leaves the
//! archives for later needs (the daemon's publish after a change, see
//! `publish::Extent::News` in the shell), and what [`super::plan()`] links with too, so
//! that both give every current feed the same bytes.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::archived;
use crate::config::Config;
use crate::feed::{FeedPlan, History};
use crate::identity::{Entry, Sym};
use crate::layout::{self, Month, Scope};

/// The newest month of every feed in `plans` that has archives (the site and the channels
/// with entries), in the order of `plans`: the month of its newest entry's `published` in
/// the site's time zone.
pub fn newest_months(
    entries: &[&Entry],
    plans: &[FeedPlan],
    config: &Config,
) -> Vec<(Scope, Month)> {
    if !archived(config) {
        return Vec::new();
    }
    let tz = config.timezone().unwrap_or(chrono_tz::UTC);
    let mut site: Option<DateTime<Utc>> = None;
    // A few channels, each name one allocation (interned): compared by pointer first.
    let mut channels: Vec<(&Sym, DateTime<Utc>)> = Vec::new();
    for entry in entries {
        site = site.max(Some(entry.published));
        let name = &entry.channel;
        let found = (channels.iter().position(|(n, _)| Arc::ptr_eq(n, name)))
            .or_else(|| channels.iter().position(|(n, _)| *n == name));
        match found {
            Some(i) => channels[i].1 = channels[i].1.max(entry.published),
            None => channels.push((name, entry.published)),
        }
    }
    let newest = |scope: &Scope| match scope {
        Scope::Site => site,
        Scope::Channel(name) => (channels.iter())
            .find(|(n, _)| ***n == **name)
            .map(|(_, at)| *at),
        _ => None,
    };
    plans
        .iter()
        .filter_map(|p| Some((p.scope.clone(), Month::of(newest(&p.scope)?, tz))))
        .collect()
}

/// Links each current feed of `newest` to the archive of its newest month (its first part,
/// see [`super::ArchivePlan::part_meta`]); the feed's signature counts the link.
pub fn link_newest(plans: &mut [FeedPlan], newest: &[(Scope, Month)], base_url: &str) {
    let months: BTreeMap<&Scope, Month> = newest.iter().map(|(s, m)| (s, *m)).collect();
    for current in plans.iter_mut() {
        if let Some(month) = months.get(&current.scope) {
            link(current, *month, base_url);
        }
    }
}

/// Links `current` to the archive of month `newest`, which its signature counts.
pub(super) fn link(current: &mut FeedPlan, newest: Month, base_url: &str) {
    let prev = layout::key_url(base_url, &layout::archive_dir(&current.scope, newest, 1));
    current.meta.history = Some(History {
        prev: Some(prev),
        ..History::default()
    });
    let mut hasher = blake3::Hasher::new();
    hasher.update(&current.signature);
    hasher.update(format!("{:?}", current.meta.history).as_bytes());
    current.signature = *hasher.finalize().as_bytes();
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;

    use chrono::TimeZone;

    use super::*;
    use crate::feed;

    fn config(extra: &str) -> Config {
        let text = format!(
            "[site]\ntitle = \"T\"\nbase_url = \"https://news.example.org\"\n\
             timezone = \"Asia/Riyadh\"\n{extra}"
        );
        Config::parse(&text, Path::new("/site")).unwrap()
    }

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
    }

    /// Entries in two channels, out of date order, one of them on the last evening of
    /// November in UTC, which is December in Riyadh.
    fn entries() -> Vec<Entry> {
        let mut sport = crate::fixtures::entry(3, at(2026, 10, 2, 8));
        sport.channel = "sport".into();
        vec![
            crate::fixtures::entry(1, at(2026, 9, 14, 8)),
            crate::fixtures::entry(2, at(2026, 11, 30, 22)),
            sport,
            crate::fixtures::entry(4, at(2026, 11, 3, 8)),
        ]
    }

    fn plans(entries: &[&Entry], config: &Config) -> Vec<FeedPlan> {
        feed::plan(entries, &[], &BTreeMap::new(), config)
    }

    #[test]
    fn every_archived_feed_links_the_month_of_its_newest_entry_in_the_sites_zone() {
        let config = config("");
        let entries = entries();
        let refs: Vec<&Entry> = entries.iter().collect();
        let months = newest_months(&refs, &plans(&refs, &config), &config);
        let month = |year, month| Month { year, month };
        let get = |scope: &Scope| months.iter().find(|(s, _)| s == scope).map(|(_, m)| *m);
        assert_eq!(get(&Scope::Site), Some(month(2026, 12)));
        assert_eq!(get(&Scope::Channel("world".into())), Some(month(2026, 12)));
        assert_eq!(get(&Scope::Channel("sport".into())), Some(month(2026, 10)));
        assert!(
            months
                .iter()
                .all(|(s, _)| matches!(s, Scope::Site | Scope::Channel(_)))
        );
    }

    #[test]
    fn linking_the_newest_months_alone_gives_the_feeds_what_planning_every_month_gives() {
        let config = config("");
        let entries = entries();
        let refs: Vec<&Entry> = entries.iter().collect();
        let mut planned = plans(&refs, &config);
        super::super::plan(&refs, &[], &mut planned, &config);
        let mut linked = plans(&refs, &config);
        let newest = newest_months(&refs, &linked, &config);
        link_newest(&mut linked, &newest, &config.site.base_url);
        for (a, b) in planned.iter().zip(&linked) {
            assert_eq!(a.scope, b.scope);
            assert_eq!(a.meta.history, b.meta.history, "{:?}", a.scope);
            assert_eq!(a.signature, b.signature, "{:?}", a.scope);
        }
        assert!(linked.iter().any(|p| p.meta.history.is_some()));
    }

    #[test]
    fn a_site_without_archives_has_no_newest_month() {
        let config = config("[feed]\narchive = false\n");
        let entries = entries();
        let refs: Vec<&Entry> = entries.iter().collect();
        assert!(newest_months(&refs, &plans(&refs, &config), &config).is_empty());
    }
}
