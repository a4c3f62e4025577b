//! `--json`: the output of `init`, `update` and `check` as data. One document type for the
//! three commands, versioned by [`SCHEMA_VERSION`]; its JSON Schema is generated from these
//! types ([`schema`]) and committed as `schema/output.schema.json`. Facts are values (ids,
//! versions, paths); how each was found is in `evidence`, apart. File contents never appear,
//! so no secret can.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use crate::change::Plan;
use crate::detect::wiring::Wiring;
use crate::detect::{Project, UserTable};
use crate::paths::slash;
use crate::provider::Provider;

/// Bumped when a field changes meaning or goes away (adding one does not bump it).
pub const SCHEMA_VERSION: u32 = 2;

/// Where the committed schema lives, relative to the repository root.
pub const SCHEMA_FILE: &str = "schema/output.schema.json";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    Init,
    Update,
    Check,
    Detect,
    Verify,
}

impl From<crate::request::Command> for Command {
    fn from(command: crate::request::Command) -> Self {
        use crate::request::Command as Run;
        match command {
            Run::Init => Command::Init,
            Run::Update => Command::Update,
            Run::Check { .. } => Command::Check,
            Run::Detect => Command::Detect,
            Run::Verify { .. } => Command::Verify,
        }
    }
}

/// What `--json` prints: a run's document, or, when the run failed before it had one to
/// print, the error as data.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(untagged)]
#[schemars(title = "insforge-integrate output")]
pub enum Output {
    Report(Box<Document>),
    Error(ErrorDocument),
}

/// Print a document (a run's, or an error's) as `--json` does: pretty, one per run.
pub fn print(out: &mut dyn std::io::Write, doc: &impl Serialize) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(doc).expect("plain data serializes");
    writeln!(out, "{text}")
}

/// A failed run, under `--json`.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ErrorDocument {
    pub schema_version: u32,
    /// The command that failed (absent when the command line itself did not parse).
    pub command: Option<Command>,
    pub error: ErrorInfo,
}

#[derive(Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ErrorInfo {
    /// The exit code: 1 unfinished (conflicts, drift, collisions, a busy app), 2 usage or input.
    pub code: u8,
    /// What kind of error: `usage`, `missing_answer`, `invalid_argument`, `invalid_file`,
    /// `unsupported`, `conflicts_left`, `conflict_failed`, `check_failed`, `drift`,
    /// `collisions`, `unresolved`, `aborted`, `busy`, `changed`, `write_failed`, `remote_failed`, `command_failed`, `other`.
    pub kind: String,
    /// The message, as stderr shows it.
    pub message: String,
    /// The flags the message names: for a missing answer, the one to pass first.
    pub flags: Vec<String>,
}

/// What one run found, planned and did.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Document {
    pub schema_version: u32,
    pub command: Command,
    /// The provider the run rendered for (its id); for `detect`, the one a run would use
    /// when detection and the answers file settle it.
    pub provider: Option<String>,
    /// The answers file (`insforge-integrate.toml`) as read, when there is one.
    pub answers: Option<crate::store::answers::Saved>,
    /// The answers this run used (absent for `detect`).
    pub used: Option<UsedAnswers>,
    pub detected: Detected,
    /// How each detected fact was found, by fact: `provider.clerk`, `next`, `typescript`,
    /// `package_manager`, `url_var`, `versions.<package>`.
    pub evidence: BTreeMap<String, String>,
    /// One entry per file the run considered.
    pub changes: Vec<FileChange>,
    /// Interceptors the app has, into which the user merges the tool's code by hand.
    pub manual: Vec<ManualMerge>,
    /// Packages added to package.json (an install is needed).
    pub dependencies_added: Vec<String>,
    /// What the user must do by hand, found while planning.
    pub notes: Vec<String>,
    /// What is left to do after `init` or `update`, in order, done ones included (the human
    /// output's "Next steps", then the provider's setup): installs, env values, migrations,
    /// merges, notes (`section: run`), then the provider's dashboards and code (`section:
    /// provider`). A step stays until it is done.
    pub next_steps: Vec<crate::step::Step>,
    /// The provider's setup as the human output shows it: its steps, then how to use the
    /// result (snippets).
    pub provider_setup: Option<String>,
    /// Whether this run wrote files (always false for `check` and `--dry-run`).
    pub written: bool,
    /// `check`'s verdict (absent for `init` and `update`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<CheckSummary>,
    /// The app's existing auth wiring, read from its source.
    pub wiring: Wiring,
    /// Tables (`schema.table`) the app's own migrations already give policies, with the file.
    pub existing_policies: BTreeMap<String, String>,
    /// `verify`'s checklist (absent for the other commands).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verify: Option<Verification>,
    /// The remote steps of `init --setup` (with the app's linked InsForge project): planned
    /// by a dry run (`done: false`), done or found done by a run that writes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remote: Vec<crate::remote::Step>,
    /// `detect`: why `init` would refuse this app, before writing anything (a JavaScript-only
    /// app, a provider SDK older than the templates serve).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub init_refuses: Option<String>,
}

/// Detected facts, as values.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Detected {
    /// Provider ids with evidence in the app, strongest first.
    pub providers: Vec<String>,
    /// Always `nextjs` for now.
    pub framework: String,
    /// The installed (or declared) Next.js version.
    pub next_version: String,
    /// Always `app` (the App Router) for now.
    pub router: String,
    /// `app` or `src/app`.
    pub app_dir: String,
    pub src_dir: bool,
    pub typescript: bool,
    pub import_alias: Option<ImportAlias>,
    /// `npm`, `pnpm`, `yarn` or `bun`.
    pub package_manager: String,
    /// The name the app uses for the InsForge URL variable, when it has one.
    pub url_var: Option<String>,
    /// Versions of the packages the templates branch on.
    pub versions: BTreeMap<String, String>,
    /// The `.env*` files at the root.
    pub env_files: Vec<String>,
    /// Existing `middleware.*` / `proxy.*` files.
    pub interceptors: Vec<String>,
    /// Where the app's own Better Auth keeps its users.
    pub auth_users: Option<UserTable>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ImportAlias {
    /// `@/`
    pub prefix: String,
    /// The folder it points at, relative to the root (empty for the root).
    pub dir: String,
}

/// `check`'s word on one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// As the tool would write it.
    Ok,
    /// Edited by the user after the tool wrote it; the tool has nothing new for it.
    Edited,
    /// The user keeps their own version (`kept` in the answers file).
    Kept,
    /// A local file (`.env.local`) that is not here, as in CI: not checked.
    Local,
    /// The tool would write it differently now (`update` brings it up to date).
    Outdated,
    /// It is not there.
    Missing,
    /// One of the app's files lacks what the integration adds to it.
    Incomplete,
    /// It differs, and the tool never wrote it (no base recorded).
    Conflict,
    /// It still holds the conflict markers an `update` wrote.
    Unresolved,
    /// A migration as written, not applied to the linked InsForge project yet.
    Pending,
}

impl Status {
    /// Whether this status fails `check` (edited and kept files fail only `--strict`).
    pub fn is_drift(self, strict: bool) -> bool {
        match self {
            Status::Ok | Status::Local => false,
            Status::Edited | Status::Kept => strict,
            Status::Outdated
            | Status::Missing
            | Status::Incomplete
            | Status::Conflict
            | Status::Unresolved
            | Status::Pending => true,
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct FileChange {
    /// Relative to the app's root, with forward slashes.
    pub path: String,
    pub action: crate::change::Action,
    pub kind: crate::change::Kind,
    pub reason: Option<crate::change::Reason>,
    /// `check` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ManualMerge {
    /// The app's own interceptor file(s).
    pub existing: Vec<String>,
    /// The file the tool would have created.
    pub wanted: String,
    /// The code to merge into the app's interceptor.
    pub content: String,
}

/// The answers a run used, wherever each came from (flags, `--input-json`, the answers file,
/// detection, a prompt, a default). Secrets are never shown, only whether one was given.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct UsedAnswers {
    pub provider: String,
    pub tables: Vec<UsedTable>,
    /// The InsForge URL given this run (flag, JSON or prompt), if any.
    pub insforge_url: Option<String>,
    /// Whether an anon key was given this run.
    pub anon_key_given: bool,
    /// Whether the JWT secret was given this run (environment or stdin).
    pub jwt_secret_given: bool,
    /// `ask`, `skip`, `overwrite` or `fail`.
    pub on_conflict: String,
    /// Env variable names the files use: the URL's, the anon key's and the secret's.
    pub env_names: BTreeMap<String, String>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct UsedTable {
    pub schema: String,
    pub name: String,
    pub owner_column: String,
    pub existing: bool,
}

impl UsedAnswers {
    /// The answers a run used, with the tables it rendered (`rendered`: a table whose
    /// policies the app's own SQL creates is not one of them).
    pub fn of(answers: &crate::resolve::Answers, rendered: &[crate::table::Table]) -> Self {
        use clap::ValueEnum;
        Self {
            provider: answers.provider.id.clone(),
            tables: rendered
                .iter()
                .map(|t| UsedTable {
                    schema: t.schema.clone(),
                    name: t.name.clone(),
                    owner_column: t.owner.clone(),
                    existing: t.existing,
                })
                .collect(),
            insforge_url: answers.insforge_url.clone(),
            anon_key_given: answers.anon_key.is_some(),
            jwt_secret_given: answers.jwt_secret.is_some(),
            on_conflict: answers
                .on_conflict
                .to_possible_value()
                .map(|v| v.get_name().to_string())
                .unwrap_or_default(),
            env_names: [
                ("url", &answers.env_names.url),
                ("anon_key", &answers.env_names.anon_key),
                ("jwt_secret", &answers.env_names.jwt_secret),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
        }
    }
}

#[derive(Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CheckSummary {
    /// The app matches (exit 0).
    pub passed: bool,
    pub strict: bool,
    /// Files whose status fails the check.
    pub drift: usize,
    pub edited: usize,
    pub kept: usize,
}

/// What `verify` proved against the linked project.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Verification {
    /// Every check holds (exit 0).
    pub passed: bool,
    /// `--write`: the insert-and-delete checks ran too.
    pub write: bool,
    /// The linked project's URL.
    pub host: String,
    pub checks: Vec<VerifyCheck>,
}

/// One check: `migrations`, `function`, `policies.<schema.table>`, `token`,
/// `isolation.<schema.table>`, `anon.<schema.table>`, `write.<schema.table>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct VerifyCheck {
    pub id: String,
    pub passed: bool,
    /// What was found, and on failure what to do.
    pub text: String,
}

/// The facts as values, and the evidence apart.
pub fn detected(project: &Project) -> (Detected, BTreeMap<String, String>) {
    let mut evidence = BTreeMap::new();
    for p in &project.providers {
        evidence.insert(format!("provider.{}", p.value.id), p.evidence.clone());
    }
    evidence.insert("next".into(), project.next.evidence.clone());
    evidence.insert("typescript".into(), project.typescript.evidence.clone());
    evidence.insert(
        "package_manager".into(),
        project.package_manager.evidence.clone(),
    );
    if let Some(v) = &project.url_var {
        evidence.insert("url_var".into(), v.evidence.clone());
    }
    for (name, v) in &project.versions {
        evidence.insert(format!("versions.{name}"), v.evidence.clone());
    }
    let detected = Detected {
        providers: project
            .providers
            .iter()
            .map(|p| p.value.id.clone())
            .collect(),
        framework: "nextjs".into(),
        next_version: project.next.value.to_string(),
        router: "app".into(),
        app_dir: slash(&project.app_dir),
        src_dir: project.src_dir,
        typescript: project.typescript.value,
        import_alias: project.aliases.first().map(|a| ImportAlias {
            prefix: a.prefix.clone(),
            dir: slash(&a.dir),
        }),
        package_manager: project.package_manager.value.name().into(),
        url_var: project.url_var.as_ref().map(|v| v.value.to_string()),
        versions: project
            .versions
            .iter()
            .map(|(k, v)| (k.clone(), v.value.to_string()))
            .collect(),
        env_files: project.env_files.clone(),
        interceptors: project.interceptors.iter().map(|p| slash(p)).collect(),
        auth_users: project.auth_users.clone(),
    };
    (detected, evidence)
}

/// The document for a run of `command` with this plan; `status` gives `check`'s word per
/// change (in the plan's order).
pub fn document(
    command: Command,
    project: &Project,
    provider: Option<&Provider>,
    plan: &Plan,
    written: bool,
    check: Option<(CheckSummary, &[Status])>,
) -> Document {
    let (detected, evidence) = detected(project);
    let statuses = check.as_ref().map(|(_, s)| *s);
    let changes = plan
        .changes
        .iter()
        .enumerate()
        .map(|(i, c)| FileChange {
            path: c.display_path(),
            action: c.action,
            kind: c.kind,
            reason: c.reason,
            status: statuses.and_then(|s| s.get(i).copied()),
        })
        .collect();
    Document {
        schema_version: SCHEMA_VERSION,
        command,
        provider: provider.map(|p| p.id.clone()),
        answers: project.saved.clone(),
        used: None,
        detected,
        evidence,
        changes,
        manual: plan
            .manual
            .iter()
            .map(|m| ManualMerge {
                existing: m.existing.iter().map(|p| slash(p)).collect(),
                wanted: slash(&m.wanted),
                content: m.content.clone(),
            })
            .collect(),
        dependencies_added: plan
            .added_dependencies
            .iter()
            .map(|d| d.name.clone())
            .collect(),
        remote: Vec::new(),
        init_refuses: None,
        notes: project
            .base_notes
            .iter()
            .chain(&plan.notes)
            .cloned()
            .collect(),
        next_steps: Vec::new(),
        provider_setup: None,
        written,
        check: check.map(|(summary, _)| summary),
        verify: None,
        wiring: project.wiring.clone(),
        existing_policies: project.existing_policies.clone(),
    }
}

/// The document of an `init` or `update` run.
pub fn run(
    command: Command,
    project: &Project,
    provider: &Provider,
    plan: &Plan,
    written: bool,
) -> Document {
    document(command, project, Some(provider), plan, written, None)
}

/// The document of `detect`: the project model, no plan.
pub fn detect(project: &Project) -> Document {
    // As a run without flags would settle it; none when it would have to ask (several
    // candidates, none, or a saved answer the app contradicts).
    let provider = crate::resolve::resolve_provider(
        &crate::request::Given::default(),
        project,
        project.saved.as_ref(),
        false,
        &mut crate::prompt::Silent,
    )
    .ok();
    let mut doc = document(
        Command::Detect,
        project,
        provider,
        &Plan::default(),
        false,
        None,
    );
    doc.notes = project.base_notes.clone();
    let provider = provider_of(project);
    doc.init_refuses = project.refusal(provider);
    doc
}

/// The provider detection settles on its own (one candidate), for `detect`.
fn provider_of(project: &Project) -> Option<&'static crate::provider::Provider> {
    match project.providers.as_slice() {
        [one] => crate::provider::all().iter().find(|p| p.id == one.value.id),
        _ => None,
    }
}

/// The error of a failed run as data.
pub fn error(command: Option<Command>, e: &anyhow::Error, code: u8) -> ErrorDocument {
    use crate::error::Error as E;
    let message = e
        .chain()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(": ");
    let known = e.chain().find_map(|c| c.downcast_ref::<E>());
    let kind = match known {
        Some(E::MissingAnswer { .. }) => "missing_answer",
        Some(E::InvalidArgument(_)) => "invalid_argument",
        Some(E::InvalidFile { .. }) => "invalid_file",
        Some(E::Unsupported(_)) => "unsupported",
        Some(E::ConflictsLeft { .. }) => "conflicts_left",
        Some(E::ConflictFailed { .. }) => "conflict_failed",
        Some(E::CheckFailed(_)) => "check_failed",
        Some(E::Drift(_)) => "drift",
        Some(E::VerifyFailed(_)) => "verify_failed",
        Some(E::Collisions { .. }) => "collisions",
        Some(E::Unresolved(_)) => "unresolved",
        Some(E::Aborted) => "aborted",
        Some(E::Busy(_)) => "busy",
        Some(E::Changed(_)) => "changed",
        Some(E::WriteFailed { .. }) => "write_failed",
        Some(E::Remote { .. }) => "remote_failed",
        Some(E::CommandFailed { .. }) => "command_failed",
        None => "other",
    };
    // A missing answer's own flag comes first: it is the one to pass.
    let first = match known {
        Some(E::MissingAnswer { flag, .. }) => flags_in(flag),
        _ => Vec::new(),
    };
    error_document(command, code, kind, message, first)
}

/// An error document; `flags` are `first`, then the others `message` names.
fn error_document(
    command: Option<Command>,
    code: u8,
    kind: &str,
    message: String,
    first: Vec<String>,
) -> ErrorDocument {
    let mut flags = first;
    for f in flags_in(&message) {
        if !flags.contains(&f) {
            flags.push(f);
        }
    }
    ErrorDocument {
        schema_version: SCHEMA_VERSION,
        command,
        error: ErrorInfo {
            code,
            kind: kind.into(),
            flags,
            message,
        },
    }
}

/// A usage error (the command line did not parse) as data, from clap's text: the error and
/// its tips (a similar flag, the possible values) in `message`; in `flags`, the flags the tips
/// suggest first.
pub fn usage_error(command: Option<Command>, text: &str) -> ErrorDocument {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .filter(|l| !l.is_empty())
        .collect();
    let message = lines.join(" ").trim_start_matches("error: ").to_string();
    let tips: Vec<String> = lines
        .iter()
        .filter(|l| l.starts_with("tip:"))
        .flat_map(|l| flags_in(l))
        .collect();
    error_document(command, crate::error::EXIT_USAGE, "usage", message, tips)
}

/// Every `--flag` a message names, in order, once each.
pub fn flags_in(message: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let bytes = message.as_bytes();
    let mut i = 0;
    while let Some(at) = message[i..].find("--") {
        let start = i + at;
        let before_ok =
            start == 0 || !bytes[start - 1].is_ascii_alphanumeric() && bytes[start - 1] != b'-';
        let mut end = start + 2;
        while end < bytes.len()
            && (bytes[end].is_ascii_lowercase()
                || bytes[end].is_ascii_digit()
                || bytes[end] == b'-')
        {
            end += 1;
        }
        let flag = message[start..end].trim_end_matches('-');
        if before_ok && flag.len() > 2 && !out.iter().any(|f| f == flag) {
            out.push(flag.to_string());
        }
        i = end.max(start + 2);
    }
    out
}

/// The JSON Schema of [`Document`], as committed.
pub fn schema() -> String {
    let schema = schemars::schema_for!(Output);
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema serializes");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    #[test]
    fn flags_are_read_out_of_messages() {
        assert_eq!(
            super::flags_in(
                "pass --table NAME (repeatable), or --yes; --provider clerk or --provider auth0"
            ),
            ["--table", "--yes", "--provider"]
        );
        assert!(super::flags_in("a -- b, x--y").is_empty());
    }

    #[test]
    fn the_committed_schema_is_the_generated_one() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(super::SCHEMA_FILE);
        let generated = super::schema();
        if std::env::var_os("UPDATE_SCHEMA").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "{} is not the schema the types generate: run `UPDATE_SCHEMA=1 cargo test --lib report::json` and commit it",
            super::SCHEMA_FILE
        );
    }
}
