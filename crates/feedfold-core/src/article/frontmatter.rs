//! Markdown front matter: a YAML block between `---` lines or a TOML block between `+++`.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::IgnoredAny;

/// The keys an article may set; all optional.
#[derive(Debug, Default, Deserialize, PartialEq)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub date: Option<DateValue>,
    pub updated: Option<DateValue>,
    pub author: Option<String>,
    pub authors: Option<OneOrMany>,
    pub tags: Option<OneOrMany>,
    pub categories: Option<OneOrMany>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub lang: Option<String>,
    pub slug: Option<String>,
    pub id: Option<String>,
    #[serde(default)]
    pub draft: bool,
    pub image: Option<String>,
    /// The lead image's text alternative (plain text).
    pub image_alt: Option<String>,
    /// The lead image's caption (plain text).
    pub image_caption: Option<String>,
    /// Who made the lead image (plain text).
    pub image_credit: Option<String>,
    pub link: Option<String>,
    /// When the article leaves every feed and listing by itself.
    pub expires: Option<DateValue>,
    /// One correction, dated when the article last changed.
    pub correction: Option<String>,
    /// Several corrections, each with its date (or one, as text).
    pub corrections: Option<Corrections>,
    /// A retraction: its reason (or `true`); any value, checked by the newsroom rules so
    /// that a wrong one is named clearly.
    pub retracted: Option<serde_json::Value>,
    /// When the retraction took effect (default: when the index first saw it).
    pub retracted_at: Option<DateValue>,
    /// A legal removal: the title goes too.
    #[serde(default)]
    pub takedown: bool,
    /// The story this article is a version of, in another language: any value, checked by
    /// [`super::translation::key`] so that a wrong one is named with its line.
    pub translation_key: Option<serde_json::Value>,
    /// The line of the file (from 1) `translation_key` is on, when it is given.
    #[serde(skip)]
    pub translation_key_line: Option<u64>,
    /// Keys this version does not know; reported, not fatal (other tools' keys are common).
    #[serde(flatten)]
    pub unknown: BTreeMap<String, IgnoredAny>,
}

/// A date as YAML (a string) or TOML (a string or a native datetime) gives it.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum DateValue {
    Text(String),
    Toml(toml::value::Datetime),
}

impl DateValue {
    /// The date as text, for [`super::date::parse_date`].
    pub fn as_text(&self) -> String {
        match self {
            DateValue::Text(s) => s.clone(),
            DateValue::Toml(d) => d.to_string(),
        }
    }
}

/// A dated correction, as front matter lists it.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct CorrectionValue {
    pub date: Option<DateValue>,
    pub text: String,
}

/// `corrections`: a list of dated ones, or a single text.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Corrections {
    Many(Vec<CorrectionValue>),
    One(String),
}

/// A list that may be written as a single string.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

/// Splits a Markdown document into its front matter (parsed) and its body.
///
/// A document without a front-matter fence has empty front matter. A parse error says
/// where, as a line of the whole file (the opening fence is line 1).
pub fn split(text: &str) -> Result<(FrontMatter, &str), String> {
    let Some((fence, rest)) = ["---", "+++"]
        .iter()
        .find_map(|f| strip_fence_line(text, f).map(|rest| (*f, rest)))
    else {
        return Ok((FrontMatter::default(), text));
    };
    let (block, body) = find_closing(rest, fence)
        .ok_or_else(|| format!("front matter opened with `{fence}` is never closed"))?;
    // The lines before the block: the opening fence's.
    const FENCE_LINES: u64 = 1;
    let front = if fence == "---" {
        serde_saphyr::from_str::<Option<FrontMatter>>(block)
            .map(Option::unwrap_or_default)
            .map_err(|e| {
                let options = serde_saphyr::render_options! {
                    snippets: serde_saphyr::SnippetMode::Off,
                    line_offset: FENCE_LINES,
                };
                format!(
                    "YAML front matter: {}",
                    first_line(&e.render_with_options(options))
                )
            })?
    } else {
        toml::from_str(block).map_err(|e| {
            let message = first_line(e.message().trim());
            match e.span() {
                Some(span) => {
                    let before = &block[..span.start.min(block.len())];
                    let line = before.matches('\n').count() as u64 + 1 + FENCE_LINES;
                    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                    format!("TOML front matter: {message} at line {line}, column {column}")
                }
                None => format!("TOML front matter: {message}"),
            }
        })?
    };
    let mut front = front;
    if front.translation_key.is_some() {
        front.translation_key_line = key_line(block, "translation_key").map(|l| l + FENCE_LINES);
    }
    Ok((front, body))
}

/// The line of `block` (from 1) on which the top-level `key` is set, in YAML (`key:`) or
/// TOML (`key =`), its name bare or quoted.
fn key_line(block: &str, key: &str) -> Option<u64> {
    let quoted = [key.to_string(), format!("\"{key}\""), format!("'{key}'")];
    block
        .lines()
        .position(|line| {
            quoted.iter().any(|name| {
                line.strip_prefix(name.as_str())
                    .is_some_and(|rest| matches!(rest.trim_start().chars().next(), Some(':' | '=')))
            })
        })
        .map(|i| i as u64 + 1)
}

fn strip_fence_line<'a>(text: &'a str, fence: &str) -> Option<&'a str> {
    let rest = text.strip_prefix(fence)?;
    let (line, after) = rest.split_once('\n').unwrap_or((rest, ""));
    line.trim().is_empty().then_some(after)
}

/// Finds the closing fence line; returns (block, body after the fence line).
fn find_closing<'a>(text: &'a str, fence: &str) -> Option<(&'a str, &'a str)> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_end() == fence {
            return Some((&text[..offset], &text[offset + line.len()..]));
        }
        offset += line.len();
    }
    None
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or_default().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_front_matter_is_read_and_the_body_follows() {
        let (fm, body) =
            split("---\ntitle: عنوان\ntags: [a, b]\ndraft: true\n---\nBody\n").unwrap();
        assert_eq!(fm.title.as_deref(), Some("عنوان"));
        assert_eq!(fm.tags.unwrap().into_vec(), ["a", "b"]);
        assert!(fm.draft);
        assert_eq!(body, "Body\n");
    }

    #[test]
    fn toml_front_matter_accepts_native_dates() {
        let (fm, _) = split("+++\ntitle = \"T\"\ndate = 2024-01-02T03:04:05Z\n+++\n").unwrap();
        assert_eq!(fm.date.unwrap().as_text(), "2024-01-02T03:04:05Z");
    }

    #[test]
    fn a_single_tag_string_is_a_list_of_one() {
        let (fm, _) = split("---\ntags: economy\n---\n").unwrap();
        assert_eq!(fm.tags.unwrap().into_vec(), ["economy"]);
    }

    #[test]
    fn unknown_keys_are_collected_not_fatal() {
        let (fm, _) = split("---\nweight: 3\n---\n").unwrap();
        assert!(fm.unknown.contains_key("weight"));
    }

    #[test]
    fn an_unclosed_fence_is_an_error() {
        assert!(
            split("---\ntitle: x\nbody")
                .unwrap_err()
                .contains("never closed")
        );
    }

    #[test]
    fn broken_yaml_is_an_error() {
        assert!(
            split("---\ntitle: [unclosed\n---\n")
                .unwrap_err()
                .starts_with("YAML")
        );
    }

    #[test]
    fn a_yaml_error_names_its_line_in_the_file() {
        let err = split("---\ntitle: T\ntags: [a, b\n---\nBody\n").unwrap_err();
        assert!(err.starts_with("YAML front matter: "), "{err}");
        assert!(err.contains("at line 3, column 7"), "{err}");
        let err = split("---\ntitle: T\ndraft: maybe\n---\n").unwrap_err();
        assert!(err.contains("at line 3, column"), "{err}");
    }

    #[test]
    fn a_toml_error_names_its_line_in_the_file() {
        let err = split("+++\ntitle = \"T\"\ndraft = maybe\n+++\n").unwrap_err();
        assert!(err.starts_with("TOML front matter: "), "{err}");
        assert!(err.ends_with("at line 3, column 9"), "{err}");
        let err = split("+++\ntitle = \"T\"\n\ndraft = \"no\"\n+++\n").unwrap_err();
        assert!(err.contains("at line 4, column"), "{err}");
    }

    #[test]
    fn text_without_fence_has_no_front_matter() {
        let (fm, body) = split("# Title\n").unwrap();
        assert_eq!(fm, FrontMatter::default());
        assert_eq!(body, "# Title\n");
    }
}
