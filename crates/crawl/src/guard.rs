//! Where the fetcher may connect. A person's report names any URL; without this guard it could
//! make the server fetch its own loopback services, the cloud metadata address or the private
//! network (SSRF). With the guard on, every address is checked where it is known: IP literals in
//! the URL and in each redirect, and every address a host name resolves to (so a name that
//! resolves, or re-resolves, to a private address is refused too). Hosts named in the allow list
//! (tests, the fixture marketplace) pass.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use url::{Host, Url};

/// True for addresses on the public internet; false for loopback, private, link-local,
/// shared, documentation, multicast, reserved and unspecified ranges (IPv4-mapped and NAT64
/// IPv6 addresses are judged by their IPv4 address).
pub fn ip_is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4_is_public(v4),
        IpAddr::V6(v6) => v6_is_public(v6),
    }
}

fn v4_is_public(ip: Ipv4Addr) -> bool {
    let o = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_unspecified()
        || ip.is_multicast()
        || o[0] == 0
        || (o[0] == 100 && (o[1] & 0xc0) == 64) // 100.64.0.0/10 shared
        || (o[0] == 192 && o[1] == 0 && o[2] == 0) // 192.0.0.0/24 protocol assignments
        || (o[0] == 198 && (o[1] & 0xfe) == 18) // 198.18.0.0/15 benchmarking
        || o[0] >= 240) // reserved
}

fn v6_is_public(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return v4_is_public(v4);
    }
    let s = ip.segments();
    if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
        // NAT64: judge the embedded IPv4 address.
        let v4 = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
        return v4_is_public(v4);
    }
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00 // unique local
        || (s[0] & 0xffc0) == 0xfe80 // link local
        || (s[0] & 0xffc0) == 0xfec0 // site local (deprecated)
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        || s[..6] == [0, 0, 0, 0, 0, 0]) // IPv4-compatible (deprecated), ::/96
}

/// The connection guard: which non-public hosts are allowed anyway.
#[derive(Debug, Clone, Default)]
pub struct Guard {
    allow: Vec<String>,
}

impl Guard {
    /// A guard that lets through exactly these `host` or `host:port` entries.
    pub fn new(allow: &[String]) -> Guard {
        Guard {
            allow: allow
                .iter()
                .map(|a| a.trim().to_ascii_lowercase())
                .filter(|a| !a.is_empty())
                .collect(),
        }
    }

    fn allowed(&self, host: &str, port: Option<u16>) -> bool {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        self.allow.iter().any(|a| {
            let (ah, ap) = match a.rsplit_once(':') {
                Some((h, p)) if !h.ends_with(':') && p.parse::<u16>().is_ok() => {
                    (h, p.parse::<u16>().ok())
                }
                _ => (a.as_str(), None),
            };
            let ah = ah.trim_start_matches('[').trim_end_matches(']');
            ah.eq_ignore_ascii_case(host) && (ap.is_none() || ap == port)
        })
    }

    /// Checks a URL before connecting (and each redirect): scheme, host, and IP literals.
    pub fn check_url(&self, u: &Url) -> Result<(), String> {
        if !matches!(u.scheme(), "http" | "https") {
            return Err(format!(
                "only http and https URLs can be fetched, not {}:",
                u.scheme()
            ));
        }
        if !u.username().is_empty() || u.password().is_some() {
            return Err("URLs with a user name or password are not fetched".into());
        }
        let port = u.port_or_known_default();
        let host = u.host().ok_or("the URL has no host")?;
        let name = match &host {
            Host::Domain(d) => d.to_string(),
            Host::Ipv4(ip) => ip.to_string(),
            Host::Ipv6(ip) => ip.to_string(),
        };
        if self.allowed(&name, port) {
            return Ok(());
        }
        let ip = match host {
            Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
            Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
            Host::Domain(d) => {
                let d = d.trim_end_matches('.').to_ascii_lowercase();
                if d == "localhost" || d.ends_with(".localhost") {
                    return Err(format!("{d} is a loopback host"));
                }
                None
            }
        };
        match ip {
            Some(ip) if !ip_is_public(ip) => Err(format!(
                "{ip} is a loopback, private or reserved address; only public addresses are fetched"
            )),
            _ => Ok(()),
        }
    }

    /// A DNS resolver that drops non-public addresses (unless the name is allowed) and fails
    /// when none is left.
    pub fn resolver(&self) -> Arc<GuardResolver> {
        Arc::new(GuardResolver {
            guard: self.clone(),
        })
    }
}

/// The resolver behind [`Guard::resolver`].
pub struct GuardResolver {
    guard: Guard,
}

impl reqwest::dns::Resolve for GuardResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let name = name.as_str().to_string();
        let allowed = self.guard.allowed(&name, None)
            || self.guard.allow.iter().any(|a| {
                a.rsplit_once(':')
                    .is_some_and(|(h, _)| h.eq_ignore_ascii_case(&name))
            });
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((name.as_str(), 0))
                .await?
                .filter(|a| allowed || ip_is_public(a.ip()))
                .collect();
            if addrs.is_empty() {
                return Err(format!(
                    "{name} resolves to no public address; loopback and private addresses are not fetched"
                )
                .into());
            }
            let it: reqwest::dns::Addrs = Box::new(addrs.into_iter());
            Ok(it)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_reserved_addresses_are_not_public() {
        for a in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::7f00:1",
            "2001:db8::1",
        ] {
            assert!(!ip_is_public(a.parse().unwrap()), "{a}");
        }
        for a in ["93.184.216.34", "1.1.1.1", "2606:4700::1111"] {
            assert!(ip_is_public(a.parse().unwrap()), "{a}");
        }
    }

    #[test]
    fn url_tricks_are_refused() {
        let g = Guard::new(&[]);
        for u in [
            "http://127.0.0.1/",
            "http://localhost:8080/admin",
            "http://LOCALHOST./",
            "http://2130706433/",
            "http://0x7f.0.0.1/",
            "http://0177.0.0.1/",
            "http://127.1/",
            "http://[::1]/",
            "http://[::ffff:7f00:1]/",
            "http://169.254.169.254/latest/meta-data/",
            "http://10.0.0.1/",
            "http://user:pw@example.org/",
            "file:///etc/passwd",
            "gopher://example.org/",
            "http://api.localhost/",
        ] {
            let url = Url::parse(u).unwrap();
            assert!(g.check_url(&url).is_err(), "{u} should be refused");
        }
        assert!(g
            .check_url(&Url::parse("https://www.leboncoin.fr/ad/1").unwrap())
            .is_ok());
    }

    #[test]
    fn allow_list_is_exact() {
        let g = Guard::new(&["127.0.0.1:8123".to_string()]);
        assert!(g
            .check_url(&Url::parse("http://127.0.0.1:8123/x").unwrap())
            .is_ok());
        assert!(g
            .check_url(&Url::parse("http://127.0.0.1:8124/x").unwrap())
            .is_err());
        assert!(g
            .check_url(&Url::parse("http://localhost:8123/x").unwrap())
            .is_err());
    }
}
