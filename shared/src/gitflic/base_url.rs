//! The GitFlic instance a user names: cloud (`https://gitflic.ru`) or self-hosted. The base URL
//! is user input and treated as hostile: `https` only, no credentials in it, and neither the
//! name nor any address it resolves to may be loopback, private, link-local (cloud metadata
//! lives there) or otherwise internal — unless the operator allows private networks (GitFlic
//! inside the VPC; the tests use it for their loopback server), which also allows plain `http`.
//!
//! The same rule is enforced again at connection time by [`GuardedResolver`], so a name that
//! resolved to a public address when the user entered it cannot be re-pointed inside later
//! (DNS rebinding).

use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use url::Url;

/// Where one GitFlic instance answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitflicHost {
    /// The base URL as the user knows it (`https://gitflic.ru`), normalised.
    pub web: Url,
    /// REST API base: `https://api.gitflic.ru` or `{base}/rest-api`.
    pub api: Url,
    /// OAuth host: `https://oauth.gitflic.ru` or `{base}`.
    pub oauth: Url,
}

pub const CLOUD_WEB: &str = "https://gitflic.ru";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BaseUrlError {
    #[error("the GitFlic base URL is not a valid URL")]
    Invalid,
    #[error("the GitFlic base URL must use https")]
    Scheme,
    #[error("the GitFlic base URL must not contain a user name or password")]
    Credentials,
    #[error("the GitFlic base URL must not have a query or fragment")]
    QueryOrFragment,
    #[error("the GitFlic base URL's host does not resolve")]
    Unresolvable,
    #[error("the GitFlic base URL points to a private, loopback or link-local address")]
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

/// Parses and checks a user-supplied base URL; `None` or empty means GitFlic's cloud.
pub async fn resolve_host(
    input: Option<&str>,
    allow_private: bool,
) -> Result<GitflicHost, BaseUrlError> {
    let input = input
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(CLOUD_WEB);
    let mut url = Url::parse(input).map_err(|_| BaseUrlError::Invalid)?;
    match url.scheme() {
        "https" => {}
        "http" if allow_private => {}
        _ => return Err(BaseUrlError::Scheme),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(BaseUrlError::Credentials);
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(BaseUrlError::QueryOrFragment);
    }
    let host = url
        .host_str()
        .ok_or(BaseUrlError::Invalid)?
        .to_ascii_lowercase();
    let path = url.path().trim_end_matches('/').to_owned();
    url.set_path(&path);
    if host == "gitflic.ru" || host == "www.gitflic.ru" {
        let cloud = |u: &str| Url::parse(u).map_err(|_| BaseUrlError::Invalid);
        return Ok(GitflicHost {
            web: cloud(CLOUD_WEB)?,
            api: cloud("https://api.gitflic.ru")?,
            oauth: cloud("https://oauth.gitflic.ru")?,
        });
    }
    ensure_public(&url, allow_private).await?;
    let api = Url::parse(&format!("{}/rest-api", url.as_str().trim_end_matches('/')))
        .map_err(|_| BaseUrlError::Invalid)?;
    Ok(GitflicHost {
        oauth: url.clone(),
        api,
        web: url,
    })
}

/// Refuses a user-supplied URL whose host is, or resolves to, an internal address (unless the
/// operator allows private networks; the metadata service's addresses are refused always). The
/// client's [`GuardedResolver`] checks names again at connection time; an IP literal never
/// reaches a resolver, so this check is the one it gets.
pub async fn ensure_public(url: &Url, allow_private: bool) -> Result<(), BaseUrlError> {
    let port = url.port_or_known_default().unwrap_or(443);
    let addresses: Vec<SocketAddr> = match url.host() {
        Some(url::Host::Ipv4(ip)) => vec![SocketAddr::new(IpAddr::V4(ip), port)],
        Some(url::Host::Ipv6(ip)) => vec![SocketAddr::new(IpAddr::V6(ip), port)],
        Some(url::Host::Domain(name)) => tokio::net::lookup_host((name, port))
            .await
            .map_err(|_| BaseUrlError::Unresolvable)?
            .collect(),
        None => return Err(BaseUrlError::Invalid),
    };
    if addresses.is_empty() {
        return Err(BaseUrlError::Unresolvable);
    }
    if addresses.iter().any(|a| refused(a.ip(), allow_private)) {
        return Err(BaseUrlError::Internal);
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
/// at most 3 redirects, each checked like the first address, timeouts (20 s a request), an
/// explicit User-Agent.
pub fn http_client(allow_private: bool) -> reqwest::Result<reqwest::Client> {
    http_client_with_timeout(allow_private, std::time::Duration::from_secs(20))
}

/// [`http_client`] with another per-request timeout.
pub fn http_client_with_timeout(
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

    #[tokio::test]
    async fn refuses_hostile_base_urls() {
        use BaseUrlError::*;
        let cases = [
            ("http://gitflic.example.com", Scheme),
            ("ftp://gitflic.example.com", Scheme),
            ("javascript:alert(1)", Scheme),
            ("https://user:pw@gitflic.example.com", Credentials),
            ("https://gitflic.example.com/?x=1", QueryOrFragment),
            ("https://127.0.0.1", Internal),
            ("https://169.254.169.254/latest/meta-data", Internal),
            ("https://[::1]:8443", Internal),
            ("https://[::127.0.0.1]", Internal),
            ("https://[fec0::1]", Internal),
            ("https://10.0.0.5", Internal),
            ("https://localhost", Internal),
            ("not a url", Invalid),
        ];
        for (input, expected) in cases {
            assert_eq!(
                resolve_host(Some(input), false).await,
                Err(expected),
                "{input}"
            );
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

    #[tokio::test]
    async fn maps_cloud_and_self_hosted_hosts() {
        let cloud = resolve_host(None, false).await.unwrap();
        assert_eq!(cloud.api.as_str(), "https://api.gitflic.ru/");
        assert_eq!(cloud.oauth.as_str(), "https://oauth.gitflic.ru/");
        let own = resolve_host(Some("http://127.0.0.1:8080/git/"), true)
            .await
            .unwrap();
        assert_eq!(own.api.as_str(), "http://127.0.0.1:8080/git/rest-api");
        assert_eq!(own.oauth.as_str(), "http://127.0.0.1:8080/git");
    }
}
