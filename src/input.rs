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

use crate::cli::{ConflictPolicy, InitArgs};
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
            "{e}: the keys are provider, table, existing, owner-column, insforge-url, anon-key and on-conflict"
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

/// Fill every answer the command line left unset from `input`, checked as the flag is.
pub fn apply(args: &mut InitArgs, input: Input) -> Result<()> {
    if args.provider.is_none() {
        if let Some(p) = input.provider {
            let found = crate::provider::by_id(&p).ok_or_else(|| {
                invalid(format!(
                    "\"provider\": \"{p}\" is not one of {}",
                    crate::provider::ids()
                ))
            })?;
            args.provider = Some(found.id.clone());
        }
    }
    if args.tables.is_empty() {
        match input.table {
            Some(Tables::One(t)) => args.tables = vec![t],
            Some(Tables::Many(ts)) => args.tables = ts,
            None => {}
        }
    }
    args.existing |= input.existing.unwrap_or(false);
    if args.owner_column.is_none() {
        args.owner_column = input.owner_column;
    }
    if args.insforge_url.is_none() {
        args.insforge_url = input.insforge_url;
    }
    if args.anon_key.is_none() {
        args.anon_key = input.anon_key;
    }
    if args.on_conflict.is_none() {
        if let Some(p) = input.on_conflict {
            let policy = ConflictPolicy::from_str(&p, true).map_err(|_| {
                invalid(format!(
                    "\"on-conflict\": \"{p}\" is not one of ask, skip, overwrite, fail"
                ))
            })?;
            args.on_conflict = Some(policy);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn args(argv: &[&str]) -> InitArgs {
        let mut all = vec!["insforge-integrate", "init"];
        all.extend_from_slice(argv);
        match crate::cli::Cli::try_parse_from(all).unwrap().command {
            Some(crate::cli::Command::Init(a)) => a,
            other => panic!("{other:?}"),
        }
    }

    /// (flags, JSON, what the run gets): a flag wins over the same answer in the JSON; the
    /// JSON fills what the flags leave unset.
    #[test]
    fn json_answers_fill_what_flags_leave_and_flags_win() {
        type Want = (
            Option<&'static str>,
            Vec<&'static str>,
            bool,
            Option<&'static str>,
            Option<ConflictPolicy>,
        );
        let table: Vec<(&[&str], &str, Want)> = vec![
            (
                &[],
                r#"{"provider": "clerk"}"#,
                (Some("clerk"), vec![], false, None, None),
            ),
            (
                &["--provider", "auth0"],
                r#"{"provider": "clerk"}"#,
                (Some("auth0"), vec![], false, None, None),
            ),
            (
                &[],
                r#"{"provider": "Clerk"}"#,
                (Some("clerk"), vec![], false, None, None),
            ),
            (
                &[],
                r#"{"table": "todos"}"#,
                (None, vec!["todos"], false, None, None),
            ),
            (
                &[],
                r#"{"tables": ["a", "b"]}"#,
                (None, vec!["a", "b"], false, None, None),
            ),
            (
                &["--table", "x"],
                r#"{"table": ["a", "b"]}"#,
                (None, vec!["x"], false, None, None),
            ),
            (
                &[],
                r#"{"existing": true, "owner-column": "owner_id"}"#,
                (None, vec![], true, Some("owner_id"), None),
            ),
            (
                &["--owner-column", "uid"],
                r#"{"owner_column": "owner_id"}"#,
                (None, vec![], false, Some("uid"), None),
            ),
            (
                &["--existing"],
                r#"{"existing": false}"#,
                (None, vec![], true, None, None),
            ),
            (
                &[],
                r#"{"on-conflict": "skip"}"#,
                (None, vec![], false, None, Some(ConflictPolicy::Skip)),
            ),
            (
                &["--on-conflict", "fail"],
                r#"{"on_conflict": "overwrite"}"#,
                (None, vec![], false, None, Some(ConflictPolicy::Fail)),
            ),
        ];
        for (flags, json, want) in table {
            let mut a = args(flags);
            apply(&mut a, parse(json).unwrap()).unwrap();
            let got = (
                a.provider.as_deref(),
                a.tables.iter().map(String::as_str).collect::<Vec<_>>(),
                a.existing,
                a.owner_column.as_deref(),
                a.on_conflict,
            );
            assert_eq!(got, want, "{flags:?} {json}");
        }
        let mut a = args(&["--insforge-url", "https://flag.insforge.app"]);
        let json = r#"{"insforge-url": "https://json.insforge.app", "anon-key": "k"}"#;
        apply(&mut a, parse(json).unwrap()).unwrap();
        assert_eq!(a.insforge_url.as_deref(), Some("https://flag.insforge.app"));
        assert_eq!(a.anon_key.as_deref(), Some("k"));
    }

    #[test]
    fn bad_answers_are_refused_as_the_flags_would_be() {
        let refused = [
            (r#"{"provider": "okta"}"#, "is not one of"),
            (
                r#"{"on-conflict": "maybe"}"#,
                "is not one of ask, skip, overwrite, fail",
            ),
            (r#"{"jwt-secret": "x"}"#, "secrets are never taken as data"),
            (
                r#"{"INSFORGE_JWT_SECRET": "x"}"#,
                "secrets are never taken as data",
            ),
            (r#"{"tabel": "todos"}"#, "unknown field"),
            (r#"{"existing": "yes"}"#, "invalid type"),
            (r#"["clerk"]"#, "must be a JSON object"),
            ("{", "not valid JSON"),
        ];
        for (json, needle) in refused {
            let e = parse(json)
                .and_then(|input| apply(&mut args(&[]), input))
                .unwrap_err()
                .to_string();
            assert!(
                e.contains(needle) && e.starts_with("--input-json"),
                "{json}: {e}"
            );
        }
    }
}
