//! Password rules and argon2id hashing (OWASP parameters: m = 19 MiB, t = 2, p = 1).

use argon2::password_hash::phc::PasswordHash;
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};

pub const MIN_LEN: usize = 10;
pub const MAX_LEN: usize = 1024;

/// Common passwords of at least `MIN_LEN` characters (lower-cased), from public
/// breach-frequency lists. Shorter common passwords already fail the length rule.
const COMMON: &[&str] = &[
    "1234567890",
    "12345678910",
    "123456789a",
    "1q2w3e4r5t",
    "1qaz2wsx3edc",
    "a123456789",
    "abc1234567",
    "abcd123456",
    "abcdefghij",
    "asdfghjkl1",
    "asdfghjkl;",
    "password01",
    "password12",
    "password123",
    "password1234",
    "passwordpassword",
    "qwerty1234",
    "qwerty12345",
    "qwerty123456",
    "qwertyuiop",
    "qwertyuiop1",
    "q1w2e3r4t5",
    "q1w2e3r4t5y6",
    "zaq12wsxcde3",
    "zxcvbnm123",
    "iloveyou12",
    "iloveyou123",
    "1111111111",
    "0000000000",
    "0123456789",
    "9876543210",
    "0987654321",
    "1122334455",
    "1234554321",
    "1234512345",
    "123123123123",
    "1234567891",
    "12341234123",
    "123456789123",
    "letmein123",
    "welcome123",
    "welcome1234",
    "changeme123",
    "football123",
    "baseball123",
    "princess123",
    "sunshine123",
    "superman123",
    "starwars123",
    "trustno1234",
    "monkey12345",
    "dragon12345",
    "master12345",
    "administrator",
    "admin123456",
    "adminadmin",
    "loveyou1234",
    "qazwsxedcrfv",
    "1qazxsw23edc",
    "passw0rd123",
    "p@ssw0rd123",
    "p@ssword123",
    "password!23",
    "qwertyqwerty",
    "asdfasdfasdf",
    "asdfghjklzxcvbnm",
    "qwertyuiopasdfghjkl",
    "123qweasdzxc",
    "michael1234",
    "jennifer123",
    "jordan2323",
    "liverpool1",
    "chocolate1",
    "1q2w3e4r5t6y",
    "1234qwerasdf",
    "987654321a",
    "aaaaaaaaaa",
    "letmeinnow",
    "unbelievable",
    "mypassword",
    "mypassword1",
    "secret12345",
    "computer123",
    "internet123",
    "samsung123",
    "pokemon123",
    "whatever123",
    "nopassword",
    "thisismypassword",
    "correcthorsebatterystaple",
    "google1234",
    "facebook123",
    "letsgrow123",
    "letsgrow2026",
];

/// Checks the password rules; `Err` holds a sentence for the `password` field.
pub fn check_strength(password: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < MIN_LEN {
        return Err(format!("must be at least {MIN_LEN} characters"));
    }
    if chars > MAX_LEN {
        return Err(format!("must be at most {MAX_LEN} characters"));
    }
    if password.trim().is_empty() {
        return Err("must not be only spaces".into());
    }
    let lower = password.to_lowercase();
    if COMMON.contains(&lower.as_str()) {
        return Err(
            "is too common; choose a password that is not on lists of breached passwords".into(),
        );
    }
    Ok(())
}

fn hasher() -> Result<Argon2<'static>, String> {
    let params = Params::new(19 * 1024, 2, 1, None).map_err(|e| e.to_string())?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes on the calling thread: call from `spawn_blocking`.
pub fn hash(password: &str) -> Result<String, String> {
    let hash: PasswordHash = hasher()?
        .hash_password(password.as_bytes())
        .map_err(|e| e.to_string())?;
    Ok(hash.to_string())
}

/// Verifies on the calling thread: call from `spawn_blocking`. Malformed hashes verify false.
pub fn verify(password: &str, hash: &str) -> bool {
    match hasher() {
        Ok(h) => h.verify_password(password.as_bytes(), hash).is_ok(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strength_rules() {
        assert!(check_strength("short").is_err());
        assert!(
            check_strength("Password123").is_err(),
            "common, case-insensitive"
        );
        assert!(check_strength("          ").is_err());
        assert!(check_strength(&"x".repeat(MAX_LEN + 1)).is_err());
        assert!(check_strength("correct-horse-battery").is_ok());
        assert!(check_strength("ünïcødé-pässwörd").is_ok());
    }

    #[test]
    fn hash_and_verify() {
        let h = hash("correct-horse-battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("correct-horse-battery", &h));
        assert!(!verify("correct-horse-batterz", &h));
        assert!(!verify("anything", "not-a-hash"));
    }
}
