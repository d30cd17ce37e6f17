//! The history payload: the release range, code-review coverage, commit signatures and contributors.

use serde::{Deserialize, Serialize};

/// The signature state of one commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum SigState {
    /// Not signed.
    Unsigned,
    /// Signed and verified.
    Verified {
        /// `ssh` or `openpgp`.
        format: String,
        /// The allowed signer's principal, or gpg's user id.
        signer: String,
    },
    /// Signed, but the signature does not verify: the commit was altered or
    /// the signature forged.
    Invalid {
        /// `ssh` or `openpgp`.
        format: String,
        /// What failed.
        detail: String,
    },
    /// Signed with a key that is not among the allowed signers (or not in
    /// gpg's keyring).
    UnknownKey {
        /// `ssh` or `openpgp`.
        format: String,
        /// The key's fingerprint or id.
        key: String,
    },
    /// Signed, but sef could not check it.
    NotVerified {
        /// `ssh`, `openpgp`, `x509` or `unknown`.
        format: String,
        /// Why.
        detail: String,
    },
}

impl SigState {
    /// The state's name as stored: `unsigned`, `verified`, `invalid`,
    /// `unknown-key` or `not-verified`.
    pub fn label(&self) -> &'static str {
        match self {
            SigState::Unsigned => "unsigned",
            SigState::Verified { .. } => "verified",
            SigState::Invalid { .. } => "invalid",
            SigState::UnknownKey { .. } => "unknown-key",
            SigState::NotVerified { .. } => "not-verified",
        }
    }

    /// What failed, or the unknown key; `None` when unsigned or verified.
    pub fn detail(&self) -> Option<&str> {
        match self {
            SigState::Invalid { detail, .. } | SigState::NotVerified { detail, .. } => Some(detail),
            SigState::UnknownKey { key, .. } => Some(key),
            SigState::Unsigned | SigState::Verified { .. } => None,
        }
    }
}

/// Where the range starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Base {
    /// As given, or the tag found.
    pub label: String,
    /// How it was chosen: `given`, `previous-tag` or `date`.
    pub how: String,
    /// The commit, for a revision.
    pub commit: Option<String>,
}

/// Counts for one slice of the code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Counts {
    /// Commits that touched it.
    pub commits: usize,
    /// Of which reviewed.
    pub reviewed: usize,
    /// Of which not reviewed.
    pub not_reviewed: usize,
    /// Of which unknown.
    pub unknown: usize,
}

/// Coverage of one component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ComponentCoverage {
    /// The component's name.
    pub name: String,
    /// Its developed code.
    pub developed: Counts,
    /// Its external (vendored) code.
    pub external: Counts,
}

/// Coverage of the whole range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Coverage {
    /// Commits touching developed code.
    pub developed: Counts,
    /// Commits touching external (vendored) code.
    pub external: Counts,
    /// Per declared component.
    pub components: Vec<ComponentCoverage>,
}

/// The mined range.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct Range {
    /// Where it starts; `None` for the whole history.
    pub base: Option<Base>,
    /// Where it ends.
    pub until: String,
    /// Commits in it.
    pub commits: usize,
    /// Of which merges.
    pub merges: usize,
    /// The clone is shallow.
    pub shallow: bool,
    /// HEAD is detached.
    pub detached: bool,
    /// Cut at the commit limit.
    pub truncated: bool,
    /// The subdirectory mined, when not the whole repository.
    pub subdir: Option<String>,
}

/// One commit listed in the evidence.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct CommitRow {
    /// Its short id.
    pub commit: String,
    /// Its author's e-mail.
    pub author: String,
    /// Its subject.
    pub subject: String,
    /// Why it is listed.
    pub why: String,
}

/// What the forge client did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct ForgeUse {
    /// Requests sent.
    pub requests: usize,
    /// Answers taken from the cache.
    pub cached: usize,
}

/// Code-review coverage.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct ReviewSummary {
    /// Commits touching developed code.
    pub developed: Counts,
    /// Commits touching external (vendored) code.
    pub external: Counts,
    /// Per declared component.
    pub components: Vec<ComponentCoverage>,
    /// The path prefixes that hold external code.
    pub vendored_prefixes: Vec<String>,
    /// Commits not reviewed (capped).
    pub unreviewed: Vec<CommitRow>,
    /// Commits whose review is unknown (capped).
    pub unknown: Vec<CommitRow>,
    /// The forge's use, when configured.
    pub forge: Option<ForgeUse>,
}

/// A commit whose signature is a problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SignatureProblem {
    /// Its short id.
    pub commit: String,
    /// Its author's e-mail.
    pub author: String,
    /// The signature's state.
    pub signature: SigState,
}

/// Commit signatures.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct SignatureSummary {
    /// Commits.
    pub commits: usize,
    /// Signed and verified.
    pub verified: usize,
    /// Not signed.
    pub unsigned: usize,
    /// Signature does not verify.
    pub invalid: usize,
    /// Signed by a key not allowed.
    pub unknown_key: usize,
    /// Signed, not checked.
    pub not_verified: usize,
    /// The allowed-signers file used.
    pub allowed_signers: Option<String>,
    /// Commits with a signature problem (capped).
    pub problems: Vec<SignatureProblem>,
}

/// One contributor.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct Person {
    /// Name.
    pub name: String,
    /// E-mail, lower case.
    pub email: String,
    /// Commits in the range.
    pub commits: usize,
    /// First seen in this range; `None` when the earlier history is not known.
    pub new: Option<bool>,
    /// In the team file; `None` when the team file lists no e-mails.
    pub in_team: Option<bool>,
}

/// A contributor outside the team file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct Outsider {
    /// E-mail.
    pub email: String,
    /// Name.
    pub name: String,
    /// Commits in the range.
    pub commits: usize,
}

/// Contributors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct Contributors {
    /// Everyone who committed in the range.
    pub people: Vec<Person>,
    /// New contributors; `None` when the earlier history is not known.
    pub new: Option<Vec<String>>,
    /// Contributors outside the team file; `None` without team e-mails.
    pub outside_team: Option<Vec<Outsider>>,
    /// Whether the team file lists e-mails.
    pub team_emails_declared: bool,
}

/// Payload of `history` evidence.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default)]
pub struct History {
    /// The range.
    pub range: Range,
    /// Code review.
    pub review: ReviewSummary,
    /// Commit signatures.
    pub signatures: SignatureSummary,
    /// Contributors.
    pub contributors: Contributors,
}
