//! Imports: what a file's import declarations bind, and the edits that make a name
//! available in it, by binding rather than by text. A name the file already imports as a
//! value (under any local name, or through a namespace) is used as it is; a type-only
//! import of it becomes a value import; otherwise it joins the file's value import of the
//! same module, or a new import line goes after the last import (after the directives when
//! there is none), on a line of its own, in the file's style.

use std::path::Path;

use oxc_allocator::Allocator;
use oxc_ast::ast::{ImportDeclarationSpecifier, ImportOrExportKind, Statement};
use oxc_span::GetSpan;

use super::{Edit, Style};

/// One binding of an import declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Specifier {
    pub kind: Bound,
    pub local: String,
    /// `import { type X }`: this specifier alone is type-only.
    pub type_only: bool,
    /// Where `type ` starts, when `type_only`.
    pub type_keyword: Option<usize>,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bound {
    Name(String),
    Default,
    Namespace,
}

/// One import declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declaration {
    pub source: String,
    /// `import type { … }`.
    pub type_only: bool,
    /// Where the `type` keyword after `import` starts, when `type_only`.
    pub type_keyword: Option<usize>,
    pub specifiers: Vec<Specifier>,
    pub start: usize,
    pub end: usize,
    /// Where `{` and `}` of its named specifiers are, when it has braces.
    pub braces: Option<(usize, usize)>,
}

/// What a file's top level looks like, as far as imports go.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Imports {
    pub declarations: Vec<Declaration>,
    /// Where the directive prologue ends (`'use client';`), or None without directives.
    pub directives_end: Option<usize>,
    /// Where the first statement starts (after a hashbang, a byte-order mark, comments).
    pub first_statement: Option<usize>,
    /// Names bound at the top level (imports and declarations).
    pub top_level: Vec<String>,
}

impl Imports {
    /// The file's imports, or None when it does not parse.
    pub fn of(path: &Path, text: &str) -> Option<Imports> {
        let allocator = Allocator::default();
        let ret = oxc_parser::Parser::new(&allocator, text, super::source_type(path)).parse();
        if ret.panicked || !ret.diagnostics.is_empty() {
            return None;
        }
        let program = &ret.program;
        let mut out = Imports {
            directives_end: program.directives.last().map(|d| d.span.end as usize),
            first_statement: program.body.first().map(|s| s.span().start as usize),
            ..Imports::default()
        };
        for statement in &program.body {
            match statement {
                Statement::ImportDeclaration(decl) => {
                    let start = decl.span.start as usize;
                    let type_only = decl.import_kind == ImportOrExportKind::Type;
                    let type_keyword = type_only
                        .then(|| text[start + "import".len()..].find("type"))
                        .flatten()
                        .map(|i| start + "import".len() + i);
                    let mut specifiers = Vec::new();
                    for s in decl.specifiers.iter().flatten() {
                        let (kind, local, type_only) = match s {
                            ImportDeclarationSpecifier::ImportSpecifier(s) => (
                                Bound::Name(s.imported.name().to_string()),
                                s.local.name.to_string(),
                                s.import_kind == ImportOrExportKind::Type,
                            ),
                            ImportDeclarationSpecifier::ImportDefaultSpecifier(s) => {
                                (Bound::Default, s.local.name.to_string(), false)
                            }
                            ImportDeclarationSpecifier::ImportNamespaceSpecifier(s) => {
                                (Bound::Namespace, s.local.name.to_string(), false)
                            }
                        };
                        let span = s.span();
                        out.top_level.push(local.clone());
                        specifiers.push(Specifier {
                            kind,
                            local,
                            type_only,
                            type_keyword: type_only.then_some(span.start as usize),
                            start: span.start as usize,
                            end: span.end as usize,
                        });
                    }
                    let head = &text[start..decl.source.span.start as usize];
                    let braces = head
                        .find('{')
                        .zip(head.rfind('}'))
                        .map(|(a, b)| (start + a, start + b));
                    out.declarations.push(Declaration {
                        source: decl.source.value.to_string(),
                        type_only,
                        type_keyword,
                        specifiers,
                        start,
                        end: decl.span.end as usize,
                        braces,
                    });
                }
                other => {
                    if let Some(decl) = other.as_declaration() {
                        top_level_names(decl, &mut out.top_level);
                    }
                    if let Statement::ExportDeclaration(e) = other {
                        top_level_names(&e.declaration, &mut out.top_level);
                    }
                }
            }
        }
        Some(out)
    }

    /// The local name a value import of `imported` from `source` binds, as an expression:
    /// `CP` for `import { ClerkProvider as CP }`, `Clerk.ClerkProvider` through a
    /// namespace. Type-only imports do not count.
    pub fn value_binding(&self, source: &str, imported: &Bound) -> Option<String> {
        for d in self.declarations.iter().filter(|d| d.source == source) {
            for s in &d.specifiers {
                if d.type_only || s.type_only {
                    continue;
                }
                if s.kind == *imported {
                    return Some(s.local.clone());
                }
                if s.kind == Bound::Namespace {
                    if let Bound::Name(name) = imported {
                        return Some(format!("{}.{name}", s.local));
                    }
                }
            }
        }
        None
    }

    /// Where a new import line goes: after the last import; else after the directives;
    /// else before the first statement (after a hashbang, BOM or leading comments).
    fn anchor(&self) -> Anchor {
        if let Some(last) = self.declarations.last() {
            Anchor::After(last.end)
        } else if let Some(end) = self.directives_end {
            Anchor::After(end)
        } else {
            Anchor::Before(self.first_statement)
        }
    }
}

fn top_level_names(decl: &oxc_ast::ast::Declaration, out: &mut Vec<String>) {
    use oxc_ast::ast::Declaration as D;
    match decl {
        D::VariableDeclaration(v) => {
            for d in &v.declarations {
                for id in d.id.get_binding_identifiers() {
                    out.push(id.name.to_string());
                }
            }
        }
        D::FunctionDeclaration(f) => out.extend(f.id.as_ref().map(|i| i.name.to_string())),
        D::ClassDeclaration(c) => out.extend(c.id.as_ref().map(|i| i.name.to_string())),
        _ => {}
    }
}

enum Anchor {
    After(usize),
    Before(Option<usize>),
}

/// A name made available in a file: the expression to use it by, the edits of the file's
/// existing imports it needs, and the import line to add, if any (see [`place`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ensured {
    pub expression: String,
    pub edits: Vec<Edit>,
    /// A new import statement (without its semicolon), for [`place`].
    pub line: Option<String>,
    /// The statement a person would add (for a step printed when the edit fails).
    pub statement: String,
}

/// Make `imported` from `source` a value binding of the file, named `local` when new.
pub fn ensure(
    imports: &Imports,
    text: &str,
    style: &Style,
    source: &str,
    imported: &Bound,
    local: &str,
) -> Ensured {
    let statement = statement_for(style, source, imported, local);
    if let Some(expression) = imports.value_binding(source, imported) {
        return Ensured {
            expression,
            edits: Vec::new(),
            line: None,
            statement,
        };
    }
    // Imported as a type only: make it a value import.
    for d in imports.declarations.iter().filter(|d| d.source == source) {
        if let Some(s) = d.specifiers.iter().find(|s| s.kind == *imported) {
            let mut edits = Vec::new();
            if s.type_only {
                if let Some(at) = s.type_keyword {
                    edits.push(Edit::delete(at..at + type_len(text, at)));
                }
            } else if let Some(at) = d.type_keyword {
                // `import type { A, B }` → `import { type A, B }`: the others stay types.
                edits.push(Edit::delete(at..at + type_len(text, at)));
                for other in d.specifiers.iter().filter(|o| o.start != s.start) {
                    if other.kind == Bound::Default {
                        continue;
                    }
                    edits.push(Edit::insert(other.start, "type "));
                }
            }
            return Ensured {
                expression: s.local.clone(),
                edits,
                line: None,
                statement,
            };
        }
    }
    // A name nothing else binds.
    let mut local = local.to_string();
    while imports.top_level.contains(&local) {
        local.push('_');
    }
    let statement = statement_for(style, source, imported, &local);
    // Joins the file's value import of the same module, when it has braces.
    if let Bound::Name(name) = imported {
        if let Some(d) = imports.declarations.iter().find(|d| {
            d.source == source
                && !d.type_only
                && d.braces.is_some()
                && !d.specifiers.iter().any(|s| s.kind == Bound::Namespace)
        }) {
            let spec = if local == *name {
                name.clone()
            } else {
                format!("{name} as {local}")
            };
            let (open, close) = d.braces.expect("checked");
            let edit = match d
                .specifiers
                .iter()
                .rfind(|s| matches!(s.kind, Bound::Name(_)))
            {
                Some(last) if text[open..close].contains('\n') => {
                    let line_start = text[..last.start].rfind('\n').map_or(0, |i| i + 1);
                    let indent = &text[line_start..last.start];
                    Edit::insert(last.end, format!(",{}{indent}{spec}", style.newline))
                }
                Some(last) => Edit::insert(last.end, format!(", {spec}")),
                None => Edit::insert(open + 1, format!(" {spec} ")),
            };
            return Ensured {
                expression: local,
                edits: vec![edit],
                line: None,
                statement,
            };
        }
    }
    Ensured {
        expression: local,
        edits: Vec::new(),
        line: Some(statement.clone()),
        statement,
    }
}

/// A type binding of `local` (`import type { NextRequest } from 'next/server'`): nothing
/// when the file binds the name already, else the line to add.
pub fn ensure_type(imports: &Imports, style: &Style, source: &str, name: &str) -> Option<String> {
    if imports.top_level.iter().any(|l| l == name) {
        return None;
    }
    Some(format!(
        "import type {{ {name} }} from {}",
        style.string(source)
    ))
}

/// One edit that adds these import lines (each on a line of its own, in the file's style)
/// after the last import; else after the directives; else before the first statement.
pub fn place(imports: &Imports, text: &str, style: &Style, lines: &[String]) -> Option<Edit> {
    if lines.is_empty() {
        return None;
    }
    let nl = style.newline;
    let block: String = lines
        .iter()
        .map(|l| format!("{l}{}", style.semi()))
        .collect::<Vec<_>>()
        .join(nl);
    Some(match imports.anchor() {
        Anchor::After(end) => {
            let rest = &text[end..];
            let line_end = rest.find('\n').map(|i| end + i + 1);
            let tail = text[end..line_end.unwrap_or(text.len())].trim();
            if tail.is_empty() || tail.starts_with("//") {
                match line_end {
                    Some(at) => Edit::insert(at, format!("{block}{nl}")),
                    None => Edit::insert(text.len(), format!("{nl}{block}{nl}")),
                }
            } else {
                // Code goes on after the last import on its line: it moves to a line of its
                // own, the imports between.
                let ws = rest.len() - rest.trim_start_matches([' ', '\t']).len();
                Edit::replace(end..end + ws, format!("{nl}{block}{nl}"))
            }
        }
        Anchor::Before(Some(start)) => {
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            // A byte-order mark stays first.
            let at = if line_start == 0 && text.starts_with('\u{feff}') {
                '\u{feff}'.len_utf8()
            } else {
                line_start
            };
            if text[at..start].trim().is_empty() {
                Edit::insert(at, format!("{block}{nl}"))
            } else {
                Edit::insert(start, format!("{block}{nl}"))
            }
        }
        Anchor::Before(None) => {
            let at = if text.starts_with('\u{feff}') { 3 } else { 0 };
            Edit::insert(at, format!("{block}{nl}"))
        }
    })
}

/// The edits that make one name available: [`ensure`] and [`place`] together.
pub fn ensure_one(
    imports: &Imports,
    text: &str,
    style: &Style,
    source: &str,
    imported: &Bound,
    local: &str,
) -> (String, Vec<Edit>, String) {
    let e = ensure(imports, text, style, source, imported, local);
    let mut edits = e.edits;
    edits.extend(place(imports, text, style, e.line.as_slice()));
    (e.expression, edits, e.statement)
}

/// `type` and the whitespace after it.
fn type_len(text: &str, at: usize) -> usize {
    let rest = &text[at + 4..];
    4 + (rest.len() - rest.trim_start().len())
}

/// `import { name } from 'source'` in the file's quote, without the semicolon.
pub fn statement_for(style: &Style, source: &str, imported: &Bound, local: &str) -> String {
    let from = style.string(source);
    match imported {
        Bound::Name(name) if name == local => format!("import {{ {name} }} from {from}"),
        Bound::Name(name) => format!("import {{ {name} as {local} }} from {from}"),
        Bound::Default => format!("import {local} from {from}"),
        Bound::Namespace => format!("import * as {local} from {from}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, source: &str, name: &str) -> (String, String) {
        let path = Path::new("app/layout.tsx");
        let imports = Imports::of(path, text).expect("parses");
        let (expression, edits, _) = ensure_one(
            &imports,
            text,
            &Style::of(text),
            source,
            &Bound::Name(name.into()),
            name,
        );
        let out = super::super::apply(text, &edits).unwrap();
        super::super::verify(
            path,
            text,
            &format!("{out}\nexport const __x = {expression};\n"),
        )
        .unwrap_or_else(|err| panic!("{err}\n{out}"));
        (expression, out)
    }

    #[test]
    fn a_name_the_file_binds_is_used_as_it_is() {
        let t = "import { ClerkProvider as CP } from '@clerk/nextjs';\nexport default 1;\n";
        assert_eq!(
            run(t, "@clerk/nextjs", "ClerkProvider"),
            ("CP".into(), t.into())
        );
        let t = "import * as Clerk from '@clerk/nextjs';\nexport default 1;\n";
        assert_eq!(
            run(t, "@clerk/nextjs", "ClerkProvider").0,
            "Clerk.ClerkProvider"
        );
    }

    #[test]
    fn new_imports_join_the_module_or_go_on_a_line_of_their_own() {
        let t = "import { SignedIn } from '@clerk/nextjs';\nexport default 1;\n";
        assert_eq!(
            run(t, "@clerk/nextjs", "ClerkProvider").1,
            "import { SignedIn, ClerkProvider } from '@clerk/nextjs';\nexport default 1;\n"
        );
        let t =
            "import {\n  SignedIn,\n  UserButton,\n} from \"@clerk/nextjs\"\nexport default 1\n";
        assert_eq!(
            run(t, "@clerk/nextjs", "ClerkProvider").1,
            "import {\n  SignedIn,\n  UserButton,\n  ClerkProvider,\n} from \"@clerk/nextjs\"\nexport default 1\n"
        );
        // Code after the last import, on its line.
        let t = "import './globals.css'; export default function L() { return null; }\n";
        assert_eq!(
            run(t, "@clerk/nextjs", "ClerkProvider").1,
            "import './globals.css';\nimport { ClerkProvider } from '@clerk/nextjs';\nexport default function L() { return null; }\n"
        );
        // A comment after it stays on its line.
        let t = "import './globals.css' // styles\nexport default 1\n";
        assert_eq!(
            run(t, "@clerk/nextjs", "ClerkProvider").1,
            "import './globals.css' // styles\nimport { ClerkProvider } from '@clerk/nextjs'\nexport default 1\n"
        );
    }

    #[test]
    fn directives_comments_and_a_bom_stay_first() {
        let t = "// Providers for the app\n'use client';\n\nexport default 1;\n";
        assert_eq!(
            run(t, "@clerk/nextjs", "ClerkProvider").1,
            "// Providers for the app\n'use client';\nimport { ClerkProvider } from '@clerk/nextjs';\n\nexport default 1;\n"
        );
        let t = "\u{feff}\"use client\"\nexport default 1\n";
        assert_eq!(
            run(t, "@clerk/nextjs", "ClerkProvider").1,
            "\u{feff}\"use client\"\nimport { ClerkProvider } from \"@clerk/nextjs\"\nexport default 1\n"
        );
        let t = "\u{feff}/** Root. */\nexport default 1;\n";
        assert_eq!(
            run(t, "@clerk/nextjs", "ClerkProvider").1,
            "\u{feff}/** Root. */\nimport { ClerkProvider } from '@clerk/nextjs';\nexport default 1;\n"
        );
    }

    #[test]
    fn a_type_only_import_becomes_a_value_import() {
        let t =
            "import type { NextRequest, NextResponse } from 'next/server';\nexport default 1;\n";
        assert_eq!(
            run(t, "next/server", "NextResponse").1,
            "import { type NextRequest, NextResponse } from 'next/server';\nexport default 1;\n"
        );
        let t = "import { type NextResponse } from 'next/server';\nexport default 1;\n";
        assert_eq!(
            run(t, "next/server", "NextResponse").1,
            "import { NextResponse } from 'next/server';\nexport default 1;\n"
        );
    }

    #[test]
    fn a_local_name_the_file_uses_is_not_taken() {
        let t = "const ClerkProvider = 1;\nexport default ClerkProvider;\n";
        let (expr, out) = run(t, "@clerk/nextjs", "ClerkProvider");
        assert_eq!(expr, "ClerkProvider_");
        assert!(
            out.starts_with(
                "import { ClerkProvider as ClerkProvider_ } from '@clerk/nextjs';\nconst"
            ),
            "{out}"
        );
    }
}
