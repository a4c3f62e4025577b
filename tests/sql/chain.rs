//! The chain, end to end: a token minted by the module the tool generated (run in Node by
//! `tests/typecheck/tokens.cjs`, with only the provider's session call answered there),
//! judged as InsForge's backend judges it, reduced to what the backend forwards (`sub`,
//! `role`, `email`, and a fresh `iat`/`exp`), is what the requests below carry.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// Which export of which generated module mints a provider's token.
fn minter(provider: &str) -> Option<(&'static str, &'static str)> {
    match provider {
        "workos" | "kinde" | "stytch" | "auth0" => Some(("lib/insforge.ts", "getInsforgeClient")),
        "better-auth" => Some(("app/api/insforge-token/route.ts", "GET")),
        _ => None,
    }
}

/// The `request.jwt.claims` InsForge would give PostgREST for `user` signed in to the app in
/// `app_dir` (its code under `source_root`), from the token its generated code mints; None
/// for Clerk, whose tokens Clerk's JWT template mints. (Auth0's come from the app's Post Login
/// Action file, run here too.)
pub fn forwarded_claims(
    app_dir: &Path,
    source_root: &Path,
    provider: &str,
    user: &str,
) -> Option<String> {
    let (module, call) = minter(provider)?;
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let modules = repo.join("tests/typecheck/node/node_modules");
    // The app's packages are the pinned ones (a fixture's own node_modules holds only the
    // version markers detection reads).
    let link = app_dir.join("node_modules");
    if !link.exists() {
        std::os::unix::fs::symlink(&modules, &link).unwrap();
    }
    let scenario = serde_json::json!({
        "module": module,
        "call": call,
        "user": { "id": user, "email": "user@example.com" },
        "secret": "chain-test-secret-0123456789abcdef",
        "provider": provider,
        "app": app_dir,
    });
    let out = Command::new("node")
        .arg(repo.join("tests/typecheck/tokens.cjs"))
        .arg(source_root)
        .arg(scenario.to_string())
        .current_dir(app_dir)
        .env("NODE_PATH", &modules)
        .output()
        .expect("run node (tests/sql needs Node and `npm ci` in tests/typecheck/node)");
    assert!(
        out.status.success(),
        "{provider}: {module} {call}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let token = &report["tokens"][0]["insforge"];
    assert_eq!(
        token["status"], 200,
        "{provider}: InsForge refuses the token: {report}"
    );
    // The request below runs as `authenticated`: the token must say so (or say nothing).
    assert_eq!(
        token["forwarded"]["role"], "authenticated",
        "{provider}: {report}"
    );
    let mut claims = token["forwarded"].clone();
    // The backend signs its own five-minute token for PostgREST.
    let now = report["now"].as_i64().unwrap();
    claims["iat"] = now.into();
    claims["exp"] = (now + 300).into();
    Some(claims.to_string())
}
