//! Where archive documents (RFC 5005 section 4) live, and how long they may be cached.
//!
//! ```text
//! _/archive/{scope folder}{YYYY-MM}/rss.xml     a month's archive (its newest part)
//! _/archive/{scope folder}{YYYY-MM}/{n}/rss.xml  its older parts, n = 2, 3, …, when a month
//!                                               does not fit in `feed.max_bytes`
//! ```
//!
//! The scope folder is the feed's own ([`super::feed_dir`]): nothing for the site feed,
//! `world/` for a channel. Month folders (`YYYY-MM`) and part folders (digits) cannot be
//! mistaken for each other, so a key reads back to its month whatever the channel's name.

use std::fmt;

use chrono::{DateTime, Datelike, Utc};

use super::{FILES, Format, Scope, feed_dir};

/// Folder of every archive document.
pub const ARCHIVES: &str = "_/archive";

/// `Cache-Control` max-age of the archive of a month that is over: a day. It changes only
/// when an article of its month does (a correction, a retraction, a late-filed story), and
/// a day is how long a reader may then hold the old one.
pub const CLOSED_MAX_AGE: u64 = 86_400;

/// A calendar month, in the site's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    /// The year (1 to 9999).
    pub year: i32,
    /// The month, 1 to 12.
    pub month: u32,
}

impl Month {
    /// The month `at` falls in, in `tz`.
    pub fn of(at: DateTime<Utc>, tz: chrono_tz::Tz) -> Month {
        let local = at.with_timezone(&tz);
        Month {
            year: local.year(),
            month: local.month(),
        }
    }

    /// Reads `YYYY-MM`.
    pub fn parse(text: &str) -> Option<Month> {
        let (year, month) = text.split_once('-')?;
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(year, 4) || !digits(month, 2) {
            return None;
        }
        let month: u32 = month.parse().ok()?;
        (1..=12).contains(&month).then_some(Month {
            year: year.parse().ok()?,
            month,
        })
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// The folder of part `part` (1 = the newest) of the archive of `month` of `scope`, as a
/// key prefix: `_/archive/world/2026-11/`, `_/archive/world/2026-11/2/`.
pub fn archive_dir(scope: &Scope, month: Month, part: usize) -> String {
    let base = format!("{FILES}/archive/{}{month}/", feed_dir(scope));
    match part {
        0 | 1 => base,
        n => format!("{base}{n}/"),
    }
}

/// The key of part `part` of an archive in `format`.
pub fn archive_key(scope: &Scope, month: Month, part: usize, format: Format) -> String {
    format!("{}{}", archive_dir(scope, month, part), format.file_name())
}

/// Whether `key` is an archive document.
pub fn is_archive(key: &str) -> bool {
    archive_month(key).is_some()
}

/// The month of the archive document at `key`, if it is one.
pub fn archive_month(key: &str) -> Option<Month> {
    let rest = key.strip_prefix(ARCHIVES)?.strip_prefix('/')?;
    Format::of_file_name(rest.rsplit('/').next()?)?;
    let mut folders = rest.rsplit('/').skip(1);
    let last = folders.next()?;
    if let Some(month) = Month::parse(last) {
        return Some(month);
    }
    let part = !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit());
    part.then(|| folders.next().and_then(Month::parse))
        .flatten()
}

/// The `Cache-Control` max-age of `key` at `now`: [`CLOSED_MAX_AGE`] for the archive of a
/// month that is over in `tz`, else `default` (the feeds' `ttl`).
pub fn max_age(key: &str, now: DateTime<Utc>, tz: chrono_tz::Tz, default: u64) -> u64 {
    match archive_month(key) {
        Some(month) if month < Month::of(now, tz) => CLOSED_MAX_AGE.max(default),
        _ => default,
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    const NOV: Month = Month {
        year: 2026,
        month: 11,
    };

    #[test]
    fn archives_live_under_their_scope_folder_and_read_back_to_their_month() {
        let world = Scope::Channel("world".into());
        let key = archive_key(&world, NOV, 1, Format::Rss);
        assert_eq!(key, "_/archive/world/2026-11/rss.xml");
        assert_eq!(
            archive_key(&Scope::Site, NOV, 3, Format::Atom),
            "_/archive/2026-11/3/atom.xml"
        );
        for key in [key, archive_key(&Scope::Site, NOV, 3, Format::Atom)] {
            assert_eq!(archive_month(&key), Some(NOV), "{key}");
        }
        let odd = Scope::Channel("2026-10".into());
        assert_eq!(
            archive_month(&archive_key(&odd, NOV, 2, Format::Rss)),
            Some(NOV)
        );
        assert!(!is_archive("world/rss.xml") && !is_archive("_/archive/x/index.html"));
    }

    #[test]
    fn only_the_archive_of_a_month_that_is_over_is_cached_for_long() {
        let riyadh = chrono_tz::Asia::Riyadh;
        // 23:30 UTC on 30 November is already 1 December in Riyadh.
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 23, 30, 0).unwrap();
        let key = archive_key(&Scope::Site, NOV, 1, Format::Rss);
        assert_eq!(max_age(&key, now, riyadh, 1800), CLOSED_MAX_AGE);
        assert_eq!(max_age(&key, now, chrono_tz::UTC, 1800), 1800);
        assert_eq!(max_age("rss.xml", now, riyadh, 1800), 1800);
    }
}
