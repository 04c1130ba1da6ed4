//! Bounded nesting: one linear pass over HTML that leaves it balanced and at most
//! [`MAX_DEPTH`] elements deep, before it reaches the sanitiser or a reader.
//!
//! html5ever (under ammonia) spends time in proportion to the depth of the open-element
//! stack for every tag, so thousands of nested `<div>`s or `<li>`s take quadratic time.
//! This pass tracks open elements as HTML does (void elements, optional end tags,
//! raw-text elements, comments), closes what is left open explicitly, drops end tags that
//! close nothing, and drops tags nested deeper than [`MAX_DEPTH`] while keeping their text.
//! It only ever removes or adds tags: whatever it returns is still sanitised afterwards.

use std::collections::HashMap;

/// Deepest element nesting kept; tags below it are dropped, their text kept.
pub const MAX_DEPTH: usize = 100;

/// Returns `html` balanced and nested at most [`MAX_DEPTH`] deep, text unchanged.
pub fn bound(html: &str) -> String {
    let mut pass = Pass {
        out: String::with_capacity(html.len() + 64),
        open: Vec::new(),
        dropped: HashMap::new(),
    };
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        pass.out.push_str(&rest[..at]);
        rest = pass.markup(&rest[at..]);
    }
    pass.out.push_str(rest);
    pass.close_to(0);
    pass.out
}

struct Pass {
    out: String,
    /// Names of the open elements that were kept, outermost first.
    open: Vec<String>,
    /// Dropped start tags not yet matched by an end tag, by name.
    dropped: HashMap<String, usize>,
}

impl Pass {
    /// Handles the markup at the start of `text` (which starts with `<`); returns the rest.
    fn markup<'a>(&mut self, text: &'a str) -> &'a str {
        let bytes = text.as_bytes();
        let next = bytes.get(1).copied().unwrap_or(0);
        if let Some(comment) = text.strip_prefix("<!--") {
            let end = comment.find("-->").map_or(text.len(), |i| i + 7);
            return self.verbatim(text, end);
        }
        if next == b'!' || next == b'?' {
            return self.verbatim(text, text.find('>').map_or(text.len(), |i| i + 1));
        }
        let closing = next == b'/';
        let name_at = 1 + usize::from(closing);
        if !bytes.get(name_at).is_some_and(u8::is_ascii_alphabetic) {
            self.out.push('<');
            return &text[1..];
        }
        let name_len = text[name_at..]
            .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
            .unwrap_or(text.len() - name_at);
        let name = text[name_at..name_at + name_len].to_ascii_lowercase();
        let Some(end) = tag_end(text, name_at + name_len) else {
            // A tag cut off by the end of the text: HTML drops it.
            return "";
        };
        if closing {
            self.end_tag(&name, &text[..end]);
            return &text[end..];
        }
        let rest = self.start_tag(name.clone(), &text[..end]);
        let rest = rest.then(|| raw_text_end(&text[end..], &name));
        match rest {
            Some(len) => self.verbatim(&text[end..], len),
            None => &text[end..],
        }
    }

    /// Copies `text[..len]` unchanged; returns the rest.
    fn verbatim<'a>(&mut self, text: &'a str, len: usize) -> &'a str {
        self.out.push_str(&text[..len]);
        &text[len..]
    }

    /// Keeps or drops a start tag; true when it opened a raw-text element.
    fn start_tag(&mut self, name: String, tag: &str) -> bool {
        if is_void(&name) {
            self.out.push_str(tag);
            return false;
        }
        self.close_implied(&name);
        if self.open.len() >= MAX_DEPTH {
            *self.dropped.entry(name).or_default() += 1;
            return false;
        }
        self.out.push_str(tag);
        let raw = is_raw_text(&name);
        self.open.push(name);
        raw
    }

    fn end_tag(&mut self, name: &str, tag: &str) {
        if let Some(n) = self.dropped.get_mut(name).filter(|n| **n > 0) {
            *n -= 1;
        } else if let Some(at) = self.open.iter().rposition(|open| open == name) {
            self.close_to(at + 1);
            self.open.pop();
            self.out.push_str(tag);
        }
        // An end tag that closes nothing is dropped.
    }

    /// Closes what a start tag of `name` closes implicitly in HTML (an open `<p>` before a
    /// block, the previous `<li>`, `<td>`, `<tr>`, `<option>`...).
    fn close_implied(&mut self, name: &str) {
        if is_block(name) && self.open.last().is_some_and(|top| top == "p") {
            self.close_to(self.open.len() - 1);
        }
        let Some((closes, within)) = implied_close(name) else {
            return;
        };
        let found = self
            .open
            .iter()
            .rev()
            .take_while(|open| !within.contains(&open.as_str()))
            .position(|open| closes.contains(&open.as_str()));
        if let Some(from_top) = found {
            self.close_to(self.open.len() - 1 - from_top);
        }
    }

    /// Closes open elements until `depth` are left.
    fn close_to(&mut self, depth: usize) {
        while self.open.len() > depth {
            if let Some(name) = self.open.pop() {
                self.out.push_str("</");
                self.out.push_str(&name);
                self.out.push('>');
            }
        }
    }
}

/// The end of a tag whose name ends at `from`: after its `>`, skipping quoted attribute
/// values; `None` when the text ends first.
fn tag_end(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = from;
    let mut after_equals = false;
    while i < bytes.len() {
        match bytes[i] {
            b'>' => return Some(i + 1),
            b'=' => after_equals = true,
            q @ (b'"' | b'\'') if after_equals => {
                i += 1 + text[i + 1..].find(q as char)?;
                after_equals = false;
            }
            b if b.is_ascii_whitespace() => {}
            _ => after_equals = false,
        }
        i += 1;
    }
    None
}

/// Length of a raw-text element's content (up to its end tag, or the end of the text).
fn raw_text_end(text: &str, name: &str) -> usize {
    if name == "plaintext" {
        return text.len();
    }
    let mut from = 0;
    while let Some(i) = text[from..].find("</") {
        let at = from + i;
        let candidate = text.as_bytes().get(at + 2..at + 2 + name.len());
        if candidate.is_some_and(|c| c.eq_ignore_ascii_case(name.as_bytes())) {
            return at;
        }
        from = at + 2;
    }
    text.len()
}

/// Elements without content or end tag.
#[rustfmt::skip]
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta",
    "param", "source", "track", "wbr",
];

/// Elements whose content is text up to their end tag.
#[rustfmt::skip]
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
    "noscript", "plaintext",
];

/// Elements whose start closes an open `<p>`.
#[rustfmt::skip]
const BLOCK: &[&str] = &[
    "address", "article", "aside", "blockquote", "details", "div", "dl", "fieldset", "figure",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "main", "nav", "ol", "p",
    "pre", "section", "table", "ul",
];

fn is_void(name: &str) -> bool {
    VOID.contains(&name)
}

fn is_raw_text(name: &str) -> bool {
    RAW_TEXT.contains(&name)
}

fn is_block(name: &str) -> bool {
    BLOCK.contains(&name)
}

/// For an element with an optional end tag: which open elements its start closes, and
/// which open elements bound the search.
fn implied_close(name: &str) -> Option<(&'static [&'static str], &'static [&'static str])> {
    Some(match name {
        "li" => (&["li"], &["ul", "ol", "menu"]),
        "dt" | "dd" => (&["dt", "dd"], &["dl"]),
        "tr" => (&["tr"], &["table", "thead", "tbody", "tfoot"]),
        "td" | "th" => (&["td", "th"], &["tr", "table"]),
        "thead" | "tbody" | "tfoot" => (&["thead", "tbody", "tfoot"], &["table"]),
        "option" => (&["option"], &["select", "datalist", "optgroup"]),
        "optgroup" => (&["optgroup", "option"], &["select"]),
        _ => return None,
    })
}

/// The deepest element nesting in well-formed `html` (for tests).
#[cfg(test)]
pub fn depth(html: &str) -> usize {
    let (mut now, mut most) = (0usize, 0usize);
    for part in html.split('<').skip(1) {
        let name: String = part
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        if name.is_empty() || is_void(&name) {
            continue;
        }
        if part.starts_with('/') {
            now = now.saturating_sub(1);
        } else {
            now += 1;
            most = most.max(now);
        }
    }
    most
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed_html_passes_unchanged() {
        let html = "<p class=\"a>b\">x <b>y</b><br><img src=\"i.png\"></p>\n<ul><li>z</li></ul>";
        assert_eq!(bound(html), html);
    }

    #[test]
    fn tags_deeper_than_the_limit_are_dropped_and_their_text_kept() {
        let n = 1000;
        let html = format!("{}deep{}", "<div>".repeat(n), "</div>".repeat(n));
        let out = bound(&html);
        assert_eq!(depth(&out), MAX_DEPTH);
        assert_eq!(
            out,
            format!(
                "{}deep{}",
                "<div>".repeat(MAX_DEPTH),
                "</div>".repeat(MAX_DEPTH)
            )
        );
    }

    #[test]
    fn elements_left_open_are_closed_and_stray_end_tags_dropped() {
        assert_eq!(bound("</i><p><b>x</p>y</u>"), "<p><b>x</b></p>y");
        assert_eq!(bound("<div><span>x"), "<div><span>x</span></div>");
    }

    #[test]
    fn optional_end_tags_close_their_siblings_instead_of_nesting() {
        let rows = "<tr><td>a<td>b".repeat(500);
        let out = bound(&format!("<table>{rows}</table>"));
        assert!(depth(&out) <= 3, "{}", &out[..200]);
        assert_eq!(out.matches("<td>").count(), 1000);
        assert_eq!(
            bound("<ul><li>a<li>b</ul>"),
            "<ul><li>a</li><li>b</li></ul>"
        );
        assert_eq!(bound("<p>a<p>b"), "<p>a</p><p>b</p>");
    }

    #[test]
    fn comments_and_raw_text_are_not_read_as_tags() {
        let html = "<!-- <div> --><script>if (a<b) { x = '<div>'; }</script><p>t</p>";
        assert_eq!(bound(html), html);
        assert_eq!(bound("a < b <3"), "a < b <3");
    }

    #[test]
    fn unclosed_self_closing_divs_still_count_as_nesting() {
        let out = bound(&"<div/>x".repeat(500));
        assert_eq!(depth(&out), MAX_DEPTH);
        assert_eq!(out.matches('x').count(), 500);
    }

    #[test]
    fn a_tag_cut_off_at_the_end_is_dropped() {
        assert_eq!(bound("<p>a</p><img src=\"x"), "<p>a</p>");
    }
}
