//! The app's own formatter, applied to the files the tool writes before they are planned,
//! so the diff shows what lands and the app's `prettier --check` (or `biome format`) passes:
//! the app's installed Prettier (one Node process for every file, with the app's config
//! and `.prettierignore`) or Biome; else, when the app configures a style without the tool
//! being installed, the templates' quotes, semicolons and indentation rewritten in it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use oxc_allocator::Allocator;
use oxc_ast::ast::{Statement, StringLiteral, TemplateLiteral};
use oxc_ast_visit::{walk, Visit};
use oxc_span::GetSpan;

use crate::change::Artifact;
pub use crate::detect::formatter::Formatter;
use crate::edit::Edit;
use crate::style::Style;

pub fn is_code(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ["ts", "tsx", "js", "jsx", "mjs", "cjs", "mts", "cts"].contains(&e))
}

/// Format the code files among `artifacts` (the tool's whole files) with `formatter`.
/// A file the formatter fails on keeps the rendered text; the notes say so.
pub fn apply(formatter: &Formatter, root: &Path, artifacts: &mut [Artifact]) -> Vec<String> {
    let mut files: Vec<(&PathBuf, &mut String)> = artifacts
        .iter_mut()
        .filter_map(|a| match a {
            Artifact::File { path, content } | Artifact::Interceptor { path, content }
                if is_code(path) =>
            {
                Some((&*path, content))
            }
            _ => None,
        })
        .collect();
    if files.is_empty() {
        return Vec::new();
    }
    let mut notes = Vec::new();
    match formatter {
        Formatter::Style { style, .. } | Formatter::Code { style, .. } => {
            for (path, content) in files {
                *content = restyle(path, content, style);
            }
        }
        Formatter::Prettier { package, .. } => {
            let inputs: Vec<(PathBuf, String)> = files
                .iter()
                .map(|(p, c)| (absolute(root, p), c.to_string()))
                .collect();
            match prettier(package, &inputs) {
                Ok(outputs) => {
                    for ((path, content), out) in files.iter_mut().zip(outputs) {
                        match out {
                            Ok(text) => **content = text,
                            Err(why) => notes.push(format!(
                                "Prettier did not format {}: {why}. It is written as rendered.",
                                crate::paths::slash(path)
                            )),
                        }
                    }
                }
                Err(why) => notes.push(format!(
                    "The app's Prettier did not run ({why}): the files are written as rendered; run it on them."
                )),
            }
        }
        Formatter::Biome { bin, .. } => {
            for (path, content) in files.iter_mut() {
                let abs = absolute(root, path);
                let arg = format!("--stdin-file-path={}", abs.display());
                match run(
                    Command::new(bin).args(["format", &arg]).current_dir(root),
                    content,
                ) {
                    Ok(text) if !text.trim().is_empty() => **content = text,
                    Ok(_) => {}
                    Err(why) => notes.push(format!(
                        "Biome did not format {}: {why}. It is written as rendered.",
                        crate::paths::slash(path)
                    )),
                }
            }
        }
    }
    notes
}

fn absolute(root: &Path, rel: &Path) -> PathBuf {
    std::path::absolute(root.join(rel)).unwrap_or_else(|_| root.join(rel))
}

/// Node's script: read `[[path, text], …]` from stdin, format each with the app's Prettier
/// (its config for that path; an ignored file stays as it is), print `[[ok, text], …]`.
const PRETTIER_SCRIPT: &str = r#"
const prettier = require(process.argv[1]);
let input = '';
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', async () => {
  const out = [];
  for (const [filepath, text] of JSON.parse(input)) {
    try {
      const info = await prettier.getFileInfo(filepath, { ignorePath: '.prettierignore' });
      if (info.ignored) { out.push([true, text]); continue; }
      const options = (await prettier.resolveConfig(filepath)) || {};
      out.push([true, await prettier.format(text, { ...options, filepath })]);
    } catch (e) {
      out.push([false, String((e && e.message) || e).split('\n')[0]]);
    }
  }
  process.stdout.write(JSON.stringify(out));
});
"#;

type Formatted = Vec<Result<String, String>>;

fn prettier(package: &Path, files: &[(PathBuf, String)]) -> Result<Formatted, String> {
    let input = serde_json::to_string(files).map_err(|e| e.to_string())?;
    let root = package
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let out = run(
        Command::new("node")
            .arg("-e")
            .arg(PRETTIER_SCRIPT)
            .arg(package)
            .current_dir(root),
        &input,
    )?;
    let parsed: Vec<(bool, String)> = serde_json::from_str(&out)
        .map_err(|_| "it printed something other than JSON".to_string())?;
    if parsed.len() != files.len() {
        return Err("it answered for another number of files".into());
    }
    Ok(parsed
        .into_iter()
        .map(|(ok, text)| if ok { Ok(text) } else { Err(text) })
        .collect())
}

/// Run `command` with `input` on stdin: its stdout, within 60 s.
fn run(command: &mut Command, input: &str) -> Result<String, String> {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("it could not start: {e}"))?;
    let mut stdin = child.stdin.take().expect("piped");
    let input = input.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let mut stdout = child.stdout.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut out).map(|_| out)
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Err("it took longer than 60 s".into());
            }
        }
    };
    let _ = writer.join();
    let out = reader
        .join()
        .map_err(|_| "its output could not be read".to_string())?
        .map_err(|e| e.to_string())?;
    if !status.success() {
        return Err(format!("it exited with {status}"));
    }
    String::from_utf8(out).map_err(|_| "its output is not UTF-8".into())
}

/// Generated code (written with `'`, `;` and two spaces) in `style`: string quotes,
/// statement semicolons (kept where the next line would join the statement) and
/// indentation outside template literals. The text as it was when the result would not
/// mean the same.
pub fn restyle(path: &Path, text: &str, style: &Style) -> String {
    let allocator = Allocator::default();
    let ret = oxc_parser::Parser::new(&allocator, text, crate::edit::source_type(path)).parse();
    if ret.panicked || !ret.diagnostics.is_empty() {
        return text.to_string();
    }
    let mut found = Found::default();
    found.visit_program(&ret.program);
    let ends = std::mem::take(&mut found.ends);
    found.semicolons.extend(
        ends.into_iter()
            .filter(|&e| text[..e as usize].ends_with(';')),
    );
    for d in &ret.program.directives {
        if text[..d.span.end as usize].ends_with(';') {
            found.semicolons.push(d.span.end);
        }
    }
    found.strings.sort();
    found.strings.dedup();
    found.semicolons.sort();
    found.semicolons.dedup();
    let mut edits = Vec::new();
    if style.quote != '\'' {
        for &(start, end) in &found.strings {
            let raw = &text[start as usize..end as usize];
            let inner = &raw[1..raw.len() - 1];
            if raw.starts_with('\'') && !inner.contains(['\'', '"', '\\']) {
                edits.push(Edit {
                    range: start as usize..end as usize,
                    content: format!("{q}{inner}{q}", q = style.quote),
                });
            }
        }
    }
    if !style.semicolons {
        for &end in &found.semicolons {
            let next = next_code(&text[end as usize..]);
            // `;` stays where the next statement would continue this one.
            if next.is_some_and(|c| "([`+-/".contains(c)) {
                continue;
            }
            edits.push(Edit {
                range: end as usize - 1..end as usize,
                content: String::new(),
            });
        }
    }
    if style.indent != "  " {
        let mut at = 0;
        for line in text.split_inclusive('\n') {
            let inside = found
                .templates
                .iter()
                .any(|&(s, e)| (s as usize) < at && at < e as usize);
            let spaces = line.len() - line.trim_start_matches(' ').len();
            if !inside && spaces >= 2 {
                edits.push(Edit {
                    range: at..at + spaces - spaces % 2,
                    content: style.indent.repeat(spaces / 2),
                });
            }
            at += line.len();
        }
    }
    if style.trailing_commas != crate::style::Commas::All {
        for &(last, close, es5) in &found.lists {
            if es5 && style.trailing_commas == crate::style::Commas::Es5 {
                continue;
            }
            let close = match close {
                0 => match text[last as usize..].find('}') {
                    Some(i) => last as usize + i,
                    None => continue,
                },
                c => c as usize,
            };
            let between = &text[last as usize..close];
            let comma = between.len() - between.trim_start().len();
            if between[comma..].starts_with(',') {
                let at = last as usize + comma;
                edits.push(Edit {
                    range: at..at + 1,
                    content: String::new(),
                });
            }
        }
    }
    edits.sort_by_key(|e| e.range.start);
    let Ok(out) = crate::edit::apply(text, &edits) else {
        return text.to_string();
    };
    match crate::edit::verify(path, text, &out) {
        Ok(()) => out,
        Err(_) => text.to_string(),
    }
}

/// The first character of code in `text`, past whitespace and comments.
fn next_code(mut text: &str) -> Option<char> {
    loop {
        text = text.trim_start();
        if let Some(rest) = text.strip_prefix("//") {
            text = rest.find('\n').map_or("", |n| &rest[n..]);
        } else if let Some(rest) = text.strip_prefix("/*") {
            text = rest.find("*/").map_or("", |n| &rest[n + 2..]);
        } else {
            return text.chars().next();
        }
    }
}

#[derive(Default)]
struct Found {
    /// Spans of string literals outside JSX attributes.
    strings: Vec<(u32, u32)>,
    /// Ends of statements that end with `;`.
    semicolons: Vec<u32>,
    templates: Vec<(u32, u32)>,
    /// Ends of simple statements (checked for a `;` against the text).
    ends: Vec<u32>,
    /// Lists that may end with a comma: where the last element ends, where the closing
    /// bracket is, and whether ES5 allows the comma there (objects, arrays, import lists).
    lists: Vec<(u32, u32, bool)>,
    in_jsx_attribute: bool,
}

impl Found {
    fn list(&mut self, last: Option<oxc_span::Span>, end: u32, es5: bool) {
        if let Some(last) = last {
            if end > last.end {
                self.lists.push((last.end, end - 1, es5));
            }
        }
    }
}

impl<'a> Visit<'a> for Found {
    fn visit_object_expression(&mut self, it: &oxc_ast::ast::ObjectExpression<'a>) {
        self.list(it.properties.last().map(|p| p.span()), it.span.end, true);
        walk::walk_object_expression(self, it);
    }

    fn visit_array_expression(&mut self, it: &oxc_ast::ast::ArrayExpression<'a>) {
        self.list(it.elements.last().map(|e| e.span()), it.span.end, true);
        walk::walk_array_expression(self, it);
    }

    fn visit_call_expression(&mut self, it: &oxc_ast::ast::CallExpression<'a>) {
        self.list(it.arguments.last().map(|a| a.span()), it.span.end, false);
        walk::walk_call_expression(self, it);
    }

    fn visit_new_expression(&mut self, it: &oxc_ast::ast::NewExpression<'a>) {
        self.list(it.arguments.last().map(|a| a.span()), it.span.end, false);
        walk::walk_new_expression(self, it);
    }

    fn visit_formal_parameters(&mut self, it: &oxc_ast::ast::FormalParameters<'a>) {
        let last = it
            .rest
            .as_ref()
            .map(|r| r.span())
            .or_else(|| it.items.last().map(|p| p.span()));
        self.list(last, it.span.end, false);
        walk::walk_formal_parameters(self, it);
    }

    fn visit_import_declaration(&mut self, it: &oxc_ast::ast::ImportDeclaration<'a>) {
        if let Some(specifiers) = &it.specifiers {
            if let Some(last) = specifiers.last() {
                // Its closing brace is found in the text (0: the next `}`).
                self.lists.push((last.span().end, 0, true));
            }
        }
        walk::walk_import_declaration(self, it);
    }
    fn visit_string_literal(&mut self, it: &StringLiteral<'a>) {
        if !self.in_jsx_attribute {
            self.strings.push((it.span.start, it.span.end));
        }
    }

    fn visit_jsx_attribute(&mut self, it: &oxc_ast::ast::JSXAttribute<'a>) {
        let was = self.in_jsx_attribute;
        self.in_jsx_attribute = matches!(
            it.value,
            Some(oxc_ast::ast::JSXAttributeValue::StringLiteral(_))
        );
        walk::walk_jsx_attribute(self, it);
        self.in_jsx_attribute = was;
    }

    fn visit_template_literal(&mut self, it: &TemplateLiteral<'a>) {
        self.templates.push((it.span.start, it.span.end));
        walk::walk_template_literal(self, it);
    }

    fn visit_statement(&mut self, it: &Statement<'a>) {
        let span = it.span();
        let compound = matches!(
            it,
            Statement::BlockStatement(_)
                | Statement::IfStatement(_)
                | Statement::ForStatement(_)
                | Statement::ForInStatement(_)
                | Statement::ForOfStatement(_)
                | Statement::WhileStatement(_)
                | Statement::FunctionDeclaration(_)
                | Statement::ClassDeclaration(_)
                | Statement::TryStatement(_)
                | Statement::SwitchStatement(_)
                | Statement::LabeledStatement(_)
                | Statement::EmptyStatement(_)
        );
        if !compound && span.end > span.start {
            self.ends.push(span.end);
        }
        walk::walk_statement(self, it);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_code_in_the_apps_style() {
        let text = "'use client';\nimport { a } from 'a';\n\nexport function f(x: string) {\n  const s = `\n  kept`;\n  if (x) {\n    return a('it\\'s', <p className='c'>{x}</p>);\n  }\n  const y = 1;\n  (y as number).toString();\n  return s;\n}\n";
        let path = Path::new("lib/x.tsx");
        let style = Style {
            newline: "\n",
            quote: '"',
            semicolons: false,
            indent: "\t".into(),
            trailing_commas: crate::style::Commas::All,
        };
        assert_eq!(
            restyle(path, text, &style),
            "\"use client\"\nimport { a } from \"a\"\n\nexport function f(x: string) {\n\tconst s = `\n  kept`\n\tif (x) {\n\t\treturn a('it\\'s', <p className='c'>{x}</p>)\n\t}\n\tconst y = 1;\n\t(y as number).toString()\n\treturn s\n}\n"
        );
        // The templates' own style: nothing changes.
        assert_eq!(restyle(path, text, &Style::default()), text);
    }

    #[test]
    fn trailing_commas_as_the_app_configures_them() {
        let text = "import {\n  a,\n  b,\n} from 'a';\n\nexport function f(\n  x: string,\n  rest: string[],\n) {\n  return a(\n    { x, y: [1, 2,], },\n    rest, // the rest\n  );\n}\n";
        let path = Path::new("lib/x.ts");
        let none = Style {
            trailing_commas: crate::style::Commas::None,
            ..Style::default()
        };
        assert_eq!(
            restyle(path, text, &none),
            "import {\n  a,\n  b\n} from 'a';\n\nexport function f(\n  x: string,\n  rest: string[]\n) {\n  return a(\n    { x, y: [1, 2] },\n    rest // the rest\n  );\n}\n"
        );
        let es5 = Style {
            trailing_commas: crate::style::Commas::Es5,
            ..Style::default()
        };
        assert_eq!(
            restyle(path, text, &es5),
            "import {\n  a,\n  b,\n} from 'a';\n\nexport function f(\n  x: string,\n  rest: string[]\n) {\n  return a(\n    { x, y: [1, 2,], },\n    rest // the rest\n  );\n}\n"
        );
    }
}
