//! The REST handlers of `/api/v1`, and what they share: JSON bodies read
//! with the failing field's path in the error, cursor pages, and ETags.

pub mod admin;
pub mod decisions;
pub mod jobs;
pub mod offerings;
pub mod policy;
pub mod portfolio;
pub mod runs;
pub mod service;

use crate::problem::Problem;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One page of a list.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next: Option<String>,
}

/// `?cursor=&limit=`.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    /// The opaque cursor.
    pub cursor: Option<String>,
    /// The page size.
    pub limit: Option<usize>,
}

impl PageQuery {
    /// The page size, within the configured bound.
    pub fn size(&self, max: usize) -> usize {
        self.limit.unwrap_or(max).clamp(1, max)
    }
    /// The cursor's content.
    pub fn decode(&self) -> Result<Option<String>, Problem> {
        self.cursor
            .as_deref()
            .map(|c| {
                URL_SAFE_NO_PAD
                    .decode(c)
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
                    .ok_or_else(|| {
                        Problem::bad_request("`cursor` is not a cursor this API gave out")
                    })
            })
            .transpose()
    }
}

/// Makes an opaque cursor.
pub fn cursor(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(key.as_bytes())
}

/// Reads a JSON body, naming the field that failed.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, Problem> {
    let mut de = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        Problem::bad_request(format!(
            "malformed JSON body at `{path}` (line {}, column {}): {inner}",
            inner.line(),
            inner.column()
        ))
    })
}

/// A JSON body extractor whose errors are problem details.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> axum::extract::FromRequest<S> for Body<T> {
    type Rejection = Problem;
    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !json {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send JSON with Content-Type: application/json",
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| {
                Problem::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!("cannot read the body: {e}"),
                )
            })?;
        parse_json(&bytes).map(Body)
    }
}

/// Adds a strong ETag to successful GET answers and answers 304 when the
/// client already holds that version (`If-None-Match`).
pub async fn etag(req: Request, next: Next) -> Response {
    let is_get = req.method() == Method::GET;
    let if_none = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let resp = next.run(req).await;
    if !is_get || resp.status() != StatusCode::OK {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Problem::internal("cannot buffer a response").into_response();
    };
    let tag = format!("\"{}\"", &hex::encode(Sha256::digest(&bytes))[..32]);
    if if_none
        .as_deref()
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"))
    {
        let mut r = StatusCode::NOT_MODIFIED.into_response();
        if let Ok(v) = HeaderValue::from_str(&tag) {
            r.headers_mut().insert(header::ETAG, v);
        }
        return r;
    }
    if let Ok(v) = HeaderValue::from_str(&tag) {
        parts.headers.insert(header::ETAG, v);
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}
