//! Bad input: a clear error naming what to fix, exit code 2, nothing written.

use crate::harness::Test;

#[track_caller]
fn fails_cleanly(t: &Test, args: &[&str], needle: &str) {
    let before = t.tree();
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let run = t.run_with(&args).code(2);
    assert!(
        run.stderr.contains(needle),
        "stderr lacks {needle:?}\n{}",
        run.stderr
    );
    assert_eq!(t.tree(), before, "files changed after an error");
}

#[test]
fn missing_provider_names_the_flag() {
    let t = Test::fixture("clerk").file("package.json", r#"{"dependencies":{"next":"16.0.0"}}"#);
    fails_cleanly(
        &t,
        &["--yes"],
        "pass --provider auth0|better-auth|clerk|kinde|stytch|workos",
    );
    fails_cleanly(&t, &["--yes"], "none was detected");
}

#[test]
fn missing_tables_without_terminal_or_yes() {
    fails_cleanly(&Test::fixture("clerk"), &[], "--table NAME");
}

#[test]
fn malformed_package_json_names_the_position() {
    let t = Test::fixture("clerk").file(
        "package.json",
        "{\n  \"dependencies\": {\n    \"next\": \"16\",\n  }\n}\n",
    );
    fails_cleanly(
        &t,
        &["--yes"],
        "package.json: not valid JSON at line 4 column 3",
    );
}

#[test]
fn malformed_tsconfig_names_the_position() {
    let t = Test::fixture("clerk").file(
        "tsconfig.json",
        "{\n  \"compilerOptions\": {\n    \"paths\": {\n      \"@/*\" [\"./*\"]\n    }\n  }\n}\n",
    );
    fails_cleanly(
        &t,
        &["--yes"],
        "tsconfig.json: not valid JSON with comments:",
    );
    fails_cleanly(&t, &["--yes"], "on line 4");
}

#[test]
fn hostile_table_names_are_rejected() {
    for bad in [
        "todos; drop table users",
        "todos\"--",
        "a b",
        "",
        "x/*y*/",
        "public.todos.extra",
    ] {
        fails_cleanly(
            &Test::fixture("clerk"),
            &["--yes", "--table", bad],
            "invalid table name",
        );
    }
}

#[test]
fn unknown_provider() {
    fails_cleanly(
        &Test::fixture("clerk"),
        &["--yes", "--provider", "okta"],
        "invalid value 'okta' for '--provider <PROVIDER>'",
    );
}

#[test]
fn unsupported_projects_say_what_is_supported() {
    let t = Test::fixture("clerk").remove("app").file(
        "pages/index.tsx",
        "export default function P() { return null; }\n",
    );
    fails_cleanly(&t, &["--yes"], "Pages Router");
    let t = Test::fixture("clerk").file(
        "package.json",
        r#"{"dependencies":{"vite":"7","@clerk/react":"6"}}"#,
    );
    fails_cleanly(&t, &["--yes"], "supports Next.js apps using the App Router");
    fails_cleanly(&Test::empty(), &["--yes"], "no package.json");
    let t = Test::fixture("clerk").remove("tsconfig.json").file(
        "package.json",
        r#"{"dependencies":{"next":"16.0.0","@clerk/nextjs":"7"}}"#,
    );
    fails_cleanly(&t, &["--yes"], "JavaScript app");
}

#[test]
fn ask_needs_a_terminal() {
    fails_cleanly(
        &Test::fixture("clerk"),
        &["--yes", "--on-conflict", "ask"],
        "needs a terminal",
    );
}

#[test]
fn bad_url() {
    fails_cleanly(
        &Test::fixture("clerk"),
        &["--yes", "--insforge-url", "demo.insforge.app"],
        "not an http(s) URL",
    );
}

#[test]
fn usage_errors_exit_2() {
    fails_cleanly(
        &Test::fixture("clerk"),
        &["--on-conflict", "maybe"],
        "invalid value 'maybe'",
    );
    fails_cleanly(
        &Test::fixture("clerk"),
        &["--jwt-secret", "x"],
        "unexpected argument",
    );
}

#[test]
fn utf16_package_json_is_a_usage_error() {
    let utf16: Vec<u8> = "\u{feff}{\"dependencies\":{\"next\":\"16\"}}"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let t = Test::fixture("clerk");
    std::fs::write(t.path().join("package.json"), utf16).unwrap();
    fails_cleanly(&t, &["--yes"], "package.json: is UTF-16 text");
}

#[test]
fn a_broken_answers_file_names_itself() {
    let t = Test::fixture("clerk").file("insforge-integrate.toml", "provider = 3\n");
    fails_cleanly(&t, &["--yes"], "insforge-integrate.toml:");
    fails_cleanly(&t, &["--yes"], "delete the file");
}

/// Error runs compared whole, per provider: the detection block the run printed, then stderr
/// and the exit code, for a missing answer, a bad flag value, `check` before `init`, and a
/// conflict under `--on-conflict fail`. Nothing is written by any of them.
#[test]
fn error_runs_in_whole_for_every_provider() {
    crate::every_provider::each(|p| {
        let provider = &p.id;
        let t = Test::greenfield(p);
        let lib = if t.exists("src/app") {
            "src/lib/insforge.ts"
        } else {
            "lib/insforge.ts"
        };
        let t = t.file(lib, "// mine\n");
        let before = t.tree();
        let cases: [(&str, &[&str]); 4] = [
            ("init", &[]),
            ("init", &["--yes", "--insforge-url", "demo.insforge.app"]),
            ("check", &[]),
            (
                "init",
                &["--yes", "--table", "todos", "--on-conflict", "fail"],
            ),
        ];
        let mut text = String::new();
        for (command, args) in cases {
            // `init` as this provider, whatever else claims its packages (the flag changes no
            // output, so the case is shown without it).
            let as_provider = ["--provider", provider];
            let run = match command {
                "init" => t.command(command, &[&as_provider[..], args].concat()),
                _ => t.command(command, args),
            };
            text.push_str(&format!(
                "=== {command} {}\n{}--- stderr (exit {})\n{}\n",
                args.join(" "),
                run.stdout,
                run.code,
                run.stderr
            ));
        }
        assert!(t.tree() == before, "{provider}: an error run wrote");
        insta::assert_snapshot!(format!("{provider}_errors"), t.normalize(&text));
    });
}

/// An Nx integrated workspace's app has `project.json` and no package.json of its own: the
/// error says what this is and that nothing was written, not "run it inside your app".
#[test]
fn an_nx_project_without_its_own_package_json_is_named() {
    let t = Test::empty()
        .file("package.json", "{\n  \"name\": \"@acme/source\",\n  \"dependencies\": { \"next\": \"16.0.10\", \"@clerk/nextjs\": \"7.9.0\" }\n}\n")
        .file("nx.json", "{}\n")
        .file("apps/web/project.json", "{\n  \"name\": \"web\",\n  \"projectType\": \"application\"\n}\n")
        .file("apps/web/next.config.js", "module.exports = {};\n")
        .file("apps/web/app/layout.tsx", "export default function RootLayout({ children }: { children: React.ReactNode }) {\n  return <html><body>{children}</body></html>;\n}\n")
        .args(["--yes", "--dry-run"]);
    t.run_in("apps/web")
        .code(2)
        .stderr_has("is an Nx project whose packages are the workspace's (../../package.json")
        .stderr_has("Nothing was written")
        .lacks("run insforge-integrate inside your app's folder");
}

/// Clerk 4's `authMiddleware` is another API: composing it with `clerkMiddleware` (new in
/// v5) wrote a middleware that does not build. The run is refused, saying how to upgrade;
/// nothing is written.
#[test]
fn clerk_4_is_refused_before_anything_is_written() {
    let t = Test::fixture("clerk")
        .file("package.json", "{\n  \"name\": \"clerk-app\",\n  \"private\": true,\n  \"dependencies\": {\n    \"@clerk/nextjs\": \"^4.26.2\",\n    \"next\": \"14.2.3\",\n    \"react\": \"18.3.1\",\n    \"react-dom\": \"18.3.1\"\n  }\n}\n")
        .file("package-lock.json", "{\n  \"name\": \"clerk-app\",\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"\": { \"name\": \"clerk-app\" },\n    \"node_modules/next\": { \"version\": \"14.2.3\" },\n    \"node_modules/@clerk/nextjs\": { \"version\": \"4.26.2\" }\n  }\n}\n")
        .file("middleware.ts", "import { authMiddleware } from \"@clerk/nextjs\";\n\nexport default authMiddleware({\n  publicRoutes: [\"/\"],\n});\n\nexport const config = {\n  matcher: [\"/((?!.+\\\\.[\\\\w]+$|_next).*)\", \"/\", \"/(api|trpc)(.*)\"],\n};\n")
        .args(["--yes", "--table", "todos"]);
    let before = t.tree();
    t.run()
        .code(2)
        .stderr_has("@clerk/nextjs 4.26.2")
        .stderr_has("v4 is a different API");
    assert_eq!(t.tree(), before);
}

/// Kinde 1 is refused the same way, and the upgrade it names is in the app's own package
/// manager (a pnpm app is not told to run npm).
#[test]
fn kinde_1_is_refused_with_the_upgrade_in_the_apps_package_manager() {
    let t = Test::fixture("kinde")
        .file("package.json", "{\n  \"name\": \"kinde-app\",\n  \"private\": true,\n  \"dependencies\": {\n    \"@kinde-oss/kinde-auth-nextjs\": \"^1.8.18\",\n    \"next\": \"14.2.3\",\n    \"react\": \"18.3.1\",\n    \"react-dom\": \"18.3.1\"\n  }\n}\n")
        .file("pnpm-lock.yaml", "lockfileVersion: '9.0'\n")
        .args(["--yes", "--table", "todos"]);
    let before = t.tree();
    let run = t.run().code(2).stderr_has("v1 is a different API");
    run.stderr_has("`pnpm add @kinde-oss/kinde-auth-nextjs@^2`")
        .lacks("npm install");
    assert_eq!(t.tree(), before);
}

/// A provider SDK older than every release the code is verified against is said, in the
/// steps: the run still writes (the API may well match), but not silently.
#[test]
fn a_provider_sdk_older_than_every_verified_release_is_said() {
    let t = Test::fixture("stytch")
        .file("package.json", "{\n  \"name\": \"stytch-app\",\n  \"private\": true,\n  \"dependencies\": {\n    \"@stytch/nextjs\": \"^22.0.0\",\n    \"stytch\": \"^10.7.0\",\n    \"next\": \"^16.0.0\",\n    \"react\": \"19.2.1\",\n    \"react-dom\": \"19.2.1\"\n  }\n}\n")
        .remove("bun.lock")
        .args(["--yes", "--table", "todos"]);
    t.run().success().stdout_has(
        "stytch 10.7.0 (package.json: \"stytch\": \"^10.7.0\") is older than any release",
    );
    // Verified ones are not.
    Test::fixture("stytch")
        .args(["--yes", "--table", "todos"])
        .run()
        .success()
        .lacks("is older than any release");
}

/// `detect --json` says when `init` would refuse the app, and why (a JavaScript-only app,
/// an SDK older than the templates serve), so an agent knows before it runs `init`; the
/// advice is what makes Next.js set TypeScript up (an empty `tsconfig.json` is its first-time
/// setup, read from Next's getTypeScriptIntent), in the app's package manager.
#[test]
fn detect_says_when_init_would_refuse_and_why() {
    let t = Test::fixture("clerk")
        .remove("tsconfig.json")
        .file(
            "package.json",
            r#"{"dependencies":{"next":"16.0.0","@clerk/nextjs":"7"}}"#,
        )
        .file(
        "app/layout.js",
        "export default function RootLayout({ children }) {\n  return <html><body>{children}</body></html>;\n}\n",
    ).remove("app/layout.tsx");
    let run = t.command("detect", &["--json"]).success();
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let why = doc["init_refuses"]
        .as_str()
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(why.contains("JavaScript app"), "{why}");
    assert!(why.contains("echo '{}' > tsconfig.json"), "{why}");
    assert!(
        why.contains("-D typescript @types/react @types/node"),
        "{why}"
    );
    t.run_with(&["--yes".into()])
        .code(2)
        .stderr_has("echo '{}' > tsconfig.json");

    // An SDK older than the templates serve: Kinde 1.
    let t = Test::fixture("kinde").file(
        "package.json",
        "{\n  \"name\": \"kinde-app\",\n  \"private\": true,\n  \"dependencies\": {\n    \"@kinde-oss/kinde-auth-nextjs\": \"^1.8.18\",\n    \"next\": \"14.2.3\",\n    \"react\": \"18.3.1\",\n    \"react-dom\": \"18.3.1\"\n  }\n}\n",
    );
    let run = t.command("detect", &["--json"]).success();
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(
        doc["init_refuses"]
            .as_str()
            .is_some_and(|w| w.contains("v1 is a different API")),
        "{}",
        run.stdout
    );
    // A supported app: no such field.
    let run = Test::fixture("clerk")
        .command("detect", &["--json"])
        .success();
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(doc.get("init_refuses").is_none(), "{}", run.stdout);
}
