//! The typecheck suite: the TypeScript `insforge-integrate init` writes must compile and
//! build against the real, published packages. For each provider, the built binary runs on
//! a create-next-app fixture; then `next typegen` + `tsc --noEmit` check the result on the
//! latest SDKs, on each older `@insforge/sdk` branch (1.4.3, 1.2.10, 1.2.5), on Next 15,
//! and with `src/` and alias-free layouts; and `next build` builds it on Next 16 and 15
//! with placeholder env values. See README.md beside this file.
//!
//! The packages come from the committed npm projects `tests/typecheck/node` (Next 16, the
//! older releases under aliases) and `tests/typecheck/node-next15`. Install them with
//! `npm ci --prefix tests/typecheck/node && npm ci --prefix tests/typecheck/node-next15`;
//! without them every test here fails and names that command.

mod app;
mod corpus;
mod dotenv_next;
#[path = "../common/every_provider.rs"]
mod every_provider;
mod npm;
#[path = "../common/preflight.rs"]
mod preflight;
mod schema;
mod tokens;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::RwLock;
use std::time::Instant;

use app::{has_interceptor, App, Case, Layout, Next, Sdk};

/// `tsc` runs take it shared (one core each); `next build` exclusively (it uses both cores).
static CPU: RwLock<()> = RwLock::new(());

/// `next typegen` (the route types `next build` checks pages and route handlers against),
/// then `tsc --noEmit` over the whole generated app; any error fails the test.
fn tsc(case: Case) {
    let _cpu = CPU.read().unwrap_or_else(|e| e.into_inner());
    let started = Instant::now();
    let app = App::generate(case);
    let output = run_tsc(&app);
    if !output.status.success() {
        app.fail("tsc --noEmit", &output);
    }
    eprintln!("tsc {case}: ok in {:.1?}", started.elapsed());
}

fn run_tsc(app: &App) -> Output {
    let typegen = app
        .project
        .node("next/dist/bin/next")
        .arg("typegen")
        .current_dir(&app.path)
        .env("NEXT_TELEMETRY_DISABLED", "1")
        .output()
        .expect("run next typegen");
    if !typegen.status.success() {
        return typegen;
    }
    app.project
        .node("typescript/bin/tsc")
        .args(["--noEmit", "--pretty", "false", "-p"])
        .arg(&app.path)
        .output()
        .expect("run tsc")
}

/// Values that only need to look real enough for `next build`.
const PLACEHOLDER_ENV: &[(&str, &str)] = &[
    (
        "NEXT_PUBLIC_INSFORGE_URL",
        "https://placeholder.us-east.insforge.app",
    ),
    (
        "NEXT_PUBLIC_INSFORGE_BASE_URL",
        "https://placeholder.us-east.insforge.app",
    ),
    ("NEXT_PUBLIC_INSFORGE_ANON_KEY", "placeholder-anon-key"),
    (
        "INSFORGE_JWT_SECRET",
        "placeholder-insforge-jwt-secret-0123456789",
    ),
    // base64 of "placeholder.clerk.accounts.dev$": Clerk checks the key's shape.
    (
        "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY",
        "pk_test_cGxhY2Vob2xkZXIuY2xlcmsuYWNjb3VudHMuZGV2JA",
    ),
    ("CLERK_SECRET_KEY", "sk_test_placeholder"),
    ("AUTH0_DOMAIN", "placeholder.us.auth0.com"),
    ("AUTH0_CLIENT_ID", "placeholder-client-id"),
    ("AUTH0_CLIENT_SECRET", "placeholder-client-secret"),
    (
        "AUTH0_SECRET",
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    ),
    ("APP_BASE_URL", "http://localhost:3000"),
    ("WORKOS_API_KEY", "sk_test_placeholder"),
    ("WORKOS_CLIENT_ID", "client_placeholder"),
    (
        "WORKOS_COOKIE_PASSWORD",
        "placeholder-cookie-password-0123456789",
    ),
    (
        "NEXT_PUBLIC_WORKOS_REDIRECT_URI",
        "http://localhost:3000/callback",
    ),
    ("KINDE_CLIENT_ID", "placeholder-client-id"),
    ("KINDE_CLIENT_SECRET", "placeholder-client-secret"),
    ("KINDE_ISSUER_URL", "https://placeholder.kinde.com"),
    ("KINDE_SITE_URL", "http://localhost:3000"),
    ("KINDE_POST_LOGOUT_REDIRECT_URL", "http://localhost:3000"),
    ("KINDE_POST_LOGIN_REDIRECT_URL", "http://localhost:3000"),
    (
        "STYTCH_PROJECT_ID",
        "project-test-00000000-0000-0000-0000-000000000000",
    ),
    ("STYTCH_SECRET", "secret-test-placeholder"),
    (
        "NEXT_PUBLIC_STYTCH_PUBLIC_TOKEN",
        "public-token-test-00000000-0000-0000-0000-000000000000",
    ),
    (
        "DATABASE_URL",
        "postgres://placeholder:placeholder@127.0.0.1:1/placeholder",
    ),
    (
        "BETTER_AUTH_SECRET",
        "placeholder-better-auth-secret-0123456789",
    ),
    ("BETTER_AUTH_URL", "http://localhost:3000"),
    ("NEXT_PUBLIC_BETTER_AUTH_URL", "http://localhost:3000"),
];

/// The app's `build` script (`next build`, with Turbopack: create-next-app's default on
/// 15 and 16) with placeholder env values.
fn next_build(case: Case) {
    let _cpu = CPU.write().unwrap_or_else(|e| e.into_inner());
    let started = Instant::now();
    let app = App::generate(case);
    let manifest = npm::read_json(&app.path.join("package.json")).unwrap();
    let script = manifest["scripts"]["build"]
        .as_str()
        .expect("a build script");
    let args: Vec<&str> = script.split_whitespace().collect();
    assert_eq!(args[0], "next", "build script {script:?}");
    let cache = NextCache::new(&case);
    cache.restore(&app.path);
    let output = app
        .project
        .node("next/dist/bin/next")
        .args(&args[1..])
        .current_dir(&app.path)
        .envs(PLACEHOLDER_ENV.iter().copied())
        .env("NEXT_TELEMETRY_DISABLED", "1")
        .env_remove("NODE_ENV")
        .output()
        .expect("run next build");
    cache.save(&app.path);
    if !output.status.success() {
        app.fail(script, &output);
    }
    // Next ignores an interceptor file with the wrong name or export: make sure it was seen.
    let stdout = String::from_utf8_lossy(&output.stdout);
    let interceptor = match case.next {
        Next::V16 => "ƒ Proxy (Middleware)",
        Next::V15 => "ƒ Middleware",
    };
    if has_interceptor(case.provider) && !stdout.contains(interceptor) {
        app.fail(
            &format!("{script} (no {interceptor:?} in its output)"),
            &output,
        );
    }
    eprintln!("{script} {case}: ok in {:.1?}\n{stdout}", started.elapsed());
}

/// Turbopack's build cache (`.next/cache`), kept under `target/` between runs. It is moved
/// in and out, never shared, so concurrent runs at worst build without it.
struct NextCache(PathBuf);

impl NextCache {
    /// A cache larger than this is dropped rather than kept growing.
    const MAX_BYTES: u64 = 512 << 20;

    fn new(case: &Case) -> NextCache {
        let next = match case.next {
            Next::V15 => "next15",
            Next::V16 => "next16",
        };
        NextCache(
            Path::new(env!("CARGO_TARGET_TMPDIR"))
                .join("typecheck-next-cache")
                .join(format!("{}-{next}", case.provider)),
        )
    }

    fn restore(&self, app: &Path) {
        let next = app.join(".next");
        if self.0.is_dir() && fs::create_dir_all(&next).is_ok() {
            let _ = fs::rename(&self.0, next.join("cache"));
        }
    }

    fn save(&self, app: &Path) {
        let built = app.join(".next/cache");
        if !built.is_dir() || dir_size(&built) > Self::MAX_BYTES {
            return;
        }
        let _ = fs::remove_dir_all(&self.0);
        if let Some(parent) = self.0.parent() {
            let _ = fs::create_dir_all(parent);
        }
        let _ = fs::rename(built, &self.0);
    }
}

fn dir_size(path: &Path) -> u64 {
    let Ok(entries) = fs::read_dir(path) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| match entry.file_type() {
            Ok(kind) if kind.is_dir() => dir_size(&entry.path()),
            _ => entry.metadata().map(|m| m.len()).unwrap_or(0),
        })
        .sum()
}

/// The branches every provider is compiled and built on: each test runs for every provider
/// in `provider::all()` (`every_provider::each`), so a provider added under `templates/` is
/// compiled without a new test. The modules below add each provider's own cases.
mod providers {
    use super::*;
    use crate::every_provider::each;

    #[test]
    fn tsc_latest() {
        each(|p| tsc(Case::latest(&p.id)));
    }

    #[test]
    fn tsc_sdk_1_4_3() {
        each(|p| tsc(Case::latest(&p.id).sdk(Sdk::V1_4_3)));
    }

    #[test]
    fn tsc_sdk_1_2_10() {
        each(|p| tsc(Case::latest(&p.id).sdk(Sdk::V1_2_10)));
    }

    #[test]
    fn tsc_sdk_1_2_5() {
        each(|p| tsc(Case::latest(&p.id).sdk(Sdk::V1_2_5)));
    }

    #[test]
    fn tsc_next15() {
        each(|p| tsc(Case::latest(&p.id).next(Next::V15)));
    }

    #[test]
    fn tsc_src_layout() {
        each(|p| tsc(Case::latest(&p.id).layout(Layout::Src)));
    }

    #[test]
    fn tsc_no_alias() {
        each(|p| tsc(Case::latest(&p.id).layout(Layout::NoAlias)));
    }

    #[test]
    fn next_build() {
        each(|p| super::next_build(Case::latest(&p.id)));
    }

    #[test]
    fn next15_build() {
        each(|p| super::next_build(Case::latest(&p.id).next(Next::V15)));
    }
}

/// Clerk's own cases: its token hook, @clerk/nextjs 6 and 5, brownfield apps.
mod clerk {
    use super::*;

    #[test]
    fn token_contract_browser_hook() {
        super::tokens::browser_hook("clerk");
    }

    #[test]
    fn app_token_route_contract() {
        // `--clerk-token app`: the app's route signs for the Clerk user.
        super::tokens::clerk_app_route("user_2xPnG8KxVQrL9mNbT4wZ");
    }

    #[test]
    fn app_token_browser_hook() {
        super::tokens::browser_hook_of(Case::latest("clerk").token("app"), "clerk-app");
    }

    #[test]
    fn tsc_app_token() {
        tsc(Case::latest("clerk").token("app"));
    }

    #[test]
    fn tsc_clerk_nextjs_6() {
        tsc(Case::latest("clerk")
            .next(Next::V15)
            .release("@clerk/nextjs", "clerk-nextjs-6"));
    }

    #[test]
    fn tsc_brownfield_wired() {
        tsc(Case::latest("clerk").brownfield("clerk-wired", Layout::Src));
    }

    #[test]
    fn tsc_brownfield_composed_with_next_intl() {
        tsc(Case::latest("clerk").brownfield("clerk-intl", Layout::Src));
    }

    #[test]
    fn tsc_brownfield_clerk_nextjs_5() {
        tsc(Case::latest("clerk")
            .next(Next::V15)
            .release("@clerk/nextjs", "clerk-nextjs-5")
            .brownfield("clerk-v5", Layout::Root));
    }

    #[test]
    fn tsc_brownfield_integrated_by_hand() {
        tsc(Case::latest("clerk").brownfield("integrated-edge", Layout::Root));
    }

    #[test]
    fn next_build_brownfield_wired() {
        super::next_build(Case::latest("clerk").brownfield("clerk-wired", Layout::Src));
    }
}

/// Auth0's own cases: its token contract and Post Login Action, brownfield apps.
mod auth0 {
    use super::*;

    #[test]
    fn token_contract() {
        // The utility signs on the server from the Auth0 session. Auth0 user ids:
        // `<connection>|<id>`.
        super::tokens::server_utility(
            "auth0",
            "lib/insforge.ts",
            "getInsforgeClient",
            "auth0|64a1f0c2e4b5d6a7b8c9d0e1",
        );
    }

    #[test]
    fn token_contract_two_hours_after_sign_in() {
        // A session from two hours ago (its ID token long expired): the token is signed now,
        // so it is still one InsForge takes, for the hour ahead.
        super::tokens::auth0_two_hours_on("auth0|64a1f0c2e4b5d6a7b8c9d0e1");
    }

    #[test]
    fn token_contract_action() {
        // `--auth0-token action`: the real Action signs, the real hook keeps it in the
        // session, the utility hands it to InsForge.
        super::tokens::server_utility_of(
            Case::latest("auth0").token("action"),
            "lib/insforge.ts",
            "getInsforgeClient",
            "auth0|64a1f0c2e4b5d6a7b8c9d0e1",
        );
    }

    #[test]
    fn post_login_action_signs_the_insforge_token() {
        super::auth0_action();
    }

    #[test]
    fn tsc_action() {
        tsc(Case::latest("auth0").token("action"));
    }

    #[test]
    fn tsc_brownfield_quickstart() {
        tsc(Case::latest("auth0").brownfield("auth0-quickstart", Layout::Root));
    }

    #[test]
    fn tsc_brownfield_own_hook() {
        tsc(Case::latest("auth0").brownfield("auth0-hooked", Layout::Src));
    }

    #[test]
    fn tsc_brownfield_composed_with_next_intl() {
        tsc(Case::latest("auth0").brownfield("auth0-intl-unchained", Layout::Root));
    }

    #[test]
    fn tsc_brownfield_chained_intl_middleware() {
        tsc(Case::latest("auth0").brownfield("auth0-intl", Layout::Root));
    }

    #[test]
    fn next_build_brownfield_quickstart() {
        super::next_build(Case::latest("auth0").brownfield("auth0-quickstart", Layout::Root));
    }
}

/// WorkOS's own cases: its token contract, authkit-nextjs 2, brownfield apps.
mod workos {
    use super::*;

    #[test]
    fn token_contract() {
        // WorkOS user ids: `user_` and a 26-character ULID.
        super::tokens::server_utility(
            "workos",
            "lib/insforge.ts",
            "getInsforgeClient",
            "user_01HZ8Q5Y3T6B7C9D0E1F2G3H4J",
        );
    }

    #[test]
    fn tsc_brownfield_wired() {
        tsc(Case::latest("workos").brownfield("workos-wired", Layout::Src));
    }

    #[test]
    fn tsc_brownfield_authkit_nextjs_2() {
        tsc(Case::latest("workos")
            .next(Next::V15)
            .release("@workos-inc/authkit-nextjs", "authkit-nextjs-2")
            .brownfield("workos-v2", Layout::Root));
    }

    #[test]
    fn next_build_brownfield_wired() {
        super::next_build(Case::latest("workos").brownfield("workos-wired", Layout::Src));
    }

    #[test]
    fn tsc_authkit_nextjs_2() {
        tsc(Case::latest("workos")
            .next(Next::V15)
            .release("@workos-inc/authkit-nextjs", "authkit-nextjs-2"));
    }
}

/// Kinde's own cases: its token contract, brownfield apps.
mod kinde {
    use super::*;

    #[test]
    fn token_contract() {
        // Kinde user ids: `kp_` and 32 hex digits.
        super::tokens::server_utility(
            "kinde",
            "lib/insforge.ts",
            "getInsforgeClient",
            "kp_7b1d1c9e5f3a4e2d8c6b0a9f8e7d6c5b",
        );
    }

    #[test]
    fn tsc_brownfield_pages_api_handler() {
        tsc(Case::latest("kinde").brownfield("kinde-pages-api", Layout::Root));
    }

    #[test]
    fn next_build_brownfield_catch_all_route() {
        super::next_build(Case::latest("kinde").brownfield("kinde-catchall", Layout::Root));
    }

    #[test]
    fn tsc_brownfield_catch_all_route() {
        tsc(Case::latest("kinde").brownfield("kinde-catchall", Layout::Root));
    }
}

/// Stytch's own cases: its token contract, @stytch/nextjs 21, a brownfield app.
mod stytch {
    use super::*;

    #[test]
    fn token_contract() {
        // Stytch user ids: `user-test-` (or `user-live-`) and a UUID.
        super::tokens::server_utility(
            "stytch",
            "lib/insforge.ts",
            "getInsforgeClient",
            "user-test-16d9ba61-97a1-4ba4-9720-b03761dc50c6",
        );
    }

    #[test]
    fn tsc_brownfield_own_paths() {
        tsc(Case::latest("stytch").brownfield("stytch-wired", Layout::Root));
    }

    #[test]
    fn next_build_brownfield_own_paths() {
        super::next_build(Case::latest("stytch").brownfield("stytch-wired", Layout::Root));
    }

    #[test]
    fn tsc_stytch_nextjs_21() {
        tsc(Case::latest("stytch").stytch_nextjs_21());
    }
}

/// Better Auth's own cases: its token contracts (hook, server utility, bridge route), brownfield apps.
mod better_auth {
    use super::*;

    #[test]
    fn token_contract_browser_hook() {
        super::tokens::browser_hook("better-auth");
    }

    #[test]
    fn token_contract_server_utility() {
        // Better Auth ids: 32 random letters and digits.
        super::tokens::server_utility(
            "better-auth",
            "lib/insforge.server.ts",
            "getInsforgeServerClient",
            "u8jzPde0IgxLd6GncfBAepfJBd0Kh8oO",
        );
    }

    #[test]
    fn token_contract_bridge_route() {
        super::tokens::better_auth_route("u8jzPde0IgxLd6GncfBAepfJBd0Kh8oO");
    }

    #[test]
    fn tsc_brownfield_nested_config() {
        tsc(Case::latest("better-auth").brownfield("better-auth-nested", Layout::Src));
    }

    #[test]
    fn tsc_brownfield_drizzle() {
        tsc(Case::latest("better-auth").brownfield("better-auth-drizzle", Layout::Src));
    }

    #[test]
    fn tsc_brownfield_prisma() {
        tsc(Case::latest("better-auth").brownfield("better-auth-prisma", Layout::Src));
    }

    #[test]
    fn tsc_brownfield_sqlite() {
        tsc(Case::latest("better-auth").brownfield("better-auth-sqlite", Layout::Src));
    }

    #[test]
    fn next_build_brownfield_nested_config() {
        super::next_build(
            Case::latest("better-auth").brownfield("better-auth-nested", Layout::Src),
        );
    }
}

/// The Auth0 Post Login Action is plain CommonJS for Auth0's runtime, outside the app's
/// compilation: run it with a stand-in `event` and `api` and verify what it issues.
fn auth0_action() {
    let _cpu = CPU.read().unwrap_or_else(|e| e.into_inner());
    let app = App::generate(Case::latest("auth0").token("action"));
    const SCRIPT: &str = r#"
const assert = require('node:assert/strict');
const jwt = require('jsonwebtoken');
const action = require(process.argv[1]);
const CLAIM = 'https://insforge.dev/insforge_token';
(async () => {
  const claims = {};
  const api = { idToken: { setCustomClaim: (name, value) => { claims[name] = value; } } };
  const user = { user_id: 'auth0|64a1b2c3', email: 'user@example.com' };
  await action.onExecutePostLogin({ user, secrets: { INSFORGE_JWT_SECRET: 'test-secret' } }, api);
  const token = jwt.verify(claims[CLAIM], 'test-secret', { algorithms: ['HS256'], audience: 'insforge-api' });
  assert.equal(token.sub, 'auth0|64a1b2c3');
  assert.equal(token.role, 'authenticated');
  assert.ok(token.exp - token.iat <= 3600, 'expires within the hour');

  const none = {};
  const log = console.log;
  console.log = () => {};
  await action.onExecutePostLogin({ user, secrets: {} }, { idToken: { setCustomClaim: (n, v) => { none[n] = v; } } });
  console.log = log;
  assert.deepEqual(none, {}, 'no token without the secret');
})().catch((error) => { console.error(error); process.exit(1); });
"#;
    let output = app
        .project
        .node_command()
        .args(["-e", SCRIPT])
        .arg(app.path.join("auth0/insforge-post-login-action.js"))
        .current_dir(&app.path)
        .output()
        .expect("run node");
    if !output.status.success() {
        app.fail("the Post Login Action", &output);
    }
}

/// The suite is not vacuous: a generated file that lost an import fails `tsc`.
#[test]
fn tsc_catches_a_broken_template() {
    let _cpu = CPU.read().unwrap_or_else(|e| e.into_inner());
    let app = App::generate(Case::latest("workos"));
    let file = app.path.join("lib/insforge.ts");
    let code = fs::read_to_string(&file).unwrap();
    let broken: String = code
        .lines()
        .filter(|line| !line.starts_with("import jwt from"))
        .map(|line| format!("{line}\n"))
        .collect();
    assert_ne!(code, broken, "lib/insforge.ts no longer imports jwt");
    fs::write(&file, broken).unwrap();
    let output = run_tsc(&app);
    let stdout = String::from_utf8_lossy(&output.stdout);
    if output.status.success() || !stdout.contains("Cannot find name 'jwt'") {
        app.fail(
            "tsc on a broken lib/insforge.ts (expected an error)",
            &output,
        );
    }
}
