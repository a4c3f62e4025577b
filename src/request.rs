//! One resolved request: the command line (clap's types in [`crate::cli`]), the answers of
//! `--input-json`, the secret from standard input or the environment, and whether a person
//! is there to ask, turned once into what every later stage reads. Nothing after this reads
//! `cli` argument structs: the pipeline and the commands take a [`Request`].

use std::path::PathBuf;

use anyhow::Result;

use crate::cli::{self, ConflictPolicy, Format};

/// The command a request runs (`skill` and `--version` never get this far).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Init,
    /// `update`: the answers the last `init` saved, with the user's edits of the tool's files
    /// merged instead of asked about.
    Update,
    /// `check`: the saved answers, compared with the app; `strict` counts edited and kept files
    /// as drift; `format` says how to report.
    Check {
        strict: bool,
        format: Format,
    },
    Detect,
    /// `verify`: the saved answers, proven against the linked project; `write` adds the
    /// insert-and-delete check.
    Verify {
        write: bool,
    },
}

/// What the run may do to the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writes {
    /// Write the plan (after confirmation at a terminal).
    Apply,
    /// `--dry-run`: show the plan, write nothing.
    DryRun,
    /// `init --check`: write nothing; exit 1 when anything would change.
    Check,
    /// `check` and `detect`: read only, by nature.
    Never,
}

/// The answers the command line (and `--input-json`) gave. Everything here is optional:
/// `resolve` folds in the answers file, detection, prompts and defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Given {
    pub provider: Option<String>,
    pub tables: Vec<String>,
    pub existing: bool,
    pub owner_column: Option<String>,
    pub insforge_url: Option<String>,
    pub anon_key: Option<String>,
    pub on_conflict: Option<ConflictPolicy>,
    /// `--auth0-token`: how the provider's token is made (its variant).
    pub token: Option<String>,
    /// The provider the token flag named (`auth0`), for messages.
    pub token_provider: Option<String>,
    /// `--yes`: detected and default answers are accepted without asking.
    pub yes: bool,
}

/// Values that arrive outside clap: the secret from stdin or the environment.
#[derive(Debug, Clone, Default)]
pub struct Secrets {
    pub jwt_secret_stdin: Option<String>,
    pub jwt_secret_env: Option<String>,
}

/// Where the run is: what the terminal and the environment say.
#[derive(Debug, Clone, Copy, Default)]
pub struct Surroundings {
    /// Standard input and standard error are terminals.
    pub terminal: bool,
    /// `CI` is set (and not `false`/`0`).
    pub ci: bool,
}

#[derive(Debug, Clone)]
pub struct Request {
    /// The app's folder.
    pub root: PathBuf,
    pub command: Command,
    pub writes: Writes,
    /// Prompts are allowed: a terminal, no `--yes`, not CI (never for `check` and `detect`).
    pub interactive: bool,
    /// The document goes to standard output as JSON; the human output goes nowhere.
    pub json: bool,
    pub given: Given,
    pub secrets: Secrets,
    /// `--setup`: after the files are written, do the remote steps with the linked project.
    pub setup: bool,
    /// With `--setup`: install the added dependencies (not `--no-install`).
    pub install: bool,
    /// What is still to be read from outside the command line.
    outside: Outside,
}

/// `--jwt-secret-stdin` and `--input-json`, until [`Request::read_outside`] reads them.
#[derive(Debug, Clone, Default)]
struct Outside {
    stdin_secret: bool,
    input: Option<PathBuf>,
}

impl Request {
    /// The request a parsed command makes (none for `skill`, which needs none). What comes
    /// from outside the command line is read next, by [`Request::read_outside`].
    pub fn new(command: cli::Command, around: Surroundings) -> Option<Self> {
        let setup = matches!(&command, cli::Command::Init(a) if a.setup);
        let install = matches!(&command, cli::Command::Init(a) if a.setup && !a.no_install);
        let (root, command, writes, json, given, stdin_secret, input) = match command {
            cli::Command::Init(a) => {
                let writes = match (a.dry_run, a.check) {
                    (_, true) => Writes::Check,
                    (true, _) => Writes::DryRun,
                    _ => Writes::Apply,
                };
                let given = Given {
                    provider: a.provider,
                    tables: a.tables,
                    existing: a.existing,
                    owner_column: a.owner_column,
                    insforge_url: a.insforge_url,
                    anon_key: a.anon_key,
                    on_conflict: a.on_conflict,
                    token: a.auth0_token.clone().or(a.clerk_token.clone()),
                    token_provider: match (&a.auth0_token, &a.clerk_token) {
                        (Some(_), _) => Some("auth0".to_string()),
                        (None, Some(_)) => Some("clerk".to_string()),
                        _ => None,
                    },
                    yes: a.yes,
                };
                let input = a.input_json;
                let stdin = a.jwt_secret_stdin;
                (a.path, Command::Init, writes, a.json, given, stdin, input)
            }
            cli::Command::Update(a) => {
                let writes = if a.dry_run {
                    Writes::DryRun
                } else {
                    Writes::Apply
                };
                let given = Given {
                    on_conflict: a.on_conflict,
                    yes: a.yes,
                    ..Given::default()
                };
                (a.path, Command::Update, writes, a.json, given, false, None)
            }
            cli::Command::Check(a) => {
                let format = if a.json { Format::Json } else { a.format };
                let command = Command::Check {
                    strict: a.strict,
                    format,
                };
                let json = format == Format::Json;
                let given = Given::default();
                (a.path, command, Writes::Never, json, given, false, None)
            }
            cli::Command::Detect(a) => {
                let given = Given::default();
                let (path, json) = (a.path, a.json);
                (
                    path,
                    Command::Detect,
                    Writes::Never,
                    json,
                    given,
                    false,
                    None,
                )
            }
            cli::Command::Verify(a) => {
                let command = Command::Verify { write: a.write };
                let given = Given::default();
                (a.path, command, Writes::Never, a.json, given, false, None)
            }
            cli::Command::Skill | cli::Command::Completions { .. } | cli::Command::Man => {
                return None
            }
        };
        // `check` and `detect` never ask: they only read.
        let asks = matches!(command, Command::Init | Command::Update);
        let interactive = asks && around.terminal && !around.ci && !given.yes;
        Some(Self {
            root,
            command,
            writes,
            interactive,
            json,
            given,
            secrets: Secrets::default(),
            setup,
            install,
            outside: Outside {
                stdin_secret,
                input,
            },
        })
    }

    /// Read what the command line points at: the secret, by `secrets` (told whether
    /// `--jwt-secret-stdin` was given; asked only by the commands that write `.env.local`,
    /// `init` and `update`), then `--input-json`'s answers, filled in under the flags'.
    pub fn read_outside(&mut self, secrets: impl FnOnce(bool) -> Result<Secrets>) -> Result<()> {
        let Outside {
            stdin_secret,
            input,
        } = std::mem::take(&mut self.outside);
        if matches!(self.command, Command::Init | Command::Update) {
            self.secrets = secrets(stdin_secret)?;
        }
        if let Some(path) = input {
            self.given.fill(crate::input::read(&path, stdin_secret)?)?;
        }
        Ok(())
    }

    /// The run writes nothing (a dry run, `init --check`, `check`, `detect`).
    pub fn read_only(&self) -> bool {
        self.writes != Writes::Apply
    }

    /// The `.env.local` values (URL, anon key, secret) may be asked for: `init` at a terminal
    /// (`update` leaves them as they are).
    pub fn asks_values(&self) -> bool {
        self.interactive && self.command == Command::Init
    }

    /// The answers come from the answers file an `init` saved (`check`, `update`): without one
    /// the run stops, saying to run `init` first.
    pub fn saved_only(&self) -> bool {
        matches!(
            self.command,
            Command::Update | Command::Check { .. } | Command::Verify { .. }
        )
    }
}

impl Given {
    /// Fill every answer the command line left unset from `input`, checked as the flag is.
    pub fn fill(&mut self, input: crate::input::Input) -> Result<()> {
        let input = input.checked()?;
        if self.provider.is_none() {
            self.provider = input.provider;
        }
        if self.tables.is_empty() {
            self.tables = input.tables;
        }
        self.existing |= input.existing;
        if self.owner_column.is_none() {
            self.owner_column = input.owner_column;
        }
        if self.insforge_url.is_none() {
            self.insforge_url = input.insforge_url;
        }
        if self.anon_key.is_none() {
            self.anon_key = input.anon_key;
        }
        if self.on_conflict.is_none() {
            self.on_conflict = input.on_conflict;
        }
        if self.token.is_none() {
            if let Some(t) = input.auth0_token {
                self.token = Some(t);
                self.token_provider = Some("auth0".into());
            } else if let Some(t) = input.clerk_token {
                self.token = Some(t);
                self.token_provider = Some("clerk".into());
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn request(argv: &[&str], around: Surroundings) -> Request {
        let mut all = vec!["insforge-integrate"];
        all.extend_from_slice(argv);
        let cli = crate::cli::Cli::try_parse_from(all).unwrap();
        let mut r = Request::new(cli.command.unwrap(), around).unwrap();
        r.read_outside(|_| Ok(Secrets::default())).unwrap();
        r
    }

    #[test]
    fn one_request_per_command_line() {
        let tty = Surroundings {
            terminal: true,
            ci: false,
        };
        let r = request(&["init", "app", "--dry-run", "--table", "todos"], tty);
        assert_eq!(r.root, PathBuf::from("app"));
        assert_eq!((r.command, r.writes), (Command::Init, Writes::DryRun));
        assert!(r.interactive && r.asks_values() && !r.saved_only());
        assert_eq!(r.given.tables, ["todos"]);
        // --yes, CI, and no terminal each take the prompts away.
        assert!(!request(&["init", "--yes"], tty).interactive);
        let ci = Surroundings { ci: true, ..tty };
        assert!(!request(&["init"], ci).interactive);
        assert!(!request(&["init"], Surroundings::default()).interactive);
        // update asks at a terminal, but never for the .env.local values.
        let u = request(&["update", "--on-conflict", "skip"], tty);
        assert!(u.interactive && !u.asks_values() && u.saved_only());
        assert_eq!(u.given.on_conflict, Some(ConflictPolicy::Skip));
        // check never asks, never writes, and --json is its --format json.
        let c = request(&["check", "--json", "--strict"], tty);
        assert_eq!(
            c.command,
            Command::Check {
                strict: true,
                format: Format::Json
            }
        );
        assert!(c.json && !c.interactive && c.read_only() && c.saved_only());
        let d = request(&["detect", "--json"], tty);
        assert!(d.json && !d.interactive && d.read_only());
    }

    #[test]
    fn the_secret_is_read_by_the_commands_that_write_env_files() {
        let of = |argv: &[&str]| {
            let cli = crate::cli::Cli::try_parse_from(argv).unwrap();
            Request::new(cli.command.unwrap(), Surroundings::default()).unwrap()
        };
        for argv in [&["x", "check"][..], &["x", "detect"]] {
            of(argv)
                .read_outside(|_| panic!("{argv:?} reads no secret"))
                .unwrap();
        }
        let mut r = of(&["x", "init", "--jwt-secret-stdin"]);
        r.read_outside(|stdin| {
            assert!(stdin);
            Ok(Secrets {
                jwt_secret_stdin: Some("s".into()),
                jwt_secret_env: None,
            })
        })
        .unwrap();
        assert_eq!(r.secrets.jwt_secret_stdin.as_deref(), Some("s"));
        let mut r = of(&["x", "update"]);
        r.read_outside(|stdin| {
            assert!(!stdin);
            Ok(Secrets::default())
        })
        .unwrap();
    }

    fn given(argv: &[&str]) -> Given {
        let mut all = vec!["init"];
        all.extend_from_slice(argv);
        request(&all, Surroundings::default()).given
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
            let mut a = given(flags);
            a.fill(crate::input::parse(json).unwrap()).unwrap();
            let got = (
                a.provider.as_deref(),
                a.tables.iter().map(String::as_str).collect::<Vec<_>>(),
                a.existing,
                a.owner_column.as_deref(),
                a.on_conflict,
            );
            assert_eq!(got, want, "{flags:?} {json}");
        }
        let mut a = given(&["--insforge-url", "https://flag.insforge.app"]);
        let json = r#"{"insforge-url": "https://json.insforge.app", "anon-key": "k"}"#;
        a.fill(crate::input::parse(json).unwrap()).unwrap();
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
            let e = crate::input::parse(json)
                .and_then(|input| given(&[]).fill(input))
                .unwrap_err()
                .to_string();
            assert!(
                e.contains(needle) && e.starts_with("--input-json"),
                "{json}: {e}"
            );
        }
    }
}
