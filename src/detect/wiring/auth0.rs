//! Auth0: the app's `new Auth0Client(…)` (the `auth0` role), and what an edit of it needs:
//! its text, its `beforeSessionSaved` hook's line, whether the hook keeps the InsForge token.
//! (Its `<instance>.middleware(…)` interceptor is read with the others: `interceptor.rs`.)

use super::found::{Auth0Instance, Wiring};
use super::scan::Scan;
use crate::detect::source::ObjectArg;

/// `new Auth0Client(…)` in this module.
pub fn recognise(w: &mut Wiring, s: &Scan) {
    let m = s.m;
    let texts = s.texts;
    if let Some(local) = m.local_of("@auth0/nextjs-auth0", "Auth0Client") {
        if let Some(call) = m.calls_of(local).find(|c| c.new) {
            s.bind(w, "auth0", call, "new Auth0Client(…)");
            if w.auth0.is_none()
                && call
                    .bound_to
                    .as_deref()
                    .is_some_and(|b| m.export_of(b).is_some())
            {
                let hook = call
                    .object
                    .as_ref()
                    .and_then(|o| key_line(o, "beforeSessionSaved", texts(&m.path).as_deref()));
                let keeps_token = m.imports.iter().any(|i| {
                    i.source.ends_with("insforge-auth0") && i.local == "copyInsforgeToken"
                });
                if let Some(text) = texts(&m.path) {
                    w.auth0 = Some(Auth0Instance {
                        at: s.at(call.line),
                        text,
                        call: call.clone(),
                        hook,
                        keeps_token,
                    });
                }
            }
        }
    }
}

/// The line of property `key` in an object literal.
fn key_line(object: &ObjectArg, key: &str, text: Option<&str>) -> Option<u32> {
    let (_, span) = object.keys.iter().find(|(k, _)| k == key)?;
    let text = text?;
    Some(text[..span.start as usize].matches('\n').count() as u32 + 1)
}
