//! Apps that already sign users in (`tests/fixtures/brownfield/`, shaped like the providers'
//! quickstarts and starters): the tool reads their code, reuses their instances, routes and
//! layout, edits their files only by insertion, never writes a second copy, and a second run
//! changes nothing.

use crate::harness::{Run, Test};

fn app(name: &str) -> Test {
    Test::fixture(&format!("brownfield/{name}")).args(["--yes", "--table", "todos"])
}

/// An Auth0 app run with `--auth0-token action`: the Post Login Action's token, kept in the
/// session by a hook on the app's own Auth0Client.
fn action_app(name: &str) -> Test {
    Test::fixture(&format!("brownfield/{name}")).args([
        "--yes",
        "--table",
        "todos",
        "--auth0-token",
        "action",
    ])
}

/// The first run, then a second that must change nothing.
fn twice(t: &Test) -> Run {
    let first = t.run().success();
    let after = t.tree();
    let second = t.run().success();
    assert!(second.stdout.contains("Nothing to do"), "{}", second.stdout);
    assert_eq!(t.tree(), after, "the second run changed files");
    first
}

#[test]
fn auth0_quickstart_signs_on_the_server_with_its_own_client_untouched() {
    let t = app("auth0-quickstart");
    let before = t.read("lib/auth0.ts");
    let run = twice(&t);
    assert_eq!(
        t.read("lib/auth0.ts"),
        before,
        "the app's Auth0Client is not edited"
    );
    let utility = t.read("lib/insforge.ts");
    assert!(
        utility.contains("import { auth0 } from \"@/lib/auth0\";"),
        "{utility}"
    );
    assert!(
        utility.contains("const session = await auth0.getSession();"),
        "{utility}"
    );
    assert!(utility.contains("sub: session.user.sub,"), "{utility}");
    assert!(!t.exists("lib/insforge-auth0.ts") && !t.exists("auth0/insforge-post-login-action.js"));
    assert!(t.read(".env.local").contains("INSFORGE_JWT_SECRET="));
    assert!(!run.stdout.contains("Post Login"), "{}", run.stdout);
    // The default is not written down: the answers file is as before.
    assert!(!t.read("insforge-integrate.toml").contains("token"));
}

#[test]
fn auth0_quickstart_keeps_its_client_and_gains_the_hook() {
    let t = action_app("auth0-quickstart");
    let before = t.read("lib/auth0.ts");
    // The dry run shows the edit and writes nothing.
    let preview = t.run_with(&[
        "--yes".into(),
        "--dry-run".into(),
        "--table".into(),
        "todos".into(),
        "--auth0-token".into(),
        "action".into(),
    ]);
    let preview = preview
        .success()
        .stdout_has("app has auth0:   new Auth0Client(…) at lib/auth0.ts:5, export auth0")
        .stdout_has("Auth0 hook:      no beforeSessionSaved in lib/auth0.ts:5")
        .stdout_has("interceptor:     middleware.ts:5 calls auth0.middleware")
        .stdout_has("update     lib/auth0.ts")
        .stdout_has("+  beforeSessionSaved: copyInsforgeToken,");
    drop(preview);
    assert_eq!(t.read("lib/auth0.ts"), before);

    let run = twice(&t);
    let after = t.read("lib/auth0.ts");
    let import = "import { copyInsforgeToken } from \"@/lib/insforge-auth0\";\n";
    let property = "beforeSessionSaved: copyInsforgeToken,\n  ";
    assert!(
        after.contains(import) && after.contains(property),
        "{after}"
    );
    assert_eq!(
        after.replacen(import, "", 1).replacen(property, "", 1),
        before,
        "every byte outside the insertions is kept"
    );
    assert!(t
        .read("lib/insforge.ts")
        .contains("import { auth0 } from \"@/lib/auth0\";"));
    // No second client, interceptor or example file.
    assert!(!t.exists("proxy.ts") && !t.exists(".env.example"));
    assert!(t
        .read(".env.local.example")
        .contains("NEXT_PUBLIC_INSFORGE_URL="));
    assert!(
        !run.stdout.contains("Merge the interceptor"),
        "{}",
        run.stdout
    );
}

#[test]
fn auth0_with_its_own_hook_is_told_exactly_what_to_add() {
    let t = action_app("auth0-hooked");
    let before = t.read("src/lib/auth0.ts");
    let run = t.run().success();
    assert!(
        run.stdout.contains(
            "Your Auth0Client (src/lib/auth0.ts:3) has its own beforeSessionSaved (line 4)"
        ) && run
            .stdout
            .contains("import { copyInsforgeToken } from \"@/lib/insforge-auth0\";")
            && run
                .stdout
                .contains("return copyInsforgeToken(session, idToken);"),
        "{}",
        run.stdout
    );
    assert_eq!(
        t.read("src/lib/auth0.ts"),
        before,
        "a hook of the app's is never edited"
    );
    // Once the user has done it, nothing more is asked.
    let done = before
        .replacen(
            "export const auth0",
            "import { copyInsforgeToken } from \"@/lib/insforge-auth0\";\n\nexport const auth0",
            1,
        )
        .replacen("    return {", "    return copyInsforgeToken({", 1)
        .replacen("    };\n  },", "    }, null);\n  },", 1);
    let t = t.file("src/lib/auth0.ts", &done);
    t.run()
        .success()
        .stdout_has("beforeSessionSaved keeps the InsForge token")
        .lacks("has its own beforeSessionSaved");
}

#[test]
fn better_auth_in_a_nested_folder_is_reused() {
    let t = app("better-auth-nested");
    let run = twice(&t);
    assert!(
        run.stdout
            .contains("app has auth:    betterAuth(…) at src/lib/auth/auth.ts:5, export auth"),
        "{}",
        run.stdout
    );
    for copy in ["src/lib/auth.ts", "src/lib/auth-client.ts", ".env.example"] {
        assert!(!t.exists(copy), "{copy} is a second copy");
    }
    let route = t.read("src/app/api/insforge-token/route.ts");
    assert!(
        route.contains("import { auth } from '@/lib/auth/auth';"),
        "{route}"
    );
    let hook = t.read("src/lib/insforge.ts");
    assert!(
        hook.contains("import { authClient } from '@/lib/auth/auth-client';"),
        "{hook}"
    );
    // One migration: no better_auth bootstrap with the app's own config.
    let sql = only_migration(&t);
    // A pg Pool is Better Auth's Kysely adapter: its "user" table, in public (no
    // search_path set).
    assert!(
        sql.contains("references public.\"user\"(id) on delete cascade"),
        "{sql}"
    );
    assert!(
        run.stdout.contains("--config ./src/lib/auth/auth.ts"),
        "{}",
        run.stdout
    );
    assert!(t.read(".env.template").contains("INSFORGE_JWT_SECRET="));
}

#[test]
fn kinde_catch_all_route_is_kept() {
    let t = app("kinde-catchall");
    let run = twice(&t);
    assert!(run
        .stdout
        .contains("app has kinde-route: handleAuth(…) at app/api/auth/[...kindeAuth]/route.ts:3"));
    assert!(
        !t.exists("app/api/auth/[kindeAuth]"),
        "a second Kinde route"
    );
}

#[test]
fn clerk_already_wired_needs_no_interceptor_and_no_provider_advice() {
    let t = app("clerk-wired");
    let middleware = t.read("src/middleware.ts");
    let run = twice(&t);
    assert!(run
        .stdout
        .contains("Your layout already renders <ClerkProvider> (src/app/layout.tsx:5)"));
    assert!(!run.stdout.contains("Wrap the app in ClerkProvider"));
    assert!(!run.stdout.contains("Merge the interceptor"));
    assert_eq!(t.read("src/middleware.ts"), middleware);
    assert!(!t.exists("src/proxy.ts") && !t.exists("proxy.ts"));
}

#[test]
fn stytch_b2b_is_refused_with_nothing_written() {
    let t = app("stytch-b2b");
    let before = t.tree();
    t.run()
        .code(2)
        .stderr_has("this is a Stytch B2B app (app/stytch-provider.tsx)");
    assert_eq!(t.tree(), before);
}

/// An app with a consumer part and a B2B part (team workspaces): the consumer part is
/// integrated through its own provider; the B2B files are not touched, and the steps say what
/// a member would need.
#[test]
fn stytch_consumer_and_b2b_integrates_the_consumer_part_and_names_the_b2b_part() {
    let t = app("stytch-consumer-and-b2b");
    let b2b = [
        "app/teams/layout.tsx",
        "app/teams/login/page.tsx",
        "components/StytchB2BProvider.tsx",
        "lib/stytchB2B.ts",
    ]
    .map(|f| (f, t.read(f)));
    let run = twice(&t);
    run.stdout_has("Stytch B2B (components/StytchB2BProvider.tsx) is left alone")
        .stdout_has("consumer part (components/StytchProvider.tsx)")
        .stdout_has("sub = member.member_id");
    for (file, text) in b2b {
        assert_eq!(t.read(file), text, "{file}");
    }
    assert!(t.exists("lib/insforge.ts"));
    // The app's own consumer provider is used: no second one.
    assert!(!t.exists("app/stytch-provider.tsx"));
    let json = t
        .run_with(&[
            "--yes".into(),
            "--table".into(),
            "todos".into(),
            "--json".into(),
        ])
        .success();
    assert!(json.stdout.contains("is left alone"), "{}", json.stdout);
}

/// A Better Auth client exported as its members only (`export const { signIn, useSession }
/// = createAuthClient()`, as many starters do): the generated hook imports `useSession` from
/// it; no second client is written.
#[test]
fn a_destructured_better_auth_client_is_the_apps_client() {
    let t = app("better-auth-drizzle").file(
        "src/lib/auth-client.ts",
        "import { createAuthClient } from \"better-auth/react\";\n\nexport const { signIn, signUp, signOut, useSession } = createAuthClient();\n",
    );
    let client = t.read("src/lib/auth-client.ts");
    twice(&t);
    assert_eq!(t.read("src/lib/auth-client.ts"), client);
    let hook = t.read("src/lib/insforge.ts");
    assert!(
        hook.contains(
            "import { useSession } from '@/lib/auth-client';\nconst authClient = { useSession };\n"
        ),
        "{hook}"
    );
    assert!(!t.exists("src/lib/auth-client.tsx"));
}

#[test]
fn a_file_that_does_not_parse_is_left_alone() {
    let broken = "import { Auth0Client } from \"@auth0/nextjs-auth0/server\";\nexport const auth0 = new Auth0Client({\n";
    let t = app("auth0-quickstart").file("lib/auth0.ts", broken);
    let run = t.run();
    assert!(
        run.stdout.contains("does not parse:  lib/auth0.ts") && run.stdout.contains("left alone"),
        "{}",
        run.stdout
    );
    assert_eq!(t.read("lib/auth0.ts"), broken);
}

#[test]
fn an_app_integrated_by_hand_keeps_its_client_and_policies_and_hears_what_differs() {
    let t = app("integrated-edge");
    let run = twice(&t);
    assert!(!t.exists("lib/insforge.ts"), "a second InsForge client");
    for needle in [
        "app has insforge-client: createClient with edgeFunctionToken at lib/insforge-client.ts:15",
        "Your app already creates an InsForge client with a provider token (lib/insforge-client.ts:15)",
        "it passes edgeFunctionToken, a deprecated alias since @insforge/sdk 1.4.2",
        "it never hands over a new token",
        "todos already has row-level security policies in migrations/20250301120000_todos.sql",
    ] {
        assert!(run.stdout.contains(needle), "lacks {needle:?}\n{}", run.stdout);
    }
    let ours = t.read("migrations/20261128121826_clerk-insforge-rls.sql");
    assert!(
        ours.contains("requesting_user_id()") && !ours.contains("create policy"),
        "{ours}"
    );
    // The app's own URL variable name is the one used.
    assert!(t
        .read(".env.example")
        .contains("NEXT_PUBLIC_INSFORGE_BASE_URL="));
    // The JSON's `used.tables` lists what was rendered: not the table left to the app's SQL.
    for (command, args) in [
        ("init", &["--yes", "--table", "todos", "--json"][..]),
        ("check", &["--json"][..]),
    ] {
        let json = t.command(command, args);
        let doc: serde_json::Value = serde_json::from_str(&json.stdout)
            .unwrap_or_else(|e| panic!("{command}: {e}\n{}", json.stdout));
        assert_eq!(
            doc["used"]["tables"],
            serde_json::json!([]),
            "{command}: {}",
            doc["used"]
        );
    }
}

#[test]
fn clerk_5_with_its_provider_and_sign_in_ui_hears_nothing_to_add() {
    let t = app("clerk-v5");
    let untouched =
        ["middleware.ts", "app/layout.tsx", ".env.local.example"].map(|f| (f, t.read(f)));
    let run = twice(&t);
    assert!(
        run.stdout.contains("\"@clerk/nextjs\": \"^5.7.5\""),
        "{}",
        run.stdout
    );
    assert!(run
        .stdout
        .contains("Your layout already renders <ClerkProvider> (app/layout.tsx:10)"));
    // The layout renders SignInButton, SignedIn… already: no sign-in UI advice, and no
    // Clerk 7 <Show> anywhere.
    assert!(!run.stdout.contains("Sign-in UI"), "{}", run.stdout);
    assert!(!run.stdout.contains("<Show"), "{}", run.stdout);
    assert!(!run.stdout.contains("Merge"), "{}", run.stdout);
    for (file, before) in &untouched[..2] {
        assert_eq!(&t.read(file), before, "{file} changed");
    }
    // The example keys go to the app's own example file.
    assert!(!t.exists(".env.example"));
    assert!(t
        .read(".env.local.example")
        .contains("NEXT_PUBLIC_INSFORGE_URL="));
    assert!(t.read(".env.local.example").starts_with(&untouched[2].1));
    assert!(!t.exists("proxy.ts"));
}

#[test]
fn workos_authkit_2_keeps_its_middleware_and_gets_its_own_api() {
    let t = app("workos-v2");
    let middleware = t.read("middleware.ts");
    let run = twice(&t);
    assert!(run
        .stdout
        .contains("interceptor:     middleware.ts:3 calls authkitMiddleware"));
    assert_eq!(t.read("middleware.ts"), middleware);
    assert!(!t.exists("proxy.ts"));
    assert!(!run.stdout.contains("Merge"), "{}", run.stdout);
    assert!(!run.stdout.contains("authkitProxy"), "{}", run.stdout);
    // 2.x depends on @workos-inc/node itself: no peer to add.
    assert!(
        !run.stdout.contains("peer @workos-inc/node"),
        "{}",
        run.stdout
    );
    let utility = t.read("lib/insforge.ts");
    assert!(!utility.contains("authkitProxy"), "{utility}");
    // 2.x's getSignInUrl takes no returnTo.
    assert!(!t.read("app/login/route.ts").contains("getSignInUrl({"));
    assert!(!t.exists(".env.example"));
}

#[test]
fn clerk_composes_with_a_next_intl_middleware_by_insertions_only() {
    let t = app("clerk-intl");
    let before = t.read("src/middleware.ts");
    let dry = t
        .run_with(&["--yes", "--table", "todos", "--dry-run"].map(String::from))
        .success();
    // The dry run shows the edit of the app's own file.
    assert!(
        dry.stdout.contains("--- a/src/middleware.ts"),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stdout.contains(
            "+export default clerkMiddleware((auth, req, event) => appMiddleware(req, event));"
        ),
        "{}",
        dry.stdout
    );
    let run = twice(&t);
    let after = t.read("src/middleware.ts");
    // The app's middleware is an expression (its arity unknown): bound to a `const` typed
    // as Next's middleware, it is called with both arguments.
    let import = "import { clerkMiddleware } from \"@clerk/nextjs/server\";\nimport type { NextMiddleware } from \"next/server\";\n";
    let wrap = "clerkMiddleware((auth, req, event) => appMiddleware(req, event));\nconst appMiddleware: NextMiddleware = ";
    assert!(after.contains(import) && after.contains(wrap), "{after}");
    // Every byte of the app's file is still there, in order: only insertions.
    assert_eq!(after.replacen(import, "", 1).replacen(wrap, "", 1), before);
    assert!(!t.exists("src/proxy.ts") && !t.exists("proxy.ts"));
    assert!(!run.stdout.contains("Merge this into"), "{}", run.stdout);
    // The app's matcher skips /api, and the steps say what that means.
    assert!(
        run.stdout.contains("That matcher skips /api"),
        "{}",
        run.stdout
    );
    assert!(run
        .stdout
        .contains("Your layout already renders <ClerkProvider> (src/app/[locale]/layout.tsx:16)"));
}

#[test]
fn auth0_composes_with_a_next_intl_middleware_as_its_sdk_documents() {
    let t = app("auth0-intl-unchained");
    let before = t.read("middleware.ts");
    let run = twice(&t);
    let after = t.read("middleware.ts");
    // Imports it lacked (NextRequest it has), in the file's quotes and semicolons.
    for import in [
        "import { NextResponse } from \"next/server\";\n",
        "import { auth0 } from \"@/lib/auth0\";\n",
    ] {
        assert!(after.contains(import), "{after}");
    }
    assert_eq!(after.matches("NextRequest }").count(), 1, "{after}");
    assert!(after.contains("const authResponse = await auth0.middleware(req);"));
    assert!(after.contains("(await middleware(req)) ?? NextResponse.next()"));
    // Only insertions: the app's file is the edited one with the inserted runs taken out.
    let inserted = [
        "import { NextResponse } from \"next/server\";\nimport { auth0 } from \"@/lib/auth0\";\n",
        &after[after.find("async (req").unwrap()..after.find("};\n").unwrap() + 3],
    ];
    assert_eq!(
        after
            .replacen(inserted[0], "", 1)
            .replacen(inserted[1], "", 1),
        before
    );
    assert!(!run.stdout.contains("Merge this into"), "{}", run.stdout);
}

#[test]
fn an_interceptor_whose_default_export_is_a_function_is_composed_by_its_name() {
    let t = app("clerk-intl").file(
        "src/middleware.ts",
        "import type { NextFetchEvent, NextRequest } from 'next/server'\nimport createMiddleware from 'next-intl/middleware'\nimport { routing } from './i18n/routing'\n\nconst intl = createMiddleware(routing)\n\nexport default async function middleware(request: NextRequest, event: NextFetchEvent) {\n  return intl(request)\n}\n",
    );
    t.run().success();
    let after = t.read("src/middleware.ts");
    // No semicolons in the app's file, none in the insertions; the function keeps its name
    // and gets the event too.
    assert!(
        after.contains("import { clerkMiddleware } from '@clerk/nextjs/server'\n\nconst intl"),
        "{after}"
    );
    assert!(
        after.contains("export default clerkMiddleware((auth, req, event) => middleware(req, event))\nasync function middleware("),
        "{after}"
    );
    // A named `middleware` export is what Next.js runs: that is merged by hand.
    let t = app("clerk-intl").file(
        "src/middleware.ts",
        "import createMiddleware from 'next-intl/middleware';\nimport { routing } from './i18n/routing';\n\nconst intl = createMiddleware(routing);\nexport function middleware(request: Request) {\n  return intl(request as never);\n}\nexport default middleware;\n",
    );
    let before = t.read("src/middleware.ts");
    let run = t.run().success();
    assert_eq!(t.read("src/middleware.ts"), before);
    assert!(
        run.stdout.contains("Merge this into src/middleware.ts"),
        "{}",
        run.stdout
    );
}

#[test]
fn workos_starter_keeps_its_callback_middleware_and_provider() {
    let t = app("workos-wired");
    let run = twice(&t);
    assert!(run
        .stdout
        .contains("app has workos-callback: handleAuth(…) at src/app/callback/route.ts:4"));
    assert!(run
        .stdout
        .contains("Your layout already renders <AuthKitProvider>"));
    assert!(!run.stdout.contains("Merge the interceptor"));
    assert!(!t.exists("src/proxy.ts") && !t.exists("app/callback"));
}

#[test]
fn stytch_at_its_own_paths_is_reused() {
    let t = app("stytch-wired");
    let run = twice(&t);
    for role in ["stytch-provider", "stytch-login", "stytch-authenticate"] {
        assert!(
            run.stdout.contains(&format!("app has {role}:")),
            "{role}\n{}",
            run.stdout
        );
    }
    for copy in ["app/stytch-provider.tsx", "app/login/page.tsx.new"] {
        assert!(!t.exists(copy), "{copy}");
    }
    assert_eq!(
        t.read("app/login/page.tsx"),
        std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/brownfield/stytch-wired/app/login/page.tsx")
        )
        .unwrap()
    );
    assert!(run
        .stdout
        .contains("Your app has its own Stytch provider (components/StytchProvider.tsx:6)"));
}

#[test]
fn kinde_handler_in_pages_api_is_used() {
    let t = app("kinde-pages-api");
    let run = twice(&t);
    assert!(run
        .stdout
        .contains("app has kinde-route: handleAuth(…) at pages/api/auth/[kindeAuth].ts:3"));
    assert!(
        !t.exists("app/api"),
        "an App Router route beside the pages/api handler"
    );
}

#[test]
fn auth0_with_a_chained_middleware_is_left_to_it() {
    let t = action_app("auth0-intl");
    let middleware = t.read("middleware.ts");
    let run = twice(&t);
    assert!(run.stdout.contains(
        "interceptor:     middleware.ts:8 calls auth0.middleware; also createMiddleware"
    ));
    assert_eq!(t.read("middleware.ts"), middleware);
    assert!(!run.stdout.contains("Merge the interceptor"));
    assert!(t
        .read("lib/auth0.ts")
        .contains("beforeSessionSaved: copyInsforgeToken"));
}

#[test]
fn a_layout_without_the_provider_gets_it_around_children() {
    let t = Test::fixture("clerk").args(["--yes", "--table", "todos"]);
    let before = t.read("app/layout.tsx");
    let run = twice(&t);
    let after = t.read("app/layout.tsx");
    let import = "import { ClerkProvider } from '@clerk/nextjs';\n";
    assert!(after.starts_with(import), "{after}");
    assert!(
        after.contains("<ClerkProvider>{children}</ClerkProvider>"),
        "{after}"
    );
    assert_eq!(
        after
            .replacen(import, "", 1)
            .replacen("<ClerkProvider>", "", 1)
            .replacen("</ClerkProvider>", "", 1),
        before,
        "every byte outside the insertions is kept"
    );
    assert!(run.stdout.contains("(app/layout.tsx, wrapped by this run)"));
    assert!(!run.stdout.contains("Wrap the app in ClerkProvider"));

    // Two `{children}`: which one to wrap is the user's call; the steps say how.
    let t = Test::fixture("clerk")
        .file(
            "app/layout.tsx",
            "export default function RootLayout({ children }: { children: React.ReactNode }) {\n  return <html><body>{children}<aside>{children}</aside></body></html>;\n}\n",
        )
        .args(["--yes", "--table", "todos"]);
    let before = t.read("app/layout.tsx");
    t.run()
        .success()
        .stdout_has("Wrap the app in ClerkProvider");
    assert_eq!(t.read("app/layout.tsx"), before);
}

#[test]
fn better_auth_on_prisma_references_the_user_table_its_schema_names() {
    let t = app("better-auth-prisma");
    let run = twice(&t);
    let sql = only_migration(&t);
    assert!(
        sql.contains("references public.\"user\"(id) on delete cascade"),
        "{sql}"
    );
    assert!(
        run.stdout.contains("from prisma/schema.prisma"),
        "{}",
        run.stdout
    );
}

#[test]
fn better_auth_on_drizzle_references_the_table_its_schema_exports() {
    let t = app("better-auth-drizzle");
    let run = twice(&t);
    let sql = only_migration(&t);
    // `usePlural: true` looks the model up as `users`: the table `pgTable("users", …)`.
    assert!(
        sql.contains("references public.users(id) on delete cascade"),
        "{sql}"
    );
    assert!(
        run.stdout.contains("from src/db/schema.ts:3"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("drizzle-kit push"), "{}", run.stdout);
    assert!(!run.stdout.contains("migrate --config"), "{}", run.stdout);
    // The app's own config: no second instance, no bootstrap migration.
    assert!(!t.exists("lib/auth.ts") && !t.exists("src/lib/auth/auth.ts"));
    assert!(!sql.contains("create schema"), "{sql}");
}

#[test]
fn better_auth_whose_users_cannot_be_located_gets_no_foreign_key_and_hears_why() {
    // The app's pg Pool sets its own search_path: Kysely's "user" is not in public.
    let t = app("better-auth-nested");
    let config = t.read("src/lib/auth/auth.ts");
    let config = config.replace(
        "new Pool({ connectionString",
        "new Pool({ options: '-c search_path=auth', connectionString",
    );
    assert!(config.contains("search_path"), "{config}");
    std::fs::write(t.path().join("src/lib/auth/auth.ts"), config).unwrap();
    let run = t.run().success();
    let sql = only_migration(&t);
    assert!(!sql.contains("references"), "{sql}");
    assert!(
        run.stdout.contains("cannot be known from the app's code"),
        "{}",
        run.stdout
    );
}

fn only_migration(t: &Test) -> String {
    let migrations: Vec<String> = std::fs::read_dir(t.path().join("migrations"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(migrations.len(), 1, "{migrations:?}");
    t.read(&format!("migrations/{}", migrations[0]))
}

#[test]
fn better_auth_on_sqlite_gets_no_foreign_key_and_hears_why() {
    let t = app("better-auth-sqlite");
    let run = twice(&t);
    assert!(run
        .stdout
        .contains("Better Auth keeps its users in another database than InsForge's Postgres"));
    let sql = only_migration(&t);
    assert!(!sql.contains("references"), "{sql}");
}

#[test]
fn review_cases_default_exports_wrappers_crlf_versions_and_dependencies() {
    // An Auth0 instance that is an anonymous default export, in a CRLF file without semicolons.
    let t = action_app("auth0-quickstart").file(
        "lib/auth0.ts",
        "import { Auth0Client } from \"@auth0/nextjs-auth0/server\"\r\n\r\nexport default new Auth0Client()\r\n",
    );
    let run = twice(&t);
    assert!(
        run.stdout
            .contains("app has auth0:   new Auth0Client(…) at lib/auth0.ts:3"),
        "{}",
        run.stdout
    );
    let edited = t.read("lib/auth0.ts");
    assert_eq!(
        edited,
        "import { Auth0Client } from \"@auth0/nextjs-auth0/server\"\r\nimport { copyInsforgeToken } from \"@/lib/insforge-auth0\"\r\n\r\nexport default new Auth0Client({ beforeSessionSaved: copyInsforgeToken })\r\n"
    );
    assert!(t
        .read("lib/insforge.ts")
        .contains("import auth0 from \"@/lib/auth0\";"));

    // ClerkProvider inside the app's own wrapper component: the layout is not wrapped again.
    let t = app("clerk-wired")
        .file(
            "src/components/providers.tsx",
            "'use client'\nimport { ClerkProvider } from '@clerk/nextjs'\nexport default function Providers({ children }: { children: React.ReactNode }) {\n  return <ClerkProvider>{children}</ClerkProvider>\n}\n",
        )
        .file(
            "src/app/layout.tsx",
            "import Providers from '@/components/providers'\nexport default function RootLayout({ children }: { children: React.ReactNode }) {\n  return <html><body><Providers>{children}</Providers></body></html>\n}\n",
        );
    let layout = t.read("src/app/layout.tsx");
    let run = twice(&t);
    assert_eq!(t.read("src/app/layout.tsx"), layout);
    assert!(
        run.stdout
            .contains("<ClerkProvider> (src/components/providers.tsx:4)"),
        "{}",
        run.stdout
    );

    // Better Auth 1.2: its own CLI minor; its own config: no pg added.
    let t = app("better-auth-prisma");
    let pj = t.read("package.json").replace("\"^1.7.0\"", "\"1.2.12\"");
    let t = t.file("package.json", &pj);
    let run = t.run().success();
    assert!(
        run.stdout
            .contains("@better-auth/cli@1.2 generate --config ./src/lib/auth/auth.ts"),
        "{}",
        run.stdout
    );
    assert!(!t.read("package.json").contains("\"pg\""));

    // Options from a const of the module: the hook goes into that object.
    let t = action_app("auth0-quickstart").file(
        "lib/auth0.ts",
        "import { Auth0Client } from \"@auth0/nextjs-auth0/server\";\nconst options = {};\nexport const auth0 = new Auth0Client(options);\n",
    );
    twice(&t);
    assert_eq!(
        t.read("lib/auth0.ts"),
        "import { Auth0Client } from \"@auth0/nextjs-auth0/server\";\nimport { copyInsforgeToken } from \"@/lib/insforge-auth0\";\nconst options = { beforeSessionSaved: copyInsforgeToken };\nexport const auth0 = new Auth0Client(options);\n"
    );
    // Options from another module: the step stays on the list on later runs.
    let t = action_app("auth0-quickstart").file(
        "lib/auth0.ts",
        "import { Auth0Client } from \"@auth0/nextjs-auth0/server\";\nimport { options } from \"./auth0-options\";\nexport const auth0 = new Auth0Client(options);\n",
    );
    t.run().success();
    t.run()
        .success()
        .stdout_has("Still to do")
        .stdout_has("it takes its options from `options`");
}

/// Every brownfield app: the dry run shows each edit of an existing file, the run writes
/// exactly that, no second example env file appears beside the app's own, and a second run
/// changes nothing.
#[test]
fn every_brownfield_app_previews_every_edit_and_settles_in_one_run() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/brownfield");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 17, "{names:?}");
    for name in names.iter().filter(|n| *n != "stytch-b2b") {
        let t = app(name);
        let before = t.tree();
        let dry = t
            .run_with(&["--yes", "--table", "todos", "--dry-run"].map(String::from))
            .success();
        assert_eq!(t.tree(), before, "{name}: the dry run wrote");
        twice(&t);
        let after = t.tree();
        for (path, bytes) in &before {
            if after.get(path) != Some(bytes) {
                let shown = format!("--- a/{}", path.display());
                assert!(
                    dry.stdout.contains(&shown),
                    "{name}: the dry run does not show the edit of {}:\n{}",
                    path.display(),
                    dry.stdout
                );
            }
        }
        let examples = |tree: &std::collections::BTreeMap<std::path::PathBuf, Vec<u8>>| {
            tree.keys()
                .filter(|p| {
                    let n = p.to_string_lossy();
                    !n.contains('/')
                        && n.starts_with(".env")
                        && (n.contains("example") || n.contains("template") || n.contains("sample"))
                })
                .count()
        };
        assert!(
            examples(&after) <= examples(&before).max(1),
            "{name}: a second example env file"
        );
    }
}

/// What the steps say follows the app: its own login and authenticate code (Stytch), its
/// links and sign-out (Kinde, WorkOS), its auth client's env (Better Auth), and the root
/// layout where a next-intl app keeps it (`app/[locale]/layout.tsx`).
#[test]
fn the_steps_follow_what_the_app_already_has() {
    let run = app("stytch-wired").run().success();
    assert!(
        run.stdout
            .contains("Sign in with your own login (app/login/page.tsx:6)"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("redirect('/login')"), "{}", run.stdout);
    assert!(
        !run.stdout.contains("app/authenticate/page.tsx asks for 60"),
        "{}",
        run.stdout
    );

    let run = app("workos-v2").run().success();
    assert!(
        run.stdout
            .contains("your app calls signOut() already (app/page.tsx:"),
        "{}",
        run.stdout
    );
    // authkit-nextjs 2.x's /login takes no returnTo: the example does not pass one.
    assert!(
        run.stdout.contains("redirect('/login'); // signed out")
            && !run.stdout.contains("returnTo=/"),
        "{}",
        run.stdout
    );

    let t = app("kinde-catchall");
    let run = t.run().success();
    // Settings take the app's own documented values; placeholders and secrets do not.
    let local = t.read(".env.local");
    assert!(
        local.contains("KINDE_POST_LOGIN_REDIRECT_URL=http://localhost:3000/dashboard\n"),
        "{local}"
    );
    assert!(!local.contains("your_kinde_subdomain"), "{local}");
    assert!(
        run.stdout
            .contains("Sign in and out with the links your app renders already (app/layout.tsx:"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("import { LoginLink, LogoutLink }"),
        "{}",
        run.stdout
    );

    let t = app("better-auth-nested");
    t.run().success();
    let example = t.read(".env.template");
    assert!(
        !example.contains("NEXT_PUBLIC_BETTER_AUTH_URL"),
        "{example}"
    );
    assert!(!example.contains("schema better_auth"), "{example}");

    let t = app("auth0-intl");
    let layout = t.read("app/layout.tsx");
    std::fs::create_dir_all(t.path().join("app/[locale]")).unwrap();
    std::fs::write(t.path().join("app/[locale]/layout.tsx"), &layout).unwrap();
    std::fs::remove_file(t.path().join("app/layout.tsx")).unwrap();
    let run = t.run().success();
    // Auth0's generated code is server-only: nothing needs Auth0Provider, so the layout is
    // not edited and no step asks for it.
    assert_eq!(t.read("app/[locale]/layout.tsx"), layout);
    assert!(!t.exists("app/layout.tsx"), "no second root layout");
    assert!(!run.stdout.contains("Auth0Provider"), "{}", run.stdout);
}

/// Every file of a brownfield app that the tool edits (its layout, Auth0 client, middleware,
/// package.json, env files and .gitignore), compared whole against a reviewed snapshot, for
/// every app in `tests/fixtures/brownfield/` (read from the folder: a new app is covered
/// when it is added). Files the tool creates are left out here: the provider suites
/// snapshot those.
#[test]
fn every_brownfield_edit_is_compared_whole() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/brownfield");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 15, "{names:?}");
    for name in names {
        let t = app(&name);
        let before = t.files();
        let run = t.run();
        let after = t.files();
        let edited: std::collections::BTreeMap<_, _> = after
            .iter()
            .filter(|(path, bytes)| before.get(*path).is_some_and(|b| b != *bytes))
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect();
        let kept: std::collections::BTreeMap<_, _> = before
            .iter()
            .filter(|(p, _)| edited.contains_key(*p))
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect();
        let text = format!(
            "exit {}\n{}",
            run.code,
            crate::harness::changed_files(&kept, &edited)
        );
        insta::assert_snapshot!(format!("brownfield_edits_{name}"), text);
    }
}

/// Apps that already sign in with the provider hear no greenfield dashboard steps: an Auth0
/// app with its own client creates no application; a Stytch app with its own login is not
/// told to enable Email Magic Links.
#[test]
fn apps_already_on_the_provider_get_no_greenfield_dashboard_steps() {
    app("auth0-quickstart")
        .run()
        .success()
        .stdout_has(
            "Your app signs in with its own Auth0 application (lib/auth0.ts:5): nothing to create",
        )
        .lacks("Create Application");
    app("stytch-wired")
        .run()
        .success()
        .stdout_has(
            "keep the authorized domains and products your\n     login uses (app/login/page.tsx:6)",
        )
        .lacks("enable Email Magic Links");
}

/// Better Auth tables the config renames (`verification: { modelName: "VerificationToken" }`)
/// are closed under their own names; the step also names the plugins' tables.
#[test]
fn renamed_better_auth_models_are_closed_under_their_names() {
    let t = app("better-auth-prisma").file(
        "src/lib/auth/auth.ts",
        "import { betterAuth } from \"better-auth\";\nimport { prismaAdapter } from \"better-auth/adapters/prisma\";\nimport { PrismaClient } from \"@prisma/client\";\n\nconst prisma = new PrismaClient();\n\nexport const auth = betterAuth({\n  database: prismaAdapter(prisma, {\n    provider: \"postgresql\",\n  }),\n  emailAndPassword: { enabled: true },\n  verification: { modelName: \"VerificationToken\" },\n});\n",
    );
    t.run()
        .success()
        .stdout_has("revoke all on public.\"user\", public.session, public.account, public.\"VerificationToken\" from anon, authenticated")
        .stdout_has("with the tables of the plugins you use");
}
