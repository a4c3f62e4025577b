//! What the tool does after the app's files are written: steps against the linked InsForge
//! project ([`insforge`]), and secrets generated on this machine. Steps are planned as data ([`Step`]) that the dry
//! run and `--json` list without contacting anything.

pub mod clerk;
pub mod insforge;
pub mod token;

use serde::Serialize;

/// One remote step, as the plan lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Step {
    /// Stable: `insforge.jwt-secret`, `insforge.anon-key`, `insforge.migration.<version>`,
    /// `env.generate.<KEY>`.
    pub id: String,
    /// The calls it makes, e.g. `GET /api/secrets/JWT_SECRET`.
    pub calls: Vec<String>,
    /// The host the calls go to (the linked project's URL); none for a step done here (a
    /// secret generated on this machine).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// What it changes.
    pub what: String,
    /// Done by this run (or found done: the migration applied already).
    pub done: bool,
}
