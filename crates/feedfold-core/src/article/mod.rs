//! Article files: which files are articles, how their bytes become a [`Document`], and how a
//! document becomes metadata ([`Meta`]) and content HTML. Pure: bytes in, values out.
//! [`read()`] is the one way in: the scan reads through it, and publishing (whose metadata
//! the index holds) through its first step, [`read_document`].

pub mod date;
mod decode;
mod extract;
mod frontmatter;
mod html;
pub mod lang;
pub mod limits;
mod markdown;
mod nesting;
mod newsroom;
mod plain;
mod read;
pub mod slug;
pub mod text;
mod translation;

pub use date::{DateError, parse_date};
pub use extract::{Defaults, ImageText, Meta, extract};
pub use html::escape as escape_html;
pub use newsroom::{Correction, Retraction};
pub use read::{Article, own_date, read, read_document};

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
    /// The file name is not an article's (see [`Kind::of_file_name`]).
    #[error("not an article file: articles are named `*.txt`, `*.md` or `*.markdown`")]
    NotAnArticle,
    /// No content (nothing but whitespace).
    #[error("empty file")]
    Empty,
    /// Bytes that do not decode as text.
    #[error("binary content, not text")]
    Binary,
    /// Larger than `feed.max_article_bytes`.
    #[error("{size} bytes is over the {max}-byte limit (feed.max_article_bytes)")]
    TooLarge {
        /// The file's size, in bytes.
        size: u64,
        /// The limit, in bytes.
        max: u64,
    },
    /// Front matter that cannot be parsed (the parser's message).
    #[error("unparseable front matter: {0}")]
    FrontMatter(String),
    /// Neither front matter nor body gives a title.
    #[error("no title: add `title:` to the front matter or start with a `# heading`")]
    NoTitle,
    /// A date that is not a valid one (see [`date`]): failing closed, so that a typo never
    /// publishes a story under a wrong date or releases it early.
    #[error("invalid date in {place}: {error}")]
    InvalidDate {
        /// Where the date was written: ``front matter `date` `` or ``file name `…` ``.
        place: String,
        /// Why the date is not valid.
        error: date::DateError,
    },
}

/// One body block of a plain-text article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A paragraph, its whitespace collapsed.
    Paragraph(String),
    /// A subheading: a short line without closing punctuation.
    Heading(String),
}

/// The body of a document, in its source form.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// The newsroom's plain text, parsed lazily.
    Plain(String),
    /// Markdown (CommonMark) source, its front matter removed.
    Markdown(String),
}

/// An article file decoded and split, before any metadata is decided.
#[derive(Debug)]
pub struct Document {
    /// The front matter (empty for plain text, and for Markdown without any).
    pub front: FrontMatter,
    /// The text after the front matter.
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
        // Plain text may start with the same front matter as Markdown; without it, the
        // newsroom format is unchanged.
        let (front, body) = frontmatter::split(&decoded.text).map_err(Rejection::FrontMatter)?;
        let body = match kind {
            Kind::Text => Body::Plain(body.to_string()),
            Kind::Markdown => Body::Markdown(body.to_string()),
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
        self.content_html_with(link, lang, title, &[], "")
    }

    /// The images a Markdown body shows (`![alt](src)`), in order: each one's source as
    /// written and its alt text; nothing for plain text.
    pub fn image_sources(&self) -> Vec<(String, String)> {
        match &self.body {
            Body::Markdown(md) if md.contains("![") || md.contains("]:") => {
                markdown::image_sources(md)
            }
            _ => Vec::new(),
        }
    }

    /// [`Document::content_html`], with the body images that are local `pictures` pointing
    /// at their published copies under `base_url`, with their `width` and `height`.
    pub fn content_html_with(
        &self,
        link: &Url,
        lang: &str,
        title: &str,
        pictures: &[crate::media::Picture],
        base_url: &str,
    ) -> String {
        let local = |url: &str| {
            pictures
                .iter()
                .find(|p| !p.src.is_empty() && p.src == url)
                .map(|p| crate::layout::key_url(base_url, &p.key))
        };
        let raw = match &self.body {
            Body::Plain(text) => html::blocks_to_html(&plain::blocks(text)),
            Body::Markdown(md) => {
                let rendered = markdown::to_html(md, title, |url| {
                    local(url).or_else(|| html::resolve_url(url, link))
                });
                // Bounded first: the sanitiser's time grows with nesting depth.
                let bounded = nesting::bound(&rendered.html);
                if rendered.has_raw_html {
                    html::sanitize(&bounded, link)
                } else {
                    bounded
                }
            }
        };
        let mut raw = raw;
        for picture in pictures.iter().filter(|p| !p.src.is_empty()) {
            let url = crate::layout::key_url(base_url, &picture.key);
            let src = format!("src=\"{}\"", escape_html(&url));
            let sized = format!(
                "{src} width=\"{}\" height=\"{}\"",
                picture.width, picture.height
            );
            raw = raw.replace(&format!("<img {src}"), &format!("<img {sized}"));
        }
        html::finish(&raw, lang)
    }
}

#[cfg(test)]
mod tests {
    use super::extract::test_defaults as defaults;
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

    fn content(md: &str) -> String {
        let link = Url::parse("https://news.example/world/a/").unwrap();
        let doc = Document::parse(md.as_bytes(), Kind::Markdown).unwrap();
        doc.content_html(&link, "en", "T")
    }

    #[test]
    fn a_front_matter_link_is_published_as_parsed_and_a_script_id_is_refused() {
        let md = b"---\ntitle: T\nlink: \"https://x.example/a b\"\nid: \"javascript:alert(1)\"\n---\nB.\n";
        let doc = Document::parse(md, Kind::Markdown).unwrap();
        let defaults = defaults();
        let (meta, warnings) = extract(&doc, &defaults).unwrap();
        assert_eq!(meta.link.as_deref(), Some("https://x.example/a%20b"));
        assert_eq!(meta.id, None);
        assert!(
            warnings.iter().any(|w| w.starts_with("id `javascript:")),
            "{warnings:?}"
        );
    }

    #[test]
    fn a_control_character_escaped_in_front_matter_is_removed_and_reported() {
        let md = b"---\ntitle: \"x \\a y\"\n---\nB.\n";
        let doc = Document::parse(md, Kind::Markdown).unwrap();
        let defaults = defaults();
        let (meta, warnings) = extract(&doc, &defaults).unwrap();
        assert_eq!(meta.title, "x y");
        assert!(
            warnings.iter().any(|w| w.contains("control characters")),
            "{warnings:?}"
        );
    }

    #[test]
    fn markdown_links_and_images_never_publish_script_or_data_urls() {
        let html = content(
            "# T\n\n[a](javascript:alert(1)) ![b](vbscript:x) <javascript:alert(2)> \
             [c][r] ![d](data:text/html,x) [e](java\tscript:y)\n\n[r]: JaVaScRiPt:alert(3)\n",
        );
        let urls = html
            .split("href=\"")
            .chain(html.split("src=\""))
            .filter_map(|part| part.split_once('"'))
            .map(|(url, _)| url);
        for url in urls.filter(|u| !u.contains('<')) {
            assert!(
                url.is_empty() || url.starts_with("https://"),
                "{url} in {html}"
            );
        }
        // The links and images are dropped, their text kept: no empty (relative) URL left.
        assert!(
            !html.contains("href=\"\"") && !html.contains("src=\"\""),
            "{html}"
        );
        assert!(html.contains('a') && html.contains('c'), "{html}");
        assert!(!html.contains("<a") && !html.contains("<img"), "{html}");
    }

    #[test]
    fn deeply_nested_html_is_cut_to_a_bounded_depth_and_keeps_its_text() {
        let n = 50_000;
        let html = content(&format!(
            "# T\n\n{}deep text{}",
            "<div>".repeat(n),
            "</div>".repeat(n)
        ));
        assert!(html.contains("deep text"));
        assert_eq!(nesting::depth(&html), nesting::MAX_DEPTH);
    }

    #[test]
    fn deeply_nested_lists_and_quotes_complete_with_a_bounded_depth() {
        let n = 40_000;
        for md in [
            format!("# T\n\n{}x\n", "- ".repeat(n)),
            format!("# T\n\n{}x\n", ">".repeat(n)),
            format!("# T\n\n{}x", "<ul><li>".repeat(n)),
            format!("# T\n\n{}x\n", "* [".repeat(n)),
        ] {
            let html = content(&md);
            assert!(html.contains('x'), "{}", &md[..20]);
            assert!(nesting::depth(&html) <= nesting::MAX_DEPTH, "{}", &md[..20]);
        }
    }
}
