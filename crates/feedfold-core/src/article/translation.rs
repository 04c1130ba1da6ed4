//! Front-matter `translation_key`: articles that share one are the same story in other
//! languages (feeds, pages and the sitemap link them: see [`crate::feed::translations`]).
//! A key is plain text, trimmed, its whitespace collapsed, at most [`MAX_KEY_CHARS`]
//! characters; anything else is reported with its line and ignored, so that the article
//! is still published, linked to nothing.

use serde_json::Value;

use super::frontmatter::FrontMatter;
use super::text::collapse_whitespace;

/// Longest translation key, in characters.
pub const MAX_KEY_CHARS: usize = 200;

/// The article's translation key, if it gives a valid one; a warning naming the line
/// otherwise.
pub(super) fn key(fm: &FrontMatter, warnings: &mut Vec<String>) -> Option<String> {
    let value = fm.translation_key.as_ref()?;
    let text = match value {
        Value::Null => return None,
        Value::String(text) => text.clone(),
        // A number is a key as written (`translation_key: 2041`).
        Value::Number(n) => n.to_string(),
        Value::Bool(_) => return invalid(fm, "is true or false, not text", warnings),
        Value::Array(_) => return invalid(fm, "is a list, not text", warnings),
        Value::Object(_) => return invalid(fm, "is a table, not text", warnings),
    };
    if !text.chars().all(super::decode::is_xml_char) || text.chars().any(char::is_control) {
        return invalid(fm, "holds control characters", warnings);
    }
    let key = collapse_whitespace(&text);
    let chars = key.chars().count();
    if key.is_empty() {
        return invalid(fm, "is empty", warnings);
    }
    if chars > MAX_KEY_CHARS {
        let why = format!("is {chars} characters long, over {MAX_KEY_CHARS}");
        return invalid(fm, &why, warnings);
    }
    Some(key)
}

fn invalid(fm: &FrontMatter, why: &str, warnings: &mut Vec<String>) -> Option<String> {
    let place = fm
        .translation_key_line
        .map(|line| format!(" (line {line})"))
        .unwrap_or_default();
    warnings.push(format!(
        "translation_key{place} {why}; ignored: the article links no translation"
    ));
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::frontmatter::split;

    fn read(front: &str) -> (Option<String>, Vec<String>) {
        let (fm, _) = split(front).unwrap();
        let mut warnings = Vec::new();
        (key(&fm, &mut warnings), warnings)
    }

    #[test]
    fn a_key_is_trimmed_text_and_a_number_is_a_key_as_written() {
        assert_eq!(
            read("---\ntitle: T\ntranslation_key: \"  budget   2026 \"\n---\n").0,
            Some("budget 2026".into())
        );
        assert_eq!(
            read("+++\ntranslation_key = 2041\n+++\n").0,
            Some("2041".into())
        );
        assert_eq!(read("---\ntitle: T\n---\n"), (None, Vec::new()));
    }

    #[test]
    fn an_invalid_key_is_reported_with_its_line_and_ignored() {
        let (found, warnings) = read("---\ntitle: T\ntags: [a]\ntranslation_key: [a, b]\n---\n");
        assert_eq!(found, None);
        assert_eq!(
            warnings,
            [
                "translation_key (line 4) is a list, not text; ignored: the article links no translation"
            ]
        );
        let long = "k".repeat(MAX_KEY_CHARS + 1);
        let (found, warnings) = read(&format!(
            "+++\ntitle = \"T\"\ntranslation_key = \"{long}\"\n+++\n"
        ));
        assert_eq!(found, None);
        assert!(
            warnings[0].starts_with("translation_key (line 3) is 201 characters"),
            "{warnings:?}"
        );
        let (found, warnings) = read("---\ntranslation_key: \"   \"\n---\n");
        assert_eq!(found, None);
        assert!(warnings[0].contains("(line 2) is empty"), "{warnings:?}");
        let (found, warnings) = read("---\ntranslation_key: \"a\\u0007b\"\n---\n");
        assert_eq!(found, None);
        assert!(warnings[0].contains("control characters"), "{warnings:?}");
    }
}
