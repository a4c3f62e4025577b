//! What is left after a run, as [`Step`]s, in order: the install, the env values, the
//! migrations, the merges and notes of the run, then the provider's own setup. A step stays
//! in the list until it is done, and says whether `--setup` (with the app's linked project)
//! could do it, a program could, or only a person can.

use std::path::Path;

use crate::change::{Detail, Kind as ChangeKind, Plan};
use crate::detect::Project;
use crate::dotenv;
use crate::render::Rendered;
use crate::resolve::{Answers, ANON_KEY_VAR};
use crate::step::{Kind, Section, Step, Who};

const ENV_LOCAL: &str = ".env.local";

/// The run's steps and the provider's, each marked done or not as the run leaves the app.
pub fn list(plan: &Plan, answers: &Answers, rendered: &Rendered, project: &Project) -> Vec<Step> {
    let linked = project.link.is_some();
    // What `--setup` does, with a link; what a program could, without.
    let tool_or = |other: Who| if linked { Who::Tool } else { other };
    let mut steps = Vec::new();

    // The install: while a dependency the integration needs is not in node_modules.
    let wanted = rendered.dependencies();
    let missing: Vec<&str> = wanted
        .iter()
        .map(|d| d.name.as_str())
        .filter(|name| !crate::app::installed(&project.root, name))
        .collect();
    if !plan.added_dependencies.is_empty() || !missing.is_empty() {
        let pm = project.package_manager.value;
        let argv: Vec<&str> = pm.install().split_whitespace().collect();
        let names: Vec<&str> = if plan.added_dependencies.is_empty() {
            missing.clone()
        } else {
            plan.added_dependencies
                .iter()
                .map(|d| d.name.as_str())
                .collect()
        };
        steps.push(
            Step::new(
                "install",
                Kind::Install,
                tool_or(Who::Agent),
                format!(
                    "Install the {} ({}):\n  {}",
                    if plan.added_dependencies.is_empty() {
                        "dependencies not in node_modules yet"
                    } else {
                        "added dependencies"
                    },
                    names.join(", "),
                    pm.install()
                ),
            )
            .command(&argv)
            .done(plan.installed || missing.is_empty()),
        );
    }

    // Env values: each key empty in .env.local, or filled by this run's setup.
    let env = env_local(plan);
    let empty = |key: &str| {
        env.as_deref().is_some_and(|text| {
            dotenv::parse(text)
                .iter()
                .rev()
                .find(|a| a.key == key)
                .is_some_and(|a| a.value.is_empty())
        })
    };
    let open = |key: &str| empty(key) || plan.filled.iter().any(|k| k == key);
    // A key .env.local has (empty or set): its step stays in the list, done once set.
    let listed = |key: &str| {
        env.as_deref()
            .is_some_and(|text| dotenv::parse(text).iter().any(|a| a.key == key))
            || plan.filled.iter().any(|k| k == key)
    };
    let mut covered: Vec<String> = rendered
        .provider_setup
        .steps
        .iter()
        .flat_map(|s| s.env.iter().cloned())
        .collect();
    let jwt = &answers.env_names.jwt_secret;
    if answers.provider.signs_jwt && listed(jwt) {
        steps.push(
            Step::new(
                "insforge.jwt-secret",
                Kind::Env,
                tool_or(Who::Agent),
                format!(
                    "Put the InsForge JWT secret in .env.local as {jwt} (or re-run with INSFORGE_JWT_SECRET set). It can sign admin tokens that bypass row-level security: server only, never NEXT_PUBLIC_, never committed.\n  npx -y @insforge/cli secrets get JWT_SECRET"
                ),
            )
            // What puts it there: the secret piped to the tool, never on a command line.
            .command(&[
                "sh",
                "-c",
                "npx -y @insforge/cli secrets get JWT_SECRET --json | jq -r .value | npx -y insforge-integrate init --yes --jwt-secret-stdin",
            ])
            .env(std::slice::from_ref(jwt))
            .done(!empty(jwt)),
        );
        covered.push(jwt.clone());
    }
    if listed(ANON_KEY_VAR) {
        steps.push(
            Step::new(
                "insforge.anon-key",
                Kind::Env,
                tool_or(Who::Person),
                format!("Put the InsForge project's anon key in .env.local as {ANON_KEY_VAR} (linked with `npx @insforge/cli link`, `init --setup` fetches it)."),
            )
            .env(&[ANON_KEY_VAR.to_string()])
            .done(!empty(ANON_KEY_VAR)),
        );
        covered.push(ANON_KEY_VAR.into());
    }
    for var in answers.provider.env.iter().filter(|e| e.generate) {
        if !listed(&var.name) {
            continue;
        }
        steps.push(
            Step::new(
                format!("env.generate.{}", var.name),
                Kind::Env,
                tool_or(Who::Agent),
                format!(
                    "Set {} in .env.local to 32 random bytes as hex, never the InsForge JWT secret:\n  openssl rand -hex 32",
                    var.name
                ),
            )
            .command(&["openssl", "rand", "-hex", "32"])
            .env(std::slice::from_ref(&var.name))
            .done(!empty(&var.name)),
        );
        covered.push(var.name.clone());
    }
    let rest: Vec<String> = env
        .as_deref()
        .map(dotenv::parse)
        .unwrap_or_default()
        .into_iter()
        .map(|a| a.key)
        .filter(|k| open(k) && !covered.contains(k))
        .fold(Vec::new(), |mut keys, k| {
            if !keys.contains(&k) {
                keys.push(k);
            }
            keys
        });
    if !rest.is_empty() {
        let undone: Vec<&String> = rest.iter().filter(|k| empty(k)).collect();
        steps.push(
            Step::new(
                "env.fill",
                Kind::Env,
                Who::Person,
                format!(
                    "Fill in the empty values in .env.local: {}",
                    rest.iter()
                        .map(
                            |k| match answers.provider.env.iter().find(|e| e.name == *k) {
                                Some(e) if !e.comment.is_empty() => format!("{k} ({})", e.comment),
                                _ => k.clone(),
                            }
                        )
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .env(&rest)
            .done(undone.is_empty()),
        );
    }

    // Keys only the app's own example env file names (its README says to copy it to
    // .env.local): into .env.local one by one, since copying the file over it would drop what
    // the tool and --setup put there.
    if let Some(text) = env.as_deref() {
        let have: Vec<String> = dotenv::parse(text).into_iter().map(|a| a.key).collect();
        let mut from: Vec<(&str, &str)> = project
            .env
            .iter()
            .filter(|(key, (file, _))| crate::detect::is_example_env(file) && !have.contains(key))
            .map(|(key, (file, _))| (file.as_str(), key.as_str()))
            .collect();
        from.sort();
        if let Some((file, _)) = from.first() {
            let keys: Vec<String> = from.iter().map(|(_, k)| k.to_string()).collect();
            steps.push(
                Step::new(
                    "env.template",
                    Kind::Env,
                    Who::Person,
                    format!(
                        "Your {file} also lists {}, which .env.local does not set: add them to .env.local (copying {file} over .env.local would drop the InsForge values).",
                        keys.join(", ")
                    ),
                )
                .env(&keys),
            );
        }
    }

    steps.extend(migrations(plan, project, tool_or(Who::Agent)));
    steps.extend(format(plan, project));

    for manual in &plan.manual {
        let path = crate::paths::slash(&manual.existing[0]);
        steps.push(Step::new(
            format!("merge.{path}"),
            Kind::Code,
            Who::Agent,
            format!("Merge the interceptor code printed above (under --json: manual[].content) into your {path}."),
        ));
    }
    for note in rendered.manual_steps.iter().chain(&plan.notes) {
        steps.push(Step::new(
            format!("note.{}", short_hash(note)),
            Kind::Code,
            Who::Agent,
            note.clone(),
        ));
    }

    // The provider's: done as its template says, or when the env values it names are set.
    for step in &rendered.provider_setup.steps {
        let mut step = step.clone();
        step.section = Section::Provider;
        // What `--setup` does through the provider's API (Clerk's template).
        if plan.tool_steps.contains(&step.id) {
            step.who = Who::Tool;
        }
        if plan.done_steps.contains(&step.id) {
            step.done = true;
        }
        // Set: a value in .env.local, or in another env file Next.js loads, that is not a
        // placeholder (`your_clerk_secret_key`).
        let set = |key: &str| {
            let local = env.as_deref().and_then(|text| {
                dotenv::parse(text)
                    .into_iter()
                    .rev()
                    .find(|a| a.key == key)
                    .map(|a| a.value)
            });
            let loaded = project
                .env
                .get(key)
                .filter(|(file, _)| !crate::detect::is_example_env(file))
                .map(|(_, value)| value.clone());
            local
                .or(loaded)
                .is_some_and(|v| !crate::detect::is_placeholder(&v))
        };
        if !step.env.is_empty() && step.env.iter().all(|k| set(k)) {
            step.done = true;
        }
        steps.push(step);
    }
    steps
}

/// The app configures Prettier or Biome without having it installed: the written code
/// follows its quotes, semicolons, indentation and trailing commas, but only the formatter
/// itself wraps lines at its width. Open until the formatter is installed (a later run then
/// formats the files itself).
fn format(plan: &Plan, project: &Project) -> Option<Step> {
    let Some(crate::detect::formatter::Formatter::Style { evidence, .. }) = &project.formatter
    else {
        return None;
    };
    let files: Vec<String> = plan
        .changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Owned && crate::format::is_code(&c.path))
        .map(|c| crate::paths::slash(&c.path))
        .collect();
    if files.is_empty() {
        return None;
    }
    let biome = evidence.contains("biome");
    let oxfmt = evidence.contains("oxfmt");
    let pm = project.package_manager.value;
    let mut argv: Vec<&str> = pm.local().split_whitespace().collect();
    if biome {
        argv.extend(["biome", "format", "--write"]);
    } else if oxfmt {
        argv.push("oxfmt");
    } else {
        argv.extend(["prettier", "--write"]);
    }
    argv.extend(files.iter().map(String::as_str));
    Some(
        Step::new(
            "format",
            Kind::Command,
            Who::Agent,
            format!(
                "Your {} ({evidence}) is not run by insforge-integrate here, so the written files take its quotes, semicolons, indentation and trailing commas, not its line width or import order. After the install, format them:\n  {}\n(then `insforge-integrate update --yes` records the formatted files, so `check` passes; with the formatter installed, `update --yes` alone formats and records them)",
                if biome {
                    "Biome config"
                } else if oxfmt {
                    "oxfmt config"
                } else {
                    "Prettier config"
                },
                argv.join(" ")
            ),
        )
        .command(&argv),
    )
}

/// The tool's migrations, in order, until applied on the linked project (`--setup` finds out;
/// without a link the tool cannot see it, so the step stays).
fn migrations(plan: &Plan, project: &Project, who: Who) -> Vec<Step> {
    let mut migrations: Vec<&crate::change::Change> = plan
        .changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Migration && c.action != crate::change::Action::Skip)
        .collect();
    migrations.sort_by(|a, b| a.path.cmp(&b.path));
    let many = migrations.len() > 1;
    migrations
        .into_iter()
        .enumerate()
        .map(|(i, m)| {
            let version = match &m.detail {
                Detail::Migration { version } => version.as_str(),
                _ => "",
            };
            // The InsForge CLI applies `migrations/` of the folder it runs in (and linked).
            let folder = m
                .path
                .parent()
                .and_then(Path::parent)
                .filter(|p| !p.as_os_str().is_empty())
                .map(crate::paths::slash);
            let command = format!(
                "{}npx -y @insforge/cli db migrations up {version}{}",
                folder
                    .as_deref()
                    .map(|f| format!("(cd {f} && "))
                    .unwrap_or_default(),
                if folder.is_some() { ")" } else { "" },
            );
            let order = if many {
                format!(
                    " ({} of {}, in this order; see the provider steps for what runs between them)",
                    i + 1,
                    project_count(plan)
                )
            } else {
                String::new()
            };
            let seen = if m.action.writes() || project.link.is_some() {
                ""
            } else {
                " unless it is applied already"
            };
            let mut step = Step::new(
                format!("insforge.migration.{version}"),
                Kind::Migration,
                who,
                format!(
                    "Apply the migration {}{seen}{order}:\n  {command}",
                    m.display_path()
                ),
            )
            .command(&[
                "npx",
                "-y",
                "@insforge/cli",
                "db",
                "migrations",
                "up",
                version,
            ])
            .done(plan.applied.contains(&m.path));
            if folder.is_some() {
                // The argv runs in the migrations' own folder.
                step.text.push_str("   # in that folder");
            }
            step
        })
        .collect()
}

fn project_count(plan: &Plan) -> usize {
    plan.changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Migration && c.action != crate::change::Action::Skip)
        .count()
}

/// `.env.local` as the run leaves it (the plan's change, updated by `--setup`).
fn env_local(plan: &Plan) -> Option<String> {
    plan.changes
        .iter()
        .find(|c| c.kind == ChangeKind::Env && c.path == Path::new(ENV_LOCAL))
        .map(|c| match (&c.old, c.action) {
            // Kept as it is: what is on disk.
            (Some(old), crate::change::Action::Skip) => old.clone(),
            _ => c.new.clone(),
        })
}

/// A short stable name for a note's text (FNV-1a, 32 bits, hex).
fn short_hash(text: &str) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for b in text.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    format!("{h:08x}")
}
