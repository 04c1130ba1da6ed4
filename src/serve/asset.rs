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
