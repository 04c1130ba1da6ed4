//! Dates written by people: RFC 3339, `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]`.
//! A date without an offset is a wall-clock time in the site's time zone, not UTC.
//!
//! The one rule on which dates are valid lives here: a date is valid only if every output
//! format can write it. RSS writes RFC 2822 and Atom, JSON Feed and the article pages write
//! RFC 3339, all in UTC (no output uses the site time zone), and both need a four-digit
//! year: so a valid date lies in years 1 to 9999 once converted to UTC. Dates are kept to the
//! microsecond, the precision the index stores.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use thiserror::Error;

/// What a person may write, said in every message about a date.
const WRITTEN_AS: &str =
    "RFC 3339 (2026-11-28T09:30:00+03:00), YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS]";

/// The earliest valid date: 0001-01-01T00:00:00Z.
pub const EARLIEST: DateTime<Utc> = match DateTime::from_timestamp_micros(-62_135_596_800_000_000) {
    Some(date) => date,
    None => DateTime::<Utc>::MIN_UTC,
};

/// The latest valid date: 9999-12-31T23:59:59.999999Z.
pub const LATEST: DateTime<Utc> = match DateTime::from_timestamp_micros(253_402_300_799_999_999) {
    Some(date) => date,
    None => DateTime::<Utc>::MAX_UTC,
};

/// Why a written date is not a valid one.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum DateError {
    /// Not in any of the accepted forms (the text as written).
    #[error("`{0}` is not a date: use {WRITTEN_AS}, in years 1 to 9999")]
    Unparseable(String),
    /// A local time that the clocks skip in that time zone (a daylight-saving gap).
    #[error("`{text}` does not exist in time zone {zone} (the clocks skip it)")]
    NoSuchLocalTime {
        /// The date as written.
        text: String,
        /// The IANA time zone it was read in.
        zone: String,
    },
    /// A year outside 1 to 9999, before or after conversion to UTC (the text as written).
    #[error(
        "`{0}` is outside years 1 to 9999 in UTC, which RSS and Atom cannot write; use {WRITTEN_AS}"
    )]
    OutOfRange(String),
}

/// Whether every output format can write `date`.
pub fn is_valid(date: DateTime<Utc>) -> bool {
    (EARLIEST..=LATEST).contains(&date)
}

/// `date` moved into the valid range: for dates that come from the clock, a file time or an
/// old index rather than from a person, and as the renderers' last line of defence.
pub fn clamp(date: DateTime<Utc>) -> DateTime<Utc> {
    date.clamp(EARLIEST, LATEST)
}

/// The date a count of microseconds since the epoch stands for, clamped into the valid range.
pub fn from_micros(micros: i64) -> DateTime<Utc> {
    let fallback = if micros < 0 { EARLIEST } else { LATEST };
    DateTime::from_timestamp_micros(micros).map_or(fallback, clamp)
}

/// RFC 2822 (RSS), whole seconds; never panics, whatever the date.
pub fn rfc2822(date: DateTime<Utc>) -> String {
    clamp(date).to_rfc2822()
}

/// RFC 3339 (Atom, JSON Feed), with fractional seconds only when they are not zero;
/// never panics, whatever the date.
pub fn rfc3339(date: DateTime<Utc>) -> String {
    clamp(date).to_rfc3339()
}

/// Reads `text` as a valid date; local times are placed in `tz`.
pub fn parse_date(text: &str, tz: Tz) -> Result<DateTime<Utc>, DateError> {
    let text = text.trim();
    let date = parse_any(text, tz)?;
    // Through microseconds: the index's precision, and no leap-second representation.
    let date = DateTime::from_timestamp_micros(date.timestamp_micros())
        .filter(|d| is_valid(*d))
        .ok_or_else(|| DateError::OutOfRange(text.to_string()))?;
    Ok(date)
}

/// The date a file name starts with (`2026-11-28-summit.txt`), at midnight in `tz`: how
/// files without metadata can carry their publication date. `Ok(None)` when the name does
/// not start like a date (`DDDD-DD-DD` then `-`, `_`, space or `.`); an error when it does
/// but the date is not a valid one (`2026-13-40-x.txt`, `0000-01-01-x.txt`).
pub fn from_file_name(name: &str, tz: Tz) -> Result<Option<DateTime<Utc>>, DateError> {
    let bytes = name.as_bytes();
    let shaped = bytes.len() > 10
        && bytes[..10].iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        })
        && matches!(bytes[10], b'-' | b'_' | b' ' | b'.');
    if !shaped {
        return Ok(None);
    }
    parse_date(&name[..10], tz).map(Some)
}

fn parse_any(text: &str, tz: Tz) -> Result<DateTime<Utc>, DateError> {
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Ok(dt.with_timezone(&Utc));
    }
    if let Ok(dt) = DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f%:z") {
        return Ok(dt.with_timezone(&Utc));
    }
    let (naive, bare) =
        parse_naive(text).ok_or_else(|| DateError::Unparseable(text.to_string()))?;
    if !(1..=9999).contains(&chrono::Datelike::year(&naive)) {
        return Err(DateError::OutOfRange(text.to_string()));
    }
    // A time the clocks pass twice (a daylight-saving fold) is the later instant: for an
    // embargo, the later of two readings never releases a story early.
    let local = |at: NaiveDateTime| tz.from_local_datetime(&at).latest();
    // A day whose midnight the clocks skip (Asia/Tehran until 2022) starts after the gap; a
    // time of day inside a gap says nothing certain, so it stays an error.
    let after_gap = || {
        (1..=12)
            .find_map(|quarter| local(naive.checked_add_signed(TimeDelta::minutes(15 * quarter))?))
    };
    local(naive)
        .or_else(|| if bare { after_gap() } else { None })
        .map(|dt| dt.with_timezone(&Utc))
        .ok_or_else(|| DateError::NoSuchLocalTime {
            text: text.to_string(),
            zone: tz.to_string(),
        })
}

/// A local date and time, and whether it was a bare date (midnight).
fn parse_naive(text: &str) -> Option<(NaiveDateTime, bool)> {
    const FORMATS: [&str; 4] = [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
    ];
    FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        .map(|at| (at, false))
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .map(|d| (d.and_time(NaiveTime::MIN), true))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn riyadh() -> Tz {
        "Asia/Riyadh".parse().unwrap()
    }

    #[test]
    fn a_file_name_may_start_with_its_date() {
        let expected = parse_date("2026-11-28", riyadh()).unwrap();
        let named = |name| from_file_name(name, riyadh()).unwrap();
        assert_eq!(named("2026-11-28-قمة.txt"), Some(expected));
        assert_eq!(named("2026-11-28.md"), Some(expected));
        assert_eq!(named("2026-11-28_a.md"), Some(expected));
        assert_eq!(named("2026-11-28x.txt"), None);
        assert_eq!(named("قمة-المناخ.txt"), None);
        assert_eq!(named("2026-11-2-a.txt"), None);
        assert_eq!(named("abcd-ef-gh.txt"), None);
    }

    #[test]
    fn a_file_name_shaped_like_an_impossible_date_is_an_error_not_undated() {
        for name in ["2026-13-40-a.txt", "0000-01-01-zero.txt", "2026-02-30.md"] {
            assert!(from_file_name(name, riyadh()).is_err(), "{name}");
        }
    }

    #[test]
    fn rfc3339_keeps_its_own_offset() {
        let d = parse_date("2024-03-01T10:00:00+01:00", riyadh()).unwrap();
        assert_eq!(d.to_rfc3339(), "2024-03-01T09:00:00+00:00");
    }

    #[test]
    fn a_bare_date_is_midnight_in_the_site_zone() {
        let d = parse_date("2024-03-01", riyadh()).unwrap();
        assert_eq!(d.to_rfc3339(), "2024-02-29T21:00:00+00:00");
    }

    #[test]
    fn a_local_time_without_seconds_is_read_in_the_site_zone() {
        let d = parse_date("2024-03-01 08:30", riyadh()).unwrap();
        assert_eq!(d.to_rfc3339(), "2024-03-01T05:30:00+00:00");
    }

    #[test]
    fn fractional_seconds_are_kept_to_the_microsecond() {
        let d = parse_date("2024-03-01T10:00:00.123456789Z", riyadh()).unwrap();
        assert_eq!(rfc3339(d), "2024-03-01T10:00:00.123456+00:00");
        let d = parse_date("2024-03-01 10:00:00.5", chrono_tz::UTC).unwrap();
        assert_eq!(rfc3339(d), "2024-03-01T10:00:00.500+00:00");
    }

    #[test]
    fn a_day_whose_midnight_the_clocks_skip_starts_after_the_gap() {
        let tehran: Tz = "Asia/Tehran".parse().unwrap();
        let d = parse_date("2021-03-22", tehran).unwrap();
        assert_eq!(rfc3339(d), "2021-03-21T20:30:00+00:00");
        let err = parse_date("2021-03-22 00:30", tehran).unwrap_err();
        assert!(matches!(err, DateError::NoSuchLocalTime { .. }), "{err}");
    }

    #[test]
    fn a_time_the_clocks_pass_twice_is_the_later_instant_and_one_they_skip_is_invalid() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        // 02:30 happens twice on 2026-10-25: at 00:30Z (CEST) and at 01:30Z (CET). An
        // embargo read as the earlier one would release the story an hour early.
        let fold = parse_date("2026-10-25 02:30", berlin).unwrap();
        assert_eq!(fold.to_rfc3339(), "2026-10-25T01:30:00+00:00");
        let gap = parse_date("2026-03-29 02:30", berlin).unwrap_err();
        assert!(matches!(gap, DateError::NoSuchLocalTime { .. }), "{gap}");
    }

    #[test]
    fn nonsense_is_an_error_quoting_the_value_and_the_formats() {
        let err = parse_date("next tuesday", riyadh())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("next tuesday") && err.contains("RFC 3339"),
            "{err}"
        );
    }

    #[test]
    fn a_year_that_rss_or_atom_cannot_write_is_out_of_range() {
        for text in [
            "0000-01-01",
            "0001-01-01",
            "0000-06-01T00:00:00Z",
            "+10000-01-01",
        ] {
            let err = parse_date(text, riyadh()).unwrap_err();
            assert_eq!(err, DateError::OutOfRange(text.into()), "{text}");
        }
        // chrono reads five-digit years only with a sign; without one it is no date at all.
        assert!(matches!(
            parse_date("10000-01-01", riyadh()),
            Err(DateError::Unparseable(_))
        ));
        assert!(parse_date("0001-01-01", chrono_tz::UTC).is_ok());
        assert!(parse_date("9999-12-31T23:59:59.999999Z", riyadh()).is_ok());
        assert!(parse_date("9999-12-31T23:59:59-01:00", riyadh()).is_err());
    }

    #[test]
    fn clamped_dates_always_format() {
        for date in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
            assert!(is_valid(clamp(date)));
            assert!(!rfc2822(date).is_empty() && !rfc3339(date).is_empty());
        }
        assert_eq!(rfc3339(EARLIEST), "0001-01-01T00:00:00+00:00");
        assert_eq!(rfc3339(LATEST), "9999-12-31T23:59:59.999999+00:00");
        assert_eq!(from_micros(i64::MIN), EARLIEST);
        assert_eq!(from_micros(i64::MAX), LATEST);
        assert_eq!(
            from_micros(1_500),
            DateTime::from_timestamp_micros(1_500).unwrap()
        );
    }
}
