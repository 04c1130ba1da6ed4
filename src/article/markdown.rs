//! Markdown bodies: the title (first `#` heading), the first paragraph, a text sample for
//! language detection, and the HTML rendering.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::text::collapse_whitespace;

/// Characters of body text kept for language detection.
const SAMPLE_CHARS: usize = 1500;

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
}

/// What extraction needs from a Markdown body, found without rendering it.
#[derive(Debug, Default, PartialEq)]
pub struct Outline {
    /// Plain text of the first level-1 heading.
    pub heading: Option<String>,
    /// Plain text of the first paragraph.
    pub first_paragraph: Option<String>,
    /// The start of the body's text.
    pub sample: String,
}

#[derive(PartialEq)]
enum In {
    Nothing,
    Heading,
    Paragraph,
}

/// Reads the outline of `body`, stopping as soon as everything is found.
pub fn outline(body: &str) -> Outline {
    let mut out = Outline::default();
    let mut state = In::Nothing;
    let mut buf = String::new();
    for event in Parser::new_ext(body, options()) {
        match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }) if out.heading.is_none() => {
                state = In::Heading;
            }
            Event::Start(Tag::Paragraph) if out.first_paragraph.is_none() => {
                state = In::Paragraph;
            }
            Event::End(TagEnd::Heading(HeadingLevel::H1)) if state == In::Heading => {
                out.heading = Some(collapse_whitespace(&std::mem::take(&mut buf)));
                state = In::Nothing;
            }
            Event::End(TagEnd::Paragraph) if state == In::Paragraph => {
                out.first_paragraph = Some(collapse_whitespace(&std::mem::take(&mut buf)));
                state = In::Nothing;
            }
            Event::Text(t) | Event::Code(t) => {
                if state != In::Nothing {
                    buf.push_str(&t);
                }
                if out.sample.len() < SAMPLE_CHARS * 2 {
                    out.sample.push_str(&t);
                    out.sample.push(' ');
                }
            }
            Event::SoftBreak | Event::HardBreak if state != In::Nothing => buf.push(' '),
            _ => {}
        }
        let done = out.heading.is_some() && out.first_paragraph.is_some();
        if done && out.sample.len() >= SAMPLE_CHARS * 2 {
            break;
        }
    }
    out
}

/// Renders `body` to (unsanitised) HTML, leaving out a leading `#` heading that repeats
/// the article's title.
pub fn to_html(body: &str, title: &str) -> String {
    let leading_title = outline(body).heading.filter(|h| h == title).is_some()
        && matches!(
            Parser::new_ext(body, options()).next(),
            Some(Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }))
        );
    let events = Parser::new_ext(body, options());
    let mut skipping = leading_title;
    let filtered = events.filter(move |event| {
        if skipping {
            if matches!(event, Event::End(TagEnd::Heading(HeadingLevel::H1))) {
                skipping = false;
            }
            return false;
        }
        true
    });
    let mut html = String::with_capacity(body.len() * 5 / 4);
    pulldown_cmark::html::push_html(&mut html, filtered);
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_outline_finds_heading_and_first_paragraph_as_plain_text() {
        let o = outline("Intro *with* `code`\nwrapped.\n\n# The **Title**\n\nSecond.\n");
        assert_eq!(o.heading.as_deref(), Some("The Title"));
        assert_eq!(
            o.first_paragraph.as_deref(),
            Some("Intro with code wrapped.")
        );
    }

    #[test]
    fn a_leading_title_heading_is_left_out_of_the_html() {
        let html = to_html("# Title\n\nBody text.\n", "Title");
        assert_eq!(html, "<p>Body text.</p>\n");
    }

    #[test]
    fn a_later_heading_stays_in_the_html() {
        let html = to_html("Para.\n\n# Later\n", "Later");
        assert!(html.contains("<h1>Later</h1>"));
    }
}
