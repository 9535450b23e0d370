//! The guard on every outbound request to an address a user named (a self-hosted GitFlic, a
//! Matrix homeserver, a redirect's target): neither the name nor any address it resolves to may
//! be loopback, private, link-local (the cloud's metadata service lives there) or otherwise
//! internal — unless the operator allows private networks (a GitFlic inside the VPC; the tests
//! use it for their loopback servers), and the metadata service's addresses never.
//!
//! The rule is checked when the user enters the URL ([`ensure_public`]) and again at connection
//! time by the HTTP client's [`GuardedResolver`], so a name that resolved to a public address
//! once cannot be re-pointed inside later (DNS rebinding); redirects are checked hop by hop.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use url::Url;

/// Why a URL's host is refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AddressRefused {
    #[error("the URL has no host")]
    NoHost,
    #[error("the host does not resolve")]
    Unresolvable,
    #[error("the host is, or resolves to, a private, loopback or link-local address")]
    Internal,
}

/// Whether `ip` is anything but a public unicast address: loopback, private, link-local (the
/// cloud metadata service), shared (CGNAT), documentation, benchmarking, multicast, reserved, or
/// any other special-purpose block of IANA's IPv4 and IPv6 registries. IPv6 is allowed only
/// within global unicast (`2000::/3`), less its special-purpose blocks; an IPv6 address that
/// embeds an IPv4 one (mapped, compatible, 6to4, NAT64, Teredo) is refused unless it is mapped
/// to a public IPv4 address.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || o[0] == 0 // "this network"
                || (o[0] == 100 && (64..128).contains(&o[1])) // shared address space (CGNAT)
                || (o[0] == 192 && o[1] == 0 && o[2] == 0) // IETF protocol assignments
                || (o[0] == 192 && o[1] == 88 && o[2] == 99) // 6to4 relay anycast
                || (o[0] == 198 && (18..20).contains(&o[1])) // benchmarking
                || o[0] >= 240 // reserved
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_internal(IpAddr::V4(v4));
            }
            let s = v6.segments();
            let global_unicast = (s[0] & 0xe000) == 0x2000;
            !global_unicast
                || (s[0] == 0x2001 && s[1] < 0x0200) // IETF protocol assignments (Teredo, ORCHID, …)
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || s[0] == 0x2002 // 6to4: may embed any IPv4 address
                || (s[0] & 0xfff0) == 0x3ff0 // documentation (3fff::/20)
        }
    }
}

/// Whether `ip` is link-local (IPv4 `169.254.0.0/16`, IPv6 `fe80::/10`, where the cloud's
/// instance metadata service answers) or AWS's IPv6 metadata address (`fd00:ec2::254`): refused
/// even where private networks are allowed, since no self-hosted GitFlic, homeserver or model
/// lives there and credentials do.
pub fn is_metadata_reachable(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_link_local(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.is_link_local(),
            None => {
                (v6.segments()[0] & 0xffc0) == 0xfe80
                    || v6 == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254)
            }
        },
    }
}

/// Whether the guard refuses `ip`: internal addresses unless private networks are allowed,
/// and the metadata service's addresses always.
fn refused(ip: IpAddr, allow_private: bool) -> bool {
    is_metadata_reachable(ip) || (!allow_private && is_internal(ip))
}

/// Refuses a user-supplied URL whose host is, or resolves to, an internal address (unless the
/// operator allows private networks; the metadata service's addresses are refused always). The
/// client's [`GuardedResolver`] checks names again at connection time; an IP literal never
/// reaches a resolver, so this check is the one it gets.
pub async fn ensure_public(url: &Url, allow_private: bool) -> Result<(), AddressRefused> {
    let port = url.port_or_known_default().unwrap_or(443);
    let addresses: Vec<SocketAddr> = match url.host() {
        Some(url::Host::Ipv4(ip)) => vec![SocketAddr::new(IpAddr::V4(ip), port)],
        Some(url::Host::Ipv6(ip)) => vec![SocketAddr::new(IpAddr::V6(ip), port)],
        Some(url::Host::Domain(name)) => tokio::net::lookup_host((name, port))
            .await
            .map_err(|_| AddressRefused::Unresolvable)?
            .collect(),
        None => return Err(AddressRefused::NoHost),
    };
    if addresses.is_empty() {
        return Err(AddressRefused::Unresolvable);
    }
    if addresses.iter().any(|a| refused(a.ip(), allow_private)) {
        return Err(AddressRefused::Internal);
    }
    Ok(())
}

/// A DNS resolver for the HTTP client that refuses internal addresses at connection time.
#[derive(Debug, Clone, Copy)]
pub struct GuardedResolver {
    pub allow_private: bool,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let addresses: Vec<SocketAddr> = tokio::net::lookup_host((name.as_str(), 0))
                .await?
                .filter(|a| !refused(a.ip(), allow_private))
                .collect();
            if addresses.is_empty() {
                return Err(Box::new(std::io::Error::other(
                    "refused: the host resolves only to internal addresses",
                ))
                    as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(addresses.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Redirects followed at most.
const MAX_REDIRECTS: usize = 3;

/// Why a redirect was not followed (reqwest wraps it in its error).
#[derive(Debug, thiserror::Error)]
#[error("redirect refused: {0}")]
pub struct RedirectRefused(&'static str);

/// Whether a redirect to `next` may be followed: `https` (or `http` where private networks are
/// allowed), no credentials in it, and not an internal address literal (names are checked by
/// [`GuardedResolver`] when the connection is made). reqwest drops the `Authorization` header
/// when a redirect leaves the host, so no credential follows to another host.
pub fn redirect_allowed(
    next: &Url,
    hops: usize,
    allow_private: bool,
) -> Result<(), RedirectRefused> {
    if hops >= MAX_REDIRECTS {
        return Err(RedirectRefused("too many redirects"));
    }
    match next.scheme() {
        "https" => {}
        "http" if allow_private => {}
        _ => return Err(RedirectRefused("not https")),
    }
    if !next.username().is_empty() || next.password().is_some() {
        return Err(RedirectRefused("credentials in the URL"));
    }
    let literal = match next.host() {
        Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
        Some(url::Host::Domain(_)) => None,
        None => return Err(RedirectRefused("no host")),
    };
    if literal.is_some_and(|ip| refused(ip, allow_private)) {
        return Err(RedirectRefused("an internal address"));
    }
    Ok(())
}

fn guarded_redirects(allow_private: bool) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        match redirect_allowed(attempt.url(), attempt.previous().len(), allow_private) {
            Ok(()) => attempt.follow(),
            Err(refused) => attempt.error(refused),
        }
    })
}

/// The HTTP client for user-named hosts (GitFlic, a Matrix homeserver, a model): guarded DNS,
/// at most 3 redirects, each checked like the first address, a connect timeout of 5 s and
/// `timeout` for a whole request, an explicit User-Agent.
pub fn http_client(
    allow_private: bool,
    timeout: std::time::Duration,
) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .dns_resolver(Arc::new(GuardedResolver { allow_private }))
        .redirect(guarded_redirects(allow_private))
        .connect_timeout(std::time::Duration::from_secs(5))
        .timeout(timeout)
        .user_agent(concat!(
            "exlogare/",
            env!("CARGO_PKG_VERSION"),
            " (+GitFlic CI failure reports)"
        ))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_internal_addresses() {
        for internal in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:169.254.169.254",
            "::",
            "::127.0.0.1",
            "::10.0.0.1",
            "fec0::1",
            "64:ff9b::a9fe:a9fe",
            "64:ff9b:1::1",
            "100::1",
            "2001::1",
            "2001:db8::1",
            "2002:a9fe:a9fe::1",
            "3fff::1",
            "ff02::1",
            "192.88.99.1",
            "198.18.0.1",
            "240.0.0.1",
            "255.255.255.255",
        ] {
            assert!(is_internal(internal.parse().unwrap()), "{internal}");
        }
        for public in [
            "95.163.0.1",
            "8.8.8.8",
            "2a00:1450:4001::1",
            "::ffff:95.163.0.1",
            "2001:4860::8888",
        ] {
            assert!(!is_internal(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn redirects_are_checked_hop_by_hop() {
        let url = |u: &str| Url::parse(u).unwrap();
        assert!(redirect_allowed(&url("https://objects.example/log?sig=1"), 0, false).is_ok());
        for refused in [
            "http://objects.example/log",
            "https://169.254.169.254/latest/meta-data",
            "https://[::127.0.0.1]/x",
            "https://10.0.0.1/x",
            "https://user:pw@objects.example/x",
            "file:///etc/passwd",
        ] {
            assert!(
                redirect_allowed(&url(refused), 0, false).is_err(),
                "{refused}"
            );
        }
        assert!(redirect_allowed(&url("https://objects.example/x"), 3, false).is_err());
        assert!(redirect_allowed(&url("http://127.0.0.1:9/x"), 0, true).is_ok());
        // Where private networks are allowed, the metadata service still is not.
        for metadata in [
            "http://169.254.169.254/latest/meta-data",
            "http://[fe80::1]/x",
            "http://[fd00:ec2::254]/latest",
            "http://[::ffff:169.254.169.254]/x",
        ] {
            assert!(
                redirect_allowed(&url(metadata), 0, true).is_err(),
                "{metadata}"
            );
        }
        assert!(redirect_allowed(&url("http://10.0.0.1/x"), 0, true).is_ok());
    }
}
