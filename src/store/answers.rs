//! The answers file, `insforge-integrate.toml` in the app's root: the answers of the last run
//! (never secrets), so that running again — by hand or in CI — renders the same files without
//! asking or repeating flags. Flags override it; it can be edited or deleted.

use anyhow::Result;
use serde::{Deserialize, Serialize};

use crate::error::Error;

pub const FILE: &str = "insforge-integrate.toml";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Saved {
    pub provider: Option<String>,
    pub tables: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_column: Option<String>,
    /// How the provider's token is made, when it has more than one way (Auth0: `server` or
    /// `action`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// Files the user chose to keep as theirs (skipped at the prompt or with
    /// `--on-conflict skip`): later runs leave them alone. `--on-conflict overwrite`, or
    /// removing an entry, brings the tool's version back.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kept: Vec<String>,
}

/// The answers in the file's text.
pub fn parse(text: &str) -> Result<Saved> {
    toml::from_str(text).map_err(|e| {
        Error::InvalidFile {
            path: FILE.into(),
            message: format!("{}(fix it or delete the file; flags override it)", e),
        }
        .into()
    })
}

/// The file's text for these answers.
pub fn render(saved: &Saved) -> String {
    let body = toml::to_string(saved).expect("plain strings serialize");
    format!(
        "# Answers insforge-integrate used last time, so a re-run (or CI) renders the same files.\n\
         # Flags override these; edit or delete freely. Secrets are never stored here.\n{body}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let saved = Saved {
            provider: Some("clerk".into()),
            tables: Some(vec!["todos".into(), "app.notes".into()]),
            existing: Some(true),
            owner_column: Some("owner_id".into()),
            token: Some("action".into()),
            kept: vec!["lib/insforge.ts".into()],
        };
        assert_eq!(toml::from_str::<Saved>(&render(&saved)).unwrap(), saved);
    }
}
