//! Log lines that input cannot forge. File names and reasons quoted in a log line may hold
//! newlines and terminal escapes (`a\nERROR forged.txt`); every line written to the human
//! log passes through [`Escaping`], which writes each control character as a visible
//! escape, so that one event is always one line. JSON logs escape by themselves.

use std::borrow::Cow;
use std::io::{self, Write};

/// `text` with every control character but the final line end written as `\n`, `\t`,
/// `\u{1b}`...
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    let body = text.strip_suffix('\n').unwrap_or(text);
    if !body.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in body.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    if body.len() < text.len() {
        out.push('\n');
    }
    Cow::Owned(out)
}

/// A writer that escapes control characters in each line it is given (the log formatter
/// writes one event per call).
pub struct Escaping<W>(pub W);

impl<W: Write> Write for Escaping<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(escape_controls(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_newline_in_a_file_name_cannot_start_a_second_log_line() {
        let line = "WARN file skipped path=feeds/a\nERROR forged.txt\n";
        assert_eq!(
            escape_controls(line),
            "WARN file skipped path=feeds/a\\nERROR forged.txt\n"
        );
    }

    #[test]
    fn terminal_escapes_are_shown_not_obeyed() {
        assert_eq!(escape_controls("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
    }

    #[test]
    fn arabic_text_passes_unchanged() {
        assert!(matches!(escape_controls("خبر عاجل\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn the_writer_escapes_what_it_is_given() {
        let mut out = Escaping(Vec::new());
        out.write_all(b"x\ry\n").unwrap();
        assert_eq!(out.0, b"x\\ry\n");
    }
}
