//! KMS encryption of tokens and secrets, always under an encryption context that names what the
//! plaintext is and whose it is: a ciphertext copied to another record does not decrypt there.

use aws_sdk_kms::error::DisplayErrorContext;
use aws_sdk_kms::primitives::Blob;
use std::collections::HashMap;

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("KMS {operation} failed: {message}")]
    Kms {
        operation: &'static str,
        message: String,
    },
    #[error("KMS {0} returned no data")]
    Empty(&'static str),
}

/// What a ciphertext is (`purpose`, e.g. `webhook-secret`), whose (`tenant`) and of what
/// (`subject`, e.g. a connection or project id). All three must match to decrypt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncryptionContext {
    pub purpose: &'static str,
    pub tenant: String,
    pub subject: String,
}

impl EncryptionContext {
    fn to_map(&self) -> HashMap<String, String> {
        HashMap::from([
            ("purpose".to_owned(), self.purpose.to_owned()),
            ("tenant".to_owned(), self.tenant.clone()),
            ("subject".to_owned(), self.subject.clone()),
        ])
    }
}

#[derive(Debug, Clone)]
pub struct Kms {
    client: aws_sdk_kms::Client,
    key_id: String,
}

impl Kms {
    pub fn new(sdk: &aws_config::SdkConfig, key_id: impl Into<String>) -> Self {
        Self {
            client: aws_sdk_kms::Client::new(sdk),
            key_id: key_id.into(),
        }
    }

    pub async fn encrypt(
        &self,
        plaintext: &[u8],
        context: &EncryptionContext,
    ) -> Result<Vec<u8>, CryptoError> {
        let out = self
            .client
            .encrypt()
            .key_id(&self.key_id)
            .plaintext(Blob::new(plaintext))
            .set_encryption_context(Some(context.to_map()))
            .send()
            .await
            .map_err(|e| CryptoError::Kms {
                operation: "Encrypt",
                message: DisplayErrorContext(e).to_string(),
            })?;
        out.ciphertext_blob
            .map(Blob::into_inner)
            .ok_or(CryptoError::Empty("Encrypt"))
    }

    pub async fn decrypt(
        &self,
        ciphertext: &[u8],
        context: &EncryptionContext,
    ) -> Result<Vec<u8>, CryptoError> {
        let out = self
            .client
            .decrypt()
            // Pinning the key refuses ciphertexts made under any other key.
            .key_id(&self.key_id)
            .ciphertext_blob(Blob::new(ciphertext))
            .set_encryption_context(Some(context.to_map()))
            .send()
            .await
            .map_err(|e| CryptoError::Kms {
                operation: "Decrypt",
                message: DisplayErrorContext(e).to_string(),
            })?;
        out.plaintext
            .map(Blob::into_inner)
            .ok_or(CryptoError::Empty("Decrypt"))
    }
}
