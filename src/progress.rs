//! Progress on long work: the content walk, reading and extracting articles, writing
//! pages. On a terminal, a bar on standard error once a step has run for about a second
//! (a quick step never shows one); with `--log-format json`, a `progress` event about once
//! a second instead; nothing with `-q` or when standard error is not a terminal.
//!
//! The mode is set once, by the command line ([`init`]); the steps report through
//! [`step`], which costs an atomic add when nothing is shown. Log lines written while a bar
//! is up go through [`around_log`], so that they print above it instead of through it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tracing::info;

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Not at all: `-q`, standard error not a terminal, or tests.
    Off,
    /// A bar on standard error (a terminal).
    Bar,
    /// `progress` log events (`--log-format json`).
    Events,
}

/// How long a step runs before its progress is shown.
const SHOW_AFTER: Duration = Duration::from_secs(1);

static MODE: OnceLock<Mode> = OnceLock::new();

/// The bar on screen, if one is: log lines suspend it.
static SHOWN: Mutex<Option<ProgressBar>> = Mutex::new(None);

/// The mode for the whole process (the first call wins).
pub fn init(mode: Mode) {
    let _ = MODE.set(mode);
}

/// The mode the command line asks for: `-q` or a non-terminal standard error turns a bar
/// off; JSON logs get events wherever they go.
pub fn mode_for(quiet: bool, json: bool, stderr_is_terminal: bool) -> Mode {
    match (quiet, json, stderr_is_terminal) {
        (true, _, _) => Mode::Off,
        (false, true, _) => Mode::Events,
        (false, false, true) => Mode::Bar,
        (false, false, false) => Mode::Off,
    }
}

fn mode() -> Mode {
    MODE.get().copied().unwrap_or(Mode::Off)
}

/// One long step (`what`: "reading articles"), of `total` units (0: not known ahead).
pub struct Step {
    mode: Mode,
    what: &'static str,
    total: u64,
    done: AtomicU64,
    started: Instant,
    /// When something was last shown (the bar drawn, an event logged); `None`: not yet.
    shown: Mutex<Option<(Instant, Option<ProgressBar>)>>,
}

/// Starts a step; it shows nothing for its first second, and nothing at all when the mode
/// is [`Mode::Off`]. Dropping it clears its bar.
pub fn step(what: &'static str, total: u64) -> Step {
    Step {
        mode: mode(),
        what,
        total,
        done: AtomicU64::new(0),
        started: Instant::now(),
        shown: Mutex::new(None),
    }
}

impl Step {
    /// Counts `n` more units done.
    pub fn advance(&self, n: u64) {
        let done = self.done.fetch_add(n, Ordering::Relaxed) + n;
        let mode = self.mode;
        if mode == Mode::Off || self.started.elapsed() < SHOW_AFTER {
            return;
        }
        let Ok(mut shown) = self.shown.try_lock() else {
            return;
        };
        match (mode, &mut *shown) {
            (Mode::Bar, Some((_, Some(bar)))) => bar.set_position(done),
            (Mode::Bar, None) => {
                let bar = self.bar(done);
                if let Ok(mut current) = SHOWN.lock() {
                    *current = Some(bar.clone());
                }
                *shown = Some((Instant::now(), Some(bar)));
            }
            (Mode::Events, last)
                if last
                    .as_ref()
                    .is_none_or(|(at, _)| at.elapsed() >= SHOW_AFTER) =>
            {
                let total = (self.total > 0).then_some(self.total);
                info!(step = self.what, done, total, "progress");
                *last = Some((Instant::now(), None));
            }
            _ => {}
        }
    }

    fn bar(&self, done: u64) -> ProgressBar {
        let (bar, template) = if self.total > 0 {
            (
                ProgressBar::with_draw_target(Some(self.total), ProgressDrawTarget::stderr()),
                "{msg:>18} [{bar:30}] {pos}/{len} ({percent}%, {elapsed})",
            )
        } else {
            (
                ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
                "{msg:>18} {spinner} {pos} ({elapsed})",
            )
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(self.what);
        bar.set_position(done);
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    }
}

impl Drop for Step {
    fn drop(&mut self) {
        if let Ok(mut shown) = self.shown.lock()
            && let Some((_, Some(bar))) = shown.take()
        {
            bar.finish_and_clear();
            if let Ok(mut current) = SHOWN.lock() {
                *current = None;
            }
        }
    }
}

/// Runs `write` (a log line) with the bar, if one is up, out of its way.
pub fn around_log<R>(write: impl FnOnce() -> R) -> R {
    let bar = SHOWN.lock().ok().and_then(|b| b.clone());
    match bar {
        Some(bar) => bar.suspend(write),
        None => write(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bar_only_on_a_terminal_never_with_quiet_and_events_for_json_logs() {
        assert_eq!(mode_for(false, false, true), Mode::Bar);
        assert_eq!(mode_for(false, false, false), Mode::Off);
        assert_eq!(mode_for(true, false, true), Mode::Off);
        assert_eq!(mode_for(true, true, false), Mode::Off);
        assert_eq!(mode_for(false, true, false), Mode::Events);
        assert_eq!(mode_for(false, true, true), Mode::Events);
    }

    #[test]
    fn a_step_counts_what_it_is_told_and_shows_nothing_when_off() {
        let step = step("reading articles", 10);
        step.advance(3);
        step.advance(4);
        assert_eq!(step.done.load(Ordering::Relaxed), 7);
        assert!(step.shown.lock().unwrap().is_none());
    }

    #[test]
    fn json_logs_get_a_progress_event_once_a_step_has_run_a_second_and_not_before() {
        let mut step = step("writing pages", 100);
        step.mode = Mode::Events;
        step.advance(1);
        assert!(
            step.shown.lock().unwrap().is_none(),
            "nothing in the first second"
        );
        step.started -= Duration::from_secs(2);
        step.advance(1);
        let shown = step.shown.lock().unwrap();
        assert!(matches!(&*shown, Some((_, None))), "an event, no bar");
    }
}
