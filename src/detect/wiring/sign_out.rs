//! Sign-out the app has already, by any provider's way: Clerk's `<SignOutButton>`, a Better
//! Auth client's `authClient.signOut()` (or its imported `signOut`), Stytch's
//! `session.revoke()`, a link to Auth0's `/auth/logout`. Read after WorkOS's `signOut()`
//! (`kinde_workos.rs`), which it leaves as it is.

use super::found::Wiring;
use super::scan::Scan;

/// The module's sign-out, unless one is known already.
pub fn recognise(w: &mut Wiring, s: &Scan) {
    let m = s.m;
    let texts = s.texts;
    if !w.ui.contains_key("signOut") {
        let imported = |name: &str| m.imports.iter().any(|i| i.local == name);
        let call = m.calls.iter().find(|c| {
            let head = c.callee.split('.').next().unwrap_or_default();
            (c.callee.ends_with(".signOut") && imported(head))
                || (c.callee == "signOut" && imported("signOut"))
                || c.callee.ends_with("session.revoke")
        });
        let button = m.jsx.iter().find(|j| {
            j.name == "SignOutButton"
                && m.imports
                    .iter()
                    .any(|i| i.local == j.name && i.source.starts_with("@clerk/"))
        });
        let line = call.map(|c| c.line).or(button.map(|j| j.line)).or_else(|| {
            let text = texts(&m.path)?;
            let at = text
                .find("\"/auth/logout\"")
                .or_else(|| text.find("'/auth/logout'"))?;
            Some(text[..at].matches('\n').count() as u32 + 1)
        });
        if let Some(line) = line {
            w.ui.insert("signOut".into(), s.at(line));
        }
    }
}
