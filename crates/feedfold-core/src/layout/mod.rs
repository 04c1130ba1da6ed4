//! The publish folder's layout: where every published file lives, what each is served as,
//! and which top-level names are not free for channels. Pure: names in, names out.
//!
//! ```text
//! rss.xml atom.xml feed.json index.html   the site feed and the home page
//! feeds.opml feed.xsl                     every feed; the stylesheet feeds point at
//! sitemap.xml news-sitemap.xml robots.txt  for search engines (see `crate::sitemap`)
//! {channel}/rss.xml … index.html          a channel's feed and its page
//! {channel}/{slug}/index.html             an article's page
//! tags/{tag}/…  lang/{code}/…             generated feeds: one per tag, one per language,
//! authors/{author}/…                      and one per author
//! _/…                                     paths readers never type (images, assets…)
//! _/site.css                              the site's own stylesheet (`templates/style.css`)
//! _/sitemaps/sitemap-{n}.xml              the parts of a sitemap too large for one file
//! _/archive/{scope folder}{YYYY-MM}/…      monthly archives of the site and channel feeds
//! _/preview.js _/preview-version         `serve --preview` only: the page reload
//! _/media/{hash}.{ext}                    a picture, named by its content (immutable)
//! _/media/{hash}-thumb.jpg                its thumbnail
//! ```
//!
//! Feeds people subscribe to by hand keep plain names; everything else generated goes
//! under [`FILES`].

mod archive;
mod format;
mod urls;

pub use archive::{
    ARCHIVES, CLOSED_MAX_AGE, Month, archive_dir, archive_key, archive_month, is_archive, max_age,
};
pub use format::Format;
pub use urls::{article_of_url, article_url, encode_path, encode_segment, key_url};

/// The page of a folder: `index.html`, so that `/world/` is a page.
pub const INDEX: &str = "index.html";

/// Key of the OPML list of every feed.
pub const OPML: &str = "feeds.opml";

/// Key of the XSLT stylesheet feeds point at, at the root.
pub const STYLESHEET: &str = "feed.xsl";

/// Key of the sitemap (sitemaps.org): every page, or the index of its parts.
pub const SITEMAP: &str = "sitemap.xml";

/// Key of the Google News sitemap: the articles of the last 48 hours.
pub const NEWS_SITEMAP: &str = "news-sitemap.xml";

/// Key of `robots.txt`, which announces the sitemaps to crawlers.
pub const ROBOTS: &str = "robots.txt";

/// The key of part `n` (from 1) of a sitemap too large for one file.
pub fn sitemap_part_key(n: usize) -> String {
    format!("{FILES}/sitemaps/sitemap-{n}.xml")
}

/// Whether `key` is a sitemap: the sitemap (or its index), one of its parts, or the news
/// sitemap.
pub fn is_sitemap(key: &str) -> bool {
    key == SITEMAP
        || key == NEWS_SITEMAP
        || (key.strip_prefix(FILES)).is_some_and(|k| k.starts_with("/sitemaps/sitemap-"))
}

/// Folder of the tag feeds: `tags/{tag}/`.
pub const TAGS: &str = "tags";

/// Folder of the language feeds: `lang/{code}/`.
pub const LANG: &str = "lang";

/// Folder of the author feeds: `authors/{author}/` (the author's slug).
pub const AUTHORS: &str = "authors";

/// The one folder for paths readers never type: images, assets, archives.
pub const FILES: &str = "_";

/// Key of the site's own stylesheet (`templates/style.css`), linked from every page.
pub const SITE_STYLESHEET: &str = "_/site.css";

/// Key of the reload script of `serve --preview`'s pages (served by a preview only).
pub const PREVIEW_SCRIPT: &str = "_/preview.js";

/// Key of `serve --preview`'s publish counter, which the reload script asks for.
pub const PREVIEW_VERSION: &str = "_/preview-version";
/// Folder of the published pictures: `_/media/{hash}.{ext}`, named by their content.
pub const MEDIA: &str = "_/media/";

/// The key of a picture whose published bytes hash to `hash` (hex): immutable, since other
/// bytes get another name.
pub fn media_key(hash: &str, extension: &str) -> String {
    format!("{MEDIA}{hash}.{extension}")
}

/// The key of the thumbnail of the picture whose published bytes hash to `hash`.
pub fn thumb_key(hash: &str) -> String {
    format!("{MEDIA}{hash}-thumb.jpg")
}

/// Prefix of the key of the built-in page stylesheet: `_/style.{hash}.css`.
const PAGE_STYLE: &str = "_/style.";

/// The key of the built-in page stylesheet whose text hashes to `hash` (hex): immutable,
/// since another text gets another name.
pub fn page_style_key(hash: &str) -> String {
    format!("{PAGE_STYLE}{hash}.css")
}

/// True for keys whose bytes never change (pictures, the page stylesheet): served and
/// uploaded as immutable.
pub fn is_immutable(key: &str) -> bool {
    key.starts_with(MEDIA) || (key.starts_with(PAGE_STYLE) && key.ends_with(".css"))
}

/// `Cache-Control` of immutable keys ([`is_immutable`]).
pub const IMMUTABLE_CACHE: &str = "public, max-age=31536000, immutable";

/// Top-level names no channel folder may take: their feeds would collide with generated ones.
pub const RESERVED_CHANNELS: [&str; 4] = [TAGS, LANG, AUTHORS, FILES];

/// Paths the server answers itself, which a channel page would shadow.
pub const ENDPOINTS: [&str; 2] = ["healthz", "metrics"];

/// Why a channel folder may not be named `name`, if it may not. Besides the folders above,
/// the names of the files at the root (`rss.xml`, `index.html`, ...): a channel folder of
/// that name would stand where the file must be written, and stop every publish.
pub fn reserved(name: &str) -> Option<&'static str> {
    let root_file = Format::ALL.iter().any(|f| f.file_name() == name)
        || [INDEX, OPML, STYLESHEET, SITEMAP, NEWS_SITEMAP, ROBOTS].contains(&name);
    match name {
        TAGS | LANG | AUTHORS => Some("channel name is reserved for generated feeds"),
        FILES => Some("channel name is reserved for generated files (images, assets, archives)"),
        _ if root_file => Some("channel name is the name of a generated file at the root"),
        _ if ENDPOINTS.contains(&name) => {
            Some("channel name is reserved for the server's endpoints")
        }
        _ => None,
    }
}

/// What a feed covers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// Every article: the site feed.
    Site,
    /// The articles of one channel (its name).
    Channel(String),
    /// The articles with one tag (its slug).
    Tag(String),
    /// The articles in one language (its BCP 47 tag).
    Lang(String),
    /// The articles of one author (the slug of their name).
    Author(String),
}

/// The folder of a feed, as a key prefix: "", "world/", "tags/economy/", "lang/ar/",
/// "authors/sara-ahmed/".
pub fn feed_dir(scope: &Scope) -> String {
    match scope {
        Scope::Site => String::new(),
        Scope::Channel(name) => format!("{name}/"),
        Scope::Tag(slug) => format!("{TAGS}/{slug}/"),
        Scope::Lang(code) => format!("{LANG}/{code}/"),
        Scope::Author(slug) => format!("{AUTHORS}/{slug}/"),
    }
}

/// The feed of the author named `name`: the slug of the name (so that spellings that differ
/// only in case or punctuation are one author); `None` for a name with no letter or digit.
pub fn author_scope(name: &str) -> Option<Scope> {
    crate::article::slug::slugify(name).map(Scope::Author)
}

/// The URL of the page of the author named `name` under `base_url`, if they have one.
pub fn author_url(base_url: &str, name: &str) -> Option<String> {
    author_scope(name).map(|scope| key_url(base_url, &feed_dir(&scope)))
}

/// The key of a feed in one format: `world/rss.xml`.
pub fn feed_key(scope: &Scope, format: Format) -> String {
    format!("{}{}", feed_dir(scope), format.file_name())
}

/// The key of a feed's page (the home page for the site feed): `world/index.html`.
pub fn listing_key(scope: &Scope) -> String {
    format!("{}{INDEX}", feed_dir(scope))
}

/// The stylesheet's URL relative to a file in folder `dir` (a key prefix such as `world/`).
pub fn stylesheet_href(dir: &str) -> String {
    format!("{}{STYLESHEET}", "../".repeat(dir.matches('/').count()))
}

/// The key of an article's page: `{channel}/{slug}/index.html`, at [`article_url`].
pub fn page_key(channel: &str, slug: &str) -> String {
    format!("{channel}/{slug}/{INDEX}")
}

/// The format of the feed at `key`, if it is one.
pub fn format_of(key: &str) -> Option<Format> {
    Format::of_file_name(file_name(key))
}

/// True for the feed files readers poll (archive documents too: see [`is_archive`]).
pub fn is_feed(key: &str) -> bool {
    format_of(key).is_some()
}

/// The `Content-Type` a published key is served with.
pub fn media_type(key: &str) -> &'static str {
    let name = file_name(key);
    match Format::of_file_name(name) {
        Some(format) => format.content_type(),
        None if name.ends_with(".opml") => "text/x-opml; charset=utf-8",
        None if name.ends_with(".xsl") => "text/xsl; charset=utf-8",
        None if name.ends_with(".html") => "text/html; charset=utf-8",
        None if name.ends_with(".css") => "text/css; charset=utf-8",
        None if name.ends_with(".xml") => "application/xml; charset=utf-8",
        None if name.ends_with(".txt") => "text/plain; charset=utf-8",
        None if name.ends_with(".jpg") => "image/jpeg",
        None if name.ends_with(".png") => "image/png",
        None if name.ends_with(".gif") => "image/gif",
        None if name.ends_with(".webp") => "image/webp",
        None if name.ends_with(".avif") => "image/avif",
        None => "application/octet-stream",
    }
}

/// The last segment of a key.
fn file_name(key: &str) -> &str {
    key.rsplit('/').next().unwrap_or(key)
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

    #[test]
    fn the_stylesheet_and_other_files_get_their_media_types() {
        assert_eq!(media_type(STYLESHEET), "text/xsl; charset=utf-8");
        assert_eq!(media_type(SITE_STYLESHEET), "text/css; charset=utf-8");
        assert_eq!(media_type("_/a.bin"), "application/octet-stream");
        assert_eq!(media_type(&media_key("ab12", "webp")), "image/webp");
        assert_eq!(media_type(&thumb_key("ab12")), "image/jpeg");
        assert!(is_immutable(&thumb_key("ab12")) && !is_immutable(SITE_STYLESHEET));
        assert!(is_immutable(&page_style_key("ab12")));
        assert_eq!(
            media_type(&page_style_key("ab12")),
            "text/css; charset=utf-8"
        );
    }

    #[test]
    fn sitemaps_are_xml_robots_is_plain_text_and_only_sitemaps_count_as_sitemaps() {
        assert_eq!(media_type(SITEMAP), "application/xml; charset=utf-8");
        assert_eq!(media_type(NEWS_SITEMAP), "application/xml; charset=utf-8");
        assert_eq!(
            media_type(&sitemap_part_key(2)),
            "application/xml; charset=utf-8"
        );
        assert_eq!(sitemap_part_key(2), "_/sitemaps/sitemap-2.xml");
        for key in [SITEMAP, NEWS_SITEMAP, &sitemap_part_key(2)] {
            assert!(is_sitemap(key), "{key}");
        }
        for key in [ROBOTS, "sitemap/index.html", "_/sitemaps.xml", "feed.xml"] {
            assert!(!is_sitemap(key), "{key}");
        }
        assert_eq!(media_type(ROBOTS), "text/plain; charset=utf-8");
    }

    #[test]
    fn every_feed_lives_in_its_scope_folder_under_its_format_name() {
        let tag = Scope::Tag("economy".into());
        assert_eq!(feed_key(&Scope::Site, Format::Json), "feed.json");
        assert_eq!(feed_key(&tag, Format::Rss), "tags/economy/rss.xml");
        assert_eq!(listing_key(&Scope::Lang("ar".into())), "lang/ar/index.html");
        assert_eq!(listing_key(&Scope::Site), INDEX);
        assert!(is_feed("tags/economy/rss.xml") && !is_feed("world/a/index.html"));
        assert_eq!(format_of("world/atom.xml"), Some(Format::Atom));
        assert_eq!(stylesheet_href(&feed_dir(&tag)), "../../feed.xsl");
        assert_eq!(stylesheet_href(""), STYLESHEET);
        let author = author_scope("سارة أحمد").unwrap();
        assert_eq!(author, Scope::Author("سارة-أحمد".into()));
        assert_eq!(author_scope("—"), None);
        assert_eq!(listing_key(&author), "authors/سارة-أحمد/index.html");
        assert_eq!(
            key_url("https://x.org", &feed_dir(&author)),
            "https://x.org/authors/%D8%B3%D8%A7%D8%B1%D8%A9-%D8%A3%D8%AD%D9%85%D8%AF/"
        );
    }

    #[test]
    fn generated_folders_are_reserved_and_ordinary_channel_names_are_not() {
        for name in RESERVED_CHANNELS {
            assert!(reserved(name).is_some(), "{name}");
        }
        for name in [
            "rss.xml",
            "atom.xml",
            "feed.json",
            "index.html",
            "feeds.opml",
            "feed.xsl",
            "sitemap.xml",
            "news-sitemap.xml",
            "robots.txt",
            "healthz",
        ] {
            assert!(reserved(name).is_some(), "{name}");
        }
        for name in ["world", "tag", "العالم", "__"] {
            assert_eq!(reserved(name), None, "{name}");
        }
        assert_eq!(page_key("world", "a"), "world/a/index.html");
    }
}
