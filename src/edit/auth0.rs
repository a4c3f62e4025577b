//! The app's `new Auth0Client(…)` keeps the InsForge token: `beforeSessionSaved:
//! copyInsforgeToken` goes into its options, wherever they are written (the call's object,
//! a `const` of the same module it names), unless they set a hook already, including through
//! a spread (`...sharedOptions`), which the edit follows within the module and never
//! overrides.

use std::path::Path;

use oxc_allocator::Allocator;
use oxc_ast::ast::{
    BindingPattern, Expression, NewExpression, ObjectExpression, ObjectPropertyKind, Statement,
};
use oxc_ast_visit::{walk, Visit};
use oxc_span::GetSpan;

use super::{Edit, Style};

pub const PROPERTY: &str = "beforeSessionSaved: copyInsforgeToken";

/// What the options of one `new Auth0Client(…)` allow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Options {
    /// The property can go in with these edits.
    Edits(Vec<Edit>),
    /// They set `beforeSessionSaved` already, at this 1-based line.
    Hook(u32),
    /// The tool cannot see them whole: why.
    Unseen(String),
}

/// The options of the `new` expression that starts at `call_start`.
pub fn options(path: &Path, text: &str, call_start: u32) -> Options {
    let allocator = Allocator::default();
    let ret = oxc_parser::Parser::new(&allocator, text, super::source_type(path)).parse();
    if ret.panicked || !ret.diagnostics.is_empty() {
        return Options::Unseen("the file does not parse".into());
    }
    let program = &ret.program;
    let mut finder = FindNew {
        start: call_start,
        text,
        style: Style::of(text),
        consts: Consts(program),
        found: None,
    };
    finder.visit_program(program);
    finder
        .found
        .unwrap_or_else(|| Options::Unseen("the call was not found".into()))
}

/// The options of one `new` expression.
fn of_call(text: &str, style: &Style, consts: &Consts, new: &NewExpression) -> Options {
    match new
        .arguments
        .first()
        .and_then(|a| a.as_expression())
        .map(bare)
    {
        None => {
            let end = new.span.end as usize;
            if text[..end].ends_with(')') {
                let close = end - 1;
                let open = text[..close].rfind('(').unwrap_or(close);
                let inside = &text[open + 1..close];
                if inside.trim().is_empty() {
                    Options::Edits(vec![Edit::replace(
                        open + 1..close,
                        format!("{{ {PROPERTY} }}"),
                    )])
                } else {
                    // A comment in the parentheses stays, after the options.
                    let gap = if inside.starts_with(char::is_whitespace) {
                        ""
                    } else {
                        " "
                    };
                    Options::Edits(vec![Edit::insert(
                        open + 1,
                        format!("{{ {PROPERTY} }}{gap}"),
                    )])
                }
            } else {
                // `new Auth0Client;`: the call gains its parentheses.
                Options::Edits(vec![Edit::insert(end, format!("({{ {PROPERTY} }})"))])
            }
        }
        Some(Expression::ObjectExpression(object)) => object_edit(text, style, object, consts),
        Some(Expression::Identifier(id)) => match consts.object(&id.name) {
            Some(object) => object_edit(text, style, object, consts),
            None => Options::Unseen(format!("it takes its options from `{}`", id.name)),
        },
        Some(_) => Options::Unseen("its options are not an object literal".into()),
    }
}

/// The expression under parentheses and type assertions: `({ … } as Auth0ClientOptions)`,
/// `{ … } satisfies Auth0ClientOptions`, `{ … } as const`, `<Options>{ … }`, `options!`.
fn bare<'e, 'a>(e: &'e Expression<'a>) -> &'e Expression<'a> {
    match e {
        Expression::ParenthesizedExpression(p) => bare(&p.expression),
        Expression::TSAsExpression(t) => bare(&t.expression),
        Expression::TSSatisfiesExpression(t) => bare(&t.expression),
        Expression::TSTypeAssertion(t) => bare(&t.expression),
        Expression::TSNonNullExpression(t) => bare(&t.expression),
        _ => e,
    }
}

fn line_of(text: &str, offset: u32) -> u32 {
    text[..offset as usize].matches('\n').count() as u32 + 1
}

fn object_edit(text: &str, style: &Style, object: &ObjectExpression, consts: &Consts) -> Options {
    if let Some(line) = hook_in(text, object, consts, 0) {
        return line;
    }
    let open = object.span.start as usize;
    let close = object.span.end as usize - 1;
    match object.properties.first() {
        None if text[open + 1..close].trim().is_empty() => Options::Edits(vec![Edit::replace(
            open + 1..close,
            format!(" {PROPERTY} "),
        )]),
        // Only comments inside: they stay, after the property.
        None => Options::Edits(vec![Edit::insert(open + 1, format!(" {PROPERTY},"))]),
        Some(first) => {
            let at = first.span().start as usize;
            // Comments above the first property (a `// @ts-expect-error` for it) stay with
            // it: the property goes in above them.
            let lead = open
                + 1
                + text[open + 1..at]
                    .find(|c: char| !c.is_whitespace())
                    .unwrap_or(at - open - 1);
            if lead < at && text[open..lead].contains('\n') {
                let line_start = text[..lead].rfind('\n').map_or(0, |i| i + 1);
                let indent: String = text[line_start..lead]
                    .chars()
                    .take_while(|c| c.is_whitespace())
                    .collect();
                Options::Edits(vec![Edit::insert(
                    line_start,
                    format!("{indent}{PROPERTY},{}", style.newline),
                )])
            } else if text[open..at].contains('\n') {
                let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
                let indent: String = text[line_start..at]
                    .chars()
                    .take_while(|c| c.is_whitespace())
                    .collect();
                Options::Edits(vec![Edit::insert(
                    at,
                    format!("{PROPERTY},{}{indent}", style.newline),
                )])
            } else {
                Options::Edits(vec![Edit::insert(at, format!("{PROPERTY}, "))])
            }
        }
    }
}

/// `beforeSessionSaved` set in the object or a spread of it the module defines: a hook, or
/// a spread the tool cannot follow.
fn hook_in(text: &str, object: &ObjectExpression, consts: &Consts, depth: u8) -> Option<Options> {
    for property in &object.properties {
        match property {
            ObjectPropertyKind::ObjectProperty(p) => {
                if p.key.static_name().as_deref() == Some("beforeSessionSaved") {
                    return Some(Options::Hook(line_of(text, p.span.start)));
                }
            }
            ObjectPropertyKind::SpreadProperty(s) => {
                let inner = match bare(&s.argument) {
                    Expression::Identifier(id) if depth < 8 => consts.object(&id.name),
                    Expression::ObjectExpression(o) => Some(&**o),
                    _ => None,
                };
                let Some(inner) = inner else {
                    let what =
                        &text[s.argument.span().start as usize..s.argument.span().end as usize];
                    return Some(Options::Unseen(format!(
                        "it spreads `{what}` into its options, which may set a hook of its own"
                    )));
                };
                if let Some(found) = hook_in(text, inner, consts, depth + 1) {
                    return Some(found);
                }
            }
        }
    }
    None
}

/// The module's top-level `const NAME = { … }` objects.
struct Consts<'p, 'a>(&'p oxc_ast::ast::Program<'a>);

impl<'p, 'a> Consts<'p, 'a> {
    fn object(&self, name: &str) -> Option<&'p ObjectExpression<'a>> {
        for statement in &self.0.body {
            let declaration = match statement {
                Statement::ExportDeclaration(e) => Some(&e.declaration),
                other => other.as_declaration(),
            };
            let Some(oxc_ast::ast::Declaration::VariableDeclaration(v)) = declaration else {
                continue;
            };
            for d in &v.declarations {
                if let (BindingPattern::BindingIdentifier(id), Some(init)) = (&d.id, &d.init) {
                    if id.name == name {
                        return match bare(init) {
                            Expression::ObjectExpression(o) => Some(o),
                            _ => None,
                        };
                    }
                }
            }
        }
        None
    }
}

struct FindNew<'s, 'p, 'a> {
    start: u32,
    text: &'s str,
    style: Style,
    consts: Consts<'p, 'a>,
    found: Option<Options>,
}

impl<'a> Visit<'a> for FindNew<'_, '_, 'a> {
    fn visit_new_expression(&mut self, it: &NewExpression<'a>) {
        if it.span.start == self.start && self.found.is_none() {
            self.found = Some(of_call(self.text, &self.style, &self.consts, it));
        }
        walk::walk_new_expression(self, it);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Result<String, Options> {
        let path = Path::new("lib/auth0.ts");
        let start = text.find("new Auth0Client").unwrap() as u32;
        match options(path, text, start) {
            Options::Edits(edits) => Ok(super::super::apply(text, &edits).unwrap()),
            other => Err(other),
        }
    }

    #[test]
    fn the_property_goes_into_the_options_wherever_they_are() {
        assert_eq!(
            run("export const auth0 = new Auth0Client();\n").unwrap(),
            "export const auth0 = new Auth0Client({ beforeSessionSaved: copyInsforgeToken });\n"
        );
        assert_eq!(
            run("f();\nexport const auth0 = new Auth0Client;\n").unwrap(),
            "f();\nexport const auth0 = new Auth0Client({ beforeSessionSaved: copyInsforgeToken });\n"
        );
        assert_eq!(
            run("export const auth0 = new Auth0Client({\n  appBaseUrl: 'x',\n});\n").unwrap(),
            "export const auth0 = new Auth0Client({\n  beforeSessionSaved: copyInsforgeToken,\n  appBaseUrl: 'x',\n});\n"
        );
        assert_eq!(
            run("const shared = { appBaseUrl: 'x' };\nexport const auth0 = new Auth0Client({ ...shared });\n").unwrap(),
            "const shared = { appBaseUrl: 'x' };\nexport const auth0 = new Auth0Client({ beforeSessionSaved: copyInsforgeToken, ...shared });\n"
        );
        assert_eq!(
            run("const options = {};\nexport const auth0 = new Auth0Client(options);\n").unwrap(),
            "const options = { beforeSessionSaved: copyInsforgeToken };\nexport const auth0 = new Auth0Client(options);\n"
        );
    }

    #[test]
    fn a_hook_in_a_spread_is_seen_and_an_unknown_spread_is_not_overridden() {
        let t = "const sharedOptions = {\n  beforeSessionSaved: async (s) => s,\n};\nexport const auth0 = new Auth0Client({ ...sharedOptions, appBaseUrl: 'x' });\n";
        assert_eq!(run(t), Err(Options::Hook(2)));
        let t =
            "import { base } from './base';\nexport const auth0 = new Auth0Client({ ...base });\n";
        assert!(matches!(run(t), Err(Options::Unseen(why)) if why.contains("`base`")));
    }
}
