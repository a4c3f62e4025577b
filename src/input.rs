//! `--input-json FILE|-`: the answers as data, for agents and scripts. The keys are the flags'
//! names (`provider`, `table`, `existing`, `owner-column`, `insforge-url`, `anon-key`,
//! `on-conflict`; snake_case spellings are accepted too), and each value is checked as the
//! flag's would be. A flag given on the command line wins over the same answer here; this file
//! wins over the answers file and detection. Secrets are refused: they come only from the
//! environment or standard input.

use std::io::Read;
use std::path::Path;

use anyhow::Result;
use clap::ValueEnum;
use serde::Deserialize;

use crate::cli::ConflictPolicy;
use crate::error::Error;

/// At most this much JSON (16 MiB; answers are a few lines): one byte more is read, so a
/// longer input is an error that names the limit, never cut and misread.
const MAX_BYTES: u64 = 16 << 20;

#[derive(Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Input {
    pub provider: Option<String>,
    #[serde(alias = "tables")]
    pub table: Option<Tables>,
    pub existing: Option<bool>,
    #[serde(alias = "owner_column")]
    pub owner_column: Option<String>,
    #[serde(alias = "insforge_url")]
    pub insforge_url: Option<String>,
    #[serde(alias = "anon_key")]
    pub anon_key: Option<String>,
    #[serde(alias = "on_conflict")]
    pub on_conflict: Option<String>,
    #[serde(alias = "auth0_token")]
    pub auth0_token: Option<String>,
    #[serde(alias = "clerk_token")]
    pub clerk_token: Option<String>,
}

/// `"todos"` or `["todos", "notes"]`, as `--table` once or repeated.
#[derive(Debug, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Tables {
    One(String),
    Many(Vec<String>),
}

fn invalid(message: String) -> anyhow::Error {
    Error::InvalidArgument(format!("--input-json: {message}")).into()
}

/// The answers in `text`.
pub fn parse(text: &str) -> Result<Input> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| invalid(format!("not valid JSON ({e})")))?;
    let Some(object) = value.as_object() else {
        return Err(invalid(
            "must be a JSON object of answers, e.g. {\"provider\": \"clerk\", \"table\": [\"todos\"]}".into(),
        ));
    };
    for key in object.keys() {
        let k = key.to_ascii_lowercase().replace('_', "-");
        if k.contains("secret") || k.contains("password") {
            return Err(invalid(format!(
                "\"{key}\": secrets are never taken as data: set INSFORGE_JWT_SECRET in the environment, or pipe the secret to --jwt-secret-stdin"
            )));
        }
    }
    serde_json::from_value(value).map_err(|e| {
        invalid(format!(
            "{e}: the keys are provider, table, existing, owner-column, insforge-url, anon-key, on-conflict, auth0-token and clerk-token"
        ))
    })
}

/// Read `--input-json` (a file, or `-` for standard input).
pub fn read(path: &Path, stdin_taken: bool) -> Result<Input> {
    let mut bytes = Vec::new();
    if path == Path::new("-") {
        if stdin_taken {
            return Err(invalid(
                "`-` reads standard input, which --jwt-secret-stdin reads too: put the answers in a file"
                    .into(),
            ));
        }
        std::io::stdin()
            .take(MAX_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| invalid(format!("standard input cannot be read ({e})")))?;
    } else {
        let file = std::fs::File::open(path)
            .map_err(|e| invalid(format!("{} cannot be read ({e})", path.display())))?;
        file.take(MAX_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| invalid(format!("{} cannot be read ({e})", path.display())))?;
    }
    if bytes.len() as u64 > MAX_BYTES {
        return Err(invalid(format!(
            "is larger than {} MiB, the most --input-json reads: pass only the answers",
            MAX_BYTES >> 20
        )));
    }
    let text = String::from_utf8(bytes).map_err(|_| invalid("is not UTF-8 text".into()))?;
    parse(&text)
}

/// `--input-json`'s answers, each checked as its flag's value is.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Checked {
    pub provider: Option<String>,
    pub tables: Vec<String>,
    pub existing: bool,
    pub owner_column: Option<String>,
    pub insforge_url: Option<String>,
    pub anon_key: Option<String>,
    pub on_conflict: Option<ConflictPolicy>,
    pub auth0_token: Option<String>,
    pub clerk_token: Option<String>,
}

impl Input {
    /// The answers, checked as the flags are (a provider id, a conflict policy).
    pub fn checked(self) -> Result<Checked> {
        let provider = self
            .provider
            .map(|p| {
                crate::provider::by_id(&p)
                    .map(|found| found.id.clone())
                    .ok_or_else(|| {
                        invalid(format!(
                            "\"provider\": \"{p}\" is not one of {}",
                            crate::provider::ids()
                        ))
                    })
            })
            .transpose()?;
        let on_conflict = self
            .on_conflict
            .map(|p| {
                ConflictPolicy::from_str(&p, true).map_err(|_| {
                    invalid(format!(
                        "\"on-conflict\": \"{p}\" is not one of ask, skip, overwrite, fail"
                    ))
                })
            })
            .transpose()?;
        if let Some(t) = &self.auth0_token {
            if t != "server" && t != "action" {
                return Err(invalid(format!(
                    "\"auth0-token\": \"{t}\" is not one of server, action"
                )));
            }
        }
        if let Some(t) = &self.clerk_token {
            if t != "template" && t != "app" {
                return Err(invalid(format!(
                    "\"clerk-token\": \"{t}\" is not one of template, app"
                )));
            }
        }
        Ok(Checked {
            provider,
            tables: match self.table {
                Some(Tables::One(t)) => vec![t],
                Some(Tables::Many(ts)) => ts,
                None => Vec::new(),
            },
            existing: self.existing.unwrap_or(false),
            owner_column: self.owner_column,
            insforge_url: self.insforge_url,
            anon_key: self.anon_key,
            on_conflict,
            auth0_token: self.auth0_token,
            clerk_token: self.clerk_token,
        })
    }
}
