//! Dates written by people: RFC 3339, `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]`.
//! A date without an offset is a wall-clock time in the site's time zone, not UTC.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// Reads `text` as a date; local times are placed in `tz`.
pub fn parse_date(text: &str, tz: Tz) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Ok(dt.with_timezone(&Utc));
    }
    if let Ok(dt) = DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%:z") {
        return Ok(dt.with_timezone(&Utc));
    }
    let naive = parse_naive(text).ok_or_else(|| {
        format!("invalid date `{text}`: use RFC 3339, YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS]")
    })?;
    tz.from_local_datetime(&naive)
        .earliest()
        .map(|dt| dt.with_timezone(&Utc))
        .ok_or_else(|| format!("date `{text}` does not exist in time zone {tz}"))
}

/// The date a file name starts with (`2026-11-28-summit.txt`), at midnight in `tz`: how
/// files without metadata can carry their publication date.
pub fn from_file_name(name: &str, tz: Tz) -> Option<DateTime<Utc>> {
    let prefix = name.get(..10)?;
    if !name[10..].starts_with(['-', '_', ' ', '.']) {
        return None;
    }
    parse_date(prefix, tz).ok()
}

fn parse_naive(text: &str) -> Option<NaiveDateTime> {
    const FORMATS: [&str; 4] = [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
    ];
    FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .map(|d| d.and_time(NaiveTime::MIN))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_may_start_with_its_date() {
        let expected = parse_date("2026-11-28", riyadh()).unwrap();
        assert_eq!(
            from_file_name("2026-11-28-قمة.txt", riyadh()),
            Some(expected)
        );
        assert_eq!(from_file_name("2026-11-28.md", riyadh()), Some(expected));
        assert_eq!(from_file_name("2026-11-28x.txt", riyadh()), None);
        assert_eq!(from_file_name("قمة-المناخ.txt", riyadh()), None);
        assert_eq!(from_file_name("2026-13-40-a.txt", riyadh()), None);
    }

    fn riyadh() -> Tz {
        "Asia/Riyadh".parse().unwrap()
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
    fn nonsense_is_an_error_quoting_the_value() {
        let err = parse_date("next tuesday", riyadh()).unwrap_err();
        assert!(err.contains("next tuesday"));
    }
}
