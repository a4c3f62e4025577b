//! `init --setup`: after the local files are written, the steps the linked InsForge project
//! allows — the JWT secret (for the providers whose app signs tokens) and the anon key into
//! `.env.local` where it has none, and the migrations of the plan applied as `db migrations up`
//! would apply them (the backend's dry run first where it has one; a migration applied
//! already is not sent again). Planned as data first ([`Setup::plan`]), so the dry run lists
//! the steps without contacting anything; each is re-runnable, and a failure stops the run with
//! the local files as written.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::change::{Action, Change, Detail, Kind, Plan};
use crate::detect::link::Link;
use crate::detect::Project;
use crate::dotenv::{self, Entry};
use crate::remote::insforge::Client;
use crate::remote::Step;
use crate::report::human::Paint;
use crate::resolve::{Answers, ANON_KEY_VAR};

const ENV_LOCAL: &str = ".env.local";

/// The remote steps of a run, and what each needs.
pub struct Setup {
    link: Link,
    pub steps: Vec<Step>,
    work: Vec<Work>,
    /// The package manager's install, as argv, when dependencies were added.
    install: Option<Vec<String>>,
    /// The provider's JWT template through its API (Clerk's), with what it needs.
    template: Option<TemplateWork>,
    /// The provider's own tables (Better Auth's), made before the migration that needs them.
    tables: Option<TablesWork>,
}

/// The step that makes the provider's tables, and the grant after it.
struct TablesWork {
    step: String,
    argv: Vec<String>,
    /// The database URL's variable and its value (a secret: a password is in it).
    env: String,
    url: crate::detect::link::Secret,
    grant: String,
    /// Run once a run.
    tried: bool,
}

struct TemplateWork {
    api_url: Option<String>,
    key: crate::detect::link::Secret,
    wanted: crate::remote::clerk::Wanted,
    /// `--on-conflict overwrite`: a template that differs is updated without asking.
    overwrite: bool,
}

enum Work {
    Value {
        key: String,
        what: Value,
    },
    Migration {
        path: PathBuf,
        version: String,
        name: String,
        sql: String,
        /// A table that must exist before it is applied (the one its foreign keys name).
        needs: Option<String>,
    },
}

#[derive(Clone, Copy)]
enum Value {
    JwtSecret,
    AnonKey,
    /// 32 random bytes from the operating system, hex (64 characters).
    Generated,
}

impl Setup {
    /// The steps for this plan: none without a link.
    /// `wanted`: the dependencies the integration needs; the install runs when one of them is
    /// not in `node_modules` (the app's, or a workspace's above it).
    pub fn plan(
        project: &Project,
        answers: &Answers,
        plan: &Plan,
        rendered: &crate::render::Rendered,
        install: bool,
    ) -> Option<Self> {
        let wanted = &rendered.dependencies();
        let link = project.link.clone()?;
        let host = link.host.clone();
        // .env.local as the plan leaves it.
        let env = plan
            .changes
            .iter()
            .find(|c| c.kind == Kind::Env && c.path == Path::new(ENV_LOCAL))
            .map(|c| c.new.clone())
            .unwrap_or_default();
        let empty = |key: &str| {
            dotenv::parse(&env)
                .iter()
                .rev()
                .find(|a| a.key == key)
                .is_none_or(|a| a.value.is_empty())
        };
        let mut steps = Vec::new();
        let mut work = Vec::new();
        let jwt = &answers.env_names.jwt_secret;
        if answers.provider.signs_jwt && empty(jwt) {
            steps.push(Step {
                id: "insforge.jwt-secret".into(),
                calls: vec!["GET /api/secrets/JWT_SECRET".into()],
                host: Some(host.clone()),
                what: format!("{ENV_LOCAL}: {jwt} from the project's secrets"),
                done: false,
            });
            work.push(Work::Value {
                key: jwt.clone(),
                what: Value::JwtSecret,
            });
        }
        if empty(ANON_KEY_VAR) {
            steps.push(Step {
                id: "insforge.anon-key".into(),
                calls: vec!["POST /api/auth/tokens/anon".into()],
                host: Some(host.clone()),
                what: format!("{ENV_LOCAL}: {ANON_KEY_VAR}, the project's anon key"),
                done: false,
            });
            work.push(Work::Value {
                key: ANON_KEY_VAR.into(),
                what: Value::AnonKey,
            });
        }
        let keys: Vec<String> = dotenv::parse(&env).into_iter().map(|a| a.key).collect();
        // The providers' own secrets that any random value of the right length fills.
        for var in answers.provider.env.iter().filter(|e| e.generate) {
            let key = var.name.as_str();
            if keys.iter().any(|k| k == key) && empty(key) {
                steps.push(Step {
                    id: format!("env.generate.{key}"),
                    calls: Vec::new(),
                    host: None,
                    what: format!("{ENV_LOCAL}: {key}, 32 random bytes generated here"),
                    done: false,
                });
                work.push(Work::Value {
                    key: key.into(),
                    what: Value::Generated,
                });
            }
        }
        let mut migrations: Vec<&Change> = plan
            .changes
            .iter()
            .filter(|c| c.kind == Kind::Migration && c.action != Action::Skip)
            .collect();
        migrations.sort_by(|a, b| a.path.cmp(&b.path));
        let referenced = crate::render::referenced_table(project, answers.provider);
        for m in migrations {
            let Detail::Migration { version } = &m.detail else {
                continue;
            };
            let file = m.path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            let name = file.split_once('_').map_or(file, |(_, n)| n).to_string();
            steps.push(Step {
                id: format!("insforge.migration.{version}"),
                calls: vec![
                    "GET /api/database/migrations".into(),
                    "POST /api/database/migrations/dry-run".into(),
                    "POST /api/database/migrations".into(),
                ],
                host: Some(host.clone()),
                what: format!("apply {} unless applied", m.display_path()),
                done: false,
            });
            // What `db migrations up` would send: the file as it is (an earlier run's, perhaps
            // edited since), or as this run writes it.
            let sql = match (&m.old, m.action.writes()) {
                (Some(on_disk), false) => on_disk.clone(),
                _ => m.new.clone(),
            };
            let needs = referenced
                .clone()
                .filter(|t| sql.contains(&format!("references {t}")));
            work.push(Work::Migration {
                path: m.path.clone(),
                version: version.clone(),
                name,
                sql,
                needs,
            });
        }
        // The provider's tables, when a migration waits for them and the app's database URL
        // is in the environment or .env.local: the step's command, then the grant.
        let waits = work
            .iter()
            .any(|w| matches!(w, Work::Migration { needs: Some(_), .. }));
        let tables = answers
            .provider
            .tables
            .as_ref()
            .filter(|_| waits)
            .and_then(|t| {
                let argv = rendered
                    .provider_setup
                    .steps
                    .iter()
                    .find(|s| s.id == t.step)?
                    .command
                    .clone()
                    .filter(|c| !c.is_empty())?;
                let url = std::env::var(&t.env)
                    .ok()
                    .filter(|v| !v.is_empty())
                    .or_else(|| {
                        dotenv::parse(&env)
                            .into_iter()
                            .rev()
                            .find(|a| a.key == t.env)
                            .map(|a| a.value)
                            .filter(|v| !v.is_empty())
                    })?;
                steps.push(Step {
                    id: t.step.clone(),
                    calls: vec![argv.join(" "), format!("{} (over {})", t.grant, t.env)],
                    host: None,
                    what: format!(
                        "{}'s own tables, over {}, before the migration that references them",
                        answers.provider.name, t.env
                    ),
                    done: false,
                });
                Some(TablesWork {
                    step: t.step.clone(),
                    argv,
                    env: t.env.clone(),
                    url: crate::detect::link::Secret::new(url),
                    grant: t.grant.clone(),
                    tried: false,
                })
            });
        let missing: Vec<&str> = wanted
            .iter()
            .map(|d| d.name.as_str())
            .filter(|name| !crate::app::installed(&project.root, name))
            .collect();
        let install = (install && !missing.is_empty()).then(|| {
            let argv: Vec<String> = project
                .package_manager
                .value
                .install()
                .split_whitespace()
                .map(String::from)
                .collect();
            steps.push(Step {
                id: "install".into(),
                calls: vec![argv.join(" ")],
                host: None,
                what: format!("install the dependencies ({})", missing.join(", ")),
                done: false,
            });
            argv
        });
        // The provider's JWT template (Clerk's), with the app's secret key from the
        // environment or its env files.
        let template = answers.provider.jwt_template.as_ref().and_then(|t| {
            let (api_url, key) = crate::remote::clerk::credentials(project)?;
            let wanted = crate::remote::clerk::wanted(t)?;
            let host = format!(
                "{}/v1",
                api_url
                    .as_deref()
                    .unwrap_or(crate::remote::clerk::API_URL)
                    .trim_end_matches('/')
            );
            steps.push(Step {
                id: "clerk.jwt-template".into(),
                calls: vec![
                    "GET /api/secrets/JWT_SECRET".into(),
                    "GET /v1/jwt_templates".into(),
                    "POST /v1/jwt_templates (or PATCH /v1/jwt_templates/{id})".into(),
                ],
                host: Some(host),
                what: format!(
                    "{}'s JWT template {:?}: HS256 with the project's JWT secret as its signing key, claims {}, lifetime {} s",
                    answers.provider.name, t.name, t.claims, t.lifetime
                ),
                done: false,
            });
            Some(TemplateWork {
                api_url,
                key,
                wanted,
                overwrite: answers.on_conflict == crate::cli::ConflictPolicy::Overwrite,
            })
        });
        Some(Self {
            link,
            steps,
            work,
            install,
            template,
            tables,
        })
    }

    /// The steps in a few words: `the anon key, 1 migration, the install`.
    pub fn summary(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        let values: Vec<&str> = self
            .work
            .iter()
            .filter_map(|w| match w {
                Work::Value { key, .. } => Some(key.as_str()),
                Work::Migration { .. } => None,
            })
            .collect();
        if !values.is_empty() {
            parts.push(format!("{ENV_LOCAL}: {}", values.join(", ")));
        }
        let migrations = self
            .work
            .iter()
            .filter(|w| matches!(w, Work::Migration { .. }))
            .count();
        if migrations > 0 {
            parts.push(format!("{migrations} migration(s) applied"));
        }
        if let Some(work) = &self.template {
            parts.push(format!("Clerk's JWT template {:?}", work.wanted.name));
        }
        if let Some(work) = &self.tables {
            parts.push(format!("{} (over {})", work.argv.join(" "), work.env));
        }
        if let Some(argv) = &self.install {
            parts.push(argv.join(" "));
        }
        parts.join("; ")
    }

    /// Do the steps, after the local files are written; `plan` learns what they did (the
    /// values now in `.env.local`, the migrations applied), so the report and `--json` say
    /// so. Secrets are written to `.env.local` only, never shown.
    pub fn run(
        &mut self,
        root: &Path,
        plan: &mut Plan,
        out: &mut dyn Write,
        paint: Paint,
        prompter: &mut dyn crate::prompt::Prompter,
    ) -> Result<()> {
        if self.steps.is_empty() {
            return Ok(());
        }
        if self.work.is_empty() && self.template.is_none() && self.tables.is_none() {
            // Only the install: nothing to ask the backend.
            if let Some(argv) = &self.install {
                install(root, argv, out, paint)?;
                plan.installed = true;
                self.steps.iter_mut().for_each(|s| s.done = true);
            }
            return Ok(());
        }
        let client = Client::new(&self.link)?;
        writeln!(
            out,
            "\n{} {}",
            paint.bold("Setup with the linked InsForge project:"),
            client.host()
        )?;
        // What needs no network first (the generated secrets), so a backend that cannot be
        // reached leaves them done; then what the project holds.
        for local in [true, false] {
            let mut values: Vec<(String, String)> = Vec::new();
            for (i, work) in self.work.iter().enumerate() {
                let Work::Value { key, what } = work else {
                    continue;
                };
                if matches!(what, Value::Generated) != local {
                    continue;
                }
                let value = match what {
                    Value::JwtSecret => client.secret("fetching the JWT secret", "JWT_SECRET")?,
                    Value::AnonKey => client.anon_key("fetching the anon key")?,
                    Value::Generated => random_hex()?,
                };
                values.push((key.clone(), value));
                self.steps[i].done = true;
            }
            if !values.is_empty() {
                let filled = write_values(root, plan, &values)?;
                writeln!(
                    out,
                    "  {} {ENV_LOCAL}: {}",
                    paint.green("set      "),
                    filled.join(", ")
                )?;
            }
        }
        self.migrate(&client, root, plan, out, paint)?;
        if let Some(work) = &self.template {
            if template(&client, work, out, paint, prompter)? {
                plan.done_steps.push("clerk.jwt-template".into());
                if let Some(step) = self.steps.iter_mut().find(|s| s.id == "clerk.jwt-template") {
                    step.done = true;
                }
            }
        }
        if let Some(argv) = &self.install {
            install(root, argv, out, paint)?;
            plan.installed = true;
            if let Some(step) = self.steps.iter_mut().find(|s| s.id == "install") {
                step.done = true;
            }
        }
        Ok(())
    }

    /// The migrations, in order: each one not applied yet goes through the backend's dry run,
    /// then is applied.
    fn migrate(
        &mut self,
        client: &Client,
        root: &Path,
        plan: &mut Plan,
        out: &mut dyn Write,
        paint: Paint,
    ) -> Result<()> {
        let migrations: Vec<usize> = (0..self.work.len())
            .filter(|&i| matches!(self.work[i], Work::Migration { .. }))
            .collect();
        if migrations.is_empty() {
            return Ok(());
        }
        let applied = client.migrations("listing the applied migrations")?;
        for i in migrations {
            let Work::Migration {
                path,
                version,
                name,
                sql,
                needs,
            } = &self.work[i]
            else {
                continue;
            };
            let shown = crate::paths::slash(path);
            if applied.iter().any(|a| a.version == *version) {
                writeln!(out, "  {} {shown}", paint.dim("applied   (already)"))?;
                self.steps[i].done = true;
                plan.applied.push(path.clone());
                // Applied, so what it referenced was made.
                if let (Some(_), Some(work)) = (needs, &self.tables) {
                    plan.done_steps.push(work.step.clone());
                    let id = work.step.clone();
                    if let Some(step) = self.steps.iter_mut().find(|s| s.id == id) {
                        step.done = true;
                    }
                }
                continue;
            }
            // Its foreign keys' table first (Better Auth's migrate creates it): until it exists
            // the migration would fail, so it and those after it wait for the next run. A
            // backend that cannot say is tried anyway.
            if let Some(table) = needs {
                let query = format!(
                    "select to_regclass('{}') is not null as present",
                    table.replace('\'', "''")
                );
                let present = || {
                    client
                        .query(&format!("checking that {table} exists"), &query)
                        .ok()
                        .and_then(|rows| rows.first().map(|r| r["present"] != false))
                };
                let mut present = present();
                // The provider's tables made here, the install first (its command loads
                // the app's auth config, which imports the app's packages).
                if present == Some(false) && self.tables.as_ref().is_some_and(|t| !t.tried) {
                    if let Some(argv) = self.install.take() {
                        install(root, &argv, out, paint)?;
                        plan.installed = true;
                        if let Some(step) = self.steps.iter_mut().find(|s| s.id == "install") {
                            step.done = true;
                        }
                    }
                    let work = self.tables.as_mut().expect("checked above");
                    work.tried = true;
                    make_tables(root, work, out, paint)?;
                    present = present_again(client, table, &query);
                    if present != Some(false) {
                        plan.done_steps.push(work.step.clone());
                        let id = work.step.clone();
                        if let Some(step) = self.steps.iter_mut().find(|s| s.id == id) {
                            step.done = true;
                        }
                    }
                }
                if present == Some(false) {
                    writeln!(
                        out,
                        "  {} {shown}: {table} does not exist yet; create it (see the provider's steps), then run this again",
                        paint.yellow("waiting  ")
                    )?;
                    break;
                }
            }
            let step = format!("applying {shown}");
            let risk = match client.dry_run(&step, sql)? {
                Some(dry) if !dry.valid => {
                    return Err(crate::error::Error::Remote {
                        step,
                        method: "POST".into(),
                        url: format!("{}/api/database/migrations/dry-run", client.host()),
                        status: None,
                        message: format!(
                            "the backend's dry run rejects it: {}; nothing was applied",
                            dry.error.unwrap_or_else(|| "no reason given".into())
                        ),
                    }
                    .into())
                }
                Some(dry) => dry.risk_level.map(|r| format!(" (dry run: {r})")),
                None => None,
            };
            client.apply(&step, version, name, sql)?;
            writeln!(
                out,
                "  {} {shown}{}",
                paint.green("applied  "),
                risk.unwrap_or_default()
            )?;
            self.steps[i].done = true;
            plan.applied.push(path.clone());
        }
        Ok(())
    }
}

/// The provider's JWT template: created when missing, left when it is as wanted, updated
/// when it differs only with `--on-conflict overwrite` or a yes at the prompt. Whether it is
/// as wanted now.
fn template(
    insforge: &Client,
    work: &TemplateWork,
    out: &mut dyn Write,
    paint: Paint,
    prompter: &mut dyn crate::prompt::Prompter,
) -> Result<bool> {
    use crate::remote::clerk::{differences, Clerk};
    let clerk = Clerk::new(work.api_url.as_deref(), work.key.clone())?;
    let name = &work.wanted.name;
    let existing = clerk.find(name)?;
    let secret = || insforge.secret("fetching the JWT secret for Clerk's template", "JWT_SECRET");
    match existing {
        None => {
            clerk.create(&work.wanted, &secret()?)?;
            writeln!(
                out,
                "  {} Clerk JWT template {name:?}",
                paint.green("created  ")
            )?;
            Ok(true)
        }
        Some(t) => {
            let diff = differences(&t, &work.wanted);
            if diff.is_empty() {
                writeln!(
                    out,
                    "  {} Clerk JWT template {name:?} (its signing key cannot be read back: after a new InsForge JWT secret, run with --on-conflict overwrite)",
                    paint.dim("as wanted")
                )?;
                return Ok(true);
            }
            writeln!(
                out,
                "  {} Clerk JWT template {name:?}: {}",
                paint.yellow("differs  "),
                diff.join("; ")
            )?;
            let prompt = format!("Update Clerk's JWT template {name:?} as shown?");
            // Without a terminal nothing can ask (the prompter says so): the template stays.
            let yes = work.overwrite
                || prompter
                    .confirm(
                        crate::prompt::Question {
                            prompt: &prompt,
                            what: "whether to update Clerk's JWT template",
                            flag: "--on-conflict overwrite",
                        },
                        false,
                    )
                    .unwrap_or(false);
            if !yes {
                writeln!(
                    out,
                    "  {} Clerk JWT template {name:?} as it is (--on-conflict overwrite updates it)",
                    paint.yellow("kept     ")
                )?;
                return Ok(false);
            }
            clerk.update(&t.id, &work.wanted, &secret()?)?;
            writeln!(
                out,
                "  {} Clerk JWT template {name:?}",
                paint.green("updated  ")
            )?;
            Ok(true)
        }
    }
}

fn present_again(client: &Client, table: &str, query: &str) -> Option<bool> {
    client
        .query(&format!("checking that {table} exists"), query)
        .ok()
        .and_then(|rows| rows.first().map(|r| r["present"] != false))
}

/// The provider's tables: the step's command (Better Auth's migrate) with `.env.local`'s
/// values in its environment as Next.js would load them (the process's own win), then the
/// grant over the same database URL through the app's `pg` package. Output streamed to
/// standard error; the URL (it holds a password) never shown.
fn make_tables(root: &Path, work: &TablesWork, out: &mut dyn Write, paint: Paint) -> Result<()> {
    let command = work.argv.join(" ");
    writeln!(
        out,
        "  {} the provider's tables: {command}",
        paint.cyan("running   ")
    )?;
    out.flush()?;
    let url = work.url.expose();
    let mask = |text: &str| text.replace(url, "********");
    let failed = |step: &str, command: &str, message: String| crate::error::Error::CommandFailed {
        step: step.into(),
        command: command.into(),
        message: mask(&message),
    };
    let env_local: Vec<(String, String)> = crate::app::read_regular(&root.join(ENV_LOCAL))
        .map(|t| {
            dotenv::parse(&t)
                .into_iter()
                .filter(|a| std::env::var_os(&a.key).is_none())
                .map(|a| (a.key, a.value))
                .collect()
        })
        .unwrap_or_default();
    let status = std::process::Command::new(&work.argv[0])
        .args(&work.argv[1..])
        .current_dir(root)
        .envs(env_local.iter().map(|(k, v)| (k, v)))
        .env(&work.env, url)
        .stdin(std::process::Stdio::null())
        .stdout(std::io::stderr())
        .status()
        .map_err(|e| {
            failed(
                "making the provider's tables",
                &command,
                format!("it could not be started ({e})"),
            )
        })?;
    if !status.success() {
        return Err(failed(
            "making the provider's tables",
            &command,
            format!("it exited with {status}"),
        )
        .into());
    }
    let grant = format!("node (pg over {}): {}", work.env, work.grant);
    let output = std::process::Command::new("node")
        .args(["-e", GRANT_JS])
        .current_dir(root)
        .env("INSFORGE_INTEGRATE_URL_VAR", &work.env)
        .env(&work.env, url)
        .env("INSFORGE_INTEGRATE_SQL", &work.grant)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| {
            failed(
                "granting",
                &grant,
                format!("node could not be started ({e})"),
            )
        })?;
    if !output.status.success() {
        return Err(failed(
            "granting",
            &grant,
            String::from_utf8_lossy(&output.stderr).trim().to_string(),
        )
        .into());
    }
    writeln!(
        out,
        "  {} {command}; {}",
        paint.green("made     "),
        work.grant
    )?;
    Ok(())
}

/// Sends `INSFORGE_INTEGRATE_SQL` over the URL in the variable `INSFORGE_INTEGRATE_URL_VAR`
/// names, with the app's own `pg` (Better Auth's pool uses it).
const GRANT_JS: &str = r#"
let pg;
try {
  pg = require('pg');
} catch {
  console.error("the app's pg package is not installed: install the dependencies first");
  process.exit(3);
}
const client = new pg.Client({ connectionString: process.env[process.env.INSFORGE_INTEGRATE_URL_VAR] });
client
  .connect()
  .then(() => client.query(process.env.INSFORGE_INTEGRATE_SQL))
  .then(() => client.end())
  .catch((error) => {
    console.error(error.message);
    process.exit(1);
  });
"#;

/// The package manager's install in the app's folder, its output streamed to standard error
/// (standard output may be a `--json` document).
fn install(root: &Path, argv: &[String], out: &mut dyn Write, paint: Paint) -> Result<()> {
    let command = argv.join(" ");
    writeln!(
        out,
        "  {} the added dependencies: {command}",
        paint.cyan("installing")
    )?;
    out.flush()?;
    let failed = |message: String| crate::error::Error::CommandFailed {
        step: "installing the added dependencies".into(),
        command: command.clone(),
        message,
    };
    let status = std::process::Command::new(&argv[0])
        .args(&argv[1..])
        .current_dir(root)
        .stdin(std::process::Stdio::null())
        .stdout(std::io::stderr())
        .status()
        .map_err(|e| failed(format!("it could not be started ({e})")))?;
    if !status.success() {
        return Err(failed(format!("it exited with {status}")).into());
    }
    writeln!(out, "  {} {command}", paint.green("installed"))?;
    Ok(())
}

/// 32 bytes from the operating system's random source, as hex.
fn random_hex() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| anyhow::anyhow!("the system's random source failed: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Fill `values` into `.env.local` where its keys are empty (a value the user set is never
/// changed), in one transaction; the plan's `.env.local` change becomes what is on disk now.
/// Returns the keys filled.
fn write_values(root: &Path, plan: &mut Plan, values: &[(String, String)]) -> Result<Vec<String>> {
    let disk = crate::app::Disk::new(root)?;
    let old = disk.read(Path::new(ENV_LOCAL))?;
    let text = old.clone().unwrap_or_default();
    let entries: Vec<Entry> = values
        .iter()
        .map(|(key, value)| Entry {
            key: key.clone(),
            value: value.clone(),
            comment: None,
            fill_empty: true,
        })
        .collect();
    let new =
        dotenv::merge(&text, &entries, None).map_err(|e| anyhow::anyhow!("{ENV_LOCAL}: {e}"))?;
    let filled: Vec<String> = values
        .iter()
        .filter(|(key, _)| {
            let now = |t: &str| dotenv::parse(t).into_iter().rev().find(|a| a.key == *key);
            now(&text).is_none_or(|a| a.value.is_empty())
                && now(&new).is_some_and(|a| !a.value.is_empty())
        })
        .map(|(key, _)| key.clone())
        .collect();
    if new != text {
        let write = Plan {
            changes: vec![Change::new(
                ENV_LOCAL,
                if old.is_some() {
                    Action::Update
                } else {
                    Action::Create
                },
                Kind::Env,
                old,
                new.clone(),
            )],
            ..Plan::default()
        };
        crate::apply::apply(root, &write)?;
    }
    plan.filled.extend(filled.iter().cloned());
    if let Some(change) = plan
        .changes
        .iter_mut()
        .find(|c| c.kind == Kind::Env && c.path == Path::new(ENV_LOCAL))
    {
        change.new = new;
        if let Detail::Env {
            empty_now,
            empty_after,
        } = &mut change.detail
        {
            empty_now.retain(|k| !filled.contains(k));
            empty_after.retain(|k| !filled.contains(k));
        }
    }
    Ok(filled)
}
