//! OPML 2.0 listing every feed, so a reader can subscribe to all of them at once.

use super::FeedMeta;
use crate::article::escape_html;
use crate::config::Format;

/// Renders `feeds.opml`; each feed is listed once, in its preferred format.
pub fn render(site_title: &str, feeds: &[FeedMeta], formats: &[Format]) -> String {
    let preferred = Format::ALL
        .into_iter()
        .find(|f| formats.contains(f))
        .unwrap_or(Format::Rss);
    let kind = match preferred {
        Format::Rss => "rss",
        Format::Atom => "atom",
        Format::Json => "json",
    };
    let mut out =
        String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<opml version=\"2.0\">\n");
    out.push_str(&format!(
        "  <head>\n    <title>{}</title>\n  </head>\n  <body>\n",
        escape_html(site_title)
    ));
    for feed in feeds {
        out.push_str(&format!(
            "    <outline type=\"{kind}\" text=\"{t}\" title=\"{t}\" xmlUrl=\"{x}\" htmlUrl=\"{h}\" language=\"{l}\"/>\n",
            t = escape_html(&feed.title),
            x = escape_html(feed.self_url(preferred)),
            h = escape_html(&feed.home_url),
            l = escape_html(&feed.language),
        ));
    }
    out.push_str("  </body>\n</opml>\n");
    out
}
