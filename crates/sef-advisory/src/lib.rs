//! Known-vulnerability knowledge.
//!
//! This crate holds what sef needs to decide whether an installed version
//! of a package is affected by an advisory: the version ordering of each
//! ecosystem ([`version`]), OSV records ([`osv`]) and the evaluation of
//! their ranges ([`range`]) are pure logic. [`db`] reads and writes the
//! local advisory database (files only, no store); [`fetch`] is the one
//! module that talks to the network, downloading OSV exports for
//! `sef db update`.

pub mod db;
pub mod fetch;
pub mod matcher;
pub mod osv;
pub mod range;
pub mod ships;
pub mod version;
