//! The interceptor (`middleware.ts` / `proxy.ts` at the root or in `src/`): the provider
//! middleware it calls (Clerk's, WorkOS's, Kinde's, or an Auth0 instance's
//! `.middleware(…)`), the other middleware it chains, its matcher, and what composing with
//! its default export needs.

use std::path::Path;

use super::found::{Compose, Interceptor, Wiring};
use super::scan::Scan;

/// Provider middleware an interceptor may call, by the package it comes from.
const PROVIDER_MIDDLEWARE: &[(&str, &str)] = &[
    ("@clerk/nextjs", "clerkMiddleware"),
    ("@workos-inc/authkit-nextjs", "authkitMiddleware"),
    ("@workos-inc/authkit-nextjs", "authkitProxy"),
    ("@workos-inc/authkit-nextjs", "authkit"),
    ("@kinde-oss/kinde-auth-nextjs", "withAuth"),
    ("@kinde-oss/kinde-auth-nextjs", "authMiddleware"),
];

/// The interceptor, when this module is the first one found.
pub fn recognise(w: &mut Wiring, s: &Scan) {
    let m = s.m;
    let texts = s.texts;
    if is_interceptor(&m.path) && w.interceptor.is_none() {
        let mut provider_call = None;
        for &(package, name) in PROVIDER_MIDDLEWARE {
            if let Some(local) = m.local_of(package, name) {
                if let Some(call) = m.calls_of(local).next() {
                    provider_call.get_or_insert((name.to_string(), call.line));
                }
            }
        }
        // Auth0: `<instance>.middleware(request)` on an instance imported from the app.
        if let Some(call) = m.calls.iter().find(|c| {
            c.callee.ends_with(".middleware")
                && m.imports
                    .iter()
                    .any(|i| c.callee.starts_with(&format!("{}.", i.local)))
        }) {
            provider_call.get_or_insert((call.callee.clone(), call.line));
        }
        let chains = m
            .calls
            .iter()
            .filter(|c| {
                let name = c.callee.rsplit('.').next().unwrap_or("");
                (name.ends_with("Middleware") || name == "createMiddleware" || name == "chain")
                    && Some(&c.callee) != provider_call.as_ref().map(|(n, _)| n)
            })
            .map(|c| c.callee.clone())
            .collect();
        let named = m
            .exports
            .iter()
            .any(|e| matches!(e.name.as_deref(), Some("middleware" | "proxy")));
        w.interceptor = Some(Interceptor {
            file: m.path.clone(),
            provider_call,
            chains,
            matcher: m.matcher.clone(),
            compose: match (&m.default_export, named, texts(&m.path)) {
                (Some(default), false, Some(text)) => Some(Compose {
                    default: default.clone(),
                    text,
                    locals: m.imports.iter().map(|i| i.local.clone()).collect(),
                }),
                _ => None,
            },
        });
    }
}

fn is_interceptor(path: &Path) -> bool {
    let parent_ok = path
        .parent()
        .is_none_or(|p| p.as_os_str().is_empty() || p == Path::new("src"));
    parent_ok
        && path
            .file_stem()
            .is_some_and(|s| s == "middleware" || s == "proxy")
}
