//! The `check` command's pass over the content root: every article read and extracted,
//! problems collected, nothing written (not the index, not the publish folder).

use anyhow::Result;

use super::analyze::{Analysis, analyze_each};
use super::scan::{ScanReport, channel_contexts};
use super::walk::walk;
use crate::config::Config;

/// Reads and extracts every article without touching the index: the `check` command.
pub fn check(config: &Config) -> Result<ScanReport> {
    let tree = walk(&config.paths.feeds)?;
    let mut report = ScanReport::default();
    let contexts = channel_contexts(config, &tree, &mut report);
    let known = vec![None; tree.files.len()];
    let root = &config.paths.feeds;
    analyze_each(
        root,
        &tree.files,
        &known,
        &contexts,
        config,
        |i, analysis| {
            let path = &tree.files[i].path;
            match analysis {
                Analysis::Rejected(reason) => report.rejected.push((path.clone(), reason)),
                Analysis::Parsed { warnings, .. } => {
                    report.added += 1;
                    report
                        .warnings
                        .extend(warnings.into_iter().map(|w| (path.clone(), w)));
                }
                Analysis::Same => report.unchanged += 1,
            }
            Ok(())
        },
    )?;
    report.rejected.sort();
    Ok(report)
}
