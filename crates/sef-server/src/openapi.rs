//! The OpenAPI 3.1 document, generated from the route table: each route's
//! path, method, parameters, body and answers, with JSON Schemas (draft
//! 2020-12, OpenAPI 3.1's dialect) generated from the Rust types by
//! schemars. Served at `/api/v1/openapi.json`.

use crate::routes::{self, Rule};
use axum::Json;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

/// The document.
pub fn document() -> Value {
    let mut settings = SchemaSettings::draft2020_12();
    settings.definitions_path = "/components/schemas".into();
    let mut generator = settings.into_generator();
    let problem = generator.subschema_for::<crate::Problem>();
    let mut paths: Map<String, Value> = Map::new();
    for (spec, _) in routes::table() {
        let mut params = Vec::new();
        for seg in spec.path.split('/') {
            if let Some(name) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                params.push(json!({
                    "name": name, "in": "path", "required": true, "schema": { "type": "string" }
                }));
            }
        }
        for (name, description) in spec.query {
            params.push(json!({
                "name": name, "in": "query", "required": false,
                "description": description, "schema": { "type": "string" }
            }));
        }
        let mut responses = Map::new();
        let ok = match spec.response {
            None => json!({ "description": "done" }),
            Some((media, schema)) => {
                let schema = match schema {
                    Some(f) => serde_json::to_value(f(&mut generator)).unwrap_or(json!({})),
                    None if media == "application/json" => json!({ "type": ["object", "array"] }),
                    None => json!({ "type": "string" }),
                };
                json!({ "description": "success", "content": { media: { "schema": schema } } })
            }
        };
        responses.insert(spec.status.to_string(), ok);
        let problem_ref = serde_json::to_value(&problem).unwrap_or(json!({}));
        responses.insert(
            "default".into(),
            json!({ "description": "a problem (RFC 9457)", "content": { "application/problem+json": { "schema": problem_ref } } }),
        );
        let (security, rule_text) = match spec.rule {
            Rule::Public => (json!([]), "public".to_owned()),
            Rule::Authenticated => (
                json!([{ "token": [] }, { "session": [] }]),
                "any authenticated caller".to_owned(),
            ),
            Rule::Needs(p, scope) => (
                json!([{ "token": [] }, { "session": [] }]),
                format!("needs `{p}` ({scope:?} scope)"),
            ),
        };
        let mut op = json!({
            "operationId": spec.operation,
            "summary": spec.summary,
            "description": format!("Authorization: {rule_text}."),
            "tags": [spec.tag],
            "parameters": params,
            "responses": responses,
            "security": security,
        });
        if let Some(f) = spec.request {
            let schema = serde_json::to_value(f(&mut generator)).unwrap_or(json!({}));
            op["requestBody"] = json!({
                "required": true,
                "content": { "application/json": { "schema": schema } }
            });
        }
        let entry = paths
            .entry(spec.path.to_owned())
            .or_insert_with(|| json!({}));
        entry[spec.verb.as_str()] = op;
    }
    let schemas: Map<String, Value> = generator.take_definitions(true).into_iter().collect();
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "sef",
            "version": sef_engine::SEF_VERSION,
            "summary": "IBM's Secure Engineering Framework, executable: evidence, KPIs, checkpoints and decisions across a portfolio",
            "license": { "name": "Apache-2.0", "identifier": "Apache-2.0" }
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "token": { "type": "http", "scheme": "bearer", "description": "an API token: sef_<id>_<secret>" },
                "session": { "type": "apiKey", "in": "cookie", "name": crate::auth::SESSION_COOKIE,
                    "description": "a login session; changes also send X-CSRF-Token" }
            }
        }
    })
}

/// `GET /api/v1/openapi.json`.
pub async fn serve() -> Json<Value> {
    Json(document())
}
