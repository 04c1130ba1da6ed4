//! Caps on what one article may claim, so that one file cannot blow up every feed it is
//! in: the title's length, how many tags, categories and authors it names (each tag is a
//! feed of its own), each name's length, and which URLs it may give. Each cap is reported.

use std::collections::HashSet;

use url::Url;

use super::html::MAX_URL_BYTES;
use super::text::{collapse_whitespace, truncate_words};

/// Longest title, in characters; longer ones are cut at a word boundary with "…".
pub const MAX_TITLE_CHARS: usize = 300;
/// Longest tag, category or author name, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// The title, cut to [`MAX_TITLE_CHARS`] with a warning when longer.
pub fn title(title: String, warnings: &mut Vec<String>) -> String {
    let chars = title.chars().count();
    if chars <= MAX_TITLE_CHARS {
        return title;
    }
    warnings.push(format!(
        "title of {chars} characters cut to {MAX_TITLE_CHARS}"
    ));
    truncate_words(&title, MAX_TITLE_CHARS)
}

/// A list of names: whitespace collapsed, empties and duplicates dropped, order kept, each
/// cut to [`MAX_NAME_CHARS`]; names past the first `max` are dropped with a warning that
/// says how many (`what` names the list, such as "tags (feed.max_tags)").
pub fn names(
    items: impl Iterator<Item = String>,
    max: usize,
    what: &str,
    warnings: &mut Vec<String>,
) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let mut dropped = 0usize;
    for item in items {
        let name = truncate_words(&collapse_whitespace(&item), MAX_NAME_CHARS);
        if name.is_empty() || !seen.insert(name.clone()) {
            continue;
        }
        if out.len() < max {
            out.push(name);
        } else {
            dropped += 1;
        }
    }
    if dropped > 0 {
        warnings.push(format!("{dropped} {what} over the limit of {max} dropped"));
    }
    out
}

/// True for a URL an article may give as its `link`: absolute http(s).
pub fn is_http_url(value: &str) -> bool {
    value.len() <= MAX_URL_BYTES
        && Url::parse(value).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
}

/// True for an image URL: absolute http(s), or relative (resolved against the item's
/// link), never `javascript:`, `data:` or any other scheme.
pub fn is_image_url(value: &str) -> bool {
    if value.len() > MAX_URL_BYTES || value.chars().any(char::is_whitespace) {
        return false;
    }
    match Url::parse(value) {
        Ok(url) => matches!(url.scheme(), "http" | "https"),
        Err(url::ParseError::RelativeUrlWithoutBase) => true,
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_title_is_cut_with_an_ellipsis_and_reported() {
        let mut warnings = Vec::new();
        let cut = title("word ".repeat(400_000).trim_end().into(), &mut warnings);
        assert!(cut.chars().count() <= MAX_TITLE_CHARS);
        assert!(cut.ends_with("word…"), "{cut}");
        assert_eq!(warnings, ["title of 1999999 characters cut to 300"]);
    }

    #[test]
    fn a_normal_title_is_left_alone() {
        let mut warnings = Vec::new();
        assert_eq!(title("عنوان قصير".into(), &mut warnings), "عنوان قصير");
        assert!(warnings.is_empty());
    }

    #[test]
    fn names_past_the_limit_are_dropped_and_counted() {
        let mut warnings = Vec::new();
        let tags = (0..5000).map(|i| format!("tag {i}"));
        let kept = names(tags, 20, "tags (feed.max_tags)", &mut warnings);
        assert_eq!(kept.len(), 20);
        assert_eq!(kept[19], "tag 19");
        assert_eq!(
            warnings,
            ["4980 tags (feed.max_tags) over the limit of 20 dropped"]
        );
    }

    #[test]
    fn duplicates_and_blanks_do_not_count_against_the_limit() {
        let mut warnings = Vec::new();
        let items = ["a", " a ", "", "b", "a", "c"]
            .map(String::from)
            .into_iter();
        assert_eq!(names(items, 3, "tags", &mut warnings), ["a", "b", "c"]);
        assert!(warnings.is_empty());
    }

    #[test]
    fn a_huge_name_is_cut() {
        let kept = names(
            std::iter::once("x".repeat(10_000)),
            5,
            "tags",
            &mut Vec::new(),
        );
        assert_eq!(kept[0].chars().count(), MAX_NAME_CHARS);
    }

    #[test]
    fn images_must_be_http_or_relative() {
        assert!(is_image_url("https://cdn.example/a.jpg"));
        assert!(is_image_url("img/a.jpg"));
        assert!(is_image_url("//cdn.example/a.jpg"));
        for bad in [
            "javascript:alert(1)",
            "JAVASCRIPT:alert(1)",
            "data:image/svg+xml,<svg onload=alert(1)>",
            "vbscript:msgbox(1)",
            "file:///etc/passwd",
        ] {
            assert!(!is_image_url(bad), "{bad}");
        }
    }

    #[test]
    fn links_must_be_http_and_not_huge() {
        assert!(is_http_url("https://example.org/a"));
        assert!(!is_http_url("javascript:alert(1)"));
        assert!(!is_http_url(&format!(
            "https://e.org/{}",
            "a".repeat(MAX_URL_BYTES)
        )));
    }
}
