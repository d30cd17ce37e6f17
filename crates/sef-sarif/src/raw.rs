//! The parts of SARIF 2.1.0 that sef reads, as lenient serde types: every
//! field is optional so that one tool's omissions do not lose the file.

use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Log {
    pub version: Option<String>,
    pub runs: Vec<Run>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Run {
    pub tool: Tool,
    pub results: Option<Vec<Result>>,
    pub invocations: Vec<Invocation>,
    pub original_uri_base_ids: BTreeMap<String, ArtifactLocation>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Tool {
    pub driver: Driver,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Driver {
    pub name: String,
    pub version: Option<String>,
    pub semantic_version: Option<String>,
    pub rules: Vec<Rule>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Rule {
    pub id: String,
    pub name: Option<String>,
    pub short_description: Option<Text>,
    pub full_description: Option<Text>,
    pub help: Option<Text>,
    pub help_uri: Option<String>,
    pub message_strings: BTreeMap<String, Text>,
    pub default_configuration: Option<Configuration>,
    pub properties: serde_json::Map<String, serde_json::Value>,
    pub relationships: Vec<Relationship>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Configuration {
    pub level: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Relationship {
    pub target: Reference,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Reference {
    pub id: Option<String>,
    pub index: Option<i64>,
    pub tool_component: Option<ToolComponentRef>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ToolComponentRef {
    pub name: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Text {
    pub text: Option<String>,
    pub markdown: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Message {
    pub text: Option<String>,
    pub id: Option<String>,
    pub arguments: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Result {
    pub rule_id: Option<String>,
    pub rule_index: Option<i64>,
    pub rule: Option<Reference>,
    pub level: Option<String>,
    pub kind: Option<String>,
    pub message: Message,
    pub locations: Vec<Location>,
    pub fingerprints: BTreeMap<String, String>,
    pub partial_fingerprints: BTreeMap<String, String>,
    pub taxa: Vec<Reference>,
    pub suppressions: Vec<serde_json::Value>,
    pub properties: serde_json::Map<String, serde_json::Value>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Location {
    pub physical_location: Option<PhysicalLocation>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct PhysicalLocation {
    pub artifact_location: Option<ArtifactLocation>,
    pub region: Option<Region>,
    pub context_region: Option<Region>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct ArtifactLocation {
    pub uri: Option<String>,
    pub uri_base_id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Region {
    pub start_line: Option<i64>,
    pub start_column: Option<i64>,
    pub snippet: Option<Text>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Invocation {
    pub execution_successful: Option<bool>,
    pub exit_code: Option<i64>,
    pub tool_execution_notifications: Vec<Notification>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Notification {
    pub level: Option<String>,
    pub message: Message,
}
