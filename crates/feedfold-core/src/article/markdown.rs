//! Markdown bodies: the title (first `#` heading), the first paragraph, a text sample for
//! language detection, and the HTML rendering.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::text::collapse_whitespace;

/// Table cells a body may ask for beyond one per byte of it (see [`tables_overflow`]).
const SPARE_TABLE_CELLS: usize = 65_536;

/// The parser options for `body`: tables only when they cannot overflow.
fn options(body: &str) -> Options {
    let options = Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION;
    if tables_overflow(body) {
        options
    } else {
        options | Options::ENABLE_TABLES
    }
}

/// True when the tables in `body` could expand to many more cells than it has bytes.
///
/// pulldown-cmark fills every short row with empty cells up to the header's width (up to
/// 2^18 cells per table), so 3 KB of a 512-column table with one-cell rows become 2.4 MB
/// of HTML, and a 4 MB file over 3 GB. The bound is linear: each line after a delimiter
/// row (`|-|-|`), up to the next blank line, counts as many cells as the widest such row.
pub fn tables_overflow(body: &str) -> bool {
    let (mut cells, mut columns) = (0usize, 0usize);
    for line in body.lines() {
        if line.trim().is_empty() {
            columns = 0;
            continue;
        }
        if is_delimiter_row(line) {
            columns = columns.max(line.matches('|').count() + 1);
        }
        cells = cells.saturating_add(columns);
    }
    cells > body.len().saturating_add(SPARE_TABLE_CELLS)
}

/// A line that could be a table's delimiter row, inside any container (`> |-|:-:|`).
fn is_delimiter_row(line: &str) -> bool {
    line.contains('|')
        && line.contains('-')
        && line
            .bytes()
            .all(|b| matches!(b, b'|' | b'-' | b':' | b'>' | b' ' | b'\t'))
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

/// What the caller still needs from the body; reading stops once it has it.
#[derive(Debug, Clone, Copy)]
pub struct Needs {
    pub heading: bool,
    pub paragraph: bool,
    /// Characters of text to sample for language detection (0 for none).
    pub sample_chars: usize,
}

#[derive(PartialEq)]
enum In {
    Nothing,
    Heading,
    Paragraph,
}

/// Reads the outline of `body`, stopping as soon as everything needed is found.
pub fn outline(body: &str, needs: Needs) -> Outline {
    let mut out = Outline::default();
    let mut state = In::Nothing;
    let mut buf = String::new();
    for event in Parser::new_ext(body, options(body)) {
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
                if out.sample.len() < needs.sample_chars * 2 {
                    out.sample.push_str(&t);
                    out.sample.push(' ');
                }
            }
            Event::SoftBreak | Event::HardBreak if state != In::Nothing => buf.push(' '),
            _ => {}
        }
        let done = (!needs.heading || out.heading.is_some())
            && (!needs.paragraph || out.first_paragraph.is_some())
            && out.sample.len() >= needs.sample_chars * 2;
        if done {
            break;
        }
    }
    out
}

/// The images in `body` (`![alt](src)`, reference images too), in order: each one's
/// destination as written, and its alt text.
pub fn image_sources(body: &str) -> Vec<(String, String)> {
    let mut images: Vec<(String, String)> = Vec::new();
    let mut depth = 0usize;
    for event in Parser::new_ext(body, options(body)) {
        match event {
            Event::Start(Tag::Image { dest_url, .. }) => {
                depth += 1;
                if depth == 1 {
                    images.push((dest_url.to_string(), String::new()));
                }
            }
            Event::End(TagEnd::Image) => depth = depth.saturating_sub(1),
            Event::Text(t) | Event::Code(t) if depth > 0 => {
                if let Some((_, alt)) = images.last_mut() {
                    alt.push_str(&t);
                }
            }
            _ => {}
        }
    }
    images
}

/// HTML rendered from Markdown, and whether it passed raw HTML through (which then needs
/// sanitising).
pub struct Rendered {
    pub html: String,
    pub has_raw_html: bool,
}

/// Renders `body` to HTML, leaving out a leading `#` heading that repeats the article's
/// title. Link and image URLs are made absolute with `resolve`, which returns `None` for
/// URLs that must not be published (such as `javascript:`).
pub fn to_html(body: &str, title: &str, resolve: impl Fn(&str) -> Option<String>) -> Rendered {
    let needs = Needs {
        heading: true,
        paragraph: false,
        sample_chars: 0,
    };
    let options = options(body);
    let leading_title = matches!(
        Parser::new_ext(body, options).next(),
        Some(Event::Start(Tag::Heading {
            level: HeadingLevel::H1,
            ..
        }))
    ) && outline(body, needs).heading.is_some_and(|h| h == title);
    let mut skipping = leading_title;
    let mut has_raw_html = false;
    // Whether each open link or image was kept.
    let mut links: Vec<bool> = Vec::new();
    let events = Parser::new_ext(body, options).filter_map(|event| {
        if skipping {
            skipping = !matches!(event, Event::End(TagEnd::Heading(HeadingLevel::H1)));
            return None;
        }
        Some(match event {
            Event::Html(_) | Event::InlineHtml(_) => {
                has_raw_html = true;
                event
            }
            // A refused URL drops the link or image but keeps its text (an image's is its
            // alt text): no `href=""`, which readers and validators take as a relative link.
            Event::Start(mut tag @ (Tag::Link { .. } | Tag::Image { .. })) => {
                let kept = match &mut tag {
                    Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => resolve(dest_url)
                        .map(|url| *dest_url = url.into())
                        .is_some(),
                    _ => true,
                };
                links.push(kept);
                if !kept {
                    return None;
                }
                Event::Start(tag)
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                if !links.pop().unwrap_or(true) {
                    return None;
                }
                event
            }
            other => other,
        })
    });
    let mut html = String::with_capacity(body.len() * 5 / 4);
    pulldown_cmark::html::push_html(&mut html, events);
    Rendered { html, has_raw_html }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: Needs = Needs {
        heading: true,
        paragraph: true,
        sample_chars: 600,
    };

    #[test]
    fn the_outline_finds_heading_and_first_paragraph_as_plain_text() {
        let o = outline(
            "Intro *with* `code`\nwrapped.\n\n# The **Title**\n\nSecond.\n",
            ALL,
        );
        assert_eq!(o.heading.as_deref(), Some("The Title"));
        assert_eq!(
            o.first_paragraph.as_deref(),
            Some("Intro with code wrapped.")
        );
    }

    fn keep(url: &str) -> Option<String> {
        Some(url.to_string())
    }

    #[test]
    fn a_leading_title_heading_is_left_out_of_the_html() {
        let out = to_html("# Title\n\nBody text.\n", "Title", keep);
        assert_eq!(out.html, "<p>Body text.</p>\n");
        assert!(!out.has_raw_html);
    }

    #[test]
    fn a_later_heading_stays_in_the_html() {
        assert!(
            to_html("Para.\n\n# Later\n", "Later", keep)
                .html
                .contains("<h1>Later</h1>")
        );
    }

    #[test]
    fn link_urls_go_through_the_resolver_and_raw_html_is_flagged() {
        let out = to_html("[a](x/) <b>hi</b>", "T", |u| Some(format!("https://h/{u}")));
        assert!(out.html.contains("href=\"https://h/x/\""), "{}", out.html);
        assert!(out.has_raw_html);
    }

    #[test]
    fn image_sources_are_found_in_order_with_reference_images() {
        let md = "# T\n\n![a](one.jpg) [link](x.html)\n\n![b][r]\n\n[r]: <two photo.png>\n";
        let found = image_sources(md);
        let srcs: Vec<&str> = found.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(srcs, ["one.jpg", "two photo.png"]);
        assert_eq!(found[0].1, "a");
    }

    #[test]
    fn ordinary_tables_are_rendered() {
        let out = to_html("| a | b |\n|---|:-:|\n| 1 | 2 |\n| 3 |\n", "T", keep);
        assert!(out.html.contains("<table>"), "{}", out.html);
        assert!(!tables_overflow("> | a |\n> |---|\n> | 1 |\n"));
    }

    #[test]
    fn a_table_that_would_expand_to_millions_of_cells_is_rendered_as_text() {
        let table = format!(
            "{}\n{}\n{}\n",
            "|a".repeat(512),
            "|-".repeat(512),
            "x\n".repeat(512)
        );
        let body = table.repeat(4);
        assert!(tables_overflow(&body));
        let out = to_html(&body, "T", keep);
        assert!(!out.html.contains("<td>"));
        assert!(out.html.len() < body.len() * 2, "{} bytes", out.html.len());
    }
}
