//! Threat modeling as code: the SEF's risk assessment and threat modeling
//! kept in the repository (docs/threat-model.md).
//!
//! * [`model`]: the YAML model's types (data assets, technical assets,
//!   actors, data flows, nested trust boundaries) and its JSON Schema.
//! * [`yaml`]: a bounded YAML reader that keeps every node's position.
//! * [`load`]: the model files merged and checked, with file:line:col errors.
//! * [`expr`] and [`attrs`]: the rule expression language and the
//!   attributes it reads.
//! * [`rules`]: rules as data, the built-in library and users' rule files.
//! * [`risk`]: rules applied to the model, the risk matrix, ranked risks.
//! * [`tracking`]: reviews and each risk's status, kept apart from the model.
//! * [`judge`]: risks and tracking judged on a day into the
//!   `threat-model` evidence payload and findings.
//! * [`diff`]: what changed between two revisions of the model.
//! * [`diagram`]: the data-flow diagram (Graphviz DOT, or a built-in SVG
//!   layout).
//! * [`import`]: Threagile and OWASP Threat Dragon models converted.
//!
//! This crate reads the text it is given; the caller reads the files.

pub mod attrs;
pub mod diagram;
pub mod diff;
pub mod emit;
pub mod expr;
pub mod import;
pub mod judge;
pub mod load;
pub mod model;
pub mod risk;
pub mod rules;
pub mod tracking;
pub mod yaml;

pub use load::{Kind, Model, ModelError, load};
pub use risk::{Matrix, Risk};
pub use rules::{Rule, RuleError};
