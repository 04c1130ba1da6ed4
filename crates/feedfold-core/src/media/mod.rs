//! Pictures, pure: what an image file is (type and pixel size read from its bytes, never
//! from its name), the bytes published for it (JPEG metadata removed losslessly), its
//! thumbnail, and the record an article keeps of each of its pictures ([`Picture`]).
//! Bytes in, values out; the shell reads the files and publishes the results.
//!
//! - `probe`: type, size, orientation, and that the file is whole, with every read
//!   bounds-checked and a pixel count past [`MAX_PIXELS`] refused before any decoding;
//! - `jpeg`: the lossless metadata strip;
//! - `thumb`: thumbnails, decoded within pixel and memory limits;
//! - [`brand`]: the site's icon and logo.

pub mod brand;
mod jpeg;
mod picture;
mod probe;
mod thumb;

use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use picture::{Picture, Thumbnail, local_path, with_pictures};
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

/// True when a file name has a picture's extension.
pub fn is_image_name(name: &str) -> bool {
    !name.starts_with('.')
        && name
            .rsplit_once('.')
            .is_some_and(|(_, ext)| EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()))
}

#[cfg(test)]
pub(crate) mod tests;
