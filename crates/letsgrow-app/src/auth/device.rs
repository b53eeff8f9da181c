//! Device cookies: a signed note that a browser or client logged in to an
//! account successfully before. With one, the correct password gets in even
//! while the account's email is being hammered from elsewhere (OWASP's
//! "device cookie" against lock-out). The cookie names the account by a hash
//! of its email, carries a random id (its own attempt budget) and a date, and
//! is HMAC-signed with a key derived from the token-signing key.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

pub const DEVICE_COOKIE: &str = "lg_device";
/// How long a device stays known after its last successful log-in.
pub const DEVICE_TTL_SECS: i64 = 180 * 86_400;

pub struct DeviceKey(Vec<u8>);

impl std::fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeviceKey(**redacted**)")
    }
}

fn email_tag(email: &str) -> String {
    URL_SAFE_NO_PAD.encode(&Sha256::digest(email.as_bytes())[..16])
}

impl DeviceKey {
    pub fn new(signing_key: &[u8]) -> Self {
        let mut h = Sha256::new();
        h.update(b"letsgrow device cookie v1|");
        h.update(signing_key);
        DeviceKey(h.finalize().to_vec())
    }

    fn mac(&self, payload: &str) -> Option<Hmac<Sha256>> {
        let mut m = Hmac::<Sha256>::new_from_slice(&self.0).ok()?;
        m.update(payload.as_bytes());
        Some(m)
    }

    /// A new cookie value for `email` (normalised), issued at `now_s`.
    pub fn issue(&self, email: &str, now_s: i64) -> String {
        let mut nonce = [0u8; 16];
        rand::rng().fill_bytes(&mut nonce);
        let payload = format!(
            "v1.{}.{now_s}.{}",
            email_tag(email),
            URL_SAFE_NO_PAD.encode(nonce)
        );
        let sig = self
            .mac(&payload)
            .map(|m| URL_SAFE_NO_PAD.encode(m.finalize().into_bytes()))
            .unwrap_or_default();
        format!("{payload}.{sig}")
    }

    /// The cookie's id when it is genuine, unexpired and issued for `email`.
    pub fn verify(&self, cookie: &str, email: &str, now_s: i64) -> Option<String> {
        let (payload, sig) = cookie.rsplit_once('.')?;
        let sig = URL_SAFE_NO_PAD.decode(sig).ok()?;
        self.mac(payload)?.verify_slice(&sig).ok()?;
        let mut parts = payload.split('.');
        let (v, tag, issued, nonce) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        let issued: i64 = issued.parse().ok()?;
        let fresh = issued <= now_s + 60 && now_s - issued < DEVICE_TTL_SECS;
        (v == "v1" && tag == email_tag(email) && fresh && parts.next().is_none())
            .then(|| nonce.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_is_bound_to_key_email_and_age() {
        let k = DeviceKey::new(b"0123456789abcdef0123456789abcdef");
        let now = 1_800_000_000;
        let c = k.issue("ada@example.com", now);
        assert!(k.verify(&c, "ada@example.com", now + 10).is_some());
        assert!(
            k.verify(&c, "bob@example.com", now).is_none(),
            "other email"
        );
        assert!(
            k.verify(&c, "ada@example.com", now + DEVICE_TTL_SECS)
                .is_none(),
            "expired"
        );
        let other = DeviceKey::new(b"another key, another key, another");
        assert!(
            other.verify(&c, "ada@example.com", now).is_none(),
            "other key"
        );
        let mut forged = c.clone();
        forged.replace_range(3..4, if &c[3..4] == "A" { "B" } else { "A" });
        assert!(
            k.verify(&forged, "ada@example.com", now).is_none(),
            "tampered"
        );
        assert!(k.verify("garbage", "ada@example.com", now).is_none());
    }
}
