//! The `Link` header of feed responses (RFC 8288): the feed's own public URL
//! (`rel="self"`) and each WebSub hub (`rel="hub"`), as the feeds themselves announce them,
//! so that a JSON Feed subscriber, whose format has no place for a hub, can discover one.

use crate::config::Config;
use crate::layout::key_url;

/// What a feed's `Link` header is made of: the site's address and its hubs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedLinks {
    base_url: String,
    hubs: Vec<String>,
}

impl FeedLinks {
    /// The links of `config`'s site (`site.base_url`, `websub.hubs`).
    pub fn of(config: &Config) -> FeedLinks {
        FeedLinks {
            base_url: config.site.base_url.clone(),
            hubs: config.websub.hubs.clone(),
        }
    }

    /// The `Link` header value of the feed published at `key`:
    /// `<https://…/world/rss.xml>; rel="self", <https://hub…/>; rel="hub"`.
    pub fn header(&self, key: &str) -> String {
        let mut links = vec![format!("<{}>; rel=\"self\"", key_url(&self.base_url, key))];
        links.extend(self.hubs.iter().map(|hub| format!("<{hub}>; rel=\"hub\"")));
        links.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_feed_links_itself_then_every_hub() {
        let links = FeedLinks {
            base_url: "https://news.example/ar".into(),
            hubs: vec!["https://hub.a/".into(), "https://hub.b/".into()],
        };
        assert_eq!(
            links.header("العالم/feed.json"),
            "<https://news.example/ar/%D8%A7%D9%84%D8%B9%D8%A7%D9%84%D9%85/feed.json>; rel=\"self\", \
             <https://hub.a/>; rel=\"hub\", <https://hub.b/>; rel=\"hub\""
        );
    }

    #[test]
    fn without_hubs_there_is_the_self_link_alone() {
        let links = FeedLinks {
            base_url: "https://news.example".into(),
            hubs: Vec::new(),
        };
        assert_eq!(
            links.header("rss.xml"),
            "<https://news.example/rss.xml>; rel=\"self\""
        );
    }
}
