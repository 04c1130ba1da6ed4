//! Thumbnails: at most [`THUMB_WIDTH`] pixels wide, JPEG, from a JPEG, PNG or GIF, decoded
//! within [`image::Limits`] (pixels and memory), so that no file can make the decoder
//! allocate without bound.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::metadata::Orientation;
use image::{DynamicImage, ImageFormat, ImageReader, Limits, RgbImage};

use super::{Kind, MediaError, Probed};

/// Widest thumbnail, in pixels.
pub const THUMB_WIDTH: u32 = 400;

/// Most memory one decode may take, in bytes.
const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;

/// JPEG quality of thumbnails.
const QUALITY: u8 = 82;

/// A thumbnail, encoded.
#[derive(Debug, Clone)]
pub struct Thumb {
    /// The JPEG bytes.
    pub bytes: Vec<u8>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// The size of the thumbnail of an image shown at `width` × `height`: as it is when it is
/// narrow enough, else [`THUMB_WIDTH`] wide with its aspect kept.
pub fn thumb_size(width: u32, height: u32) -> (u32, u32) {
    if width <= THUMB_WIDTH {
        return (width, height);
    }
    let h = (u64::from(height) * u64::from(THUMB_WIDTH) + u64::from(width) / 2) / u64::from(width);
    (THUMB_WIDTH, u32::try_from(h.max(1)).unwrap_or(u32::MAX))
}

/// The thumbnail of `bytes` (probed as `probed`), upright (its EXIF orientation applied),
/// transparency shown on white; `None` for types without a decoder here (AVIF, WebP).
pub fn thumbnail(bytes: &[u8], probed: &Probed) -> Result<Option<Thumb>, MediaError> {
    let format = match probed.kind {
        Kind::Jpeg => ImageFormat::Jpeg,
        Kind::Png => ImageFormat::Png,
        Kind::Gif => ImageFormat::Gif,
        Kind::Webp | Kind::Avif => return Ok(None),
    };
    let mut limits = Limits::default();
    limits.max_image_width = Some(probed.width);
    limits.max_image_height = Some(probed.height);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    let decoded = reader
        .decode()
        .map_err(|e| MediaError::Decode(e.to_string()))?;
    let mut image = decoded;
    if let Some(orientation) = Orientation::from_exif(probed.orientation) {
        image.apply_orientation(orientation);
    }
    let (width, height) = thumb_size(image.width(), image.height());
    let small = if (width, height) == (image.width(), image.height()) {
        image
    } else {
        image.thumbnail_exact(width, height)
    };
    let rgb = on_white(small);
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, QUALITY)
        .encode_image(&rgb)
        .map_err(|e| MediaError::Decode(e.to_string()))?;
    Ok(Some(Thumb {
        bytes: out,
        width,
        height,
    }))
}

/// The pixels as RGB, transparent ones blended onto white.
fn on_white(image: DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.into_rgb8();
    }
    let rgba = image.into_rgba8();
    let mut rgb = RgbImage::new(rgba.width(), rgba.height());
    for (out, px) in rgb.pixels_mut().zip(rgba.pixels()) {
        let a = u16::from(px[3]);
        let blend = |c: u8| ((u16::from(c) * a + 255 * (255 - a)) / 255) as u8;
        *out = image::Rgb([blend(px[0]), blend(px[1]), blend(px[2])]);
    }
    rgb
}
