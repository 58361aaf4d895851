//! Photos: decoding with limits (a hostile file cannot make us allocate gigabytes) and the 64-bit
//! perceptual hash that finds the same picture re-sized or re-compressed on another site.

use std::io::Cursor;

use image::{ImageReader, Limits};
use image_hasher::{HashAlg, HasherConfig};

/// Largest width or height decoded.
const MAX_SIDE: u32 = 8192;
/// Largest decoder allocation.
const MAX_ALLOC: u64 = 256 << 20;

/// A decoded photo's hash and size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhotoHash {
    /// 64-bit gradient hash (8×8 comparisons of a 9×8 grey thumbnail).
    pub hash: u64,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// Decodes an image (JPEG, PNG, GIF or WebP, told by its bytes) and hashes it.
pub fn phash(bytes: &[u8]) -> Result<PhotoHash, String> {
    if bytes.is_empty() {
        return Err("empty image".into());
    }
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("unreadable image: {e}"))?;
    if reader.format().is_none() {
        return Err("not an image (unknown format)".into());
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let img = reader
        .decode()
        .map_err(|e| format!("undecodable image: {e}"))?;
    let hasher = HasherConfig::new()
        .hash_alg(HashAlg::Gradient)
        .hash_size(8, 8)
        .to_hasher();
    let h = hasher.hash_image(&img);
    let mut word = [0u8; 8];
    for (w, b) in word.iter_mut().zip(h.as_bytes()) {
        *w = *b;
    }
    Ok(PhotoHash {
        hash: u64::from_be_bytes(word),
        width: img.width(),
        height: img.height(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(img: &image::RgbImage, q: u8) -> Vec<u8> {
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, q)
            .encode_image(img)
            .unwrap();
        out
    }

    fn picture(seed: u32) -> image::RgbImage {
        image::RgbImage::from_fn(400, 300, |x, y| {
            let v = ((x * (seed + 3) / 7) ^ (y * (seed + 5) / 11)) as u8;
            image::Rgb([v, v.wrapping_mul(3), 255 - v])
        })
    }

    #[test]
    fn resized_and_recompressed_stay_close_others_do_not() {
        let a = picture(1);
        let small = image::imageops::resize(&a, 200, 150, image::imageops::FilterType::Triangle);
        let h1 = phash(&jpeg(&a, 90)).unwrap();
        let h2 = phash(&jpeg(&small, 40)).unwrap();
        let other = phash(&jpeg(&picture(9), 90)).unwrap();
        assert_eq!((h1.width, h1.height), (400, 300));
        assert!(
            (h1.hash ^ h2.hash).count_ones() <= 4,
            "{:064b}\n{:064b}",
            h1.hash,
            h2.hash
        );
        assert!((h1.hash ^ other.hash).count_ones() > 10);
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        assert!(phash(b"").is_err());
        assert!(phash(b"<html>not a picture</html>").is_err());
        let mut cut = jpeg(&picture(2), 80);
        cut.truncate(cut.len() / 3);
        let _ = phash(&cut); // a truncated JPEG may decode partially or fail, never panic
                             // A PNG header claiming 100000×100000 pixels is refused by the limits.
        let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
        png.extend_from_slice(b"IHDR");
        png.extend_from_slice(&100_000u32.to_be_bytes());
        png.extend_from_slice(&100_000u32.to_be_bytes());
        png.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
        assert!(phash(&png).is_err());
    }
}
