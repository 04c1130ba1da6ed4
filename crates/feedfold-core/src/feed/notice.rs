//! The words of corrections, retractions and removals, in the article's language (Arabic or
//! English), and how they change a feed item: a correction is noted in its content and
//! summary; a retraction replaces its title, content and summary with the notice.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::item::Context;

use crate::article::{Correction, Meta, escape_html};

/// The words of one language.
pub struct Words {
    /// The label of a correction box.
    pub correction: &'static str,
    /// The prefix of a retracted item's title.
    pub retracted: &'static str,
    /// The title of an item taken down (its title goes too).
    pub removed_title: &'static str,
    /// The notice of a retraction; `{date}` is replaced.
    pub retracted_on: &'static str,
    /// The notice of a removed article.
    pub removed_notice: &'static str,
    /// The word before a reason.
    pub reason: &'static str,
    /// A preview's mark on a draft's title.
    pub draft: &'static str,
    /// A preview's mark on a scheduled article's title; `{date}` is replaced.
    pub scheduled: &'static str,
}

const ARABIC: Words = Words {
    correction: "تصحيح",
    retracted: "سحب: ",
    removed_title: "أُزيل",
    retracted_on: "سُحب هذا المقال في {date}.",
    removed_notice: "أُزيل هذا المقال ولم يعد متاحًا.",
    reason: "السبب:",
    draft: "مسودة",
    scheduled: "مجدول: {date}",
};

const ENGLISH: Words = Words {
    correction: "Correction",
    retracted: "Retracted: ",
    removed_title: "Removed",
    retracted_on: "This article was retracted on {date}.",
    removed_notice: "This article was removed and is no longer available.",
    reason: "Reason:",
    draft: "Draft",
    scheduled: "Scheduled: {date}",
};

/// The words for a BCP 47 language tag: Arabic for `ar` and its variants, else English.
pub fn words(lang: &str) -> &'static Words {
    if lang.split('-').next() == Some("ar") {
        &ARABIC
    } else {
        &ENGLISH
    }
}

/// A date as a notice shows it: the day in the site's time zone (`2030-01-05`).
pub fn day(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%Y-%m-%d").to_string()
}

/// A preview's title for a draft (`scheduled` is `None`) or a scheduled article: the
/// mark, in the article's language, before the title (`[Draft] …`, `[مجدول: 2030-01-05
/// 09:00] …`, the moment in the site's time zone).
pub fn preview_title(title: &str, lang: &str, scheduled: Option<DateTime<Utc>>, tz: Tz) -> String {
    let w = words(lang);
    let mark = match scheduled {
        Some(at) => {
            let when = at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string();
            w.scheduled.replace("{date}", &when)
        }
        None => w.draft.to_string(),
    };
    format!("[{mark}] {title}")
}

/// The dated text of each correction: an undated one is dated `fallback` (when the article
/// last changed).
pub fn corrections(meta: &Meta, fallback: DateTime<Utc>, tz: Tz) -> Vec<(String, &Correction)> {
    meta.corrections
        .iter()
        .map(|c| (day(c.date.unwrap_or(fallback), tz), c))
        .collect()
}

/// The correction box, as HTML (the page and the feed content share it).
pub fn corrections_html(meta: &Meta, fallback: DateTime<Utc>, tz: Tz) -> String {
    let w = words(&meta.lang);
    let notes: String = corrections(meta, fallback, tz)
        .iter()
        .map(|(day, c)| {
            format!(
                "<p><strong>{} ({day}):</strong> {}</p>",
                w.correction,
                escape_html(&c.text)
            )
        })
        .collect();
    if notes.is_empty() {
        return notes;
    }
    format!("<aside class=\"correction\" role=\"note\">{notes}</aside>\n")
}

/// The summary with the latest correction noted first, cut to `feed.summary_chars`.
pub fn corrected_summary(meta: &Meta, fallback: DateTime<Utc>, site: &Context) -> String {
    let w = words(&meta.lang);
    let noted = match corrections(meta, fallback, site.timezone).last() {
        Some((day, c)) if meta.summary.is_empty() => {
            format!("{} ({day}): {}", w.correction, c.text)
        }
        Some((day, c)) => format!("{} ({day}): {} — {}", w.correction, c.text, meta.summary),
        None => return meta.summary.clone(),
    };
    crate::article::text::truncate_words(&noted, site.summary_chars)
}

/// The notice of a retraction at `at` with `reason`, as plain text.
pub fn retraction_text(lang: &str, at: DateTime<Utc>, reason: &str, tz: Tz) -> String {
    let w = words(lang);
    let notice = w.retracted_on.replace("{date}", &day(at, tz));
    if reason.is_empty() {
        notice
    } else {
        format!("{notice} {} {reason}", w.reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_preview_marks_drafts_and_scheduled_titles_in_the_article_language() {
        let at = DateTime::from_timestamp(1_900_000_000, 0).unwrap();
        let riyadh: Tz = "Asia/Riyadh".parse().unwrap();
        assert_eq!(preview_title("T", "en", None, riyadh), "[Draft] T");
        assert_eq!(preview_title("ع", "ar", None, riyadh), "[مسودة] ع");
        assert_eq!(
            preview_title("T", "en", Some(at), riyadh),
            "[Scheduled: 2030-03-17 20:46] T"
        );
        assert!(preview_title("ع", "ar", Some(at), riyadh).starts_with("[مجدول: 2030-03-17"));
    }

    #[test]
    fn arabic_articles_get_arabic_notices_and_others_english() {
        assert_eq!(words("ar-EG").correction, "تصحيح");
        assert_eq!(words("en").correction, "Correction");
        let at = DateTime::from_timestamp(1_900_000_000, 0).unwrap();
        assert_eq!(
            retraction_text("en", at, "Sources withdrew.", chrono_tz::UTC),
            "This article was retracted on 2030-03-17. Reason: Sources withdrew."
        );
        let utc = retraction_text("ar", at, "", chrono_tz::UTC);
        assert!(utc.starts_with("سُحب هذا المقال في 2030-03-17"), "{utc}");
    }

    #[test]
    fn a_notice_shows_the_day_in_the_site_time_zone() {
        // 2026-11-24T22:30Z is already the 25th in Riyadh.
        let at = DateTime::parse_from_rfc3339("2026-11-24T22:30:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(day(at, chrono_tz::Asia::Riyadh), "2026-11-25");
        assert_eq!(day(at, chrono_tz::UTC), "2026-11-24");
    }
}
