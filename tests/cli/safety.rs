//! Secrets stay out of every output; files are written with care.

use crate::harness::Test;

const SECRET: &str = "jwt-secret-from-the-environment-0001";
const USER_SECRET: &str = "sk_test_the_users_own_clerk_secret";

#[test]
fn no_secret_in_any_output() {
    let t = Test::fixture("kinde")
        .file(
            ".env.local",
            &format!(
                "KINDE_CLIENT_SECRET={USER_SECRET}\nDATABASE_URL=postgres://u:hunter22@h/db\n"
            ),
        )
        .args(["--yes", "--table", "todos"])
        .env("INSFORGE_JWT_SECRET", SECRET);
    for args in [
        vec!["--yes", "--table", "todos", "--dry-run"],
        vec!["--yes", "--table", "todos"],
    ] {
        let args: Vec<String> = args.into_iter().map(String::from).collect();
        t.run_with(&args)
            .success()
            .lacks(SECRET)
            .lacks(USER_SECRET)
            .lacks("hunter22");
    }
    let env = t.read(".env.local");
    assert!(
        env.contains(&format!("INSFORGE_JWT_SECRET={SECRET}")),
        "{env}"
    );
    assert!(env.contains(&format!("KINDE_CLIENT_SECRET={USER_SECRET}")));
    assert!(!t.read(".env.example").contains(SECRET));
}

#[test]
fn jwt_secret_from_stdin() {
    let t = Test::fixture("stytch")
        .args(["--yes", "--table", "todos", "--jwt-secret-stdin"])
        .stdin(&format!("{SECRET}\n"));
    t.run()
        .success()
        .lacks(SECRET)
        .stdout_has("INSFORGE_JWT_SECRET=********");
    assert!(t
        .read(".env.local")
        .contains(&format!("INSFORGE_JWT_SECRET={SECRET}\n")));
}

#[cfg(unix)]
#[test]
fn a_new_env_local_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let t = Test::fixture("clerk").args(["--yes"]);
    t.run().success();
    let mode = std::fs::metadata(t.path().join(".env.local"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o077, 0, "{mode:o}");
    let mode = std::fs::metadata(t.path().join("lib/insforge.ts"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o644, 0o644, "{mode:o}");
}

#[test]
fn gitignore_gets_env_local_once() {
    let t = Test::fixture("kinde").args(["--yes"]);
    t.run().success();
    assert_eq!(
        t.read(".gitignore"),
        "# env files (insforge-integrate): .env.local holds secrets, .env.example is committed\n.env.local\n"
    );
    let t = Test::fixture("clerk").args(["--yes"]);
    t.run().success();
    assert_eq!(
        t.read(".gitignore"),
        "/node_modules\n/.next/\n.env*.local\n",
        "already covered by .env*.local"
    );
}

#[test]
fn yes_without_tables_writes_the_function_only_and_says_so() {
    let t = Test::fixture("clerk").args(["--yes"]);
    t.run().success().stdout_has("no --table given");
    let sql = t.read(&format!(
        "migrations/{}_clerk-insforge-rls.sql",
        crate::harness::VERSION
    ));
    assert!(sql.contains("requesting_user_id()") && !sql.contains("create table"));
}

#[test]
fn env_example_is_kept_out_of_a_catch_all_env_rule() {
    let t = Test::fixture("clerk")
        .file(".gitignore", "/node_modules\n.env*\n")
        .args(["--yes"]);
    t.run().success();
    let rules = t.read(".gitignore");
    assert!(
        rules.starts_with("/node_modules\n.env*\n\n# env files"),
        "{rules}"
    );
    assert!(rules.ends_with("\n!.env.example\n"), "{rules}");
    assert!(
        !rules.contains("\n.env.local\n"),
        "already ignored by .env*: {rules}"
    );
}

#[test]
fn keys_set_in_dot_env_are_not_hidden_by_blanks_in_env_local() {
    let t = Test::fixture("clerk")
        .file(
            ".env",
            "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=pk_test_abc\nCLERK_SECRET_KEY=sk_test_def\nNEXT_PUBLIC_INSFORGE_URL=https://mine.insforge.app\n",
        )
        .args(["--yes"]);
    let run = t.run().success();
    let local = t.read(".env.local");
    for key in [
        "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY",
        "CLERK_SECRET_KEY",
        "NEXT_PUBLIC_INSFORGE_URL",
    ] {
        assert!(
            !local.contains(&format!("{key}=")),
            "{key} would shadow .env:\n{local}"
        );
    }
    assert!(local.contains("NEXT_PUBLIC_INSFORGE_ANON_KEY=\n"));
    assert!(
        t.read(".env.example").contains("CLERK_SECRET_KEY="),
        "the example documents every key"
    );
    assert!(!run.stdout.contains("sk_test_def"));
}

#[test]
fn every_unknown_env_value_is_masked() {
    let t = Test::fixture("clerk")
        .file(
            ".env.local",
            "GREETING=\"hello\nPOSTGRES_URL=postgres://admin:hunter2@db/app\nSMTP_PASS=mailpass123\nNEXT_PUBLIC_SITE=https://shown.example\n",
        )
        .args(["--yes", "--dry-run"]);
    t.run()
        .success()
        .lacks("hunter2")
        .lacks("mailpass123")
        .stdout_has("NEXT_PUBLIC_SITE=https://shown.example");
}

#[test]
fn an_unclosed_quote_does_not_cost_the_next_key_its_value() {
    let t = Test::fixture("clerk")
        .file(
            ".env.local",
            "APP_NAME=\"My App\nNEXT_PUBLIC_INSFORGE_ANON_KEY=\"anon-123\"\n",
        )
        .file(
            ".env.test",
            "NEXT_PUBLIC_INSFORGE_URL=https://test-only.insforge.app\n",
        )
        .args(["--yes"]);
    t.run().success();
    let env = t.read(".env.local");
    assert_eq!(
        env.matches("NEXT_PUBLIC_INSFORGE_ANON_KEY=").count(),
        1,
        "{env}"
    );
    assert!(
        env.starts_with("APP_NAME=\"My App\nNEXT_PUBLIC_INSFORGE_ANON_KEY=\"anon-123\"\n"),
        "{env}"
    );
    assert!(
        env.contains("\nNEXT_PUBLIC_INSFORGE_URL=\n"),
        "`next dev` never loads .env.test: {env}"
    );
}

#[test]
fn json_describes_the_plan_without_contents() {
    let t = Test::fixture("workos").env("INSFORGE_JWT_SECRET", SECRET);
    let before = t.tree();
    let run = t
        .run_with(&["--yes".into(), "--dry-run".into(), "--json".into()])
        .success()
        .lacks(SECRET);
    assert_eq!(t.tree(), before);
    let doc: serde_json::Value =
        serde_json::from_str(&run.stdout).expect("stdout is one JSON document");
    assert_eq!(doc["provider"], "workos");
    assert_eq!(doc["written"], false);
    assert_eq!(doc["schema_version"], 2);
    assert_eq!(doc["command"], "init");
    assert_eq!(doc["detected"]["package_manager"], "yarn");
    assert_eq!(doc["evidence"]["package_manager"], "yarn.lock");
    assert_eq!(doc["detected"]["providers"][0], "workos");
    let changes = doc["changes"].as_array().unwrap();
    assert!(changes.iter().any(|c| c["path"] == "lib/insforge.ts"
        && c["action"] == "create"
        && c["kind"] == "owned"));
    assert!(changes
        .iter()
        .any(|c| c["path"] == ".env.local" && c["action"] == "update" && c["kind"] == "env"));
    assert_eq!(doc["manual"][0]["existing"][0], "middleware.ts");

    let run = t.run_with(&["--yes".into(), "--json".into()]).success();
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["written"], true);
    let run = t
        .run_with(&["--check".into(), "--json".into(), "--yes".into()])
        .success();
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(doc["changes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["action"] == "unchanged"));
}
