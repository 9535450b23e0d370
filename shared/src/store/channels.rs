//! Chat channel items: `TENANT#<tenant>` / `CHANNEL#<kind>`, a channel's KMS-encrypted
//! credentials.

use super::{Store, StoreError, key, s};
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;

impl Store {
    pub async fn put_channel(
        &self,
        tenant: &str,
        kind: &str,
        ciphertext: &[u8],
    ) -> Result<(), StoreError> {
        let mut item = key(format!("TENANT#{tenant}"), &format!("CHANNEL#{kind}"));
        item.insert("kind".into(), s(kind));
        item.insert(
            "credentials_ct".into(),
            AttributeValue::B(Blob::new(ciphertext)),
        );
        self.put(item).await?;
        Ok(())
    }

    pub async fn delete_channel(&self, tenant: &str, kind: &str) -> Result<(), StoreError> {
        self.delete(key(format!("TENANT#{tenant}"), &format!("CHANNEL#{kind}")))
            .await?;
        Ok(())
    }

    /// The tenant's channels: (kind, encrypted credentials).
    pub async fn channels(&self, tenant: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        Ok(self
            .query_prefix(tenant, "CHANNEL#")
            .await?
            .iter()
            .filter_map(
                |item| match (item.get("kind"), item.get("credentials_ct")) {
                    (Some(AttributeValue::S(kind)), Some(AttributeValue::B(ct))) => {
                        Some((kind.clone(), ct.as_ref().to_vec()))
                    }
                    _ => None,
                },
            )
            .collect())
    }
}
