//! A [`Status`] for people (lines, with control characters in names and titles escaped so
//! that a file name cannot forge a line) or for programs (one JSON object).

use std::fmt::Write as _;

use anyhow::{Context, Result};
use chrono::{DateTime, SecondsFormat, Utc};

use super::{BucketState, Status};
use crate::logging::escape_controls;

/// Publishes the text shows (the JSON has every one read).
pub const TEXT_PUBLISHES: usize = 10;

/// Scheduled articles, drafts and retracted articles the text lists of each.
pub const TEXT_LISTED: usize = 10;

/// Changed keys the text names per publish.
const TEXT_KEYS: usize = 3;

/// The status as one JSON object (keys documented at [`super::run`]).
pub fn json(status: &Status) -> Result<String> {
    serde_json::to_string_pretty(status).context("cannot write the status as JSON")
}

/// The status as lines for people.
pub fn text(status: &Status) -> String {
    let mut out = Vec::new();
    let a = &status.articles;
    out.push(format!("index: {}", status.index));
    out.push(format!(
        "articles: {} live, {} scheduled, {} drafts, {} retracted, {} removed (within the \
         tombstone period)",
        a.live, a.scheduled, a.drafts, a.retracted, a.removed
    ));
    if let Some(next) = status.next_change {
        out.push(format!("next change: {}", time(next)));
    }
    scheduled(status, &mut out);
    out.push(heading("drafts", status.drafts.len()));
    let drafts = status
        .drafts
        .iter()
        .map(|d| format!("{}  {}", d.path, d.title));
    listed(drafts, status.drafts.len(), &mut out);
    out.push(heading("retracted", status.retracted.len()));
    let retracted =
        (status.retracted.iter()).map(|r| format!("{}  {}  {}", time(r.at), r.path, r.title));
    listed(retracted, status.retracted.len(), &mut out);
    out.push(heading("rejected files", status.rejected.len()));
    for r in &status.rejected {
        out.push(format!("  {}: {}", r.path, r.reason));
    }
    publishes(status, &mut out);
    out.push(bucket(status.bucket.as_ref()));
    hubs(&status.hubs, &mut out);
    let mut text = String::new();
    for line in out {
        let _ = writeln!(text, "{}", escape_controls(&line));
    }
    text
}

/// A time to the second, in UTC.
fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// `what: N`, or `what: none`.
fn heading(what: &str, n: usize) -> String {
    match n {
        0 => format!("{what}: none"),
        n => format!("{what}: {n}"),
    }
}

/// The first [`TEXT_LISTED`] of `lines` (of `total`), indented, and how many more.
fn listed(lines: impl Iterator<Item = String>, total: usize, out: &mut Vec<String>) {
    out.extend(lines.take(TEXT_LISTED).map(|line| format!("  {line}")));
    if total > TEXT_LISTED {
        out.push(format!("  ... and {} more", total - TEXT_LISTED));
    }
}

/// The soonest scheduled articles with their due times; one already due goes live at the
/// next publish.
fn scheduled(status: &Status, out: &mut Vec<String>) {
    out.push(heading("scheduled", status.articles.scheduled));
    let lines = status.scheduled.iter().map(|s| {
        let due = if s.due <= status.read_at {
            " (due: goes live at the next publish)"
        } else {
            ""
        };
        format!("{}  {}  {}{due}", time(s.due), s.path, s.title)
    });
    listed(lines, status.articles.scheduled, out);
}

/// The last [`TEXT_PUBLISHES`] publishes, newest first, each with its first changed keys.
fn publishes(status: &Status, out: &mut Vec<String>) {
    if status.publishes.is_empty() {
        out.push("publishes: none recorded".to_string());
        return;
    }
    let shown = status.publishes.len().min(TEXT_PUBLISHES);
    out.push(format!(
        "publishes: the last {shown} of {} recorded",
        status.publishes_recorded
    ));
    for p in status.publishes.iter().take(TEXT_PUBLISHES) {
        let mut keys = p
            .changed
            .iter()
            .take(TEXT_KEYS)
            .cloned()
            .collect::<Vec<_>>();
        let changes = p.written + p.removed;
        if changes > keys.len() {
            keys.push(format!("+{} more", changes - keys.len()));
        }
        let keys = if keys.is_empty() {
            String::new()
        } else {
            format!(": {}", keys.join(", "))
        };
        out.push(format!(
            "  {}  {} written, {} removed, {} failed, in {:.3}s{keys}",
            time(p.at),
            p.written,
            p.removed,
            p.failed,
            p.duration_ms as f64 / 1000.0
        ));
    }
}

/// The bucket line.
/// The hubs line, and the latest failed pings a running daemon recorded.
fn hubs(hubs: &crate::status::Hubs, out: &mut Vec<String>) {
    let n = hubs.configured;
    let failures = hubs.ping_failures.as_deref();
    out.push(match (n, failures) {
        (0, _) => "hub pings: no hubs configured".to_string(),
        (n, None) => format!("hub pings: {n} hubs configured; no daemon journal (not running?)"),
        (n, Some([])) => format!("hub pings: {n} hubs configured; no failed ping"),
        (n, Some(f)) => format!("hub pings: {n} hubs configured; {} failed pings:", f.len()),
    });
    for f in failures.unwrap_or_default().iter().rev().take(TEXT_LISTED) {
        let state = if f.given_up { "given up" } else { "retrying" };
        out.push(format!(
            "  {}  {} for {}: {} ({state})",
            time(f.at),
            f.hub,
            f.url,
            f.error
        ));
    }
}

fn bucket(bucket: Option<&BucketState>) -> String {
    let Some(b) = bucket else {
        return "bucket: no bucket configured".to_string();
    };
    // The prefix, when there is one, ends with `/`.
    let at = format!("{}/{}", b.bucket, b.prefix);
    let state = if b.pending == 0 && b.to_delete == 0 {
        "up to date".to_string()
    } else {
        format!("{} to upload, {} to delete", b.pending, b.to_delete)
    };
    let error = b.last_error.as_ref().map_or(String::new(), |e| {
        format!("; failing since {}: {}", time(e.since), e.error)
    });
    format!(
        "bucket {at}: {state} ({} published files, {} uploaded, as the index records it; \
         `feedfold check` asks the bucket){error}",
        b.objects, b.uploaded
    )
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::index::history::PublishLog;
    use crate::status::{Articles, Hubs, RejectedFile, Scheduled};

    fn at(year: i32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(year, 1, 1, 0, 0, 0).unwrap()
    }

    fn status() -> Status {
        Status {
            index: "/srv/.feedfold/index.sqlite".into(),
            read_at: at(2030),
            articles: Articles::default(),
            next_change: None,
            scheduled: Vec::new(),
            drafts: Vec::new(),
            retracted: Vec::new(),
            rejected: Vec::new(),
            publishes_recorded: 0,
            publishes: Vec::new(),
            bucket: None,
            hubs: Hubs {
                configured: 0,
                ping_failures: None,
            },
        }
    }

    #[test]
    fn a_scheduled_article_already_due_is_shown_going_live_at_the_next_publish() {
        let mut s = status();
        s.articles.scheduled = 2;
        s.scheduled = [(2029, "w/due.md"), (2031, "w/later.md")]
            .map(|(year, path)| Scheduled {
                path: path.into(),
                title: "T".into(),
                due: at(year),
            })
            .into();
        let text = text(&s);
        assert!(
            text.contains("w/due.md  T (due: goes live at the next publish)\n"),
            "{text}"
        );
        assert!(
            text.contains("2031-01-01T00:00:00Z  w/later.md  T\n"),
            "{text}"
        );
    }

    #[test]
    fn a_publish_names_its_first_keys_and_counts_the_rest() {
        let mut s = status();
        s.publishes_recorded = 40;
        s.publishes = vec![PublishLog {
            at: at(2030),
            duration_ms: 1250,
            written: 4,
            removed: 1,
            failed: 0,
            changed: ["rss.xml", "atom.xml", "feed.json", "w/a/index.html"]
                .map(String::from)
                .into(),
        }];
        let text = text(&s);
        let line = "  2030-01-01T00:00:00Z  4 written, 1 removed, 0 failed, in 1.250s: \
                    rss.xml, atom.xml, feed.json, +2 more\n";
        assert!(
            text.contains("publishes: the last 1 of 40 recorded\n"),
            "{text}"
        );
        assert!(text.contains(line), "{text}");
    }

    #[test]
    fn a_control_character_in_a_rejected_name_cannot_forge_a_line() {
        let mut s = status();
        s.rejected.push(RejectedFile {
            path: "w/x\nbucket: up to date.md".into(),
            reason: "empty file".into(),
        });
        let text = text(&s);
        assert!(
            text.contains("  w/x\\nbucket: up to date.md: empty file\n"),
            "{text}"
        );
        assert!(!text.lines().any(|l| l.starts_with("bucket: up")), "{text}");
    }

    #[test]
    fn a_bucket_the_index_says_holds_everything_is_up_to_date() {
        let bucket = BucketState {
            bucket: "news".into(),
            prefix: String::new(),
            objects: 12,
            uploaded: 12,
            pending: 0,
            to_delete: 0,
            last_error: None,
        };
        assert!(super::bucket(Some(&bucket)).starts_with("bucket news/: up to date (12 published"));
    }
}
