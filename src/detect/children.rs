//! The layout component's own `{children}`: the default export's `children` prop
//! (`{ children }`, `{ children: kids }` or `props.children`), found by binding, so a helper
//! component in the same file or a `.map` callback with a parameter of that name is never
//! taken for it. Detection asks whether a provider surrounds them; the layout edit wraps them.

use std::path::Path;

use oxc_allocator::Allocator;
use oxc_ast::ast::{
    BindingPattern, ExportDefaultDeclarationKind, Expression, FormalParameters, Function,
    JSXExpressionContainer, Statement,
};
use oxc_ast_visit::{walk, Visit};
use oxc_semantic::SemanticBuilder;
use oxc_span::Span;
use oxc_syntax::symbol::SymbolId;

/// The `{children}` containers that render the default-exported component's own
/// `children` prop.
pub fn own_children(path: &Path, text: &str) -> Result<Vec<Span>, String> {
    let allocator = Allocator::default();
    let ret = oxc_parser::Parser::new(&allocator, text, super::source::source_type(path)).parse();
    if ret.panicked || !ret.diagnostics.is_empty() {
        return Err("it does not parse".into());
    }
    let program = allocator.alloc(ret.program);
    let semantic = SemanticBuilder::new().build(program).semantic;
    let scoping = semantic.scoping();
    let Some(function) = layout_component(program) else {
        return Err("it has no default-exported layout component".into());
    };
    let Some(param) = function.params().items.first() else {
        return Err("its layout component takes no props".into());
    };
    // `{ children }` / `{ children: kids }` binds the prop; `props` is read as
    // `props.children`.
    let (mut symbol, mut through_props) = match children_binding(&param.pattern) {
        Some(found) => found,
        None => return Err("its layout component does not read its children prop".into()),
    };
    // `const { children } = props;` at the top of the body reads the prop too.
    if through_props {
        if let Some(own) = destructured_from(&function, symbol, scoping) {
            (symbol, through_props) = (own, false);
        }
    }
    let mut finder = Containers { found: Vec::new() };
    finder.visit_function_body_like(&function);
    let mut out = Vec::new();
    for (container, reference, member) in finder.found {
        if member != through_props {
            continue;
        }
        let Some(reference) = reference else {
            continue;
        };
        if scoping.get_reference(reference).symbol_id() == Some(symbol) {
            out.push(container);
        }
    }
    Ok(out)
}

/// The function a default export names, in any of its shapes.
enum Component<'p, 'a> {
    Function(&'p Function<'a>),
    Arrow(&'p oxc_ast::ast::ArrowFunctionExpression<'a>),
}

impl<'a> Component<'_, 'a> {
    fn params(&self) -> &FormalParameters<'a> {
        match self {
            Component::Function(f) => &f.params,
            Component::Arrow(a) => &a.params,
        }
    }
}

trait VisitBody<'a> {
    fn visit_function_body_like(&mut self, c: &Component<'_, 'a>);
}

impl<'a, V: Visit<'a>> VisitBody<'a> for V {
    fn visit_function_body_like(&mut self, c: &Component<'_, 'a>) {
        match c {
            Component::Function(f) => {
                if let Some(body) = &f.body {
                    self.visit_function_body(body);
                }
            }
            Component::Arrow(a) => self.visit_arrow_function_body(&a.body),
        }
    }
}

fn layout_component<'p, 'a>(program: &'p oxc_ast::ast::Program<'a>) -> Option<Component<'p, 'a>> {
    let mut named: Option<&str> = None;
    for statement in &program.body {
        // `export { RootLayout as default }`.
        if let Statement::ExportNamedDeclaration(e) = statement {
            if let Some(s) = e.specifiers.iter().find(|s| s.exported.name() == "default") {
                named = Some(s.local.name().as_str());
            }
        }
        if let Statement::ExportDefaultDeclaration(d) = statement {
            match &d.declaration {
                ExportDefaultDeclarationKind::FunctionDeclaration(f) => {
                    return Some(Component::Function(f))
                }
                kind => match kind.as_expression().map(Expression::get_inner_expression) {
                    Some(Expression::ArrowFunctionExpression(a)) => {
                        return Some(Component::Arrow(a))
                    }
                    Some(Expression::FunctionExpression(f)) => return Some(Component::Function(f)),
                    Some(Expression::Identifier(id)) => named = Some(id.name.as_str()),
                    _ => return None,
                },
            }
        }
    }
    let named = named?;
    for statement in &program.body {
        let declaration = match statement {
            Statement::ExportDeclaration(e) => Some(&e.declaration),
            other => other.as_declaration(),
        };
        match declaration {
            Some(oxc_ast::ast::Declaration::FunctionDeclaration(f))
                if f.id.as_ref().is_some_and(|id| id.name == named) =>
            {
                return Some(Component::Function(f));
            }
            Some(oxc_ast::ast::Declaration::VariableDeclaration(v)) => {
                for d in &v.declarations {
                    let BindingPattern::BindingIdentifier(id) = &d.id else {
                        continue;
                    };
                    if id.name != named {
                        continue;
                    }
                    return match d.init.as_ref().map(Expression::get_inner_expression) {
                        Some(Expression::ArrowFunctionExpression(a)) => Some(Component::Arrow(a)),
                        Some(Expression::FunctionExpression(f)) => Some(Component::Function(f)),
                        _ => None,
                    };
                }
            }
            _ => {}
        }
    }
    None
}

/// The binding of `const { children } = props` (or `{ children: kids }`) among the top-level
/// statements of the component's body, `props` being `symbol`.
fn destructured_from(
    function: &Component,
    symbol: SymbolId,
    scoping: &oxc_semantic::Scoping,
) -> Option<SymbolId> {
    let statements = match function {
        Component::Function(f) => &f.body.as_ref()?.statements,
        Component::Arrow(a) => match &a.body {
            oxc_ast::ast::ArrowFunctionBody::FunctionBody(body) => &body.statements,
            _ => return None,
        },
    };
    statements.iter().find_map(|statement| {
        let Statement::VariableDeclaration(declaration) = statement else {
            return None;
        };
        declaration.declarations.iter().find_map(|d| {
            let Some(Expression::Identifier(init)) = d.init.as_ref() else {
                return None;
            };
            let from = init
                .reference_id
                .get()
                .and_then(|r| scoping.get_reference(r).symbol_id());
            if from != Some(symbol) {
                return None;
            }
            match children_binding(&d.id) {
                Some((own, false)) => Some(own),
                _ => None,
            }
        })
    })
}

/// The symbol `children` is read through, and whether as `props.children`.
fn children_binding(pattern: &BindingPattern) -> Option<(SymbolId, bool)> {
    match pattern {
        BindingPattern::ObjectPattern(object) => object.properties.iter().find_map(|p| {
            (p.key.static_name().as_deref() == Some("children"))
                .then(|| binding_of(&p.value))
                .flatten()
                .map(|s| (s, false))
        }),
        BindingPattern::BindingIdentifier(id) => id.symbol_id.get().map(|s| (s, true)),
        BindingPattern::AssignmentPattern(a) => children_binding(&a.left),
        BindingPattern::ArrayPattern(_) => None,
    }
}

fn binding_of(pattern: &BindingPattern) -> Option<SymbolId> {
    match pattern {
        BindingPattern::BindingIdentifier(id) => id.symbol_id.get(),
        BindingPattern::AssignmentPattern(a) => binding_of(&a.left),
        _ => None,
    }
}

/// Every `{x}` and `{x.children}` container: its span, the reference of `x`, and whether it
/// reads `.children`.
struct Containers {
    found: Vec<(Span, Option<oxc_syntax::reference::ReferenceId>, bool)>,
}

impl<'a> Visit<'a> for Containers {
    fn visit_jsx_expression_container(&mut self, it: &JSXExpressionContainer<'a>) {
        match it
            .expression
            .as_expression()
            .map(Expression::get_inner_expression)
        {
            Some(Expression::Identifier(id)) => {
                self.found.push((it.span, id.reference_id.get(), false));
            }
            Some(Expression::StaticMemberExpression(m)) if m.property.name == "children" => {
                if let Expression::Identifier(id) = m.object.get_inner_expression() {
                    self.found.push((it.span, id.reference_id.get(), true));
                }
            }
            _ => {}
        }
        walk::walk_jsx_expression_container(self, it);
    }
}
