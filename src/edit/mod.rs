//! Edits of the app's own source files: one [`Edit`] type for all of them, applied in one
//! pass, and verified for meaning before anything is planned.
//!
//! The builders ([`imports`], [`layout`], [`auth0`], [`interceptor`]) read a file's text
//! and produce edits; they know nothing about applying. [`apply`] sorts a file's edits,
//! refuses overlapping ones (never clamps), and applies them together, so several edits of
//! one file compose. [`verify`] parses the result again and checks what a parse alone lets
//! through: a redeclared binding, an import inside a function, a directive that stopped
//! being one, a name the inserted code uses that nothing binds as a value. A builder whose
//! edit fails it hands back the code to add by hand instead; the edit is never written.

pub mod auth0;
pub mod imports;
pub mod interceptor;
pub mod layout;

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use oxc_allocator::Allocator;
use oxc_ast::ast::{ImportDeclaration, Program, Statement};
use oxc_ast_visit::{walk, Visit};

pub use crate::style::Style;

pub use crate::change::Edit;

/// Why a set of edits cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApplyError {
    #[error("two edits overlap ({a:?} and {b:?})")]
    Overlap { a: Range<usize>, b: Range<usize> },
    #[error("an edit ({0:?}) lies outside the text or inside a character")]
    OutOfBounds(Range<usize>),
}

/// `text` with every edit applied; every byte outside the edits' ranges kept, in order.
/// Insertions at one offset keep the order they are given in.
pub fn apply(text: &str, edits: &[Edit]) -> Result<String, ApplyError> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    // Stable: insertions at one offset stay in the given order, before a replacement that
    // starts there.
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    for e in &sorted {
        let r = &e.range;
        if r.start > r.end
            || r.end > text.len()
            || !text.is_char_boundary(r.start)
            || !text.is_char_boundary(r.end)
        {
            return Err(ApplyError::OutOfBounds(r.clone()));
        }
    }
    for pair in sorted.windows(2) {
        let (a, b) = (&pair[0].range, &pair[1].range);
        // Touching is fine; sharing bytes (an insertion strictly inside a replaced range
        // included) is not.
        if a.end > b.start {
            return Err(ApplyError::Overlap {
                a: a.clone(),
                b: b.clone(),
            });
        }
    }
    let grown: usize = sorted.iter().map(|e| e.content.len()).sum();
    let mut out = String::with_capacity(text.len() + grown);
    let mut from = 0;
    for e in sorted {
        out.push_str(&text[from..e.range.start]);
        out.push_str(&e.content);
        from = e.range.end;
    }
    out.push_str(&text[from..]);
    Ok(out)
}

pub use crate::detect::source::source_type;

/// What [`verify`] compares between a file before and after its edits.
#[derive(Debug, Default, PartialEq, Eq)]
struct Meaning {
    /// Semantic errors, by message (a redeclared binding…), with their count.
    errors: BTreeMap<String, usize>,
    /// Import declarations that are not statements of the module's top level.
    nested_imports: usize,
    /// The directive prologue (`'use client'`…), in order.
    directives: Vec<String>,
    /// Names used where nothing binds them (globals such as `process` included), with how
    /// many references: a value use of a type-only import counts here too.
    unbound: BTreeMap<String, usize>,
}

/// A file's [`Meaning`], or why it does not parse.
fn meaning(path: &Path, text: &str) -> Result<Meaning, String> {
    let allocator = Allocator::default();
    let ret = oxc_parser::Parser::new(&allocator, text, source_type(path)).parse();
    if ret.panicked || !ret.diagnostics.is_empty() {
        return Err(ret
            .diagnostics
            .first()
            .map_or_else(|| "it does not parse".into(), |d| d.message.to_string()));
    }
    let program = allocator.alloc(ret.program);
    let semantic = oxc_semantic::SemanticBuilder::new()
        .with_check_syntax_error(true)
        .build(program);
    let mut m = Meaning::default();
    for d in semantic.diagnostics.iter() {
        *m.errors.entry(d.message.to_string()).or_default() += 1;
    }
    m.directives = program
        .directives
        .iter()
        .map(|d| d.directive.to_string())
        .collect();
    let mut nested = NestedImports { depth: 0, count: 0 };
    nested.visit_program(program);
    m.nested_imports = nested.count;
    let scoping = semantic.semantic.scoping();
    for (name, refs) in scoping.root_unresolved_references() {
        m.unbound.insert(name.to_string(), refs.len());
    }
    Ok(m)
}

/// Counts import declarations below the module's top level (oxc's parser and semantic
/// checks let them through in TypeScript).
struct NestedImports {
    depth: usize,
    count: usize,
}

impl<'a> Visit<'a> for NestedImports {
    fn visit_program(&mut self, it: &Program<'a>) {
        for statement in &it.body {
            if let Statement::ImportDeclaration(_) = statement {
                continue;
            }
            self.depth += 1;
            self.visit_statement(statement);
            self.depth -= 1;
        }
    }

    fn visit_import_declaration(&mut self, it: &ImportDeclaration<'a>) {
        if self.depth > 0 {
            self.count += 1;
        }
        walk::walk_import_declaration(self, it);
    }
}

/// Whether `after` (the edited text of `path`) means what `before` did plus the edit: it
/// parses, has no semantic error `before` did not have (a second binding of one name), no
/// import below the top level, the same directives in the same order, and no name bound by
/// nothing that `before` did not already use unbound (an inserted `<ClerkProvider>` without
/// its import, `NextResponse.next()` with only a type import). Err says what is wrong.
pub fn verify(path: &Path, before: &str, after: &str) -> Result<(), String> {
    let old = meaning(path, before).map_err(|e| format!("the file does not parse ({e})"))?;
    let new = meaning(path, after).map_err(|e| format!("the result would not parse ({e})"))?;
    for (message, n) in &new.errors {
        if old.errors.get(message).is_none_or(|o| o < n) {
            return Err(format!("the result would not compile ({message})"));
        }
    }
    if new.nested_imports > old.nested_imports {
        return Err(
            "an import would land inside a function or block, not at the module's top level".into(),
        );
    }
    if new.directives != old.directives {
        return Err(format!(
            "the file's directives would change ({} before, {} after): a 'use client' must stay first",
            list(&old.directives),
            list(&new.directives)
        ));
    }
    // By name: a global the file already used (`process`) may be used again.
    for name in new.unbound.keys() {
        if !old.unbound.contains_key(name) {
            return Err(format!(
                "`{name}` would be used where nothing imports it as a value"
            ));
        }
    }
    Ok(())
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items
            .iter()
            .map(|d| format!("'{d}'"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// An edit of one file, applied and verified: the new text, or why it cannot be made.
pub fn edited(path: &Path, text: &str, edits: &[Edit]) -> Result<String, String> {
    let new = apply(text, edits).map_err(|e| e.to_string())?;
    verify(path, text, &new)?;
    Ok(new)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(name: &str) -> &Path {
        Path::new(name)
    }

    #[test]
    fn edits_compose_in_one_pass_and_overlaps_are_refused() {
        let text = "abcdef";
        let edits = [
            Edit::insert(3, "X"),
            Edit::replace(0..1, "A"),
            Edit::insert(3, "Y"),
            Edit::delete(4..5),
            Edit::insert(6, "!"),
        ];
        assert_eq!(apply(text, &edits).unwrap(), "AbcXYdf!");
        assert!(matches!(
            apply(text, &[Edit::replace(1..3, "x"), Edit::replace(2..4, "y")]),
            Err(ApplyError::Overlap { .. })
        ));
        assert!(matches!(
            apply(text, &[Edit::replace(1..4, "x"), Edit::insert(2, "y")]),
            Err(ApplyError::Overlap { .. })
        ));
        // Touching ranges and insertions at a replacement's ends are fine.
        assert_eq!(
            apply(
                text,
                &[
                    Edit::replace(1..3, "x"),
                    Edit::replace(3..4, "y"),
                    Edit::insert(1, "<"),
                    Edit::insert(4, ">")
                ]
            )
            .unwrap(),
            "a<xy>ef"
        );
        assert!(matches!(
            apply("é", &[Edit::insert(1, "x")]),
            Err(ApplyError::OutOfBounds(_))
        ));
        assert!(matches!(
            apply("ab", &[Edit::insert(3, "x")]),
            Err(ApplyError::OutOfBounds(_))
        ));
    }

    #[test]
    fn verify_refuses_what_a_parse_lets_through() {
        let base = "import { a } from 'a';\nexport default function L() {\n  return a;\n}\n";
        assert_eq!(verify(p("x.tsx"), base, base), Ok(()));
        // An import inside the function's body parses in TypeScript.
        let nested = base.replace("  return a;", "import { b } from 'b';\n  return a;");
        assert!(verify(p("x.tsx"), base, &nested)
            .unwrap_err()
            .contains("top level"));
        // A second binding of one name.
        let twice = format!("import {{ a }} from 'a';\n{base}");
        assert!(verify(p("x.tsx"), base, &twice)
            .unwrap_err()
            .contains("already been declared"));
        // A name used with nothing binding it.
        let unbound = base.replace("return a;", "return <P>{a}</P>;");
        assert!(verify(p("x.tsx"), base, &unbound)
            .unwrap_err()
            .contains("`P`"));
        // A value use of a type-only import.
        let typed = "import type { NextResponse } from 'next/server';\nexport const x: NextResponse | null = null;\n";
        let used = format!("{typed}export const y = NextResponse.next();\n");
        assert!(verify(p("m.ts"), typed, &used)
            .unwrap_err()
            .contains("`NextResponse`"));
        // A directive that stops being one.
        let client = "'use client';\nexport const x = 1;\n";
        let moved = "import a from 'a';\n'use client';\nexport const x = a;\n";
        assert!(verify(p("x.tsx"), client, moved)
            .unwrap_err()
            .contains("directives"));
        // Globals the file already used stay fine; the result must parse.
        let env = "export const u = process.env.URL;\n";
        assert_eq!(
            verify(
                p("x.ts"),
                env,
                &format!("{env}export const v = process.env.V;\n")
            ),
            Ok(())
        );
        assert!(verify(p("x.ts"), env, "export const = ;")
            .unwrap_err()
            .contains("would not parse"));
    }
}
