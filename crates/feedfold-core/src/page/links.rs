//! What an article page links besides itself: the page of each of its authors (their
//! feed's page, `authors/{slug}/`), and the story in other languages, each link in the
//! words of the language it leads to ("اقرأ بالعربية", "Read in English"), marked with
//! that language and its direction. Pure.

use serde::Serialize;

use super::dir;
use crate::feed::Item;

/// An author as templates see them: their name, and their page (`none` for a name with
/// no letter or digit, which has no feed).
#[derive(Serialize)]
pub(super) struct AuthorVars<'a> {
    name: &'a str,
    url: Option<String>,
}

/// The authors of `item`, each with their page under `base_url`.
pub(super) fn authors<'a>(item: &'a Item, base_url: &str) -> Vec<AuthorVars<'a>> {
    item.authors
        .iter()
        .map(|name| AuthorVars {
            name,
            url: crate::layout::author_url(base_url, name),
        })
        .collect()
}

/// A translation as templates see it.
#[derive(Serialize)]
pub(super) struct TranslationVars<'a> {
    /// Its language (BCP 47): the link's `hreflang` and `lang`.
    lang: &'a str,
    /// Its direction, `rtl` or `ltr`: the link's `dir`.
    dir: &'static str,
    /// Its page.
    url: &'a str,
    /// "Read in …", in its own language.
    label: String,
}

/// The translations of `item`, by language.
pub(super) fn translations(item: &Item) -> Vec<TranslationVars<'_>> {
    item.translations
        .iter()
        .map(|t| TranslationVars {
            lang: &t.lang,
            dir: dir(&t.lang),
            url: &t.url,
            label: read_in(&t.lang),
        })
        .collect()
}

/// "Read in …", in the words of each language (by its primary subtag).
const READ_IN: [(&str, &str); 14] = [
    ("ar", "اقرأ بالعربية"),
    ("de", "Auf Deutsch lesen"),
    ("en", "Read in English"),
    ("es", "Leer en español"),
    ("fa", "به فارسی بخوانید"),
    ("fr", "Lire en français"),
    ("he", "קראו בעברית"),
    ("hi", "हिन्दी में पढ़ें"),
    ("id", "Baca dalam bahasa Indonesia"),
    ("ru", "Читать на русском"),
    ("sw", "Soma kwa Kiswahili"),
    ("tr", "Türkçe okuyun"),
    ("ur", "اردو میں پڑھیں"),
    ("zh", "阅读中文版"),
];

/// The words of a link to the version of a story in `lang`, in that language; for a
/// language this table does not know, its tag (`pt-BR`), which its readers recognise.
pub fn read_in(lang: &str) -> String {
    let primary = lang.split(['-', '_']).next().unwrap_or(lang);
    READ_IN
        .iter()
        .find(|(code, _)| code.eq_ignore_ascii_case(primary))
        .map_or_else(|| lang.to_string(), |(_, words)| words.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_to_a_version_reads_in_its_own_language() {
        assert_eq!(read_in("ar"), "اقرأ بالعربية");
        assert_eq!(read_in("en"), "Read in English");
        assert_eq!(read_in("en-GB"), "Read in English");
        assert_eq!(read_in("AR-eg"), "اقرأ بالعربية");
        assert_eq!(read_in("pt-BR"), "pt-BR");
    }

    #[test]
    fn the_table_is_sorted_and_each_language_is_in_it_once() {
        let codes: Vec<&str> = READ_IN.iter().map(|(c, _)| *c).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(codes, sorted);
    }
}
