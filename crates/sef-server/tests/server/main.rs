//! The sef-server end-to-end tests (API, attacks, the authorization matrix,
//! OIDC), linked into one test binary to keep the build small.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod api;
mod attacks;
mod authz_matrix;
mod jobs;
mod oidc;
mod signed;
