use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use chrono::{TimeZone, Utc};

use super::super::{Engine, Mode, Scope};
use crate::config::Config;

const SITE: &str = "[site]\ntitle = \"T\"\nbase_url = \"https://example.org\"\n";

/// A daemon's engine over a site of one live story and one retracted.
fn daemon(dir: &std::path::Path) -> Engine {
    daemon_stopped_by(dir, Arc::new(AtomicBool::new(false)))
}

fn daemon_stopped_by(dir: &std::path::Path, stop: Arc<AtomicBool>) -> Engine {
    let world = dir.join("feeds/world");
    std::fs::create_dir_all(&world).unwrap();
    std::fs::write(
        world.join("live.md"),
        "---\ntitle: Live\ndate: 2024-07-01T00:00:00Z\n---\nBody.\n",
    )
    .unwrap();
    std::fs::write(
        world.join("wrong.md"),
        "---\ntitle: Wrong\ndate: 2024-07-02T00:00:00Z\nretracted: The figures were wrong.\n---\nB.\n",
    )
    .unwrap();
    let config = Config::parse(SITE, dir).unwrap();
    Engine::open(config, Mode::Daemon { stop }).unwrap()
}

#[test]
fn a_daemons_rescan_with_nothing_changed_publishes_nothing_and_keeps_the_notice_pages() {
    let dir = tempfile::tempdir().unwrap();
    let mut engine = daemon(dir.path());
    let now = Utc.with_ymd_and_hms(2024, 8, 1, 0, 0, 0).unwrap();
    let first = engine.sync(Scope::All, now).unwrap().published.unwrap();
    assert!(first.report.feeds > 0, "the first publish plans every feed");
    assert_eq!(first.report.gone_pages.len(), 1, "{:?}", first.report);
    let again = engine.sync(Scope::All, now).unwrap().published.unwrap();
    assert_eq!(again.report.feeds, 0, "skipped: {:?}", again.report);
    assert!(again.report.written.is_empty() && again.report.written_pages.is_empty());
    assert_eq!(again.report.gone_pages, first.report.gone_pages);
    assert_eq!(again.counts, first.counts);
    // The check that skipped it found every page: the next change's publish need not read
    // and check every page again (at a million articles, seconds).
    assert!(engine.items.knows_pages());
    // A change is published.
    let story = dir.path().join("feeds/world/live.md");
    std::fs::write(
        &story,
        "---\ntitle: Live, updated\ndate: 2024-07-01T00:00:00Z\n---\nBody.\n",
    )
    .unwrap();
    let paths = ["world/live.md".to_string()];
    let changed = engine
        .sync(Scope::Paths(&paths), now)
        .unwrap()
        .published
        .unwrap();
    assert!(!changed.report.written.is_empty(), "{:?}", changed.report);
    assert_eq!(
        changed.report.written_pages.len(),
        1,
        "{:?}",
        changed.report
    );
}

#[test]
fn a_daemons_first_publish_is_never_skipped_it_warms_the_item_cache() {
    let dir = tempfile::tempdir().unwrap();
    let now = Utc.with_ymd_and_hms(2024, 8, 1, 0, 0, 0).unwrap();
    drop(daemon(dir.path()).sync(Scope::All, now).unwrap());
    // A restart with nothing changed: the publish a one-shot command would skip.
    let mut restarted = daemon(dir.path());
    let first = restarted.sync(Scope::All, now).unwrap().published.unwrap();
    assert!(first.report.feeds > 0, "{:?}", first.report);
    assert!(
        first.report.written.is_empty(),
        "{:?}",
        first.report.written
    );
}

#[test]
fn a_daemon_asked_to_stop_during_a_rescans_walk_stops_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let mut engine = daemon_stopped_by(dir.path(), stop.clone());
    let now = Utc.with_ymd_and_hms(2024, 8, 1, 0, 0, 0).unwrap();
    engine.sync(Scope::All, now).unwrap().published.unwrap();
    // Nothing to read: before, the rescan went on to compare and publish.
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let stopped = engine.sync(Scope::All, now).unwrap_err();
    assert_eq!(stopped.to_string(), "stopped");
    assert!(
        dir.path().join("public/rss.xml").exists(),
        "what was published stays"
    );
}
