//! Access tokens (HS256 JWTs) and opaque refresh tokens.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    /// User id.
    pub sub: String,
    /// Session id (the refresh-token family), checked on every request so that
    /// log-out takes effect at once.
    pub sid: String,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
}

/// Signs and verifies access tokens. `Debug` is redacted.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKeys(**redacted**)")
    }
}

impl TokenKeys {
    pub fn new(secret: &[u8], issuer: &str, audience: &str) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 5;
        TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
        }
    }

    pub fn issue(
        &self,
        user_id: &str,
        session_id: &str,
        now_s: i64,
        ttl_s: i64,
    ) -> Result<String, String> {
        let claims = Claims {
            sub: user_id.to_owned(),
            sid: session_id.to_owned(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            iat: now_s,
            exp: now_s + ttl_s,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| e.to_string())
    }

    /// Checks signature, algorithm (HS256 only), expiry, issuer and audience.
    pub fn verify(&self, token: &str) -> Result<Claims, jsonwebtoken::errors::Error> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).map(|d| d.claims)
    }
}

/// A new opaque refresh token (256 random bits, URL-safe base64).
pub fn new_refresh_token() -> String {
    let mut buf = [0u8; 32];
    rand::rng().fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// The token that replaces `token` when it is rotated: derived (HMAC with a
/// server key), not random, so that a second presentation of `token` inside
/// the reuse window answers with the very same successor without storing it.
pub fn successor_refresh_token(key: &[u8], token: &str) -> String {
    use hmac::{Hmac, Mac};
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return new_refresh_token();
    };
    mac.update(b"letsgrow refresh successor v1|");
    mac.update(token.as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// What the database stores instead of a refresh token.
pub fn hash_refresh_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> TokenKeys {
        TokenKeys::new(&[42u8; 48], "letsgrow", "letsgrow-api")
    }

    #[test]
    fn round_trip_and_expiry() {
        let k = keys();
        let now = chrono::Utc::now().timestamp();
        let t = k.issue("u1", "s1", now, 900).unwrap();
        let c = k.verify(&t).unwrap();
        assert_eq!((c.sub.as_str(), c.sid.as_str()), ("u1", "s1"));
        let expired = k.issue("u1", "s1", now - 3600, 900).unwrap();
        assert!(k.verify(&expired).is_err());
    }

    #[test]
    fn rejects_other_audience_key_and_alg_none() {
        let now = chrono::Utc::now().timestamp();
        let other_aud = TokenKeys::new(&[42u8; 48], "letsgrow", "someone-else")
            .issue("u", "s", now, 900)
            .unwrap();
        assert!(keys().verify(&other_aud).is_err());
        let other_key = TokenKeys::new(&[7u8; 48], "letsgrow", "letsgrow-api")
            .issue("u", "s", now, 900)
            .unwrap();
        assert!(keys().verify(&other_key).is_err());
        let payload = URL_SAFE_NO_PAD.encode(format!(
            r#"{{"sub":"u","sid":"s","iss":"letsgrow","aud":"letsgrow-api","iat":{now},"exp":{}}}"#,
            now + 900
        ));
        let none = format!(
            "{}.{payload}.",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#)
        );
        assert!(keys().verify(&none).is_err());
    }

    #[test]
    fn refresh_tokens_are_random_and_hashed() {
        let a = new_refresh_token();
        assert_ne!(a, new_refresh_token());
        assert_eq!(hash_refresh_token(&a).len(), 64);
        assert_ne!(hash_refresh_token(&a), a);
        let next = successor_refresh_token(b"k", &a);
        assert_eq!(next, successor_refresh_token(b"k", &a), "same successor");
        assert_ne!(next, successor_refresh_token(b"other", &a));
        assert_ne!(next, successor_refresh_token(b"k", &next));
        assert_eq!(next.len(), a.len());
    }
}
