//! The app's own interceptor composed with the provider's middleware:
//! `export default <app's>` becomes `export default <provider's>(… <app's>(req) …)`, the
//! app's middleware declared right after, byte for byte. The imports the composition uses
//! are made available by binding ([`super::imports`]): a name the file imports already is
//! used under its local name, a type-only import of a value becomes a value import.

use std::path::Path;

use crate::detect::source::{contains_word, DefaultExport};

use super::imports::{self, Imports};
use super::{Edit, Style};

/// The edits that compose `export` (the provider's middleware, calling `app`) with the
/// file's default export; `wanted` are the import lines the composition needs.
/// `app` is the name the composition calls: the default-exported function's own name, or
/// a `const` bound to the app's middleware (its expression, or the function's name when that
/// name is one the composition uses itself, `auth` in `(auth, req) => …`). `annotation`
/// types that `const` (`NextMiddleware`), so that it is called with both arguments.
pub struct Target<'a> {
    pub app: &'a str,
    pub alias_of: Option<&'a str>,
    pub annotation: Option<&'a str>,
}

pub fn compose(
    path: &Path,
    text: &str,
    default: &DefaultExport,
    wanted: &[String],
    export: &str,
    target: &Target,
) -> Result<Vec<Edit>, String> {
    let app = target.app;
    let imports = Imports::of(path, text).ok_or("it does not parse")?;
    let style = Style::of(text);
    let mut edits = Vec::new();
    let mut lines = Vec::new();
    let mut export = export.to_string();
    for line in wanted {
        let Some(parsed) = Imports::of(Path::new("wanted.ts"), line) else {
            return Err(format!("the import `{line}` does not parse"));
        };
        for d in &parsed.declarations {
            for s in &d.specifiers {
                if d.type_only || s.type_only {
                    let imports::Bound::Name(name) = &s.kind else {
                        continue;
                    };
                    lines.extend(imports::ensure_type(&imports, &style, &d.source, name));
                    continue;
                }
                let e = imports::ensure(&imports, text, &style, &d.source, &s.kind, &s.local);
                if e.expression != s.local {
                    export = rename(&export, &s.local, &e.expression);
                }
                edits.extend(e.edits);
                lines.extend(e.line);
            }
        }
    }
    edits.extend(imports::place(&imports, text, &style, &lines));
    let nl = style.newline;
    let semi = style.semi();
    let export = export.replace('\n', nl);
    let typed = target
        .annotation
        .map_or(String::new(), |t| format!(": {t}"));
    match default {
        DefaultExport::Expression { start } => {
            let start = *start as usize;
            let keyword = text[..start].rfind("export").ok_or("no export keyword")?;
            match directive_above(text, keyword) {
                // `// @ts-expect-error` above `export default x`: it stays above `x`.
                Some(comment) => {
                    edits.push(Edit::insert(
                        comment,
                        format!("export default {export}{semi}{nl}"),
                    ));
                    edits.push(Edit::replace(
                        keyword..start,
                        format!("const {app}{typed} = "),
                    ));
                }
                None => edits.push(Edit::insert(
                    start,
                    format!("{export}{semi}{nl}const {app}{typed} = "),
                )),
            }
        }
        DefaultExport::Function { start, name, .. } => {
            let start = *start as usize;
            let alias = target.alias_of.map_or(String::new(), |own| {
                format!("const {app} = {own}{semi}{nl}")
            });
            edits.push(Edit::insert(start, format!("{export}{semi}{nl}{alias}")));
            if name.is_none() {
                let keyword = text[start..]
                    .find("function")
                    .ok_or("its default export is not a function")?;
                edits.push(Edit::insert(
                    start + keyword + "function".len(),
                    format!(" {app}"),
                ));
            }
        }
        DefaultExport::Named {
            statement,
            specifier,
            siblings,
            ..
        } => {
            let alias = target.alias_of.map_or(String::new(), |own| {
                format!("const {app} = {own}{semi}{nl}")
            });
            let (start, end) = (statement.0 as usize, statement.1 as usize);
            let composed = format!("{alias}export default {export}{semi}");
            if siblings.len() == 1 {
                // `export { handler as default };` becomes the composed default export.
                edits.push(Edit::replace(start..end, composed));
            } else {
                // `export { config, handler as default }`: the specifier leaves the list
                // with its comma, and the composed default export follows the statement.
                let at = siblings
                    .iter()
                    .position(|s| s == specifier)
                    .ok_or("the default export was not found")?;
                let range = match siblings.get(at + 1) {
                    Some(next) => specifier.0 as usize..next.0 as usize,
                    None => siblings[at - 1].1 as usize..specifier.1 as usize,
                };
                edits.push(Edit::replace(range, String::new()));
                edits.push(Edit::insert(end, format!("{nl}{composed}")));
            }
        }
        DefaultExport::Other => return Err("its default export is not a function".into()),
    }
    Ok(edits)
}

/// Where the comment lines right above `at` (a statement's start) begin, when one of them
/// is a TypeScript directive (`@ts-expect-error`, `@ts-ignore`) that applies to it.
fn directive_above(text: &str, at: usize) -> Option<usize> {
    let mut start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    if !text[start..at].trim().is_empty() {
        return None;
    }
    let mut found = None;
    while start > 0 {
        let line_start = text[..start - 1].rfind('\n').map_or(0, |i| i + 1);
        let line = text[line_start..start].trim();
        if !line.starts_with("//") {
            break;
        }
        if line.contains("@ts-expect-error") || line.contains("@ts-ignore") {
            found = Some(line_start);
        }
        start = line_start;
    }
    found
}

/// `name` as an identifier (not a property after `.`) replaced by `with`.
fn rename(code: &str, name: &str, with: &str) -> String {
    if !contains_word(code, name) {
        return code.to_string();
    }
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(i) = rest.find(name) {
        let before = rest[..i].chars().next_back();
        let after = rest[i + name.len()..].chars().next();
        let whole = !before.is_some_and(|c| ident(c) || c == '.') && !after.is_some_and(ident);
        out.push_str(&rest[..i]);
        out.push_str(if whole { with } else { name });
        rest = &rest[i + name.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_file_binds_are_used_and_type_imports_become_values() {
        let text = "import type { NextRequest, NextResponse } from 'next/server';\nimport createMiddleware from 'next-intl/middleware';\nexport default createMiddleware({});\n";
        let path = Path::new("middleware.ts");
        let start = text.find("createMiddleware({").unwrap() as u32;
        let edits = compose(
            path,
            text,
            &DefaultExport::Expression { start },
            &[
                "import { NextResponse } from 'next/server'".into(),
                "import type { NextRequest } from 'next/server'".into(),
            ],
            "async (req: NextRequest) => (await appMiddleware(req)) ?? NextResponse.next()",
            &Target {
                app: "appMiddleware",
                alias_of: None,
                annotation: None,
            },
        )
        .unwrap();
        let out = super::super::edited(path, text, &edits).unwrap();
        assert_eq!(
            out,
            "import { type NextRequest, NextResponse } from 'next/server';\nimport createMiddleware from 'next-intl/middleware';\nexport default async (req: NextRequest) => (await appMiddleware(req)) ?? NextResponse.next();\nconst appMiddleware = createMiddleware({});\n"
        );
    }

    #[test]
    fn an_aliased_import_renames_the_composition() {
        assert_eq!(
            rename(
                "clerkMiddleware((a) => x.clerkMiddleware(a))",
                "clerkMiddleware",
                "cm"
            ),
            "cm((a) => x.clerkMiddleware(a))"
        );
    }
}
