//! What an image is, from its bytes alone: its type, its pixel size and (for JPEG) its
//! EXIF orientation, never from its file name. Every read is bounds-checked; the file must
//! also be whole (a truncated PNG, JPEG or GIF is refused), and a size past
//! [`MAX_PIXELS`](super::MAX_PIXELS) is refused before anything is decoded.

use super::{Kind, MediaError};

/// What the header of an image says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Probed {
    /// The image type, from its signature.
    pub kind: Kind,
    /// Width in pixels, as stored (before any EXIF rotation).
    pub width: u32,
    /// Height in pixels, as stored.
    pub height: u32,
    /// The EXIF orientation (1 to 8; 1 when there is none).
    pub orientation: u8,
}

/// Reads type, size and orientation from `bytes`, and checks that the file is whole.
pub fn probe(bytes: &[u8]) -> Result<Probed, MediaError> {
    let kind = signature(bytes).ok_or(MediaError::NotAnImage)?;
    let (width, height, orientation) = match kind {
        Kind::Png => png(bytes)?,
        Kind::Gif => gif(bytes)?,
        Kind::Jpeg => jpeg(bytes)?,
        Kind::Webp => webp(bytes)?,
        Kind::Avif => avif(bytes)?,
    };
    if width == 0 || height == 0 {
        return Err(MediaError::Header(kind, "a zero width or height"));
    }
    let pixels = u64::from(width) * u64::from(height);
    if pixels > super::MAX_PIXELS {
        return Err(MediaError::TooManyPixels { width, height });
    }
    Ok(Probed {
        kind,
        width,
        height,
        orientation,
    })
}

/// The type a file's first bytes announce.
fn signature(b: &[u8]) -> Option<Kind> {
    if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Kind::Png)
    } else if b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a") {
        Some(Kind::Gif)
    } else if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Kind::Jpeg)
    } else if b.starts_with(b"RIFF") && b.get(8..12) == Some(b"WEBP") {
        Some(Kind::Webp)
    } else if b.get(4..8) == Some(b"ftyp") && is_avif_brand(b) {
        Some(Kind::Avif)
    } else {
        None
    }
}

fn be16(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_be_bytes(
        b.get(at..at + 2)?.try_into().ok()?,
    )))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn le16(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_le_bytes(
        b.get(at..at + 2)?.try_into().ok()?,
    )))
}

fn le24(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at + 3)?;
    Some(u32::from(s[0]) | u32::from(s[1]) << 8 | u32::from(s[2]) << 16)
}

type Size = (u32, u32, u8);

/// PNG: the size from `IHDR`; every chunk must fit, up to `IEND`.
fn png(b: &[u8]) -> Result<Size, MediaError> {
    let bad = |why| MediaError::Header(Kind::Png, why);
    if b.get(12..16) != Some(b"IHDR") {
        return Err(bad("no IHDR chunk first"));
    }
    let size = (be32(b, 16), be32(b, 20));
    let (Some(width), Some(height)) = size else {
        return Err(MediaError::Truncated(Kind::Png));
    };
    let mut at = 8usize;
    loop {
        let len = be32(b, at).ok_or(MediaError::Truncated(Kind::Png))? as usize;
        let kind = b
            .get(at + 4..at + 8)
            .ok_or(MediaError::Truncated(Kind::Png))?;
        let end = at
            .checked_add(12)
            .and_then(|e| e.checked_add(len))
            .ok_or(bad("a chunk length past any file"))?;
        if end > b.len() {
            return Err(MediaError::Truncated(Kind::Png));
        }
        if kind == b"IEND" {
            return Ok((width, height, 1));
        }
        at = end;
    }
}

/// GIF: the logical screen size; the file must end with the trailer byte.
fn gif(b: &[u8]) -> Result<Size, MediaError> {
    let (Some(width), Some(height)) = (le16(b, 6), le16(b, 8)) else {
        return Err(MediaError::Truncated(Kind::Gif));
    };
    if b.len() < 14 || b.last() != Some(&0x3B) {
        return Err(MediaError::Truncated(Kind::Gif));
    }
    Ok((width, height, 1))
}

/// The segments of a JPEG before its scan, `(marker, payload)` in file order.
pub(super) type Segments<'a> = Vec<(u8, &'a [u8])>;

/// The segments of a JPEG before its scan, and where the first scan (`SOS`) starts.
pub(super) fn jpeg_segments(b: &[u8]) -> Result<(Segments<'_>, usize), MediaError> {
    let mut segments = Vec::new();
    let mut at = 2usize;
    loop {
        // Fill bytes (0xFF) may precede a marker.
        while b.get(at) == Some(&0xFF) && b.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        let (Some(0xFF), Some(&marker)) = (b.get(at), b.get(at + 1)) else {
            return Err(MediaError::Truncated(Kind::Jpeg));
        };
        if marker == 0xDA {
            return Ok((segments, at));
        }
        if (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            at += 2;
            continue;
        }
        let len = be16(b, at + 2).ok_or(MediaError::Truncated(Kind::Jpeg))? as usize;
        let payload = b
            .get(at + 4..at + 2 + len)
            .filter(|_| len >= 2)
            .ok_or(MediaError::Truncated(Kind::Jpeg))?;
        segments.push((marker, payload));
        at += 2 + len;
    }
}

/// JPEG: the size from the first start-of-frame segment, the orientation from EXIF; the
/// file must hold its end-of-image marker after the scan.
fn jpeg(b: &[u8]) -> Result<Size, MediaError> {
    let (segments, scan) = jpeg_segments(b)?;
    let frame = segments
        .iter()
        .find(|(m, _)| matches!(m, 0xC0..=0xCF) && !matches!(m, 0xC4 | 0xC8 | 0xCC));
    let Some((_, frame)) = frame else {
        return Err(MediaError::Header(
            Kind::Jpeg,
            "no frame header before the scan",
        ));
    };
    let (Some(height), Some(width)) = (be16(frame, 1), be16(frame, 3)) else {
        return Err(MediaError::Truncated(Kind::Jpeg));
    };
    let tail = &b[scan..];
    if !tail.windows(2).any(|w| w == [0xFF, 0xD9]) {
        return Err(MediaError::Truncated(Kind::Jpeg));
    }
    let orientation = segments
        .iter()
        .filter(|(m, p)| *m == 0xE1 && p.starts_with(b"Exif\0\0"))
        .find_map(|(_, p)| exif_orientation(&p[6..]))
        .unwrap_or(1);
    Ok((width, height, orientation))
}

/// The orientation tag (0x0112) of IFD0 of a TIFF structure, when it is a valid one.
pub(super) fn exif_orientation(tiff: &[u8]) -> Option<u8> {
    let little = match tiff.get(0..4)? {
        b"II*\0" => true,
        b"MM\0*" => false,
        _ => return None,
    };
    let u16_at = |at: usize| {
        let s: [u8; 2] = tiff.get(at..at + 2)?.try_into().ok()?;
        Some(if little {
            u16::from_le_bytes(s)
        } else {
            u16::from_be_bytes(s)
        })
    };
    let u32_at = |at: usize| {
        let s: [u8; 4] = tiff.get(at..at + 4)?.try_into().ok()?;
        Some(if little {
            u32::from_le_bytes(s)
        } else {
            u32::from_be_bytes(s)
        })
    };
    let ifd = u32_at(4)? as usize;
    let count = usize::from(u16_at(ifd)?);
    (0..count.min(512)).find_map(|i| {
        let entry = ifd + 2 + i * 12;
        (u16_at(entry)? == 0x0112 && u16_at(entry + 2)? == 3)
            .then(|| u16_at(entry + 8))
            .flatten()
            .and_then(|v| u8::try_from(v).ok())
            .filter(|v| (1..=8).contains(v))
    })
}

/// WebP: the canvas size from the `VP8X`, `VP8 ` or `VP8L` chunk; the RIFF must fit.
fn webp(b: &[u8]) -> Result<Size, MediaError> {
    let riff = le16(b, 4).zip(le16(b, 6)).map(|(lo, hi)| lo | hi << 16);
    let whole = riff.is_some_and(|len| (len as usize).saturating_add(8) <= b.len());
    let chunk = b.get(12..16).ok_or(MediaError::Truncated(Kind::Webp))?;
    let data = 20;
    let size = match chunk {
        b"VP8X" => le24(b, data + 4)
            .zip(le24(b, data + 7))
            .map(|(w, h)| (w + 1, h + 1)),
        b"VP8 " if b.get(data + 3..data + 6) == Some(&[0x9D, 0x01, 0x2A]) => le16(b, data + 6)
            .zip(le16(b, data + 8))
            .map(|(w, h)| (w & 0x3FFF, h & 0x3FFF)),
        b"VP8L" if b.get(data) == Some(&0x2F) => {
            let bits = le16(b, data + 1)
                .zip(le16(b, data + 3))
                .map(|(lo, hi)| lo | hi << 16);
            bits.map(|v| ((v & 0x3FFF) + 1, ((v >> 14) & 0x3FFF) + 1))
        }
        _ => return Err(MediaError::Header(Kind::Webp, "no VP8, VP8L or VP8X chunk")),
    };
    match size {
        Some((w, h)) if whole => Ok((w, h, 1)),
        _ => Err(MediaError::Truncated(Kind::Webp)),
    }
}

fn is_avif_brand(b: &[u8]) -> bool {
    let len = be32(b, 0).unwrap_or(0) as usize;
    let brands = b.get(8..len.min(b.len()).max(8)).unwrap_or_default();
    brands
        .chunks_exact(4)
        .enumerate()
        .any(|(i, brand)| i != 1 && matches!(brand, b"avif" | b"avis"))
}

/// The boxes of an ISO BMFF range: `(type, payload)`; `None` when one does not fit.
fn boxes(b: &[u8]) -> Option<Vec<(&[u8], &[u8])>> {
    let mut out = Vec::new();
    let mut at = 0usize;
    while at < b.len() {
        let size = be32(b, at)? as usize;
        let kind = b.get(at + 4..at + 8)?;
        let (header, size) = match size {
            0 => (8, b.len() - at),
            1 => (
                16,
                usize::try_from(u64::from(be32(b, at + 8)?) << 32 | u64::from(be32(b, at + 12)?))
                    .ok()?,
            ),
            n => (8, n),
        };
        let end = at.checked_add(size)?;
        out.push((kind, b.get(at + header..end)?));
        at = end;
    }
    Some(out)
}

/// AVIF: the size from the first `ispe` property (`meta` → `iprp` → `ipco`); every
/// top-level box must fit.
fn avif(b: &[u8]) -> Result<Size, MediaError> {
    let top = boxes(b).ok_or(MediaError::Truncated(Kind::Avif))?;
    fn child<'a>(
        list: &[(&[u8], &'a [u8])],
        name: &[u8],
        skip: usize,
    ) -> Option<Vec<(&'a [u8], &'a [u8])>> {
        list.iter()
            .find(|(k, _)| *k == name)
            .and_then(|(_, p)| boxes(p.get(skip..)?))
    }
    let size = child(&top, b"meta", 4)
        .and_then(|meta| child(&meta, b"iprp", 0))
        .and_then(|iprp| child(&iprp, b"ipco", 0))
        .and_then(|ipco| {
            let (_, ispe) = ipco.iter().find(|(k, _)| *k == b"ispe")?;
            be32(ispe, 4).zip(be32(ispe, 8))
        });
    size.map(|(w, h)| (w, h, 1)).ok_or(MediaError::Header(
        Kind::Avif,
        "no image size (ispe) property",
    ))
}
