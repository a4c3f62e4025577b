//! What detection reports, and the evidence it shows for each fact.

use crate::harness::Test;

/// Run `init` on the workspace member `apps/web` of `t`, by path or from inside it; its stdout.
fn run_member(t: &Test, args: &[&str], from_inside: bool) -> String {
    let member = t.path().join("apps/web");
    let mut cmd = assert_cmd::Command::cargo_bin("insforge-integrate").unwrap();
    cmd.env_clear().env("NO_COLOR", "1").arg("init").args(args);
    if from_inside {
        cmd.current_dir(&member);
    } else {
        cmd.arg(&member);
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn dry(fixture: &str) -> crate::harness::Run {
    Test::fixture(fixture)
        .args(["--dry-run", "--yes"])
        .run()
        .success()
}

#[test]
fn clerk_npm_next16_root_alias() {
    dry("clerk")
        .stdout_has("provider:        Clerk (package.json: \"@clerk/nextjs\": \"^7.9.0\")")
        .stdout_has("framework:       Next.js 16.0.10 App Router (package-lock.json; app/)")
        .stdout_has("layout:          root")
        .stdout_has("import alias:    @/* -> ./* (tsconfig.json compilerOptions.paths)")
        .stdout_has("package manager: npm (package-lock.json)")
        .stdout_has("@insforge/sdk:   not installed (will be added)");
}

#[test]
fn auth0_pnpm_next15_src_layout_jsonc_tsconfig() {
    dry("auth0")
        .stdout_has("Auth0 (package.json: \"@auth0/nextjs-auth0\": \"^4.13.0\")")
        .stdout_has("Next.js 15.5.7 App Router (pnpm-lock.yaml; src/app/)")
        .stdout_has("layout:          src/")
        .stdout_has("import alias:    @/* -> ./src/*")
        .stdout_has("package manager: pnpm (pnpm-lock.yaml)");
}

#[test]
fn workos_yarn_versions_from_the_lockfile() {
    dry("workos")
        .stdout_has("WorkOS (package.json: \"@workos-inc/authkit-nextjs\": \"^4.3.0\")")
        .stdout_has("Next.js 16.1.4 App Router (yarn.lock; app/)")
        .stdout_has("package manager: yarn (yarn.lock)")
        .stdout_has("@insforge/sdk:   1.5.2 (yarn.lock)");
}

#[test]
fn kinde_installed_sdk_wins() {
    dry("kinde")
        .stdout_has("@insforge/sdk:   1.2.5 (node_modules/@insforge/sdk/package.json)")
        .stdout_has("import alias:    none (relative imports)")
        .stdout_has("Next.js 16.1.4 App Router (package.json: \"next\": \"16.1.4\"; app/)");
}

#[test]
fn stytch_bun_lockfile() {
    dry("stytch")
        .stdout_has("package manager: bun (bun.lock)")
        .stdout_has("@insforge/sdk:   1.4.3 (bun.lock)")
        .stdout_has("Next.js 15.5.7");
}

#[test]
fn provider_from_env_var_names_when_no_package_says() {
    Test::fixture("clerk")
        .file(
            "package.json",
            r#"{"dependencies":{"next":"16.0.0","react":"19.2.1"},"devDependencies":{"typescript":"^5"}}"#,
        )
        .file(".env", "KINDE_CLIENT_ID=abc\n")
        .args(["--dry-run", "--yes"])
        .run()
        .success()
        .stdout_has("provider:        Kinde (.env: KINDE_CLIENT_ID)");
}

#[test]
fn several_providers_need_a_choice() {
    let t = Test::fixture("clerk").file(
        "package.json",
        r#"{"dependencies":{"next":"16.0.0","@clerk/nextjs":"7","better-auth":"1.7.0"}}"#,
    );
    t.args(["--dry-run", "--yes"])
        .run()
        .code(2)
        .stdout_has("several candidates: Better Auth")
        .stderr_has("--provider");
    let t = Test::fixture("clerk").file(
        "package.json",
        r#"{"dependencies":{"next":"16.0.0","@clerk/nextjs":"7","better-auth":"1.7.0"}}"#,
    );
    t.args(["--dry-run", "--yes", "--provider", "better-auth"])
        .run()
        .success()
        .stdout_has("create     lib/auth.ts");
}

#[test]
fn package_manager_field_breaks_a_tie_and_counts_alone() {
    Test::fixture("kinde")
        .file(
            "package.json",
            r#"{"packageManager":"pnpm@9.12.0","dependencies":{"next":"16.0.0","@kinde-oss/kinde-auth-nextjs":"2"}}"#,
        )
        .args(["--dry-run", "--yes"])
        .run()
        .success()
        .stdout_has("package manager: pnpm (package.json: \"packageManager\": \"pnpm@9.12.0\")");
}

#[test]
fn workspace_lockfile_in_a_parent_folder() {
    let t = crate::harness::Test::empty()
        .file(".git/HEAD", "ref: refs/heads/main\n")
        .file(
            "pnpm-lock.yaml",
            "packages:\n  next@16.2.0:\n    resolution: {}\n",
        )
        .file(
            "apps/web/package.json",
            r#"{"dependencies":{"next":"^16.0.0","@clerk/nextjs":"^7.9.0"}}"#,
        )
        .file("apps/web/tsconfig.json", "{}")
        .file(
            "apps/web/app/page.tsx",
            "export default function P() { return null; }\n",
        );
    let stdout = run_member(&t, &["--dry-run", "--yes"], false);
    assert!(stdout.contains("Next.js 16.2.0"), "{stdout}");
    assert!(
        stdout.contains("package manager: pnpm (../../pnpm-lock.yaml)"),
        "{stdout}"
    );
}

#[test]
fn insforge_url_name_from_source_files() {
    let t = Test::fixture("clerk")
        .file(
            "lib/db.ts",
            "export const url = process.env.NEXT_PUBLIC_INSFORGE_BASE_URL!;\n",
        )
        .file(
            "node_modules/x/index.js",
            "process.env.NEXT_PUBLIC_INSFORGE_URL\n",
        )
        .args(["--yes"]);
    t.run()
        .success()
        .stdout_has("InsForge URL var: NEXT_PUBLIC_INSFORGE_BASE_URL (lib/db.ts)");
    assert!(t
        .read(".env.local")
        .contains("NEXT_PUBLIC_INSFORGE_BASE_URL="));
    assert!(t
        .read("lib/insforge.ts")
        .contains("process.env.NEXT_PUBLIC_INSFORGE_BASE_URL"));
}

#[test]
fn a_workspace_member_gets_its_own_next_version() {
    let lock = "lockfileVersion: '9.0'\n\nimporters:\n\n  apps/docs:\n    dependencies:\n      next:\n        specifier: ^16.0.0\n        version: 16.0.1(react@19.2.1)\n\n  apps/web:\n    dependencies:\n      next:\n        specifier: ^15.1.0\n        version: 15.1.0(react@19.2.1)\n\npackages:\n\n  next@16.0.1:\n    resolution: {}\n\n  next@15.1.0:\n    resolution: {}\n";
    let t = crate::harness::Test::empty()
        .file(".git/HEAD", "ref: refs/heads/main\n")
        .file("pnpm-lock.yaml", lock)
        .file("node_modules/next/package.json", r#"{"version":"16.0.1"}"#)
        .file(
            "apps/web/package.json",
            r#"{"dependencies":{"next":"^15.1.0","@clerk/nextjs":"^7.9.0"}}"#,
        )
        .file("apps/web/tsconfig.json", "{}")
        .file(
            "apps/web/app/page.tsx",
            "export default function P() { return null; }\n",
        );
    let stdout = run_member(&t, &["--yes"], false);
    assert!(
        stdout.contains("Next.js 15.1.0 App Router (../../pnpm-lock.yaml; app/)"),
        "{stdout}"
    );
    assert!(
        t.path().join("apps/web/middleware.ts").exists()
            && !t.path().join("apps/web/proxy.ts").exists()
    );
}

#[test]
fn alias_through_an_extended_base_config() {
    let t = Test::fixture("auth0")
        .file("tsconfig.base.json", r#"{"compilerOptions":{"baseUrl":"./src","strict":true}}"#)
        .file(
            "tsconfig.json",
            "{\n  // shared settings\n  \"extends\": \"./tsconfig.base.json\",\n  \"compilerOptions\": {\"paths\": {\"@/*\": [\"*\"]}},\n}\n",
        )
        .args(["--yes"]);
    t.run()
        .success()
        .stdout_has("import alias:    @/* -> ./src/*");
    let utility = t.read("src/lib/insforge.ts");
    assert!(utility.contains("from '@/lib/auth0'"), "{utility}");
}

#[test]
fn run_from_inside_a_workspace_member() {
    let t = crate::harness::Test::empty()
        .file(".git/HEAD", "ref: refs/heads/main\n")
        .file(
            "pnpm-lock.yaml",
            "importers:\n\n  apps/web:\n    dependencies:\n      next:\n        specifier: latest\n        version: 15.5.7\n",
        )
        .file("apps/web/package.json", r#"{"dependencies":{"next":"latest","@clerk/nextjs":"^7.9.0"}}"#)
        .file("apps/web/tsconfig.json", "{}")
        .file("apps/web/src/app/page.tsx", "export default function P() { return null; }\n");
    let stdout = run_member(&t, &["--yes", "--dry-run"], true);
    assert!(
        stdout.contains("Next.js 15.5.7 App Router (../../pnpm-lock.yaml; src/app/)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("package manager: pnpm (../../pnpm-lock.yaml)"),
        "{stdout}"
    );
    assert!(stdout.contains("create     src/middleware.ts"), "{stdout}");
}
