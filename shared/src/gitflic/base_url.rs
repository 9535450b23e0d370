//! The GitFlic instance a user names: cloud (`https://gitflic.ru`) or self-hosted. The base URL
//! is user input and treated as hostile: `https` only (plain `http` only where private networks
//! are allowed), no credentials, no query, and a host the network guard accepts
//! ([`crate::net_guard`]).

use crate::net_guard::{AddressRefused, ensure_public};
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

impl From<AddressRefused> for BaseUrlError {
    fn from(refused: AddressRefused) -> Self {
        match refused {
            AddressRefused::NoHost => Self::Invalid,
            AddressRefused::Unresolvable => Self::Unresolvable,
            AddressRefused::Internal => Self::Internal,
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
