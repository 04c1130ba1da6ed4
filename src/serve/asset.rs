//! One published file as the server holds it: its media type, validators (strong ETag
//! from the content hash, Last-Modified from the publish time) and body. Feeds and other
//! small, hot files live in memory, with gzip and brotli variants made once each, by the
//! first request that accepts them (not at publish: a publish of thousands of feeds would
//! wait for all of them, most of which no reader may ask for in that coding); article
//! pages stay on disk and are read when asked for.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::SystemTime;

use anyhow::{Context, Result};
use axum::http::HeaderValue;
use bytes::Bytes;

use crate::confine;
use crate::layout::media_type;

/// Smaller files are not worth compressing: they are kept and sent as they are.
const MIN_COMPRESS: usize = 256;

/// A content coding the server can send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    /// As stored: no `Content-Encoding`.
    Identity,
    /// `gzip`.
    Gzip,
    /// `br`.
    Brotli,
}

impl Coding {
    /// The `Content-Encoding` value, if any.
    pub fn header(self) -> Option<&'static str> {
        match self {
            Coding::Identity => None,
            Coding::Gzip => Some("gzip"),
            Coding::Brotli => Some("br"),
        }
    }

    fn etag_suffix(self) -> &'static str {
        match self {
            Coding::Identity => "",
            Coding::Gzip => "-gz",
            Coding::Brotli => "-br",
        }
    }
}

/// Where the bytes are.
#[derive(Debug)]
pub enum Body {
    /// A feed, listing page or other file, kept in memory.
    Memory {
        /// Hex of the first 16 bytes of the content's BLAKE3 hash.
        hash: String,
        /// The bytes as published.
        raw: Bytes,
        /// The compressed variants, made when first asked for.
        variants: Variants,
        /// Its `ETag` and `Last-Modified` values, made when first asked for.
        validators: OnceLock<Box<Validators>>,
    },
    /// An article page, read on request; its tag comes from the bytes read.
    File(PathBuf),
}

/// The gzip and Brotli variants of an in-memory file, each compressed once, by the first
/// request that accepts it; `None` inside for a file too small to be worth it (or one that
/// failed to compress: it is sent as it is).
#[derive(Debug, Default)]
pub struct Variants {
    gzip: OnceLock<Option<Bytes>>,
    brotli: OnceLock<Option<Bytes>>,
}

impl Variants {
    /// The bytes of `raw` in `coding`, compressing them now if no request did before.
    pub fn get(&self, coding: Coding, raw: &[u8]) -> Option<Bytes> {
        let cell = match coding {
            Coding::Identity => return None,
            Coding::Gzip => &self.gzip,
            Coding::Brotli => &self.brotli,
        };
        let compress = || match coding {
            Coding::Brotli => brotli(raw),
            _ => gzip(raw, 6),
        };
        cell.get_or_init(|| {
            (raw.len() >= MIN_COMPRESS)
                .then(|| blocking(compress).ok())
                .flatten()
        })
        .clone()
    }
}

/// Runs `work` (a compression: milliseconds to tens of them) so that the HTTP runtime's
/// other connections move on meanwhile, when it runs on the server's multi-threaded
/// runtime; elsewhere (tests on a single-threaded one, or no runtime) it just runs.
fn blocking<R>(work: impl FnOnce() -> R) -> R {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(RuntimeFlavor::MultiThread) => tokio::task::block_in_place(work),
        _ => work(),
    }
}

/// What says which version of a file a response carries: its `ETag` in each coding and its
/// `Last-Modified`, as header values, made once for a file held in memory (a feed is asked
/// for thousands of times a second, and its answers would otherwise format them anew).
#[derive(Debug)]
pub struct Validators {
    /// By coding: identity, gzip, Brotli.
    tags: [HeaderValue; 3],
    last_modified: HeaderValue,
}

impl Validators {
    /// The validators of content hashed `hash` (see [`short_hash`]), modified at `modified`.
    pub fn of(hash: &str, modified: SystemTime) -> Validators {
        let value = |text: String| {
            HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("\"\""))
        };
        Validators {
            tags: [Coding::Identity, Coding::Gzip, Coding::Brotli].map(|c| value(etag(hash, c))),
            last_modified: value(http_date(modified)),
        }
    }

    /// The `ETag` of the representation in `coding`.
    pub fn tag(&self, coding: Coding) -> &HeaderValue {
        &self.tags[coding as usize]
    }

    /// The `Last-Modified` value.
    pub fn last_modified(&self) -> &HeaderValue {
        &self.last_modified
    }

    /// True when `tag` (from `If-None-Match`, compared weakly) names this content in any
    /// coding.
    pub fn names(&self, tag: &str) -> bool {
        let tag = tag.trim_start_matches("W/").as_bytes();
        self.tags.iter().any(|t| t.as_bytes() == tag)
    }
}

/// An HTTP date; a file time outside what the format can write (before 1970, after 9999,
/// as `touch -d` can set) is clamped rather than a panic.
pub fn http_date(time: SystemTime) -> String {
    let latest = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(253_402_300_799);
    httpdate::fmt_http_date(time.clamp(SystemTime::UNIX_EPOCH, latest))
}

/// A servable file.
#[derive(Debug)]
pub struct Asset {
    /// Media type, from the key (`Content-Type`).
    pub content_type: &'static str,
    /// The file's modification time when loaded (`Last-Modified`).
    pub modified: SystemTime,
    /// Where the bytes are.
    pub body: Body,
}

/// The strong ETag of the representation in `coding`: the encodings of one content are
/// different representations, so each has its own tag.
pub fn etag(hash: &str, coding: Coding) -> String {
    format!("\"{hash}{}\"", coding.etag_suffix())
}

/// Hex of the first 16 bytes of the BLAKE3 hash of `bytes`.
pub fn short_hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).as_bytes()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Reads one published file into an asset; with `in_memory` (feeds, listing pages) its
/// bytes are kept (compressed when first asked for), otherwise (article pages) only its path:
/// a page is read, and tagged, when asked for. The file must be a regular file whose real
/// path lies beneath `root` (canonical): a folder swapped for a symlink is not followed.
pub fn load(root: &Path, key: &str, in_memory: bool) -> Result<Asset> {
    let path = root.join(key);
    let mut file =
        confine::open(root, &path).with_context(|| format!("cannot open {}", path.display()))?;
    let meta = file.metadata()?;
    let body = if in_memory {
        let mut raw = Vec::with_capacity(meta.len() as usize);
        file.read_to_end(&mut raw)?;
        Body::Memory {
            hash: short_hash(&raw),
            raw: Bytes::from(raw),
            variants: Variants::default(),
            validators: OnceLock::new(),
        }
    } else {
        Body::File(path)
    };
    Ok(Asset {
        content_type: media_type(key),
        modified: meta.modified()?,
        body,
    })
}

/// gzip at `level` (1 fast .. 9 small).
pub fn gzip(bytes: &[u8], level: u32) -> Result<Bytes> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 3),
        flate2::Compression::new(level),
    );
    encoder.write_all(bytes)?;
    Ok(Bytes::from(encoder.finish()?))
}

/// Brotli at quality 9: near the best ratio, fast enough to run on every publish.
fn brotli(bytes: &[u8]) -> Result<Bytes> {
    let mut out = Vec::with_capacity(bytes.len() / 4);
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 16 * 1024, 9, 22);
        writer.write_all(bytes)?;
    }
    Ok(Bytes::from(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_coding_has_its_own_strong_etag() {
        assert_eq!(etag("ab", Coding::Identity), "\"ab\"");
        assert_eq!(etag("ab", Coding::Gzip), "\"ab-gz\"");
    }

    #[test]
    fn a_file_time_no_http_date_can_write_is_clamped_not_a_panic() {
        let before = SystemTime::UNIX_EPOCH - std::time::Duration::from_secs(86_400);
        assert_eq!(http_date(before), "Thu, 01 Jan 1970 00:00:00 GMT");
        let after = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(300_000_000_000);
        assert_eq!(http_date(after), "Fri, 31 Dec 9999 23:59:59 GMT");
    }

    #[test]
    fn validators_hold_the_tag_of_each_coding_and_match_any_of_them_weakly() {
        let modified = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(784_111_777);
        let v = Validators::of("ab", modified);
        assert_eq!(v.tag(Coding::Identity), "\"ab\"");
        assert_eq!(v.tag(Coding::Gzip), "\"ab-gz\"");
        assert_eq!(v.tag(Coding::Brotli), "\"ab-br\"");
        assert_eq!(v.last_modified(), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert!(v.names("\"ab-gz\""));
        assert!(v.names("W/\"ab\""));
        assert!(!v.names("\"ab-zz\""));
        assert!(!v.names("ab"));
    }

    #[test]
    fn variants_are_made_once_when_first_asked_for_and_never_for_small_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let text = "<rss>".to_string() + &"<item>news</item>".repeat(100) + "</rss>";
        std::fs::write(root.join("rss.xml"), &text).unwrap();
        std::fs::write(root.join("small.xml"), "<rss/>").unwrap();
        let asset = load(&root, "rss.xml", true).unwrap();
        let Body::Memory { raw, variants, .. } = &asset.body else {
            panic!("a feed is held in memory");
        };
        assert!(variants.gzip.get().is_none(), "nothing compressed at load");
        let gz = variants.get(Coding::Gzip, raw).unwrap();
        let mut back = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut back)
            .unwrap();
        assert_eq!(back, text);
        assert_eq!(variants.get(Coding::Gzip, raw).unwrap(), gz);
        assert!(variants.brotli.get().is_none());
        assert!(variants.get(Coding::Brotli, raw).is_some());
        let small = load(&root, "small.xml", true).unwrap();
        let Body::Memory { raw, variants, .. } = &small.body else {
            panic!("a feed is held in memory");
        };
        assert!(variants.get(Coding::Gzip, raw).is_none());
    }

    #[test]
    fn a_file_in_a_folder_linked_from_outside_the_root_is_not_loaded() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("rss.xml"), "<rss/>").unwrap();
        std::os::unix::fs::symlink(outside.path(), root.join("world")).unwrap();
        assert!(load(&root, "world/rss.xml", true).is_err());
        std::fs::create_dir(root.join("tech")).unwrap();
        std::fs::write(root.join("tech/rss.xml"), "<rss/>").unwrap();
        assert!(load(&root, "tech/rss.xml", true).is_ok());
    }
}
