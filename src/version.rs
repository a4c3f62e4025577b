//! `--version` and `--version --verbose`: the tool's version, the template set's (a hash of
//! every embedded template, so two builds with the same templates say the same), and the
//! package versions the generated code is verified against — the pins of the typecheck suite,
//! embedded from its `package.json` files, so the list cannot drift from what CI compiles.

use sha2::{Digest, Sha256};

const PINS_NEXT16: &str = include_str!("../tests/typecheck/node/package.json");
const PINS_NEXT15: &str = include_str!("../tests/typecheck/node-next15/package.json");

/// Packages whose versions the templates branch on or compile against.
const SHOWN: [&str; 10] = [
    "next",
    "@insforge/sdk",
    "@clerk/nextjs",
    "@auth0/nextjs-auth0",
    "@workos-inc/authkit-nextjs",
    "@kinde-oss/kinde-auth-nextjs",
    "@stytch/nextjs",
    "better-auth",
    "typescript",
    "react",
];

pub fn short() -> String {
    format!("insforge-integrate {}", env!("CARGO_PKG_VERSION"))
}

/// The template set's version: the first 12 hex digits of the SHA-256 over every embedded
/// template's path and bytes, in path order.
pub fn templates() -> String {
    let mut files: Vec<(String, &[u8])> = Vec::new();
    fn walk<'a>(dir: &'a include_dir::Dir<'a>, out: &mut Vec<(String, &'a [u8])>) {
        for f in dir.files() {
            out.push((f.path().display().to_string(), f.contents()));
        }
        for d in dir.dirs() {
            walk(d, out);
        }
    }
    walk(&crate::provider::TEMPLATES, &mut files);
    files.sort();
    let mut hash = Sha256::new();
    for (path, bytes) in &files {
        hash.update(path.as_bytes());
        hash.update([0]);
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(bytes);
    }
    let hex: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
    format!("{} ({} files)", &hex[..12], files.len())
}

/// The pinned versions of a typecheck project: name (or alias) to version.
fn pins(text: &str) -> Vec<(String, String)> {
    let doc: serde_json::Value = serde_json::from_str(text).expect("a committed package.json");
    let mut out = Vec::new();
    for section in ["dependencies", "devDependencies"] {
        if let Some(deps) = doc[section].as_object() {
            for (name, v) in deps {
                if let Some(v) = v.as_str() {
                    out.push((name.clone(), v.to_string()));
                }
            }
        }
    }
    out
}

/// Releases pinned for `package`, directly or under an alias (`npm:@clerk/nextjs@5.7.6`).
fn releases(pins: &[(String, String)], package: &str) -> Vec<String> {
    let mut out: Vec<String> = pins
        .iter()
        .filter_map(|(name, v)| {
            if name == package {
                Some(v.clone())
            } else {
                v.strip_prefix(&format!("npm:{package}@"))
                    .map(str::to_string)
            }
        })
        .collect();
    out.sort_by(
        |a, b| match (semver::Version::parse(a), semver::Version::parse(b)) {
            (Ok(a), Ok(b)) => b.cmp(&a),
            _ => b.cmp(a),
        },
    );
    out.dedup();
    out
}

/// The oldest release of `package` the generated code is verified against (both typecheck
/// projects' pins), when it is pinned at all.
pub fn oldest_verified(package: &str) -> Option<semver::Version> {
    let mut all = pins(PINS_NEXT16);
    all.extend(pins(PINS_NEXT15));
    releases(&all, package)
        .iter()
        .filter_map(|v| semver::Version::parse(v).ok())
        .min()
}

pub fn verbose() -> String {
    let mut all = pins(PINS_NEXT16);
    all.extend(pins(PINS_NEXT15));
    let mut text = format!(
        "{}\ntemplates: {}\nverified against (tsc, next build and the token tests run on these exact releases):\n",
        short(),
        templates()
    );
    for package in SHOWN {
        let found = releases(&all, package);
        if !found.is_empty() {
            text.push_str(&format!("  {package:<30} {}\n", found.join(", ")));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_verified_release_is_the_oldest_pin() {
        assert_eq!(
            oldest_verified("@clerk/nextjs").map(|v| v.major),
            Some(5),
            "clerk-nextjs-5 is pinned"
        );
        assert_eq!(oldest_verified("left-pad"), None);
    }

    #[test]
    fn the_verified_releases_are_the_typecheck_pins() {
        let text = super::verbose();
        assert!(text.starts_with(&format!(
            "insforge-integrate {}\n",
            env!("CARGO_PKG_VERSION")
        )));
        // Aliased older releases count: Next 16 and 15, and the older SDK branches.
        for needle in [
            "next ",
            "16.4.6",
            "15.5.29",
            "1.5.2, 1.4.3, 1.2.10, 1.2.5",
            "7.9.17",
            "5.7.6",
        ] {
            assert!(text.contains(needle), "{needle}: {text}");
        }
        assert!(super::templates().len() > 12);
    }
}
