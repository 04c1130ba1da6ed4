//! Unicode slugs: an Arabic title gives an Arabic slug, never a lossy transliteration.

/// Longest slug, in characters.
const MAX_CHARS: usize = 80;

/// Makes a slug from `title`: lower-case letters and digits of any script joined by `-`.
///
/// Arabic diacritics (harakat) and the tatweel are dropped so that differently vocalised
/// spellings of a title give the same slug. Returns `None` when nothing usable is left.
pub fn slugify(title: &str) -> Option<String> {
    let mut slug = String::new();
    let mut pending_dash = false;
    let mut count = 0;
    for c in title.chars() {
        if c == '\u{640}' || is_mark(c) {
            continue;
        }
        if c.is_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                if count + 1 >= MAX_CHARS {
                    break;
                }
                slug.push('-');
                count += 1;
            }
            pending_dash = false;
            for lower in c.to_lowercase() {
                slug.push(lower);
                count += 1;
            }
            if count >= MAX_CHARS {
                break;
            }
        } else {
            pending_dash = true;
        }
    }
    (!slug.is_empty()).then_some(slug)
}

/// Combining marks (Arabic harakat, Latin accents written separately) join, never split.
fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x300..=0x36f | 0x610..=0x61a | 0x64b..=0x65f | 0x670 | 0x6d6..=0x6ed)
}

/// Makes `base` unique among `taken` by appending `-2`, `-3`, ...
pub fn uniquify(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|candidate| !taken(candidate))
        .unwrap_or_else(|| base.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_arabic_title_keeps_arabic_letters() {
        assert_eq!(
            slugify("بوتين يزور مينسك.. تعاون جديد").as_deref(),
            Some("بوتين-يزور-مينسك-تعاون-جديد")
        );
    }

    #[test]
    fn harakat_and_tatweel_do_not_change_the_slug() {
        assert_eq!(slugify("مَرْحَبـــا"), slugify("مرحبا"));
    }

    #[test]
    fn english_is_lower_cased_and_punctuation_becomes_dashes() {
        assert_eq!(
            slugify("Hello, World! <b>2024</b>").as_deref(),
            Some("hello-world-b-2024-b")
        );
    }

    #[test]
    fn a_title_of_only_symbols_gives_no_slug() {
        assert_eq!(slugify("!!! ... ؟"), None);
    }

    #[test]
    fn long_titles_are_capped() {
        let slug = slugify(&"word ".repeat(100)).unwrap();
        assert!(slug.chars().count() <= MAX_CHARS);
        assert!(!slug.ends_with('-'));
    }

    #[test]
    fn taken_slugs_get_a_numeric_suffix() {
        let taken = ["a", "a-2"];
        assert_eq!(uniquify("a", |s| taken.contains(&s)), "a-3");
    }
}
