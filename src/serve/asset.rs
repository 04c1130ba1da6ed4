//! One published file as the server holds it: its media type, validators (strong ETag
//! from the content hash, Last-Modified from the publish time) and body. Feeds and other
//! small, hot files live in memory with gzip and brotli variants made once, when they are
//! published; article pages stay on disk and are read when asked for.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
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
        /// The gzip-compressed bytes; `None` for files too small to be worth it.
        gzip: Option<Bytes>,
        /// The Brotli-compressed bytes; `None` for files too small to be worth it.
        brotli: Option<Bytes>,
    },
    /// An article page, read on request; its tag comes from the bytes read.
    File(PathBuf),
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
/// bytes and their compressed variants are kept, otherwise (article pages) only its path:
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
        let big = raw.len() >= MIN_COMPRESS;
        Body::Memory {
            hash: short_hash(&raw),
            gzip: big.then(|| gzip(&raw, 6)).transpose()?,
            brotli: big.then(|| brotli(&raw)).transpose()?,
            raw: Bytes::from(raw),
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
