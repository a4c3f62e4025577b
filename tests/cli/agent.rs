//! Agent mode: `detect`, `--input-json`, errors as JSON, `skill`, `--version --verbose`.

use crate::harness::Test;

#[test]
fn detect_prints_facts_with_evidence_and_the_model_as_json() {
    let t = Test::fixture("brownfield/clerk-wired");
    let before = t.tree();
    t.command::<&str>("detect", &[])
        .success()
        .stdout_has("provider:        Clerk (package.json: \"@clerk/nextjs\": \"^7.9.0\")")
        .stdout_has("interceptor:     src/middleware.ts:5 calls clerkMiddleware");
    let run = t.command("detect", &["--json"]).success();
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["command"], "detect");
    assert_eq!(doc["provider"], "clerk");
    assert_eq!(doc["detected"]["providers"][0], "clerk");
    assert_eq!(doc["detected"]["src_dir"], true);
    assert_eq!(
        doc["evidence"]["provider.clerk"],
        "package.json: \"@clerk/nextjs\": \"^7.9.0\""
    );
    assert_eq!(
        doc["wiring"]["interceptor"]["provider_call"][0],
        "clerkMiddleware"
    );
    assert!(doc["changes"].as_array().unwrap().is_empty());
    assert_eq!(t.tree(), before, "detect wrote");
}

#[test]
fn input_json_answers_follow_flags_then_fill_in_before_the_answers_file() {
    let t = Test::fixture("workos");
    let answers = t.path().join("answers.json");
    std::fs::write(
        &answers,
        r#"{"table": ["notes"], "insforge-url": "https://json.us-east.insforge.app", "on-conflict": "skip"}"#,
    )
    .unwrap();
    let path = answers.display().to_string();
    // The flag's URL wins; the JSON's table fills in.
    t.run_with(&[
        "--yes".into(),
        "--input-json".into(),
        path.clone(),
        "--insforge-url".into(),
        "https://flag.us-east.insforge.app".into(),
    ])
    .success();
    assert!(t
        .read(".env.local")
        .contains("NEXT_PUBLIC_INSFORGE_URL=https://flag.us-east.insforge.app\n"));
    assert!(t
        .read("insforge-integrate.toml")
        .contains("tables = [\"notes\"]"));
    // The JSON wins over the answers file.
    std::fs::write(&answers, r#"{"table": "todos"}"#).unwrap();
    t.run_with(&["--yes".into(), "--input-json".into(), path.clone()])
        .success();
    assert!(t
        .read("insforge-integrate.toml")
        .contains("tables = [\"todos\"]"));
    // From standard input too.
    let t2 = Test::fixture("clerk").stdin(r#"{"provider": "clerk", "table": "todos"}"#);
    t2.run_with(&["--yes".into(), "--input-json".into(), "-".into()])
        .success();
    assert!(t2
        .read("insforge-integrate.toml")
        .contains("tables = [\"todos\"]"));
    // Secrets never.
    std::fs::write(&answers, r#"{"jwt_secret": "s3cret-value"}"#).unwrap();
    t.run_with(&["--yes".into(), "--input-json".into(), path])
        .code(2)
        .stderr_has("secrets are never taken as data")
        .lacks("s3cret-value");
}

#[test]
fn errors_under_json_are_json_with_the_flag_to_pass() {
    let t = Test::fixture("clerk");
    let run = t.run_with(&["--json".into()]).code(2);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["command"], "init");
    assert_eq!(doc["error"]["code"], 2);
    assert_eq!(doc["error"]["kind"], "missing_answer");
    assert_eq!(doc["error"]["flags"][0], "--table");
    assert!(run.stderr.contains("pass --table NAME"), "{}", run.stderr);
    // A command line that does not parse.
    let run = t
        .run_with(&["--json".into(), "--tabel".into(), "x".into()])
        .code(2);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["error"]["kind"], "usage");
    assert_eq!(doc["command"], "init");
    assert_eq!(doc["error"]["flags"][0], "--table", "the tip's flag first");
    // Drift: the report is the document, and the error is not printed twice on stdout.
    t.run_with(&["--yes".into(), "--table".into(), "todos".into()])
        .success();
    let t = t.remove("lib/insforge.ts");
    let run = t.command("check", &["--json"]).code(1);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("one document");
    assert_eq!(doc["check"]["passed"], false);
}

#[test]
fn skill_prints_the_skill_file() {
    let out = assert_cmd::Command::cargo_bin("insforge-integrate")
        .unwrap()
        .arg("skill")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text, insforge_integrate::skill::SKILL);
    assert!(text.starts_with("---\nname: insforge-integrate\n"));
}

#[test]
fn version_verbose_names_the_templates_and_the_verified_releases() {
    let out = assert_cmd::Command::cargo_bin("insforge-integrate")
        .unwrap()
        .args(["--version", "--verbose"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with(&format!(
            "insforge-integrate {}\ntemplates: ",
            env!("CARGO_PKG_VERSION")
        )),
        "{text}"
    );
    assert!(
        text.contains("@insforge/sdk") && text.contains("1.5.2"),
        "{text}"
    );
    let out = assert_cmd::Command::cargo_bin("insforge-integrate")
        .unwrap()
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("insforge-integrate {}\n", env!("CARGO_PKG_VERSION"))
    );
}

/// Every note a run prints reaches `--json` exactly once: the answers' own notes (no
/// `--table`) in `notes`, and a by-hand step found while planning in `next_steps` only.
#[test]
fn every_note_reaches_json_once() {
    // A resolve note: no --table given.
    let t = Test::fixture("clerk");
    let human = t.run_with(&["--yes".into(), "--dry-run".into()]).success();
    let note = "no --table given: the migration holds requesting_user_id() only";
    assert!(human.stdout.contains(note), "{}", human.stdout);
    let json = t
        .run_with(&["--yes".into(), "--dry-run".into(), "--json".into()])
        .success();
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let count = |key: &str, needle: &str| {
        doc[key]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| text(n).is_some_and(|n| n.contains(needle)))
            .count()
    };
    assert_eq!(count("notes", note), 1, "{}", doc["notes"]);
    assert_eq!(count("next_steps", note), 0, "{}", doc["next_steps"]);
    // A plan note (a layout that cannot be edited): once, in next_steps.
    let t = Test::fixture("clerk")
        .file(
            "app/layout.tsx",
            "export default function RootLayout({ children }: { children: React.ReactNode }) {\n  return <html lang=\"en\"><body>{children}<aside>{children}</aside></body></html>;\n}\n",
        );
    let json = t
        .run_with(&[
            "--yes".into(),
            "--table".into(),
            "todos".into(),
            "--dry-run".into(),
            "--json".into(),
        ])
        .success();
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let all: Vec<&str> = ["notes", "next_steps"]
        .iter()
        .flat_map(|k| doc[*k].as_array().unwrap().iter().filter_map(text))
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    for text in &all {
        assert!(seen.insert(*text), "twice in --json: {text}");
    }
}

/// A note's text, or a step's (`next_steps` holds objects).
fn text(v: &serde_json::Value) -> Option<&str> {
    v.as_str().or_else(|| v["text"].as_str())
}
