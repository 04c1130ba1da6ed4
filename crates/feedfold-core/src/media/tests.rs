//! The pictures core, on images made in the tests.
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
