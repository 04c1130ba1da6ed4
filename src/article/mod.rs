//! Article files: which files are articles, how their bytes become a [`Document`], and how a
//! document becomes metadata ([`Meta`]) and content HTML. Pure: bytes in, values out.

pub mod date;
mod decode;
mod extract;
mod frontmatter;
mod html;
pub mod lang;
mod markdown;
mod plain;
pub mod slug;
pub mod text;

pub use date::parse_date;
pub use extract::{Defaults, Meta, extract};
pub use html::escape as escape_html;

use thiserror::Error;
use url::Url;

use frontmatter::FrontMatter;

/// The two article formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The newsroom's plain text (`.txt`).
    Text,
    /// Markdown with optional front matter (`.md`, `.markdown`).
    Markdown,
}

impl Kind {
    /// The article kind for a file name, or `None` for files that are not articles
    /// (hidden files, editor backups, locks, swap files, other extensions).
    pub fn of_file_name(name: &str) -> Option<Kind> {
        if name.starts_with('.') || name.starts_with('#') || name.ends_with('~') || name == "4913" {
            return None;
        }
        let (_, ext) = name.rsplit_once('.')?;
        match ext.to_ascii_lowercase().as_str() {
            "txt" => Some(Kind::Text),
            "md" | "markdown" => Some(Kind::Markdown),
            _ => None,
        }
    }
}

/// Why a file is not published. Each is reported with the file's path.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum Rejection {
    #[error("empty file")]
    Empty,
    #[error("binary content, not text")]
    Binary,
    #[error("{size} bytes is over the {max}-byte limit (feed.max_article_bytes)")]
    TooLarge { size: u64, max: u64 },
    #[error("unparseable front matter: {0}")]
    FrontMatter(String),
    #[error("no title: add `title:` to the front matter or start with a `# heading`")]
    NoTitle,
}

/// One body block of a plain-text article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Paragraph(String),
    Heading(String),
}

/// The body of a document, in its source form.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// The newsroom's plain text, parsed lazily.
    Plain(String),
    Markdown(String),
}

/// An article file decoded and split, before any metadata is decided.
#[derive(Debug)]
pub struct Document {
    pub front: FrontMatter,
    pub body: Body,
    /// Repairs made while decoding (reported as warnings).
    pub repairs: Vec<String>,
}

impl Document {
    /// Decodes and splits an article file's bytes.
    pub fn parse(bytes: &[u8], kind: Kind) -> Result<Document, Rejection> {
        let decoded = decode::decode(bytes).map_err(|_| Rejection::Binary)?;
        if decoded.text.trim().is_empty() {
            return Err(Rejection::Empty);
        }
        let mut repairs = decoded.repairs;
        if decoded.encoding != "UTF-8" {
            repairs.push(format!("decoded as {}", decoded.encoding));
        }
        let (front, body) = match kind {
            Kind::Text => (FrontMatter::default(), Body::Plain(decoded.text)),
            Kind::Markdown => {
                let (front, body) =
                    frontmatter::split(&decoded.text).map_err(Rejection::FrontMatter)?;
                (front, Body::Markdown(body.to_string()))
            }
        };
        Ok(Document {
            front,
            body,
            repairs,
        })
    }

    /// The content as safe HTML, links made absolute against `link`, RTL marked up; a
    /// leading heading that repeats `title` is left out.
    pub fn content_html(&self, link: &Url, lang: &str, title: &str) -> String {
        let raw = match &self.body {
            Body::Plain(text) => html::blocks_to_html(&plain::blocks(text)),
            Body::Markdown(md) => {
                let rendered = markdown::to_html(md, title, |url| html::resolve_url(url, link));
                if rendered.has_raw_html {
                    html::sanitize(&rendered.html, link)
                } else {
                    rendered.html
                }
            }
        };
        html::finish(&raw, lang)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_leftovers_and_other_files_are_not_articles() {
        for name in [
            ".hidden.md",
            "a.md~",
            ".a.md.swp",
            "#a.md#",
            ".#a.md",
            "4913",
            "x.jpg",
            "README",
        ] {
            assert_eq!(Kind::of_file_name(name), None, "{name}");
        }
        assert_eq!(Kind::of_file_name("خبر.TXT"), Some(Kind::Text));
        assert_eq!(Kind::of_file_name("post.markdown"), Some(Kind::Markdown));
    }

    #[test]
    fn whitespace_only_files_are_rejected_as_empty() {
        assert_eq!(
            Document::parse(b" \n\r\n", Kind::Text).unwrap_err(),
            Rejection::Empty
        );
    }

    #[test]
    fn broken_front_matter_is_rejected_with_the_reason() {
        let err = Document::parse(b"---\ntitle: [\n---\n", Kind::Markdown).unwrap_err();
        assert!(matches!(err, Rejection::FrontMatter(_)));
    }
}
