//! The app's own conventions, each reproduced from a public app where the tool did not fit:
//! its folder for shared modules, its env template whatever its name, the `.gitignore` of a
//! monorepo root, its migration system and its own SQL, its formatter's style, its sign-in
//! route and sign-out, its package manager, and no dependency that no written file imports.

use crate::harness::Test;

fn clerk() -> Test {
    Test::fixture("clerk").args(["--yes", "--table", "todos"])
}

/// The one migration the run wrote, as (path, text).
fn migration(t: &Test, dir: &str) -> (String, String) {
    let entries: Vec<String> = std::fs::read_dir(t.path().join(dir))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().into_string().unwrap())
        .filter(|n| n.ends_with("-insforge-rls.sql"))
        .collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    let path = format!("{dir}/{}", entries[0]);
    let text = t.read(&path);
    (path, text)
}

#[test]
fn the_utility_goes_in_the_apps_own_libs_folder() {
    let t = clerk().file("libs/db.ts", "export const db = {};\n");
    t.run().success().stdout_has("libs/insforge.ts");
    assert!(t.exists("libs/insforge.ts"));
    assert!(!t.exists("lib"), "a second folder beside libs/");
    // The steps name the file where it is.
    let again = clerk().file("utils/cn.ts", "export const cn = 1;\n");
    again
        .run()
        .success()
        .stdout_has("utils/insforge.ts asks for it");
    assert!(again.exists("utils/insforge.ts"));
}

#[test]
fn an_env_template_of_any_name_is_the_template() {
    let t = clerk().file(".env_sample", "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=\n");
    t.run().success();
    assert!(!t.exists(".env.example"), "a second template");
    let sample = t.read(".env_sample");
    assert!(sample.contains("NEXT_PUBLIC_INSFORGE_URL="), "{sample}");
}

#[test]
fn a_committed_env_is_the_template_and_the_steps_read_what_it_sets() {
    let t = Test::fixture("auth0")
        .args(["--yes", "--table", "todos"])
        .file(".gitignore", "node_modules\n.next\n.env*.local\n")
        .file(
            ".env",
            "AUTH0_DOMAIN=acme.us.auth0.com\nAUTH0_CLIENT_ID=abc\nAUTH0_CLIENT_SECRET=your-client-secret\nAUTH0_SECRET=\n",
        );
    let run = t.run().success();
    assert!(
        !t.exists(".env.example"),
        "a template beside the committed .env"
    );
    let env = t.read(".env");
    assert!(env.starts_with("AUTH0_DOMAIN=acme.us.auth0.com\n"), "{env}");
    // Documented with empty values: Next.js loads .env, a placeholder would be used.
    assert!(env.contains("\nNEXT_PUBLIC_INSFORGE_URL=\n"), "{env}");
    assert!(!env.contains("your-insforge"), "{env}");
    // A placeholder is not a value: the steps still ask for the secret.
    run.stdout_has("copy Domain, Client ID and Client Secret into .env.local")
        .stdout_has("Set AUTH0_SECRET in .env.local");
    // The gitignore rule names the template it keeps.
    assert!(!t.read(".gitignore").contains("!.env"));
}

/// A `.env` that git does not ignore but that holds real keys is a local file at risk, not a
/// template: the template is a new `.env.example`, and the steps read the values it sets.
#[test]
fn a_dot_env_with_real_keys_is_not_a_template_and_the_steps_read_it() {
    let t = Test::fixture("auth0")
        .args(["--yes", "--table", "todos"])
        .file(".gitignore", "node_modules\n.next\n.env*.local\n")
        .file(
            ".env",
            "AUTH0_DOMAIN=acme.us.auth0.com\nAUTH0_CLIENT_ID=abc\nAUTH0_CLIENT_SECRET=shh-not-shown\nAUTH0_SECRET=0123abcd\n",
        );
    let run = t.run().success();
    assert!(t.read(".env.example").contains("AUTH0_CLIENT_SECRET="));
    run.stdout_has(".env already sets AUTH0_CLIENT_SECRET")
        .lacks("Set AUTH0_SECRET")
        .lacks("copy Domain, Client ID and Client Secret into .env.local")
        .lacks("shh-not-shown")
        .lacks("0123abcd");
}

#[test]
fn a_monorepo_roots_gitignore_is_the_one_that_covers_env_local() {
    let app = Test::fixture("clerk");
    let t = Test::empty()
        .args(["--yes", "--table", "todos"])
        .file(".git/HEAD", "ref: refs/heads/main\n")
        .file(".gitignore", "node_modules\n.env*\n!.env.example\n")
        .file(
            "package.json",
            "{ \"private\": true, \"workspaces\": [\"apps/*\"] }\n",
        );
    for (path, bytes) in app.files() {
        if path.to_str() != Some(".gitignore") {
            let full = t.path().join("apps/web").join(&path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, bytes).unwrap();
        }
    }
    t.run_in("apps/web").success();
    assert!(
        !t.exists("apps/web/.gitignore"),
        "the root already ignores .env.local"
    );
    assert!(t.exists("apps/web/.env.example"));

    // A root rule that hides the member's template gets undone in the member, once.
    std::fs::remove_dir_all(t.path().join("apps/web/migrations")).unwrap();
    std::fs::write(t.path().join(".gitignore"), "node_modules\n.env*\n").unwrap();
    t.run_in("apps/web").success();
    assert_eq!(
        t.read("apps/web/.gitignore"),
        "# env files (insforge-integrate): .env.local holds secrets, .env.example is committed\n!.env.example\n"
    );
}

#[test]
fn a_gitignore_ending_in_a_blank_line_gets_no_second_one() {
    let t = clerk().file(".gitignore", "node_modules\n\n");
    t.run().success();
    assert!(t
        .read(".gitignore")
        .starts_with("node_modules\n\n# env files"));
}

#[test]
fn drizzles_migrations_folder_is_never_written_into() {
    let t = clerk()
        .file(
            "drizzle.config.ts",
            "import { defineConfig } from 'drizzle-kit';\n\nexport default defineConfig({\n  out: './migrations',\n  schema: './src/models/Schema.ts',\n  dialect: 'postgresql',\n});\n",
        )
        .file(
            "migrations/0000_init.sql",
            "CREATE TABLE IF NOT EXISTS \"todos\" (\n\t\"id\" serial PRIMARY KEY NOT NULL,\n\t\"user_id\" text NOT NULL,\n\t\"title\" text\n);\n",
        )
        .file("migrations/meta/_journal.json", "{\"version\":\"7\",\"dialect\":\"postgresql\",\"entries\":[]}\n");
    let run = t.run().success();
    let entries = std::fs::read_dir(t.path().join("migrations"))
        .unwrap()
        .count();
    assert_eq!(entries, 2, "a file added to Drizzle's folder");
    let (path, sql) = migration(&t, "insforge/migrations");
    run.stdout_has(
        "Drizzle owns migrations/, so InsForge's migration goes in insforge/migrations/",
    )
    .stdout_has("(cd insforge && npx -y @insforge/cli db migrations up")
    .stdout_has(&path)
    .stdout_has("todos is created by migrations/0000_init.sql");
    // The app's table gets policies; no second table with another id type.
    assert!(!sql.contains("create table"), "{sql}");
    assert!(
        sql.contains("alter table public.todos enable row level security"),
        "{sql}"
    );
}

#[test]
fn the_apps_own_sql_anywhere_is_seen_and_prisma_is_named() {
    let t = clerk()
        .file("prisma/schema.prisma", "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n")
        .file(
            "prisma/migrations/20240101000000_init/migration.sql",
            "-- CreateTable\nCREATE TABLE \"todos\" (\n    \"id\" TEXT NOT NULL,\n    \"user_id\" TEXT NOT NULL\n);\nALTER TABLE \"todos\" ENABLE ROW LEVEL SECURITY;\nCREATE POLICY \"own\" ON \"todos\" USING (\"user_id\" = current_user);\n",
        );
    t.run()
        .success()
        .stdout_has("todos already has row-level security policies in prisma/migrations/20240101000000_init/migration.sql")
        .stdout_has("managed by Prisma (prisma/schema.prisma)")
        .stdout_has("npx prisma migrate deploy")
        .stdout_has("prisma migrate dev --create-only --name insforge_rls");
    let (_, sql) = migration(&t, "migrations");
    assert!(!sql.contains("todos"), "{sql}");
}

#[test]
fn generated_files_take_the_style_the_apps_prettier_config_sets() {
    // Prettier configured, not installed: the configured style.
    let t = clerk().file(".prettierrc", "{ \"semi\": false, \"tabWidth\": 4 }\n");
    t.run().success();
    let client = t.read("lib/insforge.ts");
    assert!(
        client.contains("import { useAuth } from \"@clerk/nextjs\"\n"),
        "{client}"
    );
    assert!(client.starts_with("\"use client\"\n"), "{client}");
    assert!(client.contains("\n    return createClient({\n"), "{client}");
    // Run again: the same text, nothing to do.
    t.run().success().stdout_has("Nothing to do");
    t.command("check", &[] as &[&str]).success();
}

/// A Prettier config without Prettier installed (a fresh clone before `npm install`): on
/// every provider, the written files take its quotes, semicolons and trailing commas, and
/// pass the real Prettier's `--check` at a width the templates fit (100); the steps say
/// that only the formatter wraps lines at another width, with the command that does it.
#[test]
fn without_prettier_installed_the_written_files_pass_its_check() {
    crate::every_provider::each(|p| {
        let t = Test::greenfield(p).file(
                ".prettierrc",
                "{ \"semi\": false, \"singleQuote\": true, \"trailingComma\": \"none\", \"printWidth\": 100 }\n",
            );
        let args = ["--yes", "--table", "todos", "--json", "--provider", &p.id];
        let run = t.run_with(&args.map(String::from)).success();
        let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let step = doc["next_steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == "format")
            .unwrap_or_else(|| panic!("{}: no format step\n{}", p.id, run.stdout));
        let files = written_code(&t);
        assert!(!files.is_empty(), "{}", p.id);
        let argv: Vec<&str> = step["command"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        // The package manager's local exec (npx, pnpm exec, bunx, yarn), then prettier.
        let at = argv
            .windows(2)
            .position(|w| w == ["prettier", "--write"])
            .unwrap_or_else(|| panic!("{}: {argv:?}", p.id));
        assert_eq!(argv[at + 2..].len(), files.len(), "{}: {argv:?}", p.id);
        let check = std::process::Command::new("node")
            .arg(installed("prettier").join("bin/prettier.cjs"))
            .arg("--check")
            .args(&files)
            .current_dir(t.path())
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "{}: prettier --check failed:\n{}{}",
            p.id,
            String::from_utf8_lossy(&check.stdout),
            String::from_utf8_lossy(&check.stderr)
        );
    });
}

#[test]
fn the_steps_use_the_apps_sign_in_route_and_its_sign_out() {
    let t = Test::fixture("brownfield/better-auth-prisma")
        .args(["--yes", "--table", "todos"])
        .file(
            "src/app/auth/sign-in/page.tsx",
            "export default function SignIn() {\n  return <form />;\n}\n",
        );
    t.run()
        .success()
        .stdout_has("import { redirect } from 'next/navigation';")
        .stdout_has(
            "redirect('/auth/sign-in');   // null when signed out (src/app/auth/sign-in/page.tsx)",
        )
        .lacks("redirect('/sign-in')");
}

#[test]
fn two_lockfiles_are_settled_by_the_readme() {
    let t = clerk()
        .file(
            "bun.lock",
            "{\n  \"lockfileVersion\": 1,\n  \"workspaces\": {}\n}\n",
        )
        .file(
            "README.md",
            "# App\n\n```bash\nnpm install\nnpm run dev\n```\n",
        );
    t.run()
        .success()
        .stdout_has("npm install")
        .lacks("bun install");
}

#[test]
fn no_dependency_that_no_written_file_imports() {
    // A Kinde app that keeps its own InsForge client (signed by hand, as a guide shows):
    // nothing the tool writes imports server-only or jsonwebtoken.
    let t = Test::fixture("kinde")
        .args(["--yes", "--table", "todos"])
        .file(
            "lib/db.ts",
            "import { createClient } from '@insforge/sdk';\nimport { getKindeServerSession } from '@kinde-oss/kinde-auth-nextjs/server';\n\nexport async function getDb() {\n  const { getAccessTokenRaw } = getKindeServerSession();\n  return createClient({\n    baseUrl: process.env.NEXT_PUBLIC_INSFORGE_URL!,\n    edgeFunctionToken: (await getAccessTokenRaw()) ?? undefined,\n  });\n}\n",
        );
    let run = t.run().success();
    assert!(!t.exists("lib/insforge.ts"), "{}", run.all());
    let after = t.read("package.json");
    assert!(!after.contains("server-only"), "{after}");
    assert!(!after.contains("jsonwebtoken"), "{after}");
}

/// `tests/typecheck/node/node_modules/<package>`, installed by `npm ci --prefix
/// tests/typecheck/node` (as CI does).
fn installed(package: &str) -> std::path::PathBuf {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/typecheck/node/node_modules")
        .join(package);
    assert!(
        path.join("package.json").is_file(),
        "{package} is not installed: run npm ci --prefix tests/typecheck/node"
    );
    path
}

/// The code files the run wrote (not the app's own).
fn written_code(t: &Test) -> Vec<String> {
    let base = t.read("insforge-integrate.base.toml");
    base.lines()
        .filter_map(|l| l.strip_prefix("path = \""))
        .map(|p| p.trim_end_matches('"').to_string())
        .filter(|p| p.ends_with(".ts") || p.ends_with(".tsx") || p.ends_with(".js"))
        .collect()
}

#[test]
fn the_apps_installed_prettier_formats_what_is_written() {
    let t = clerk().file(
        ".prettierrc",
        "{ \"semi\": false, \"singleQuote\": true, \"printWidth\": 60 }\n",
    );
    std::fs::create_dir_all(t.path().join("node_modules")).unwrap();
    std::os::unix::fs::symlink(
        installed("prettier"),
        t.path().join("node_modules/prettier"),
    )
    .unwrap();
    let dry = t.run_with(&[
        "--yes".into(),
        "--table".into(),
        "todos".into(),
        "--dry-run".into(),
    ]);
    // The preview shows the formatted text: printWidth 60 wraps what the templates do not.
    dry.success().stdout_has("+import {\n+  AuthChangeEvent,");
    t.run().success();
    let files = written_code(&t);
    assert!(!files.is_empty());
    let check = std::process::Command::new("node")
        .arg(installed("prettier").join("bin/prettier.cjs"))
        .arg("--check")
        .args(&files)
        .current_dir(t.path())
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "prettier --check failed:\n{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    t.run().success().stdout_has("Nothing to do");
}

#[test]
fn the_apps_installed_biome_formats_what_is_written() {
    let t = clerk().file(
        "biome.json",
        "{\n  \"formatter\": { \"indentStyle\": \"space\", \"lineWidth\": 70 },\n  \"javascript\": { \"formatter\": { \"semicolons\": \"asNeeded\" } }\n}\n",
    );
    let modules = t.path().join("node_modules");
    std::fs::create_dir_all(modules.join(".bin")).unwrap();
    std::fs::create_dir_all(modules.join("@biomejs")).unwrap();
    std::os::unix::fs::symlink(installed("@biomejs/biome"), modules.join("@biomejs/biome"))
        .unwrap();
    std::os::unix::fs::symlink("../@biomejs/biome/bin/biome", modules.join(".bin/biome")).unwrap();
    t.run().success();
    let files = written_code(&t);
    let check = std::process::Command::new(modules.join(".bin/biome"))
        .arg("format")
        .args(&files)
        .current_dir(t.path())
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "biome format failed:\n{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
}

/// An app that pins every dependency gets pinned additions, not ranges.
#[test]
fn an_app_that_pins_its_dependencies_gets_pins() {
    let t = clerk().file(
        "package.json",
        "{\n  \"name\": \"pinned\",\n  \"private\": true,\n  \"dependencies\": {\n    \"@clerk/nextjs\": \"7.9.0\",\n    \"next\": \"16.0.10\",\n    \"react\": \"19.2.1\",\n    \"react-dom\": \"19.2.1\"\n  },\n  \"devDependencies\": {\n    \"typescript\": \"5.9.3\"\n  }\n}\n",
    );
    t.run().success();
    let package = t.read("package.json");
    assert!(
        package.contains("\"@insforge/sdk\": \"1.4.4\""),
        "{package}"
    );
    assert!(!package.contains('^'), "{package}");
    // One range among the pins: the app takes ranges, and so do the additions.
    let t = clerk();
    t.run().success();
    assert!(t
        .read("package.json")
        .contains("\"@insforge/sdk\": \"^1.4.4\""));
}

/// Prisma and Drizzle Kit are the app's own installs: the steps run the local binary
/// (`pnpm exec`), never a download of whatever version `dlx` fetches.
#[test]
fn the_steps_run_the_apps_own_prisma() {
    let t = Test::fixture("brownfield/better-auth-prisma")
        .args(["--yes", "--table", "todos"])
        .file("pnpm-lock.yaml", "lockfileVersion: '9.0'\n");
    t.run()
        .success()
        .stdout_has("pnpm exec prisma")
        .lacks("pnpm dlx prisma");
}

/// An app with its own Better Auth config reads its own secret (`AUTH_SECRET` here, which
/// Better Auth also reads): no `BETTER_AUTH_SECRET`/`BETTER_AUTH_URL` that nothing reads is
/// added, and the steps say the app's config keeps them.
#[test]
fn variables_only_the_tools_own_files_read_are_not_added_to_an_app_with_its_own() {
    let t = Test::fixture("brownfield/better-auth-drizzle")
        .args(["--yes", "--table", "todos"])
        .file(
            ".env.example",
            "DATABASE_URL=postgres://postgres:postgres@localhost:5432/app\nAUTH_SECRET=\n",
        );
    let run = t.run().success();
    for file in [".env.local", ".env.example"] {
        let text = t.read(file);
        assert!(!text.contains("BETTER_AUTH_SECRET"), "{file}:\n{text}");
        assert!(!text.contains("BETTER_AUTH_URL="), "{file}:\n{text}");
    }
    run.stdout_has("Your Better Auth config keeps its own secret and base URL")
        .lacks("BETTER_AUTH_SECRET must be random");
    // The Stytch public token is read by the provider component: an app with its own reads
    // its own variable.
    let t = Test::fixture("brownfield/stytch-wired")
        .args(["--yes", "--table", "todos"])
        .file(
            "components/StytchProvider.tsx",
            "\"use client\";\nimport { StytchProvider as Provider } from \"@stytch/nextjs\";\nimport { createStytchClient } from \"@stytch/nextjs\";\nimport type { ReactNode } from \"react\";\n\nconst stytch = createStytchClient(process.env.NEXT_PUBLIC_STYTCH_PUBLIC ?? \"\");\n\nexport default function StytchProvider({ children }: { children: ReactNode }) {\n  return <Provider stytch={stytch}>{children}</Provider>;\n}\n",
        )
        .file(".env.local", "STYTCH_PROJECT_ID=project-test-1\nSTYTCH_SECRET=secret-test-1\nNEXT_PUBLIC_STYTCH_PUBLIC=public-token-test-1\n");
    t.run().success();
    assert!(!t
        .read(".env.local")
        .contains("NEXT_PUBLIC_STYTCH_PUBLIC_TOKEN"));
}

/// A Prisma app on MySQL: its tables are not in InsForge's Postgres, and the steps say so
/// instead of telling it to apply its migrations before InsForge's. A Postgres Prisma app
/// hears that its schema must know the new tables (or push drops them).
#[test]
fn a_schema_tool_on_another_database_is_named_and_postgres_ones_keep_the_tables() {
    let t = clerk().file(
        "prisma/schema.prisma",
        "generator client {\n  provider = \"prisma-client-js\"\n}\n\ndatasource db {\n  provider     = \"mysql\"\n  url          = env(\"DATABASE_URL\")\n  relationMode = \"prisma\"\n}\n",
    );
    t.run()
        .success()
        .stdout_has("managed by Prisma (prisma/schema.prisma) on mysql, not Postgres")
        .lacks("apply its migrations first");
    let t = clerk().file(
        "prisma/schema.prisma",
        "datasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n}\n",
    );
    t.run()
        .success()
        .stdout_has("Add todos to prisma/schema.prisma as models")
        .lacks("not Postgres");
}

/// A monorepo's formatter config sits at the workspace root: it is found from the member,
/// also when the path given is `.` (the folders above `.` are the current folder's), and
/// the generated code takes its style.
#[test]
fn a_formatter_config_at_the_workspace_root_is_the_members() {
    let app = Test::fixture("clerk");
    let t = Test::empty().file(
        "biome.json",
        "{\n  \"javascript\": { \"formatter\": { \"quoteStyle\": \"double\", \"semicolons\": \"asNeeded\" } }\n}\n",
    );
    std::fs::create_dir_all(t.path().join(".git")).unwrap();
    let member = t.path().join("apps/web");
    std::fs::create_dir_all(&member).unwrap();
    for (path, bytes) in app.files() {
        let target = member.join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, bytes).unwrap();
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_insforge-integrate"))
        .args(["init", ".", "--yes", "--table", "todos"])
        .current_dir(&member)
        .env_clear()
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", crate::harness::EPOCH)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("(../../biome.json)"), "{stdout}");
    let client = std::fs::read_to_string(member.join("lib/insforge.ts")).unwrap();
    assert!(client.contains("from \"@insforge/sdk\"\n"), "{client}");
}

/// The WorkOS client's comment names the app's own sign-in route, as the steps do.
#[test]
fn the_workos_client_names_the_apps_sign_in_route() {
    let t = Test::fixture("workos")
        .args(["--yes", "--table", "todos"])
        .file(
            "app/sign-in/route.ts",
            "import { getSignInUrl } from \"@workos-inc/authkit-nextjs\";\nimport { redirect } from \"next/navigation\";\n\nexport const GET = async () => {\n  const signInUrl = await getSignInUrl();\n  return redirect(signInUrl);\n};\n",
        );
    t.run()
        .success()
        .stdout_has("Sign-in endpoint:   http://localhost:3000/sign-in");
    let client = t.read("lib/insforge.ts");
    assert!(client.contains("(redirect to /sign-in)"), "{client}");
    assert!(!t.exists("app/login/route.ts"));
}

/// A multi-tenant WorkOS app signs in through a route of its own that builds the URL with a
/// helper (`getOrganisationSignInUrl()`, which calls `getSignInUrl({ organizationId })`):
/// that route is its sign-in, no `/login` route goes around it, and the steps point the
/// dashboard's sign-in endpoint at it.
#[test]
fn a_workos_sign_in_through_a_helper_of_the_apps_is_its_sign_in() {
    let t = Test::fixture("workos")
        .args(["--yes", "--table", "todos"])
        .file(
            "lib/auth.ts",
            "import { getSignInUrl } from \"@workos-inc/authkit-nextjs\";\nimport { headers } from \"next/headers\";\n\nconst ORGANISATIONS: Record<string, string> = { \"acme.localhost\": \"org_01ACME\" };\n\nexport async function getOrganisationSignInUrl() {\n  const host = (await headers()).get(\"host\") ?? \"\";\n  return getSignInUrl({ organizationId: ORGANISATIONS[host] });\n}\n",
        )
        .file(
            "app/api/workos/redirect/route.ts",
            "import { redirect } from \"next/navigation\";\nimport { getOrganisationSignInUrl } from \"@/lib/auth\";\n\nexport async function GET() {\n  redirect(await getOrganisationSignInUrl());\n}\n",
        );
    t.run()
        .success()
        .stdout_has("app has workos-login: a sign-in route of its own (through getSignInUrl) at app/api/workos/redirect/route.ts:1")
        .stdout_has("Sign-in endpoint:   http://localhost:3000/api/workos/redirect");
    assert!(!t.exists("app/login/route.ts"));
}

/// A src/ layout app that keeps its helpers in the root's `lib/` (behind `@lib/*`): the
/// utility goes there, not into a new `src/lib/`.
#[test]
fn a_src_layout_app_with_its_lib_at_the_root_gets_the_utility_there() {
    let t = Test::fixture("clerk")
        .args(["--yes", "--table", "todos"])
        .remove("app")
        .file("src/app/layout.tsx", "export default function RootLayout({ children }: { children: React.ReactNode }) {\n  return (\n    <html lang=\"en\">\n      <body>{children}</body>\n    </html>\n  );\n}\n")
        .file("src/app/page.tsx", "export default function Home() {\n  return <main />;\n}\n")
        .file("lib/format.ts", "export const format = (n: number) => n.toFixed(2);\n")
        .file("tsconfig.json", "{\n  \"compilerOptions\": {\n    \"strict\": true,\n    \"jsx\": \"preserve\",\n    \"paths\": { \"@/*\": [\"./src/*\"], \"@lib/*\": [\"./lib/*\"] }\n  }\n}\n");
    t.run().success();
    assert!(
        t.exists("lib/insforge.ts"),
        "{:?}",
        t.files().keys().collect::<Vec<_>>()
    );
    assert!(!t.exists("src/lib/insforge.ts"));
    // Run again: found where it was written, nothing to do.
    t.run().success().stdout_has("Nothing to do");
}

/// A Stytch app with its own server client (as Stytch's Next.js example has it): the
/// generated utility validates sessions with that client, not with a second one of its own.
#[test]
fn the_apps_own_stytch_client_is_used() {
    let t = Test::fixture("stytch").args(["--yes", "--table", "todos"]).file(
        "lib/stytch.ts",
        "import { Client } from \"stytch\";\n\nexport const stytchClient = new Client({\n  project_id: process.env.STYTCH_PROJECT_ID as string,\n  secret: process.env.STYTCH_SECRET as string,\n});\n",
    );
    t.run().success();
    let utility = t.read("lib/insforge.ts");
    assert!(
        utility.contains("import { stytchClient as stytch } from '@/lib/stytch';"),
        "{utility}"
    );
    assert!(!utility.contains("new Client("), "{utility}");
    assert!(utility.contains("lib/stytch.ts:3"), "{utility}");
    t.run().success().stdout_has("Nothing to do");
}

/// A WorkOS callback whose `onError` sends the user to sign in again (`getSignInUrl()`, as
/// WorkOS's MCP shop does) is the callback, not a sign-in route: the tool writes its /login.
#[test]
fn a_workos_callback_that_signs_in_on_error_is_not_the_sign_in_route() {
    let t = Test::fixture("workos").args(["--yes", "--table", "todos"]).file(
        "app/callback/route.ts",
        "import { handleAuth, getSignInUrl } from '@workos-inc/authkit-nextjs';\nimport { redirect } from 'next/navigation';\n\nexport const GET = handleAuth({\n  onError: async () => {\n    redirect(await getSignInUrl());\n  },\n});\n",
    );
    let run = t.run().success();
    assert!(t.exists("app/login/route.ts"), "{}", run.all());
    assert!(
        !run.stdout.contains("redirect('/callback')"),
        "{}",
        run.stdout
    );
    // The route takes no request it does not use (noUnusedParameters, ESLint).
    let login = t.read("app/login/route.ts");
    assert!(!login.contains("_request"), "{login}");
}

/// No formatter configured: the written files take the quotes and semicolons of the app's
/// own root layout (create-next-app writes double quotes). A Biome config that turns its
/// formatter off leaves the app's Prettier config in charge, and an oxfmt config (Prettier's
/// options) is read as one.
#[test]
fn the_style_comes_from_the_apps_code_and_the_formatter_that_formats() {
    let layout = "import type { Metadata } from \"next\";\nimport \"./globals.css\";\n\nexport const metadata: Metadata = { title: \"App\" };\n\nexport default function RootLayout({ children }: { children: React.ReactNode }) {\n  return (\n    <html lang=\"en\">\n      <body>{children}</body>\n    </html>\n  );\n}\n";
    let t = clerk().file("app/layout.tsx", layout);
    t.run().success();
    let client = t.read("lib/insforge.ts");
    assert!(
        client.starts_with("\"use client\";\n") && client.contains("from \"@clerk/nextjs\";"),
        "{client}"
    );
    t.run().success().stdout_has("Nothing to do");

    let t = clerk()
        .file(
            "biome.json",
            "{ \"formatter\": { \"enabled\": false }, \"linter\": { \"enabled\": true } }\n",
        )
        .file(".prettierrc", "{ \"semi\": false }\n");
    t.run().success();
    let client = t.read("lib/insforge.ts");
    assert!(client.contains("from \"@clerk/nextjs\"\n"), "{client}");

    let t = clerk().file(
        ".oxfmtrc.json",
        "{ \"singleQuote\": true, \"trailingComma\": \"none\" }\n",
    );
    let run = t.run().success();
    let client = t.read("lib/insforge.ts");
    assert!(
        !client.contains(",\n  }") && !client.contains(",\n}"),
        "{client}"
    );
    run.stdout_has("oxfmt");
}

/// A Stytch app whose client renames the session cookie (`cookieOptions: {
/// opaqueTokenCookieName }`): the generated utility reads that cookie, else every signed-in
/// user would get null.
#[test]
fn the_stytch_session_cookie_the_app_names_is_read() {
    let t = Test::fixture("stytch").args(["--yes", "--table", "todos"]).file(
        "app/providers.tsx",
        "\"use client\";\nimport { StytchProvider, createStytchClient } from \"@stytch/nextjs\";\n\nconst stytch = createStytchClient(process.env.NEXT_PUBLIC_STYTCH_PUBLIC_TOKEN ?? \"\", {\n  cookieOptions: { opaqueTokenCookieName: \"t2p_b2c_session\", jwtCookieName: \"t2p_b2c_jwt\" },\n});\n\nexport function Providers({ children }: { children: React.ReactNode }) {\n  return <StytchProvider stytch={stytch}>{children}</StytchProvider>;\n}\n",
    );
    t.run().success();
    let utility = t.read("lib/insforge.ts");
    assert!(utility.contains(".get('t2p_b2c_session')"), "{utility}");
    assert!(!utility.contains("stytch_session'"), "{utility}");
}

/// `--existing` tables the app's own SQL creates are checked before anything is written: an
/// owner column the table lacks (the TypeScript key `userId` for the column `user_id`, or no
/// owner column at all) is refused, naming its columns, instead of a migration that fails
/// only when applied.
#[test]
fn an_existing_tables_owner_column_is_checked_against_the_apps_sql() {
    let sql = "CREATE TABLE \"counter\" (\n\t\"id\" serial PRIMARY KEY NOT NULL,\n\t\"count\" integer DEFAULT 0\n);\n--> statement-breakpoint\nCREATE TABLE \"notes\" (\n\t\"id\" serial PRIMARY KEY NOT NULL,\n\t\"user_id\" text NOT NULL,\n\t\"body\" text\n);\n";
    let t = Test::fixture("clerk").file("drizzle/0000_init.sql", sql);
    let before = t.tree();
    let args = |extra: &[&str]| -> Vec<String> {
        ["--yes", "--existing"]
            .iter()
            .chain(extra)
            .map(|s| s.to_string())
            .collect()
    };
    t.run_with(&args(&["--table", "counter"]))
        .code(2)
        .stderr_has(
            "counter has no column user_id in drizzle/0000_init.sql (its columns: id, count)",
        );
    t.run_with(&args(&["--table", "notes", "--owner-column", "userId"]))
        .code(2)
        .stderr_has("pass --owner-column user_id (the column, not the TypeScript key userId)");
    t.run_with(&args(&["--table", "notes", "--owner-column", "id"]))
        .code(2)
        .stderr_has("notes.id is serial");
    assert_eq!(t.tree(), before, "nothing is written");
    t.run_with(&args(&["--table", "notes"])).success();
}

/// Two exported Auth0 clients (an onboarding client beside the app's, as Auth0's B2B SaaS
/// starter has them): the generated code uses the one the app's pages use, not the first.
#[test]
fn of_two_auth0_clients_the_one_the_app_uses_is_taken() {
    let t = Test::fixture("brownfield/auth0-quickstart")
        .args(["--yes", "--table", "todos"])
        .file(
            "lib/auth0.ts",
            "import { Auth0Client } from \"@auth0/nextjs-auth0/server\";\n\nexport const onboardingClient = new Auth0Client({\n  signInReturnToPath: \"/onboarding\",\n});\n\nexport const appClient = new Auth0Client({\n  signInReturnToPath: \"/dashboard\",\n});\n",
        )
        .file(
            "app/dashboard/page.tsx",
            "import { appClient } from \"@/lib/auth0\";\n\nexport default async function Dashboard() {\n  const session = await appClient.getSession();\n  return <p>{session?.user.name}</p>;\n}\n",
        )
        .file(
            "app/dashboard/settings/page.tsx",
            "import { appClient } from \"@/lib/auth0\";\n\nexport default async function Settings() {\n  const session = await appClient.getSession();\n  return <p>{session?.user.email}</p>;\n}\n",
        )
        .file(
            "app/onboarding/page.tsx",
            "import { onboardingClient } from \"@/lib/auth0\";\n\nexport default async function Onboarding() {\n  const session = await onboardingClient.getSession();\n  return <p>{session?.user.name}</p>;\n}\n",
        );
    let run = t.run().success();
    let utility = t.read("lib/insforge.ts");
    assert!(
        utility.contains("import { appClient as auth0 } from \"@/lib/auth0\";"),
        "{utility}\n{}",
        run.stdout
    );
}

/// The same with the name in a constant of the app's (`Constants.STYTCH_B2C_SESSION_COOKIE`
/// from `@/constants`, as a consumer-and-B2B starter has it), and other consumer files read
/// after the layout.
#[test]
fn the_stytch_session_cookie_named_by_a_constant_is_read() {
    let t = Test::fixture("stytch")
        .args(["--yes", "--table", "todos"])
        .file(
            "constants/index.ts",
            "export const STYTCH_B2B_SESSION_COOKIE = \"t2p_b2b_session\";\nexport const STYTCH_B2C_SESSION_COOKIE = \"t2p_b2c_session\";\n",
        )
        .file(
            "app/providers.tsx",
            "\"use client\";\nimport * as Constants from \"@/constants\";\nimport { StytchProvider, createStytchClient } from \"@stytch/nextjs\";\n\nconst stytch = createStytchClient(process.env.NEXT_PUBLIC_STYTCH_CONSUMER_TOKEN ?? \"\", {\n  cookieOptions: { opaqueTokenCookieName: Constants.STYTCH_B2C_SESSION_COOKIE },\n});\n\nexport function Providers({ children }: { children: React.ReactNode }) {\n  return <StytchProvider stytch={stytch}>{children}</StytchProvider>;\n}\n",
        )
        .file(
            "app/profile/page.tsx",
            "\"use client\";\nimport { useStytchUser } from \"@stytch/nextjs\";\n\nexport default function Profile() {\n  const { user } = useStytchUser();\n  return <p>{user?.user_id}</p>;\n}\n",
        );
    t.run().success();
    let utility = t.read("lib/insforge.ts");
    assert!(utility.contains(".get('t2p_b2c_session')"), "{utility}");
}

/// The same checks against the app's Drizzle schema in TypeScript (no SQL of its own):
/// a table it lacks, an owner column it lacks (`userId` is the key of `user_id`), a column
/// that is not text.
#[test]
fn an_existing_table_is_checked_against_the_apps_drizzle_schema() {
    let schema = "import { pgTable, serial, text, uuid } from \"drizzle-orm/pg-core\";\n\nexport const movies = pgTable(\"movies\", {\n  id: serial().primaryKey(),\n  title: text(\"title\").notNull(),\n});\n\nexport const reviews = pgTable(\"reviews\", {\n  id: serial().primaryKey(),\n  userId: text(\"user_id\").notNull(),\n  authorId: uuid(\"author_id\"),\n  body: text(),\n});\n";
    let t = Test::fixture("clerk").file("db/schema.ts", schema);
    let before = t.tree();
    let args = |extra: &[&str]| -> Vec<String> {
        ["--yes", "--existing"]
            .iter()
            .chain(extra)
            .map(|s| s.to_string())
            .collect()
    };
    t.run_with(&args(&["--table", "movies"]))
        .code(2)
        .stderr_has("movies has no column user_id in its Drizzle schema (db/schema.ts:3; its columns: id, title)");
    t.run_with(&args(&["--table", "reviews", "--owner-column", "userId"]))
        .code(2)
        .stderr_has("pass --owner-column user_id (the column, not the name userId in code)");
    t.run_with(&args(&[
        "--table",
        "reviews",
        "--owner-column",
        "author_id",
    ]))
    .code(2)
    .stderr_has("reviews.author_id is not text in its Drizzle schema");
    t.run_with(&args(&["--table", "films"]))
        .code(2)
        .stderr_has("films is not a table of the app's Drizzle schema (its tables: public.movies, public.reviews)");
    assert_eq!(t.tree(), before, "nothing is written");
    t.run_with(&args(&["--table", "reviews"])).success();
}

/// And against its Prisma schema: `@@map` names the table, `@map` the column.
#[test]
fn an_existing_table_is_checked_against_the_apps_prisma_schema() {
    let schema = "datasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n}\n\nmodel Movie {\n  id    Int    @id @default(autoincrement())\n  title String\n  notes Note[]\n\n  @@map(\"movies\")\n}\n\nmodel Note {\n  id      String @id @default(uuid()) @db.Uuid\n  userId  String @map(\"user_id\")\n  movie   Movie  @relation(fields: [movieId], references: [id])\n  movieId Int    @map(\"movie_id\")\n\n  @@map(\"notes\")\n}\n";
    let t = Test::fixture("clerk").file("prisma/schema.prisma", schema);
    let args = |extra: &[&str]| -> Vec<String> {
        ["--yes", "--existing"]
            .iter()
            .chain(extra)
            .map(|s| s.to_string())
            .collect()
    };
    t.run_with(&args(&["--table", "movies"]))
        .code(2)
        .stderr_has("movies has no column user_id in its Prisma schema (prisma/schema.prisma; its columns: id, title)");
    t.run_with(&args(&["--table", "notes", "--owner-column", "userId"]))
        .code(2)
        .stderr_has("pass --owner-column user_id (the column, not the name userId in code)");
    t.run_with(&args(&["--table", "notes", "--owner-column", "id"]))
        .code(2)
        .stderr_has("notes.id is not text in its Prisma schema");
    t.run_with(&args(&["--table", "Movie"])).code(2).stderr_has(
        "is not a table of the app's Prisma schema (its tables: public.movies, public.notes)",
    );
    t.run_with(&args(&["--table", "notes"])).success();
}

/// The yarn-only note about WorkOS's peer dependency is printed for yarn apps only.
#[test]
fn the_workos_peer_note_is_for_yarn_apps_only() {
    let yarn = Test::fixture("workos").args(["--yes", "--table", "todos"]);
    yarn.run()
        .success()
        .stdout_has("With yarn, also add the peer");
    let pnpm = Test::fixture("workos")
        .args(["--yes", "--table", "todos"])
        .remove("yarn.lock")
        .file("pnpm-lock.yaml", "lockfileVersion: '9.0'\n");
    pnpm.run().success().lacks("With yarn");
}
