//! The media library: uploaded images stored under `<data_dir>/media/<id>`,
//! typed by their bytes (never by the client's word), with dimensions read
//! from the file header. Platforms that fetch media by URL (Instagram,
//! Threads, webhooks) get a signed, expiring public URL.

mod image;

use hmac::{Hmac, Mac};
use letsgrow_db::Db;
use letsgrow_db::media::{self as repo, MediaRow};
use sha2::{Digest, Sha256};
use std::path::PathBuf;

/// Largest upload accepted (bytes). Per-platform limits are checked when a post uses it.
pub const MAX_UPLOAD_BYTES: usize = 16 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("{0}")]
    Unsupported(String),
    #[error("the file is empty")]
    Empty,
    #[error("the media library is full")]
    QuotaExceeded { used: u64, quota: u64 },
    #[error("internal: {0}")]
    Internal(String),
}

#[derive(Clone)]
pub struct MediaLibrary {
    db: Db,
    dir: PathBuf,
    /// Signs public URLs.
    key: Vec<u8>,
    public_url: Option<String>,
    /// Enforced by the database at insert (`insert_within_quota`), so it
    /// holds across processes.
    quota_bytes: u64,
}

/// A safe display name for an uploaded file: letters, digits, spaces and
/// `. - _ ( )` kept, anything else (markup, quotes, slashes, control
/// characters) replaced by `_`, no leading dots, at most 120 characters.
pub fn display_name(raw: &str) -> String {
    let mut out = String::new();
    for c in raw.chars() {
        let safe = c.is_alphanumeric() || matches!(c, ' ' | '.' | '-' | '_' | '(' | ')');
        let c = if safe { c } else { '_' };
        if !(c == '_' && out.ends_with('_')) {
            out.push(c);
        }
    }
    let trimmed: String = out
        .trim()
        .trim_start_matches('.')
        .chars()
        .take(120)
        .collect();
    let trimmed = trimmed.trim();
    if trimmed.trim_matches('_').is_empty() {
        "image".into()
    } else {
        trimmed.to_owned()
    }
}

/// The file's width and height, read by `imagesize` from the cleaned bytes;
/// refused when the header does not describe an image of the sniffed type.
fn checked_dimensions(mime: &str, data: &[u8]) -> Option<(u32, u32)> {
    use imagesize::ImageType;
    let kind = imagesize::image_type(data).ok()?;
    let matches = matches!(
        (mime, kind),
        ("image/jpeg", ImageType::Jpeg)
            | ("image/png", ImageType::Png)
            | ("image/gif", ImageType::Gif)
            | ("image/webp", ImageType::Webp)
    );
    let size = imagesize::blob_size(data).ok()?;
    let (w, h) = (
        u32::try_from(size.width).ok()?,
        u32::try_from(size.height).ok()?,
    );
    (matches && w > 0 && h > 0).then_some((w, h))
}

/// The image types LetsGrow recognises, from magic bytes.
pub fn sniff(data: &[u8]) -> Option<&'static str> {
    if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if data.starts_with(b"GIF87a") || data.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if data.len() >= 12 && &data[0..4] == b"RIFF" && &data[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// Width and height from the image header, where it is cheap to read.
pub fn dimensions(mime: &str, d: &[u8]) -> Option<(u32, u32)> {
    let be16 = |i: usize| -> Option<u32> {
        Some(u32::from(u16::from_be_bytes([*d.get(i)?, *d.get(i + 1)?])))
    };
    let be32 = |i: usize| -> Option<u32> {
        Some(u32::from_be_bytes([
            *d.get(i)?,
            *d.get(i + 1)?,
            *d.get(i + 2)?,
            *d.get(i + 3)?,
        ]))
    };
    let le16 = |i: usize| -> Option<u32> {
        Some(u32::from(u16::from_le_bytes([*d.get(i)?, *d.get(i + 1)?])))
    };
    match mime {
        "image/png" => Some((be32(16)?, be32(20)?)),
        "image/gif" => Some((le16(6)?, le16(8)?)),
        "image/jpeg" => {
            let mut i = 2;
            while i + 9 < d.len() {
                if d[i] != 0xFF {
                    return None;
                }
                let marker = d[i + 1];
                let len = usize::try_from(be16(i + 2)?).ok()?;
                // SOF0..SOF15 except DHT (C4), JPG (C8), DAC (CC).
                if (0xC0..=0xCF).contains(&marker) && ![0xC4, 0xC8, 0xCC].contains(&marker) {
                    return Some((be16(i + 7)?, be16(i + 5)?));
                }
                i += 2 + len;
            }
            None
        }
        "image/webp" => match d.get(12..16)? {
            b"VP8X" => {
                let w = 1
                    + (u32::from(*d.get(24)?)
                        | u32::from(*d.get(25)?) << 8
                        | u32::from(*d.get(26)?) << 16);
                let h = 1
                    + (u32::from(*d.get(27)?)
                        | u32::from(*d.get(28)?) << 8
                        | u32::from(*d.get(29)?) << 16);
                Some((w, h))
            }
            b"VP8 " => Some((le16(26)? & 0x3FFF, le16(28)? & 0x3FFF)),
            b"VP8L" => {
                let b = |i: usize| d.get(i).copied().map(u32::from);
                let bits = b(21)? | b(22)? << 8 | b(23)? << 16 | b(24)? << 24;
                Some(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
            }
            _ => None,
        },
        _ => None,
    }
}

impl MediaLibrary {
    pub fn new(db: Db, data_dir: PathBuf, key: Vec<u8>, public_url: Option<String>) -> Self {
        MediaLibrary {
            db,
            dir: data_dir.join("media"),
            key,
            public_url,
            quota_bytes: letsgrow_config::MediaConfig::default().quota_bytes_per_user,
        }
    }

    /// Sets the bytes one user may store.
    pub fn with_quota(mut self, quota_bytes: u64) -> Self {
        self.quota_bytes = quota_bytes;
        self
    }

    /// Bytes and files `user_id` stores, and the quota.
    pub async fn usage(&self, user_id: &str) -> Result<(u64, u64, u64), letsgrow_db::DbError> {
        let (bytes, files) = repo::usage_for_user(&self.db, user_id).await?;
        Ok((
            u64::try_from(bytes).unwrap_or(0),
            u64::try_from(files).unwrap_or(0),
            self.quota_bytes,
        ))
    }

    /// Stores an upload and its row. The file is written (and synced) before
    /// the row, so a row never points at a missing file.
    pub async fn upload(
        &self,
        user_id: &str,
        filename: &str,
        data: &[u8],
    ) -> Result<MediaRow, MediaError> {
        if data.is_empty() {
            return Err(MediaError::Empty);
        }
        let mime = sniff(data).ok_or_else(|| {
            MediaError::Unsupported("only JPEG, PNG, GIF and WebP images are accepted".into())
        })?;
        let kind = mime.trim_start_matches("image/").to_uppercase();
        // Location and other metadata are removed before anything is stored.
        let cleaned = image::sanitize(mime, data).map_err(|why| {
            MediaError::Unsupported(format!(
                "This file is not a complete {kind} image ({why}). Open it in an image editor, save or export it again, and upload that."
            ))
        })?;
        let data = cleaned.as_slice();
        let (width, height) = checked_dimensions(mime, data).ok_or_else(|| {
            MediaError::Unsupported(format!(
                "This {kind} image has no readable size. Save or export it again and upload that."
            ))
        })?;
        let (width, height) = (Some(width), Some(height));
        // A cheap early refusal; the database decides at insert.
        let (used, _, quota) = self
            .usage(user_id)
            .await
            .map_err(|e| MediaError::Internal(e.to_string()))?;
        let size = u64::try_from(data.len()).unwrap_or(u64::MAX);
        if used.saturating_add(size) > quota {
            return Err(MediaError::QuotaExceeded { used, quota });
        }
        let id = letsgrow_db::new_id();
        tokio::fs::create_dir_all(&self.dir)
            .await
            .map_err(|e| MediaError::Internal(format!("creating {}: {e}", self.dir.display())))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            tokio::fs::set_permissions(&self.dir, std::fs::Permissions::from_mode(0o700))
                .await
                .map_err(|e| MediaError::Internal(e.to_string()))?;
        }
        let path = self.dir.join(&id);
        let tmp = self.dir.join(format!("{id}.part"));
        {
            use tokio::io::AsyncWriteExt;
            // Owner-only, like the database.
            let mut f = tokio::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .mode(0o600)
                .open(&tmp)
                .await
                .map_err(|e| MediaError::Internal(e.to_string()))?;
            f.write_all(data)
                .await
                .map_err(|e| MediaError::Internal(e.to_string()))?;
            f.sync_all()
                .await
                .map_err(|e| MediaError::Internal(e.to_string()))?;
        }
        tokio::fs::rename(&tmp, &path)
            .await
            .map_err(|e| MediaError::Internal(e.to_string()))?;
        let row = MediaRow {
            id,
            user_id: user_id.to_owned(),
            filename: display_name(filename),
            mime: mime.to_owned(),
            bytes: i64::try_from(data.len()).unwrap_or(i64::MAX),
            sha256: hex::encode(Sha256::digest(data)),
            width: width.map(i64::from),
            height: height.map(i64::from),
            created_at: chrono::Utc::now().timestamp_millis(),
        };
        let quota_i64 = i64::try_from(quota).unwrap_or(i64::MAX);
        let inserted = repo::insert_within_quota(&self.db, &row, quota_i64).await;
        match inserted {
            Ok(Ok(())) => Ok(row),
            Ok(Err(used)) => {
                // Another upload took the room meanwhile: no row, no file.
                let _ = tokio::fs::remove_file(&path).await;
                Err(MediaError::QuotaExceeded {
                    used: u64::try_from(used).unwrap_or(0),
                    quota,
                })
            }
            Err(e) => {
                let _ = tokio::fs::remove_file(&path).await;
                Err(MediaError::Internal(e.to_string()))
            }
        }
    }

    /// A media item by id, whoever owns it (for signed public links).
    pub async fn get(&self, id: &str) -> Result<Option<MediaRow>, letsgrow_db::DbError> {
        repo::get(&self.db, id).await
    }

    pub async fn get_for_user(
        &self,
        user_id: &str,
        id: &str,
    ) -> Result<Option<MediaRow>, letsgrow_db::DbError> {
        Ok(repo::get(&self.db, id)
            .await?
            .filter(|m| m.user_id == user_id))
    }

    pub async fn list(&self, user_id: &str) -> Result<Vec<MediaRow>, letsgrow_db::DbError> {
        repo::list_for_user(&self.db, user_id, 200).await
    }

    pub async fn read(&self, id: &str) -> std::io::Result<Vec<u8>> {
        // Ids are UUIDs we generated; refuse anything else before touching the disk.
        if uuid::Uuid::parse_str(id).is_err() {
            return Err(std::io::Error::new(std::io::ErrorKind::NotFound, "bad id"));
        }
        tokio::fs::read(self.dir.join(id)).await
    }

    fn mac(&self, id: &str, expires: i64) -> Option<Hmac<Sha256>> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).ok()?;
        mac.update(format!("media|{id}|{expires}").as_bytes());
        Some(mac)
    }

    fn sign(&self, id: &str, expires: i64) -> String {
        self.mac(id, expires)
            .map(|m| hex::encode(m.finalize().into_bytes()))
            .unwrap_or_default()
    }

    /// A signed, expiring path on this server (`/api/v1/media/<id>/public?…`).
    pub fn signed_path(&self, id: &str, ttl_secs: i64) -> String {
        let expires = chrono::Utc::now().timestamp() + ttl_secs;
        format!(
            "/api/v1/media/{id}/public?expires={expires}&sig={}",
            self.sign(id, expires)
        )
    }

    /// An expiring URL anyone can fetch (for platforms that pull media by URL).
    /// `None` without `server.public_url`: the server cannot know its own address.
    /// Whether images can be handed out by URL (`server.public_url` is set).
    pub fn serves_public_urls(&self) -> bool {
        self.public_url.is_some()
    }

    pub fn public_url(&self, id: &str, ttl_secs: i64) -> Option<String> {
        let base = self.public_url.as_deref()?.trim_end_matches('/');
        Some(format!("{base}{}", self.signed_path(id, ttl_secs)))
    }

    /// Checks a public URL's signature and expiry.
    pub fn verify(&self, id: &str, expires: i64, sig: &str) -> bool {
        if expires < chrono::Utc::now().timestamp() {
            return false;
        }
        // `verify_slice` compares in constant time.
        match (self.mac(id, expires), hex::decode(sig)) {
            (Some(mac), Ok(tag)) => mac.verify_slice(&tag).is_ok(),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_types_and_reads_png_and_gif_dimensions() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&640u32.to_be_bytes());
        png.extend_from_slice(&480u32.to_be_bytes());
        assert_eq!(sniff(&png), Some("image/png"));
        assert_eq!(dimensions("image/png", &png), Some((640, 480)));
        let gif = b"GIF89a\x20\x03\x58\x02".to_vec();
        assert_eq!(sniff(&gif), Some("image/gif"));
        assert_eq!(dimensions("image/gif", &gif), Some((800, 600)));
        assert_eq!(sniff(b"<svg>"), None);
        assert_eq!(sniff(b""), None);
    }

    #[tokio::test]
    async fn signed_links_verify_only_whole_untampered_and_unexpired() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(None, dir.path(), 1).await.unwrap();
        let lib = MediaLibrary::new(db, dir.path().into(), vec![7u8; 32], None);
        let exp = chrono::Utc::now().timestamp() + 60;
        let sig = lib.sign("abc", exp);
        assert!(lib.verify("abc", exp, &sig));
        assert!(!lib.verify("abd", exp, &sig), "bound to the id");
        assert!(!lib.verify("abc", exp + 1, &sig), "bound to the expiry");
        assert!(
            !lib.verify("abc", exp, &sig[..sig.len() - 2]),
            "no truncated tags"
        );
        assert!(!lib.verify("abc", exp, "zz"), "not hex");
        let past = chrono::Utc::now().timestamp() - 1;
        assert!(!lib.verify("abc", past, &lib.sign("abc", past)), "expired");
    }

    #[test]
    fn display_names_are_safe() {
        assert_eq!(
            display_name("<script>alert(1)</script>.png"),
            "_script_alert(1)_script_.png"
        );
        assert_eq!(display_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(
            display_name("Urlaub 2026 – Strand.jpg"),
            "Urlaub 2026 _ Strand.jpg"
        );
        assert_eq!(display_name("\u{0}\u{7}"), "image");
        assert_eq!(display_name(".hidden"), "hidden");
        assert_eq!(display_name(&"a".repeat(500)).len(), 120);
    }

    #[test]
    fn dimensions_come_from_the_cleaned_image() {
        let clean = image::sanitize("image/jpeg", &image::tests::phone_jpeg()).unwrap();
        assert_eq!(checked_dimensions("image/jpeg", &clean), Some((3, 2)));
        assert_eq!(
            checked_dimensions("image/png", &clean),
            None,
            "type must match"
        );
        let png = image::sanitize("image/png", &image::tests::png_with_text()).unwrap();
        assert_eq!(checked_dimensions("image/png", &png), Some((1, 1)));
    }

    #[test]
    fn reads_jpeg_dimensions_from_the_sof_segment() {
        // SOI, APP0 (length 16), SOF0 with height 300, width 400.
        let mut j = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
        j.extend_from_slice(&[0u8; 14]);
        j.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x11, 0x08, 0x01, 0x2C, 0x01, 0x90, 0x03]);
        j.extend_from_slice(&[0u8; 12]);
        assert_eq!(sniff(&j), Some("image/jpeg"));
        assert_eq!(dimensions("image/jpeg", &j), Some((400, 300)));
    }
}
