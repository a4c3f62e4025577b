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
pub fn compose(
    path: &Path,
    text: &str,
    default: &DefaultExport,
    wanted: &[String],
    export: &str,
    app: &str,
) -> Result<Vec<Edit>, String> {
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
    match default {
        DefaultExport::Expression { start } => {
            edits.push(Edit::insert(
                *start as usize,
                format!("{export}{semi}{nl}const {app} = "),
            ));
        }
        DefaultExport::Function { start, name, .. } => {
            let start = *start as usize;
            edits.push(Edit::insert(start, format!("{export}{semi}{nl}")));
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
        DefaultExport::Other => return Err("its default export is not a function".into()),
    }
    Ok(edits)
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
            "appMiddleware",
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
