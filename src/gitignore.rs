//! Lines ensured in `.gitignore`: a path to ignore gets a rule only when no existing rule
//! already ignores it (`.env*`, `*.local`, `.env*.local`, …); a path to keep gets a `!` rule
//! only when an existing rule would ignore it.

/// The new text; the input unchanged when the rules already say what is wanted.
pub fn ensure(existing: &str, ignore: &[String], keep: &[String]) -> String {
    let missing: Vec<String> = ignore
        .iter()
        .filter(|p| !ignored(existing, p))
        .cloned()
        .chain(
            keep.iter()
                .filter(|p| ignored(existing, p))
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

/// Whether the rules in `text` ignore the root-level file `path`.
pub fn ignored(text: &str, path: &str) -> bool {
    let mut result = false;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') || line.ends_with('/') {
            continue;
        }
        let (negated, pattern) = match line.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, line),
        };
        let pattern = pattern.strip_prefix("**/").unwrap_or(pattern);
        let pattern = pattern.strip_prefix('/').unwrap_or(pattern);
        if pattern.contains('/') {
            continue;
        }
        if glob(pattern.as_bytes(), path.as_bytes()) {
            result = !negated;
        }
    }
    result
}

/// `*` and `?` wildcards and `[...]` classes within one path segment.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    match (pattern.first(), text.first()) {
        (None, None) => true,
        (Some(b'*'), _) => {
            glob(&pattern[1..], text) || (!text.is_empty() && glob(pattern, &text[1..]))
        }
        (Some(b'?'), Some(_)) => glob(&pattern[1..], &text[1..]),
        (Some(b'['), Some(&c)) => match pattern.iter().position(|&b| b == b']') {
            Some(end) if end > 1 => {
                let class = &pattern[1..end];
                let (negate, class) = match class.first() {
                    Some(b'!' | b'^') => (true, &class[1..]),
                    _ => (false, class),
                };
                let mut hit = false;
                let mut i = 0;
                while i < class.len() {
                    if i + 2 < class.len() && class[i + 1] == b'-' {
                        hit |= class[i] <= c && c <= class[i + 2];
                        i += 3;
                    } else {
                        hit |= class[i] == c;
                        i += 1;
                    }
                }
                hit != negate && glob(&pattern[end + 1..], &text[1..])
            }
            _ => c == b'[' && glob(&pattern[1..], &text[1..]),
        },
        (Some(b'\\'), Some(&c)) if pattern.len() > 1 => {
            pattern[1] == c && glob(&pattern[2..], &text[1..])
        }
        (Some(&p), Some(&c)) => p == c && glob(&pattern[1..], &text[1..]),
        _ => false,
    }
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
}
