//! Kinde and WorkOS: their auth routes (roles that are whole files), the sign-in and
//! sign-out UI of theirs the app has (Kinde's links, WorkOS's `signOut()` and sign-in URLs),
//! and a WorkOS sign-in route of the app's own that goes through a helper of its own.

use std::path::Path;

use super::found::{AppBinding, Wiring};
use super::scan::Scan;
use crate::detect::layouts;
use crate::detect::source::{Located, Module};
use crate::detect::tsconfig::Alias;
use crate::detect::workspace::Package;

/// Kinde and WorkOS in this module: their routes, then their UI.
pub fn recognise(w: &mut Wiring, s: &Scan) {
    routes(w, s);
    ui(w, s);
}

/// Their auth routes.
fn routes(w: &mut Wiring, s: &Scan) {
    let m = s.m;
    s.file_role(
        w,
        "@kinde-oss/kinde-auth-nextjs",
        "handleAuth",
        "kinde-route",
    );
    s.file_role(
        w,
        "@workos-inc/authkit-nextjs",
        "handleAuth",
        "workos-callback",
    );
    // A route that calls getSignInUrl is the app's sign-in, unless it is the callback
    // (`handleAuth({ onError: … getSignInUrl() … })`): that one answers AuthKit's redirect.
    let callback = m
        .local_of("@workos-inc/authkit-nextjs", "handleAuth")
        .is_some_and(|local| m.calls_of(local).next().is_some());
    if is_route(&m.path) && !callback {
        s.file_role(
            w,
            "@workos-inc/authkit-nextjs",
            "getSignInUrl",
            "workos-login",
        );
    }
}

/// Sign-in and sign-out UI the app has already: Kinde's links, WorkOS's `signOut()`.
fn ui(w: &mut Wiring, s: &Scan) {
    let m = s.m;
    for j in &m.jsx {
        if ["LoginLink", "LogoutLink", "RegisterLink"].contains(&j.name.as_str())
            && m.imports
                .iter()
                .any(|i| i.local == j.name && i.source.starts_with("@kinde-oss/kinde-auth-nextjs"))
        {
            w.ui.entry(j.name.clone()).or_insert_with(|| s.at(j.line));
        }
    }
    // WorkOS's sign-out, and the sign-in and sign-up links an app builds itself.
    for name in ["signOut", "getSignInUrl", "getSignUpUrl"] {
        if let Some(local) = m.local_of("@workos-inc/authkit-nextjs", name) {
            if let Some(call) = m.calls_of(local).next() {
                w.ui.entry(name.into()).or_insert_with(|| s.at(call.line));
            }
        }
    }
}

/// A sign-in route of the app's own that builds WorkOS's URL through a helper of its own
/// (`getOrganisationSignInUrl()` from `@/lib/auth`, which calls `getSignInUrl`): it is the
/// app's sign-in, and no second `/login` goes around it. Read over all the modules, after
/// each has been read.
pub fn login_through_helper(
    w: &mut Wiring,
    modules: &[Module],
    texts: &dyn Fn(&Path) -> Option<String>,
    aliases: &[Alias],
    packages: &[Package],
) {
    if !w.roles.contains_key("workos-login") {
        let exists = |p: &Path| texts(p).is_some();
        let signs_in: Vec<&Path> = modules
            .iter()
            .filter(|m| {
                m.local_of("@workos-inc/authkit-nextjs", "getSignInUrl")
                    .is_some_and(|l| m.calls_of(l).next().is_some())
            })
            .map(|m| m.path.as_path())
            .collect();
        let route = modules.iter().find(|m| {
            is_route(&m.path)
                && m.parse_error.is_none()
                && !m.generated
                && m.imports.iter().any(|i| {
                    m.calls_of(&i.local).next().is_some()
                        && layouts::resolve(&m.path, &i.source, aliases, packages, &exists)
                            .is_some_and(|p| signs_in.contains(&p.as_path()))
                })
        });
        if let Some(m) = route {
            w.roles.insert(
                "workos-login".into(),
                AppBinding {
                    at: Located {
                        file: m.path.clone(),
                        line: 1,
                    },
                    export: None,
                    what: "a sign-in route of its own (through getSignInUrl)".into(),
                    members: Vec::new(),
                },
            );
        }
    }
}

fn is_route(path: &Path) -> bool {
    path.file_stem().is_some_and(|s| s == "route")
        || path.starts_with("pages/api")
        || path.starts_with("src/pages/api")
}
