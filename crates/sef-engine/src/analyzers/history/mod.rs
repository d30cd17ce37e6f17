//! The history analyzer: sef-git mines the release range, classifies
//! review and verifies signatures; this module runs it with the plan's
//! settings (forge, allowed signers, components) and turns what was mined
//! into `history` evidence.

pub mod analyzer;

pub use sef_git::{Base, History, forge, review, signing};
