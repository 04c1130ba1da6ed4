//! The media type of each published key, shared by the HTTP server and the bucket mirror.

/// The `Content-Type` a published key is served with.
pub fn media_type(key: &str) -> &'static str {
    let name = key.rsplit('/').next().unwrap_or(key);
    match name {
        "rss.xml" => "application/rss+xml; charset=utf-8",
        "atom.xml" => "application/atom+xml; charset=utf-8",
        "feed.json" => "application/feed+json; charset=utf-8",
        _ if name.ends_with(".opml") => "text/x-opml; charset=utf-8",
        _ if name.ends_with(".xsl") => "text/xsl; charset=utf-8",
        _ if name.ends_with(".html") => "text/html; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// True for the feed files readers poll.
pub fn is_feed(key: &str) -> bool {
    key.ends_with("rss.xml") || key.ends_with("atom.xml") || key.ends_with("feed.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feeds_pages_and_lists_get_their_media_types() {
        assert_eq!(
            media_type("world/rss.xml"),
            "application/rss+xml; charset=utf-8"
        );
        assert_eq!(
            media_type("atom.xml"),
            "application/atom+xml; charset=utf-8"
        );
        assert_eq!(
            media_type("feed.json"),
            "application/feed+json; charset=utf-8"
        );
        assert_eq!(media_type("feeds.opml"), "text/x-opml; charset=utf-8");
        assert_eq!(media_type("world/a/index.html"), "text/html; charset=utf-8");
    }
}
