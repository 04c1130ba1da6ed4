//! Lossless metadata removal from JPEG files: the segments that carry location, camera and
//! editing metadata (EXIF and XMP in `APP1`, IPTC in `APP13`, the other application
//! segments, comments) are dropped, byte for byte, and nothing is decoded; the colour
//! profile (`APP2 ICC_PROFILE`), JFIF and Adobe segments stay, and so does the
//! orientation: when EXIF gave one other than 1, a minimal EXIF segment holding only that
//! tag takes its place.

use super::MediaError;
use super::probe::{exif_orientation, jpeg_segments};

/// `bytes` (a JPEG) without its metadata segments, its orientation kept.
pub fn strip(bytes: &[u8]) -> Result<Vec<u8>, MediaError> {
    let (segments, scan) = jpeg_segments(bytes)?;
    let orientation = segments
        .iter()
        .filter(|(m, p)| *m == 0xE1 && p.starts_with(b"Exif\0\0"))
        .find_map(|(_, p)| exif_orientation(&p[6..]))
        .unwrap_or(1);
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&[0xFF, 0xD8]);
    let mut orientation_written = orientation == 1;
    for (marker, payload) in &segments {
        let keep = match marker {
            0xE0 => payload.starts_with(b"JFIF\0") || payload.starts_with(b"JFXX\0"),
            0xE2 => payload.starts_with(b"ICC_PROFILE\0"),
            0xEE => payload.starts_with(b"Adobe"),
            0xE1 | 0xE3..=0xED | 0xEF | 0xFE => false,
            _ => true,
        };
        // The orientation goes right after JFIF (or first), where readers look for EXIF.
        if !orientation_written && *marker != 0xE0 {
            push_segment(&mut out, 0xE1, &orientation_exif(orientation));
            orientation_written = true;
        }
        if keep {
            push_segment(&mut out, *marker, payload);
        }
    }
    out.extend_from_slice(&bytes[scan..]);
    Ok(out)
}

fn push_segment(out: &mut Vec<u8>, marker: u8, payload: &[u8]) {
    out.extend_from_slice(&[0xFF, marker]);
    // A payload came from a segment whose length fit in 16 bits.
    let len = u16::try_from(payload.len() + 2).unwrap_or(u16::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(payload);
}

/// An EXIF payload whose only tag is the orientation: big-endian TIFF, one IFD entry.
fn orientation_exif(orientation: u8) -> Vec<u8> {
    let mut p = b"Exif\0\0MM\0*".to_vec();
    p.extend_from_slice(&8u32.to_be_bytes());
    p.extend_from_slice(&1u16.to_be_bytes());
    p.extend_from_slice(&0x0112u16.to_be_bytes());
    p.extend_from_slice(&3u16.to_be_bytes());
    p.extend_from_slice(&1u32.to_be_bytes());
    p.extend_from_slice(&[0, orientation, 0, 0]);
    p.extend_from_slice(&0u32.to_be_bytes());
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::tests::jpeg_with;

    #[test]
    fn gps_and_camera_metadata_are_dropped_and_the_orientation_is_kept() {
        let original = jpeg_with(6, b"GPS 24.7136N 46.6753E Serial 12345");
        assert!(original.windows(5).any(|w| w == b"24.71"));
        let stripped = strip(&original).unwrap();
        assert!(!stripped.windows(5).any(|w| w == b"24.71"), "GPS left");
        assert!(!stripped.windows(6).any(|w| w == b"Serial"), "serial left");
        let probed = crate::media::probe::probe(&stripped).unwrap();
        assert_eq!(probed.orientation, 6);
        // The image data is the same bytes.
        let scan = |b: &[u8]| {
            b.windows(2)
                .position(|w| w == [0xFF, 0xDA])
                .map(|i| b[i..].to_vec())
        };
        assert_eq!(scan(&original), scan(&stripped));
        image::load_from_memory(&stripped).unwrap();
    }

    #[test]
    fn an_upright_photo_keeps_no_exif_at_all() {
        let stripped = strip(&jpeg_with(1, b"Canon EOS")).unwrap();
        assert!(!stripped.windows(4).any(|w| w == b"Exif"));
        assert!(!stripped.windows(5).any(|w| w == b"Canon"));
    }
}
