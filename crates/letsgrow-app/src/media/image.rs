//! Strict structure checks for uploaded images, and metadata stripping.
//!
//! A file is accepted only when its whole container structure parses: every
//! JPEG segment up to EOI, every PNG chunk (with its CRC) up to IEND, every
//! GIF block up to the trailer, every WebP chunk inside a RIFF size that
//! matches. On the way, metadata that can carry a location or personal data
//! is dropped: JPEG APP1 (Exif, XMP) and APP13 (IPTC) segments; PNG eXIf,
//! tEXt, zTXt and iTXt chunks; GIF comments and application blocks other than
//! the looping ones; WebP EXIF and XMP chunks (and their VP8X flags). Bytes
//! after the end of the image are dropped too. Pixels are never re-encoded.

/// Why a file was refused, in words for the user.
pub type Refusal = String;

/// The cleaned file, or why it is not a complete image of type `mime`.
pub fn sanitize(mime: &str, data: &[u8]) -> Result<Vec<u8>, Refusal> {
    match mime {
        "image/jpeg" => jpeg(data),
        "image/png" => png(data),
        "image/gif" => gif(data),
        "image/webp" => webp(data),
        _ => Err("the type is not supported".into()),
    }
}

fn be16(d: &[u8], i: usize) -> Option<usize> {
    Some(usize::from(u16::from_be_bytes([
        *d.get(i)?,
        *d.get(i + 1)?,
    ])))
}

fn be32(d: &[u8], i: usize) -> Option<usize> {
    let b = d.get(i..i + 4)?;
    usize::try_from(u32::from_be_bytes([b[0], b[1], b[2], b[3]])).ok()
}

fn le32(d: &[u8], i: usize) -> Option<usize> {
    let b = d.get(i..i + 4)?;
    usize::try_from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])).ok()
}

const CUT: &str = "the file is cut short";

fn jpeg(d: &[u8]) -> Result<Vec<u8>, Refusal> {
    if !d.starts_with(&[0xFF, 0xD8]) {
        return Err("it does not start like a JPEG".into());
    }
    let mut out = Vec::with_capacity(d.len());
    out.extend_from_slice(&[0xFF, 0xD8]);
    let mut i = 2;
    let mut frame = false;
    let mut scan = false;
    loop {
        // Fill bytes (0xFF runs) may precede a marker.
        if d.get(i) != Some(&0xFF) {
            return Err("a JPEG segment is damaged".into());
        }
        while d.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        let marker = *d.get(i + 1).ok_or(CUT)?;
        match marker {
            0xD9 => {
                if !(frame && scan) {
                    return Err("the JPEG has no image data".into());
                }
                out.extend_from_slice(&[0xFF, 0xD9]);
                return Ok(out);
            }
            0x01 | 0xD0..=0xD7 => {
                out.extend_from_slice(&[0xFF, marker]);
                i += 2;
                continue;
            }
            0x00 | 0xD8 => return Err("a JPEG marker is out of place".into()),
            _ => {}
        }
        let len = be16(d, i + 2).ok_or(CUT)?;
        if len < 2 {
            return Err("a JPEG segment is damaged".into());
        }
        let end = i + 2 + len;
        let segment = d.get(i..end).ok_or(CUT)?;
        let body = &segment[4..];
        let metadata = match marker {
            0xE1 => body.starts_with(b"Exif\0") || body.starts_with(b"http://ns.adobe.com/"),
            0xED => true,
            _ => false,
        };
        if (0xC0..=0xCF).contains(&marker) && ![0xC4, 0xC8, 0xCC].contains(&marker) {
            // SOFn: precision, height, width, components.
            let (h, w) = (be16(segment, 5).ok_or(CUT)?, be16(segment, 7).ok_or(CUT)?);
            if w == 0 || h == 0 {
                return Err("the JPEG has no width or height".into());
            }
            frame = true;
        }
        if !metadata {
            out.extend_from_slice(segment);
        }
        i = end;
        if marker == 0xDA {
            if !frame {
                return Err("the JPEG has image data before its header".into());
            }
            scan = true;
            // Entropy-coded data runs to the next marker that is not a
            // stuffed 0xFF00 or a restart marker.
            let start = i;
            loop {
                let rel = d.get(i..).ok_or(CUT)?.iter().position(|b| *b == 0xFF);
                let at = i + rel.ok_or(CUT)?;
                match d.get(at + 1) {
                    None => return Err(CUT.into()),
                    Some(0x00 | 0xD0..=0xD7 | 0xFF) => i = at + 1,
                    Some(_) => {
                        out.extend_from_slice(&d[start..at]);
                        i = at;
                        break;
                    }
                }
            }
        }
    }
}

/// CRC-32 (ISO 3309) as PNG uses it.
fn crc32(parts: &[&[u8]]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for p in parts {
        for b in *p {
            c ^= u32::from(*b);
            for _ in 0..8 {
                c = if c & 1 == 1 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
        }
    }
    !c
}

fn png(d: &[u8]) -> Result<Vec<u8>, Refusal> {
    const SIG: &[u8] = b"\x89PNG\r\n\x1a\n";
    if !d.starts_with(SIG) {
        return Err("it does not start like a PNG".into());
    }
    let mut out = SIG.to_vec();
    let mut i = SIG.len();
    let mut first = true;
    let mut idat = false;
    loop {
        let len = be32(d, i).ok_or(CUT)?;
        let kind = d.get(i + 4..i + 8).ok_or(CUT)?;
        let data = d.get(i + 8..i + 8 + len).ok_or(CUT)?;
        let crc = be32(d, i + 8 + len).ok_or(CUT)?;
        if usize::try_from(crc32(&[kind, data])).ok() != Some(crc) {
            return Err("a PNG chunk is damaged (checksum mismatch)".into());
        }
        if first {
            if kind != b"IHDR" || len != 13 {
                return Err("the PNG header is missing".into());
            }
            if be32(data, 0) == Some(0) || be32(data, 4) == Some(0) {
                return Err("the PNG has no width or height".into());
            }
            first = false;
        }
        let chunk = &d[i..i + 12 + len];
        i += 12 + len;
        match kind {
            b"eXIf" | b"tEXt" | b"zTXt" | b"iTXt" => continue,
            b"IDAT" => idat = true,
            b"IEND" => {
                if !idat {
                    return Err("the PNG has no image data".into());
                }
                out.extend_from_slice(chunk);
                return Ok(out);
            }
            _ => {}
        }
        out.extend_from_slice(chunk);
    }
}

/// Skips GIF data sub-blocks starting at `i`; the index after the terminator.
fn gif_sub_blocks(d: &[u8], mut i: usize) -> Result<usize, Refusal> {
    loop {
        let n = usize::from(*d.get(i).ok_or(CUT)?);
        i += 1;
        if n == 0 {
            return Ok(i);
        }
        i += n;
        if i > d.len() {
            return Err(CUT.into());
        }
    }
}

fn gif(d: &[u8]) -> Result<Vec<u8>, Refusal> {
    if !(d.starts_with(b"GIF87a") || d.starts_with(b"GIF89a")) {
        return Err("it does not start like a GIF".into());
    }
    let flags = *d.get(10).ok_or(CUT)?;
    let mut i = 13;
    if flags & 0x80 != 0 {
        i += 3 << ((flags & 0x07) + 1);
    }
    let mut out = d.get(..i).ok_or(CUT)?.to_vec();
    let mut images = 0;
    loop {
        let start = i;
        match *d.get(i).ok_or(CUT)? {
            0x3B => {
                if images == 0 {
                    return Err("the GIF has no image".into());
                }
                out.push(0x3B);
                return Ok(out);
            }
            0x2C => {
                let local = *d.get(i + 9).ok_or(CUT)?;
                i += 10;
                if local & 0x80 != 0 {
                    i += 3 << ((local & 0x07) + 1);
                }
                // LZW minimum code size, then the image data.
                d.get(i).ok_or(CUT)?;
                i = gif_sub_blocks(d, i + 1)?;
                images += 1;
                out.extend_from_slice(&d[start..i]);
            }
            0x21 => {
                let label = *d.get(i + 1).ok_or(CUT)?;
                let end = gif_sub_blocks(d, i + 2)?;
                let keep = match label {
                    0xFE => false,
                    0xFF => {
                        let id = d.get(i + 3..i + 14).unwrap_or_default();
                        id == b"NETSCAPE2.0" || id == b"ANIMEXTS1.0"
                    }
                    _ => true,
                };
                if keep {
                    out.extend_from_slice(&d[start..end]);
                }
                i = end;
            }
            _ => return Err("a GIF block is damaged".into()),
        }
    }
}

fn webp(d: &[u8]) -> Result<Vec<u8>, Refusal> {
    if d.get(0..4) != Some(b"RIFF") || d.get(8..12) != Some(b"WEBP") {
        return Err("it does not start like a WebP".into());
    }
    let riff = le32(d, 4).ok_or(CUT)?;
    let end = riff.checked_add(8).ok_or(CUT)?;
    if end > d.len() || riff < 4 {
        return Err(CUT.into());
    }
    let mut body = b"WEBP".to_vec();
    let mut i = 12;
    let mut image = false;
    let mut vp8x_at = None;
    while i < end {
        let kind = d.get(i..i + 4).ok_or(CUT)?;
        let len = le32(d, i + 4).ok_or(CUT)?;
        let padded = len + (len & 1);
        let chunk = d.get(i..i + 8 + padded).ok_or(CUT)?;
        if i + 8 + padded > end {
            return Err(CUT.into());
        }
        if i == 12 && !matches!(kind, b"VP8 " | b"VP8L" | b"VP8X") {
            return Err("the WebP has no image header".into());
        }
        match kind {
            b"EXIF" | b"XMP " => {}
            b"VP8X" => {
                if len < 10 {
                    return Err("the WebP header is damaged".into());
                }
                vp8x_at = Some(body.len() + 8);
                body.extend_from_slice(chunk);
            }
            b"VP8 " | b"VP8L" | b"ANMF" => {
                if len == 0 {
                    return Err("the WebP has empty image data".into());
                }
                image = true;
                body.extend_from_slice(chunk);
            }
            _ => body.extend_from_slice(chunk),
        }
        i += 8 + padded;
    }
    if !image {
        return Err("the WebP has no image data".into());
    }
    if let Some(at) = vp8x_at
        && let Some(flags) = body.get_mut(at)
    {
        // Clear the EXIF (0x08) and XMP (0x04) present flags.
        *flags &= !0x0C;
    }
    let size = u32::try_from(body.len()).map_err(|_| "the WebP is too large".to_owned())?;
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&body);
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A small baseline JPEG the way a phone writes one: SOI, an APP1 Exif
    /// segment with GPS tags, an XMP segment, APP13, tables, SOF0, SOS with
    /// entropy data (including a stuffed 0xFF00 and a restart marker), EOI,
    /// then trailing bytes.
    pub(crate) fn phone_jpeg() -> Vec<u8> {
        let mut j = vec![0xFF, 0xD8];
        // APP0 JFIF.
        j.extend_from_slice(&[0xFF, 0xE0, 0x00, 0x10]);
        j.extend_from_slice(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        // APP1 Exif: TIFF header, IFD0 with a GPS IFD pointer, GPS IFD with latitude.
        let mut exif = b"Exif\0\0II*\0\x08\0\0\0".to_vec();
        exif.extend_from_slice(&[1, 0, 0x25, 0x88, 4, 0, 1, 0, 0, 0, 26, 0, 0, 0, 0, 0, 0, 0]);
        exif.extend_from_slice(&[1, 0, 2, 0, 5, 0, 3, 0, 0, 0, 44, 0, 0, 0, 0, 0, 0, 0]);
        exif.extend_from_slice(b"GPSLatitude 52/1 31/1 12/1 N");
        j.extend_from_slice(&[0xFF, 0xE1]);
        j.extend_from_slice(&u16::try_from(exif.len() + 2).unwrap().to_be_bytes());
        j.extend_from_slice(&exif);
        let xmp = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta exif:GPSLongitude=\"13,24.5E\"/>";
        j.extend_from_slice(&[0xFF, 0xE1]);
        j.extend_from_slice(&u16::try_from(xmp.len() + 2).unwrap().to_be_bytes());
        j.extend_from_slice(xmp);
        j.extend_from_slice(&[0xFF, 0xED, 0x00, 0x08]);
        j.extend_from_slice(b"Photo");
        j.push(0);
        // DQT (one table, 64 bytes).
        j.extend_from_slice(&[0xFF, 0xDB, 0x00, 0x43, 0x00]);
        j.extend_from_slice(&[1u8; 64]);
        // SOF0: 8-bit, 2 x 3, one component.
        j.extend_from_slice(&[
            0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x02, 0x00, 0x03, 0x01, 0x01, 0x11, 0x00,
        ]);
        // SOS: one component, then entropy data with 0xFF00 and RST0.
        j.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00]);
        j.extend_from_slice(&[0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56]);
        j.extend_from_slice(&[0xFF, 0xD9]);
        j.extend_from_slice(b"GPS trailer");
        j
    }

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn jpeg_loses_exif_xmp_iptc_and_trailer_but_keeps_pixels() {
        let j = phone_jpeg();
        assert!(contains(&j, b"GPSLatitude"));
        let clean = sanitize("image/jpeg", &j).unwrap();
        for gone in [&b"Exif"[..], b"GPS", b"xmpmeta", b"Photo"] {
            assert!(!contains(&clean, gone), "{}", String::from_utf8_lossy(gone));
        }
        assert!(contains(&clean, b"JFIF"));
        assert!(contains(
            &clean,
            &[0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0xFF, 0xD9]
        ));
        assert!(clean.ends_with(&[0xFF, 0xD9]));
        assert_eq!(sanitize("image/jpeg", &clean).unwrap(), clean, "idempotent");
    }

    #[test]
    fn broken_jpegs_are_refused() {
        let j = phone_jpeg();
        assert!(sanitize("image/jpeg", b"\xFF\xD8\xFF<html><script>").is_err());
        assert!(sanitize("image/jpeg", &j[..11]).is_err(), "11-byte JPEG");
        let eoi = j.len() - b"GPS trailer".len();
        assert!(sanitize("image/jpeg", &j[..eoi - 2]).is_err(), "no EOI");
        let mut no_sof = vec![0xFF, 0xD8];
        no_sof.extend_from_slice(&[0xFF, 0xD9]);
        assert!(sanitize("image/jpeg", &no_sof).is_err());
    }

    pub(crate) fn png_with_text() -> Vec<u8> {
        fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
            out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
            out.extend_from_slice(kind);
            out.extend_from_slice(data);
            out.extend_from_slice(&crc32(&[kind, data]).to_be_bytes());
        }
        let mut p = b"\x89PNG\r\n\x1a\n".to_vec();
        chunk(&mut p, b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
        chunk(&mut p, b"tEXt", b"Location\0Berlin");
        chunk(&mut p, b"eXIf", b"MM\0*GPS");
        chunk(&mut p, b"IDAT", &[0x78, 0x9C, 0x63, 0x60, 0, 0, 0, 2, 0, 1]);
        chunk(&mut p, b"IEND", &[]);
        p
    }

    #[test]
    fn png_loses_text_and_exif_and_checks_crcs() {
        let p = png_with_text();
        let clean = sanitize("image/png", &p).unwrap();
        assert!(!contains(&clean, b"Berlin") && !contains(&clean, b"GPS"));
        assert!(contains(&clean, b"IDAT") && clean.ends_with(&crc32(&[b"IEND"]).to_be_bytes()));
        let mut bad = p.clone();
        let at = bad.len() - 20;
        bad[at] ^= 1;
        assert!(sanitize("image/png", &bad).is_err(), "CRC mismatch");
        assert!(
            sanitize("image/png", &p[..p.len() - 12]).is_err(),
            "no IEND"
        );
    }

    #[test]
    fn gif_and_webp_lose_comments_and_metadata() {
        let mut g = b"GIF89a\x01\0\x01\0\x80\0\0".to_vec();
        g.extend_from_slice(&[0, 0, 0, 255, 255, 255]);
        g.extend_from_slice(&[0x21, 0xFE, 5]);
        g.extend_from_slice(b"Where");
        g.push(0);
        g.extend_from_slice(&[0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x4C, 0x01, 0]);
        g.push(0x3B);
        let clean = sanitize("image/gif", &g).unwrap();
        assert!(!contains(&clean, b"Where"));
        assert!(sanitize("image/gif", &g[..g.len() - 1]).is_err());

        let mut w = b"RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0".to_vec();
        w.extend_from_slice(&[0x0C, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        w.extend_from_slice(b"VP8L\x05\0\0\0\x2f\0\0\0\0\0");
        w.extend_from_slice(b"EXIF\x04\0\0\0GPS!");
        w.extend_from_slice(b"XMP \x03\0\0\0geo\0");
        let size = u32::try_from(w.len() - 8).unwrap();
        w[4..8].copy_from_slice(&size.to_le_bytes());
        let clean = sanitize("image/webp", &w).unwrap();
        assert!(!contains(&clean, b"GPS") && !contains(&clean, b"geo"));
        assert_eq!(clean[20] & 0x0C, 0, "flags cleared");
        assert_eq!(le32(&clean, 4), Some(clean.len() - 8));
        assert!(sanitize("image/webp", &w[..w.len() - 3]).is_err());
    }
}
