//! The one-shot commands: `build` (scan and publish once, through the [`Engine`]),
//! `publish` (a build, then every file uploaded to the bucket anew), `check` (parse
//! everything, write nothing) and `config` (the configuration, resolved and checked, no
//! article read), with the lines they print: one per problem file, and a summary. `watch`
//! and `serve` are [`crate::daemon`]'s.

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};

use crate::config::{self, Config, ConfigError};
use crate::config_file;
use crate::engine::{Engine, Mode, Scope};
use crate::index::{self, ScanReport};
use crate::logging::escape_controls;
use crate::mirror;
use crate::publish::PublishReport;

/// What one build did.
#[derive(Debug)]
pub struct BuildReport {
    /// What the scan found and changed in the index.
    pub scan: ScanReport,
    /// What the publish wrote to and removed from the publish folder.
    pub publish: PublishReport,
    /// Articles published (live, not drafts, neither scheduled nor ended).
    pub articles: usize,
    /// Articles scheduled, and the soonest one's moment: a cron job runs `build` again then.
    pub scheduled: (usize, Option<DateTime<Utc>>),
    /// Wall-clock time of the whole build, opening the index included.
    pub elapsed: Duration,
}

/// Scans the content root into the index and publishes the feeds, once.
pub fn build(config: &Config, now: DateTime<Utc>) -> Result<BuildReport> {
    let started = Instant::now();
    let mut engine = Engine::open(config.clone(), Mode::Once)?;
    let synced = engine.sync(Scope::All, now)?;
    let published = synced.published?;
    Ok(BuildReport {
        scan: synced.scan,
        publish: published.report,
        articles: published.articles,
        scheduled: (
            published.counts.scheduled,
            published.scheduled.first().map(|(_, due)| *due),
        ),
        elapsed: started.elapsed(),
    })
}

/// `feedfold build` (and, with `upload_again`, `feedfold publish`): builds, prints the
/// problem lines and the summary, then brings the bucket up to date if one is configured.
pub fn run_build(config_path: &Path, upload_again: bool) -> Result<ExitCode> {
    let config = config_file::load(config_path)?;
    if upload_again && config.publish.s3().is_none() {
        bail!(
            "`feedfold publish` uploads to a bucket, and {} configures none: add \
             `[publish] target = \"s3\"` and a `[publish.s3]` table with the `bucket`, or run \
             `feedfold build` to publish into the local folder only",
            config_path.display()
        );
    }
    let report = build(&config, Utc::now())?;
    eprint!("{}", problem_lines(&config, &report.scan));
    eprint!("{}", warning_lines(&config, &report.publish.warnings));
    println!("{}", summary(&report));
    if let (n, Some(next)) = report.scheduled {
        println!(
            "{n} scheduled; next at {}: run `feedfold build` again then (a running `watch` or \
             `serve` publishes it by itself)",
            next.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
    }
    let started = Instant::now();
    if let Some((bucket, r)) = mirror::mirror_once(&config, upload_again)? {
        println!(
            "mirrored to {bucket}: {} uploaded, {} deleted ({} bytes) in {:.3}s",
            r.puts,
            r.deletes,
            r.bytes,
            started.elapsed().as_secs_f64()
        );
    }
    // A feed that failed its check kept its last good version: say so in the exit code.
    for (key, reason) in &report.publish.failed {
        eprintln!(
            "{}",
            escape_controls(&format!("error: {key} not published: {reason}"))
        );
    }
    Ok(if report.publish.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

/// `feedfold check`: one line per problem, whether the bucket answers, and a count; exit
/// code 1 when an article was rejected, 2 when the bucket does not answer.
pub fn run_check(config_path: &Path) -> Result<ExitCode> {
    let config = config_file::load(config_path)?;
    let report = index::check(&config)?;
    print!("{}", problem_lines(&config, &report));
    if let Some(probe) = mirror::probe(&config) {
        match probe {
            Ok(line) => println!("publish target: {line}"),
            Err(e) => {
                println!("publish target: unreachable: {e:#}");
                return Ok(ExitCode::from(2));
            }
        }
    }
    let rejected = report.rejected.len();
    println!(
        "checked {} articles: {rejected} rejected",
        report.added + rejected
    );
    Ok(if rejected == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `feedfold config`: reads and checks the configuration file as every command does, and
/// that the content folder is one, reading no article; prints the configuration with every
/// default filled in (and paths resolved) as TOML. An invalid one is an error listing every
/// problem (exit code 2).
pub fn run_config(config_path: &Path) -> Result<ExitCode> {
    let config = config_file::load(config_path)?;
    let feeds = &config.paths.feeds;
    if !feeds.is_dir() {
        let reason = match std::fs::metadata(feeds) {
            Ok(_) => format!("{} is not a folder", feeds.display()),
            Err(e) => format!("cannot read the content folder {}: {e}", feeds.display()),
        };
        let text = std::fs::read_to_string(config_path).unwrap_or_default();
        let key = "paths.feeds";
        let problem = config::located(&text, ConfigError::Invalid { key, reason });
        return Err(config_file::InvalidConfig {
            path: config_path.to_path_buf(),
            problems: problem.into(),
        }
        .into());
    }
    let text = config
        .to_toml()
        .context("cannot write the configuration as TOML")?;
    print!("{text}");
    eprintln!(
        "{}",
        escape_controls(&format!(
            "{}: the configuration is valid",
            config_path.display()
        ))
    );
    Ok(ExitCode::SUCCESS)
}

/// One line per problem file, prefixed with the content root; control characters in names
/// are escaped, so that a file name cannot forge a line.
pub fn problem_lines(config: &Config, scan: &ScanReport) -> String {
    let root = config.paths.feeds.display();
    let mut out = String::new();
    for (path, reason) in &scan.rejected {
        let line = format!("{root}/{path}: skipped: {reason}");
        let _ = writeln!(out, "{}", escape_controls(&line));
    }
    out.push_str(&warning_lines(config, &scan.warnings));
    out
}

/// One line per warning, `{content root}/{path}: warning: {what}`.
fn warning_lines(config: &Config, warnings: &[(String, String)]) -> String {
    let root = config.paths.feeds.display();
    let mut out = String::new();
    for (path, warning) in warnings {
        let line = format!("{root}/{path}: warning: {warning}");
        let _ = writeln!(out, "{}", escape_controls(&line));
    }
    out
}

/// The one-line summary of a build.
pub fn summary(report: &BuildReport) -> String {
    let s = &report.scan;
    let p = &report.publish;
    let feeds = if p.feeds == 0 && p.written.is_empty() {
        format!("feeds up to date ({} files unchanged)", p.unchanged)
    } else {
        let failed = if p.failed.is_empty() {
            String::new()
        } else {
            format!(", {} FAILED", p.failed.len())
        };
        format!(
            "{} feeds: {} files written, {} unchanged, {} removed{failed}",
            p.feeds,
            p.written.len() + p.written_pages.len(),
            p.unchanged,
            p.removed.len()
        )
    };
    format!(
        "published {} articles ({} new, {} changed, {} moved, {} removed), skipped {}; {feeds}; in {:.2}s",
        report.articles,
        s.added,
        s.changed,
        s.moved,
        s.removed,
        s.rejected.len(),
        report.elapsed.as_secs_f64(),
    )
}
