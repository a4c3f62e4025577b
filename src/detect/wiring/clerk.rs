//! Clerk: the sign-in UI of `@clerk/nextjs` the app renders already (`<SignInButton>`,
//! `<UserButton>`, `<SignedIn>`, `<Show>`…). Its provider component and middleware are read
//! with the others' (`layout.rs`, `interceptor.rs`); its `<SignOutButton>` in `sign_out.rs`.

use super::found::Wiring;
use super::scan::Scan;

/// Clerk's sign-in UI components.
const SIGN_IN_UI: [&str; 7] = [
    "SignInButton",
    "SignUpButton",
    "UserButton",
    "SignedIn",
    "SignedOut",
    "Show",
    "SignIn",
];

/// The first of Clerk's sign-in UI components the app renders.
pub fn recognise(w: &mut Wiring, s: &Scan) {
    let m = s.m;
    if w.sign_in_ui.is_none() {
        w.sign_in_ui = m
            .jsx
            .iter()
            .find(|j| {
                SIGN_IN_UI.contains(&j.name.as_str())
                    && m.imports.iter().any(|i| {
                        i.local == j.name
                            && (i.source == "@clerk/nextjs"
                                || i.source.starts_with("@clerk/nextjs/"))
                    })
            })
            .map(|j| (j.name.clone(), s.at(j.line)));
    }
}
