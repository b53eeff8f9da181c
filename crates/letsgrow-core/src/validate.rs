//! Input rules shared by the API, the CLI and the workers.

/// Trims and lower-cases an email address and checks its shape. Internationalised
/// addresses (Unicode local parts and domains) are accepted; whitespace, control
/// characters and NUL are not.
pub fn normalize_email(raw: &str) -> Result<String, &'static str> {
    let email = raw.trim().to_lowercase();
    if email.is_empty() {
        return Err("is required");
    }
    if email.chars().count() > 254 {
        return Err("must be at most 254 characters");
    }
    if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("must not contain spaces or control characters");
    }
    let Some((local, domain)) = email.rsplit_once('@') else {
        return Err("must be an email address like name@example.com");
    };
    if local.is_empty() || local.contains('@') || local.chars().count() > 64 {
        return Err("must be an email address like name@example.com");
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err("must be an email address like name@example.com");
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2
        || labels.iter().any(|l| {
            l.is_empty()
                || l.starts_with('-')
                || l.ends_with('-')
                || !l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
    {
        return Err("must have a domain like example.com after the @");
    }
    Ok(email)
}

/// True when `name` is an IANA time zone name this build knows (e.g. `Europe/Berlin`).
pub fn is_iana_zone(name: &str) -> bool {
    name.parse::<chrono_tz::Tz>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            normalize_email("  Alice@Example.COM ").as_deref(),
            Ok("alice@example.com")
        );
        assert_eq!(
            normalize_email("Ünïcødé@Exämple.de").as_deref(),
            Ok("ünïcødé@exämple.de")
        );
        for bad in [
            "",
            "   ",
            "alice",
            "alice@",
            "@example.com",
            "a b@example.com",
            "alice@example",
            "alice@@example.com",
            "alice@exa mple.com",
            "al\u{0}ice@example.com",
            "alice@-example.com",
            ".alice@example.com",
            "alice@example..com",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad:?} should be rejected");
        }
        assert!(normalize_email(&format!("{}@example.com", "a".repeat(65))).is_err());
    }

    #[test]
    fn zones() {
        assert!(is_iana_zone("Europe/Berlin"));
        assert!(is_iana_zone("America/New_York"));
        assert!(is_iana_zone("UTC"));
        assert!(!is_iana_zone("Mars/Olympus"));
        assert!(!is_iana_zone(""));
    }
}
