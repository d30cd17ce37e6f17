//! Threagile's YAML model (data assets, technical assets with their
//! communication links, trust boundaries) converted into sef's format.
//! Threagile keys its sections by name and gives each element an `id`;
//! the ids are kept. Its five-step ratings map onto sef's four-step
//! scales as docs/threat-model.md ("Import") lists.

use super::{ImportError, Imported};
use crate::model::*;
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};

fn s<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str)
}
fn b(v: &Value, k: &str) -> bool {
    v.get(k).and_then(Value::as_bool).unwrap_or(false)
}
fn ids(v: &Value, k: &str) -> Vec<String> {
    v.get(k)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}
fn entries(v: &Value, k: &str) -> Vec<(String, Value)> {
    match v.get(k) {
        Some(Value::Object(m)) => m.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        _ => Vec::new(),
    }
}

fn confidentiality(w: Option<&str>) -> (Classification, Need) {
    match w.unwrap_or("internal") {
        "public" => (Classification::Public, Need::Low),
        "restricted" => (Classification::Confidential, Need::Medium),
        "confidential" => (Classification::Confidential, Need::High),
        "strictly-confidential" => (Classification::Restricted, Need::Critical),
        _ => (Classification::Internal, Need::Low),
    }
}

fn criticality(w: Option<&str>) -> Need {
    match w.unwrap_or("operational") {
        "important" => Need::Medium,
        "critical" => Need::High,
        "mission-critical" => Need::Critical,
        _ => Need::Low,
    }
}

fn asset_type(technology: &str, kind: &str) -> AssetType {
    match technology {
        "web-server" | "web-application" | "cms" => AssetType::WebApplication,
        "web-service-rest" | "web-service-soap" | "application-server" | "ejb" | "erp"
        | "function" | "service-mesh" => AssetType::WebService,
        "database" | "identity-store-database" => AssetType::Database,
        "file-server" | "local-file-system" | "block-storage" | "data-lake" => {
            AssetType::FileStorage
        }
        "message-queue" | "stream-processing" | "event-listener" => AssetType::MessageQueue,
        "identity-provider" | "identity-store-ldap" => AssetType::IdentityProvider,
        "load-balancer" | "reverse-proxy" | "waf" | "gateway" | "ids" | "ips" => AssetType::Gateway,
        "vault" | "hsm" => AssetType::SecretStore,
        "batch-processing" | "scheduler" | "task" => AssetType::BatchJob,
        "build-pipeline"
        | "sourcecode-repository"
        | "artifact-registry"
        | "code-inspection-platform" => AssetType::CiCd,
        "monitoring" | "report-engine" => AssetType::Monitoring,
        "browser" => AssetType::Browser,
        "desktop" | "mobile-app" | "devops-client" | "iot-device" | "cli" => AssetType::Client,
        "container-platform" => AssetType::ContainerPlatform,
        _ if kind == "datastore" => AssetType::Database,
        _ if kind == "external-entity" => AssetType::ExternalService,
        _ => AssetType::Other,
    }
}

fn encrypted(protocol: &str) -> Encryption {
    let p = protocol.to_ascii_lowercase();
    if p == "https"
        || p == "wss"
        || p.ends_with("-encrypted")
        || matches!(
            p.as_str(),
            "ssh" | "ssh-tunnel" | "sftp" | "ftps" | "ldaps" | "scp"
        )
    {
        Encryption::Tls
    } else if p == "in-process-library-call"
        || p == "local-file-access"
        || p == "container-spawning"
    {
        // Not a network flow: nothing to sniff.
        Encryption::EndToEnd
    } else {
        Encryption::None
    }
}

fn authn(w: Option<&str>) -> Authentication {
    match w.unwrap_or("none") {
        "credentials" => Authentication::Credentials,
        "session-id" => Authentication::Session,
        "token" | "externalized" => Authentication::Token,
        "client-certificate" => Authentication::ClientCertificate,
        "two-factor" => Authentication::TwoFactor,
        _ => Authentication::None,
    }
}

fn authz(w: Option<&str>) -> Authorization {
    match w.unwrap_or("none") {
        "technical-user" => Authorization::TechnicalUser,
        "enduser-identity-propagation" | "end-user-identity-propagation" => Authorization::EndUser,
        _ => Authorization::None,
    }
}

fn boundary_type(w: &str) -> BoundaryType {
    match w {
        "network-cloud-provider" => BoundaryType::CloudAccount,
        "execution-environment" => BoundaryType::Container,
        _ => BoundaryType::Network,
    }
}

/// Converts a Threagile model.
pub fn convert(text: &str) -> Result<Imported, ImportError> {
    let doc = crate::yaml::parse(text)
        .map_err(|e| ImportError(format!("{}: {}", e.at, e.message)))?
        .value;
    if !doc.is_object() || doc.get("technical_assets").is_none() {
        return Err(ImportError(
            "not a Threagile model: it has no `technical_assets` mapping".into(),
        ));
    }
    let mut out = Imported::default();
    let m = &mut out.model;
    m.title = s(&doc, "title").map(str::to_owned);
    m.description = Some(format!(
        "Imported from Threagile{}",
        s(&doc, "threagile_version")
            .map(|v| format!(" {v}"))
            .unwrap_or_default()
    ));
    let mut taken: HashSet<String> = HashSet::new();
    let id_of = |name: &str, v: &Value, taken: &mut HashSet<String>| -> String {
        match s(v, "id") {
            Some(id) if crate::load::valid_id(id) && taken.insert(id.to_owned()) => id.to_owned(),
            _ => super::slug(name, "element", taken),
        }
    };
    for (name, v) in entries(&doc, "data_assets") {
        let id = id_of(&name, &v, &mut taken);
        let (classification, conf) = confidentiality(s(&v, "confidentiality"));
        m.data_assets.push(DataAsset {
            id,
            name: Some(name),
            description: s(&v, "description").map(str::to_owned),
            classification,
            confidentiality: conf,
            integrity: criticality(s(&v, "integrity")),
            availability: criticality(s(&v, "availability")),
            personal: ids(&v, "tags")
                .iter()
                .any(|t| t.contains("pii") || t.contains("gdpr")),
            attributes: BTreeMap::new(),
        });
    }
    let mut flows = Vec::new();
    let mut flow_ids: HashSet<String> = HashSet::new();
    for (name, v) in entries(&doc, "technical_assets") {
        let id = id_of(&name, &v, &mut taken);
        let kind = s(&v, "type").unwrap_or("process");
        let technology = s(&v, "technology").unwrap_or("unknown-technology");
        let external = kind == "external-entity";
        let mut attributes = BTreeMap::new();
        if b(&v, "used_as_client_by_human") {
            attributes.insert("used_as_client_by_human".into(), Value::Bool(true));
        }
        if let Some(machine) = s(&v, "machine") {
            attributes.insert("machine".into(), Value::String(machine.into()));
        }
        m.technical_assets.push(TechnicalAsset {
            id: id.clone(),
            name: Some(name.clone()),
            description: s(&v, "description").map(str::to_owned),
            kind: asset_type(technology, kind),
            technologies: vec![technology.to_owned()],
            internet_facing: b(&v, "internet"),
            trust_level: if external {
                TrustLevel::Low
            } else {
                TrustLevel::Medium
            },
            processes: ids(&v, "data_assets_processed"),
            stores: ids(&v, "data_assets_stored"),
            owner: s(&v, "owner").map(str::to_owned),
            custom_developed: b(&v, "custom_developed_parts"),
            encrypted_at_rest: s(&v, "encryption").is_some_and(|e| e != "none"),
            multi_tenant: b(&v, "multi_tenant"),
            out_of_scope: b(&v, "out_of_scope"),
            attributes,
        });
        for (lname, l) in entries(&v, "communication_links") {
            let fid = super::slug(&format!("{id}-{lname}"), "flow", &mut flow_ids);
            let protocol = s(&l, "protocol").unwrap_or("unknown").to_owned();
            let mut attributes = BTreeMap::new();
            if b(&l, "readonly") {
                attributes.insert("readonly".into(), Value::Bool(true));
            }
            if b(&l, "ip_filtered") {
                attributes.insert("ip_filtered".into(), Value::Bool(true));
            }
            flows.push(DataFlow {
                id: fid,
                name: Some(lname),
                description: s(&l, "description").map(str::to_owned),
                source: id.clone(),
                target: s(&l, "target").unwrap_or_default().to_owned(),
                encryption: encrypted(&protocol),
                protocol,
                authentication: authn(s(&l, "authentication")),
                authorization: authz(s(&l, "authorization")),
                sends: ids(&l, "data_assets_sent"),
                receives: ids(&l, "data_assets_received"),
                vpn: b(&l, "vpn"),
                attributes,
            });
        }
    }
    // Flow ids live in the same namespace as the other elements.
    for f in &mut flows {
        if taken.contains(&f.id) {
            f.id = super::slug(&format!("flow-{}", f.id), "flow", &mut taken);
        } else {
            taken.insert(f.id.clone());
        }
    }
    m.data_flows = flows;
    for (name, v) in entries(&doc, "trust_boundaries") {
        let id = id_of(&name, &v, &mut taken);
        let ty = s(&v, "type").unwrap_or("network-on-prem");
        m.trust_boundaries.push(TrustBoundary {
            id,
            name: Some(name),
            description: s(&v, "description").map(str::to_owned),
            kind: boundary_type(ty),
            assets: ids(&v, "technical_assets_inside"),
            boundaries: ids(&v, "trust_boundaries_nested"),
            attributes: BTreeMap::from([(
                "threagile_type".to_owned(),
                Value::String(ty.to_owned()),
            )]),
        });
    }
    out.notes.push("Threagile has no actors: its human-used clients stay technical assets (attribute used_as_client_by_human)".into());
    out.notes
        .push("trust levels are guessed: external entities low, everything else medium".into());
    for key in [
        "shared_runtimes",
        "individual_risk_categories",
        "risk_tracking",
        "abuse_cases",
        "security_requirements",
        "questions",
    ] {
        if doc.get(key).is_some_and(|v| !v.is_null()) {
            out.notes.push(format!("`{key}` is not converted"));
        }
    }
    Ok(out)
}
