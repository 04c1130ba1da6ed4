//! Dates no feed can write are rejections, not crashes; first-seen times keep the file
//! system's precision, so that articles copied in together stay apart.

use std::fs::File;
use std::time::{Duration, SystemTime};

use crate::support::{Site, rss};

/// Runs the real binary: exit code and everything it printed.
fn feedfold(site: &Site, args: &[&str]) -> (i32, String) {
    let (code, stdout, stderr) = crate::cli::feedfold(site, args);
    (code, stdout + &stderr)
}

fn reasons(site: &Site) -> Vec<(String, String)> {
    site.build().scan.rejected
}

#[test]
fn a_year_zero_file_name_is_rejected_not_a_crash_build_after_build() {
    let site = Site::new();
    site.write("world/0000-01-01-zero.txt", "T\nl\nb\n");
    site.write("world/fine.txt", "Fine\nlede\nbody\n");
    for _ in 0..2 {
        let (code, out) = feedfold(&site, &["build"]);
        assert_eq!(code, 0, "{out}");
        assert!(
            out.contains(
                "world/0000-01-01-zero.txt: skipped: invalid date in file name \
                 `0000-01-01-zero.txt`: `0000-01-01` is outside years 1 to 9999"
            ),
            "{out}"
        );
        assert!(out.contains("skipped 1;"), "{out}");
    }
    assert_eq!(rss(&site, "rss.xml").entries.len(), 1);
}

#[test]
fn an_impossible_file_name_date_is_rejected_rather_than_ignored() {
    let site = Site::new();
    site.write("world/2026-13-40-x.txt", "T\nl\nb\n");
    let rejected = reasons(&site);
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    assert!(
        rejected[0].1.contains("`2026-13-40` is not a date"),
        "{rejected:?}"
    );
}

#[test]
fn front_matter_dates_no_feed_can_write_are_rejected_with_the_reason() {
    let site = Site::new();
    site.write("news/zero.md", "---\ntitle: Z\ndate: 0000-01-01\n---\nx\n")
        .write("news/first.md", "---\ntitle: F\ndate: 0001-01-01\n---\nx\n")
        .write("news/far.md", "---\ntitle: F\ndate: +10000-01-01\n---\nx\n")
        .write(
            "news/toml.md",
            "+++\ntitle = \"T\"\ndate = 0000-01-01\n+++\nx\n",
        )
        .write(
            "news/ok.md",
            "---\ntitle: OK\ndate: 9999-12-31T20:59:59+00:00\n---\nx\n",
        );
    // Built at the last moment any feed can write, so that the latest date is due.
    let last = chrono::DateTime::parse_from_rfc3339("9999-12-31T23:59:59Z").unwrap();
    feedfold::commands::build(&site.config(), last.into()).unwrap();
    let rejected = reasons(&site);
    let paths: Vec<_> = rejected.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            "news/far.md",
            "news/first.md",
            "news/toml.md",
            "news/zero.md"
        ]
    );
    for (path, reason) in &rejected {
        assert!(
            reason.starts_with("invalid date in front matter `date`: `")
                && reason.contains("outside years 1 to 9999")
                && reason.contains("RFC 3339"),
            "{path}: {reason}"
        );
    }
    let feed = rss(&site, "rss.xml");
    assert_eq!(feed.entries.len(), 1);
    assert!(
        site.published("rss.xml")
            .contains("Fri, 31 Dec 9999 20:59:59 +0000")
    );
}

#[test]
fn an_edit_that_breaks_the_date_keeps_the_last_good_version_published() {
    let site = Site::new();
    site.write(
        "news/a.md",
        "---\ntitle: Good\ndate: 2024-05-01\n---\nBody.\n",
    );
    site.build();
    let before = [site.published("rss.xml"), site.published("atom.xml")];
    site.write(
        "news/a.md",
        "---\ntitle: Broken\ndate: 0000-01-01\n---\nBody.\n",
    );
    let rejected = reasons(&site);
    assert_eq!(rejected.len(), 1);
    assert!(rejected[0].1.contains("`0000-01-01`"), "{rejected:?}");
    assert_eq!(
        [site.published("rss.xml"), site.published("atom.xml")],
        before
    );
}

#[test]
fn an_invalid_updated_date_is_a_warning_and_the_article_is_published() {
    let site = Site::new();
    site.write(
        "news/a.md",
        "---\ntitle: A\nupdated: 0000-01-01\n---\nBody.\n",
    );
    let report = site.build();
    assert!(report.scan.rejected.is_empty());
    assert!(
        report
            .scan
            .warnings
            .iter()
            .any(|(_, w)| w.starts_with("updated: `0000-01-01` is outside years 1 to 9999"))
    );
    assert_eq!(rss(&site, "rss.xml").entries.len(), 1);
}

/// 2024-06-01T10:00:00Z plus `micros`.
fn set_mtime(site: &Site, rel: &str, micros: u64) {
    let at =
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_717_236_000) + Duration::from_micros(micros);
    let file = File::options()
        .write(true)
        .open(site.root().join("feeds").join(rel))
        .unwrap();
    file.set_modified(at).unwrap();
}

#[test]
fn articles_copied_in_within_a_millisecond_keep_distinct_first_seen_times() {
    let site = Site::new();
    site.write("news/a.txt", "A\nlede\nbody\n")
        .write("news/b.txt", "B\nlede\nbody\n")
        .write("news/c.txt", "C\nlede\nbody\n");
    set_mtime(&site, "news/a.txt", 100);
    set_mtime(&site, "news/b.txt", 200);
    set_mtime(&site, "news/c.txt", 0);
    site.build();
    let atom = site.published("atom.xml");
    for stamp in [
        "<published>2024-06-01T10:00:00.000200+00:00</published>",
        "<published>2024-06-01T10:00:00.000100+00:00</published>",
        "<published>2024-06-01T10:00:00+00:00</published>",
    ] {
        assert!(atom.contains(stamp), "{stamp} not in {atom}");
    }
    let json = site.published("feed.json");
    assert!(json.contains("\"date_published\": \"2024-06-01T10:00:00.000200+00:00\""));
    assert!(json.contains("\"date_published\": \"2024-06-01T10:00:00+00:00\""));
    let titles = crate::support::titles(&rss(&site, "rss.xml"));
    assert_eq!(titles, ["B", "A", "C"]);
    assert!(
        site.published("rss.xml")
            .contains("<pubDate>Sat, 1 Jun 2024 10:00:00 +0000")
    );
}
