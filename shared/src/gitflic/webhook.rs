//! Webhook deliveries from GitFlic (snake_case keys, unlike the REST API).
//!
//! Every field but `action` is optional and tolerant of GitFlic's loose typing: a delivery we do not
//! act on must never be refused because one of its nested objects looks unexpected.

use super::lenient;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! actions {
    ($($variant:ident => $wire:literal,)*) => {
        /// The `action` of a delivery: GitFlic's documented events, and `Other` for any it adds later.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum Action {
            $($variant,)*
            Other(String),
        }

        impl Action {
            /// Every documented event, in the order of GitFlic's reference.
            pub const DOCUMENTED: &'static [Action] = &[$(Action::$variant,)*];

            pub fn as_str(&self) -> &str {
                match self {
                    $(Action::$variant => $wire,)*
                    Action::Other(other) => other,
                }
            }

            pub fn parse(wire: &str) -> Action {
                match wire {
                    $($wire => Action::$variant,)*
                    other => Action::Other(other.to_owned()),
                }
            }
        }
    };
}

actions! {
    TestWebhook => "TEST_WEBHOOK",
    IssueCreate => "ISSUE_CREATE",
    IssueUpdate => "ISSUE_UPDATE",
    NewIssueNote => "NEW_ISSUE_NOTE",
    MergeRequestCreate => "MERGE_REQUEST_CREATE",
    MergeRequestUpdate => "MERGE_REQUEST_UPDATE",
    MergeRequestAccept => "MERGE_REQUEST_ACCEPT",
    MergeRequestClose => "MERGE_REQUEST_CLOSE",
    MergeRequestCancel => "MERGE_REQUEST_CANCEL",
    Merge => "MERGE",
    DiscussionCreate => "DISCUSSION_CREATE",
    TagCreate => "TAG_CREATE",
    TagDelete => "TAG_DELETE",
    BranchCreate => "BRANCH_CREATE",
    BranchDelete => "BRANCH_DELETE",
    BranchUpdate => "BRANCH_UPDATE",
    CollaboratorAdd => "COLLABORATOR_ADD",
    CollaboratorUpdate => "COLLABORATOR_UPDATE",
    CollaboratorDelete => "COLLABORATOR_DELETE",
    PipelineNew => "PIPELINE_NEW",
    PipelineSuccess => "PIPELINE_SUCCESS",
    PipelineWarning => "PIPELINE_WARNING",
    PipelineFail => "PIPELINE_FAIL",
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Action {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|s| Action::parse(&s))
    }
}

impl Serialize for Action {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One delivery. The event-specific objects are decoded when their shape fits and dropped otherwise.
#[derive(Debug, Clone, Deserialize)]
pub struct WebhookPayload {
    pub action: Action,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub project_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub project: Option<WebhookProject>,
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub pipeline: Option<WebhookPipeline>,
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub issue: Option<WebhookIssue>,
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub note: Option<WebhookNote>,
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub merge_request: Option<WebhookMergeRequest>,
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub discussion: Option<WebhookNote>,
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub tag: Option<WebhookRef>,
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub branch: Option<WebhookRef>,
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub push: Option<WebhookPush>,
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub collaborator: Option<WebhookCollaborator>,
}

impl WebhookPayload {
    /// The project id, from the top level or, failing that, from the `project` object.
    pub fn project_id(&self) -> Option<&str> {
        self.project_id
            .as_deref()
            .or_else(|| self.project.as_ref()?.project_id.as_deref())
            .filter(|id| !id.is_empty())
    }
}

/// The `project` object common to every event but `TEST_WEBHOOK` (DOC).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct WebhookProject {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub project_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub alias: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub owner_alias: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub owner_type: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub http_transport_url: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub ssh_transport_url: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub language: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub private: Option<bool>,
}

/// `pipeline` of the PIPELINE_* events: `id` and `local_id` are documented, `ref` is INFERRED.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct WebhookPipeline {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub local_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub user_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub commit_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub url: Option<String>,
    #[serde(default, rename = "ref", deserialize_with = "lenient::opt_string")]
    pub git_ref: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub status: Option<String>,
}

/// `issue` of the ISSUE_* events.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct WebhookIssue {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub local_id: Option<u64>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub user_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub user_alias: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub status: Option<String>,
}

/// A comment: `note` of NEW_ISSUE_NOTE, `discussion` of DISCUSSION_CREATE.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct WebhookNote {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub user_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub user_alias: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub message: Option<String>,
}

/// `merge_request` of the MERGE_REQUEST_* and MERGE events.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct WebhookMergeRequest {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub local_id: Option<u64>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub source_branch: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub target_branch: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub status: Option<String>,
}

/// `tag` of TAG_* and `branch` of BRANCH_CREATE/BRANCH_DELETE.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct WebhookRef {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub commit_id: Option<String>,
}

/// `push` of BRANCH_UPDATE (the ref and the commits before and after).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct WebhookPush {
    #[serde(default, rename = "ref", deserialize_with = "lenient::opt_string")]
    pub git_ref: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub before: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub after: Option<String>,
}

/// `collaborator` of the COLLABORATOR_* events.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct WebhookCollaborator {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub user_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub user_alias: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub role: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_three_documented_actions_round_trip() {
        assert_eq!(Action::DOCUMENTED.len(), 23);
        for action in Action::DOCUMENTED {
            assert_eq!(&Action::parse(action.as_str()), action);
            assert!(!matches!(action, Action::Other(_)));
        }
        assert_eq!(
            Action::parse("PIPELINE_EXPLODED"),
            Action::Other("PIPELINE_EXPLODED".into())
        );
    }

    #[test]
    fn odd_shapes_are_tolerated() {
        let p: WebhookPayload = serde_json::from_str(
            r#"{"action":"PIPELINE_FAIL","project_id":7,"pipeline":{"id":"p","local_id":12,"extra":[]},
                "issue":"not an object","project":{"private":"false","owner_alias":"team"}}"#,
        )
        .unwrap();
        assert_eq!(p.project_id(), Some("7"));
        let pipeline = p.pipeline.unwrap();
        assert_eq!(pipeline.local_id.as_deref(), Some("12"));
        assert_eq!(p.issue, None);
        assert_eq!(p.project.unwrap().private, Some(false));
    }

    #[test]
    fn project_id_falls_back_to_the_project_object() {
        let p: WebhookPayload =
            serde_json::from_str(r#"{"action":"TAG_CREATE","project":{"project_id":"abc"}}"#)
                .unwrap();
        assert_eq!(p.project_id(), Some("abc"));
        let p: WebhookPayload =
            serde_json::from_str(r#"{"action":"TAG_CREATE","project_id":""}"#).unwrap();
        assert_eq!(p.project_id(), None);
    }
}
