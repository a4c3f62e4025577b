//! One proof per provider (each in `provider::all()`, on its greenfield app), with that
//! provider's user id shape: the migration written for `--table todos` applies twice and
//! isolates two users, on the current InsForge backend (with `auth.jwt()`) and on an older
//! one (without it). Where the app mints the token (WorkOS, Kinde, Stytch, and Auth0 through
//! its Post Login Action), the requests then carry the claims InsForge would forward for the
//! token the generated code made (see `chain`). A provider whose migration needs its own
//! schema first (Better Auth's bootstrap) is proven in `better_auth.rs`, with that schema.

use insforge_integrate::provider::Provider;

use crate::every_provider;
use crate::insforge::{create_roles, App, As, Backend, Db};
use crate::pg::Cluster;
use crate::proof::{apply_twice, check_shape, prove_isolation, TODOS};

#[test]
fn every_provider() {
    every_provider::each(|p| {
        if p.sql.as_ref().is_some_and(|s| s.bootstrap.is_some()) {
            eprintln!(
                "{}: proven in better_auth.rs, after its bootstrap migration",
                p.id
            );
            return;
        }
        let (a, b) = users(&p.id);
        prove(p, a, b);
    });
}

/// Two users' ids in the provider's shape, where the suite knows it; two plain ones
/// otherwise.
fn users(provider: &str) -> (&'static str, &'static str) {
    match provider {
        // B differs from A only in letter case: ids compare exactly.
        "clerk" => (
            "user_2xPnG8KxVQrLmN3oP4qR5sT6uV7",
            "user_2xpng8kxvqrlmn3op4qr5st6uv7",
        ),
        "auth0" => (
            "auth0|64a1f0c2e4b5d6a7b8c9d0e1",
            "google-oauth2|108234567890123456789",
        ),
        "workos" => (
            "user_01H5JQDV7R7ATEYZDEG0W5PRYS",
            "user_01H5JQDV7R7ATEYZDEG0W5PRYT",
        ),
        "kinde" => ("kp_0a1b2c3d4e5f60718293a4b5c6d7e8f9", "kp_1234abcd"),
        "stytch" => (
            "user-test-16d9ba61-97a1-4ba4-9720-b03761dc50c6",
            "user-live-2b1f7c4e-8a3d-4f5e-9b6c-0d1e2f3a4b5c",
        ),
        _ => ("user_0a1b2c3d", "user_0A1B2C3D"),
    }
}

fn prove(provider: &Provider, a: &str, b: &str) {
    let fixture = provider.id.as_str();
    let cluster = Cluster::start();
    create_roles(&cluster);
    let dir = tempfile::tempdir().unwrap();
    every_provider::greenfield(provider, dir.path());
    let app = App::init_in(dir, fixture, &["--table", "todos", "--provider", fixture]);
    assert_eq!(app.migrations.len(), 1, "{:?}", app.migrations);
    for (name, backend) in [("current", Backend::Current), ("legacy", Backend::Legacy)] {
        let db = Db::create(&cluster, name, backend);
        let has_jwt = db.admin("select to_regprocedure('auth.jwt()') is not null");
        assert_eq!(has_jwt == "t", backend == Backend::Current);
        apply_twice(&db, app.rls());
        check_shape(&db, &TODOS);
        prove_isolation(&db, &TODOS, a, b, 0, 0);
        // The chain: A's and B's tokens from the generated module, as InsForge forwards them.
        let root = app.dir.path();
        let source = if root.join("src/lib").is_dir() {
            root.join("src")
        } else {
            root.to_path_buf()
        };
        for (user, rows) in [(a, "3"), (b, "2")] {
            let Some(claims) = crate::chain::forwarded_claims(root, &source, fixture, user) else {
                continue;
            };
            let who = As::Claims(&claims);
            assert_eq!(db.ok(who, "select public.requesting_user_id();"), user);
            assert_eq!(
                db.ok(who, "select count(*) from public.todos;"),
                rows,
                "{fixture}: {claims}"
            );
            assert_eq!(
                db.ok(who, "select count(*) from public.todos where user_id <> public.requesting_user_id();"),
                "0"
            );
        }
    }
}
