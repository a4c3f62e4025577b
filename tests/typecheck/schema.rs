//! The committed JSON Schema (`schema/output.schema.json`, generated from the output types)
//! validates the `--json` output of every command on every app: each provider's greenfield
//! app (for every provider in `provider::all()`) and the brownfield fixtures; `init` (dry run and
//! real), `check` (passing, `--strict` with an edit, drifting), `update` (dry run and real)
//! after an older release's template is staged in the base store. Validated by Ajv in Node
//! (`schema.cjs`), not by the code that wrote it.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

use insforge_integrate::store::base::{Base, FILE as BASE};

use crate::app::{copy_tree, repo};
use crate::npm::NpmProject;

const EPOCH: &str = "1795868306";

/// Every app that gets written to, by name: each provider's greenfield app (run as that
/// provider), then the brownfield fixtures.
fn apps() -> Vec<(
    String,
    Option<&'static insforge_integrate::provider::Provider>,
)> {
    let mut all: Vec<_> = insforge_integrate::provider::all()
        .iter()
        .map(|p| (p.id.clone(), Some(p)))
        .collect();
    let dir = repo().join("tests/fixtures/brownfield");
    let mut brownfield: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| format!("brownfield/{}", e.unwrap().file_name().to_string_lossy()))
        .filter(|n| n != "brownfield/stytch-b2b")
        .collect();
    brownfield.sort();
    all.extend(brownfield.into_iter().map(|name| (name, None)));
    all
}

/// Runs the tool and returns (exit code, stdout).
fn run(app: &Path, args: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_insforge-integrate"))
        .arg(args[0])
        .arg(app)
        .args(&args[1..])
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .env("NO_COLOR", "1")
        .env("CI", "true")
        .env_remove("INSFORGE_JWT_SECRET")
        .stdin(Stdio::null())
        .output()
        .expect("run insforge-integrate");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
    )
}

/// An older release wrote the first line of `path` differently (base store and file).
fn stage_older_release(app: &Path, path: &str) {
    let base_path = app.join(BASE);
    let mut base = Base::parse(&fs::read_to_string(&base_path).unwrap()).unwrap();
    let text = base.files.get_mut(path).unwrap();
    *text = format!("// an older release's line\n{text}");
    fs::write(&base_path, base.render()).unwrap();
    let now = fs::read_to_string(app.join(path)).unwrap();
    fs::write(app.join(path), format!("// an older release's line\n{now}")).unwrap();
}

#[test]
fn the_json_schema_validates_every_commands_output_on_every_fixture() {
    let project = NpmProject::latest();
    let work = tempfile::tempdir().unwrap();
    let docs = work.path().join("docs");
    fs::create_dir_all(&docs).unwrap();
    let mut count = 0;
    let mut save = |fixture: &str, step: &str, want: i32, (code, stdout): (i32, String)| {
        assert_eq!(code, want, "{fixture} {step}: exit {code}\n{stdout}");
        let doc: serde_json::Value = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("{fixture} {step}: not one JSON document ({e}):\n{stdout}"));
        let command = step.split(' ').next().unwrap();
        if command == "usage" {
            assert!(
                doc["command"] == "init" && doc["error"]["kind"] == "usage",
                "{fixture}"
            );
        } else {
            assert_eq!(doc["command"], command, "{fixture} {step}");
        }
        assert_eq!(
            doc.get("error").is_some(),
            step.contains("error"),
            "{fixture} {step}"
        );
        let name = format!(
            "{}-{count:02}-{}.json",
            fixture.replace('/', "-"),
            step.replace([' ', '-'], "_")
        );
        fs::write(docs.join(name), stdout).unwrap();
        count += 1;
    };
    for (fixture, provider) in apps() {
        let app = work.path().join(fixture.replace('/', "-"));
        match provider {
            Some(p) => {
                fs::create_dir_all(&app).unwrap();
                crate::every_provider::greenfield(p, &app);
            }
            None => copy_tree(&repo().join("tests/fixtures").join(&fixture), &app),
        }
        // `init` as the provider, whatever else claims its packages.
        let as_provider: Vec<&'static str> = provider
            .map(|p| vec!["--provider", p.id.as_str()])
            .unwrap_or_default();
        let init_with = |args: &[&'static str]| -> Vec<&'static str> {
            [&["init"], &as_provider[..], args].concat()
        };
        save(&fixture, "detect", 0, run(&app, &["detect", "--json"]));
        save(
            &fixture,
            "init error",
            2,
            run(&app, &init_with(&["--json"])),
        );
        save(
            &fixture,
            "usage error",
            2,
            run(&app, &init_with(&["--json", "--tabel", "x"])),
        );
        let init = init_with(&["--yes", "--table", "todos", "--json"]);
        save(
            &fixture,
            "init --dry-run",
            0,
            run(&app, &[&init[..], &["--dry-run"]].concat()),
        );
        save(&fixture, "init", 0, run(&app, &init));
        save(&fixture, "check", 0, run(&app, &["check", "--json"]));
        let base = Base::parse(&fs::read_to_string(app.join(BASE)).unwrap()).unwrap();
        let owned = base
            .files
            .keys()
            .find(|p| !p.starts_with("migrations/"))
            .or_else(|| base.files.keys().next())
            .unwrap()
            .clone();
        let edited = format!(
            "{}\n// mine\n",
            fs::read_to_string(app.join(&owned)).unwrap()
        );
        fs::write(app.join(&owned), edited).unwrap();
        save(
            &fixture,
            "check --strict",
            1,
            run(&app, &["check", "--json", "--strict"]),
        );
        stage_older_release(&app, &owned);
        save(&fixture, "check drift", 1, run(&app, &["check", "--json"]));
        save(
            &fixture,
            "update --dry-run",
            0,
            run(&app, &["update", "--json", "--dry-run"]),
        );
        save(
            &fixture,
            "update",
            0,
            run(&app, &["update", "--json", "--yes"]),
        );
        save(&fixture, "check after", 0, run(&app, &["check", "--json"]));
        save(
            &fixture,
            "detect after",
            0,
            run(&app, &["detect", "--json"]),
        );
    }
    let output = project
        .node_command()
        .arg(repo().join("tests/typecheck/schema.cjs"))
        .arg(repo().join(insforge_integrate::report::json::SCHEMA_FILE))
        .arg(&docs)
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "documents the schema rejects:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains(&format!("{count} of {count} documents valid")),
        "{stdout}"
    );
    eprintln!("{stdout}");
}
