//! `init --setup` on a Clerk app: the JWT template through Clerk's Backend API, against the
//! stand-in restated from Clerk's OpenAPI document (`tests/common/clerk.rs`, reached through
//! `CLERK_API_URL`), with the request bodies checked against that document's schema by ajv.

use serde_json::{json, Value};

use crate::clerk_standin::{ClerkStandIn, SECRET_KEY};
use crate::harness::Test;
use crate::standin::{StandIn, JWT_SECRET, KEY};

/// The Clerk fixture, linked to `insforge`, its keys in `.env.local` as a person pasted them,
/// Clerk's API at `clerk`.
fn app(insforge: &StandIn, clerk: &ClerkStandIn) -> Test {
    Test::fixture("clerk")
        .file(".insforge/project.json", &insforge.link())
        .file(
            ".env.local",
            &format!("NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=pk_test_Y2xlcmsuZXhhbXBsZS5jb20k\nCLERK_SECRET_KEY={SECRET_KEY}\n"),
        )
        .env("CLERK_API_URL", &clerk.url)
}

fn setup(extra: &[&str]) -> Vec<String> {
    ["--yes", "--table", "todos", "--setup", "--no-install"]
        .iter()
        .chain(extra)
        .map(|s| s.to_string())
        .collect()
}

#[track_caller]
fn nothing_secret_in(text: &str) {
    for secret in [KEY, JWT_SECRET, SECRET_KEY] {
        assert!(!text.contains(secret), "a secret is shown:\n{text}");
    }
}

/// Each value against the OpenAPI document's schema `which` (`request` or `template`).
#[track_caller]
fn conforms(which: &str, values: &[Value]) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), serde_json::to_string(values).unwrap()).unwrap();
    let out = std::process::Command::new("node")
        .arg(root.join("tests/fixtures/clerk-bapi/validate.cjs"))
        .arg(which)
        .arg(file.path())
        .output()
        .expect("node runs (and npm ci in tests/typecheck/node for ajv)");
    assert!(
        out.status.success(),
        "not as Clerk's OpenAPI document says ({which}):\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn steps(stdout: &str) -> Vec<Value> {
    let doc: Value = serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    doc["next_steps"].as_array().unwrap().clone()
}

#[test]
fn setup_creates_clerks_template_and_a_second_run_writes_nothing() {
    let insforge = StandIn::start();
    let clerk = ClerkStandIn::start();
    let t = app(&insforge, &clerk);

    // The dry run lists the step and contacts neither.
    let dry = setup(&["--dry-run", "--json"]);
    let doc: Value = serde_json::from_str(&t.run_with(&dry).success().stdout).unwrap();
    assert!(clerk.state.lock().unwrap().calls.is_empty());
    assert!(insforge.calls().is_empty());
    let remote = doc["remote"].as_array().unwrap();
    let step = remote
        .iter()
        .find(|s| s["id"] == "clerk.jwt-template")
        .unwrap_or_else(|| panic!("{remote:?}"));
    assert_eq!(step["host"], format!("{}/v1", clerk.url));

    let run = t.run_with(&setup(&[])).success();
    nothing_secret_in(&run.all());
    assert!(
        run.stdout
            .contains("created   Clerk JWT template \"insforge\""),
        "{}",
        run.stdout
    );
    let s = clerk.state.lock().unwrap();
    assert_eq!(s.templates.len(), 1);
    let made = &s.templates[0];
    assert_eq!(made["name"], "insforge");
    assert_eq!(
        made["claims"],
        json!({"role": "authenticated", "aud": "insforge-api"})
    );
    assert_eq!(made["lifetime"], 60);
    assert_eq!(made["custom_signing_key"], true);
    assert_eq!(made["signing_algorithm"], "HS256");
    // The InsForge secret goes to Clerk, and nowhere in the app.
    assert_eq!(made["signing_key"], JWT_SECRET);
    assert!(!t.read(".env.local").contains(JWT_SECRET));
    conforms("request", &s.bodies);
    drop(s);
    // The hook asks for what was made.
    assert!(t
        .read("lib/insforge.ts")
        .contains("const JWT_TEMPLATE = 'insforge';"));

    // A second run: only reads.
    let writes = clerk.writes();
    let again = t.run_with(&setup(&["--json"])).success();
    nothing_secret_in(&again.all());
    assert_eq!(clerk.writes(), writes);
    let steps = steps(&again.stdout);
    let template = steps
        .iter()
        .find(|s| s["id"] == "clerk.jwt-template")
        .unwrap();
    assert_eq!(
        (&template["who"], &template["done"]),
        (&json!("tool"), &json!(true))
    );
    // Nothing left but the install --no-install leaves: the keys are in .env.local, the
    // template is made.
    let left: Vec<&Value> = steps
        .iter()
        .filter(|s| s["done"] == false && s["id"] != "install")
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // What the stand-in answers is what the document says Clerk answers.
    conforms("template", &clerk.answers());
}

#[test]
fn a_template_that_differs_is_shown_and_updated_only_when_asked() {
    let insforge = StandIn::start();
    let clerk = ClerkStandIn::start();
    clerk.has(json!({
        "name": "insforge",
        "claims": {"role": "authenticated", "org": "{{org.id}}"},
        "lifetime": 3600,
        "allowed_clock_skew": 5,
        "custom_signing_key": true,
        "signing_algorithm": "HS256",
        "signing_key": "an-older-secret",
    }));
    let t = app(&insforge, &clerk);
    let run = t.run_with(&setup(&[])).success();
    nothing_secret_in(&run.all());
    assert!(
        run.stdout
            .contains("differs   Clerk JWT template \"insforge\": claims")
            && run.stdout.contains("lifetime 3600 s → 60 s")
            && run.stdout.contains("--on-conflict overwrite updates it"),
        "{}",
        run.stdout
    );
    assert!(clerk.writes().is_empty(), "{:?}", clerk.writes());
    let doc = t.run_with(&setup(&["--json"])).success();
    let template = steps(&doc.stdout)
        .into_iter()
        .find(|s| s["id"] == "clerk.jwt-template")
        .unwrap();
    assert_eq!(template["done"], false);

    let run = t
        .run_with(&setup(&["--on-conflict", "overwrite"]))
        .success();
    nothing_secret_in(&run.all());
    assert!(
        run.stdout.contains("updated   Clerk JWT template"),
        "{}",
        run.stdout
    );
    let s = clerk.state.lock().unwrap();
    assert_eq!(
        s.calls
            .iter()
            .filter(|c| c.starts_with("PATCH /v1/jwt_templates/jtmp_1"))
            .count(),
        1
    );
    assert_eq!(s.templates[0]["lifetime"], 60);
    assert_eq!(s.templates[0]["signing_key"], JWT_SECRET);
    conforms("request", &s.bodies);
}

#[test]
fn clerks_refusals_stop_the_run_naming_the_step_and_a_rerun_finishes() {
    let insforge = StandIn::start();
    let clerk = ClerkStandIn::start();
    // A key Clerk does not take: exit 1, the step and status named, the key never.
    let t = app(&insforge, &clerk).file(
        ".env.local",
        "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=pk_test_x\nCLERK_SECRET_KEY=sk_test_revoked0000000000000000\n",
    );
    let run = t.run_with(&setup(&[])).code(1);
    nothing_secret_in(&run.all());
    assert!(!run.all().contains("sk_test_revoked"), "{}", run.all());
    run.stderr_has("listing Clerk's JWT templates")
        .stderr_has("401")
        .stderr_has("CLERK_SECRET_KEY is not accepted");
    // A server error on the create: exit 1; the files stay written; the next run makes it.
    let t = app(&insforge, &clerk);
    clerk.state.lock().unwrap().fault = Some(("POST /v1/jwt_templates".into(), 500, 1));
    let run = t.run_with(&setup(&[])).code(1);
    nothing_secret_in(&run.all());
    run.stderr_has("creating Clerk's JWT template")
        .stderr_has("500");
    assert!(t.exists("lib/insforge.ts"));
    t.run_with(&setup(&[])).success();
    assert_eq!(clerk.state.lock().unwrap().templates.len(), 1);
    conforms("template", &clerk.answers());
}

#[test]
fn clerk_token_app_signs_in_the_app_and_leaves_clerks_dashboard_alone() {
    let insforge = StandIn::start();
    let clerk = ClerkStandIn::start();
    let t = app(&insforge, &clerk);
    let run = t.run_with(&setup(&["--clerk-token", "app"])).success();
    nothing_secret_in(&run.all());
    // No template: nothing asked of Clerk, the secret in the app's server env instead.
    assert!(clerk.state.lock().unwrap().calls.is_empty());
    assert!(t
        .read(".env.local")
        .contains(&format!("INSFORGE_JWT_SECRET={JWT_SECRET}\n")));
    let route = t.read("app/api/insforge-token/route.ts");
    assert!(
        route.contains("const { userId } = await auth();") && route.contains("jwt.sign("),
        "{route}"
    );
    let hook = t.read("lib/insforge.ts");
    assert!(
        hook.contains("const TOKEN_URL = '/api/insforge-token';") && !hook.contains("getToken("),
        "{hook}"
    );
    assert!(t
        .read("insforge-integrate.toml")
        .contains("token = \"app\""));
    // Kept without the flag on the next run; no Clerk step, and nothing left for a person.
    let again = t.run_with(&setup(&["--json"])).success();
    let steps = steps(&again.stdout);
    assert!(
        !steps.iter().any(|s| s["id"] == "clerk.jwt-template"),
        "{steps:?}"
    );
    let left: Vec<&Value> = steps
        .iter()
        .filter(|s| s["done"] == false && s["id"] != "install")
        .collect();
    assert!(left.is_empty(), "{left:?}");
    assert!(clerk.state.lock().unwrap().calls.is_empty());
}
