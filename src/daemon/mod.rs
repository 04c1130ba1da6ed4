//! The commands: `build` and `check` run once; `watch` ([`run::watch`]) keeps feeds
//! current, and `serve` ([`run::serve`]) also serves them over HTTP. Loads the configuration, runs the scan and the publish, and reports.

mod lock;
mod mirror;
mod recover;
mod run;
mod state;
mod websub;

pub use mirror::{mirror_once, probe};
pub use run::{serve, watch};

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};

use tracing::debug;

use crate::config::Config;
use crate::index::{self, ScanReport, Store};
use crate::publish::{self, DirTarget, PublishReport};
use crate::serve;

/// Reads and checks the configuration file.
pub fn load_config(path: &Path) -> Result<Config> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read config file {}", path.display()))?;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    Config::parse(&text, &dir).with_context(|| format!("invalid config file {}", path.display()))
}

/// What the index records as published, ready to serve: feeds and other outputs held in
/// memory, article pages served from disk.
pub fn published_site(config: &Config) -> Result<serve::Site> {
    let store = Store::open(&config.paths.state)?;
    let outputs: Vec<String> = store.outputs()?.into_keys().collect();
    let pages: Vec<String> = store.page_keys()?.into_iter().map(|(key, _)| key).collect();
    let max_age = u64::from(config.feed.ttl_minutes) * 60;
    Ok(serve::Site::load(
        &config.paths.publish,
        &outputs,
        &pages,
        max_age,
    ))
}

/// What one build did.
pub struct BuildReport {
    pub scan: ScanReport,
    pub publish: PublishReport,
    pub articles: usize,
    pub elapsed: Duration,
}

/// Scans the content root into the index and publishes the feeds: `feedfold build`.
pub fn build(config: &Config, now: DateTime<Utc>) -> Result<BuildReport> {
    let started = Instant::now();
    refuse_publish_inside_feeds(config)?;
    let mut store = Store::open(&config.paths.state)?;
    let mut catalog = index::load(&store)?;
    let opts = index::Options {
        now,
        guard_mass_delete: false,
        cancel: None,
    };
    let scan = index::scan(config, &mut store, &mut catalog, opts)?;
    debug!(elapsed = ?started.elapsed(), "scan done");
    let target = DirTarget::new(&config.paths.publish)?;
    let articles = catalog.published_count();
    let publish = if publish::is_current(config, &scan.channels, &store, &target)? {
        PublishReport {
            unchanged: store.outputs()?.len(),
            ..PublishReport::default()
        }
    } else {
        let entries = store.entries(&mut index::model::Interner::default())?;
        let refs: Vec<_> = entries.iter().collect();
        publish::publish(
            config,
            &scan.channels,
            &refs,
            &mut store,
            &target,
            &mut publish::ItemCache::default(),
        )?
    };
    debug!(elapsed = ?started.elapsed(), "publish done");
    Ok(BuildReport {
        scan,
        publish,
        articles,
        elapsed: started.elapsed(),
    })
}

pub(crate) fn refuse_publish_inside_feeds(config: &Config) -> Result<()> {
    let feeds = config
        .paths
        .feeds
        .canonicalize()
        .unwrap_or(config.paths.feeds.clone());
    let publish = config
        .paths
        .publish
        .canonicalize()
        .unwrap_or(config.paths.publish.clone());
    if publish.starts_with(&feeds) {
        anyhow::bail!(
            "paths.publish ({}) is inside paths.feeds ({}); feedfold never writes inside feeds/",
            publish.display(),
            feeds.display()
        );
    }
    Ok(())
}

/// One line per problem file, prefixed with the content root.
pub fn problem_lines(config: &Config, scan: &ScanReport) -> String {
    let root = config.paths.feeds.display();
    let mut out = String::new();
    for (path, reason) in &scan.rejected {
        let _ = writeln!(out, "{root}/{path}: skipped: {reason}");
    }
    for (path, warning) in &scan.warnings {
        let _ = writeln!(out, "{root}/{path}: warning: {warning}");
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
