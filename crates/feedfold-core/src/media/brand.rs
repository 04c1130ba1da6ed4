//! The site's own pictures, `site.icon` (square: favicons, the RSS `<image>`, Atom
//! `<icon>`, JSON Feed `icon` and `favicon`, the apple-touch icon) and `site.logo` (wide:
//! Atom `<logo>`, the page header, the JSON-LD publisher's logo). Pure: what a setting
//! names ([`Source`]), and what the shell found there ([`Mark`]).

use serde::Serialize;

use super::Prepared;

/// What `site.icon` or `site.logo` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source<'a> {
    /// An absolute `http(s)` URL, used as it is (never fetched).
    Url(&'a str),
    /// A file in the content folder (`paths.feeds`), by its path relative to it.
    File(&'a str),
}

/// Reads a setting: an `http(s)` URL, or a relative path that stays in the content folder.
pub fn source(value: &str) -> Result<Source<'_>, &'static str> {
    if value.starts_with("http://") || value.starts_with("https://") {
        return match url::Url::parse(value) {
            Ok(url) if url.host_str().is_some() => Ok(Source::Url(value)),
            _ => Err("is not a valid http(s) URL"),
        };
    }
    if value.contains("://") || value.starts_with("data:") {
        return Err("must be an http(s) URL or a file in the content folder");
    }
    if value.trim().is_empty() || value.starts_with('/') || value.starts_with('\\') {
        return Err("must be a path relative to the content folder (`paths.feeds`)");
    }
    if value.split(['/', '\\']).any(|part| part == "..") {
        return Err("must stay inside the content folder: no `..`");
    }
    Ok(Source::File(value))
}

/// A site picture, as feeds and pages link it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mark {
    /// Its absolute URL: the published copy's, or the configured URL.
    pub url: String,
    /// The published copy's key (`_/media/….png`) and the file it is read from, for a file
    /// in the content folder.
    #[serde(skip)]
    pub file: Option<(String, String)>,
    /// Width and height in pixels, when read from the file.
    pub width: Option<u32>,
    /// See `width`.
    pub height: Option<u32>,
    /// The media type, when read from the file.
    pub mime: Option<&'static str>,
}

/// The largest `<image>` RSS 2.0 allows: 144 pixels wide, 400 high.
const RSS_IMAGE_MAX: (u32, u32) = (144, 400);

impl Mark {
    /// A picture at a URL: nothing known of it but where it is.
    pub fn remote(url: &str) -> Mark {
        Mark {
            url: url.to_string(),
            file: None,
            width: None,
            height: None,
            mime: None,
        }
    }

    /// The published copy of the file at `path` (relative to the content folder), read and
    /// checked as `prepared`, on a site served at `base_url`.
    pub fn local(base_url: &str, path: &str, prepared: &Prepared) -> Mark {
        let kind = prepared.probed.kind;
        let key = crate::layout::media_key(&prepared.hash(), kind.extension());
        let (width, height) = prepared.shown_size();
        Mark {
            url: crate::layout::key_url(base_url, &key),
            file: Some((key, path.to_string())),
            width: Some(width),
            height: Some(height),
            mime: Some(kind.mime()),
        }
    }

    /// The size an RSS `<image>` declares: the picture's, scaled down to fit 144 × 400
    /// keeping its shape (readers draw it at that size); `None` when unknown.
    pub fn rss_size(&self) -> Option<(u32, u32)> {
        let (w, h) = (self.width?, self.height?);
        let (max_w, max_h) = RSS_IMAGE_MAX;
        let scale = f64::min(
            1.0,
            f64::min(max_w as f64 / w as f64, max_h as f64 / h as f64),
        );
        let fit = |n: u32| ((n as f64 * scale).round() as u32).max(1);
        Some((fit(w), fit(h)))
    }
}

/// `site.icon` and `site.logo`, as the shell found them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Marks {
    /// The square icon.
    pub icon: Option<Mark>,
    /// The wide logo.
    pub logo: Option<Mark>,
}

impl Marks {
    /// The pictures to publish: `(key, path in the content folder)`.
    pub fn files(&self) -> impl Iterator<Item = (&str, &str)> {
        [&self.icon, &self.logo]
            .into_iter()
            .flatten()
            .filter_map(|m| m.file.as_ref().map(|(k, p)| (k.as_str(), p.as_str())))
    }
}

/// What is odd about a picture's shape for its use, if anything: an icon should be square
/// (Atom `<icon>`, favicons), a logo twice as wide as high (Atom `<logo>`).
pub fn shape_advice(logo: bool, width: u32, height: u32) -> Option<String> {
    let ratio = width as f64 / height.max(1) as f64;
    if logo && !(1.5..=4.0).contains(&ratio) {
        Some(format!(
            "is {width}×{height}: a logo should be about twice as wide as high (Atom `logo`)"
        ))
    } else if !logo && (ratio - 1.0).abs() > 0.05 {
        Some(format!(
            "is {width}×{height}: an icon should be square (favicons, Atom `icon`)"
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_setting_is_a_url_or_a_file_that_stays_in_the_content_folder() {
        assert_eq!(
            source("https://cdn.example.org/i.png"),
            Ok(Source::Url("https://cdn.example.org/i.png"))
        );
        assert_eq!(source("brand/icon.png"), Ok(Source::File("brand/icon.png")));
        for bad in [
            "/etc/passwd",
            "../icon.png",
            "brand/../../x.png",
            "",
            "ftp://x/i.png",
        ] {
            assert!(source(bad).is_err(), "{bad}");
        }
        assert!(source("data:image/png;base64,AAAA").is_err());
        assert!(source("https://").is_err());
    }

    #[test]
    fn the_rss_image_fits_144_by_400_keeping_its_shape() {
        let mark = |w, h| Mark {
            width: Some(w),
            height: Some(h),
            ..Mark::remote("https://x/i.png")
        };
        assert_eq!(mark(512, 512).rss_size(), Some((144, 144)));
        assert_eq!(mark(64, 64).rss_size(), Some((64, 64)));
        assert_eq!(mark(600, 300).rss_size(), Some((144, 72)));
        assert_eq!(mark(100, 1000).rss_size(), Some((40, 400)));
        assert_eq!(Mark::remote("https://x/i.png").rss_size(), None);
    }

    #[test]
    fn odd_shapes_are_named() {
        assert!(shape_advice(false, 512, 512).is_none());
        assert!(shape_advice(false, 600, 300).unwrap().contains("square"));
        assert!(shape_advice(true, 600, 300).is_none());
        assert!(shape_advice(true, 300, 300).unwrap().contains("twice"));
    }
}
