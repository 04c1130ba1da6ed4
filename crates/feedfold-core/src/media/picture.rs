//! What an article keeps of its pictures ([`Picture`]), the hash that makes a picture part
//! of the article's version, and how a relative reference names a file.

use serde::{Deserialize, Serialize};

use super::{Kind, Prepared, thumb_size};

/// The thumbnail an article's lead picture has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thumbnail {
    /// Its key in the publish folder.
    pub key: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// One local picture of an article, as the index keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Picture {
    /// The reference as the article wrote it (`photo.jpg`); empty for a sidecar.
    pub src: String,
    /// The file, `/`-separated, under the content root.
    pub path: String,
    /// Its key in the publish folder (content-addressed, see [`crate::layout::media_key`]).
    pub key: String,
    /// The image type.
    pub kind: Kind,
    /// Width in pixels, as shown.
    pub width: u32,
    /// Height in pixels, as shown.
    pub height: u32,
    /// Bytes published.
    pub length: u64,
    /// The thumbnail (lead pictures in JPEG, PNG or GIF).
    #[serde(default)]
    pub thumb: Option<Thumbnail>,
}

impl Picture {
    /// The record of `prepared`, read from `path` for the reference `src`; with `thumb`, its
    /// thumbnail is planned (its size computed; it is made when published).
    pub fn of(src: &str, path: &str, prepared: &Prepared, thumb: bool) -> Picture {
        let hash = prepared.hash();
        let kind = prepared.probed.kind;
        let (width, height) = prepared.shown_size();
        let thumb = (thumb && matches!(kind, Kind::Jpeg | Kind::Png | Kind::Gif)).then(|| {
            let (width, height) = thumb_size(width, height);
            Thumbnail {
                key: crate::layout::thumb_key(&hash),
                width,
                height,
            }
        });
        Picture {
            src: src.to_string(),
            path: path.to_string(),
            key: crate::layout::media_key(&hash, kind.extension()),
            kind,
            width,
            height,
            length: prepared.bytes.len() as u64,
            thumb,
        }
    }
}

/// The hash that stands for an article: its file's (`raw`) when it has no local picture,
/// else one that covers each picture's published name too (names are content hashes), so
/// that a picture replaced by other bytes changes the article's version.
pub fn with_pictures(raw: &[u8; 32], meta: &crate::article::Meta) -> [u8; 32] {
    if meta.lead.is_none() && meta.pictures.is_empty() {
        return *raw;
    }
    let mut hasher = blake3::Hasher::new();
    hasher.update(raw);
    for picture in meta.lead.iter().chain(&meta.pictures) {
        hasher.update(picture.src.as_bytes());
        hasher.update(&[0]);
        hasher.update(picture.key.as_bytes());
        hasher.update(&[0]);
    }
    *hasher.finalize().as_bytes()
}

/// The file a relative image reference in the article at `article` (a `/`-separated path
/// under the content root) names: `Ok(None)` for a URL (a scheme, `//` or `/`), an error
/// when `..` climbs out of the content root. Query and fragment are left out, and
/// percent-escapes decoded.
pub fn local_path(article: &str, src: &str) -> Result<Option<String>, &'static str> {
    let src = src.trim();
    if src.is_empty()
        || src.starts_with('/')
        || src.starts_with('\\')
        || url::Url::parse(src).is_ok()
    {
        return Ok(None);
    }
    let src = src.split(['?', '#']).next().unwrap_or_default();
    let decoded = percent_encoding::percent_decode_str(src).decode_utf8_lossy();
    let mut parts: Vec<&str> = article.split('/').collect();
    parts.pop();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts
                    .pop()
                    .ok_or("leads outside the content folder (through `..`)")?;
            }
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        return Ok(None);
    }
    Ok(Some(parts.join("/")))
}
