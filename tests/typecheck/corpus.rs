//! The crafted corpus (`corpus/<case>/`): the app files `init` edits (root layouts,
//! interceptors, `new Auth0Client(…)` modules) in the shapes real apps have and in hostile
//! ones. Each case is a base fixture with the case's files laid over it; the built binary
//! runs on it, and what it did to the file under test (edited, refused with a by-hand step,
//! or left alone with nothing to do) and its exit code must be what `case.toml` expects, so
//! a regression either way fails. Then every case, before and after the run, is type-checked
//! by one `tsc` process per npm project against the real packages: exit 0 must mean that
//! what the tool wrote compiles. See `corpus/README.md`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use serde::Deserialize;
use serde_json::{json, Value};

use crate::app::{copy_tree, files_under, provider_packages, repo};
use crate::npm::{read_json, NpmProject};

/// The corpus must stay this large: shrinking it silently would weaken the guarantee.
const MIN_CASES: usize = 60;

/// Same clock as the other typecheck tests, so migration names repeat.
const EPOCH: &str = "1795868306";

/// A file in each case folder (before and after) that must fail `tsc` with exactly this
/// error: it proves tsc checked that folder and that errors are mapped back to their case.
const CANARY: &str = "corpus-canary.ts";
const CANARY_CODE: &str = "export const canary: number = 'not a number';\n";
const CANARY_ERROR: &str = "TS2322";

/// A diagnostic's lines kept in the report.
const MESSAGE_LINES: usize = 4;

/// What `init` did to a file the case names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Outcome {
    /// The file's bytes changed.
    Edited,
    /// Left byte for byte, and the run's notes, steps or merges name it: a by-hand step.
    Refused,
    /// Left byte for byte, and nothing asks to change it (the app is wired already, or the
    /// provider needs nothing there).
    Unchanged,
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Outcome::Edited => "edited",
            Outcome::Refused => "refused",
            Outcome::Unchanged => "unchanged",
        })
    }
}

/// `corpus/<case>/case.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    /// The shape the case stands for, in a sentence.
    about: String,
    provider: String,
    /// The fixture the case's files are laid over: `next16`, `next16-src` or `next15`,
    /// always without its `@/*` alias (imports are relative, so one tsconfig checks all).
    #[serde(default = "default_base")]
    base: String,
    /// The file under test, relative to the app.
    file: String,
    /// Other files that must have the same outcome (each root layout of route groups).
    #[serde(default)]
    also: Vec<String>,
    expect: Outcome,
    /// Other files of the case the run must edit, whatever `expect` says of the file under
    /// test (the app's `lib/auth0.ts` beside its interceptor).
    #[serde(default)]
    edited_too: Vec<String>,
    /// The exit code `init --yes` must end with.
    #[serde(default)]
    exit: i32,
    /// Fixture files the case deletes before the run (`app/layout.tsx` for route groups).
    #[serde(default)]
    remove: Vec<String>,
    /// Packages of the npm project the app declares besides the provider's (`next-intl`).
    #[serde(default)]
    packages: Vec<String>,
    /// More arguments of `init` (`--auth0-token action`: the cases of the Action's hook).
    #[serde(default)]
    args: Vec<String>,
    /// Text the file under test must hold after the run.
    #[serde(default)]
    contains: Vec<String>,
    /// Text it must not hold after the run.
    #[serde(default)]
    absent: Vec<String>,
    /// Every line break of the file under test after the run is CRLF.
    #[serde(default)]
    crlf: bool,
    /// Files left out of the type-check because the input is not valid TypeScript on
    /// purpose; they must be left byte for byte.
    #[serde(default)]
    skip_tsc: Vec<String>,
    /// A doubt about the behaviour the case records (a refusal that looks avoidable), shown
    /// in the report; the case still expects what the tool does today.
    #[serde(default)]
    finding: Option<String>,
}

fn default_base() -> String {
    "next16".into()
}

struct Case {
    name: String,
    dir: PathBuf,
    spec: Spec,
}

impl Case {
    /// `layout`, `interceptor` or `auth0`, from the file under test.
    fn category(&self) -> &'static str {
        let stem = Path::new(&self.spec.file)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("");
        match stem {
            "layout" => "layout",
            "middleware" | "proxy" => "interceptor",
            _ if self.spec.provider == "auth0" => "auth0",
            _ => "other",
        }
    }

    fn files(&self) -> impl Iterator<Item = &String> {
        std::iter::once(&self.spec.file).chain(&self.spec.also)
    }

    /// The case's own files (everything but `case.toml`), relative to the app.
    fn overlay(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = files_under(&self.dir)
            .into_iter()
            .map(|f| f.strip_prefix(&self.dir).unwrap().to_path_buf())
            .filter(|f| f != Path::new("case.toml"))
            .collect();
        files.sort();
        files
    }

    fn project(&self) -> &'static NpmProject {
        match self.spec.base.as_str() {
            "next15" => NpmProject::next15(),
            _ => NpmProject::latest(),
        }
    }
}

fn corpus_dir() -> PathBuf {
    repo().join("tests/typecheck/corpus")
}

/// Every folder of `corpus/` with a `case.toml`, by name.
fn read_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for entry in fs::read_dir(corpus_dir()).expect("read tests/typecheck/corpus") {
        let dir = entry.unwrap().path();
        let toml_path = dir.join("case.toml");
        if !dir.is_dir() {
            continue;
        }
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let text = fs::read_to_string(&toml_path)
            .unwrap_or_else(|e| panic!("{}: {e}", toml_path.display()));
        let spec: Spec =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", toml_path.display()));
        assert!(
            ["next16", "next16-src", "next15"].contains(&spec.base.as_str()),
            "{name}: unknown base {:?}",
            spec.base
        );
        assert!(
            !spec.about.trim().is_empty(),
            "{name}: say what the case is"
        );
        cases.push(Case { name, dir, spec });
    }
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    cases
}

/// What one run of the tool on one case gave.
struct Run {
    exit: Option<i32>,
    outcomes: Vec<(String, Outcome)>,
    /// What is wrong with the case apart from tsc.
    problems: Vec<String>,
    /// The files the run created or changed, relative to the app.
    written: Vec<String>,
    stderr: String,
}

/// Where a case's app lives: `<group>/after/<case>` (the tool runs there) and its copy
/// before the run, `<group>/before/<case>`.
struct Group {
    root: PathBuf,
    project: &'static NpmProject,
    base: &'static str,
}

impl Group {
    fn app(&self, side: &str, case: &Case) -> PathBuf {
        self.root.join(side).join(&case.name)
    }
}

/// Lays the case over its fixture in `after/<case>` and copies that to `before/<case>`.
fn prepare(group: &Group, case: &Case) {
    let app = group.app("after", case);
    let fixture = repo()
        .join("tests/typecheck/fixtures")
        .join(&case.spec.base);
    copy_tree(&fixture, &app);
    fs::rename(app.join("gitignore"), app.join(".gitignore")).unwrap();
    let tsconfig = app.join("tsconfig.json");
    let mut config = read_json(&tsconfig).unwrap();
    config["compilerOptions"]
        .as_object_mut()
        .unwrap()
        .remove("paths");
    fs::write(
        &tsconfig,
        serde_json::to_string_pretty(&config).unwrap() + "\n",
    )
    .unwrap();
    for gone in &case.spec.remove {
        fs::remove_file(app.join(gone))
            .unwrap_or_else(|e| panic!("{}: remove {gone}: {e}", case.name));
    }
    for file in case.overlay() {
        let target = app.join(&file);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::copy(case.dir.join(&file), target).unwrap();
    }
    let manifest_path = app.join("package.json");
    let mut manifest = read_json(&manifest_path).unwrap();
    let deps = manifest["dependencies"].as_object_mut().unwrap();
    let project = case.project();
    for package in provider_packages(&case.spec.provider)
        .iter()
        .map(String::as_str)
        .chain(case.spec.packages.iter().map(String::as_str))
    {
        deps.insert(package.into(), Value::from(project.pin(package)));
    }
    fs::write(
        &manifest_path,
        serde_json::to_string_pretty(&manifest).unwrap() + "\n",
    )
    .unwrap();
    copy_tree(&app, &group.app("before", case));
}

/// `init --yes --table todos --json` on the case's app, and what it did to each file the
/// case names.
fn run_tool(group: &Group, case: &Case) -> Run {
    let before = group.app("before", case);
    let after = group.app("after", case);
    let output = Command::new(env!("CARGO_BIN_EXE_insforge-integrate"))
        .arg("init")
        .arg(&after)
        .args(["--yes", "--table", "todos", "--json", "--provider"])
        .arg(&case.spec.provider)
        .args(&case.spec.args)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .env("NO_COLOR", "1")
        .env("CI", "true")
        .env_remove("INSFORGE_JWT_SECRET")
        .stdin(Stdio::null())
        .output()
        .expect("run insforge-integrate");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
    // Everything the run asks the user to do: its notes, next steps, the interceptors it
    // asks to merge into, and the files it left alone because they do not parse (the
    // provider's setup then shows what to add).
    let mut asks: Vec<String> = Vec::new();
    if let Some(unparsable) = report["wiring"]["unparsable"].as_array() {
        asks.extend(
            unparsable
                .iter()
                .filter_map(|u| u[0].as_str())
                .map(String::from),
        );
    }
    for key in ["notes", "next_steps"] {
        if let Some(items) = report[key].as_array() {
            // Notes are strings, steps objects with a text (the run's own: the provider's
            // setup names files as places, not as refusals).
            asks.extend(
                items
                    .iter()
                    .filter(|v| v["section"] != "provider")
                    .filter_map(|v| v.as_str().or_else(|| v["text"].as_str()))
                    .map(String::from),
            );
        }
    }
    if let Some(merges) = report["manual"].as_array() {
        for merge in merges {
            if let Some(existing) = merge["existing"].as_array() {
                asks.extend(existing.iter().filter_map(Value::as_str).map(String::from));
            }
        }
    }

    let mut problems = Vec::new();
    let exit = output.status.code();
    if exit != Some(case.spec.exit) {
        problems.push(format!(
            "init exited {exit:?}, expected {}; stderr: {}",
            case.spec.exit,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let mut outcomes = Vec::new();
    for file in case.files() {
        let old = fs::read(before.join(file))
            .unwrap_or_else(|e| panic!("{}: the case has no {file}: {e}", case.name));
        let outcome = match fs::read(after.join(file)) {
            Ok(new) if new != old => Outcome::Edited,
            Ok(_) if asks.iter().any(|a| a.contains(file.as_str())) => Outcome::Refused,
            Ok(_) => Outcome::Unchanged,
            Err(e) => {
                problems.push(format!("{file} is gone after the run: {e}"));
                continue;
            }
        };
        if outcome != case.spec.expect {
            problems.push(format!("{file}: {outcome}, expected {}", case.spec.expect));
        }
        outcomes.push((file.clone(), outcome));
    }

    let text = fs::read(after.join(&case.spec.file))
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    for needle in &case.spec.contains {
        if !text.contains(needle.as_str()) {
            problems.push(format!("{} lacks {needle:?}", case.spec.file));
        }
    }
    for needle in &case.spec.absent {
        if text.contains(needle.as_str()) {
            problems.push(format!("{} has {needle:?}", case.spec.file));
        }
    }
    if case.spec.crlf && text.replace("\r\n", "").contains('\n') {
        problems.push(format!("{} has a bare LF", case.spec.file));
    }

    // The case's other files, and those left out of tsc, are the app's: never touched,
    // except those it names as edited too.
    let named: Vec<PathBuf> = case.files().map(PathBuf::from).collect();
    for file in case.overlay() {
        let skipped = case.spec.skip_tsc.iter().any(|s| Path::new(s) == file);
        if named.contains(&file) && !skipped {
            continue;
        }
        let changed = fs::read(before.join(&file)).ok() != fs::read(after.join(&file)).ok();
        let expected = case.spec.edited_too.iter().any(|e| Path::new(e) == file);
        if changed != expected {
            problems.push(format!(
                "{} was {}, which the case does not expect",
                file.display(),
                if changed { "changed" } else { "left as it was" }
            ));
        }
    }
    for file in &case.spec.edited_too {
        if !case.overlay().iter().any(|f| f == Path::new(file)) {
            problems.push(format!(
                "edited_too names {file}, which the case does not have"
            ));
        }
    }

    let mut written = Vec::new();
    for file in files_under(&after) {
        let relative = file.strip_prefix(&after).unwrap();
        if fs::read(before.join(relative)).ok() != fs::read(&file).ok() {
            written.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
    written.sort();
    Run {
        exit,
        outcomes,
        problems,
        written,
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// One diagnostic of `tsc --pretty false`: `path(line,col): error TSxxxx: message`, with
/// its continuation lines.
#[derive(Debug)]
struct Diagnostic {
    path: String,
    line: String,
    code: String,
    message: String,
}

fn parse_tsc(stdout: &str) -> (Vec<Diagnostic>, Vec<String>) {
    let mut found: Vec<Diagnostic> = Vec::new();
    let mut stray = Vec::new();
    for line in stdout.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = found.last_mut() {
                // The first lines of an elaboration say enough; overloads repeat.
                if last.message.lines().count() < MESSAGE_LINES {
                    last.message.push('\n');
                    last.message.push_str(line);
                }
                continue;
            }
        }
        let parsed = line.split_once("): error ").and_then(|(place, rest)| {
            let (path, position) = place.rsplit_once('(')?;
            let (code, message) = rest.split_once(": ")?;
            Some(Diagnostic {
                path: path.to_string(),
                line: position.split(',').next().unwrap_or("").to_string(),
                code: code.to_string(),
                message: message.to_string(),
            })
        });
        match parsed {
            Some(d) => found.push(d),
            None if line.trim().is_empty() => {}
            None => stray.push(line.to_string()),
        }
    }
    (found, stray)
}

/// The group's root `tsconfig.json` (the base fixture's options, no alias, no Next plugin)
/// over every case's folder, before and after, and the Next types `next-env.d.ts` would
/// bring. The cases' own `next-env.d.ts` import what `next typegen` writes, which is not
/// run: `LayoutProps` is declared as typegen declares it for a route without parameters.
fn write_tsconfig(group: &Group, cases: &[&Case]) {
    let fixture = repo()
        .join("tests/typecheck/fixtures")
        .join(group.base)
        .join("tsconfig.json");
    let mut options = read_json(&fixture).unwrap()["compilerOptions"].clone();
    let object = options.as_object_mut().unwrap();
    for key in ["paths", "plugins", "incremental"] {
        object.remove(key);
    }
    let mut include = Vec::new();
    for side in ["before", "after"] {
        // JavaScript too: tsc reports TypeScript syntax written into a .js file.
        for ext in ["ts", "tsx", "mts", "js", "jsx", "mjs"] {
            include.push(format!("{side}/*/**/*.{ext}"));
        }
    }
    let mut exclude = vec!["*/*/next-env.d.ts".to_string(), "**/node_modules".into()];
    for case in cases {
        for skipped in &case.spec.skip_tsc {
            for side in ["before", "after"] {
                exclude.push(format!("{side}/{}/{skipped}", case.name));
            }
        }
    }
    let config = json!({
        "compilerOptions": options,
        "files": ["corpus-env.d.ts"],
        "include": include,
        "exclude": exclude,
    });
    fs::write(
        group.root.join("tsconfig.json"),
        serde_json::to_string_pretty(&config).unwrap() + "\n",
    )
    .unwrap();
    fs::write(
        group.root.join("corpus-env.d.ts"),
        "/// <reference types=\"next\" />\n/// <reference types=\"next/image-types/global\" />\n\
         import type { ReactNode } from 'react';\n\n\
         declare global {\n  type LayoutProps<Route extends string> = {\n    params: Promise<Record<string, string | string[] | undefined>>;\n    children: ReactNode;\n  } & { route?: Route };\n}\n",
    )
    .unwrap();
    for case in cases {
        for side in ["before", "after"] {
            fs::write(group.app(side, case).join(CANARY), CANARY_CODE).unwrap();
        }
    }
}

/// An exit code as the report shows it.
fn exit_text(exit: Option<i32>) -> String {
    exit.map_or_else(|| "by a signal".into(), |code| code.to_string())
}

fn run_tsc(group: &Group) -> Output {
    group
        .project
        .node("typescript/bin/tsc")
        .args(["--noEmit", "--pretty", "false", "-p", "."])
        .current_dir(&group.root)
        .output()
        .expect("run tsc")
}

/// The corpus: every case run and type-checked; the report lists each case's outcome, and
/// the test fails on any case that is not as expected or any file tsc rejects.
#[test]
fn run_and_typecheck() {
    let _cpu = crate::CPU.write().unwrap_or_else(|e| e.into_inner());
    let started = Instant::now();
    let all = read_cases();
    assert!(
        all.len() >= MIN_CASES,
        "the corpus has {} cases, fewer than {MIN_CASES}",
        all.len()
    );
    // CORPUS_CASE=a,b runs the cases whose names contain one of these.
    let filter = std::env::var("CORPUS_CASE").unwrap_or_default();
    let wanted: Vec<&str> = filter.split(',').filter(|s| !s.is_empty()).collect();
    let cases: Vec<&Case> = all
        .iter()
        .filter(|c| wanted.is_empty() || wanted.iter().any(|w| c.name.contains(w)))
        .collect();
    assert!(!cases.is_empty(), "CORPUS_CASE={filter} names no case");

    let mut groups: Vec<(Group, Vec<&Case>, tempfile::TempDir)> = Vec::new();
    for (base, project) in [
        ("next16", NpmProject::latest()),
        ("next15", NpmProject::next15()),
    ] {
        let members: Vec<&Case> = cases
            .iter()
            .copied()
            .filter(|c| std::ptr::eq(c.project(), project))
            .collect();
        if members.is_empty() {
            continue;
        }
        // Every package a case declares must be pinned (fails here, not in a worker).
        for case in &members {
            for package in &case.spec.packages {
                project.pin(package);
            }
        }
        let dir = tempfile::Builder::new()
            .prefix("corpus-")
            .tempdir_in(project.apps_dir())
            .expect("create the corpus folder");
        let group = Group {
            root: dir.path().to_path_buf(),
            project,
            base,
        };
        groups.push((group, members, dir));
    }

    // The tool, once per case, on both cores.
    let jobs: Vec<(&Group, &Case)> = groups
        .iter()
        .flat_map(|(g, members, _)| members.iter().map(move |c| (g, *c)))
        .collect();
    let runs: Mutex<BTreeMap<String, Run>> = Mutex::new(BTreeMap::new());
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((group, case)) = jobs.get(i) else {
                    break;
                };
                prepare(group, case);
                let run = run_tool(group, case);
                runs.lock().unwrap().insert(case.name.clone(), run);
            });
        }
    });
    let runs = runs.into_inner().unwrap();
    let tool_time = started.elapsed();

    // One tsc per npm project, both at once.
    for (group, members, _) in &groups {
        write_tsconfig(group, members);
    }
    let tsc_started = Instant::now();
    let outputs: Vec<Output> = std::thread::scope(|s| {
        let handles: Vec<_> = groups
            .iter()
            .map(|(group, _, _)| s.spawn(move || run_tsc(group)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let tsc_time = tsc_started.elapsed();

    // tsc's diagnostics, by case.
    let mut failures: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut global = Vec::new();
    for ((group, members, _), output) in groups.iter().zip(&outputs) {
        let stdout = String::from_utf8_lossy(&output.stdout);
        let (diagnostics, stray) = parse_tsc(&stdout);
        global.extend(
            stray
                .into_iter()
                .map(|l| format!("tsc ({}): {l}", group.base)),
        );
        if !output.stderr.is_empty() {
            global.push(format!(
                "tsc ({}) stderr: {}",
                group.base,
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        let mut canaries: BTreeMap<(String, String), usize> = BTreeMap::new();
        for d in diagnostics {
            let mut parts = d.path.splitn(3, '/');
            let (side, name, file) = (parts.next(), parts.next(), parts.next());
            let (Some(side @ ("before" | "after")), Some(name), Some(file)) = (side, name, file)
            else {
                global.push(format!(
                    "tsc ({}): {}({}): {} {}",
                    group.base, d.path, d.line, d.code, d.message
                ));
                continue;
            };
            if file == CANARY && d.code == CANARY_ERROR {
                *canaries.entry((side.into(), name.into())).or_default() += 1;
                continue;
            }
            let what = if side == "before" {
                "the case's input does not compile (fix the case)".to_string()
            } else {
                let existed = group.root.join("before").join(name).join(file).exists();
                format!(
                    "tsc rejects {} the tool {}",
                    file,
                    if existed { "edited" } else { "created" }
                )
            };
            failures.entry(name.to_string()).or_default().push(format!(
                "{what}: {side}/{name}/{file}:{}: {} {}",
                d.line, d.code, d.message
            ));
        }
        for case in members {
            for side in ["before", "after"] {
                if canaries.get(&(side.to_string(), case.name.clone())) != Some(&1) {
                    failures.entry(case.name.clone()).or_default().push(format!(
                        "tsc did not check {side}/{} (its canary error is missing)",
                        case.name
                    ));
                }
            }
        }
        if output.status.success() {
            global.push(format!(
                "tsc ({}) passed although every case holds a canary error",
                group.base
            ));
        }
    }
    for (name, run) in &runs {
        if !run.problems.is_empty() {
            failures
                .entry(name.clone())
                .or_default()
                .splice(0..0, run.problems.iter().cloned());
        }
    }

    // The report: one line per case, then the counts.
    let mut report = String::new();
    let mut counts: BTreeMap<(&str, String), usize> = BTreeMap::new();
    for case in &cases {
        let run = &runs[&case.name];
        let got: Vec<String> = run.outcomes.iter().map(|(_, o)| o.to_string()).collect();
        let status = if failures.contains_key(&case.name) {
            "FAIL"
        } else {
            "ok"
        };
        writeln!(
            report,
            "{status:4} {:44} {:12} {:11} {:24} exit {} ({} written)",
            case.name,
            case.spec.provider,
            case.category(),
            got.join(","),
            exit_text(run.exit),
            run.written.len(),
        )
        .unwrap();
        if let Some(finding) = &case.spec.finding {
            writeln!(report, "       finding: {finding}").unwrap();
        }
        *counts.entry((case.category(), "cases".into())).or_default() += 1;
        for (_, outcome) in &run.outcomes {
            *counts
                .entry((case.category(), outcome.to_string()))
                .or_default() += 1;
        }
    }
    let mut totals: BTreeMap<String, usize> = BTreeMap::new();
    for run in runs.values() {
        for (_, outcome) in &run.outcomes {
            *totals.entry(outcome.to_string()).or_default() += 1;
        }
        *totals
            .entry(format!("exit {}", exit_text(run.exit)))
            .or_default() += 1;
    }
    writeln!(report, "\nby category and outcome:").unwrap();
    for ((category, what), n) in &counts {
        writeln!(report, "  {category:12} {what:10} {n}").unwrap();
    }
    let totals: Vec<String> = totals.iter().map(|(k, n)| format!("{k}: {n}")).collect();
    writeln!(report, "  all          {}", totals.join(", ")).unwrap();
    writeln!(
        report,
        "{} cases; the tool on all in {:.1?}, tsc in {:.1?}, {:.1?} in all",
        cases.len(),
        tool_time,
        tsc_time,
        started.elapsed()
    )
    .unwrap();
    eprintln!("{report}");

    let keep = std::env::var_os("CORPUS_KEEP").is_some();
    if failures.is_empty() && global.is_empty() && !keep {
        return;
    }
    let mut kept = Vec::new();
    for (group, _, dir) in groups {
        kept.push(group.root.display().to_string());
        let _ = dir.keep();
    }
    if failures.is_empty() && global.is_empty() {
        eprintln!("kept in {}", kept.join(", "));
        return;
    }
    let mut message = String::new();
    for line in &global {
        writeln!(message, "{line}").unwrap();
    }
    for (name, problems) in &failures {
        writeln!(message, "\n{name}:").unwrap();
        for p in problems {
            writeln!(message, "  - {p}").unwrap();
        }
        let run = &runs[name];
        if run.exit != Some(0) {
            writeln!(message, "  init stderr: {}", run.stderr.trim()).unwrap();
        }
    }
    panic!(
        "{} of {} corpus cases failed; apps kept in {}\n{message}",
        failures.len(),
        cases.len(),
        kept.join(", ")
    );
}
