//! The threat model's types, as written in YAML under
//! `security/threat-model/` (docs/threat-model.md): data assets, technical
//! assets, data flows, nested trust boundaries and actors. The JSON Schema
//! published in `docs/schemas/threat-model.schema.json` is generated from
//! these types.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An ordered level of need or of impact: low < medium < high < critical.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Need {
    /// Little harm when lost.
    Low,
    /// Noticeable harm.
    Medium,
    /// Serious harm.
    High,
    /// Harm the organisation may not survive.
    Critical,
}

/// How data is classified, from least to most sensitive.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Classification {
    /// Anyone may see it.
    Public,
    /// For the organisation's people.
    Internal,
    /// For those who need it.
    Confidential,
    /// Regulated or highly sensitive: credentials, keys, payment and health data.
    Restricted,
}

/// How far an element is trusted, from not at all to fully.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum TrustLevel {
    /// Anyone, an attacker included.
    Untrusted,
    /// Authenticated but outside the organisation's control.
    Low,
    /// The organisation's own, with ordinary privileges.
    Medium,
    /// Privileged and controlled.
    High,
}

/// What kind of technical asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AssetType {
    /// A server-rendered or single-page web application.
    WebApplication,
    /// An HTTP, gRPC or other API service.
    WebService,
    /// A relational or document database.
    Database,
    /// Object or file storage.
    FileStorage,
    /// A queue or event broker.
    MessageQueue,
    /// A cache.
    Cache,
    /// A login or token service.
    IdentityProvider,
    /// A load balancer, API gateway or reverse proxy.
    Gateway,
    /// A vault or key management service.
    SecretStore,
    /// A scheduled or batch job.
    BatchJob,
    /// A build and deployment pipeline.
    CiCd,
    /// Logging, metrics, tracing.
    Monitoring,
    /// A web browser.
    Browser,
    /// A mobile or desktop client.
    Client,
    /// A service run by a third party.
    ExternalService,
    /// A container orchestrator or its control plane.
    ContainerPlatform,
    /// Anything else.
    Other,
}

/// A kind of trust boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum BoundaryType {
    /// A network zone or segment.
    Network,
    /// An operating-system process.
    Process,
    /// A container or virtual machine.
    Container,
    /// A cloud account, subscription or project.
    CloudAccount,
}

/// How a flow is encrypted, from none to mutual TLS or end to end.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Encryption {
    /// Plain text.
    None,
    /// TLS, the server authenticated.
    Tls,
    /// TLS, both ends authenticated.
    Mtls,
    /// Encrypted end to end, independent of transport.
    EndToEnd,
}

/// How the caller of a flow is authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Authentication {
    /// Not at all.
    None,
    /// A user name and password.
    Credentials,
    /// A session cookie or session id.
    Session,
    /// A bearer token (OAuth, JWT).
    Token,
    /// A static API key or shared secret.
    ApiKey,
    /// A client certificate.
    ClientCertificate,
    /// Two or more factors.
    TwoFactor,
    /// Credentials plus a second factor, hardware-backed.
    PhishingResistant,
}

/// How a flow's caller is authorized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Authorization {
    /// Not at all.
    None,
    /// As one technical identity for every end user.
    TechnicalUser,
    /// Per end user.
    EndUser,
    /// Per end user by role.
    RoleBased,
}

/// A data asset: information worth protecting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataAsset {
    /// Unique id among all elements of the model.
    pub id: String,
    /// A readable name (the id when absent).
    #[serde(default)]
    pub name: Option<String>,
    /// What it is.
    #[serde(default)]
    pub description: Option<String>,
    /// How it is classified.
    pub classification: Classification,
    /// Harm when disclosed.
    pub confidentiality: Need,
    /// Harm when altered.
    pub integrity: Need,
    /// Harm when unavailable.
    pub availability: Need,
    /// Personal data under privacy law.
    #[serde(default)]
    pub personal: bool,
    /// Free attributes for custom rules.
    #[serde(default)]
    pub attributes: BTreeMap<String, serde_json::Value>,
}

/// A technical asset: something that runs or stores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TechnicalAsset {
    /// Unique id among all elements of the model.
    pub id: String,
    /// A readable name (the id when absent).
    #[serde(default)]
    pub name: Option<String>,
    /// What it is.
    #[serde(default)]
    pub description: Option<String>,
    /// Its kind.
    #[serde(rename = "type")]
    pub kind: AssetType,
    /// Technologies it is built with (`nginx`, `postgresql`, `java`).
    #[serde(default)]
    pub technologies: Vec<String>,
    /// Reachable from the internet.
    #[serde(default)]
    pub internet_facing: bool,
    /// How far it is trusted.
    pub trust_level: TrustLevel,
    /// Ids of the data assets it processes.
    #[serde(default)]
    pub processes: Vec<String>,
    /// Ids of the data assets it stores.
    #[serde(default)]
    pub stores: Vec<String>,
    /// The team or person that owns it.
    #[serde(default)]
    pub owner: Option<String>,
    /// Written by the offering's team (not bought or third-party).
    #[serde(default = "yes")]
    pub custom_developed: bool,
    /// Stored data is encrypted at rest.
    #[serde(default)]
    pub encrypted_at_rest: bool,
    /// Serves more than one tenant.
    #[serde(default)]
    pub multi_tenant: bool,
    /// Outside the offering's responsibility: shown, never judged.
    #[serde(default)]
    pub out_of_scope: bool,
    /// Free attributes for custom rules.
    #[serde(default)]
    pub attributes: BTreeMap<String, serde_json::Value>,
}

fn yes() -> bool {
    true
}

/// A data flow from a source to a target (a technical asset or an actor).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataFlow {
    /// Unique id among all elements of the model.
    pub id: String,
    /// A readable name (the id when absent).
    #[serde(default)]
    pub name: Option<String>,
    /// What it carries and why.
    #[serde(default)]
    pub description: Option<String>,
    /// The id of the asset or actor that starts it.
    pub source: String,
    /// The id of the asset it reaches.
    pub target: String,
    /// The protocol (`https`, `grpc`, `postgresql`, `amqp`).
    pub protocol: String,
    /// How the source is authenticated.
    pub authentication: Authentication,
    /// How the source is authorized.
    pub authorization: Authorization,
    /// How the flow is encrypted.
    pub encryption: Encryption,
    /// Ids of the data assets sent from source to target.
    #[serde(default)]
    pub sends: Vec<String>,
    /// Ids of the data assets received back.
    #[serde(default)]
    pub receives: Vec<String>,
    /// Runs through a VPN or a private link.
    #[serde(default)]
    pub vpn: bool,
    /// Free attributes for custom rules.
    #[serde(default)]
    pub attributes: BTreeMap<String, serde_json::Value>,
}

/// A trust boundary: the assets inside it and the boundaries nested in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrustBoundary {
    /// Unique id among all elements of the model.
    pub id: String,
    /// A readable name (the id when absent).
    #[serde(default)]
    pub name: Option<String>,
    /// What it separates.
    #[serde(default)]
    pub description: Option<String>,
    /// Its kind.
    #[serde(rename = "type")]
    pub kind: BoundaryType,
    /// Ids of the technical assets directly inside it.
    #[serde(default)]
    pub assets: Vec<String>,
    /// Ids of the boundaries directly inside it.
    #[serde(default)]
    pub boundaries: Vec<String>,
    /// Free attributes for custom rules.
    #[serde(default)]
    pub attributes: BTreeMap<String, serde_json::Value>,
}

/// Whether an actor is a person or a system outside the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ActorType {
    /// A person.
    Human,
    /// Another system.
    System,
}

/// An actor: someone or something that uses the offering.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    /// Unique id among all elements of the model.
    pub id: String,
    /// A readable name (the id when absent).
    #[serde(default)]
    pub name: Option<String>,
    /// Who they are.
    #[serde(default)]
    pub description: Option<String>,
    /// Person or system.
    #[serde(rename = "type")]
    pub kind: ActorType,
    /// How far they are trusted.
    pub trust_level: TrustLevel,
    /// Has administrative powers.
    #[serde(default)]
    pub privileged: bool,
    /// Free attributes for custom rules.
    #[serde(default)]
    pub attributes: BTreeMap<String, serde_json::Value>,
}

/// One model file: every section is optional, and the files of the model
/// directory are merged.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "sef threat model")]
pub struct ModelFile {
    /// The model's title (one file gives it).
    #[serde(default)]
    pub title: Option<String>,
    /// What the model covers.
    #[serde(default)]
    pub description: Option<String>,
    /// Information worth protecting.
    #[serde(default)]
    pub data_assets: Vec<DataAsset>,
    /// What runs or stores.
    #[serde(default)]
    pub technical_assets: Vec<TechnicalAsset>,
    /// Who or what connects from outside.
    #[serde(default)]
    pub actors: Vec<Actor>,
    /// Who talks to whom, carrying what.
    #[serde(default)]
    pub data_flows: Vec<DataFlow>,
    /// Zones of equal trust, nested.
    #[serde(default)]
    pub trust_boundaries: Vec<TrustBoundary>,
}

/// The JSON Schema of a model file, as published.
pub fn schema() -> serde_json::Value {
    let s = schemars::schema_for!(ModelFile);
    serde_json::to_value(s).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    /// The published schemas are the generated ones. After a type changed:
    /// `SEF_UPDATE_SCHEMA=1 cargo test -p sef-threat schema`.
    #[test]
    fn checked_in_schemas_are_the_generated_ones() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/schemas");
        for (name, v) in [
            ("threat-model.schema.json", super::schema()),
            ("threat-rules.schema.json", crate::rules::schema()),
        ] {
            let path = dir.join(name);
            let generated = format!("{}\n", serde_json::to_string_pretty(&v).unwrap());
            if std::env::var_os("SEF_UPDATE_SCHEMA").is_some() {
                std::fs::write(&path, &generated).unwrap();
            }
            let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(
                on_disk == generated,
                "{} differs from the types; regenerate it with SEF_UPDATE_SCHEMA=1 cargo test -p sef-threat schema",
                path.display()
            );
        }
    }
}
