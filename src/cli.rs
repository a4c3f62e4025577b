//! The command line as clap sees it: raw flags only. Defaults that depend on the project, saved
//! answers and prompts are folded in later, by `resolve`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// The environment variables the tool reads, shown under every `--help`.
pub const ENVIRONMENT: &str = "Environment:
  INSFORGE_JWT_SECRET              the JWT secret for .env.local (never a flag)
  DATABASE_URL                     Better Auth: its migrate's database (--setup)
  CLERK_SECRET_KEY                 Clerk: Backend API key for the JWT template
  CLERK_API_URL                    another Clerk Backend API host
  INSFORGE_INTEGRATE_HTTP_TIMEOUT  seconds a backend call may take (default 30)
  CI                               set: never prompt
  NO_COLOR                         set: no colour (as --color never)
  SOURCE_DATE_EPOCH                the clock of new migration versions
  INSFORGE_INTEGRATE_BINARY        the binary the npm launcher runs";

#[derive(Debug, Parser)]
#[command(
    name = "insforge-integrate",
    version,
    about = "Wire a third-party auth provider into an InsForge app: client utility, routes, env files and an RLS migration.",
    disable_version_flag = true,
    arg_required_else_help = true,
    after_help = ENVIRONMENT
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Print the version (with --verbose: the template set and the package versions its
    /// output is verified against).
    #[arg(short = 'V', long)]
    pub version: bool,

    /// With --version: say more.
    #[arg(long, requires = "version")]
    pub verbose: bool,

    /// When to colour output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Detect the app's auth provider and framework, then add the InsForge integration.
    #[command(after_help = ENVIRONMENT)]
    Init(InitArgs),
    /// Compare the app with what insforge-integrate would write now, from the saved answers
    /// (for CI). Exit 0: it matches; 1: drift (shown as a diff, secrets masked); 2: error.
    #[command(after_help = ENVIRONMENT)]
    Check(CheckArgs),
    /// Bring the files insforge-integrate wrote up to date after upgrading it: untouched
    /// files are updated, your edits are merged with the new version, and a changed migration
    /// becomes a new, later one.
    #[command(after_help = ENVIRONMENT)]
    Update(UpdateArgs),
    /// Print every fact detected in the app with its evidence (with --json, the project model
    /// as data, the app's existing auth wiring included). Writes nothing.
    Detect(DetectArgs),
    /// Prove the integration against the linked InsForge project (.insforge/project.json):
    /// the migrations applied, requesting_user_id() and each table's policies there, a token
    /// signed as the app signs it accepted by the data API, and no rows of other users (or
    /// for anon) visible. Exit 0: all hold; 1: a check failed; 2: error.
    #[command(after_help = ENVIRONMENT)]
    Verify(VerifyArgs),
    /// Print the agent skill (SKILL.md): how a coding agent drives insforge-integrate.
    Skill,
    /// Print the shell completion script for SHELL: `source <(insforge-integrate completions
    /// bash)`, or save it where the shell loads completions from.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), as the release ships it: `insforge-integrate man >
    /// insforge-integrate.1`.
    Man,
}

#[derive(Debug, Clone, Args)]
pub struct DetectArgs {
    /// The app's folder (the one with package.json).
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// Print the facts as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct VerifyArgs {
    /// The app's folder (the one with package.json, insforge-integrate.toml and the link).
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// Also insert a row as a random test user, check its owner and that nobody else sees
    /// it, and delete it again.
    #[arg(long)]
    pub write: bool,

    /// Print the checklist as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// The app's folder (the one with package.json and insforge-integrate.toml).
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// Count files you edited or keep as drift too.
    #[arg(long)]
    pub strict: bool,

    /// How to report: for people, as GitHub Actions annotations (plus the human report), or
    /// as JSON on stdout.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// The same as --format json.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Github,
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct UpdateArgs {
    /// The app's folder (the one with package.json and insforge-integrate.toml).
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// What to do with a file that would change and that insforge-integrate cannot merge: one
    /// it never wrote, or one where your edits and the new version change the same lines.
    /// Default: ask on a terminal; otherwise skip files it never wrote and write collisions
    /// with conflict markers.
    #[arg(long, value_enum, value_name = "POLICY")]
    pub on_conflict: Option<ConflictPolicy>,

    /// Show what would change and write nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Print the plan as JSON on stdout instead of the summary, diff and next steps.
    #[arg(long)]
    pub json: bool,

    /// Accept without asking.
    #[arg(short, long)]
    pub yes: bool,
}

#[derive(Debug, Clone, Args)]
pub struct InitArgs {
    /// The app's folder (the one with package.json).
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// The auth provider, when detection finds none or several.
    #[arg(long, value_name = "PROVIDER", ignore_case = true, value_parser = provider_ids())]
    pub provider: Option<String>,

    /// A table to create with an owner column and row-level security (repeatable): NAME, or
    /// SCHEMA.NAME for a schema other than public.
    #[arg(long = "table", value_name = "NAME")]
    pub tables: Vec<String>,

    /// The tables given with --table exist already: add the owner index, RLS policies and
    /// grants to them, and create nothing.
    #[arg(long)]
    pub existing: bool,

    /// The owner column (text, holding the provider's user id) of the tables. Default: user_id.
    #[arg(long, value_name = "COLUMN")]
    pub owner_column: Option<String>,

    /// The InsForge project URL, written to .env.local.
    #[arg(long, value_name = "URL")]
    pub insforge_url: Option<String>,

    /// The InsForge anon key, written to .env.local.
    #[arg(long, value_name = "KEY")]
    pub anon_key: Option<String>,

    /// Read the InsForge JWT secret from standard input (it is never taken as a flag value; the
    /// INSFORGE_JWT_SECRET environment variable works too).
    #[arg(long)]
    pub jwt_secret_stdin: bool,

    /// What to do with an existing file that would change. Default: ask on a terminal, skip
    /// otherwise.
    #[arg(long, value_enum, value_name = "POLICY")]
    pub on_conflict: Option<ConflictPolicy>,

    /// Auth0 only: how the InsForge token is made. `server` (the default): signed per
    /// request on the server with the JWT secret, no expiry under a long session. `action`:
    /// a Post Login Action in Auth0 signs it at login (the secret stays in Auth0; the token
    /// lives an hour). An app that has the Action already keeps it unless this says otherwise.
    #[arg(long, value_name = "HOW", value_parser = ["server", "action"])]
    pub auth0_token: Option<String>,

    /// Clerk only: how the InsForge token is made. `template` (the default): Clerk signs it
    /// from a JWT template holding the InsForge secret (`--setup` makes it). `app`: the
    /// app's own route signs it, and the secret never leaves the app's server env.
    #[arg(long, value_name = "HOW", value_parser = ["template", "app"], conflicts_with = "auth0_token")]
    pub clerk_token: Option<String>,

    /// Show what would change and write nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Write nothing; exit 1 when any file would change.
    #[arg(long, conflicts_with = "dry_run")]
    pub check: bool,

    /// Print the detected facts and the plan (path, action, kind per file) as JSON on stdout,
    /// instead of the summary, diff and next steps. Secrets never appear in it.
    #[arg(long)]
    pub json: bool,

    /// Accept detected and default answers without asking.
    #[arg(short, long)]
    pub yes: bool,

    /// After writing the files, finish the setup with the app's linked InsForge project
    /// (`.insforge/project.json`): the JWT secret and the anon key into .env.local, and the
    /// migrations this run wrote applied. The dry run lists these steps without contacting
    /// anything.
    #[arg(long)]
    pub setup: bool,

    /// With --setup: leave installing the added dependencies to you.
    #[arg(long, requires = "setup")]
    pub no_install: bool,

    /// Read answers as JSON from FILE (or `-` for standard input): an object whose keys are
    /// these flags' names — provider, table, existing, owner-column, insforge-url, anon-key,
    /// on-conflict — validated as the flags are. A flag given too wins. Never secrets.
    #[arg(long, value_name = "FILE|-")]
    pub input_json: Option<PathBuf>,
}

fn provider_ids() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(crate::provider::all().iter().map(|p| p.id.as_str()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConflictPolicy {
    /// Ask for each file (needs a terminal).
    Ask,
    /// Keep the existing file.
    Skip,
    /// Replace the existing file.
    Overwrite,
    /// Stop before writing anything.
    Fail,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[cfg(test)]
mod environment_tests {
    /// Every variable the tool reads is named in `--help`.
    #[test]
    fn help_names_every_environment_variable_the_tool_reads() {
        for var in [
            crate::resolve::JWT_SECRET_VAR,
            crate::remote::clerk::KEY_VAR,
            crate::remote::clerk::API_URL_VAR,
            "INSFORGE_INTEGRATE_HTTP_TIMEOUT",
            "DATABASE_URL",
            "CI",
            "NO_COLOR",
            "SOURCE_DATE_EPOCH",
            "INSFORGE_INTEGRATE_BINARY",
        ] {
            assert!(
                super::ENVIRONMENT
                    .lines()
                    .any(|l| l.split_whitespace().next() == Some(var)),
                "{var} is not in --help"
            );
        }
        use clap::CommandFactory;
        let help = super::Cli::command()
            .find_subcommand_mut("init")
            .unwrap()
            .render_long_help()
            .to_string();
        assert!(help.contains("INSFORGE_JWT_SECRET"), "{help}");
        assert!(help.contains("SCHEMA.NAME"), "{help}");
    }
}
