//! Article content as HTML that is safe to put in any feed: sanitised, links absolute,
//! right-to-left text marked up, and nothing that could end a CDATA section.

use ammonia::UrlRelative;
use url::Url;

use super::Block;
use super::lang::is_rtl;

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    escape_into(&mut out, text);
    out
}

/// [`escape`], appending to `out`: the runs between special characters are copied whole
/// (the special characters are ASCII, so a byte scan never cuts a character).
fn escape_into(out: &mut String, text: &str) {
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[start..i]);
        out.push_str(entity);
        start = i + 1;
    }
    out.push_str(&text[start..]);
}

/// Renders plain-text blocks: paragraphs as `<p>`, subheadings as `<h2>`.
pub fn blocks_to_html(blocks: &[Block]) -> String {
    let size: usize = (blocks.iter())
        .map(|b| match b {
            Block::Paragraph(t) | Block::Heading(t) => t.len() + 11,
        })
        .sum();
    let mut html = String::with_capacity(size + size / 16);
    for block in blocks {
        let (tag, text) = match block {
            Block::Paragraph(t) => ("p", t),
            Block::Heading(t) => ("h2", t),
        };
        html.push('<');
        html.push_str(tag);
        html.push('>');
        escape_into(&mut html, text);
        html.push_str("</");
        html.push_str(tag);
        html.push_str(">\n");
    }
    html
}

/// Cleans untrusted HTML (no scripts, no event handlers, no `javascript:` URLs) and makes
/// every relative link and image absolute against `base`, since readers ignore `xml:base`.
pub fn sanitize(html: &str, base: &Url) -> String {
    ammonia::Builder::default()
        .url_relative(UrlRelative::RewriteWithBase(base.clone()))
        .clean(html)
        .to_string()
}

/// Longest link or image URL kept, in bytes: longer ones are dropped, so that one
/// reference definition used many times cannot multiply a huge URL.
pub const MAX_URL_BYTES: usize = 8192;

/// Resolves a link or image URL against `base`; `None` for schemes that must never be
/// published (anything but http, https, mailto, tel and ftp) and URLs over
/// [`MAX_URL_BYTES`].
pub fn resolve_url(url: &str, base: &Url) -> Option<String> {
    if url.len() > MAX_URL_BYTES {
        return None;
    }
    let resolved = base.join(url.trim()).ok()?;
    matches!(
        resolved.scheme(),
        "http" | "https" | "mailto" | "tel" | "ftp"
    )
    .then(|| resolved.into())
}

/// Wraps RTL content in `<div dir="rtl" lang="…">` and neutralises `]]>`.
pub fn finish(html: &str, lang: &str) -> String {
    let html = html.trim_end().replace("]]>", "]]&gt;");
    if is_rtl(lang) {
        format!("<div dir=\"rtl\" lang=\"{}\">{html}</div>", escape(lang))
    } else {
        html
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_arabic_text_whole_and_replaces_each_special_character() {
        assert_eq!(
            escape("«قال» <b> & 'نعم' \"لا\""),
            "«قال» &lt;b&gt; &amp; &#39;نعم&#39; &quot;لا&quot;"
        );
        assert_eq!(escape(""), "");
        assert_eq!(escape("&&"), "&amp;&amp;");
    }

    #[test]
    fn blocks_render_as_paragraphs_and_subheadings_with_their_text_escaped() {
        let blocks = [
            Block::Heading("العناوين".into()),
            Block::Paragraph("a < b".into()),
        ];
        assert_eq!(
            blocks_to_html(&blocks),
            "<h2>العناوين</h2>\n<p>a &lt; b</p>\n"
        );
    }

    fn base() -> Url {
        Url::parse("https://news.example/world/slug/").unwrap()
    }

    #[test]
    fn scripts_and_handlers_are_removed() {
        let html = sanitize(
            "<p onclick=\"x()\">hi<script>alert(1)</script><a href=\"javascript:x()\">l</a></p>",
            &base(),
        );
        assert!(
            !html.contains("script") && !html.contains("onclick") && !html.contains("javascript")
        );
    }

    #[test]
    fn relative_links_and_images_become_absolute() {
        let html = sanitize("<a href=\"../other/\">o</a><img src=\"pic.jpg\">", &base());
        assert!(
            html.contains("href=\"https://news.example/world/other/\""),
            "{html}"
        );
        assert!(
            html.contains("src=\"https://news.example/world/slug/pic.jpg\""),
            "{html}"
        );
    }

    #[test]
    fn rtl_content_is_wrapped_with_direction_and_language() {
        assert_eq!(
            finish("<p>مرحبا</p>\n", "ar"),
            "<div dir=\"rtl\" lang=\"ar\"><p>مرحبا</p></div>"
        );
        assert_eq!(finish("<p>hi</p>", "en"), "<p>hi</p>");
    }

    #[test]
    fn script_urls_are_refused_and_relative_ones_resolved() {
        assert_eq!(resolve_url("javascript:alert(1)", &base()), None);
        assert_eq!(resolve_url(" JaVaScRiPt:alert(1)", &base()), None);
        assert_eq!(
            resolve_url("../x", &base()).as_deref(),
            Some("https://news.example/world/x")
        );
    }

    #[test]
    fn data_and_vbscript_urls_and_huge_urls_are_refused() {
        assert_eq!(
            resolve_url("data:text/html,<script>x</script>", &base()),
            None
        );
        assert_eq!(resolve_url("vbscript:msgbox(1)", &base()), None);
        assert_eq!(resolve_url("java\tscript:alert(1)", &base()), None);
        let huge = format!("https://x.example/{}", "a".repeat(MAX_URL_BYTES));
        assert_eq!(resolve_url(&huge, &base()), None);
    }

    #[test]
    fn cdata_terminators_cannot_survive() {
        assert!(!finish("a]]>b", "en").contains("]]>"));
    }

    #[test]
    fn plain_blocks_are_escaped_once() {
        let html = blocks_to_html(&[Block::Heading("A & <b>".into())]);
        assert_eq!(html, "<h2>A &amp; &lt;b&gt;</h2>\n");
    }
}
