//! Lines ensured in `.gitignore`: a path to ignore gets a rule only when no existing rule
//! already ignores it (`.env*`, `*.local`, `.env*.local`, …, or a rule in a `.gitignore`
//! above the app, a monorepo root's); a path to keep gets a `!` rule only when an existing
//! rule, here or above, would ignore it.

use std::path::{Path, PathBuf};

/// The new text; the input unchanged when the rules already say what is wanted. `unignore`:
/// kept paths that a `.gitignore` above the app ignores (a `!` rule here undoes that).
pub fn ensure(existing: &str, ignore: &[String], keep: &[String], unignore: &[String]) -> String {
    let rules = Rules::new(existing);
    let missing: Vec<String> = ignore
        .iter()
        .filter(|p| !rules.ignores(p))
        .cloned()
        .chain(
            keep.iter()
                .filter(|p| rules.ignores(p) || (unignore.contains(p) && !rules.whitelists(p)))
                .map(|p| format!("!{p}")),
        )
        .collect();
    if missing.is_empty() {
        return existing.to_string();
    }
    let newline = if existing.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let mut out = existing.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push_str(newline);
    }
    // One blank line before the block, never a second one.
    let blank_before = out.ends_with("\n\n") || out.ends_with("\n\r\n");
    if !out.is_empty() && !blank_before {
        out.push_str(newline);
    }
    let link = missing.iter().any(|p| p == crate::paths::LINK_DIR);
    out.push_str(&match (keep.first(), link) {
        (Some(example), false) => format!(
            "# env files (insforge-integrate): .env.local holds secrets, {example} is committed"
        ),
        (None, false) => "# env files (insforge-integrate): .env.local holds secrets".to_string(),
        (Some(example), true) => format!(
            "# insforge-integrate: .env.local holds secrets, .insforge/ the InsForge admin key; {example} is committed"
        ),
        (None, true) => {
            "# insforge-integrate: .env.local holds secrets, .insforge/ the InsForge admin key"
                .to_string()
        }
    });
    out.push_str(newline);
    for path in &missing {
        out.push_str(path);
        out.push_str(newline);
    }
    out
}

/// The `.gitignore` files above the app, up to the repository's root (the nearest folder
/// with `.git`), nearest first: git applies them to the app's files too.
#[derive(Debug, Clone, Default)]
pub struct Above(Vec<(String, ignore::gitignore::Gitignore)>);

impl Above {
    pub fn read(root: &Path) -> Self {
        let Ok(root) = std::path::absolute(root) else {
            return Self::default();
        };
        let mut layers = Vec::new();
        if root.join(".git").exists() {
            return Self(layers);
        }
        let mut up = PathBuf::from("..");
        for dir in root.ancestors().skip(1) {
            let file = dir.join(".gitignore");
            if std::fs::metadata(&file).is_ok_and(|m| m.is_file() && m.len() < 1 << 20) {
                let (rules, _) = ignore::gitignore::Gitignore::new(&file);
                layers.push((crate::paths::slash(&up.join(".gitignore")), rules));
            }
            if dir.join(".git").exists() {
                break;
            }
            up.push("..");
        }
        Self(layers)
    }

    /// The `.gitignore` above the app that ignores `root/path` (the nearest that decides).
    pub fn ignoring(&self, root: &Path, path: &str) -> Option<&str> {
        let (path, dir) = (path.trim_end_matches('/'), path.ends_with('/'));
        let target = std::path::absolute(root).ok()?.join(path);
        for (name, rules) in &self.0 {
            let matched = rules.matched_path_or_any_parents(&target, dir);
            if matched.is_ignore() {
                return Some(name);
            }
            if matched.is_whitelist() {
                return None;
            }
        }
        None
    }
}

/// Whether the rules in `text` ignore the root-level file `path`, as git reads them.
pub fn ignored(text: &str, path: &str) -> bool {
    Rules::new(text).ignores(path)
}

/// A `.gitignore`'s rules for files at the app's root, matched by the `ignore` crate (globs
/// compiled to automata, so no line takes more than linear time). Lines git would reject are
/// skipped, as git skips them; so are rules that can only match inside a folder
/// (`config/.env.local`), and repeats of a line.
struct Rules(Option<ignore::gitignore::Gitignore>);

impl Rules {
    fn new(text: &str) -> Self {
        let mut builder = ignore::gitignore::GitignoreBuilder::new("");
        let mut seen = std::collections::HashSet::new();
        for line in text.lines() {
            if !root_level(line) || !seen.insert(line) {
                continue;
            }
            let _ = builder.add_line(None, line);
        }
        Self(builder.build().ok())
    }

    /// `path` is a file, or a folder when it ends with `/`.
    fn ignores(&self, path: &str) -> bool {
        let (path, dir) = (path.trim_end_matches('/'), path.ends_with('/'));
        self.0
            .as_ref()
            .is_some_and(|rules| rules.matched(path, dir).is_ignore())
    }

    fn whitelists(&self, path: &str) -> bool {
        let (path, dir) = (path.trim_end_matches('/'), path.ends_with('/'));
        self.0
            .as_ref()
            .is_some_and(|rules| rules.matched(path, dir).is_whitelist())
    }
}

/// Whether a rule could match a file at the root: no `/` but a leading one (or `**/`) and a
/// trailing one. Comments and blank lines are kept out too.
fn root_level(line: &str) -> bool {
    let line = line.trim_end_matches([' ', '\t', '\r']);
    if line.is_empty() || line.starts_with('#') {
        return false;
    }
    let rule = line.strip_prefix('!').unwrap_or(line);
    let rule = rule
        .strip_prefix("**/")
        .or_else(|| rule.strip_prefix('/'))
        .unwrap_or(rule);
    let rule = rule.strip_suffix('/').unwrap_or(rule);
    !rule.contains('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_that_cover_env_local() {
        for rules in [
            ".env.local",
            ".env*",
            ".env*.local",
            "*.local",
            "/.env.local",
            "**/.env.local",
            ".env.[l]ocal",
            ".env.?ocal",
            "*\n!.gitignore",
            "\\.env.local",
        ] {
            assert!(ignored(rules, ".env.local"), "{rules}");
        }
        for rules in [
            "",
            ".env",
            "# .env.local",
            ".env*\n!.env.local",
            "config/.env.local",
            ".env.local/",
            "/config/*",
            "[",
            ".env*\n!config/x\n!/.env.local",
        ] {
            assert!(!ignored(rules, ".env.local"), "{rules:?}");
        }
    }

    #[test]
    fn ensure_appends_only_what_is_missing() {
        let header =
            "# env files (insforge-integrate): .env.local holds secrets, .env.example is committed";
        let ignore = [".env.local".to_string()];
        let keep = [".env.example".to_string()];
        let ensure = |text: &str| ensure(text, &ignore, &keep, &[]);
        let covered = "node_modules\n.env*.local\n";
        assert_eq!(ensure(covered), covered);
        assert_eq!(
            ensure("node_modules\n.env*\n"),
            format!("node_modules\n.env*\n\n{header}\n!.env.example\n")
        );
        assert_eq!(
            ensure("node_modules"),
            format!("node_modules\n\n{header}\n.env.local\n")
        );
        // A file that ends in a blank line gets no second one.
        assert_eq!(
            ensure("node_modules\n\n"),
            format!("node_modules\n\n{header}\n.env.local\n")
        );
        let once = ensure("");
        assert_eq!(once, format!("{header}\n.env.local\n"));
        assert_eq!(ensure(&once), once);
    }

    #[test]
    fn a_path_ignored_above_is_unignored_here_unless_already() {
        let keep = [".env.example".to_string()];
        let out = ensure("", &[], &keep, &keep);
        assert!(out.ends_with("\n!.env.example\n"), "{out}");
        assert_eq!(
            ensure("!.env.example\n", &[], &keep, &keep),
            "!.env.example\n"
        );
        assert_eq!(ensure("", &[], &keep, &[]), "");
    }

    #[test]
    fn rules_above_the_app_are_read_up_to_the_repository_root() {
        let dir = tempfile::tempdir().unwrap();
        let app = dir.path().join("repo/apps/web");
        std::fs::create_dir_all(&app).unwrap();
        std::fs::create_dir(dir.path().join("repo/.git")).unwrap();
        std::fs::write(dir.path().join("repo/.gitignore"), ".env*\n!.env.example\n").unwrap();
        // Outside the repository: never read.
        std::fs::write(dir.path().join(".gitignore"), "*.ts\n").unwrap();
        let above = Above::read(&app);
        assert_eq!(above.ignoring(&app, ".env.local"), Some("../../.gitignore"));
        assert_eq!(above.ignoring(&app, ".env.example"), None);
        assert_eq!(above.ignoring(&app, "lib/insforge.ts"), None);
    }

    #[test]
    fn a_line_of_stars_is_matched_in_linear_time() {
        let line = format!("{}x", "*".repeat(40));
        assert!(!ignored(&line, ".env.local"));
        assert!(ignored(&line, ".env.localx"));
    }

    #[test]
    fn a_folder_is_ignored_by_a_folder_rule_or_a_name_rule() {
        let dir = crate::paths::LINK_DIR;
        for (text, ignored) in [
            (".insforge\n", true),
            (".insforge/\n", true),
            ("/.insforge/\n", true),
            (".*\n", true),
            ("*.json\n", false),
            (".insforge/project.json\n", false),
            ("node_modules\n", false),
        ] {
            assert_eq!(
                ensure(text, &[dir.into()], &[], &[]) == text,
                ignored,
                "{text:?}"
            );
        }
    }
}
