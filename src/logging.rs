//! Log lines that input cannot forge, and the log set-up of the command line.
//!
//! File names and reasons quoted in a log line may hold newlines and terminal escapes
//! (`a\nERROR forged.txt`). Every field of a human log line is formatted through
//! [`EscapedFields`], which writes each control character as a visible escape, so that one
//! event is always one line and data never reaches the terminal as a command. The line as a
//! whole then passes through [`Escaping`] (no colours: every control character but the line
//! end escaped) or, when colours are on, [`KeepingColours`], which lets through only the
//! colour codes (SGR, `ESC [ … m`) the formatter itself writes around the level and the
//! time: data holds no escape by then. JSON logs escape by themselves.
//!
//! Colours ([`use_colour`]) are on only when standard error is a terminal and `NO_COLOR` is
//! unset or empty (<https://no-color.org>). How much is logged ([`filter`]): `info` by
//! default, `-v` feedfold's debug events, `-vv` its trace events, `-vvv` every library's,
//! `-q` warnings and errors only, `-qq` errors only; `RUST_LOG`, when set, wins.

use std::borrow::Cow;
use std::ffi::OsStr;
use std::fmt;
use std::io::{self, Write};

use tracing_subscriber::field::RecordFields;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::FormatFields;
use tracing_subscriber::fmt::format::{DefaultFields, Writer};
use tracing_subscriber::prelude::*;

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

/// `text` with every control character written as an escape, a final line end too.
fn escape_every_control(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Like [`escape_controls`], but a colour code (SGR: `ESC [`, digits and `;`, then `m`) is
/// kept as it is: only the log formatter writes those, since fields are escaped before.
pub fn escape_controls_keeping_colours(text: &str) -> Cow<'_, str> {
    let body = text.strip_suffix('\n').unwrap_or(text);
    if !body.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = body;
    while let Some(c) = rest.chars().next() {
        if c == '\u{1b}'
            && let Some(len) = colour_code_len(rest)
        {
            out.push_str(&rest[..len]);
            rest = &rest[len..];
            continue;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    if body.len() < text.len() {
        out.push('\n');
    }
    Cow::Owned(out)
}

/// The length of the SGR sequence `text` starts with (`ESC [ 1 ; 31 m`), if it starts with
/// one: a colour or a style, never a cursor move, a screen clear or a title.
fn colour_code_len(text: &str) -> Option<usize> {
    let params = text.strip_prefix("\u{1b}[")?;
    let digits = params
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b';')
        .count();
    (params.as_bytes().get(digits) == Some(&b'm')).then_some(2 + digits + 1)
}

/// A writer that escapes control characters in each line it is given (the log formatter
/// writes one event per call).
pub struct Escaping<W>(pub W);

impl<W: Write> Write for Escaping<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        let line = escape_controls(&text);
        crate::progress::around_log(|| self.0.write_all(line.as_bytes()))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// [`Escaping`] that lets the formatter's colour codes through (see
/// [`escape_controls_keeping_colours`]); only for lines whose fields [`EscapedFields`]
/// formatted.
pub struct KeepingColours<W>(pub W);

impl<W: Write> Write for KeepingColours<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        let line = escape_controls_keeping_colours(&text);
        crate::progress::around_log(|| self.0.write_all(line.as_bytes()))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// The default field formatter, with every control character in the fields (the message,
/// names, reasons, paths) written as a visible escape, and no colour codes of its own.
#[derive(Debug, Default)]
pub struct EscapedFields(DefaultFields);

impl<'writer> FormatFields<'writer> for EscapedFields {
    fn format_fields<R: RecordFields>(
        &self,
        mut writer: Writer<'writer>,
        fields: R,
    ) -> fmt::Result {
        let mut plain = String::new();
        self.0.format_fields(Writer::new(&mut plain), fields)?;
        fmt::Write::write_str(&mut writer, &escape_every_control(&plain))
    }
}

/// True when human log lines may be coloured: standard error is a terminal and `NO_COLOR`
/// (its value as given) is unset or empty.
pub fn use_colour(stderr_is_terminal: bool, no_color: Option<&OsStr>) -> bool {
    stderr_is_terminal && no_color.is_none_or(OsStr::is_empty)
}

/// The log filter for `-v` given `verbose` times and `-q` given `quiet` times (they
/// conflict on the command line; `quiet` wins here).
pub fn filter(verbose: u8, quiet: u8) -> &'static str {
    match (quiet, verbose) {
        (1, _) => "warn",
        (2.., _) => "error",
        (0, 0) => "info",
        (0, 1) => "info,feedfold=debug",
        (0, 2) => "info,feedfold=trace",
        (0, 3..) => "trace",
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// One line per event for people, coloured or not.
    Human {
        /// Colour the level and dim the time (see [`use_colour`]).
        colour: bool,
    },
    /// One JSON object per event, for log shippers.
    Json,
}

/// Sets up the process's log: to standard error, `RUST_LOG` if set (and valid: `level`
/// or `target=level` directives, comma-separated), else `default_filter` (see [`filter`]).
pub fn init(style: Style, default_filter: &str) {
    // `Targets`, not `EnvFilter`: the same directives feedfold documents, without a regex
    // engine to compile.
    let filter: Targets = std::env::var("RUST_LOG")
        .ok()
        .and_then(|v| v.parse().ok())
        .or_else(|| default_filter.parse().ok())
        .unwrap_or_else(|| Targets::new().with_default(tracing::Level::INFO));
    let layer = tracing_subscriber::fmt::layer().with_target(false);
    let registry = tracing_subscriber::registry();
    match style {
        Style::Human { colour: false } => registry
            .with(
                layer
                    .fmt_fields(EscapedFields::default())
                    .with_ansi(false)
                    .with_writer(|| Escaping(io::stderr()))
                    .with_filter(filter),
            )
            .init(),
        Style::Human { colour: true } => registry
            .with(
                layer
                    .fmt_fields(EscapedFields::default())
                    .with_ansi(true)
                    .with_writer(|| KeepingColours(io::stderr()))
                    .with_filter(filter),
            )
            .init(),
        Style::Json => registry
            .with(layer.json().with_writer(io::stderr).with_filter(filter))
            .init(),
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

    #[test]
    fn only_colour_codes_pass_the_colour_writer() {
        assert_eq!(
            escape_controls_keeping_colours("\u{1b}[1;31mERROR\u{1b}[0m x\u{1b}[2Jy\u{7}\n"),
            "\u{1b}[1;31mERROR\u{1b}[0m x\\u{1b}[2Jy\\u{7}\n"
        );
        // An escape cut short, an OSC title, a cursor move: all shown, none obeyed.
        for (given, shown) in [
            ("a\u{1b}[31", "a\\u{1b}[31"),
            ("\u{1b}]0;title\u{7}", "\\u{1b}]0;title\\u{7}"),
            ("\u{1b}[10A", "\\u{1b}[10A"),
        ] {
            assert_eq!(escape_controls_keeping_colours(given), shown);
        }
    }

    /// Formats one event as the human log does, coloured or not.
    fn log_line(colour: bool, event: impl FnOnce()) -> String {
        use std::sync::{Arc, Mutex};
        #[derive(Clone)]
        struct Sink(Arc<Mutex<Vec<u8>>>);
        impl Write for Sink {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let sink = Sink(Arc::new(Mutex::new(Vec::new())));
        let writer = sink.clone();
        let builder = tracing_subscriber::fmt()
            .with_target(false)
            .without_time()
            .fmt_fields(EscapedFields::default())
            .with_ansi(colour);
        if colour {
            let subscriber = builder
                .with_writer(move || KeepingColours(writer.clone()))
                .finish();
            tracing::subscriber::with_default(subscriber, event);
        } else {
            let subscriber = builder
                .with_writer(move || Escaping(writer.clone()))
                .finish();
            tracing::subscriber::with_default(subscriber, event);
        }
        let bytes = sink.0.lock().unwrap().clone();
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn data_is_escaped_in_coloured_lines_while_the_level_keeps_its_colour() {
        let path = "feeds/a\u{1b}[2J\u{1b}[31mb\nERROR forged";
        let line = log_line(true, || {
            tracing::warn!(path = %path, "file \u{1b}[1mskipped");
        });
        assert!(line.contains("\u{1b}["), "no colour: {line:?}");
        assert_eq!(line.matches('\n').count(), 1, "{line:?}");
        assert!(
            line.contains("path=feeds/a\\u{1b}[2J\\u{1b}[31mb\\nERROR forged"),
            "{line:?}"
        );
        assert!(!line.contains("\u{1b}[2J") && !line.contains("\u{1b}[31mb"));
        assert!(!line.contains("\u{1b}[1mskipped"), "{line:?}");
    }

    #[test]
    fn plain_lines_have_no_escape_at_all() {
        let line = log_line(false, || {
            tracing::warn!(path = %"a\u{1b}[31mb", "file skipped");
        });
        assert!(!line.contains('\u{1b}'), "{line:?}");
        assert!(
            line.starts_with(" WARN file skipped path=a\\u{1b}[31mb"),
            "{line:?}"
        );
    }

    #[test]
    fn colour_needs_a_terminal_and_no_no_color() {
        assert!(use_colour(true, None));
        assert!(use_colour(true, Some(OsStr::new(""))));
        assert!(!use_colour(true, Some(OsStr::new("1"))));
        assert!(!use_colour(false, None));
    }

    #[test]
    fn verbosity_maps_to_filters() {
        assert_eq!(filter(0, 0), "info");
        assert_eq!(filter(1, 0), "info,feedfold=debug");
        assert_eq!(filter(2, 0), "info,feedfold=trace");
        assert_eq!(filter(0, 1), "warn");
        assert_eq!(filter(0, 2), "error");
    }
}
