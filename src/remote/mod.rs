//! What the tool does outside the app's files, after they are written: steps against the
//! linked InsForge project ([`insforge`]). Steps are planned as data ([`Step`]) that the dry
//! run and `--json` list without contacting anything.

pub mod insforge;

use serde::Serialize;

/// One remote step, as the plan lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Step {
    /// Stable: `insforge.jwt-secret`, `insforge.anon-key`, `insforge.migration.<version>`.
    pub id: String,
    /// The calls it makes, e.g. `GET /api/secrets/JWT_SECRET`.
    pub calls: Vec<String>,
    /// The host the calls go to (the linked project's URL).
    pub host: String,
    /// What it changes.
    pub what: String,
    /// Done by this run (or found done: the migration applied already).
    pub done: bool,
}
