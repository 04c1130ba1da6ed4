//! Pictures, pure: what an image file is (type and pixel size read from its bytes, never
//! from its name), the bytes published for it (JPEG metadata removed losslessly), its
//! thumbnail, and the record an article keeps of each of its pictures ([`Picture`]).
//! Bytes in, values out; the shell reads the files and publishes the results.
//!
//! - `probe`: type, size, orientation, and that the file is whole, with every read
//!   bounds-checked and a pixel count past [`MAX_PIXELS`] refused before any decoding;
//! - `jpeg`: the lossless metadata strip;
//! - `thumb`: thumbnails, decoded within pixel and memory limits.

mod jpeg;
mod probe;
mod thumb;

use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use probe::{Probed, probe};
pub use thumb::{THUMB_WIDTH, Thumb, thumb_size, thumbnail};

/// Most pixels an image may declare (80 megapixels, such as 10,000 × 8,000): a larger
/// size is a decompression bomb or no photo a page needs, and is refused unread.
pub const MAX_PIXELS: u64 = 80_000_000;

/// The file name extensions of pictures (lower case): sidecar images beside an article,
/// and the files the daemon watches for pictures.
pub const EXTENSIONS: [&str; 6] = ["jpg", "jpeg", "png", "webp", "gif", "avif"];

/// The image types feedfold publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// JPEG (JFIF or EXIF).
    Jpeg,
    /// PNG.
    Png,
    /// GIF (87a or 89a).
    Gif,
    /// WebP (lossy, lossless or extended): its size is read from the header, not decoded.
    Webp,
    /// AVIF: its size is read from the header, not decoded.
    Avif,
}

impl Kind {
    /// The media type.
    pub fn mime(self) -> &'static str {
        match self {
            Kind::Jpeg => "image/jpeg",
            Kind::Png => "image/png",
            Kind::Gif => "image/gif",
            Kind::Webp => "image/webp",
            Kind::Avif => "image/avif",
        }
    }

    /// The extension a published copy gets.
    pub fn extension(self) -> &'static str {
        match self {
            Kind::Jpeg => "jpg",
            Kind::Png => "png",
            Kind::Gif => "gif",
            Kind::Webp => "webp",
            Kind::Avif => "avif",
        }
    }
}

/// Why an image file is not published.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum MediaError {
    /// The bytes start like no image type feedfold publishes.
    #[error("not an image (JPEG, PNG, GIF, WebP or AVIF), whatever its name says")]
    NotAnImage,
    /// The file ends before the image does.
    #[error("a truncated {} file", .0.extension().to_uppercase())]
    Truncated(Kind),
    /// A header that cannot be read.
    #[error("an invalid {kind} header: {why}", kind = .0.extension().to_uppercase(), why = .1)]
    Header(Kind, &'static str),
    /// More pixels than [`MAX_PIXELS`]: not decoded.
    #[error(
        "declares {width} × {height} pixels, over the {MAX_PIXELS}-pixel limit (a decompression bomb?): not decoded"
    )]
    TooManyPixels {
        /// Declared width.
        width: u32,
        /// Declared height.
        height: u32,
    },
    /// Decoding (for a thumbnail) failed or hit its limits.
    #[error("cannot be decoded: {0}")]
    Decode(String),
}

/// An image ready to publish.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The bytes to publish: the file's, less its metadata for a JPEG.
    pub bytes: Vec<u8>,
    /// What the header said.
    pub probed: Probed,
}

impl Prepared {
    /// The size as shown: width and height swapped when EXIF turns the image a quarter.
    pub fn shown_size(&self) -> (u32, u32) {
        let p = &self.probed;
        if p.orientation >= 5 {
            (p.height, p.width)
        } else {
            (p.width, p.height)
        }
    }

    /// The content hash of the published bytes, as it names the file (32 hex digits).
    pub fn hash(&self) -> String {
        blake3::hash(&self.bytes).to_hex()[..32].to_string()
    }
}

/// Checks that `bytes` are an image, whole and not too large in pixels, and makes the
/// bytes to publish.
pub fn prepare(bytes: Vec<u8>) -> Result<Prepared, MediaError> {
    let probed = probe(&bytes)?;
    let bytes = match probed.kind {
        Kind::Jpeg => jpeg::strip(&bytes)?,
        _ => bytes,
    };
    Ok(Prepared { bytes, probed })
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

/// True when a file name has a picture's extension.
pub fn is_image_name(name: &str) -> bool {
    !name.starts_with('.')
        && name
            .rsplit_once('.')
            .is_some_and(|(_, ext)| EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()))
}

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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A 4 × 2 JPEG whose EXIF holds `orientation` and `note` (as an ASCII tag).
    pub fn jpeg_with(orientation: u8, note: &[u8]) -> Vec<u8> {
        let mut plain = Vec::new();
        let img = image::RgbImage::from_pixel(4, 2, image::Rgb([200, 10, 10]));
        image::codecs::jpeg::JpegEncoder::new(&mut plain)
            .encode_image(&img)
            .unwrap();
        let mut tiff = b"MM\0*".to_vec();
        tiff.extend_from_slice(&8u32.to_be_bytes());
        tiff.extend_from_slice(&2u16.to_be_bytes());
        let note_at = 8 + 2 + 24 + 4;
        tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0]);
        tiff.extend_from_slice(&[0x01, 0x0E, 0, 2]);
        tiff.extend_from_slice(&(note.len() as u32).to_be_bytes());
        tiff.extend_from_slice(&(note_at as u32).to_be_bytes());
        tiff.extend_from_slice(&0u32.to_be_bytes());
        tiff.extend_from_slice(note);
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend_from_slice(&tiff);
        let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
        out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(&app1);
        out.extend_from_slice(&plain[2..]);
        out
    }

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        let img = image::RgbaImage::from_pixel(width, height, image::Rgba([0, 0, 255, 128]));
        img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn the_type_and_size_come_from_the_bytes() {
        let p = prepare(png(30, 20)).unwrap();
        assert_eq!((p.probed.kind, p.shown_size()), (Kind::Png, (30, 20)));
        let j = prepare(jpeg_with(6, b"x")).unwrap();
        assert_eq!((j.probed.kind, j.shown_size()), (Kind::Jpeg, (2, 4)));
        assert_eq!(
            prepare(b"just some text".to_vec()).unwrap_err(),
            MediaError::NotAnImage
        );
    }

    #[test]
    fn a_truncated_png_is_refused() {
        let bytes = png(30, 20);
        let cut = bytes[..bytes.len() - 20].to_vec();
        assert_eq!(prepare(cut).unwrap_err(), MediaError::Truncated(Kind::Png));
    }

    #[test]
    fn a_small_file_declaring_a_huge_size_is_refused_before_decoding() {
        let mut bytes = png(1, 1);
        bytes[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        bytes[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        assert!(matches!(
            prepare(bytes),
            Err(MediaError::TooManyPixels { .. })
        ));
    }

    #[test]
    fn webp_and_avif_sizes_come_from_their_headers() {
        let mut webp = b"RIFF\x1a\0\0\0WEBPVP8X\x0a\0\0\0\0\0\0\0".to_vec();
        webp.extend_from_slice(&[0x1F, 0x03, 0, 0xDF, 0x01, 0]);
        webp.extend_from_slice(&[0; 4]);
        let p = probe(&webp).unwrap();
        assert_eq!((p.kind, p.width, p.height), (Kind::Webp, 800, 480));
        let avif = avif_bytes(640, 360);
        let p = probe(&avif).unwrap();
        assert_eq!((p.kind, p.width, p.height), (Kind::Avif, 640, 360));
    }

    fn bmff(kind: &[u8], payload: &[u8]) -> Vec<u8> {
        let mut out = ((payload.len() + 8) as u32).to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(payload);
        out
    }

    /// A minimal AVIF header: `ftyp`, then `meta` → `iprp` → `ipco` → `ispe`.
    pub fn avif_bytes(width: u32, height: u32) -> Vec<u8> {
        let mut ispe = vec![0; 4];
        ispe.extend_from_slice(&width.to_be_bytes());
        ispe.extend_from_slice(&height.to_be_bytes());
        let ipco = bmff(b"ipco", &bmff(b"ispe", &ispe));
        let mut meta = vec![0; 4];
        meta.extend(bmff(b"iprp", &ipco));
        let mut out = bmff(b"ftyp", b"avif\0\0\0\0avifmif1");
        out.extend(bmff(b"meta", &meta));
        out
    }

    #[test]
    fn a_lead_thumbnail_is_at_most_400_pixels_wide_and_upright() {
        let p = prepare(png(1000, 500)).unwrap();
        let t = thumbnail(&p.bytes, &p.probed).unwrap().unwrap();
        assert_eq!((t.width, t.height), (400, 200));
        let decoded = image::load_from_memory(&t.bytes).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (400, 200));
        let j = prepare(jpeg_with(6, b"x")).unwrap();
        let t = thumbnail(&j.bytes, &j.probed).unwrap().unwrap();
        assert_eq!((t.width, t.height), (2, 4));
        let picture = Picture::of("a.png", "w/a.png", &p, true);
        assert_eq!(picture.thumb.map(|t| (t.width, t.height)), Some((400, 200)));
    }

    #[test]
    fn relative_references_name_files_beside_the_article_and_never_above_the_root() {
        let at = "world/2026/story.md";
        assert_eq!(
            local_path(at, "photo.jpg"),
            Ok(Some("world/2026/photo.jpg".into()))
        );
        assert_eq!(
            local_path(at, "../img/a%20b.png?x=1"),
            Ok(Some("world/img/a b.png".into()))
        );
        assert_eq!(local_path(at, "https://cdn.example/a.jpg"), Ok(None));
        assert_eq!(local_path(at, "//cdn.example/a.jpg"), Ok(None));
        assert!(local_path(at, "../../../etc/passwd.jpg").is_err());
    }

    #[test]
    fn image_names_are_told_by_their_extension() {
        assert!(is_image_name("story.JPG") && is_image_name("a.avif"));
        assert!(!is_image_name("story.txt") && !is_image_name(".x.jpg"));
    }
}
