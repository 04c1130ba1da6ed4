//! Plain-text shaping of extracted fields: whitespace collapsing and summary cutting.

use unicode_segmentation::UnicodeSegmentation;

use super::decode::{has_forbidden, is_xml_char};

/// Collapses every run of whitespace to one space, trims the ends, and drops characters
/// XML forbids (front matter escapes such as YAML's `\a` can produce them).
pub fn collapse_whitespace(text: &str) -> String {
    if !has_forbidden(text) {
        return join_words(text);
    }
    let kept: String = text.chars().filter(|&c| is_xml_char(c)).collect();
    join_words(&kept)
}

/// The words of `text` joined by one space each.
fn join_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Cuts `text` to at most `max_chars` characters at a word boundary, adding "…".
///
/// Never splits a grapheme cluster (an Arabic letter and its marks stay together).
pub fn truncate_words(text: &str, max_chars: usize) -> String {
    let text = collapse_whitespace(text);
    if text.chars().count() <= max_chars {
        return text;
    }
    let budget = max_chars.saturating_sub(1);
    let mut end = 0;
    let mut last_break = None;
    let mut used = 0;
    for (start, grapheme) in text.grapheme_indices(true) {
        let width = grapheme.chars().count();
        if used + width > budget {
            break;
        }
        if grapheme.chars().all(char::is_whitespace) {
            last_break = Some(start);
        }
        used += width;
        end = start + grapheme.len();
    }
    let cut = last_break.filter(|&b| b > 0).unwrap_or(end);
    let head = text[..cut].trim_end_matches(|c: char| c.is_whitespace() || is_trailing_punct(c));
    format!("{head}…")
}

fn is_trailing_punct(c: char) -> bool {
    matches!(c, ',' | '،' | ';' | '؛' | ':' | '-' | '–' | '—')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_runs_collapse_to_single_spaces() {
        assert_eq!(collapse_whitespace("  a \t b\n\nc "), "a b c");
        assert_eq!(collapse_whitespace("a \u{1} b\u{b}c"), "a bc");
        assert_eq!(collapse_whitespace(" \u{a0}قال\u{2003}نعم "), "قال نعم");
    }

    #[test]
    fn short_text_is_left_whole() {
        assert_eq!(truncate_words("قصير جدا", 20), "قصير جدا");
    }

    #[test]
    fn long_text_is_cut_at_a_word_boundary_with_an_ellipsis() {
        let out = truncate_words("one two three four five", 12);
        assert_eq!(out, "one two…");
        assert!(out.chars().count() <= 12);
    }

    #[test]
    fn arabic_is_cut_between_words_and_drops_a_trailing_comma() {
        assert_eq!(
            truncate_words("قال الوزير، إن الاقتصاد ينمو", 14),
            "قال الوزير…"
        );
    }

    #[test]
    fn a_single_long_word_is_cut_between_grapheme_clusters() {
        let word = "e\u{301}".repeat(10);
        let out = truncate_words(&word, 7);
        assert_eq!(out, format!("{}…", "e\u{301}".repeat(3)));
    }
}
