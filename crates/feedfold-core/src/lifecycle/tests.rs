//! The lifecycle rules, one moment at a time.

use super::*;

fn at(minute: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_900_000_000 + minute * 60, 0).unwrap()
}

fn entry(rowid: i64, published: i64) -> Entry {
    crate::fixtures::entry(rowid, at(published))
}

const PERIOD: TimeDelta = TimeDelta::minutes(60);

#[test]
fn a_scheduled_article_is_hidden_until_its_moment_then_live_to_the_second() {
    let e = entry(1, 10);
    assert_eq!(
        stage(&e, at(10) - TimeDelta::seconds(1), PERIOD),
        Stage::Hidden
    );
    assert_eq!(stage(&e, at(10), PERIOD), Stage::Live);
    let s = showing(&[&e], at(9), PERIOD);
    assert_eq!((s.counts.scheduled, s.live.len()), (1, 0));
    assert_eq!(s.next_change, Some(at(10)));
    assert_eq!(s.scheduled, [(1, at(10))]);
}

#[test]
fn an_expired_article_is_removed_for_the_tombstone_period_then_forgotten() {
    let e = Entry {
        expires: Some(at(20)),
        ..entry(1, 10)
    };
    assert_eq!(stage(&e, at(19), PERIOD), Stage::Live);
    assert_eq!(stage(&e, at(20), PERIOD), Stage::Removed { at: at(20) });
    assert_eq!(stage(&e, at(80), PERIOD), Stage::Forgotten { at: at(20) });
    let s = showing(&[&e], at(30), PERIOD);
    assert_eq!(s.marked[0].updated, at(20));
    assert_ne!(s.marked[0].version, e.version);
    assert_eq!(s.next_change, Some(at(80)));
}

#[test]
fn a_retraction_stays_in_feeds_for_the_period_and_its_page_stays_gone() {
    let e = Entry {
        retracted: Some(at(30)),
        ..entry(1, 10)
    };
    let early = stage(&e, at(40), PERIOD);
    assert_eq!(
        early,
        Stage::Retracted {
            at: at(30),
            in_feeds: true
        }
    );
    let late = stage(&e, at(100), PERIOD);
    assert!(!late.in_feeds() && late.is_gone());
    let s = showing(&[&e], at(100), PERIOD);
    assert!(s.marked.is_empty() && s.floors.len() == 1);
    assert_eq!(s.counts.retracted, 1);
}

#[test]
fn what_ends_before_its_date_was_never_public_and_leaves_no_trace() {
    let deleted = Entry {
        removed: Some(at(5)),
        ..entry(1, 10)
    };
    let expired = Entry {
        expires: Some(at(5)),
        ..entry(3, 10)
    };
    // An expiry before the date takes effect at the date.
    assert_eq!(
        stage(&expired, at(10), PERIOD),
        Stage::Removed { at: at(10) }
    );
    let retracted = Entry {
        retracted: Some(at(5)),
        ..entry(2, 10)
    };
    for e in [&deleted, &retracted] {
        for minute in [4, 11, 500] {
            assert_eq!(stage(e, at(minute), PERIOD), Stage::Hidden);
        }
    }
    let s = showing(&[&deleted, &retracted], at(11), PERIOD);
    assert!(s.stages.is_empty() && s.floors.is_empty());
    assert_eq!(s.next_change, None, "nothing to wake up for");
    assert_eq!(s.counts.scheduled, 0);
    let waiting = showing(&[&deleted, &retracted], at(4), PERIOD);
    assert_eq!(waiting.counts.scheduled, 0, "neither will ever be public");
}

#[test]
fn a_preview_shows_a_scheduled_article_marked_until_its_moment_and_the_real_site_does_not() {
    let e = entry(1, 10);
    let cancelled = Entry {
        removed: Some(at(5)),
        ..entry(2, 10)
    };
    let preview = previewing(&[&e, &cancelled], at(9), PERIOD);
    assert_eq!(preview.live.len(), 1);
    assert_eq!(
        preview.stages.get(&1),
        Some(&Stage::Scheduled { at: at(10) })
    );
    assert!(Stage::Scheduled { at: at(10) }.in_feeds());
    // It turns plain live at its moment, in the preview as on the site.
    assert_eq!(preview.next_change, Some(at(10)));
    let later = previewing(&[&e], at(10), PERIOD);
    assert!(later.stages.is_empty() && later.live.len() == 1);
    let public = showing(&[&e, &cancelled], at(9), PERIOD);
    assert!(public.live.is_empty() && public.stages.is_empty());
}
