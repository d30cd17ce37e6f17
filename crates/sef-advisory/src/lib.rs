//! Known-vulnerability knowledge.
//!
//! This crate holds what sef needs to decide whether an installed version
//! of a package is affected by an advisory: the version ordering of each
//! ecosystem ([`version`]), OSV records ([`osv`]) and the evaluation of
//! their ranges ([`range`]). It is pure logic: no files, no network, no
//! store.

pub mod osv;
pub mod range;
pub mod version;
