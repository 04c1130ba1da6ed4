//! Language and writing direction: which language an article is in, and whether it is RTL.
//!
//! Script decides first (Arabic, Hebrew, Latin...). Within the Arabic script, letters that
//! only Persian or Urdu use tell those apart from Arabic; whatlang confirms on longer text.

use whatlang::{Detector, Lang};

/// Characters of text the detector looks at: enough for trigrams to be reliable.
pub const SAMPLE_CHARS: usize = 400;

/// Languages written right to left.
pub fn is_rtl(lang: &str) -> bool {
    let primary = lang
        .split('-')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    matches!(
        primary.as_str(),
        "ar" | "fa" | "ur" | "he" | "yi" | "ps" | "sd" | "ug" | "ckb" | "dv" | "syr"
    )
}

/// Detects the language of `text`; `None` when the text does not say reliably.
pub fn detect(text: &str) -> Option<&'static str> {
    let sample: String = text.chars().take(SAMPLE_CHARS).collect();
    let counts = ScriptCounts::of(&sample);
    if counts.letters == 0 {
        return None;
    }
    if counts.arabic * 2 > counts.letters {
        return Some(arabic_script_language(&sample, &counts));
    }
    if counts.hebrew * 2 > counts.letters {
        return Some(if counts.yiddish_hint > 0 { "yi" } else { "he" });
    }
    if looks_english(&sample) {
        return Some("en");
    }
    let info = Detector::with_allowlist(SUPPORTED.to_vec()).detect(&sample)?;
    (info.is_reliable() || counts.letters >= 30).then(|| iso639_1(info.lang()))?
}

/// English by its function words: a fast path before trigram detection, which is costly.
fn looks_english(sample: &str) -> bool {
    const WORDS: [&str; 12] = [
        "the", "and", "of", "to", "in", "is", "that", "for", "with", "was", "on", "are",
    ];
    let (mut words, mut hits) = (0usize, 0usize);
    for word in sample
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
    {
        words += 1;
        hits += usize::from(WORDS.iter().any(|w| w.eq_ignore_ascii_case(word)));
    }
    words >= 8 && hits * 100 >= words * 12
}

fn arabic_script_language(sample: &str, counts: &ScriptCounts) -> &'static str {
    if counts.urdu_letters * 200 > counts.arabic && counts.urdu_letters >= 2 {
        return "ur";
    }
    if counts.persian_letters * 100 > counts.arabic && counts.persian_letters >= 2 {
        let allow = vec![Lang::Ara, Lang::Pes, Lang::Urd];
        return match Detector::with_allowlist(allow).detect_lang(sample) {
            Some(Lang::Urd) => "ur",
            Some(Lang::Ara) if counts.persian_letters < 3 => "ar",
            _ => "fa",
        };
    }
    "ar"
}

#[derive(Default)]
struct ScriptCounts {
    letters: usize,
    arabic: usize,
    hebrew: usize,
    persian_letters: usize,
    urdu_letters: usize,
    yiddish_hint: usize,
}

impl ScriptCounts {
    fn of(text: &str) -> ScriptCounts {
        let mut c = ScriptCounts::default();
        for ch in text.chars() {
            match ch as u32 {
                0x41..=0x5a | 0x61..=0x7a => c.letters += 1,
                0..=0x7f => {}
                // Arabic letters (not punctuation, digits or harakat).
                0x620..=0x64a
                | 0x66e..=0x6d3
                | 0x6fa..=0x6ff
                | 0x750..=0x77f
                | 0xfb50..=0xfdff
                | 0xfe70..=0xfeff => {
                    c.letters += 1;
                    c.arabic += 1;
                    c.count_distinctive(ch);
                }
                0x5d0..=0x5f2 => {
                    c.letters += 1;
                    c.hebrew += 1;
                    c.yiddish_hint += usize::from(matches!(ch, 'װ' | 'ױ' | 'ײ'));
                }
                _ if ch.is_alphabetic() => c.letters += 1,
                _ => {}
            }
        }
        c
    }

    fn count_distinctive(&mut self, ch: char) {
        match ch {
            'پ' | 'چ' | 'ژ' | 'گ' | 'ک' | 'ی' => self.persian_letters += 1,
            'ٹ' | 'ڈ' | 'ڑ' | 'ں' | 'ے' | 'ہ' | 'ھ' => self.urdu_letters += 1,
            _ => {}
        }
    }
}

/// Languages detection may answer; rarer ones are too easily confused on short texts.
const SUPPORTED: [Lang; 22] = [
    Lang::Eng,
    Lang::Fra,
    Lang::Deu,
    Lang::Spa,
    Lang::Por,
    Lang::Ita,
    Lang::Nld,
    Lang::Tur,
    Lang::Ind,
    Lang::Rus,
    Lang::Ukr,
    Lang::Ell,
    Lang::Ara,
    Lang::Pes,
    Lang::Urd,
    Lang::Heb,
    Lang::Hin,
    Lang::Cmn,
    Lang::Jpn,
    Lang::Kor,
    Lang::Swe,
    Lang::Pol,
];

fn iso639_1(lang: Lang) -> Option<&'static str> {
    Some(match lang {
        Lang::Eng => "en",
        Lang::Fra => "fr",
        Lang::Deu => "de",
        Lang::Spa => "es",
        Lang::Por => "pt",
        Lang::Ita => "it",
        Lang::Nld => "nl",
        Lang::Tur => "tr",
        Lang::Ind => "id",
        Lang::Rus => "ru",
        Lang::Ukr => "uk",
        Lang::Ell => "el",
        Lang::Ara => "ar",
        Lang::Pes => "fa",
        Lang::Urd => "ur",
        Lang::Heb => "he",
        Lang::Hin => "hi",
        Lang::Cmn => "zh",
        Lang::Jpn => "ja",
        Lang::Kor => "ko",
        Lang::Swe => "sv",
        Lang::Pol => "pl",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_text_is_arabic_and_rtl() {
        let lang = detect("قال وزير الاقتصاد إن النمو سيستمر خلال العام المقبل").unwrap();
        assert_eq!(lang, "ar");
        assert!(is_rtl(lang));
    }

    #[test]
    fn persian_is_told_apart_from_arabic() {
        let text = "این یک متن فارسی است که درباره اقتصاد کشور و گسترش بازار صحبت می‌کند";
        assert_eq!(detect(text), Some("fa"));
    }

    #[test]
    fn urdu_is_told_apart_from_arabic() {
        let text = "یہ ایک اردو متن ہے جو پاکستان کی معیشت کے بارے میں بات کرتا ہے اور ٹیکس";
        assert_eq!(detect(text), Some("ur"));
    }

    #[test]
    fn hebrew_is_hebrew() {
        assert_eq!(detect("שלום עולם, זהו טקסט בעברית על כלכלה"), Some("he"));
    }

    #[test]
    fn english_is_english_and_ltr() {
        let text = "The minister said the economy would keep growing through next year.";
        assert_eq!(detect(text), Some("en"));
        assert!(!is_rtl("en-GB"));
    }

    #[test]
    fn french_is_not_mistaken_for_english() {
        let text =
            "Le ministre a déclaré que l'économie continuerait de croître l'année prochaine.";
        assert_eq!(detect(text), Some("fr"));
    }

    #[test]
    fn digits_alone_say_nothing() {
        assert_eq!(detect("2024 - 11 - 29"), None);
    }
}
