//! Lines ensured in `.gitignore`: a path to ignore gets a rule only when no existing rule
//! already ignores it (`.env*`, `*.local`, `.env*.local`, …); a path to keep gets a `!` rule
//! only when an existing rule would ignore it.

/// The new text; the input unchanged when the rules already say what is wanted.
pub fn ensure(existing: &str, ignore: &[String], keep: &[String]) -> String {
    let rules = Rules::new(existing);
    let missing: Vec<String> = ignore
        .iter()
        .filter(|p| !rules.ignores(p))
        .cloned()
        .chain(
            keep.iter()
                .filter(|p| rules.ignores(p))
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
    if !out.is_empty() {
        out.push_str(newline);
    }
    out.push_str(
        "# env files (insforge-integrate): .env.local holds secrets, .env.example is committed",
    );
    out.push_str(newline);
    for path in &missing {
        out.push_str(path);
        out.push_str(newline);
    }
    out
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

    fn ignores(&self, path: &str) -> bool {
        self.0
            .as_ref()
            .is_some_and(|rules| rules.matched(path, false).is_ignore())
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
        let covered = "node_modules\n.env*.local\n";
        assert_eq!(ensure(covered, &ignore, &keep), covered);
        assert_eq!(
            ensure("node_modules\n.env*\n", &ignore, &keep),
            format!("node_modules\n.env*\n\n{header}\n!.env.example\n")
        );
        assert_eq!(
            ensure("node_modules", &ignore, &keep),
            format!("node_modules\n\n{header}\n.env.local\n")
        );
        let once = ensure("", &ignore, &keep);
        assert_eq!(once, format!("{header}\n.env.local\n"));
        assert_eq!(ensure(&once, &ignore, &keep), once);
    }

    #[test]
    fn a_line_of_stars_is_matched_in_linear_time() {
        let line = format!("{}x", "*".repeat(40));
        assert!(!ignored(&line, ".env.local"));
        assert!(ignored(&line, ".env.localx"));
    }
}
