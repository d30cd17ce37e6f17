//! Who may do what on a shared store: the SEF roles a user is granted
//! (globally, for a team, or for one offering) and the permissions each
//! role carries. `sef serve` checks every route against these; the CLI's
//! user administration validates role names with them. Data only.

use crate::names::named_enum;

named_enum! {
    /// A role of the Secure Engineering Framework, granted on a shared store
    /// and held in a team file.
    pub enum TeamRole {
        /// Administers the service: users, teams, offerings, tokens.
        Admin => "admin",
        /// Security architecture board: sets policy, reviews threat models,
        /// accepts risks.
        Architect => "architect",
        /// Leads the product development team; decides checkpoints and
        /// overrides a failed gate.
        PdtLeader => "pdt-leader",
        /// Runs the development team and its process.
        DevelopmentManager => "development-manager",
        /// Writes the code; uploads runs, triages findings.
        Developer => "developer",
        /// Quality assurance and testing; uploads runs, triages findings.
        Qa => "qa",
        /// Product security incident response: reads across the portfolio,
        /// triages.
        Psirt => "psirt",
        /// Reads everything, the audit trail included; changes nothing.
        Auditor => "auditor",
        /// Manages suppliers and third-party components; reads.
        SupplierManager => "supplier-manager",
    }
}

/// The roles, as the server calls them.
pub use TeamRole as Role;

named_enum! {
    /// One thing a route may require.
    pub enum Permission {
        /// Read offerings, runs, evidence, findings, KPIs, gates, decisions, plans.
        Read => "read",
        /// Upload an assessment run.
        UploadRun => "upload-run",
        /// Triage a finding as confirmed or a false positive.
        Triage => "triage",
        /// Accept a risk (triage as accepted).
        AcceptRisk => "accept-risk",
        /// Record a checkpoint decision whose gate passed.
        DecidePhase => "decide-phase",
        /// Override a failed gate.
        OverrideGate => "override-gate",
        /// Read the audit trail.
        ReadAudit => "read-audit",
        /// Create offerings and assign them to teams.
        ManageOfferings => "manage-offerings",
        /// Create users and grant roles.
        ManageUsers => "manage-users",
        /// Publish the organisation's policy (the architecture board).
        SetPolicy => "set-policy",
        /// Run the service: see and retry background jobs, re-index the
        /// portfolio, send a test notification.
        OperateService => "operate-service",
    }
}

impl Role {
    /// The permissions the role carries.
    pub fn permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Role::Admin => Permission::ALL,
            Role::Architect => &[Read, Triage, AcceptRisk, ReadAudit, SetPolicy],
            Role::PdtLeader => &[Read, Triage, AcceptRisk, DecidePhase, OverrideGate],
            Role::DevelopmentManager => &[Read, UploadRun, Triage, DecidePhase],
            Role::Developer | Role::Qa => &[Read, UploadRun, Triage],
            Role::Psirt => &[Read, Triage],
            Role::Auditor => &[Read, ReadAudit],
            Role::SupplierManager => &[Read],
        }
    }

    /// Whether the role carries `p`.
    pub fn allows(self, p: Permission) -> bool {
        self.permissions().contains(&p)
    }
}

/// Where a grant applies.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", content = "name", rename_all = "lowercase")]
pub enum GrantScope {
    /// Every offering of every team.
    Global,
    /// Every offering of one team.
    Team(String),
    /// One offering.
    Offering(String),
}

impl GrantScope {
    /// `global`, `team`, `offering`.
    pub fn kind(&self) -> &'static str {
        match self {
            GrantScope::Global => "global",
            GrantScope::Team(_) => "team",
            GrantScope::Offering(_) => "offering",
        }
    }

    /// The team or offering named, empty for global.
    pub fn name(&self) -> &str {
        match self {
            GrantScope::Global => "",
            GrantScope::Team(n) | GrantScope::Offering(n) => n,
        }
    }

    /// Rebuilds a scope from its stored kind and name.
    pub fn from_parts(kind: &str, name: &str) -> Option<GrantScope> {
        match kind {
            "global" => Some(GrantScope::Global),
            "team" => Some(GrantScope::Team(name.to_owned())),
            "offering" => Some(GrantScope::Offering(name.to_owned())),
            _ => None,
        }
    }

    /// Whether the scope covers an offering of `team`.
    pub fn covers(&self, offering: &str, team: Option<&str>) -> bool {
        match self {
            GrantScope::Global => true,
            GrantScope::Team(t) => team == Some(t.as_str()),
            GrantScope::Offering(o) => o == offering,
        }
    }
}

impl std::fmt::Display for GrantScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GrantScope::Global => f.write_str("global"),
            GrantScope::Team(t) => write!(f, "team:{t}"),
            GrantScope::Offering(o) => write!(f, "offering:{o}"),
        }
    }
}

impl std::str::FromStr for GrantScope {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("`{s}`: a scope is `global`, `team:NAME` or `offering:NAME`");
        if s == "global" {
            return Ok(GrantScope::Global);
        }
        let (kind, name) = s.split_once(':').ok_or_else(bad)?;
        if name.is_empty() {
            return Err(bad());
        }
        GrantScope::from_parts(kind, name)
            .filter(|g| *g != GrantScope::Global)
            .ok_or_else(bad)
    }
}

/// One role granted to a user.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Grant {
    /// The role.
    pub role: Role,
    /// Where it applies.
    pub scope: GrantScope,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auditor_changes_nothing() {
        for p in Role::Auditor.permissions() {
            assert!(matches!(p, Permission::Read | Permission::ReadAudit));
        }
    }

    #[test]
    fn scopes_parse_and_print() {
        for s in ["global", "team:payments", "offering:shop"] {
            let g: GrantScope = s.parse().unwrap();
            assert_eq!(g.to_string(), s);
        }
        for bad in ["", "team:", "planet:x", "global:x", "offering"] {
            assert!(bad.parse::<GrantScope>().is_err(), "{bad}");
        }
    }

    #[test]
    fn team_scope_covers_only_its_team() {
        let g = GrantScope::Team("a".into());
        assert!(g.covers("x", Some("a")));
        assert!(!g.covers("x", Some("b")));
        assert!(!g.covers("x", None));
    }
}
