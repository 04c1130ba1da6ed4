//! Reading an article file: the one way a file's name and bytes become a [`Document`] and
//! its metadata. The scan and publishing both read through here, so a file is never of one
//! kind for the index and of another for its page. The decision of an article's own date
//! lives here too: its front matter, else its file name.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::{Defaults, Document, Kind, Meta, Rejection, date, extract};

/// An article file, read in full.
#[derive(Debug)]
pub struct Article {
    /// The decoded, split file, from which its content is rendered.
    pub document: Document,
    /// Its metadata, its own date decided (front matter, else file name).
    pub meta: Meta,
    /// Repairs made and values ignored, reported with the file's path.
    pub warnings: Vec<String>,
}

/// Reads the article file `name` (a file name, or a `/`-separated path whose last segment
/// is taken): its kind from the name, its bytes decoded and split, its metadata extracted
/// with `defaults`, and its own date decided ([`own_date`]).
pub fn read(name: &str, bytes: &[u8], defaults: &Defaults) -> Result<Article, Rejection> {
    let name = file_name(name);
    let document = read_document(name, bytes)?;
    let (mut meta, warnings) = extract(&document, defaults)?;
    meta.date = own_date(meta.date, name, defaults.timezone)?;
    Ok(Article {
        document,
        meta,
        warnings,
    })
}

/// The first step of [`read`] alone: the kind the name says and the document the bytes
/// make. Publishing renders content through this with the metadata the index stored: the
/// scan extracted it from these very bytes (their hash is checked), so extracting it again
/// would only repeat that work.
pub fn read_document(name: &str, bytes: &[u8]) -> Result<Document, Rejection> {
    let kind = Kind::of_file_name(file_name(name)).ok_or(Rejection::NotAnArticle)?;
    Document::parse(bytes, kind)
}

/// An article's own publication date: its front-matter `date` (`front`), else the date its
/// file name starts with ([`date::from_file_name`], read in `tz`), else none (the index then
/// dates it when it is first seen, see [`crate::identity`]). A name shaped like a date that
/// is not a valid one rejects the article even when the front matter gives a date: failing
/// closed on a typo.
pub fn own_date(
    front: Option<DateTime<Utc>>,
    name: &str,
    tz: Tz,
) -> Result<Option<DateTime<Utc>>, Rejection> {
    let name = file_name(name);
    let named = date::from_file_name(name, tz).map_err(|error| Rejection::InvalidDate {
        place: format!("file name `{name}`"),
        error,
    })?;
    Ok(front.or(named))
}

/// The last segment of a `/`-separated path.
fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::article::extract::test_defaults as defaults;

    fn day(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap()
    }

    #[test]
    fn the_front_matter_date_wins_over_the_file_name() {
        let md = b"---\ntitle: T\ndate: 2025-03-04\n---\nBody.\n";
        let article = read("world/2024-01-02-x.md", md, &defaults()).unwrap();
        assert_eq!(article.meta.date, Some(day(2025, 3, 4)));
    }

    #[test]
    fn the_file_name_dates_an_article_whose_front_matter_does_not() {
        let article = read("world/2024-01-02-x.txt", b"Title\nLede.\n", &defaults()).unwrap();
        assert_eq!(article.meta.date, Some(day(2024, 1, 2)));
        let undated = read("world/x.txt", b"Title\nLede.\n", &defaults()).unwrap();
        assert_eq!(undated.meta.date, None);
    }

    #[test]
    fn an_invalid_file_name_date_rejects_even_a_dated_article() {
        let md = b"---\ntitle: T\ndate: 2025-03-04\n---\nBody.\n";
        let err = read("2026-13-40-x.md", md, &defaults()).unwrap_err();
        assert!(matches!(err, Rejection::InvalidDate { .. }), "{err}");
        assert!(
            err.to_string().contains("file name `2026-13-40-x.md`"),
            "{err}"
        );
    }

    #[test]
    fn a_file_that_is_not_an_article_is_refused_on_every_path() {
        for name in ["world/x.jpg", "world/.x.md", "world/x.md~"] {
            let err = read(name, b"Title\n", &defaults()).unwrap_err();
            assert_eq!(err, Rejection::NotAnArticle, "{name}");
            let err = read_document(name, b"Title\n").unwrap_err();
            assert_eq!(err, Rejection::NotAnArticle, "{name}");
        }
    }
}
