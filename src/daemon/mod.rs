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

use crate::config::{self, Config};
use crate::index::{self, ScanReport, Store};
use crate::logging::escape_controls;
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
    let config = Config::parse(&text, &dir)
        .with_context(|| format!("invalid config file {}", path.display()))?;
    // The same rules again, through symbolic links: `public` may be a link into `feeds/`.
    let p = &config.paths;
    let real = |path: &Path| real_path(path);
    config::check_layout(&real(&p.feeds), &real(&p.publish), &real(&p.state), &dir)
        .with_context(|| format!("invalid config file {}", path.display()))?;
    Ok(config)
}

/// `path` with symbolic links resolved as far as it exists.
fn real_path(path: &Path) -> std::path::PathBuf {
    let mut rest = Vec::new();
    let mut base = path;
    loop {
        if let Ok(real) = base.canonicalize() {
            return rest.iter().rev().fold(real, |acc, part| acc.join(part));
        }
        match (base.parent(), base.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name);
                base = parent;
            }
            _ => return path.to_path_buf(),
        }
    }
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
    // The daemon's lock: a build beside a running daemon would race it for the index and
    // the publish folder's temp files.
    let _lock = lock::acquire(&config.paths.state)?;
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

/// One line per problem file, prefixed with the content root; control characters in names
/// are escaped, so that a file name cannot forge a line.
pub fn problem_lines(config: &Config, scan: &ScanReport) -> String {
    let root = config.paths.feeds.display();
    let mut out = String::new();
    for (path, reason) in &scan.rejected {
        let line = format!("{root}/{path}: skipped: {reason}");
        let _ = writeln!(out, "{}", escape_controls(&line));
    }
    for (path, warning) in &scan.warnings {
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
