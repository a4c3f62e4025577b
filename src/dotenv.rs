//! Dotenv files, read and merged without disturbing what the user wrote: comments, order,
//! quoting, `export` prefixes and line endings stay as they are; keys are only ever added, and a
//! value is only ever written into a key that has none.

/// One `KEY=value` assignment found in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub key: String,
    /// The value with quotes removed.
    pub value: String,
    /// Index of the line the assignment starts on.
    line: usize,
    /// Index of the line it ends on (a quoted value may span several).
    last_line: usize,
    /// Bytes of the first line up to the value: `export KEY=`.
    prefix_len: usize,
}

/// A key the tool wants in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub value: String,
    /// Written as `# …` above the key when the key is added.
    pub comment: Option<String>,
    /// Write `value` into an existing key whose value is empty (an explicit answer, such as
    /// `--insforge-url`). A key with a value is never changed.
    pub fill_empty: bool,
}

/// Every assignment in `text`, in order. Multi-line quoted values count as one.
pub fn parse(text: &str) -> Vec<Assignment> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let start = i;
        i += 1;
        let Some((key, raw)) = split_assignment(lines[start]) else {
            continue;
        };
        let prefix_len = lines[start].len() - raw.len();
        let raw = raw.trim_start();
        let quoted = match raw.chars().next() {
            Some(q @ ('"' | '\'' | '`')) => closing_quote(&lines, start, raw, q),
            _ => None,
        };
        let value = match quoted {
            Some((value, last)) => {
                i = last + 1;
                value
            }
            // Unquoted, or a quote dotenv would not accept: the line as written.
            None => strip_inline_comment(raw).trim().to_string(),
        };
        out.push(Assignment {
            key: key.to_string(),
            value,
            line: start,
            last_line: i - 1,
            prefix_len,
        });
    }
    out
}

/// A quoted value as dotenv reads it: up to the first unescaped closing quote, which may be
/// on a later line but must be followed only by spaces or a `# comment` on its own line.
/// Returns the value and the index of the line it ends on.
fn closing_quote(lines: &[&str], start: usize, raw: &str, q: char) -> Option<(String, usize)> {
    let mut body = String::new();
    for (n, line) in lines.iter().enumerate().skip(start) {
        let part = if n == start { &raw[1..] } else { line };
        let mut escaped = false;
        for (at, c) in part.char_indices() {
            if c == q && !escaped {
                let rest = part[at + 1..].trim_start();
                return (rest.is_empty() || rest.starts_with('#')).then(|| {
                    body.push_str(&part[..at]);
                    (body, n)
                });
            }
            escaped = c == '\\' && !escaped;
        }
        body.push_str(part);
        body.push('\n');
    }
    None
}

/// `export KEY = value` (or `KEY: value`) → (`KEY`, ` value`), the value a suffix of `line`.
fn split_assignment(line: &str) -> Option<(&str, &str)> {
    let trimmed = line.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('#') {
        return None;
    }
    let trimmed = match trimmed.strip_prefix("export") {
        Some(rest) if rest.starts_with([' ', '\t']) => rest.trim_start(),
        _ => trimmed,
    };
    let key_end = trimmed
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
        .unwrap_or(trimmed.len());
    let (key, rest) = trimmed.split_at(key_end);
    let after = rest.trim_start();
    let value = match after.strip_prefix('=') {
        Some(value) => value,
        None => after
            .strip_prefix(':')
            .filter(|v| v.starts_with([' ', '\t']))?,
    };
    (!key.is_empty()).then_some((key, value))
}

/// An unquoted value ends at the first `#`, as dotenv reads it.
fn strip_inline_comment(value: &str) -> &str {
    value.find('#').map_or(value, |i| &value[..i])
}

/// The text with `entries` ensured. Returns the input unchanged when every key is present.
pub fn merge(existing: &str, entries: &[Entry], header: Option<&str>) -> String {
    // Lines keep their own endings; added lines take the file's usual one.
    let mut lines: Vec<String> = existing.split_inclusive('\n').map(str::to_string).collect();
    let crlf = lines.iter().filter(|l| l.ends_with("\r\n")).count();
    let newline = if crlf * 2 > lines.len() { "\r\n" } else { "\n" };
    let assignments = parse(existing);
    let mut added = Vec::new();
    let mut filled = false;
    for entry in entries {
        // dotenv keeps the last definition of a key.
        match assignments.iter().rev().find(|a| a.key == entry.key) {
            Some(a) if a.value.is_empty() && entry.fill_empty && !entry.value.is_empty() => {
                let line = &lines[a.line];
                let body = line.trim_end_matches(['\r', '\n']);
                let ending = &line[body.len()..];
                let (prefix, rest) = body.split_at(a.prefix_len);
                // Keep a comment after the empty value: `KEY= # from the dashboard`.
                let rest = rest.trim_start();
                let rest = ["\"\"", "''", "``"]
                    .iter()
                    .find_map(|q| rest.strip_prefix(q))
                    .unwrap_or(rest)
                    .trim_start();
                let comment = if rest.starts_with('#') {
                    format!(" {rest}")
                } else {
                    String::new()
                };
                lines[a.line] = format!("{prefix}{}{comment}{ending}", quote(&entry.value));
                filled = true;
            }
            Some(_) => {}
            None if added.iter().any(|e: &&Entry| e.key == entry.key) => {}
            None => added.push(entry),
        }
    }
    if added.is_empty() && !filled {
        return existing.to_string();
    }
    if !added.is_empty() {
        if let Some(last) = lines.last_mut() {
            if !last.ends_with('\n') {
                last.push_str(newline);
            }
            if !last.trim().is_empty() {
                lines.push(newline.to_string());
            }
        }
        if let Some(header) = header {
            lines.push(format!("# {header}{newline}"));
        }
        for entry in &added {
            if let Some(comment) = &entry.comment {
                lines.push(format!("# {comment}{newline}"));
            }
            lines.push(format!("{}={}{newline}", entry.key, quote(&entry.value)));
        }
    }
    lines.concat()
}

/// Quote a value only when dotenv would otherwise read it differently.
fn quote(value: &str) -> String {
    let plain = value.chars().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(
                c,
                '_' | '-' | '.' | '/' | ':' | '@' | '+' | ',' | '=' | '|' | '~' | '%'
            )
    });
    if plain {
        return value.to_string();
    }
    // Next.js expands `$NAME` in every kind of quote; `\$` keeps a dollar literal.
    let value = value.replace('$', "\\$");
    match ['\'', '"', '`'].into_iter().find(|q| !value.contains(*q)) {
        Some(q) => format!("{q}{value}{q}"),
        None => format!("\"{}\"", value.replace('"', "\\\"")),
    }
}

/// The text with the value of every secret key replaced by a mask, for display.
pub fn mask(text: &str, is_secret: impl Fn(&str) -> bool) -> String {
    let secret: Vec<Assignment> = parse(text)
        .into_iter()
        .filter(|a| is_secret(&a.key) && !a.value.is_empty())
        .collect();
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split_inclusive('\n').enumerate() {
        match secret.iter().find(|a| (a.line..=a.last_line).contains(&i)) {
            // The first line keeps `KEY=`; the rest of a multi-line value is dropped.
            Some(a) if a.line == i => {
                let body = line.trim_end_matches(['\r', '\n']);
                let ending = &line[body.len()..];
                let value = body[a.prefix_len..].trim_start();
                out.push_str(&format!(
                    "{}{MASK}{ending}",
                    &body[..body.len() - value.len()]
                ));
            }
            Some(_) => {}
            None => out.push_str(line),
        }
    }
    out
}

/// What a secret looks like in any output.
pub const MASK: &str = "********";

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(key: &str, value: &str) -> Entry {
        Entry {
            key: key.into(),
            value: value.into(),
            comment: None,
            fill_empty: false,
        }
    }

    #[test]
    fn parses_quotes_exports_comments_and_multiline_values() {
        let text = "# c\nexport A=1\nB = \"two words\" # note\nC='x#y'\nD=plain # trailing\nKEY=\"-----BEGIN\nabc\n-----END\"\nE=\nF= # from the dashboard\nG=a#b\n";
        let got: Vec<(String, String)> =
            parse(text).into_iter().map(|a| (a.key, a.value)).collect();
        let want = [
            ("A", "1"),
            ("B", "two words"),
            ("C", "x#y"),
            ("D", "plain"),
            ("KEY", "-----BEGIN\nabc\n-----END"),
            ("E", ""),
            ("F", ""),
            ("G", "a"),
        ];
        assert_eq!(got, want.map(|(k, v)| (k.to_string(), v.to_string())));
    }

    #[test]
    fn a_quote_closed_later_only_counts_at_the_end_of_its_line() {
        let keys = |text: &str| -> Vec<(String, String)> {
            parse(text).into_iter().map(|a| (a.key, a.value)).collect()
        };
        let pair = |k: &str, v: &str| (k.to_string(), v.to_string());
        assert_eq!(
            keys("APP=\"My App\nANON=\"anon-123\"\n"),
            [pair("APP", "\"My App"), pair("ANON", "anon-123")]
        );
        assert_eq!(
            keys("J=\"{\n \\\"k\\\": 1\n}\" # c\nB=2\n"),
            [pair("J", "{\n \\\"k\\\": 1\n}"), pair("B", "2")]
        );
        assert_eq!(
            keys("2FA_SECRET=abc\nexport\tTOKEN=tok\nSMTP_PASS: hunter2\nURL=http://x:1\n"),
            [
                pair("2FA_SECRET", "abc"),
                pair("TOKEN", "tok"),
                pair("SMTP_PASS", "hunter2"),
                pair("URL", "http://x:1")
            ]
        );
        let masked = mask("SMTP_PASS: hunter2\n\u{feff}", |_| true);
        assert_eq!(masked, "SMTP_PASS: ********\n\u{feff}");
    }

    #[test]
    fn an_unclosed_quote_does_not_swallow_later_keys() {
        let keys: Vec<String> = parse("GREETING=\"hello\nSECRET=s\n")
            .into_iter()
            .map(|a| a.key)
            .collect();
        assert_eq!(keys, ["GREETING", "SECRET"]);
    }

    #[test]
    fn the_last_definition_counts_and_comments_are_no_values() {
        let fill = |key: &str| Entry {
            fill_empty: true,
            ..entry(key, "v")
        };
        assert_eq!(merge("A=1\nA=\n", &[fill("A")], None), "A=1\nA=v\n");
        assert_eq!(merge("B= # later\n", &[fill("B")], None), "B=v # later\n");
        assert_eq!(merge("C=\"\" # note\n", &[fill("C")], None), "C=v # note\n");
    }

    #[test]
    fn merge_keeps_user_values_and_appends_missing_keys() {
        let existing =
            "# mine\nexport NEXT_PUBLIC_INSFORGE_URL='https://mine.example'\r\nOTHER=1\r\n";
        let out = merge(
            existing,
            &[
                entry("NEXT_PUBLIC_INSFORGE_URL", "https://new"),
                entry("NEW", "v"),
            ],
            Some("added"),
        );
        assert_eq!(
            out,
            "# mine\nexport NEXT_PUBLIC_INSFORGE_URL='https://mine.example'\r\nOTHER=1\r\n\r\n# added\r\nNEW=v\r\n"
        );
    }

    #[test]
    fn a_byte_order_mark_does_not_hide_the_first_key() {
        let text = "\u{feff}A=1\n";
        assert_eq!(parse(text)[0].key, "A");
        assert_eq!(merge(text, &[entry("A", "2")], None), text);
    }

    #[test]
    fn merge_without_changes_is_byte_identical() {
        for text in ["A=1", "A=1\n", "A=1\r\n\r\n", "  A = 1 # c\n"] {
            assert_eq!(merge(text, &[entry("A", "2")], Some("h")), text);
        }
    }

    #[test]
    fn mixed_line_endings_stay_as_they_are() {
        assert_eq!(
            merge("A=1\nB=2\r\nC=3\n", &[entry("D", "4")], None),
            "A=1\nB=2\r\nC=3\n\nD=4\n"
        );
    }

    #[test]
    fn merge_adds_a_newline_to_a_file_without_one() {
        assert_eq!(merge("A=1", &[entry("B", "2")], None), "A=1\n\nB=2\n");
        assert_eq!(merge("", &[entry("B", "")], None), "B=\n");
    }

    #[test]
    fn explicit_values_fill_empty_keys_only() {
        let fill = Entry {
            fill_empty: true,
            ..entry("URL", "https://x")
        };
        assert_eq!(
            merge("export URL=\n", std::slice::from_ref(&fill), None),
            "export URL=https://x\n"
        );
        assert_eq!(merge("URL=kept\n", &[fill], None), "URL=kept\n");
    }

    #[test]
    fn values_are_quoted_when_needed() {
        assert_eq!(quote("https://a.b/c?d"), "'https://a.b/c?d'");
        assert_eq!(quote("abc123=="), "abc123==");
        assert_eq!(quote("it's"), "\"it's\"");
        assert_eq!(quote("pa$word"), "'pa\\$word'");
        assert_eq!(quote("a'b\"c"), "`a'b\"c`");
    }

    #[test]
    fn mask_hides_secret_values_only() {
        let text = "PUBLIC=1\nSECRET=\"abc\ndef\"\nEMPTY_SECRET=\n# SECRET=not-a-line\nLAST=2\r\n";
        let masked = mask(text, |k| k.contains("SECRET"));
        assert_eq!(
            masked,
            "PUBLIC=1\nSECRET=********\nEMPTY_SECRET=\n# SECRET=not-a-line\nLAST=2\r\n"
        );
    }
}
