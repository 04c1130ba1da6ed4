//! Bytes to text: BOMs, UTF-16, legacy Arabic 8-bit encodings, line ends and the
//! characters XML 1.0 forbids. Everything an article file says passes through here first.

use encoding_rs::{Encoding, UTF_8};

/// Text decoded from an article file, with what had to be repaired on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The text, with `\n` line ends and no XML-forbidden characters.
    pub text: String,
    /// Name of the encoding the bytes were read as (`UTF-8`, `windows-1256`, ...).
    pub encoding: &'static str,
    /// Repairs worth reporting (invalid bytes replaced, control characters removed).
    pub repairs: Vec<String>,
}

/// Why bytes are not an article at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotText {
    Binary,
}

/// Decodes an article file's bytes, detecting its encoding.
pub fn decode(bytes: &[u8]) -> Result<Decoded, NotText> {
    let mut repairs = Vec::new();
    let (text, encoding) = if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            repairs.push(format!("invalid {} bytes replaced", encoding.name()));
        }
        (text.into_owned(), encoding)
    } else {
        if looks_binary(bytes) {
            return Err(NotText::Binary);
        }
        decode_without_bom(bytes, &mut repairs)
    };
    let text = normalize_line_ends(text);
    let (text, removed) = strip_forbidden(text);
    if removed > 0 {
        repairs.push(format!("{removed} character(s) not allowed in XML removed"));
    }
    Ok(Decoded {
        text,
        encoding: encoding.name(),
        repairs,
    })
}

fn decode_without_bom(bytes: &[u8], repairs: &mut Vec<String>) -> (String, &'static Encoding) {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (text.to_owned(), UTF_8);
    }
    if is_mostly_utf8(bytes) {
        repairs.push("invalid UTF-8 bytes replaced".to_string());
        return (String::from_utf8_lossy(bytes).into_owned(), UTF_8);
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let encoding = detector.guess(None, chardetng::Utf8Detection::Allow);
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors {
        repairs.push(format!("invalid {} bytes replaced", encoding.name()));
    }
    (text.into_owned(), encoding)
}

/// UTF-8 with a few damaged bytes, as opposed to a legacy 8-bit file.
fn is_mostly_utf8(bytes: &[u8]) -> bool {
    let lossy = String::from_utf8_lossy(bytes);
    let replaced = lossy.chars().filter(|&c| c == '\u{FFFD}').count();
    let multibyte = lossy
        .chars()
        .filter(|&c| c as u32 > 0x7f && c != '\u{FFFD}')
        .count();
    multibyte >= 4 * replaced.max(1)
}

/// Binary content: over one byte in [`BINARY_SHARE`] of the first 8 KiB, and at least
/// [`BINARY_MIN`] bytes, are control bytes (NUL included; tab, line ends and form feed are
/// text). A few stray controls, as word processors leave, are text: they are removed later
/// and reported.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    let controls = head.iter().fold(0usize, |n, &b| {
        n + usize::from((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r') & (b != 0x0c))
    });
    controls >= BINARY_MIN && controls * BINARY_SHARE > head.len()
}

/// Fewer control bytes than this are stray ones, however short the file.
const BINARY_MIN: usize = 4;

/// One control byte in this many (5%) means binary: images, archives and compressed data
/// have about 11%, UTF-16 without a BOM up to 50%.
const BINARY_SHARE: usize = 20;

fn normalize_line_ends(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// True for a character XML 1.0 allows in a document.
pub fn is_xml_char(c: char) -> bool {
    match c {
        '\t' | '\n' | '\r' => true,
        '\u{0}'..='\u{1f}' => false,
        '\u{fffe}' | '\u{ffff}' => false,
        _ => true,
    }
}

/// True when `text` has a character XML 1.0 forbids: C0 controls other than tab, LF and
/// CR, or U+FFFE/U+FFFF.
pub(super) fn has_forbidden(text: &str) -> bool {
    // Branch-free so that it vectorises: this runs over every byte of every article.
    let control = text.as_bytes().iter().fold(false, |acc, &b| {
        acc | ((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r'))
    });
    control || text.contains('\u{fffe}') || text.contains('\u{ffff}')
}

/// Removes characters XML 1.0 forbids; returns the text and how many were removed.
fn strip_forbidden(text: String) -> (String, usize) {
    if !has_forbidden(&text) {
        return (text, 0);
    }
    let kept: String = text.chars().filter(|&c| is_xml_char(c)).collect();
    let removed = text.chars().count() - kept.chars().count();
    (kept, removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_bom_and_crlf_reads_as_clean_lines() {
        let d = decode("\u{feff}عنوان\r\nسطر\rآخر".as_bytes()).unwrap();
        assert_eq!(d.text, "عنوان\nسطر\nآخر");
        assert!(d.repairs.is_empty());
    }

    #[test]
    fn utf16_little_endian_with_bom_is_decoded() {
        let mut bytes = vec![0xff, 0xfe];
        bytes.extend("مرحبا\n".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&bytes).unwrap().text, "مرحبا\n");
    }

    #[test]
    fn windows_1256_arabic_is_detected() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1256
            .encode("الاقتصاد العربي ينمو بسرعة في هذا العام الجديد\nوقال الوزير إن النمو مستمر\n");
        let d = decode(&bytes).unwrap();
        assert_eq!(d.encoding, "windows-1256");
        assert!(d.text.starts_with("الاقتصاد العربي"));
    }

    #[test]
    fn control_characters_are_removed_and_reported() {
        let d = decode("a title\u{8} with\u{1b} controls".as_bytes()).unwrap();
        assert_eq!(d.text, "a title with controls");
        assert_eq!(d.repairs.len(), 1);
    }

    #[test]
    fn a_stray_invalid_byte_in_utf8_is_replaced_and_reported() {
        let mut bytes = "عنوان المقال الطويل هنا".as_bytes().to_vec();
        bytes.push(0xff);
        let d = decode(&bytes).unwrap();
        assert!(d.text.ends_with('\u{FFFD}'));
        assert_eq!(d.repairs, ["invalid UTF-8 bytes replaced"]);
    }

    #[test]
    fn a_png_header_is_binary() {
        assert_eq!(decode(b"\x89PNG\r\n\x1a\n\0\0\0"), Err(NotText::Binary));
    }

    #[test]
    fn random_bytes_and_utf16_without_a_bom_are_binary() {
        let noise: Vec<u8> = (0u32..8192)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        assert_eq!(decode(&noise), Err(NotText::Binary));
        let utf16: Vec<u8> = "Title\nBody text.\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(decode(&utf16), Err(NotText::Binary));
    }

    #[test]
    fn a_text_with_a_stray_nul_backspace_and_form_feed_is_text_cleaned_and_reported() {
        let text = "Budget approved\nThe council approved the budget\0 on Monday.\n\
                    It takes effect\u{8} in March.\u{c}\nMore later.\n";
        let d = decode(text.as_bytes()).unwrap();
        assert_eq!(
            d.text,
            "Budget approved\nThe council approved the budget on Monday.\n\
             It takes effect in March.\nMore later.\n"
        );
        assert_eq!(d.repairs, ["3 character(s) not allowed in XML removed"]);
    }
}
