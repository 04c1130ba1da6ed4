//! The parse-back check every feed passes before it is published: strict XML for RSS,
//! Atom, OPML, the sitemaps and the stylesheet, strict JSON for JSON Feed. HTML pages, the
//! site's CSS and `robots.txt` are not checked.

/// Checks that `text`, to be published at `key`, parses back.
pub fn check(key: &str, text: &str) -> Result<(), String> {
    if key.ends_with(".html") || key.ends_with(".css") || key.ends_with(".txt") {
        return Ok(());
    }
    if key.ends_with(".json") {
        serde_json::from_str::<serde_json::Value>(text)
            .map(|_| ())
            .map_err(|e| format!("invalid JSON: {e}"))
    } else {
        roxmltree::Document::parse(text)
            .map(|_| ())
            .map_err(|e| format!("not well-formed XML: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_control_character_fails_the_xml_check() {
        assert!(check("rss.xml", "<rss>\u{8}</rss>").is_err());
        assert!(check("rss.xml", "<rss>ok</rss>").is_ok());
    }

    #[test]
    fn truncated_json_fails_the_check() {
        assert!(check("feed.json", "{\"a\":").is_err());
    }
}
