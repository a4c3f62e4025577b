//! Edits of the app's own layout, Auth0 client and middleware, in the shapes that wrote
//! wrong code before the edit engine (each was reproduced on a public app): every edited
//! file is compared whole, and a shape the tool cannot edit safely leaves the file byte for
//! byte as it was and says what to add.

use crate::harness::{Run, Test};

const LAYOUT: &str = "app/layout.tsx";

fn clerk(layout: &str) -> Test {
    Test::fixture("clerk")
        .file(LAYOUT, layout)
        .args(["--yes", "--table", "todos"])
}

/// The run, and a second one that changes nothing.
fn settles(t: &Test) -> Run {
    let first = t.run().success();
    let after = t.tree();
    t.run().success().stdout_has("Nothing to do");
    assert_eq!(t.tree(), after, "the second run changed files");
    first
}

#[test]
fn code_after_the_last_import_on_its_line_stays_out_of_the_function() {
    let t = clerk("import './globals.css'; export default function RootLayout({ children }: { children: React.ReactNode }) {\n  return <html lang=\"en\"><body>{children}</body></html>;\n}\n");
    settles(&t);
    assert_eq!(
        t.read(LAYOUT),
        "import './globals.css';\nimport { ClerkProvider } from '@clerk/nextjs';\nexport default function RootLayout({ children }: { children: React.ReactNode }) {\n  return <html lang=\"en\"><body><ClerkProvider>{children}</ClerkProvider></body></html>;\n}\n"
    );
}

#[test]
fn an_import_the_layout_has_is_used_not_repeated() {
    let t = clerk("import { ClerkProvider } from '@clerk/nextjs';\n\nexport default function RootLayout({ children }: { children: React.ReactNode }) {\n  return (\n    <html lang=\"en\">\n      <body>{children}</body>\n    </html>\n  );\n}\n");
    settles(&t);
    assert_eq!(
        t.read(LAYOUT),
        "import { ClerkProvider } from '@clerk/nextjs';\n\nexport default function RootLayout({ children }: { children: React.ReactNode }) {\n  return (\n    <html lang=\"en\">\n      <body><ClerkProvider>{children}</ClerkProvider></body>\n    </html>\n  );\n}\n"
    );
}

#[test]
fn a_provider_under_another_name_or_a_namespace_is_seen() {
    for layout in [
        "import { ClerkProvider as CP } from '@clerk/nextjs';\nexport default function RootLayout({ children }: { children: React.ReactNode }) {\n  return <CP><html lang=\"en\"><body>{children}</body></html></CP>;\n}\n",
        "import * as Clerk from '@clerk/nextjs';\nexport default function RootLayout({ children }: { children: React.ReactNode }) {\n  return <Clerk.ClerkProvider><html lang=\"en\"><body>{children}</body></html></Clerk.ClerkProvider>;\n}\n",
    ] {
        let t = clerk(layout);
        settles(&t).lacks("Wrap the app in ClerkProvider");
        assert_eq!(t.read(LAYOUT), layout);
    }
}

#[test]
fn a_provider_rendered_by_a_wrapper_in_any_folder_is_followed() {
    let layout = "import { Providers } from '@/providers';\nexport default function RootLayout({ children }: { children: React.ReactNode }) {\n  return <html lang=\"en\"><body><Providers>{children}</Providers></body></html>;\n}\n";
    let t = clerk(layout)
        .file("providers/index.ts", "export { Providers } from './providers';\n")
        .file(
            "providers/providers.tsx",
            "'use client';\nimport { ClerkProvider } from '@clerk/nextjs';\nexport function Providers({ children }: { children: React.ReactNode }) {\n  return <ClerkProvider>{children}</ClerkProvider>;\n}\n",
        );
    settles(&t)
        .stdout_has("<ClerkProvider> (providers/providers.tsx:4)")
        .lacks("Wrap the app in ClerkProvider");
    assert_eq!(t.read(LAYOUT), layout);
}

#[test]
fn the_layouts_own_children_are_wrapped_not_a_helpers() {
    let t = clerk("function Shell({ children }: { children: React.ReactNode }) {\n  return <main>{children}</main>;\n}\n\nexport default function RootLayout(props: { children: React.ReactNode }) {\n  return (\n    <html lang=\"en\">\n      <body>\n        <Shell>{props.children}</Shell>\n      </body>\n    </html>\n  );\n}\n");
    settles(&t);
    assert_eq!(
        t.read(LAYOUT),
        "import { ClerkProvider } from '@clerk/nextjs';\nfunction Shell({ children }: { children: React.ReactNode }) {\n  return <main>{children}</main>;\n}\n\nexport default function RootLayout(props: { children: React.ReactNode }) {\n  return (\n    <html lang=\"en\">\n      <body>\n        <Shell><ClerkProvider>{props.children}</ClerkProvider></Shell>\n      </body>\n    </html>\n  );\n}\n"
    );
}

#[test]
fn a_comment_or_bom_before_use_client_keeps_the_directive_first() {
    for (before, after) in [
        (
            "// The root layout\n'use client';\nexport default function RootLayout({ children }: { children: React.ReactNode }) {\n  return <html><body>{children}</body></html>;\n}\n",
            "// The root layout\n'use client';\nimport { ClerkProvider } from '@clerk/nextjs';\nexport default function RootLayout({ children }: { children: React.ReactNode }) {\n  return <html><body><ClerkProvider>{children}</ClerkProvider></body></html>;\n}\n",
        ),
        (
            "\u{feff}\"use client\"\nexport default function RootLayout({ children }: { children: React.ReactNode }) {\n  return <html><body>{children}</body></html>\n}\n",
            "\u{feff}\"use client\"\nimport { ClerkProvider } from \"@clerk/nextjs\"\nexport default function RootLayout({ children }: { children: React.ReactNode }) {\n  return <html><body><ClerkProvider>{children}</ClerkProvider></body></html>\n}\n",
        ),
    ] {
        let t = clerk(before);
        settles(&t);
        assert_eq!(t.read(LAYOUT), after);
    }
}

#[test]
fn every_root_layout_of_route_groups_is_wrapped() {
    let group = |title: &str| {
        format!("export default function Layout({{ children }}: {{ children: React.ReactNode }}) {{\n  return <html lang=\"en\"><body><h1>{title}</h1>{{children}}</body></html>;\n}}\n")
    };
    let t = Test::fixture("clerk")
        .remove(LAYOUT)
        .file("app/(marketing)/layout.tsx", &group("Welcome"))
        .file("app/(shop)/layout.tsx", &group("Shop"))
        .args(["--yes", "--table", "todos"]);
    settles(&t).stdout_has("wrapped by this run");
    for (file, title) in [
        ("app/(marketing)/layout.tsx", "Welcome"),
        ("app/(shop)/layout.tsx", "Shop"),
    ] {
        assert_eq!(
            t.read(file),
            format!(
                "import {{ ClerkProvider }} from '@clerk/nextjs';\n{}",
                group(title).replace("{children}", "<ClerkProvider>{children}</ClerkProvider>")
            ),
        );
    }
}

#[test]
fn a_provider_in_a_nested_layout_is_named_with_the_part_it_covers() {
    let layout = "export default function RootLayout({ children }: { children: React.ReactNode }) {\n  return <html lang=\"en\"><body>{children}</body></html>;\n}\n";
    let t = clerk(layout).file(
        "app/dashboard/layout.tsx",
        "import { ClerkProvider } from '@clerk/nextjs';\nexport default function DashboardLayout({ children }: { children: React.ReactNode }) {\n  return <ClerkProvider>{children}</ClerkProvider>;\n}\n",
    );
    t.run()
        .success()
        .stdout_has("covers the pages under app/dashboard/")
        // Said once, as one step: not also the generic wrap.
        .lacks("Wrap the app in ClerkProvider");
    assert_eq!(t.read(LAYOUT), layout, "no second, outer ClerkProvider");
}

/// A Stytch app whose provider covers the `(auth)` route group only: the generated login
/// and authenticate pages (which call useStytch()) go inside that group, at the same URLs;
/// a provider that covers a folder with a URL of its own leaves the pages where they are
/// and says so.
#[test]
fn stytch_pages_go_inside_the_group_its_provider_covers() {
    let provider = "\"use client\";\nimport { StytchProvider } from \"@stytch/nextjs\";\nimport { createStytchClient } from \"@stytch/nextjs\";\n\nconst stytch = createStytchClient(process.env.NEXT_PUBLIC_STYTCH_PUBLIC_TOKEN ?? \"\");\n\nexport default function AuthLayout({ children }: { children: React.ReactNode }) {\n  return <StytchProvider stytch={stytch}>{children}</StytchProvider>;\n}\n";
    let t = Test::fixture("stytch")
        .args(["--yes", "--table", "todos"])
        .file("app/(auth)/layout.tsx", provider);
    let layout = t.read("app/layout.tsx");
    let run = t.run().success();
    assert!(t.exists("app/(auth)/login/page.tsx"));
    assert!(t.exists("app/(auth)/authenticate/page.tsx"));
    assert!(!t.exists("app/login/page.tsx") && !t.exists("app/authenticate/page.tsx"));
    assert!(!t.exists("app/stytch-provider.tsx"), "a second provider");
    assert_eq!(t.read("app/layout.tsx"), layout);
    run.stdout_has("covers the pages under app/(auth)/")
        .lacks("Wrap the app in the provider");

    let t = Test::fixture("stytch")
        .args(["--yes", "--table", "todos"])
        .file("app/account/layout.tsx", provider);
    t.run()
        .success()
        .stdout_has("app/login/page.tsx renders under <StytchProvider>, and your <StytchProvider> (app/account/layout.tsx:")
        .stdout_has("covers the pages under app/account/");
}

#[test]
fn a_layout_the_tool_cannot_edit_is_said_so_honestly() {
    // Two {children}: which one is the app is not the tool's guess.
    let layout = "export default function RootLayout({ children }: { children: React.ReactNode }) {\n  return <html lang=\"en\"><body>{children}<aside>{children}</aside></body></html>;\n}\n";
    let t = clerk(layout);
    let run = t.run().success();
    assert_eq!(t.read(LAYOUT), layout);
    let run = run
        .stdout_has(
            "app/layout.tsx was not edited: its layout component renders {children} 2 times",
        )
        .stdout_has("Wrap the app in ClerkProvider")
        .lacks("wrapped by this run");
    drop(run);
}

#[test]
fn auth0_spreads_and_bare_new_are_handled() {
    let auth0 = |text: &str| {
        Test::fixture("brownfield/auth0-quickstart")
            .file("lib/auth0.ts", text)
            .args(["--yes", "--table", "todos", "--auth0-token", "action"])
    };
    // A hook in the spread options: never overridden, the step says where.
    let text = "import { Auth0Client } from \"@auth0/nextjs-auth0/server\";\n\nconst sharedOptions = {\n  beforeSessionSaved: async (session) => session,\n};\n\nexport const auth0 = new Auth0Client({ ...sharedOptions, signInReturnToPath: \"/\" });\n";
    let t = auth0(text);
    t.run()
        .success()
        .stdout_has("has its own beforeSessionSaved (line 4)");
    assert_eq!(t.read("lib/auth0.ts"), text);
    // Spread-only options get the property with its comma.
    let t = auth0("import { Auth0Client } from \"@auth0/nextjs-auth0/server\";\n\nconst base = { signInReturnToPath: \"/\" };\n\nexport const auth0 = new Auth0Client({ ...base });\n");
    settles(&t);
    assert_eq!(
        t.read("lib/auth0.ts"),
        "import { Auth0Client } from \"@auth0/nextjs-auth0/server\";\nimport { copyInsforgeToken } from \"@/lib/insforge-auth0\";\n\nconst base = { signInReturnToPath: \"/\" };\n\nexport const auth0 = new Auth0Client({ beforeSessionSaved: copyInsforgeToken, ...base });\n"
    );
    // `new Auth0Client;` after another call: its own parentheses, not the earlier call's.
    let t = auth0("import { Auth0Client } from \"@auth0/nextjs-auth0/server\";\n\nconsole.log(\"auth\");\nexport const auth0 = new Auth0Client;\n");
    settles(&t);
    assert_eq!(
        t.read("lib/auth0.ts"),
        "import { Auth0Client } from \"@auth0/nextjs-auth0/server\";\nimport { copyInsforgeToken } from \"@/lib/insforge-auth0\";\n\nconsole.log(\"auth\");\nexport const auth0 = new Auth0Client({ beforeSessionSaved: copyInsforgeToken });\n"
    );
}

#[test]
fn a_type_only_next_server_import_becomes_a_value_import_when_composed() {
    let middleware = "import type { NextRequest, NextResponse } from 'next/server';\n\nexport default function middleware(req: NextRequest): NextResponse | undefined {\n  return undefined;\n}\n";
    let t = Test::fixture("brownfield/auth0-quickstart")
        .file("middleware.ts", middleware)
        .args(["--yes", "--table", "todos"]);
    settles(&t);
    let out = t.read("middleware.ts");
    assert!(
        out.starts_with("import { type NextRequest, NextResponse } from 'next/server';\n"),
        "{out}"
    );
    assert_eq!(out.matches("from 'next/server'").count(), 1, "{out}");
    assert!(
        out.ends_with(&middleware[middleware.find("function middleware").unwrap()..]),
        "{out}"
    );
}

#[test]
fn deeply_nested_source_and_huge_input_json_are_errors_not_crashes() {
    // 8,000 levels: read as a file the tool does not parse, never a stack overflow.
    let deep = format!(
        "export const x = {}1{};\n",
        "(".repeat(8000),
        ")".repeat(8000)
    );
    let jsx = format!(
        "export default function RootLayout({{ children }}: {{ children: React.ReactNode }}) {{\n  return <html><body>{}{{children}}{}</body></html>;\n}}\n",
        "<div>".repeat(3000),
        "</div>".repeat(3000)
    );
    let t = clerk(&jsx).file("lib/deep.ts", &deep).file(
        "lib/auth.ts",
        &format!("import {{ betterAuth }} from 'better-auth';\n{deep}"),
    );
    t.run_with(&["--dry-run".into(), "--yes".into(), "--json".into()])
        .success();
    // --input-json over 1 MiB (whitespace around the answers) is read whole.
    let answers = t.path().join("answers.json");
    std::fs::write(
        &answers,
        format!("{{\"provider\": \"clerk\"{}}}", " ".repeat(1_100_000)),
    )
    .unwrap();
    let path = answers.display().to_string();
    t.run_with(&[
        "--dry-run".into(),
        "--yes".into(),
        "--input-json".into(),
        path.clone(),
    ])
    .success();
    std::fs::write(&answers, " ".repeat((16 << 20) + 1)).unwrap();
    t.run_with(&[
        "--dry-run".into(),
        "--yes".into(),
        "--input-json".into(),
        path,
    ])
    .code(2)
    .stderr_has("larger than 16 MiB");
}

/// A create-t3-turbo style monorepo: the app's Better Auth instance is `initAuth()` from the
/// workspace package `@acme/auth`, whose module calls `betterAuth(…)`; the app's auth route
/// serves `auth.handler` without `toNextJsHandler`. The app's instance is found through the
/// package, no parallel `betterAuth()` is written, the token route uses the app's, and the
/// app's route is its own: the run exits 0, twice.
#[test]
fn a_better_auth_instance_built_in_a_workspace_package_is_the_apps() {
    let server = "import \"server-only\";\n\nimport { cache } from \"react\";\nimport { headers } from \"next/headers\";\n\nimport { initAuth } from \"@acme/auth\";\n\nexport const auth = initAuth({\n  baseUrl: \"http://localhost:3000\",\n  productionUrl: \"https://turbo.t3.gg\",\n  secret: process.env.AUTH_SECRET,\n});\n\nexport const getSession = cache(async () =>\n  auth.api.getSession({ headers: await headers() }),\n);\n";
    let route = "import { auth } from \"~/auth/server\";\n\nexport const GET = auth.handler;\nexport const POST = auth.handler;\n";
    let t = Test::empty()
        .file("package.json", "{\n  \"name\": \"create-t3-turbo\",\n  \"private\": true,\n  \"packageManager\": \"pnpm@10.19.0\"\n}\n")
        .file("pnpm-workspace.yaml", "packages:\n  - apps/*\n  - packages/*\n  - tooling/*\n\ncatalog:\n  better-auth: 1.7.2\n")
        .file("pnpm-lock.yaml", "lockfileVersion: '9.0'\n")
        .file(".gitignore", "node_modules\n.next\n.env*.local\n.env\n")
        .file("packages/auth/package.json", "{\n  \"name\": \"@acme/auth\",\n  \"private\": true,\n  \"type\": \"module\",\n  \"exports\": {\n    \".\": \"./src/index.ts\",\n    \"./client\": \"./src/client.ts\"\n  },\n  \"dependencies\": {\n    \"better-auth\": \"catalog:\"\n  }\n}\n")
        .file("packages/auth/src/index.ts", "import type { BetterAuthOptions } from \"better-auth\";\nimport { betterAuth } from \"better-auth\";\n\nexport function initAuth(options: {\n  baseUrl: string;\n  productionUrl: string;\n  secret: string | undefined;\n}) {\n  const config = {\n    baseURL: options.baseUrl,\n    secret: options.secret,\n    emailAndPassword: { enabled: true },\n    trustedOrigins: [options.productionUrl],\n  } satisfies BetterAuthOptions;\n\n  return betterAuth(config);\n}\n\nexport type Auth = ReturnType<typeof initAuth>;\n")
        .file("apps/nextjs/package.json", "{\n  \"name\": \"@acme/nextjs\",\n  \"private\": true,\n  \"type\": \"module\",\n  \"scripts\": { \"dev\": \"next dev\", \"build\": \"next build\" },\n  \"dependencies\": {\n    \"@acme/auth\": \"workspace:*\",\n    \"better-auth\": \"catalog:\",\n    \"next\": \"^16.0.0\",\n    \"react\": \"19.2.1\",\n    \"react-dom\": \"19.2.1\"\n  },\n  \"devDependencies\": { \"typescript\": \"^5\" }\n}\n")
        .file("apps/nextjs/tsconfig.json", "{\n  \"compilerOptions\": {\n    \"strict\": true,\n    \"jsx\": \"preserve\",\n    \"module\": \"esnext\",\n    \"moduleResolution\": \"bundler\",\n    \"paths\": { \"~/*\": [\"./src/*\"] }\n  },\n  \"include\": [\"**/*.ts\", \"**/*.tsx\"]\n}\n")
        .file("apps/nextjs/src/auth/server.ts", server)
        .file("apps/nextjs/src/auth/client.ts", "import { createAuthClient } from \"better-auth/react\";\n\nexport const authClient = createAuthClient();\n")
        .file("apps/nextjs/src/app/api/auth/[...all]/route.ts", route)
        .file("apps/nextjs/src/app/layout.tsx", "export default function RootLayout(props: { children: React.ReactNode }) {\n  return (\n    <html lang=\"en\">\n      <body>{props.children}</body>\n    </html>\n  );\n}\n")
        .args(["--yes", "--table", "todos"]);
    let first = t.run_in("apps/nextjs").success();
    first
        .stdout_has("initAuth(…) from @acme/auth, which calls betterAuth(…) (../../packages/auth/src/index.ts)")
        .lacks("conflict");
    assert!(
        !t.exists("apps/nextjs/src/lib/auth.ts"),
        "a parallel betterAuth()"
    );
    assert_eq!(
        t.read("apps/nextjs/src/app/api/auth/[...all]/route.ts"),
        route
    );
    assert_eq!(t.read("apps/nextjs/src/auth/server.ts"), server);
    let token = t.read("apps/nextjs/src/app/api/insforge-token/route.ts");
    assert!(token.contains("from '~/auth/server'"), "{token}");
    // Nothing is written into the workspace package.
    assert!(!t.exists("packages/auth/src/insforge.ts"));
    t.run_in("apps/nextjs")
        .success()
        .stdout_has("Nothing to do");
}

/// A monorepo member whose layout renders `<Providers>` from the workspace package
/// `@acme/ui`, which renders `<ClerkProvider>` (through a file it re-exports): the provider
/// is found there, the layout is not wrapped a second time, and nothing in the package is
/// written.
#[test]
fn a_provider_rendered_in_a_workspace_package_is_followed() {
    let layout = "import { Providers } from \"@acme/ui\";\n\nexport default function RootLayout({ children }: { children: React.ReactNode }) {\n  return (\n    <html lang=\"en\">\n      <body>\n        <Providers>{children}</Providers>\n      </body>\n    </html>\n  );\n}\n";
    let t = Test::empty()
        .file("package.json", "{\n  \"name\": \"acme\",\n  \"private\": true,\n  \"workspaces\": [\"apps/*\", \"packages/*\"]\n}\n")
        .file("package-lock.json", "{\n  \"lockfileVersion\": 3\n}\n")
        .file("packages/ui/package.json", "{\n  \"name\": \"@acme/ui\",\n  \"main\": \"./src/index.ts\",\n  \"types\": \"./src/index.ts\"\n}\n")
        .file("packages/ui/src/index.ts", "export * from \"./providers\";\nexport * from \"./button\";\n")
        .file("packages/ui/src/button.tsx", "export function Button(props: { children: React.ReactNode }) {\n  return <button>{props.children}</button>;\n}\n")
        .file("packages/ui/src/providers.tsx", "\"use client\";\nimport { ClerkProvider } from \"@clerk/nextjs\";\n\nexport function Providers({ children }: { children: React.ReactNode }) {\n  return <ClerkProvider>{children}</ClerkProvider>;\n}\n")
        .file("apps/web/package.json", "{\n  \"name\": \"web\",\n  \"private\": true,\n  \"dependencies\": {\n    \"@acme/ui\": \"*\",\n    \"@clerk/nextjs\": \"^7.9.0\",\n    \"next\": \"^16.0.0\",\n    \"react\": \"19.2.1\",\n    \"react-dom\": \"19.2.1\"\n  }\n}\n")
        .file("apps/web/tsconfig.json", "{\n  \"compilerOptions\": {\n    \"strict\": true,\n    \"jsx\": \"preserve\",\n    \"paths\": { \"@/*\": [\"./*\"] }\n  }\n}\n")
        .file("apps/web/app/layout.tsx", layout)
        .args(["--yes", "--table", "todos"]);
    let ui = t.read("packages/ui/src/providers.tsx");
    t.run_in("apps/web")
        .success()
        .stdout_has("<ClerkProvider> at ../../packages/ui/src/providers.tsx:5")
        .lacks("Wrap the app in ClerkProvider");
    assert_eq!(t.read("apps/web/app/layout.tsx"), layout);
    assert_eq!(t.read("packages/ui/src/providers.tsx"), ui);
}
