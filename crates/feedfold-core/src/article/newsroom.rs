//! The newsroom's keys, read from front matter: when an article expires, the corrections it
//! carries on the record, and its retraction (`retracted`, `retracted_at`, `takedown`). An
//! invalid date among them rejects the article, failing closed like `date`: a typo must
//! never keep an expired story up, nor date a correction wrongly.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::Rejection;
use super::extract::read_date;
use super::frontmatter::{Corrections, DateValue, FrontMatter};
use super::text::{collapse_whitespace, truncate_words};

/// Most corrections an article keeps (the newest are kept).
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

/// Reads the newsroom keys of `fm`, dates read in `tz`; `date` is the article's own date,
/// before which nothing can end (an earlier `expires` or `retracted_at` is moved to it, and
/// reported).
pub fn read(
    fm: &FrontMatter,
    tz: Tz,
    date: Option<DateTime<Utc>>,
    warnings: &mut Vec<String>,
) -> Result<Newsroom, Rejection> {
    let dated = |value: Option<&DateValue>, place: &str| {
        read_date(value, tz).map_err(|error| Rejection::InvalidDate {
            place: format!("front matter `{place}`"),
            error,
        })
    };
    let not_before_date =
        |at: Option<DateTime<Utc>>, key: &str, warnings: &mut Vec<String>| match (at, date) {
            (Some(at), Some(date)) if at < date => {
                warnings.push(format!("{key} is before date; it takes effect at date"));
                Some(date)
            }
            _ => at,
        };
    let expires = not_before_date(dated(fm.expires.as_ref(), "expires")?, "expires", warnings);
    let corrections = corrections(fm, &dated, warnings)?;
    let reason = retraction_reason(fm, warnings)?;
    let at = dated(fm.retracted_at.as_ref(), "retracted_at")?;
    let at = not_before_date(at, "retracted_at", warnings);
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

type Dated<'a> = dyn Fn(Option<&DateValue>, &str) -> Result<Option<DateTime<Utc>>, Rejection> + 'a;

/// The corrections, oldest first (an undated one last: it is the latest change), the newest
/// [`MAX_CORRECTIONS`] kept.
fn corrections(
    fm: &FrontMatter,
    dated: &Dated,
    warnings: &mut Vec<String>,
) -> Result<Vec<Correction>, Rejection> {
    let mut out = Vec::new();
    let undated = fm.correction.iter().chain(match &fm.corrections {
        Some(Corrections::One(text)) => Some(text),
        _ => None,
    });
    for text in undated {
        let text = note(text, "correction", warnings);
        if !text.is_empty() {
            out.push(Correction { date: None, text });
        }
    }
    if let Some(Corrections::Many(list)) = &fm.corrections {
        for (i, given) in list.iter().enumerate() {
            let date = dated(given.date.as_ref(), &format!("corrections[{i}].date"))?;
            let text = note(&given.text, "corrections", warnings);
            if !text.is_empty() {
                out.push(Correction { date, text });
            }
        }
    }
    out.sort_by_key(|c| (c.date.is_none(), c.date));
    if out.len() > MAX_CORRECTIONS {
        warnings.push(format!(
            "{} corrections; the newest {MAX_CORRECTIONS} are kept",
            out.len()
        ));
        out.drain(..out.len() - MAX_CORRECTIONS);
    }
    Ok(out)
}

/// The reason of a retraction (`retracted: "reason"` or `retracted: true`), `None` when the
/// story is not retracted; a value of another kind rejects the article, naming the key.
fn retraction_reason(
    fm: &FrontMatter,
    warnings: &mut Vec<String>,
) -> Result<Option<String>, Rejection> {
    use serde_json::Value;
    let given = match &fm.retracted {
        None | Some(Value::Null) | Some(Value::Bool(false)) => None,
        Some(Value::Bool(true)) => Some(String::new()),
        Some(Value::String(text)) => {
            let flag = text.trim().to_ascii_lowercase();
            if matches!(flag.as_str(), "false" | "no" | "off") {
                warnings.push(format!("retracted: \"{text}\" is read as not retracted"));
                None
            } else if matches!(flag.as_str(), "true" | "yes" | "on") {
                Some(String::new())
            } else {
                Some(note(text, "retracted", warnings))
            }
        }
        Some(other) => {
            return Err(Rejection::FrontMatter(format!(
                "`retracted` must be the reason (text) or true, not `{other}`"
            )));
        }
    };
    Ok(given.or_else(|| fm.takedown.then(String::new)))
}

/// A note as published: whitespace collapsed, control characters removed (reported),
/// and cut at a word boundary.
fn note(text: &str, key: &str, warnings: &mut Vec<String>) -> String {
    let collapsed = collapse_whitespace(text);
    let clean: String = collapsed
        .chars()
        .filter(|c| super::decode::is_xml_char(*c) && !c.is_control())
        .collect();
    if clean.len() != collapsed.len() {
        warnings.push(format!("control characters in `{key}` removed"));
    }
    truncate_words(&clean, MAX_NOTE_CHARS)
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
    fn an_end_before_the_articles_date_takes_effect_at_its_date_and_is_reported() {
        let text = "---\ndate: 2030-01-10\nexpires: 2030-01-01\nretracted: x\n\
                    retracted_at: 2029-12-01\n---\nT\n";
        let doc = Document::parse(text.as_bytes(), Kind::Text).unwrap();
        let (m, warnings) = extract(&doc, &test_defaults()).unwrap();
        assert_eq!(m.expires, m.date);
        assert_eq!(m.retraction.unwrap().at, m.date);
        assert_eq!(
            warnings
                .iter()
                .filter(|w| w.contains("before date"))
                .count(),
            2
        );
    }

    #[test]
    fn a_retraction_of_the_wrong_kind_is_named_and_false_words_do_not_retract() {
        let err = meta("---\nretracted: 12\n---\nT\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("`retracted` must be the reason"), "{err}");
        for no in ["\"false\"", "\"no\""] {
            let m = meta(&format!("---\nretracted: {no}\n---\nT\n")).unwrap();
            assert_eq!(m.retraction, None, "{no}");
        }
        let one = meta("---\ncorrections: \"Fixed a name.\"\n---\nT\n").unwrap();
        assert_eq!(one.corrections[0].text, "Fixed a name.");
    }

    #[test]
    fn the_newest_corrections_are_kept_and_control_characters_are_removed() {
        let list: String = (0..60)
            .map(|i| format!("  - {{date: \"2030-01-01T00:{i:02}:00Z\", text: \"c{i}\\u007f\"}}\n"))
            .collect();
        let m = meta(&format!("---\ncorrections:\n{list}---\nT\n")).unwrap();
        assert_eq!(m.corrections.len(), MAX_CORRECTIONS);
        assert_eq!(m.corrections.last().unwrap().text, "c59");
        assert_eq!(m.corrections[0].text, "c10");
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
