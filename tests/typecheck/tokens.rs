//! The token contract, from the generated code itself: each provider's server module runs
//! unmodified in Node against the real packages (`tokens.cjs`; only the provider's session
//! call and the Next.js request scope are answered there), for a signed-in user with that
//! provider's real id shape and for nobody. What reaches the InsForge client is judged the
//! way InsForge's backend judges a third-party token.

use serde_json::Value;

use crate::app::{repo, App, Case};

/// The most a token may live: the next steps promise tokens of one hour.
const MAX_LIFETIME: i64 = 3600;
const SECRET: &str = "test-jwt-secret-of-the-project-0123456789";

/// One generated module's export, run as `call` for `user` (None: signed out).
pub fn run(app: &App, module: &str, call: &str, user: Option<&str>) -> Value {
    run_at(app, module, call, user, 0)
}

/// [`run`], the user having signed in `login_age` seconds ago (the sign-in happens with the
/// clock moved back that far).
pub fn run_at(app: &App, module: &str, call: &str, user: Option<&str>, login_age: u64) -> Value {
    let scenario = serde_json::json!({
        "loginAge": login_age,
        "module": module,
        "call": call,
        "user": user.map(|id| serde_json::json!({ "id": id, "email": "user@example.com" })),
        "secret": SECRET,
        "provider": app.case.provider,
        "app": app.path,
    });
    let output = app
        .project
        .node_command()
        .arg(repo().join("tests/typecheck/tokens.cjs"))
        .arg(app.source_root())
        .arg(scenario.to_string())
        .current_dir(&app.path)
        .output()
        .expect("run node");
    assert!(
        output.status.success(),
        "{module} {call} failed for {}:\n--- stdout\n{}\n--- stderr\n{}",
        app.case,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("tokens.cjs prints JSON")
}

/// The token InsForge would accept for `id`: HS256 with the project secret, `sub` the
/// provider's id, `role` absent or `authenticated`, `exp` in the future and within the hour.
#[track_caller]
pub fn assert_accepted(report: &Value, id: &str, what: &str) {
    let tokens = report["tokens"].as_array().expect("tokens");
    assert_eq!(tokens.len(), 1, "{what}: one token: {report}");
    let token = &tokens[0];
    assert_eq!(token["header"]["alg"], "HS256", "{what}");
    let insforge = &token["insforge"];
    assert_eq!(
        insforge["status"], 200,
        "{what}: InsForge refuses it: {insforge}"
    );
    let claims = &insforge["claims"];
    assert_eq!(claims["sub"], id, "{what}: sub");
    assert!(
        claims["role"].is_null() || claims["role"] == "authenticated",
        "{what}: role {}",
        claims["role"]
    );
    let now = report["now"].as_i64().unwrap();
    let exp = claims["exp"]
        .as_i64()
        .unwrap_or_else(|| panic!("{what}: no exp: {claims}"));
    assert!(exp > now, "{what}: expired ({exp} <= {now})");
    assert!(
        exp - now <= MAX_LIFETIME,
        "{what}: lives {} s, more than the {MAX_LIFETIME} s the steps promise",
        exp - now
    );
    // What InsForge forwards to PostgREST carries the user.
    assert_eq!(insforge["forwarded"]["sub"], id, "{what}");
}

/// A server utility (`getInsforgeClient`): a client with the user's token when signed in,
/// `null` and no token when not.
pub fn server_utility(provider: &'static str, module: &str, call: &str, id: &str) {
    server_utility_of(Case::latest(provider), module, call, id)
}

/// [`server_utility`] for one case (a variant of the provider's).
pub fn server_utility_of(case: Case, module: &str, call: &str, id: &str) {
    let provider = case.provider;
    let app = App::generate(case);
    let signed_in = run(&app, module, call, Some(id));
    assert_eq!(signed_in["result"], "client", "{provider}: {signed_in}");
    assert_accepted(&signed_in, id, provider);
    let clients = signed_in["clients"].as_array().unwrap();
    assert_eq!(clients.len(), 1, "{provider}: {signed_in}");
    assert_eq!(clients[0]["anonKey"], "anon_0123456789abcdef");
    // The URL comes from the variable the tool put in the app's env files.
    let example = std::fs::read_to_string(app.path.join(".env.example")).unwrap_or_default();
    let url = if example.contains("NEXT_PUBLIC_INSFORGE_BASE_URL=") {
        "https://base-url.us-east.insforge.app"
    } else {
        "https://url.us-east.insforge.app"
    };
    assert_eq!(clients[0]["baseUrl"], url, "{provider}: the URL variable");

    let signed_out = run(&app, module, call, None);
    assert_eq!(
        signed_out["result"],
        Value::Null,
        "{provider}: {signed_out}"
    );
    assert_eq!(
        signed_out["tokens"].as_array().unwrap().len(),
        0,
        "{provider}: a token while signed out: {signed_out}"
    );
}

/// Auth0's server signer two hours after sign-in: the session lives on (Auth0's rolling
/// session), and the token is signed for this request, so InsForge takes it.
pub fn auth0_two_hours_on(id: &str) {
    let app = App::generate(Case::latest("auth0"));
    let report = run_at(&app, "lib/insforge.ts", "getInsforgeClient", Some(id), 7200);
    assert_eq!(report["result"], "client", "{report}");
    assert_accepted(&report, id, "auth0, two hours after sign-in");
}

/// The Better Auth bridge route: 401 when signed out, a valid token when signed in, never
/// cached.
pub fn better_auth_route(id: &str) {
    let app = App::generate(Case::latest("better-auth"));
    let route = "app/api/insforge-token/route.ts";
    let signed_in = run(&app, route, "GET", Some(id));
    assert_eq!(signed_in["response"]["status"], 200, "{signed_in}");
    assert_eq!(signed_in["response"]["cacheControl"], "no-store");
    assert_accepted(&signed_in, id, "the bridge route");

    let signed_out = run(&app, route, "GET", None);
    assert_eq!(signed_out["response"]["status"], 401, "{signed_out}");
    assert_eq!(signed_out["response"]["cacheControl"], "no-store");
    assert!(signed_out["tokens"].as_array().unwrap().is_empty());
}

/// Clerk's `--clerk-token app` route: 401 when signed out, a valid token for the Clerk user
/// when signed in, never cached.
pub fn clerk_app_route(id: &str) {
    let app = App::generate(Case::latest("clerk").token("app"));
    let route = "app/api/insforge-token/route.ts";
    let signed_in = run(&app, route, "GET", Some(id));
    assert_eq!(signed_in["response"]["status"], 200, "{signed_in}");
    assert_eq!(signed_in["response"]["cacheControl"], "no-store");
    assert_accepted(&signed_in, id, "the Clerk app route");
    let signed_out = run(&app, route, "GET", None);
    assert_eq!(signed_out["response"]["status"], 401, "{signed_out}");
    assert!(signed_out["tokens"].as_array().unwrap().is_empty());
}

/// The browser hook (`useInsforge` of Clerk and Better Auth) in React on jsdom
/// (`hooks.cjs`): the token is asked for with the right template or route, refreshed before
/// it expires as the same identity, cleared the moment another user signs in (before the
/// new token is fetched), gone on sign-out, and `isReady` says when queries see the user.
pub fn browser_hook(provider: &'static str) {
    browser_hook_of(Case::latest(provider), provider)
}

/// [`browser_hook`] for one case, `mode` as hooks.cjs names it (`clerk-app`).
pub fn browser_hook_of(case: Case, mode: &'static str) {
    let provider = mode;
    let app = App::generate(case);
    let output = app
        .project
        .node_command()
        .arg(repo().join("tests/typecheck/hooks.cjs"))
        .arg(app.source_root())
        .arg(provider)
        .current_dir(&app.path)
        .output()
        .expect("run node");
    assert!(
        output.status.success(),
        "{provider}: the hook\n--- stdout\n{}\n--- stderr\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
