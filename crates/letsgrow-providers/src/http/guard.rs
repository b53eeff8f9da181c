//! Refusal of private, loopback, link-local, unique-local and other
//! non-public destinations for user-supplied URLs (webhooks, PDS URLs).
//!
//! Every outbound connection of the shared client goes through
//! [`GuardedResolver`], which refuses a host name if *any* of its addresses is
//! non-public (so a name cannot smuggle a private address next to a public
//! one). IP-literal hosts never reach a resolver, so [`check_literal`] is
//! applied to every request URL before sending; redirects are disabled by the
//! client, so a redirect cannot lead past either check.

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Why a destination was refused. Its `Display` is the user-facing message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuardError {
    #[error(
        "refusing to connect to {target}: {reason} address; set LETSGROW__NETWORK__ALLOW_PRIVATE=true to allow"
    )]
    Blocked {
        target: String,
        reason: &'static str,
    },
    #[error("could not resolve {host}: {message}")]
    Resolve { host: String, message: String },
    #[error("{0}")]
    BadUrl(String),
}

/// The kind of non-public range `ip` is in, or `None` for a public address.
pub fn blocked_reason(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => v4_reason(v4),
        IpAddr::V6(v6) => v6_reason(v6),
    }
}

fn v4_reason(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        _ if ip.is_unspecified() || a == 0 => "unspecified",
        _ if ip.is_loopback() => "loopback",
        _ if ip.is_private() => "private",
        _ if ip.is_link_local() => "link-local",
        (100, 64..=127, _) => "shared (carrier-grade NAT)",
        (192, 0, 0) => "IETF protocol",
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "documentation",
        (198, 18..=19, _) => "benchmarking",
        _ if ip.is_broadcast() => "broadcast",
        _ if ip.is_multicast() => "multicast",
        (240..=255, _, _) => "reserved",
        _ => return None,
    })
}

fn v6_reason(ip: Ipv6Addr) -> Option<&'static str> {
    let s = ip.segments();
    if ip.is_unspecified() {
        return Some("unspecified");
    }
    if ip.is_loopback() {
        return Some("loopback");
    }
    // Addresses that embed an IPv4 address: judge the embedded one.
    // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible, deprecated), 64:ff9b::/96 (NAT64).
    let embedded_tail = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    if s[..5] == [0, 0, 0, 0, 0] && (s[5] == 0xffff || s[5] == 0) {
        return v4_reason(embedded_tail);
    }
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return v4_reason(embedded_tail);
    }
    if s[0] == 0x2002 {
        // 6to4: 2002:AABB:CCDD::/48 embeds AA.BB.CC.DD.
        let v4 = Ipv4Addr::new((s[1] >> 8) as u8, s[1] as u8, (s[2] >> 8) as u8, s[2] as u8);
        return v4_reason(v4);
    }
    Some(match s[0] {
        x if x & 0xfe00 == 0xfc00 => "unique-local",
        x if x & 0xffc0 == 0xfe80 => "link-local",
        x if x & 0xffc0 == 0xfec0 => "site-local",
        x if x & 0xff00 == 0xff00 => "multicast",
        0x2001 if s[1] == 0x0db8 => "documentation",
        0x2001 if s[1] == 0 => "Teredo",
        _ => return None,
    })
}

fn check_ip(target: impl Into<String>, ip: IpAddr) -> Result<(), GuardError> {
    match blocked_reason(ip) {
        Some(reason) => Err(GuardError::Blocked {
            target: target.into(),
            reason,
        }),
        None => Ok(()),
    }
}

/// Checks a URL's host when it is an IP literal (names are checked when resolved).
pub fn check_literal(url: &url::Url, allow_private: bool) -> Result<(), GuardError> {
    if allow_private {
        return Ok(());
    }
    match url.host() {
        Some(url::Host::Ipv4(ip)) => check_ip(ip.to_string(), IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => check_ip(ip.to_string(), IpAddr::V6(ip)),
        Some(url::Host::Domain(_)) => Ok(()),
        None => Err(GuardError::BadUrl("the URL has no host".into())),
    }
}

/// Resolves `url`'s host and checks every address (nothing is sent).
pub async fn check_url(url: &url::Url, allow_private: bool) -> Result<(), GuardError> {
    check_literal(url, allow_private)?;
    if let Some(url::Host::Domain(host)) = url.host() {
        let addrs = resolve(host).await?;
        if !allow_private {
            check_all(host, &addrs)?;
        }
    }
    Ok(())
}

async fn resolve(host: &str) -> Result<Vec<SocketAddr>, GuardError> {
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, 0))
        .await
        .map_err(|e| GuardError::Resolve {
            host: host.to_owned(),
            message: e.to_string(),
        })?
        .collect();
    if addrs.is_empty() {
        return Err(GuardError::Resolve {
            host: host.to_owned(),
            message: "no addresses".into(),
        });
    }
    Ok(addrs)
}

fn check_all(host: &str, addrs: &[SocketAddr]) -> Result<(), GuardError> {
    for a in addrs {
        check_ip(format!("{host} ({})", a.ip()), a.ip())?;
    }
    Ok(())
}

/// The resolver of the shared client: the system resolver plus the check.
#[derive(Debug, Clone, Copy)]
pub struct GuardedResolver {
    pub allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let addrs = resolve(&host).await?;
            if !allow_private {
                check_all(&host, &addrs)?;
            }
            let addrs: Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

/// Finds a [`GuardError`] in an error's source chain (typed, not by message).
pub fn find_guard_error(err: &(dyn std::error::Error + 'static)) -> Option<GuardError> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(g) = e.downcast_ref::<GuardError>() {
            return Some(g.clone());
        }
        cur = e.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn non_public_ranges_are_refused() {
        for (addr, reason) in [
            ("10.0.0.5", "private"),
            ("172.16.3.4", "private"),
            ("172.31.255.255", "private"),
            ("192.168.1.1", "private"),
            ("127.0.0.1", "loopback"),
            ("127.255.0.9", "loopback"),
            ("169.254.169.254", "link-local"),
            ("0.0.0.0", "unspecified"),
            ("0.1.2.3", "unspecified"),
            ("100.64.0.1", "shared (carrier-grade NAT)"),
            ("224.0.0.1", "multicast"),
            ("255.255.255.255", "broadcast"),
            ("240.0.0.1", "reserved"),
            ("198.18.0.1", "benchmarking"),
            ("::1", "loopback"),
            ("::", "unspecified"),
            ("fe80::1", "link-local"),
            ("fc00::1", "unique-local"),
            ("fd12:3456::1", "unique-local"),
            ("fec0::1", "site-local"),
            ("ff02::1", "multicast"),
            ("::ffff:10.0.0.5", "private"),
            ("::ffff:127.0.0.1", "loopback"),
            ("64:ff9b::a9fe:a9fe", "link-local"),
            ("2002:c0a8:0101::1", "private"),
        ] {
            assert_eq!(blocked_reason(ip(addr)), Some(reason), "{addr}");
        }
    }

    #[test]
    fn public_addresses_pass() {
        for addr in [
            "1.1.1.1",
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700::1111",
            "::ffff:1.1.1.1",
        ] {
            assert_eq!(blocked_reason(ip(addr)), None, "{addr}");
        }
    }

    #[test]
    fn the_message_names_the_address_and_the_switch() {
        let url = url::Url::parse("https://10.0.0.5/hook").unwrap();
        let err = check_literal(&url, false).unwrap_err();
        assert_eq!(
            err.to_string(),
            "refusing to connect to 10.0.0.5: private address; set LETSGROW__NETWORK__ALLOW_PRIVATE=true to allow"
        );
        assert!(check_literal(&url, true).is_ok());
        let v6 = url::Url::parse("http://[::1]:8080/").unwrap();
        assert!(matches!(
            check_literal(&v6, false),
            Err(GuardError::Blocked {
                reason: "loopback",
                ..
            })
        ));
    }

    #[tokio::test]
    async fn names_are_resolved_and_every_address_checked() {
        let url = url::Url::parse("http://localhost:9/hook").unwrap();
        let err = check_url(&url, false).await.unwrap_err();
        assert!(
            matches!(
                err,
                GuardError::Blocked {
                    reason: "loopback",
                    ..
                }
            ),
            "{err}"
        );
        assert!(
            err.to_string()
                .starts_with("refusing to connect to localhost ("),
            "{err}"
        );
        assert!(check_url(&url, true).await.is_ok());
    }
}
