//! The reports of a project, newest first, for the console to read:
//! `REPORTS#<tenant>#<project>` / `P#<pipeline number, 20 digits>`, the report's JSON, kept as
//! long as reports are (a TTL).

use super::{EXPIRES_AT, PK, SK, Store, StoreError, dynamo_error, epoch_now, key, n, s, unexpired};
use aws_sdk_dynamodb::types::AttributeValue;
use std::time::Duration;

fn reports_pk(tenant: &str, project: &str) -> String {
    format!("REPORTS#{tenant}#{project}")
}

impl Store {
    /// Lists pipeline `number`'s report (JSON) among the project's, for `ttl`.
    pub async fn put_report_entry(
        &self,
        tenant: &str,
        project: &str,
        number: u64,
        report_json: &str,
        ttl: Duration,
    ) -> Result<(), StoreError> {
        let mut item = key(reports_pk(tenant, project), &format!("P#{number:020}"));
        item.insert("report".into(), s(report_json));
        item.insert(EXPIRES_AT.into(), n(epoch_now() + ttl.as_secs()));
        self.put(item).await
    }

    /// The project's `limit` newest reports (JSON), newest first.
    pub async fn recent_reports(
        &self,
        tenant: &str,
        project: &str,
        limit: u32,
    ) -> Result<Vec<String>, StoreError> {
        let now = epoch_now();
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("#pk = :pk AND begins_with(#sk, :p)")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#sk", SK)
            .expression_attribute_values(":pk", s(reports_pk(tenant, project)))
            .expression_attribute_values(":p", s("P#"))
            .scan_index_forward(false)
            .limit(limit.clamp(1, 100) as i32)
            .send()
            .await
            .map_err(dynamo_error("Query"))?;
        Ok(out
            .items
            .unwrap_or_default()
            .into_iter()
            .filter(|item| unexpired(item, now))
            .filter_map(|mut item| match item.remove("report") {
                Some(AttributeValue::S(json)) => Some(json),
                _ => None,
            })
            .collect())
    }
}
