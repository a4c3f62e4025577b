//! InsForge clients the app creates itself with a provider token (`accessToken`,
//! `edgeFunctionToken`, `setAccessToken`), and how; the first stands in for the tool's
//! client utility (the `insforge-client` role).

use super::found::{AppBinding, InsforgeClient, Wiring};
use super::scan::Scan;

/// An InsForge client created with a token in this module.
pub fn recognise(w: &mut Wiring, s: &Scan) {
    let m = s.m;
    if let Some(local) = m.local_of("@insforge/sdk", "createClient") {
        for call in m.calls_of(local) {
            let token = call.object.as_ref().and_then(|o| {
                o.keys
                    .iter()
                    .find(|(k, _)| k == "accessToken" || k == "edgeFunctionToken")
                    .map(|(k, _)| k.clone())
            });
            let token = token.or_else(|| {
                m.calls
                    .iter()
                    .any(|c| c.callee.ends_with(".setAccessToken"))
                    .then(|| "setAccessToken".to_string())
            });
            if let Some(token) = token {
                let signs_without_sub = m.calls.iter().any(|c| {
                    (c.callee == "sign" || c.callee.ends_with(".sign"))
                        && c.object
                            .as_ref()
                            .is_some_and(|o| !o.keys.iter().any(|(k, _)| k == "sub"))
                });
                let refreshes = m
                    .calls
                    .iter()
                    .any(|c| c.callee.ends_with(".setAccessToken") || c.callee == "setInterval");
                w.insforge.push(InsforgeClient {
                    at: s.at(call.line),
                    token,
                    signs_without_sub,
                    refreshes,
                    client_side: m.imports_from("react"),
                });
            }
        }
    }
}

/// An InsForge client the app wrote itself stands in for the tool's utility. Read after
/// every module.
pub fn stands_in(w: &mut Wiring) {
    if let Some(client) = w.insforge.first() {
        w.roles
            .entry("insforge-client".into())
            .or_insert(AppBinding {
                at: client.at.clone(),
                export: None,
                what: format!("createClient with {}", client.token),
                members: Vec::new(),
            });
    }
}
