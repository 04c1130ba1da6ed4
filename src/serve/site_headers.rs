//! The headers an answer takes from the site's configuration: the feeds' `Link` header
//! (made once per feed and configuration) and `Cache-Control` (the feeds' `ttl`, longer for
//! the archive of a month that is over).

use std::time::SystemTime;

use axum::http::HeaderValue;
use chrono::{DateTime, Utc};

use super::Site;
use crate::layout;
use crate::serve::links::FeedLinks;

/// Most `Link` headers kept (one per feed asked for); past it, they are made per answer.
const MAX_LINK_HEADERS: usize = 100_000;

/// `Cache-Control` for a public file fresh for `max_age` seconds.
pub(super) fn cache_control(max_age: u64) -> HeaderValue {
    HeaderValue::from_str(&format!("public, max-age={max_age}"))
        .unwrap_or_else(|_| HeaderValue::from_static("no-cache"))
}

impl Site {
    /// The `Link` header of the feed at `key` (`None` before [`Site::configure`]), made
    /// once per feed and configuration.
    pub fn feed_links(&self, key: &str) -> Option<HeaderValue> {
        {
            let links = self.links.read().ok()?;
            if links.0 == FeedLinks::default() {
                return None;
            }
            if let Some(value) = links.1.get(key) {
                return Some(value.clone());
            }
        }
        let mut links = self.links.write().ok()?;
        let value = HeaderValue::from_str(&links.0.header(key)).ok()?;
        if links.1.len() < MAX_LINK_HEADERS {
            links.1.insert(key.to_string(), value.clone());
        }
        Some(value)
    }

    /// The `Cache-Control` max-age of `key` at `now`: long for the archive of a month that
    /// is over, the feeds' `ttl` otherwise (see [`layout::max_age`]).
    pub fn max_age_of(&self, key: &str, now: SystemTime) -> u64 {
        let tz = self.timezone.read().map(|tz| *tz).unwrap_or(chrono_tz::UTC);
        layout::max_age(key, DateTime::<Utc>::from(now), tz, self.max_age)
    }

    /// The `Cache-Control` value of `key` at `now` (see [`Site::max_age_of`]).
    pub fn cache_control(&self, key: &str, now: SystemTime) -> HeaderValue {
        match self.max_age_of(key, now) {
            age if age == self.max_age => self.cache_control.clone(),
            age => cache_control(age),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::config::Config;

    fn config(base_url: &str) -> Config {
        let text = format!("[site]\ntitle = \"T\"\nbase_url = \"{base_url}\"\n");
        Config::parse(&text, Path::new("/srv/site")).unwrap()
    }

    #[test]
    fn a_feeds_link_header_is_made_once_and_follows_a_new_base_url() {
        let dir = tempfile::tempdir().unwrap();
        let site = Site::load(dir.path(), &[], &[], 60);
        assert_eq!(site.feed_links("world/rss.xml"), None, "not configured yet");
        site.configure(&config("https://a.example"));
        let first = site.feed_links("world/rss.xml").unwrap();
        assert_eq!(first, "<https://a.example/world/rss.xml>; rel=\"self\"");
        assert_eq!(site.feed_links("world/rss.xml").unwrap(), first);
        site.configure(&config("https://b.example"));
        assert_eq!(
            site.feed_links("world/rss.xml").unwrap(),
            "<https://b.example/world/rss.xml>; rel=\"self\""
        );
    }

    #[test]
    fn cache_control_is_the_feeds_ttl_but_for_the_archive_of_a_month_that_is_over() {
        let dir = tempfile::tempdir().unwrap();
        let site = Site::load(dir.path(), &[], &[], 1800);
        let now = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_796_000_000);
        assert_eq!(site.cache_control("rss.xml", now), "public, max-age=1800");
        let closed = site.cache_control("_/archive/2020-01/rss.xml", now);
        assert_eq!(
            closed,
            format!("public, max-age={}", layout::CLOSED_MAX_AGE.max(1800)).as_str()
        );
    }
}
