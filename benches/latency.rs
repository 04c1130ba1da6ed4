//! Watch latency benchmark: with N articles indexed, adds, edits and deletes articles one at
//! a time, in turn, and records file close -> feed updated; then a 5,000-file burst
//! (regenerations until settled, peak RSS during it); then idle CPU and RSS after settling.
//!
//! `cargo bench --bench latency -- --n 10000 --events 200` (corpus as in the build bench:
//! run `cargo bench --bench build -- --n N` first, or pass `--site DIR`).
//!
//! `--global`: instead, a change that restyles every page (a new site title in
//! `config.toml`), then a new article every 250 ms until the oldest article's page shows the
//! new title: file close -> the article in `feed.json`, and -> its own page, while every
//! page and archive is rendered again in the background.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Args {
    n: usize,
    events: usize,
    site: Option<PathBuf>,
    global: bool,
}

fn parse_args() -> Args {
    let mut args = Args {
        n: 10_000,
        events: 200,
        site: None,
        global: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--n" => args.n = it.next().and_then(|v| v.parse().ok()).expect("--n N"),
            "--events" => args.events = it.next().and_then(|v| v.parse().ok()).expect("--events N"),
            "--site" => args.site = it.next().map(PathBuf::from),
            "--global" => args.global = true,
            _ => {}
        }
    }
    args
}

fn wait_until(what: &str, limit: Duration, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !cond() {
        assert!(Instant::now() < deadline, "timed out: {what}");
        std::thread::sleep(Duration::from_micros(500));
    }
}

fn proc_field(pid: u32, file: &str, key: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/{file}")).ok()?;
    let line = text.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A memory figure of `/proc/PID/status` (`VmRSS:`, `VmHWM:`), in MB.
fn status_mb(pid: u32, key: &str) -> f64 {
    proc_field(pid, "status", key).unwrap_or(0) as f64 / 1024.0
}

fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    fields
        .get(11)
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0)
        + fields
            .get(12)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// The daemon, killed however the benchmark ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(site: &Path, log: &Path) -> Running {
    let child = Command::new(env!("CARGO_BIN_EXE_feedfold"))
        .args(["watch", "--config"])
        .arg(site.join("config.toml"))
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).expect("log"))
        .spawn()
        .expect("daemon starts");
    let running = Running(child);
    let read_log = || std::fs::read_to_string(log).unwrap_or_default();
    wait_until("daemon ready", Duration::from_secs(600), || {
        read_log().contains("watching")
    });
    running
}

/// One event of a stream: a new article, an edit of one, or the delete of an earlier new
/// one, in turn.
#[derive(Clone, Copy)]
enum Event {
    Add,
    Edit,
    Delete,
}

impl Event {
    fn nth(i: usize) -> Self {
        [Event::Add, Event::Edit, Event::Delete][i % 3]
    }
}

/// File close -> `feed.json` shows the change (a delete: no longer shows the article).
fn probe(site: &Path, i: usize, event: Event) -> Duration {
    let feed = site.join("public/feed.json");
    let news = site.join("feeds/news");
    let (title, started) = match event {
        Event::Delete => {
            let title = format!("Latency probe {}", i - 2);
            let started = Instant::now();
            std::fs::remove_file(news.join(format!("probe-{}.md", i - 2))).expect("delete");
            (title, started)
        }
        Event::Add | Event::Edit => {
            let title = format!("Latency probe {i}");
            let name = match event {
                Event::Edit => "probe-changed.md".to_string(),
                _ => format!("probe-{i}.md"),
            };
            let started = Instant::now();
            // Dated a moment ago, so that it is the newest article and due at once (a date
            // ahead would be scheduled, and held back until then).
            let date = (chrono::Utc::now() - chrono::TimeDelta::milliseconds(10))
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            let text = format!("---\ntitle: \"{title}\"\ndate: {date}\n---\nBody.\n");
            std::fs::write(news.join(name), text).expect("write");
            (title, started)
        }
    };
    let needle = format!("\"title\": \"{title}\"");
    let shown = !matches!(event, Event::Delete);
    let mut last = None;
    wait_until("probe published", Duration::from_secs(30), || {
        let mtime = std::fs::metadata(&feed).and_then(|m| m.modified()).ok();
        if mtime == last {
            return false;
        }
        last = mtime;
        std::fs::read_to_string(&feed).is_ok_and(|t| t.contains(&needle) == shown)
    });
    started.elapsed()
}

/// The article page of the oldest mtime under `public/news/`: the one restyled last.
fn oldest_page(site: &Path) -> PathBuf {
    let pages = std::fs::read_dir(site.join("public/news")).expect("public/news");
    let pages = pages.flatten().map(|e| e.path().join("index.html"));
    let dated = pages.filter_map(|p| Some((std::fs::metadata(&p).ok()?.modified().ok()?, p)));
    dated.min().expect("an article page").1
}

/// Waits until `path` exists and contains `needle`.
fn wait_for_text(what: &str, path: &Path, needle: &str) {
    wait_until(what, Duration::from_secs(60), || {
        std::fs::read_to_string(path).is_ok_and(|t| t.contains(needle))
    });
}

/// A new site title, then new articles every 250 ms until the oldest page shows it.
fn global_change(site: &Path) {
    let oldest = oldest_page(site);
    let config_path = site.join("config.toml");
    let config = std::fs::read_to_string(&config_path).expect("config");
    // Unique per run: a page left by an earlier run's probe (a tombstone) keeps its slug.
    let run = chrono::Utc::now().timestamp();
    let stamp = format!("Restyled {run}");
    let changed = config.replacen("title = \"", &format!("title = \"{stamp} "), 1);
    let started = Instant::now();
    std::fs::write(&config_path, changed).expect("config");
    let (mut feed, mut page) = (Vec::new(), Vec::new());
    let mut i = 0;
    loop {
        let title = format!("Global probe {i}");
        let wrote = Instant::now();
        let text = format!(
            "---\ntitle: \"{title}\"\nslug: probe-g{run}-{i}\ndate: {}\n---\nBody.\n",
            (chrono::Utc::now() - chrono::TimeDelta::milliseconds(10))
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        );
        std::fs::write(site.join(format!("feeds/news/probe-g{i}.md")), text).expect("write");
        let needle = format!("\"title\": \"{title}\"");
        wait_for_text("probe in feed", &site.join("public/feed.json"), &needle);
        feed.push(wrote.elapsed());
        let own = site.join(format!("public/news/probe-g{run}-{i}/index.html"));
        wait_for_text("probe page", &own, &title);
        page.push(wrote.elapsed());
        if std::fs::read_to_string(&oldest).is_ok_and(|t| t.contains(&stamp)) {
            break;
        }
        std::thread::sleep(Duration::from_millis(250));
        i += 1;
    }
    let restyled = started.elapsed();
    std::fs::write(&config_path, config).expect("config restored");
    feed.sort();
    page.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let line = |what: &str, v: &[Duration]| {
        println!(
            "{what}: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            ms(percentile(v, 0.5)),
            ms(percentile(v, 0.99)),
            ms(v[v.len() - 1])
        )
    };
    println!(
        "global change: every page restyled in {:.1} s, {} new articles meanwhile",
        restyled.as_secs_f64(),
        feed.len()
    );
    line("file close -> feed updated", &feed);
    line("file close -> its own page", &page);
}

/// What a 5,000-file burst cost: its write, the publishes until it settled (none logged
/// for 3 s and the daemon idle), and the largest resident set sampled meanwhile.
struct Burst {
    write: Duration,
    regenerations: usize,
    settled: Duration,
    peak_mb: f64,
}

fn burst(site: &Path, log: &Path, pid: u32) -> Burst {
    let publishes = || {
        std::fs::read_to_string(log)
            .unwrap_or_default()
            .matches(" published")
            .count()
    };
    let rss_mb = || status_mb(pid, "VmRSS:");
    let before = publishes();
    let started = Instant::now();
    let mut peak_mb = rss_mb();
    for i in 0..5000 {
        std::fs::write(
            site.join(format!("feeds/news/burst-{i}.md")),
            format!("# Burst {i}\n\nBody.\n"),
        )
        .expect("burst");
        if i % 250 == 0 {
            peak_mb = peak_mb.max(rss_mb());
        }
    }
    let write = started.elapsed();
    // Settled: at least one publish since the burst began, none logged for 3 s (the
    // archives and sitemaps follow the news), and the daemon idle over the last second (a
    // full rescan of a large archive logs nothing for longer than that).
    let mut seen = (before, Instant::now());
    let mut ticks = std::collections::VecDeque::from([cpu_ticks(pid)]);
    let busy = |ticks: &std::collections::VecDeque<u64>| {
        ticks.len() < 10 || ticks[ticks.len() - 1] - ticks[0] > 5
    };
    while seen.0 == before || seen.1.elapsed() < Duration::from_secs(3) || busy(&ticks) {
        std::thread::sleep(Duration::from_millis(100));
        peak_mb = peak_mb.max(rss_mb());
        ticks.push_back(cpu_ticks(pid));
        if ticks.len() > 11 {
            ticks.pop_front();
        }
        let now = publishes();
        if now != seen.0 {
            seen = (now, Instant::now());
        }
    }
    Burst {
        write,
        regenerations: seen.0 - before,
        settled: seen.1.duration_since(started),
        peak_mb,
    }
}

/// The article files under `feeds/` (the corpus, whatever `--n` says).
fn count_articles(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => count_articles(&e.path()),
            Ok(t) if t.is_file() => 1,
            _ => 0,
        })
        .sum()
}

/// Removes the files earlier runs added.
fn cleanup(site: &Path) {
    for entry in std::fs::read_dir(site.join("feeds/news"))
        .into_iter()
        .flatten()
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("probe-") || name.starts_with("burst-") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn main() {
    let args = parse_args();
    let site = args
        .site
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("/tmp/feedfold-bench/n{}/site", args.n)));
    assert!(
        site.join("config.toml").exists(),
        "no corpus at {}: run the build bench first",
        site.display()
    );
    cleanup(&site);
    let log = site.join("latency-daemon.log");
    let daemon = start(&site, &log);
    let pid = daemon.0.id();
    if args.global {
        global_change(&site);
        drop(daemon);
        cleanup(&site);
        return;
    }
    let mut latencies = Vec::new();
    for i in 0..args.events {
        latencies.push(probe(&site, i, Event::nth(i)));
        std::thread::sleep(Duration::from_millis(250));
    }
    latencies.sort();
    let steady_mb = status_mb(pid, "VmRSS:");
    let burst = burst(&site, &log, pid);
    let ticks = cpu_ticks(pid);
    std::thread::sleep(Duration::from_secs(10));
    let idle_ticks = cpu_ticks(pid) - ticks;
    let rss_mb = status_mb(pid, "VmRSS:");
    let hwm_mb = status_mb(pid, "VmHWM:");
    drop(daemon);
    cleanup(&site);
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "corpus: {} articles indexed, {} single-file events (adds, edits and deletes in turn)",
        count_articles(&site.join("feeds")),
        args.events
    );
    if let Some(max) = latencies.last() {
        println!(
            "file close -> feed updated: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            ms(percentile(&latencies, 0.5)),
            ms(percentile(&latencies, 0.99)),
            ms(*max)
        );
    }
    println!(
        "burst: 5000 files written in {:.2} s -> {} regenerations until settled",
        burst.write.as_secs_f64(),
        burst.regenerations
    );
    println!(
        "settled {:.1} s after the burst began (last publish logged)",
        burst.settled.as_secs_f64()
    );
    println!(
        "RSS before the burst {steady_mb:.0} MB, peak during it {:.0} MB ({:.2}x)",
        burst.peak_mb,
        burst.peak_mb / steady_mb.max(1.0)
    );
    println!(
        "idle after settle: {idle_ticks} CPU ticks in 10 s; RSS {rss_mb:.0} MB (lifetime peak {hwm_mb:.0} MB)"
    );
}
