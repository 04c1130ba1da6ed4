//! Scheduled-publishing delay benchmark: with N articles published, schedules S more at
//! fixed intervals, starts `feedfold watch`, and records for each the delay between its
//! moment and its appearance in the published JSON Feed (polled every millisecond), and
//! whether any appeared early (must be none). Self-contained: it writes its own site.
//!
//! `cargo bench --bench schedule -- --n 1000 --scheduled 60 --spacing-ms 300`

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};

struct Args {
    n: usize,
    scheduled: usize,
    spacing_ms: i64,
}

fn parse_args() -> Args {
    let mut args = Args {
        n: 1_000,
        scheduled: 60,
        spacing_ms: 300,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().and_then(|v| v.parse().ok()).expect("a number");
        match arg.as_str() {
            "--n" => args.n = value() as usize,
            "--scheduled" => args.scheduled = value() as usize,
            "--spacing-ms" => args.spacing_ms = value(),
            _ => {}
        }
    }
    args
}

/// The daemon, killed however the benchmark ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn write_site(site: &Path, args: &Args, first_due: DateTime<Utc>) -> Vec<(String, DateTime<Utc>)> {
    std::fs::write(
        site.join("config.toml"),
        "[site]\ntitle = \"Bench\"\nbase_url = \"https://bench.example\"\nlanguage = \"ar\"\n\
         timezone = \"Asia/Riyadh\"\n[paths]\nfeeds = \"feeds\"\npublish = \"public\"\n\
         state = \".feedfold\"\n",
    )
    .unwrap();
    let dir = site.join("feeds/news");
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..args.n {
        let date = Utc::now() - TimeDelta::hours(i as i64 + 1);
        let text = format!(
            "---\ndate: {}\n---\nخبر رقم {i}\nمقدمة الخبر رقم {i}.\nفقرة أولى من الخبر.\n",
            date.to_rfc3339_opts(SecondsFormat::Secs, true)
        );
        std::fs::write(dir.join(format!("past-{i}.txt")), text).unwrap();
    }
    let mut due = Vec::new();
    for i in 0..args.scheduled {
        let at = first_due + TimeDelta::milliseconds(args.spacing_ms * i as i64);
        let title = format!("Scheduled probe {i:03}");
        let text = format!(
            "---\ntitle: \"{title}\"\ndate: {}\n---\nEmbargoed until its moment.\n",
            at.to_rfc3339_opts(SecondsFormat::Millis, true)
        );
        std::fs::write(dir.join(format!("scheduled-{i}.md")), text).unwrap();
        due.push((format!("\"title\": \"{title}\""), at));
    }
    due
}

fn percentile(sorted: &[TimeDelta], p: f64) -> TimeDelta {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let args = parse_args();
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path();
    // Far enough ahead for the first build of the site to finish.
    let first_due = Utc::now() + TimeDelta::seconds(5 + (args.n / 2_000) as i64);
    let due = write_site(site, &args, first_due);
    let log = site.join("daemon.log");
    let _daemon = Running(
        Command::new(env!("CARGO_BIN_EXE_feedfold"))
            .args(["watch", "--config"])
            .arg(site.join("config.toml"))
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("daemon starts"),
    );
    let feed = site.join("public/feed.json");
    let mut seen: Vec<Option<TimeDelta>> = vec![None; due.len()];
    let mut early = 0;
    let deadline = Instant::now()
        + Duration::from_secs(60)
        + Duration::from_millis((args.spacing_ms.max(0) as u64) * due.len() as u64);
    while seen.iter().any(Option::is_none) && Instant::now() < deadline {
        let text = std::fs::read_to_string(&feed).unwrap_or_default();
        let now = Utc::now();
        for ((needle, at), slot) in due.iter().zip(seen.iter_mut()) {
            if slot.is_none() && text.contains(needle.as_str()) {
                early += usize::from(now < *at);
                *slot = Some(now - *at);
            }
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let mut delays: Vec<TimeDelta> = seen.iter().flatten().copied().collect();
    delays.sort();
    assert!(
        !delays.is_empty(),
        "nothing published; see {}",
        log.display()
    );
    let ms = |d: TimeDelta| d.num_microseconds().unwrap_or(0) as f64 / 1000.0;
    println!(
        "scheduled publishing, {} published + {} scheduled every {} ms: {} went out, {} early; \
         delay after the moment p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        args.n,
        due.len(),
        args.spacing_ms,
        delays.len(),
        early,
        ms(percentile(&delays, 0.5)),
        ms(percentile(&delays, 0.99)),
        ms(*delays.last().unwrap()),
    );
}
