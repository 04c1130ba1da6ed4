//! The newsroom's plain-text format: line 1 the title, line 2 the lede, then one paragraph
//! per line; a short line without closing punctuation is a subheading. No metadata.

use super::Block;
use super::text::collapse_whitespace;

/// Longest line, in words, that can be a subheading.
const SUBHEADING_MAX_WORDS: usize = 8;
/// Longest line, in characters, that can be a subheading.
const SUBHEADING_MAX_CHARS: usize = 80;

/// A plain-text article split into title and body blocks (the lede is the first paragraph).
pub struct PlainText {
    pub title: String,
    pub blocks: Vec<Block>,
}

/// Splits `text` into title and blocks; `None` when there is no non-blank line.
pub fn parse(text: &str) -> Option<PlainText> {
    let mut lines = text
        .lines()
        .map(collapse_whitespace)
        .filter(|l| !l.is_empty());
    let title = lines.next()?;
    let mut blocks = Vec::new();
    if let Some(lede) = lines.next() {
        blocks.push(Block::Paragraph(lede));
    }
    blocks.extend(lines.map(|line| {
        if is_subheading(&line) {
            Block::Heading(line)
        } else {
            Block::Paragraph(line)
        }
    }));
    Some(PlainText { title, blocks })
}

fn is_subheading(line: &str) -> bool {
    let last = line.chars().last().unwrap_or('.');
    line.split_whitespace().count() <= SUBHEADING_MAX_WORDS
        && line.chars().count() <= SUBHEADING_MAX_CHARS
        && !is_closing_punctuation(last)
}

fn is_closing_punctuation(c: char) -> bool {
    matches!(
        c,
        '.' | '!'
            | '?'
            | '…'
            | '؟'
            | '،'
            | ','
            | ';'
            | '؛'
            | ':'
            | '"'
            | '»'
            | '”'
            | '\''
            | ')'
            | '۔'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_lede_paragraphs_and_a_subheading_are_told_apart() {
        let text = "العنوان هنا\nالمقدمة تشرح الخبر.\n\nفقرة أولى طويلة تنتهي بنقطة.\nأيام صعبة\nفقرة أخيرة.\n";
        let doc = parse(text).unwrap();
        assert_eq!(doc.title, "العنوان هنا");
        assert_eq!(
            doc.blocks,
            [
                Block::Paragraph("المقدمة تشرح الخبر.".into()),
                Block::Paragraph("فقرة أولى طويلة تنتهي بنقطة.".into()),
                Block::Heading("أيام صعبة".into()),
                Block::Paragraph("فقرة أخيرة.".into()),
            ]
        );
    }

    #[test]
    fn a_short_line_ending_in_a_quote_is_a_paragraph() {
        let doc = parse("T\nL.\nقال: \"لا\"\n").unwrap();
        assert_eq!(doc.blocks[1], Block::Paragraph("قال: \"لا\"".into()));
    }

    #[test]
    fn blank_text_has_no_article() {
        assert!(parse(" \n\t\n").is_none());
    }
}
