//! The commented `sef.toml` that `sef init` writes.

use sef_model::OfferingKind;

/// Renders a new, commented security plan for an offering called `name`.
/// The result always parses as a valid plan.
pub fn template(name: &str, kind: OfferingKind) -> String {
    let quoted = toml::Value::String(name.to_owned()).to_string();
    format!(
        r#"# sef security plan — the IBM Secure Engineering Framework, as code.
#
# This file lives in the offering's repository and is versioned with the
# code. `sef assess` reads it; unknown keys and bad values are errors.
# Reference: docs/plan.md

[offering]
# The offering's name, unique within your sef store.
name = {quoted}
# The team that owns the offering (optional).
# owner_team = "my-team"
# The business unit it belongs to (optional; portfolio KPI roll-ups).
# business_unit = "my-unit"
# The peer group its KPIs are compared with (optional; without one, every
# other offering in the store).
# peer_group = "payments"
# One of: product, component, service, library, application.
kind = "{kind}"

[release]
# The release being assessed.
version = "0.1.0"
# The phase the release is in: concept, plan, develop, qualify, launch or
# lifecycle. Each phase ends at a checkpoint that sef evaluates.
phase = "develop"

# Analyzers gather evidence. Each can be switched off with `enabled = false`.
[analyzers.repo-facts]
# Git HEAD, branch and dirty state; files and lines of code per language;
# SECURITY.md, LICENSE, CODEOWNERS, CI and dependency-update configuration.
enabled = true
# Files larger than this are counted but their lines are not.
max_file_bytes = 8388608
# Also walk files that .gitignore excludes.
include_ignored = false

[analyzers.inventory]
# Components from every lockfile, manifest and SBOM in the repository.
enabled = true
# Also read lockfiles under node_modules, vendor, target and virtualenvs.
scan_vendored = false
# Also walk files that .gitignore excludes.
include_ignored = false
# Lockfiles larger than this are skipped, with a diagnostic.
max_file_bytes = 268435456
# Paths (.gitignore syntax) whose lockfiles are not what the offering ships:
# their components are counted as excluded, never findings or SBOM entries.
exclude = ["examples/", "example/", "testdata/", "test/fixtures/", "tests/fixtures/", "docs/"]

[analyzers.vulnerabilities]
# Every component tested against the local OSV database
# (`sef db update`, `--advisory-db`).
enabled = true
# A database older than this many days makes the evidence partial.
max_age_days = 7

# Accepted risks: each names an advisory (or rule) id, why, who accepted it
# and until when. Past that date the finding is open again.
# [[risk_acceptances]]
# id = "RUSTSEC-2021-0001"        # or an alias such as CVE-2020-26297
# package = "mdbook"              # optional: only this package
# justification = "not reachable: we never render untrusted Markdown"
# approver = "Jane Doe <jane.doe@example.com>"
# expires = 2027-03-31

# ---------------------------------------------------------------------------
# The security plan (docs/security-plan.md). Each section can live here or in
# its own file under security/ (security/pti.toml, security/checklist.toml,
# security/requirements.toml, security/documentation.toml, security/team.toml),
# never both. `sef plan` shows what is still unanswered.
# ---------------------------------------------------------------------------

# Predictive Threat Index (docs/pti.md): twelve answers give an index of
# 0-100 and a tier of 1-4 that selects requirements and documentation.
# [pti]
# data_classification = "confidential"  # public, internal, confidential, restricted
# personal_data = true
# credential_data = false
# payment_data = false
# health_data = false
# exposure = "internet"                 # internal, partner, internet
# anonymous_access = false
# multi_tenant = true
# privileged = false
# deployment = "saas"                   # on-premises, desktop, library, embedded, saas
# criticality = "high"                  # low, medium, high, mission-critical
# user_scale = "large"                  # small, medium, large, very-large

# The SEF's seven planning questions: people-and-skills, risk-assessment,
# security-features, test-plan, threat-information, schedule,
# documentation-plan. Answers: yes, partial, no, not-applicable.
# [checklist.risk-assessment]
# answer = "yes"
# note = "architecture review held 2026-09-20"
# evidence = ["docs/architecture.md"]

# Requirements come from sef's catalog by PTI tier (`sef requirements`);
# record status and what verifies each.
# [requirements]
# junit = ["test-results"]              # JUnit XML files or directories
# [[requirements.requirement]]
# id = "SEF-AUTH-001"
# status = "verified"                   # planned, implemented, verified, not-applicable
# verify = {{ test = "auth::locks_out_after_five_failures" }}

# Security documentation per SEF role, mapped to files (`path#Heading` for one section).
# [[documentation.topic]]
# id = "deployment"
# files = ["docs/deployment.md#Security settings"]

# The team, its roles and training records.
# [[team.member]]
# id = "ana"
# roles = ["architect", "pdt-leader"]
# [[team.completion]]
# member = "ana"
# course = "threat-modeling"
# date = 2026-01-11

# Key performance objectives for this release (docs/kpis.md): KPI id =
# target. Higher-is-better KPIs take a minimum, lower-is-better a maximum;
# KPIs not listed get the defaults of the PTI tier.
# [kpo]
# "integrity.known-vulnerability-testing" = 100
# "post-release.cve-review-interval" = 7

# How the phase gates are decided (docs/checkpoints.md).
# [checkpoints]
# strict = false                       # true: a criterion not measured fails the gate
# disabled = ["qualify.packages-signed"]
# block_severity = "high"
# dev_block_severity = "critical"      # for development-only components
# unknown_severity = "high"            # what an unrated advisory counts as (default: blocks)

# Who handles security incidents: required to leave the launch phase.
# [incident_response]
# contact = "psirt@example.com"
# process = "docs/incident-response.md"

# Penetration tests and dynamic scans (docs/pentest.md): the scope a test of
# this release must cover; records live in security/tests/ (sef pentest add).
# [resilience]
# scope = ["endpoint:https://shop.example.com/", "component:api", "asset:customer-db"]
# max_age_days = 365                   # a completed test counts for qualify this long
# retest_severity = "high"             # findings at or above must be retested

# Threat modeling as code (docs/threat-model.md): the model lives in
# security/threat-model/*.yaml (sef threat check; sef threat import ...).
# [threat_model]
# review_max_days = 365                # an architect's review counts this long
# high_from = "high"                   # risks from here must be tracked
# rules = ["security/threat-rules.yaml"]  # your own rules beside the built-in ones

"#,
        kind = kind.as_str()
    )
}
