//! The newsroom's keys, read from front matter: when an article expires, the corrections it
//! carries on the record, and its retraction (`retracted`, `retracted_at`, `takedown`). An
//! invalid date among them rejects the article, failing closed like `date`: a typo must
//! never keep an expired story up, nor date a correction wrongly.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::Rejection;
use super::extract::read_date;
use super::frontmatter::{DateValue, Flagged, FrontMatter};
use super::text::{collapse_whitespace, truncate_words};

/// Most corrections an article keeps (the oldest are kept).
pub const MAX_CORRECTIONS: usize = 50;
/// Most characters of a correction's text or a retraction's reason.
pub const MAX_NOTE_CHARS: usize = 2_000;

/// A correction on the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    /// When it was made; `None` for a single `correction:`, which is dated when the
    /// article last changed.
    pub date: Option<DateTime<Utc>>,
    /// What was corrected, as plain text.
    pub text: String,
}

/// A story taken down on the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retraction {
    /// Why, as plain text; may be empty.
    pub reason: String,
    /// `retracted_at`; `None`: when the index first saw the retraction.
    pub at: Option<DateTime<Utc>>,
    /// A legal removal: the title is replaced too.
    pub takedown: bool,
}

/// The newsroom keys of one article.
#[derive(Debug, Default)]
pub struct Newsroom {
    /// When the article leaves every feed and listing.
    pub expires: Option<DateTime<Utc>>,
    /// Corrections, oldest first.
    pub corrections: Vec<Correction>,
    /// The retraction, if any.
    pub retraction: Option<Retraction>,
}

/// Reads the newsroom keys of `fm`, dates read in `tz`.
pub fn read(fm: &FrontMatter, tz: Tz, warnings: &mut Vec<String>) -> Result<Newsroom, Rejection> {
    let dated = |value: Option<&DateValue>, place: &str| {
        read_date(value, tz).map_err(|error| Rejection::InvalidDate {
            place: format!("front matter `{place}`"),
            error,
        })
    };
    let expires = dated(fm.expires.as_ref(), "expires")?;
    let mut corrections = Vec::new();
    if let Some(text) = fm.correction.as_deref().map(note).filter(|t| !t.is_empty()) {
        corrections.push(Correction { date: None, text });
    }
    for (i, given) in fm.corrections.iter().flatten().enumerate() {
        let date = dated(given.date.as_ref(), &format!("corrections[{i}].date"))?;
        let text = note(&given.text);
        if !text.is_empty() {
            corrections.push(Correction { date, text });
        }
    }
    if corrections.len() > MAX_CORRECTIONS {
        warnings.push(format!(
            "{} corrections; the first {MAX_CORRECTIONS} are kept",
            corrections.len()
        ));
        corrections.truncate(MAX_CORRECTIONS);
    }
    // Oldest first; undated (a single `correction:`) last: it is the latest change.
    corrections.sort_by_key(|c| (c.date.is_none(), c.date));
    let reason = match &fm.retracted {
        Some(Flagged::Text(reason)) => Some(note(reason)),
        Some(Flagged::Flag(true)) => Some(String::new()),
        Some(Flagged::Flag(false)) | None => fm.takedown.then(String::new),
    };
    let at = dated(fm.retracted_at.as_ref(), "retracted_at")?;
    if reason.is_none() && at.is_some() {
        warnings.push("retracted_at without `retracted` ignored".into());
    }
    let retraction = reason.map(|reason| Retraction {
        reason,
        at,
        takedown: fm.takedown,
    });
    Ok(Newsroom {
        expires,
        corrections,
        retraction,
    })
}

/// A note as published: whitespace collapsed, characters no feed can carry removed, and
/// cut at a word boundary.
fn note(text: &str) -> String {
    let clean: String = text
        .chars()
        .filter(|c| super::decode::is_xml_char(*c))
        .collect();
    truncate_words(&collapse_whitespace(&clean), MAX_NOTE_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::extract::test_defaults;
    use crate::article::{Document, Kind, extract};

    fn meta(text: &str) -> Result<crate::article::Meta, Rejection> {
        let doc = Document::parse(text.as_bytes(), Kind::Text)?;
        extract(&doc, &test_defaults()).map(|(meta, _)| meta)
    }

    #[test]
    fn a_plain_text_article_may_carry_front_matter_and_keeps_its_newsroom_format() {
        let m =
            meta("---\ndate: 2030-01-02T08:00:00Z\nexpires: 2030-02-01\n---\nالعنوان\nالمقدمة.\n")
                .unwrap();
        assert_eq!(m.title, "العنوان");
        assert_eq!(m.summary, "المقدمة.");
        assert_eq!(m.date.unwrap().to_rfc3339(), "2030-01-02T08:00:00+00:00");
        assert_eq!(m.expires.unwrap().to_rfc3339(), "2030-02-01T00:00:00+00:00");
        let plain = meta("Title line\nLede line.\n").unwrap();
        assert_eq!((plain.title.as_str(), plain.expires), ("Title line", None));
    }

    #[test]
    fn corrections_are_kept_oldest_first_with_the_undated_one_last() {
        let m = meta(
            "+++\ncorrection = \"Fixed the mayor's name.\"\n[[corrections]]\ndate = \
             2030-01-05T00:00:00Z\ntext = \"Second.\"\n[[corrections]]\ndate = \
             2030-01-03T00:00:00Z\ntext = \"First.\"\n+++\nT\nL.\n",
        )
        .unwrap();
        let texts: Vec<_> = m.corrections.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["First.", "Second.", "Fixed the mayor's name."]);
    }

    #[test]
    fn a_retraction_is_a_reason_or_a_flag_and_a_takedown_is_one_too() {
        let reason = meta("---\nretracted: \"Sources withdrew.\"\n---\nT\n").unwrap();
        assert_eq!(reason.retraction.unwrap().reason, "Sources withdrew.");
        let flag = meta("---\nretracted: true\n---\nT\n").unwrap();
        assert_eq!(flag.retraction.unwrap().reason, "");
        let takedown = meta("---\ntakedown: true\n---\nT\n").unwrap();
        assert!(takedown.retraction.unwrap().takedown);
        assert_eq!(
            meta("---\nretracted: false\n---\nT\n").unwrap().retraction,
            None
        );
    }

    #[test]
    fn an_invalid_expiry_or_correction_date_rejects_the_article_naming_the_key() {
        for (text, key) in [
            ("---\nexpires: 2030-02-30\n---\nT\n", "`expires`"),
            (
                "---\ncorrections:\n  - {date: soon, text: x}\n---\nT\n",
                "`corrections[0].date`",
            ),
            (
                "---\nretracted: x\nretracted_at: nope\n---\nT\n",
                "`retracted_at`",
            ),
        ] {
            let err = meta(text).unwrap_err().to_string();
            assert!(err.contains(key), "{err}");
        }
    }
}
