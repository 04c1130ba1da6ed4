//! The HTML pages readers see: dates in the site's time zone.

use crate::support::Site;

#[test]
fn pages_show_the_day_an_article_is_dated_in_the_site_time_zone() {
    // Midnight 2024-11-25 in Asia/Riyadh is 21:00 on the 24th in UTC.
    let site = Site::new();
    site.write(
        "world/a.md",
        "---\ntitle: Dated\nslug: a\ndate: 2024-11-25\n---\nB.\n",
    );
    site.build();
    for key in ["world/a/index.html", "index.html", "world/index.html"] {
        let page = site.published(key);
        assert!(page.contains(">2024-11-25</time>"), "{key}: {page}");
        assert!(!page.contains(">2024-11-24</time>"), "{key}");
        assert!(
            page.contains("datetime=\"2024-11-25T00:00:00+03:00\""),
            "{key}"
        );
    }
}
