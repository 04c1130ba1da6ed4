//! Publish-folder keys as URLs: percent-encoding segment by segment, the URL of an
//! article's page, and its inverse, which reads `(channel, slug)` back from a link.

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

/// Characters escaped in a URL path segment (Unicode is UTF-8 percent-encoded too).
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// Percent-encodes one path segment.
pub fn encode_segment(segment: &str) -> String {
    utf8_percent_encode(segment, SEGMENT).to_string()
}

/// Percent-encodes a `/`-separated relative path, segment by segment.
pub fn encode_path(path: &str) -> String {
    path.split('/')
        .map(encode_segment)
        .collect::<Vec<_>>()
        .join("/")
}

/// The public URL of a key (or of a folder, `world/`) under `base_url`.
pub fn key_url(base_url: &str, key: &str) -> String {
    format!("{base_url}/{}", encode_path(key))
}

/// The article page URL: `{base_url}/{channel}/{slug}/`, percent-encoded.
pub fn article_url(base_url: &str, channel: &str, slug: &str) -> String {
    format!(
        "{base_url}/{}/{}/",
        encode_segment(channel),
        encode_segment(slug)
    )
}

/// The inverse of [`article_url`]: `(channel, slug)` of a link `…/{channel}/{slug}/`, its
/// last two path segments, decoded.
pub fn article_of_url(link: &str) -> Option<(String, String)> {
    let url = url::Url::parse(link).ok()?;
    let mut segments: Vec<String> = url
        .path_segments()?
        .filter(|s| !s.is_empty())
        .map(|s| percent_decode_str(s).decode_utf8_lossy().into_owned())
        .collect();
    let slug = segments.pop()?;
    let channel = segments.pop()?;
    Some((channel, slug))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_segments_are_percent_encoded_and_slashes_kept_between_them() {
        assert_eq!(encode_path("world/سلام"), "world/%D8%B3%D9%84%D8%A7%D9%85");
        assert_eq!(encode_segment("a b/c"), "a%20b%2Fc");
    }

    #[test]
    fn a_key_or_folder_url_is_its_encoded_path_under_the_base_url() {
        assert_eq!(key_url("https://n.example", ""), "https://n.example/");
        assert_eq!(
            key_url("https://n.example", "tags/a b/"),
            "https://n.example/tags/a%20b/"
        );
    }

    #[test]
    fn an_article_url_reads_back_as_its_channel_and_slug() {
        let base = "https://news.example/ar";
        for (channel, slug) in [("world", "a"), ("العالم", "قمة-الرياض"), ("a b", "c%d")]
        {
            let link = article_url(base, channel, slug);
            assert_eq!(
                article_of_url(&link),
                Some((channel.to_string(), slug.to_string())),
                "{link}"
            );
        }
        assert_eq!(article_of_url("https://news.example/"), None);
        assert_eq!(article_of_url("not a url"), None);
    }
}
