//! A tenant's chat channels: set (validated, KMS-encrypted), read (credentials masked), delete,
//! and test (a real message through the same delivery code as reports).

use exlogare_chat::{LINE_CHARS, LogText};
use exlogare_shared::crypto::{CryptoError, Kms};
use exlogare_shared::net_guard::{AddressRefused, ensure_public};
use exlogare_shared::notify::{self, Channel, Delivery, Link, Message, Slot};
use exlogare_shared::report::Language;
use exlogare_shared::store::{Store, StoreError};
use serde::Serialize;
use serde_json::{Value, json};

#[derive(Debug, thiserror::Error)]
pub enum ChannelError {
    #[error("{0}")]
    Invalid(String),
    #[error("no such channel")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Crypto(#[from] CryptoError),
}

#[derive(Debug, Clone)]
pub struct ChannelSettings {
    store: Store,
    kms: Kms,
    http: reqwest::Client,
    telegram_api: String,
    allow_private: bool,
}

/// What the API shows of a channel: enough to recognise it, never a credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChannelView {
    pub kind: &'static str,
    /// Set for a per-project override of the tenant's channel of this kind.
    pub project_id: Option<String>,
    pub settings: Value,
}

fn slot(kind: &str, project: Option<&str>) -> Result<Slot, ChannelError> {
    Slot::new(kind, project).map_err(|e| ChannelError::Invalid(e.to_string()))
}

fn mask(secret: &str) -> String {
    let tail: String = secret
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if secret.chars().count() <= 8 {
        "****".into()
    } else {
        format!("****{tail}")
    }
}

fn view(slot: &Slot, channel: &Channel) -> ChannelView {
    let settings = match channel {
        Channel::Slack { webhook_url } => {
            let host = url::Url::parse(webhook_url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_owned))
                .unwrap_or_default();
            json!({ "webhook_url": format!("https://{host}/services/{}", mask(webhook_url)) })
        }
        Channel::Telegram { bot_token, chat_id } => {
            json!({ "bot_token": mask(bot_token), "chat_id": chat_id })
        }
        Channel::Matrix {
            homeserver,
            access_token,
            room_id,
        } => {
            json!({ "homeserver": homeserver, "access_token": mask(access_token), "room_id": room_id })
        }
    };
    ChannelView {
        kind: channel.kind(),
        project_id: slot.project.clone(),
        settings,
    }
}

impl ChannelSettings {
    pub fn new(
        store: Store,
        kms: Kms,
        http: reqwest::Client,
        telegram_api: String,
        allow_private: bool,
    ) -> Self {
        Self {
            store,
            kms,
            http,
            telegram_api,
            allow_private,
        }
    }

    fn check_url(
        &self,
        what: &str,
        value: &str,
        host_suffix: Option<&str>,
    ) -> Result<(), ChannelError> {
        let url = url::Url::parse(value)
            .map_err(|_| ChannelError::Invalid(format!("{what} is not a URL")))?;
        let https = url.scheme() == "https";
        if !(https || self.allow_private && url.scheme() == "http") {
            return Err(ChannelError::Invalid(format!("{what} must use https")));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(ChannelError::Invalid(format!(
                "{what} must not contain credentials"
            )));
        }
        if let Some(suffix) = host_suffix
            && !self.allow_private
            && url.host_str().is_none_or(|h| h != suffix)
        {
            return Err(ChannelError::Invalid(format!("{what} must be on {suffix}")));
        }
        Ok(())
    }

    fn validate(&self, channel: &Channel) -> Result<(), ChannelError> {
        match channel {
            Channel::Slack { webhook_url } => {
                self.check_url("webhook_url", webhook_url, Some("hooks.slack.com"))?;
                let url = url::Url::parse(webhook_url)
                    .map_err(|_| ChannelError::Invalid("webhook_url is not a URL".into()))?;
                // Slack's incoming webhooks live under /services/ on the default port.
                if !self.allow_private
                    && (url.port().is_some() || !url.path().starts_with("/services/"))
                {
                    return Err(ChannelError::Invalid(
                        "webhook_url must be https://hooks.slack.com/services/…".into(),
                    ));
                }
                if url.query().is_some() || url.fragment().is_some() {
                    return Err(ChannelError::Invalid(
                        "webhook_url must not have a query or fragment".into(),
                    ));
                }
                Ok(())
            }
            Channel::Telegram { bot_token, chat_id } => {
                // Telegram's documented shape: `<bot id>:<secret>`, e.g. 123456:ABC-DEF1234ghIkl.
                let (id, secret) = bot_token.split_once(':').unwrap_or_default();
                let id_ok = (1..=20).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit());
                let secret_ok = (1..=128).contains(&secret.len())
                    && secret
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
                if !(id_ok && secret_ok) {
                    return Err(ChannelError::Invalid(
                        "bot_token must look like 123456:ABC-DEF1234ghIkl (digits, a colon, then letters, digits, _ or -)".into(),
                    ));
                }
                // A chat's numeric id (negative for groups and channels) or a channel's @username.
                let numeric = chat_id.strip_prefix('-').unwrap_or(chat_id);
                let numeric_ok = (1..=20).contains(&numeric.len())
                    && numeric.bytes().all(|b| b.is_ascii_digit());
                let username_ok = chat_id.strip_prefix('@').is_some_and(|u| {
                    (4..=32).contains(&u.len())
                        && u.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                });
                if !(numeric_ok || username_ok) {
                    return Err(ChannelError::Invalid(
                        "chat_id must be a chat's numeric id (e.g. -1001234567890) or @channelname"
                            .into(),
                    ));
                }
                Ok(())
            }
            Channel::Matrix {
                homeserver,
                access_token,
                room_id,
            } => {
                // Sent as a bearer token: printable ASCII without spaces.
                if access_token.is_empty()
                    || access_token.len() > 1024
                    || !access_token.bytes().all(|b| b.is_ascii_graphic())
                {
                    return Err(ChannelError::Invalid(
                        "access_token is missing, too long or has characters a token cannot have"
                            .into(),
                    ));
                }
                // A room id: `!opaque:server`. Servers make the opaque part of letters and digits
                // and the server part is a host name with a port; nothing that could read as a
                // path, a query, a fragment or an escape is accepted.
                let room_ok = room_id.len() <= 255
                    && room_id
                        .strip_prefix('!')
                        .and_then(|r| r.split_once(':'))
                        .is_some_and(|(local, server)| !local.is_empty() && !server.is_empty())
                    && room_id
                        .bytes()
                        .all(|b| b.is_ascii_graphic() && !b"/?#\\%".contains(&b));
                if !room_ok {
                    return Err(ChannelError::Invalid(
                        "room_id must be a room id like !abcdef:matrix.example (Room settings → Advanced)".into(),
                    ));
                }
                self.check_url("homeserver", homeserver, None)
            }
        }
    }

    /// Parses and stores a channel from the API's JSON body (`{"kind": "slack", …}`).
    pub async fn set(
        &self,
        tenant: &str,
        kind: &str,
        project: Option<&str>,
        body: &[u8],
    ) -> Result<ChannelView, ChannelError> {
        let slot = slot(kind, project)?;
        let mut value: Value = serde_json::from_slice(body)
            .map_err(|_| ChannelError::Invalid("body must be a JSON object".into()))?;
        value["kind"] = Value::String(kind.to_owned());
        let channel: Channel = serde_json::from_value(value).map_err(|_| {
            ChannelError::Invalid(format!(
                "unknown channel kind or missing settings for {kind}"
            ))
        })?;
        self.validate(&channel)?;
        if let Channel::Matrix { homeserver, .. } = &channel {
            check_homeserver(homeserver, self.allow_private).await?;
        }
        let plain =
            serde_json::to_vec(&channel).map_err(|e| ChannelError::Invalid(e.to_string()))?;
        let sealed = self
            .kms
            .encrypt(&plain, &slot.encryption_context(tenant))
            .await?;
        self.store
            .put_channel(tenant, &slot.to_string(), &sealed)
            .await?;
        Ok(view(&slot, &channel))
    }

    /// Every channel of the tenant with its slot.
    async fn load(&self, tenant: &str) -> Result<Vec<(Slot, Channel)>, ChannelError> {
        let mut channels = Vec::new();
        for (stored, ciphertext) in self.store.channels(tenant).await? {
            let slot = Slot::parse(&stored);
            let plain = self
                .kms
                .decrypt(&ciphertext, &slot.encryption_context(tenant))
                .await?;
            if let Ok(channel) = serde_json::from_slice::<Channel>(&plain) {
                channels.push((slot, channel));
            }
        }
        Ok(channels)
    }

    pub async fn list(&self, tenant: &str) -> Result<Vec<ChannelView>, ChannelError> {
        Ok(self
            .load(tenant)
            .await?
            .iter()
            .map(|(s, c)| view(s, c))
            .collect())
    }

    pub async fn delete(
        &self,
        tenant: &str,
        kind: &str,
        project: Option<&str>,
    ) -> Result<(), ChannelError> {
        let slot = slot(kind, project)?.to_string();
        if !self
            .store
            .channels(tenant)
            .await?
            .iter()
            .any(|(k, _)| *k == slot)
        {
            return Err(ChannelError::NotFound);
        }
        self.store.delete_channel(tenant, &slot).await?;
        Ok(())
    }

    /// Sends a test message; the answer says whether the room got it.
    pub async fn test(
        &self,
        tenant: &str,
        kind: &str,
        project: Option<&str>,
        language: Language,
    ) -> Result<Delivery, ChannelError> {
        let slot = slot(kind, project)?;
        let channel = self
            .load(tenant)
            .await?
            .into_iter()
            .find(|(s, _)| *s == slot)
            .map(|(_, c)| c)
            .ok_or(ChannelError::NotFound)?;
        let words = language.words();
        let message = Message {
            heading: "✅ Exlogare",
            verb: words.passed,
            pipeline_number: None,
            project: LogText::default(),
            category: words.test_category,
            summary: LogText::line(words.test_message, LINE_CHARS),
            excerpt: None,
            location: None,
            history: None,
            hint: None,
            others: vec![],
            link: Link::new(
                url::Url::parse(exlogare_shared::gitflic::base_url::CLOUD_WEB)
                    .map_err(|e| ChannelError::Invalid(e.to_string()))?,
            )
            .ok_or_else(|| ChannelError::Invalid("no link".into()))?,
            words,
        };
        let transaction = format!("exlogare-test-{}", uuid::Uuid::new_v4().simple());
        Ok(notify::deliver(
            &self.http,
            &self.telegram_api,
            &channel,
            &message,
            notify::Post {
                transaction: &transaction,
                reply_to: None,
            },
        )
        .await)
    }
}

/// A homeserver is user input, like a GitFlic base URL: the access token and the report must not
/// be sent to an address inside our network.
async fn check_homeserver(homeserver: &str, allow_private: bool) -> Result<(), ChannelError> {
    let url = url::Url::parse(homeserver)
        .map_err(|_| ChannelError::Invalid("homeserver is not a URL".into()))?;
    ensure_public(&url, allow_private)
        .await
        .map_err(|e| match e {
            AddressRefused::Unresolvable => {
                ChannelError::Invalid("homeserver does not resolve".into())
            }
            _ => ChannelError::Invalid(
                "homeserver points to a private, loopback or link-local address".into(),
            ),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_homeserver_inside_our_network_is_refused() {
        for inside in [
            "https://127.0.0.1:8448",
            "https://[::1]",
            "https://169.254.169.254",
            "https://10.1.2.3",
            "https://[::ffff:192.168.0.1]",
            "https://localhost:8448",
        ] {
            let refused = check_homeserver(inside, false).await;
            assert!(
                matches!(&refused, Err(ChannelError::Invalid(m)) if m.contains("private")),
                "{inside}: {refused:?}"
            );
            // Allowing private networks (a homeserver inside the VPC) never opens the metadata
            // service.
            let metadata = inside.contains("169.254.");
            assert_eq!(
                check_homeserver(inside, true).await.is_ok(),
                !metadata,
                "{inside}"
            );
        }
        assert!(
            check_homeserver("https://93.184.216.34", false)
                .await
                .is_ok()
        );
    }

    #[test]
    fn views_never_show_credentials() {
        let v = view(
            &Slot::parse("telegram"),
            &Channel::Telegram {
                bot_token: "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0".into(),
                chat_id: "-100".into(),
            },
        );
        assert_eq!(v.settings["bot_token"], "****saw0");
        assert_eq!(v.settings["chat_id"], "-100");
        let v = view(
            &Slot::parse("slack"),
            &Channel::Slack {
                webhook_url: "https://hooks.slack.com/services/T0/B0/SECRETSECRET".into(),
            },
        );
        assert!(!v.settings.to_string().contains("SECRETSECRET"));
        let v = view(
            &Slot::parse("matrix@proj-1"),
            &Channel::Matrix {
                homeserver: "https://m.example".into(),
                access_token: "syt_abcdefghijkl".into(),
                room_id: "!r:m".into(),
            },
        );
        assert!(!v.settings.to_string().contains("abcdefgh"));
        assert_eq!(v.project_id.as_deref(), Some("proj-1"));
        assert!(slot("slack", Some("a#b")).is_err());
        assert_eq!(slot("slack", Some(" ")).unwrap().to_string(), "slack");
        assert_eq!(
            slot("slack", Some("proj-1")).unwrap(),
            Slot::parse("slack@proj-1")
        );
    }
}
