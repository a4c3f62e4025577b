//! Lockfiles: which package manager the app uses, and which version of a package it locked.
//!
//! Lockfiles are read as text and only for the one line that names a package's version, so a
//! lockfile format detail we do not know costs a fallback to the declared range, never an error.

use std::path::{Path, PathBuf};

use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackageManager {
    Npm,
    Pnpm,
    Yarn,
    Bun,
}

impl PackageManager {
    pub fn name(self) -> &'static str {
        match self {
            Self::Npm => "npm",
            Self::Pnpm => "pnpm",
            Self::Yarn => "yarn",
            Self::Bun => "bun",
        }
    }

    pub fn install(self) -> &'static str {
        match self {
            Self::Npm => "npm install",
            Self::Pnpm => "pnpm install",
            Self::Yarn => "yarn install",
            Self::Bun => "bun install",
        }
    }

    /// The command that runs a package's binary without installing it. (Yarn 1 has no
    /// `dlx`, and npx comes with Node, so yarn apps get npx.)
    /// The command that adds a package: `npm install`, `pnpm add`, `yarn add`, `bun add`.
    pub fn add(self) -> &'static str {
        match self {
            Self::Npm => "npm install",
            Self::Pnpm => "pnpm add",
            Self::Yarn => "yarn add",
            Self::Bun => "bun add",
        }
    }

    pub fn exec(self) -> &'static str {
        match self {
            Self::Npm | Self::Yarn => "npx",
            Self::Pnpm => "pnpm dlx",
            Self::Bun => "bunx",
        }
    }

    /// The command that runs a binary the app has installed (`prisma`, `drizzle-kit`): the
    /// local one, never a download of another version.
    pub fn local(self) -> &'static str {
        match self {
            Self::Npm => "npx",
            Self::Pnpm => "pnpm exec",
            Self::Yarn => "yarn",
            Self::Bun => "bunx",
        }
    }

    pub fn run(self) -> &'static str {
        match self {
            Self::Npm => "npm run",
            Self::Pnpm => "pnpm run",
            Self::Yarn => "yarn run",
            Self::Bun => "bun run",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        match name {
            "npm" => Some(Self::Npm),
            "pnpm" => Some(Self::Pnpm),
            "yarn" => Some(Self::Yarn),
            "bun" => Some(Self::Bun),
            _ => None,
        }
    }
}

/// The manager a README's commands use most (`npm install`, `pnpm dev`, `yarn add`, `bun
/// run`…) among `among`, when one is used more than the others.
pub fn manager_from_readme(text: &str, among: &[PackageManager]) -> Option<PackageManager> {
    let uses = |m: PackageManager| -> usize {
        let name = m.name();
        text.match_indices(name)
            .filter(|(at, _)| {
                let before = text[..*at].chars().next_back();
                let after = text[at + name.len()..].chars().next();
                // A command word: `npm install`, `` `pnpm dev` ``, not `pnpm-lock.yaml`.
                before.is_none_or(|c| c.is_whitespace() || "`$>(".contains(c))
                    && after.is_some_and(|c| c == ' ')
            })
            .count()
            // `npx` runs with npm's install.
            + if m == PackageManager::Npm {
                text.matches("npx ").count()
            } else {
                0
            }
    };
    let mut counts: Vec<(usize, PackageManager)> = among.iter().map(|m| (uses(*m), *m)).collect();
    counts.sort_by_key(|c| std::cmp::Reverse(c.0));
    match counts.as_slice() {
        [(n, m), rest @ ..] if *n > 0 && rest.iter().all(|(k, _)| k < n) => Some(*m),
        _ => None,
    }
}

/// The lockfile names each manager writes, in the order they are looked for.
const LOCKFILES: [(&str, PackageManager); 5] = [
    ("pnpm-lock.yaml", PackageManager::Pnpm),
    ("yarn.lock", PackageManager::Yarn),
    ("bun.lock", PackageManager::Bun),
    ("bun.lockb", PackageManager::Bun),
    ("package-lock.json", PackageManager::Npm),
];

#[derive(Debug, Clone)]
pub struct Lockfile {
    pub path: PathBuf,
    pub manager: PackageManager,
    /// The text, when the format is text (not `bun.lockb`).
    pub text: Option<String>,
}

/// The lockfiles in `dir`.
pub fn find(dir: &Path) -> Vec<Lockfile> {
    LOCKFILES
        .iter()
        .filter_map(|(name, manager)| {
            let path = dir.join(name);
            if !std::fs::metadata(&path).is_ok_and(|m| m.is_file()) {
                return None;
            }
            let text = if *name == "bun.lockb" {
                None
            } else {
                crate::app::read_regular(&path)
            };
            Some(Lockfile {
                path,
                manager: *manager,
                text,
            })
        })
        .collect()
}

/// The manager named by a `packageManager` field such as `pnpm@9.12.0+sha512…`.
pub fn manager_from_field(field: &str) -> Option<PackageManager> {
    PackageManager::from_name(field.split('@').next()?.trim())
}

impl Lockfile {
    /// The version of `package` this lockfile resolved for the app at `importer` (the app's
    /// folder relative to the lockfile's; empty when they are the same), if it can be read.
    pub fn version_of(&self, package: &str, importer: &str) -> Option<String> {
        let text = self.text.as_deref()?;
        let file = self.path.file_name()?.to_str()?;
        match file {
            "package-lock.json" => npm_version(text, package, importer),
            "pnpm-lock.yaml" => pnpm_version(text, package, importer),
            "yarn.lock" => yarn_version(text, package),
            "bun.lock" => bun_version(text, package),
            _ => None,
        }
    }
}

fn npm_version(text: &str, package: &str, importer: &str) -> Option<String> {
    let lock: Value = serde_json::from_str(text).ok()?;
    let packages = lock.get("packages");
    // A workspace member's own copy comes before the hoisted one.
    let own = (!importer.is_empty())
        .then(|| {
            packages?
                .get(format!("{importer}/node_modules/{package}"))?
                .get("version")
        })
        .flatten();
    let hoisted = packages
        .and_then(|p| p.get(format!("node_modules/{package}")))
        .and_then(|p| p.get("version"));
    let v1 = lock
        .get("dependencies")
        .and_then(|d| d.get(package))
        .and_then(|p| p.get("version"));
    Some(own.or(hoisted).or(v1)?.as_str()?.to_string())
}

/// pnpm lists each project under `importers:` (`.` or its path), with
/// `next:` / `specifier:` / `version: 16.0.1(…)`; packages as `/next@16.0.1:` (v6),
/// `next@16.0.1:` (v9) or `/next@16.0.1(react@19.0.0):`.
fn pnpm_version(text: &str, package: &str, importer: &str) -> Option<String> {
    let importer_key = if importer.is_empty() { "." } else { importer };
    let mut section = "";
    let mut in_importer = false;
    let mut in_entry = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let key = trimmed
            .trim_end_matches(':')
            .trim_matches(|c| c == '\'' || c == '"');
        if indent == 0 {
            section = key;
            continue;
        }
        // A project's own entries: under `importers:` (its block at indent 2), or, in a
        // single-project lockfile, the top-level `dependencies:` / `devDependencies:`.
        let entry_indent = match section {
            "importers" => {
                if indent == 2 {
                    in_importer = key == importer_key;
                    continue;
                }
                6
            }
            "dependencies" | "devDependencies" if importer.is_empty() => {
                in_importer = true;
                2
            }
            _ => 0,
        };
        if entry_indent > 0 {
            if !in_importer {
                continue;
            }
            if in_entry && indent > entry_indent {
                if let Some(v) = trimmed.strip_prefix("version:") {
                    return leading_version(v.trim().trim_matches('\''));
                }
                continue;
            }
            in_entry = false;
            if indent == entry_indent - 2 {
                // `dependencies:` inside an importer
                continue;
            }
            if key == package && trimmed.ends_with(':') {
                in_entry = true;
            } else if let Some(rest) = trimmed
                .strip_prefix(package)
                .and_then(|r| r.strip_prefix(": "))
            {
                // `next: 16.0.1` (pnpm v5)
                if let Some(v) = leading_version(rest.trim_matches('\'')) {
                    return Some(v);
                }
            }
            continue;
        }
        if section == "packages" && indent == 2 {
            let entry = key.trim_start_matches('/');
            if let Some(rest) = entry
                .strip_prefix(package)
                .and_then(|r| r.strip_prefix('@'))
            {
                if let Some(v) = leading_version(rest) {
                    return Some(v);
                }
            }
        }
    }
    None
}

/// yarn v1: `"next@^16.0.1", next@^16:` then `  version "16.0.1"`;
/// berry: `"next@npm:^16.0.1":` then `  version: 16.0.1`.
fn yarn_version(text: &str, package: &str) -> Option<String> {
    let mut in_entry = false;
    for line in text.lines() {
        if !line.starts_with(' ') && line.ends_with(':') {
            in_entry = line.trim_end_matches(':').split(", ").any(|spec| {
                let spec = spec.trim_matches('"');
                spec.rsplit_once('@')
                    .map(|(name, _)| name.trim_end_matches("@npm") == package)
                    .unwrap_or(false)
                    && spec.starts_with(package)
            });
            continue;
        }
        if in_entry {
            let trimmed = line.trim();
            if let Some(v) = trimmed.strip_prefix("version") {
                return leading_version(v.trim_start_matches(':').trim().trim_matches('"'));
            }
        }
    }
    None
}

/// bun.lock is JSONC: `"packages": { "next": ["next@16.0.1", …] }`.
fn bun_version(text: &str, package: &str) -> Option<String> {
    let lock: Value =
        jsonc_parser::parse_to_serde_value(text, &jsonc_parser::ParseOptions::default()).ok()?;
    let spec = lock.get("packages")?.get(package)?.get(0)?.as_str()?;
    let (_, version) = spec.rsplit_once('@')?;
    leading_version(version)
}

/// `16.0.1(react@19)` → `16.0.1`; anything not starting with a digit → None.
fn leading_version(text: &str) -> Option<String> {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '+'))
        .unwrap_or(text.len());
    let v = &text[..end];
    v.starts_with(|c: char| c.is_ascii_digit())
        .then(|| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lock(name: &str, text: &str) -> Lockfile {
        Lockfile {
            path: PathBuf::from(name),
            manager: PackageManager::Npm,
            text: Some(text.to_string()),
        }
    }

    #[test]
    fn reads_versions_from_each_format() {
        let cases = [
            (
                "package-lock.json",
                r#"{"lockfileVersion":3,"packages":{"":{},"node_modules/next":{"version":"16.0.1"}}}"#,
            ),
            (
                "package-lock.json",
                r#"{"lockfileVersion":1,"dependencies":{"next":{"version":"16.0.1"}}}"#,
            ),
            (
                "pnpm-lock.yaml",
                "importers:\n  .:\n    dependencies:\n      next:\n        specifier: ^16.0.0\n        version: 16.0.1(react-dom@19.0.0(react@19.0.0))(react@19.0.0)\n",
            ),
            ("pnpm-lock.yaml", "packages:\n\n  /next@16.0.1(react@19.0.0):\n    resolution: {}\n"),
            ("pnpm-lock.yaml", "packages:\n\n  next@16.0.1:\n    resolution: {}\n"),
            (
                "yarn.lock",
                "\"next-auth@^1.0.0\":\n  version \"1.0.0\"\n\nnext@^16.0.0, \"next@^16.0.1\":\n  version \"16.0.1\"\n",
            ),
            ("yarn.lock", "\"next@npm:^16.0.0\":\n  version: 16.0.1\n  resolution: \"next@npm:16.0.1\"\n"),
            (
                "bun.lock",
                "{\n  // bun\n  \"packages\": {\n    \"next\": [\"next@16.0.1\", \"\", {}, \"sha512-x\"],\n  },\n}\n",
            ),
        ];
        for (name, text) in cases {
            assert_eq!(
                lock(name, text).version_of("next", "").as_deref(),
                Some("16.0.1"),
                "{name}: {text}"
            );
        }
    }

    #[test]
    fn scoped_packages_and_misses() {
        let l = lock(
            "pnpm-lock.yaml",
            "packages:\n  '@insforge/sdk@1.4.3':\n    resolution: {}\n",
        );
        assert_eq!(l.version_of("@insforge/sdk", "").as_deref(), Some("1.4.3"));
        assert_eq!(l.version_of("next", ""), None);
        let y = lock(
            "yarn.lock",
            "\"@insforge/sdk@^1.2.0\":\n  version \"1.2.9\"\n",
        );
        assert_eq!(y.version_of("@insforge/sdk", "").as_deref(), Some("1.2.9"));
        assert_eq!(y.version_of("sdk", ""), None);
    }

    #[test]
    fn workspace_members_get_their_own_versions() {
        let pnpm = lock(
            "pnpm-lock.yaml",
            "importers:\n\n  apps/docs:\n    dependencies:\n      next:\n        specifier: ^16.0.0\n        version: 16.0.1\n\n  apps/web:\n    dependencies:\n      next:\n        specifier: ^15.1.0\n        version: 15.1.0(react@19.0.0)\n\npackages:\n\n  next@16.0.1:\n    resolution: {}\n",
        );
        assert_eq!(
            pnpm.version_of("next", "apps/web").as_deref(),
            Some("15.1.0")
        );
        assert_eq!(
            pnpm.version_of("next", "apps/docs").as_deref(),
            Some("16.0.1")
        );
        let npm = lock(
            "package-lock.json",
            r#"{"packages":{"node_modules/next":{"version":"16.0.1"},"apps/web/node_modules/next":{"version":"15.1.0"}}}"#,
        );
        assert_eq!(
            npm.version_of("next", "apps/web").as_deref(),
            Some("15.1.0")
        );
        assert_eq!(
            npm.version_of("next", "apps/docs").as_deref(),
            Some("16.0.1")
        );
    }

    #[test]
    fn pnpm_single_project_sections() {
        let v6 = lock(
            "pnpm-lock.yaml",
            "lockfileVersion: '6.0'\n\ndependencies:\n  next:\n    specifier: ^15.0.0\n    version: 15.5.7(react@19.0.0)\n\npackages:\n\n  /next@14.2.0:\n    resolution: {}\n",
        );
        assert_eq!(v6.version_of("next", "").as_deref(), Some("15.5.7"));
        let v5 = lock(
            "pnpm-lock.yaml",
            "lockfileVersion: 5.4\n\ndependencies:\n  next: 15.5.7_react@19.0.0\n",
        );
        assert_eq!(v5.version_of("next", "").as_deref(), Some("15.5.7"));
    }

    #[test]
    fn readme_commands_break_a_tie_of_lockfiles() {
        use PackageManager::*;
        let both = [Bun, Npm];
        let readme =
            "## Getting started\n\n```bash\nnpm install\nnpm run dev\n```\n\nSee pnpm-lock.yaml.\n";
        assert_eq!(manager_from_readme(readme, &both), Some(Npm));
        assert_eq!(manager_from_readme("Run `bun dev`.\n", &both), Some(Bun));
        assert_eq!(manager_from_readme("npm run dev or bun dev\n", &both), None);
        assert_eq!(manager_from_readme("no commands\n", &both), None);
        assert_eq!(manager_from_readme("yarn dev\n", &both), None);
    }

    #[test]
    fn package_manager_field() {
        assert_eq!(
            manager_from_field("pnpm@9.12.0+sha512.abc"),
            Some(PackageManager::Pnpm)
        );
        assert_eq!(manager_from_field("nope@1"), None);
    }
}
