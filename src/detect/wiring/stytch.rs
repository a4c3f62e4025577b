//! Stytch: which of its APIs the app uses (B2B, consumer, or both, named by the file that
//! renders its provider), and the consumer parts it has already: a client in a
//! `<StytchProvider>`, a login page, an authenticate page.

use super::found::{AppBinding, Wiring};
use super::scan::Scan;
use crate::detect::layouts;
use crate::detect::source::Imported;

/// Stytch in this module: B2B, or the consumer provider, login and authenticate pages.
pub fn recognise(w: &mut Wiring, s: &Scan) {
    let m = s.m;
    let b2b = m.imports.iter().any(|i| {
        i.source == "@stytch/nextjs/b2b"
            || i.source.starts_with("@stytch/nextjs/b2b/")
            || i.source.starts_with("@stytch/vanilla-js/b2b")
            || (i.source == "stytch" && i.imported == Imported::Name("B2BClient".into()))
    });
    // Named by the file that renders its provider, when one does.
    let renders = |name: &str| {
        m.jsx.iter().any(|j| j.name == name)
            || layouts::rendered_providers(m)
                .iter()
                .any(|(c, _)| c == name)
    };
    if b2b && (w.stytch_b2b.is_none() || renders("StytchB2BProvider")) {
        w.stytch_b2b = Some(s.at(1));
    }
    let consumer = m.imports.iter().any(|i| {
        i.source == "@stytch/nextjs"
            || (i.source == "stytch" && i.imported == Imported::Name("Client".into()))
    });
    if consumer && (w.stytch_consumer.is_none() || renders("StytchProvider")) {
        w.stytch_consumer = Some(s.at(1));
    }
    // The app's own server client, `export const client = new Client({ … })`: the
    // generated utility validates sessions with it instead of a second one of its own.
    if let Some(local) = m.local_of("stytch", "Client") {
        if let Some(call) = m.calls_of(local).find(|c| c.new) {
            s.bind(w, "stytch", call, "new Client(…) from stytch");
        }
    }
    // The session cookie's name, where the consumer client renames it.
    let named = w.stytch_session_cookie.is_some() || w.stytch_session_cookie_const.is_some();
    if consumer && !b2b && !named {
        if let Some(text) = (s.texts)(&m.path) {
            w.stytch_session_cookie = string_after(&text, "opaqueTokenCookieName");
            if w.stytch_session_cookie.is_none() {
                w.stytch_session_cookie_const = name_after(&text, "opaqueTokenCookieName");
            }
        }
    }
    if !b2b {
        for create in [
            "createStytchClient",
            "createStytchUIClient",
            "createStytchHeadlessClient",
        ] {
            if let Some(local) = m.local_of("@stytch/nextjs", create) {
                if let Some(call) = m.calls_of(local).next() {
                    let provider = m
                        .local_of("@stytch/nextjs", "StytchProvider")
                        .unwrap_or("StytchProvider");
                    if m.jsx.iter().any(|j| j.name == provider) {
                        w.roles
                            .entry("stytch-provider".into())
                            .or_insert(AppBinding {
                                at: s.at(call.line),
                                export: None,
                                what: format!("{create}(…) in a <StytchProvider>"),
                                members: Vec::new(),
                            });
                    }
                }
            }
        }
        if let Some(j) = m.jsx.iter().find(|j| j.name == "StytchLogin") {
            w.roles.entry("stytch-login".into()).or_insert(AppBinding {
                at: s.at(j.line),
                export: None,
                what: "<StytchLogin>".into(),
                members: Vec::new(),
            });
        }
        if let Some(c) = m.calls.iter().find(|c| {
            c.callee.ends_with("magicLinks.authenticate")
                || c.callee.ends_with("oauth.authenticate")
                || c.callee.ends_with("authenticateByUrl")
        }) {
            if m.imports_from("@stytch/nextjs") {
                w.roles
                    .entry("stytch-authenticate".into())
                    .or_insert(AppBinding {
                        at: s.at(c.line),
                        export: None,
                        what: format!("{}(…)", c.callee),
                        members: Vec::new(),
                    });
            }
        }
    }
}

/// The constant right after `key:` in `text` (`key: Constants.NAME` → `NAME`).
fn name_after(text: &str, key: &str) -> Option<String> {
    let at = text.find(key)? + key.len();
    let rest = text[at..].trim_start().strip_prefix(':')?.trim_start();
    let path: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '$' | '.'))
        .collect();
    let name = path.rsplit('.').next()?.to_string();
    (!name.is_empty() && !name.chars().next()?.is_ascii_digit()).then_some(name)
}

/// `NAME = "value"` (a module's `const NAME = "value"`) in `text`: the value.
pub fn constant_in(text: &str, name: &str) -> Option<String> {
    let mut from = 0;
    while let Some(i) = text[from..].find(name) {
        let start = from + i;
        from = start + name.len();
        let before = text[..start].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let rest = text[from..].trim_start();
        let Some(rest) = rest.strip_prefix('=').filter(|r| !r.starts_with('=')) else {
            continue;
        };
        if let Some(value) = string_after(&format!("k: {}", rest.trim_start()), "k") {
            return Some(value);
        }
    }
    None
}

/// The string literal right after `key:` in `text` (`key: "name"`), when it is one.
fn string_after(text: &str, key: &str) -> Option<String> {
    let at = text.find(key)? + key.len();
    let rest = text[at..].trim_start().strip_prefix(':')?.trim_start();
    let quote = rest
        .chars()
        .next()
        .filter(|c| matches!(c, '"' | '\'' | '`'))?;
    let inner = &rest[1..];
    let end = inner.find(quote)?;
    let name = &inner[..end];
    // A cookie name: no interpolation, no quotes, no separators.
    name.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        .then(|| name.to_string())
        .filter(|n| !n.is_empty())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_session_cookie_the_app_names() {
        let text = "createStytchClient(token, {\n  cookieOptions: { opaqueTokenCookieName: \"t2p_b2c_session\", jwtCookieName: 'x' },\n});";
        assert_eq!(
            super::string_after(text, "opaqueTokenCookieName").as_deref(),
            Some("t2p_b2c_session")
        );
        assert_eq!(
            super::string_after("opaqueTokenCookieName: name", "opaqueTokenCookieName"),
            None
        );
    }
}
