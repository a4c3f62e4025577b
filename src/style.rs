//! A file's own style, derived once from its text: line ending, quote, semicolons and
//! indentation. Every edit builder writes in it, so an inserted line looks like its
//! neighbours.

/// How a source file is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Style {
    pub newline: &'static str,
    /// The quote its imports use.
    pub quote: char,
    /// Its statements end with `;`.
    pub semicolons: bool,
    /// One level of indentation: `"  "`, `"    "` or `"\t"`.
    pub indent: String,
    /// Where multi-line lists end with a comma (the templates write them everywhere).
    pub trailing_commas: Commas,
}

/// Prettier's `trailingComma` (Biome's `trailingCommas`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Commas {
    /// Wherever the syntax allows.
    #[default]
    All,
    /// In objects, arrays and import/export lists; not in calls, parameters or type lists.
    Es5,
    /// Nowhere.
    None,
}

impl Default for Style {
    fn default() -> Self {
        Self {
            newline: "\n",
            quote: '\'',
            semicolons: true,
            indent: "  ".into(),
            trailing_commas: Commas::All,
        }
    }
}

impl Style {
    pub fn of(text: &str) -> Self {
        let newline = if text.matches("\r\n").count() * 2 > text.matches('\n').count() {
            "\r\n"
        } else {
            "\n"
        };
        let double = text.matches("from \"").count() + text.matches("import \"").count();
        let single = text.matches("from '").count() + text.matches("import '").count();
        let quote = if double > single {
            '"'
        } else if double < single {
            '\''
        } else {
            // No imports to go by: the directive's quote, else a string's.
            let first = text
                .lines()
                .map(|l| l.trim_start_matches('\u{feff}').trim_start())
                .find_map(|l| l.chars().next().filter(|c| *c == '"' || *c == '\''));
            first.unwrap_or('\'')
        };
        // By the statements that end a line: `;` or not.
        let mut with = 0;
        let mut without = 0;
        for line in text.lines() {
            let t = line.trim_start_matches('\u{feff}').trim();
            let statement = [
                "import ", "export ", "const ", "let ", "return ", "'use ", "\"use ",
            ]
            .iter()
            .any(|s| t.starts_with(s));
            if !statement {
                continue;
            }
            // A trailing line comment does not end the statement.
            let t = match t.find(" //") {
                Some(i) => t[..i].trim_end(),
                None => t,
            };
            if t.ends_with(';') {
                with += 1;
            } else if t.ends_with(|c: char| {
                c == '\'' || c == '"' || c == ')' || c == ']' || c == '`' || c.is_alphanumeric()
            }) {
                without += 1;
            }
        }
        let semicolons = with >= without;
        // The smallest indentation of an indented line.
        let indent = text
            .lines()
            .filter_map(|l| {
                let ws: String = l.chars().take_while(|c| *c == ' ' || *c == '\t').collect();
                (!ws.is_empty() && ws.len() < l.len()).then_some(ws)
            })
            .min_by_key(|ws| if ws.starts_with('\t') { 0 } else { ws.len() })
            .unwrap_or_else(|| "  ".into());
        Self {
            newline,
            quote,
            semicolons,
            indent,
            trailing_commas: Commas::All,
        }
    }

    /// `;` when the file ends statements with one.
    pub fn semi(&self) -> &'static str {
        if self.semicolons {
            ";"
        } else {
            ""
        }
    }

    /// A string literal in the file's quote.
    pub fn string(&self, value: &str) -> String {
        format!("{q}{value}{q}", q = self.quote)
    }

    /// Code written with `'` strings, in this file's quote: single-quoted literals without
    /// quotes or escapes inside are requoted; comment lines (and apostrophes in them) are
    /// left as they are.
    pub fn requote(&self, code: &str) -> String {
        if self.quote != '"' {
            return code.to_string();
        }
        let mut out = String::with_capacity(code.len());
        for (i, line) in code.split('\n').enumerate() {
            if i > 0 {
                out.push('\n');
            }
            let trimmed = line.trim_start();
            if trimmed.starts_with("//") || trimmed.starts_with('*') || trimmed.starts_with("/*") {
                out.push_str(line);
                continue;
            }
            let mut rest = line;
            while let Some(start) = rest.find('\'') {
                let after = &rest[start + 1..];
                match after.find(['\'', '"', '\\']) {
                    Some(end) if after.as_bytes()[end] == b'\'' => {
                        out.push_str(&rest[..start]);
                        out.push('"');
                        out.push_str(&after[..end]);
                        out.push('"');
                        rest = &after[end + 1..];
                    }
                    _ => break,
                }
            }
            out.push_str(rest);
        }
        out
    }

    /// Code written with `\n` and `'`, in this file's line ending and quote.
    pub fn adapt(&self, code: &str) -> String {
        let code = if self.quote == '"' {
            code.replace('\'', "\"")
        } else {
            code.to_string()
        };
        let code = if self.semicolons {
            code
        } else {
            code.lines()
                .map(|l| l.strip_suffix(';').unwrap_or(l))
                .collect::<Vec<_>>()
                .join("\n")
                + if code.ends_with('\n') { "\n" } else { "" }
        };
        code.replace('\n', self.newline)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requote_swaps_string_literals_not_comments() {
        let double = Style::of("import a from \"a\";\n");
        assert_eq!(
            double.requote(
                "  // Auth0's headers\n  if (p.startsWith('/auth')) f('a', 'b');\n  g('it\\'s');"
            ),
            "  // Auth0's headers\n  if (p.startsWith(\"/auth\")) f(\"a\", \"b\");\n  g('it\\'s');"
        );
        let single = Style::of("import a from 'a';\n");
        assert_eq!(single.requote("f('a')"), "f('a')");
    }

    #[test]
    fn a_files_style() {
        let s = Style::of("import a from \"a\"\r\nconst b = a()\r\nfunction f() {\r\n\tb\r\n}\r\n");
        assert_eq!(
            (s.newline, s.quote, s.semicolons, s.indent.as_str()),
            ("\r\n", '"', false, "\t")
        );
        let s = Style::of("import a from 'a';\n\nexport default function L() {\n    return (\n        <p/>\n    );\n}\n");
        assert_eq!(
            (s.newline, s.quote, s.semicolons, s.indent.as_str()),
            ("\n", '\'', true, "    ")
        );
        assert_eq!(
            Style::of("import a from \"a\"\n").adapt("import { x } from 'x';\n"),
            "import { x } from \"x\"\n"
        );
    }
}
