//! Auth0: the app's `new Auth0Client(…)` (the `auth0` role), and what an edit of it needs:
//! its text, its `beforeSessionSaved` hook's line, whether the hook keeps the InsForge token.
//! (Its `<instance>.middleware(…)` interceptor is read with the others: `interceptor.rs`.)

use super::found::{AppBinding, Auth0Instance, Wiring};
use super::scan::Scan;
use crate::detect::source::ObjectArg;

/// `new Auth0Client(…)` in this module: the first exported one is the `auth0` role; any
/// other exported one is kept as an alternative (detection weighs them by use).
pub fn recognise(w: &mut Wiring, s: &Scan) {
    let m = s.m;
    let texts = s.texts;
    let Some(local) = m.local_of("@auth0/nextjs-auth0", "Auth0Client") else {
        return;
    };
    for call in m.calls_of(local).filter(|c| c.new) {
        let Some(export) = call.bound_to.as_deref().and_then(|b| m.export_of(b)) else {
            continue;
        };
        let Some(text) = texts(&m.path) else {
            continue;
        };
        let hook = call
            .object
            .as_ref()
            .and_then(|o| key_line(o, "beforeSessionSaved", Some(&text)));
        let keeps_token = m
            .imports
            .iter()
            .any(|i| i.source.ends_with("insforge-auth0") && i.local == "copyInsforgeToken");
        let instance = Auth0Instance {
            at: s.at(call.line),
            text,
            call: call.clone(),
            hook,
            keeps_token,
        };
        let binding = AppBinding {
            at: s.at(call.line),
            export,
            what: "new Auth0Client(…)".into(),
            members: Vec::new(),
        };
        if w.roles.contains_key("auth0") {
            w.auth0_others.push((binding, instance));
        } else {
            w.roles.insert("auth0".into(), binding);
            w.auth0 = Some(instance);
        }
    }
}

/// The line of property `key` in an object literal.
fn key_line(object: &ObjectArg, key: &str, text: Option<&str>) -> Option<u32> {
    let (_, span) = object.keys.iter().find(|(k, _)| k == key)?;
    let text = text?;
    Some(text[..span.start as usize].matches('\n').count() as u32 + 1)
}
