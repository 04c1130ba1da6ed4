//! `robots.txt`: every crawler allowed everywhere, and the sitemaps announced. Crawlers read
//! it only at a host's root (RFC 9309), so it is written only when `site.base_url` is one.

/// Whether `base_url` is a host root (`https://news.example`, not `https://example/news`):
/// the only place a `robots.txt` is read from.
pub fn at_host_root(base_url: &str) -> bool {
    url::Url::parse(base_url).is_ok_and(|url| url.path() == "/")
}

/// The text of `robots.txt` announcing the sitemaps at `sitemaps` (absolute URLs).
pub fn render(sitemaps: &[String]) -> String {
    let mut out = String::from("# Written by feedfold.\nUser-agent: *\nAllow: /\n\n");
    for url in sitemaps {
        out.push_str(&format!("Sitemap: {url}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_host_root_may_have_a_robots_file() {
        assert!(at_host_root("https://news.example.org"));
        assert!(at_host_root("https://news.example.org/"));
        assert!(at_host_root("http://127.0.0.1:8080"));
        assert!(!at_host_root("https://example.org/news"));
        assert!(!at_host_root("not a url"));
    }

    #[test]
    fn every_sitemap_gets_its_line() {
        let text = render(&["https://n.example/sitemap.xml".into()]);
        assert!(
            text.ends_with("\nSitemap: https://n.example/sitemap.xml\n"),
            "{text}"
        );
        assert!(text.contains("User-agent: *\nAllow: /\n"));
    }
}
