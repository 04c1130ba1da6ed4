//! The engine's publish step: what is public at `now` ([`crate::lifecycle::showing`]) is
//! published, the next moment something changes is kept for the daemon's timer, and each
//! publish is logged in the index's history for `feedfold status`.

use std::time::Instant;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use tracing::warn;

use super::stoppable::Stoppable;
use super::{Behind, Engine, Mode, Published};
use crate::identity::{Entry, Interner};
use crate::index::Catalog;
use crate::index::history::{KEYS_KEPT, LIFECYCLE_STATE, Lifecycle, PublishLog};
use crate::lifecycle;
use crate::publish::{self, Extent, Pass, PublishReport};

impl Engine {
    /// Publishes what is public at `now`, as `pass` says; skipped when the published feeds
    /// already show the index and nothing changed stage since (a daemon's only when it is
    /// a whole publish after one of its own).
    pub(super) fn publish(&mut self, now: DateTime<Utc>, pass: Pass) -> Result<Published> {
        let started = Instant::now();
        self.open_target()?;
        let target = self
            .target
            .as_ref()
            .context("the publish folder is not open")?;
        if !target.intact() {
            warn!(path = %self.config.paths.publish.display(), "the publish folder was removed; writing every page again");
            self.items.forget_pages();
        }
        let (config, channels) = (&self.config, &self.channels);
        let last = Lifecycle::load(&self.store)?;
        // A daemon skips a whole publish (a full rescan's, a catch-up's) only once one of
        // its own warmed the item cache (the next change then costs only itself) and left
        // nothing for later; it reports the notice pages that publish found, which the
        // server answers `410` for. A publish after some paths changed is never skipped:
        // it costs little, where telling that every page is still there may not.
        let settled = self.behind == Behind::default() && !self.publish_failed;
        let gone = match &self.mode {
            Mode::Once => Some(Vec::new()),
            Mode::Daemon { .. } if settled && pass.extent == Extent::Whole => self.gone.clone(),
            Mode::Daemon { .. } => None,
        };
        if let Some(gone_pages) = gone
            && last.next_change.is_none_or(|next| next > now)
            && publish::is_current(config, channels, &mut self.store, target)?
        {
            // Every page was found: what the item cache knows of them holds.
            self.recheck_pages = false;
            let report = PublishReport {
                unchanged: self.store.output_keys()?.len(),
                gone_pages,
                ..PublishReport::default()
            };
            return Ok(Published {
                report,
                articles: last.counts.live,
                counts: last.counts,
                next_change: last.next_change,
                scheduled: last.scheduled,
                released_late: Vec::new(),
            });
        }
        if std::mem::take(&mut self.recheck_pages) {
            self.items.forget_pages();
        }
        let loaded: Vec<Entry>;
        let entries = match self.catalog.as_ref().and_then(Catalog::entries) {
            Some(tracked) => tracked,
            None => {
                loaded = self
                    .store
                    .entries_of(&mut Interner::default(), config.preview)?;
                // Newest first, as the daemon's catalog keeps them (see `lifecycle::sort`).
                let mut entries: Vec<&Entry> = loaded.iter().collect();
                entries.sort_unstable_by_key(|e| (std::cmp::Reverse(e.published), e.rowid));
                entries
            }
        };
        let period = config.feed.tombstone_period();
        let mut showing = if config.preview {
            lifecycle::previewing(&entries, now, period)
        } else {
            lifecycle::showing(&entries, now, period)
        };
        // The news sitemap changes as its articles age out: the timer wakes for that too.
        let news = publish::news_changes(config, &showing);
        showing.next_change = showing.next_change.into_iter().chain(news).min();
        let (store, items) = (&mut self.store, &mut self.items);
        // The daemon's publish ends at the next file once it is asked to stop.
        let stoppable;
        let target: &dyn publish::Target = match &self.mode {
            Mode::Daemon { stop } => {
                stoppable = Stoppable {
                    inner: target,
                    stop,
                };
                &stoppable
            }
            Mode::Once => target,
        };
        let report = publish::publish(config, channels, &showing, store, target, items, pass)?;
        if matches!(self.mode, Mode::Daemon { .. }) {
            self.gone = Some(report.gone_pages.clone());
        }
        self.behind = Behind {
            deferred: report.deferred,
            left: report.restyle_left + report.archives_left,
        };
        let state = Lifecycle {
            counts: showing.counts,
            next_change: showing.next_change,
            scheduled: showing
                .scheduled
                .iter()
                .take(Lifecycle::KEPT)
                .copied()
                .collect(),
        };
        // Only what changed is recorded: a publish that wrote nothing leaves no history row
        // (and costs no index write).
        let changed = !(report.written.is_empty()
            && report.written_pages.is_empty()
            && report.removed.is_empty()
            && report.failed.is_empty());
        if changed || state != last {
            let batch = self.store.batch()?;
            batch.set_state(LIFECYCLE_STATE, &state.to_bytes())?;
            if changed {
                batch.log_publish(&log_of(&report, now, started.elapsed()))?;
            }
            batch.commit()?;
        }
        let still: rustc_hash::FxHashSet<i64> = showing.scheduled.iter().map(|s| s.0).collect();
        let released_late = std::mem::replace(&mut self.scheduled, showing.scheduled.clone())
            .into_iter()
            .filter(|(rowid, due)| *due <= now && !still.contains(rowid))
            .map(|(_, due)| now - due)
            .collect();
        Ok(Published {
            report,
            articles: showing.counts.live,
            counts: showing.counts,
            next_change: showing.next_change,
            scheduled: showing.scheduled,
            released_late,
        })
    }
}

/// The history row of a publish for `at` that took `took`.
fn log_of(report: &PublishReport, at: DateTime<Utc>, took: std::time::Duration) -> PublishLog {
    let changed = report
        .written
        .iter()
        .chain(&report.written_pages)
        .chain(&report.removed)
        .take(KEYS_KEPT)
        .cloned()
        .collect();
    PublishLog {
        at,
        duration_ms: took.as_millis().try_into().unwrap_or(u64::MAX),
        written: report.written.len() + report.written_pages.len(),
        removed: report.removed.len(),
        failed: report.failed.len(),
        changed,
    }
}

#[cfg(test)]
#[path = "publish_step_tests.rs"]
mod tests;
