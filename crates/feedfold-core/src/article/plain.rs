//! The newsroom's plain-text format: line 1 the title, line 2 the lede, then one paragraph
//! per line; a short line without closing punctuation is a subheading. No metadata.

use super::Block;
use super::text::collapse_whitespace;

/// Longest line, in words, that can be a subheading.
const SUBHEADING_MAX_WORDS: usize = 8;
/// Longest line, in characters, that can be a subheading.
const SUBHEADING_MAX_CHARS: usize = 80;

/// The start of a plain-text article: what extraction needs, without reading the rest.
pub struct Head {
    pub title: String,
    pub lede: Option<String>,
    /// The text after the title, up to about `sample_chars` characters.
    pub sample: String,
}

fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty())
}

/// Reads title, lede and a text sample; `None` when there is no non-blank line.
pub fn head(text: &str, sample_chars: usize) -> Option<Head> {
    let mut lines = lines(text);
    let title = collapse_whitespace(lines.next()?);
    let lede = lines.next().map(collapse_whitespace);
    let mut sample = lede.clone().unwrap_or_default();
    for line in lines {
        if sample.len() >= sample_chars {
            break;
        }
        sample.push(' ');
        sample.push_str(line);
    }
    Some(Head {
        title,
        lede,
        sample,
    })
}

/// The body blocks after the title: the lede and paragraphs as paragraphs, short lines
/// without closing punctuation as subheadings.
pub fn blocks(text: &str) -> Vec<Block> {
    let mut lines = lines(text).skip(1).map(collapse_whitespace);
    let mut blocks: Vec<Block> = lines.next().map(Block::Paragraph).into_iter().collect();
    blocks.extend(lines.map(|line| {
        if is_subheading(&line) {
            Block::Heading(line)
        } else {
            Block::Paragraph(line)
        }
    }));
    blocks
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
        let head = head(text, 1000).unwrap();
        assert_eq!(head.title, "العنوان هنا");
        assert_eq!(head.lede.as_deref(), Some("المقدمة تشرح الخبر."));
        assert_eq!(
            blocks(text),
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
        assert_eq!(
            blocks("T\nL.\nقال: \"لا\"\n")[1],
            Block::Paragraph("قال: \"لا\"".into())
        );
    }

    #[test]
    fn blank_text_has_no_article() {
        assert!(head(" \n\t\n", 100).is_none());
    }
}
