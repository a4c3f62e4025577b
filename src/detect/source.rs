//! The source model: the app's own TypeScript and JavaScript, parsed with oxc.
//!
//! Only files that can matter are read: code files under `app/`, `src/`, `lib/`, `pages/`,
//! `auth/`, `utils/`, `config/`, `server/`, `components/`, `db/`, `drizzle/` and at the root (the interceptor, `auth.ts`…),
//! walked with the app's `.gitignore` rules and never inside `node_modules`, `.next` or build
//! output. A file is parsed only when its text names something the tool looks for (a provider
//! instance, route handler or client factory, `@insforge/sdk`) or it is the interceptor or a
//! layout.
//!
//! Each parsed file becomes a [`Module`]: its imports, exports, the calls and `new`
//! expressions it makes (with the variable each is bound to and the keys of an object
//! argument), and the JSX elements it renders, each with its line. Recognising a provider's
//! wiring is then a query over modules; see [`Wiring`].

use std::path::{Path, PathBuf};

use oxc_allocator::Allocator;
use oxc_ast::ast::{
    Argument, BindingPattern, CallExpression, ExportDefaultDeclaration,
    ExportDefaultDeclarationKind, Expression, JSXElement, JSXElementName, NewExpression,
    ObjectExpression, ObjectPropertyKind, VariableDeclarator,
};
use oxc_ast_visit::{walk, Visit};
use oxc_span::{GetSpan, SourceType, Span};

/// How a file's source is parsed: by its extension, TypeScript syntax allowed, JSX except in
/// `.ts` files (where `<T>x` is a cast).
pub fn source_type(path: &Path) -> SourceType {
    let ts_only = path
        .extension()
        .is_some_and(|e| e == "ts" || e == "mts" || e == "cts");
    SourceType::from_path(path)
        .unwrap_or_default()
        .with_typescript(true)
        .with_module(true)
        .with_jsx(!ts_only)
}

/// Where something was found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Located {
    pub file: PathBuf,
    pub line: u32,
}

impl std::fmt::Display for Located {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", crate::paths::slash(&self.file), self.line)
    }
}

/// Folders (at the root) the scan walks; other top-level folders are not the app's code.
const SCAN_DIRS: [&str; 17] = [
    "app",
    "src",
    "lib",
    "libs",
    "util",
    "providers",
    "services",
    "shared",
    "pages",
    "auth",
    "utils",
    "config",
    "server",
    "components",
    "db",
    "drizzle",
    "constants",
];
const CODE: [&str; 8] = ["ts", "tsx", "js", "jsx", "mjs", "cjs", "mts", "cts"];
/// Never entered, whatever `.gitignore` says.
const SKIP: [&str; 8] = [
    "node_modules",
    ".next",
    ".git",
    "dist",
    "build",
    "out",
    "coverage",
    ".turbo",
];
/// Words that make a file worth parsing: what the recognisers in `wiring` look for (a file
/// that only uses a provider's hooks is not wiring). Layouts and the interceptor are always
/// parsed.
const MARKERS: [&str; 30] = [
    "ClerkProvider",
    "AuthKitProvider",
    "Auth0Provider",
    "KindeProvider",
    "StytchProvider",
    "StytchB2BProvider",
    "Auth0Client",
    "betterAuth",
    "createAuthClient",
    "toNextJsHandler",
    "handleAuth",
    "getSignInUrl",
    "createStytch",
    "StytchLogin",
    "b2b",
    "B2BClient",
    "authenticate",
    "@insforge/sdk",
    "pgTable",
    "pgSchema",
    "SignInButton",
    "UserButton",
    "LoginLink",
    "LogoutLink",
    "signOut",
    "SignOutButton",
    "revoke",
    "/auth/logout",
    // Stytch's server SDK (`new Client(…)`), whatever it is bound to.
    "from 'stytch'",
    "from \"stytch\"",
];
/// A file larger than this is generated or vendored, not wiring.
const MAX_FILE: u64 = 1 << 20;

/// One import binding: `import { a as b } from 'm'` is (m, Name(a), b).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    pub source: String,
    pub imported: Imported,
    pub local: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Imported {
    Name(String),
    Default,
    Namespace,
}

/// An export of a local binding: `export const x`, `export { x as y }`, `export default x`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    /// The local name; None for `export default <expression>`.
    pub local: Option<String>,
    /// The exported name; None for the default export.
    pub name: Option<String>,
}

/// A call or `new` expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The callee as written: `betterAuth`, `auth0.middleware`, `Auth0Client`.
    pub callee: String,
    pub new: bool,
    pub line: u32,
    pub span: Span,
    /// The variable the result is assigned to (`const auth0 = new Auth0Client()`), or
    /// `default` for `export default betterAuth(...)`.
    pub bound_to: Option<String>,
    /// The members it is destructured into (`const { signIn, useSession: use } = …`), as
    /// (key, local) pairs.
    pub destructured: Vec<(String, String)>,
    /// The first argument, when it is an object literal.
    pub object: Option<ObjectArg>,
    /// The first argument, when it is a string literal: `pgTable("user", …)`.
    pub first_string: Option<String>,
    /// How many arguments, and where the argument list closes (before `)`).
    pub arguments: usize,
    pub close_paren: u32,
}

/// An object literal argument: its braces and its keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectArg {
    pub span: Span,
    /// Keys with the span of each property, in order.
    pub keys: Vec<(String, Span)>,
    /// `key: call(...)` values: the key and the callee, for `database: prismaAdapter(...)`.
    pub values: Vec<(String, String)>,
    /// `key: 'text'` values.
    pub strings: Vec<(String, String)>,
    /// Every literal, identifier or call value, nested objects included, by dotted key:
    /// `user: { modelName: 'users' }` is `("user.modelName", Str("users"))`.
    pub leaves: Vec<(String, Leaf)>,
}

/// A property value in an object literal, as far as the recognisers need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Leaf {
    Str(String),
    Bool(bool),
    /// An identifier or a member chain: `users`, `schema.users`.
    Ident(String),
    /// A call chain, by the call at its root and that call's first string argument:
    /// `text("id").primaryKey()` is `{ callee: "text", name: Some("id") }`.
    Call {
        callee: String,
        name: Option<String>,
    },
}

/// A JSX element: `<ClerkProvider>` is `ClerkProvider`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Jsx {
    pub name: String,
    pub line: u32,
    /// The opening tag.
    pub span: Span,
    /// The whole element, its children and closing tag included.
    pub element: Span,
}

/// What one parsed file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Module {
    pub path: PathBuf,
    pub imports: Vec<Import>,
    pub exports: Vec<Export>,
    pub calls: Vec<Call>,
    pub jsx: Vec<Jsx>,
    /// String literals in `export const config = { matcher }`, for an interceptor.
    pub matcher: Vec<String>,
    /// The file does not parse: nothing in it is trusted, and it is never edited.
    pub parse_error: Option<String>,
    /// The tool wrote this file (its header says so): it is the tool's, not the app's.
    pub generated: bool,
    /// The modules it re-exports from (`export { X } from './x'`, `export * from './x'`).
    pub reexports: Vec<String>,
    /// Every module it imports or re-exports from, side-effect imports (`import
    /// 'server-only'`) included, sorted.
    pub requested: Vec<String>,
    /// What `export default` exports, for composing an interceptor with it.
    pub default_export: Option<DefaultExport>,
}

/// The shape of a module's default export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DefaultExport {
    /// `export default <expression>;`, where the expression starts.
    Expression { start: u32 },
    /// `export default [async] function name(…) {…}`: where the declaration starts, its
    /// name and how many parameters it takes.
    Function {
        start: u32,
        name: Option<String>,
        params: usize,
    },
    /// `export { handler as default };` (no `from`): the statement's and the specifier's
    /// spans, the local name, whether it is the statement's only specifier, and how many
    /// parameters the module's own function of that name takes.
    Named {
        statement: (u32, u32),
        specifier: (u32, u32),
        /// The specifiers' spans, in order (to remove one with its comma).
        siblings: Vec<(u32, u32)>,
        local: String,
        params: usize,
    },
    /// A class or anything else.
    Other,
}

impl Module {
    /// The local name `package`'s `name` is imported as, if it is.
    pub fn local_of(&self, package: &str, name: &str) -> Option<&str> {
        self.imports
            .iter()
            .find(|i| {
                (i.source == package || i.source.starts_with(&format!("{package}/")))
                    && i.imported == Imported::Name(name.into())
            })
            .map(|i| i.local.as_str())
    }

    /// The modules imported from.
    pub fn imports_from(&self, prefix: &str) -> bool {
        self.imports
            .iter()
            .any(|i| i.source == prefix || i.source.starts_with(&format!("{prefix}/")))
    }

    /// How `local` is exported: `Some(Some(name))` by name, `Some(None)` as the default.
    pub fn export_of(&self, local: &str) -> Option<Option<String>> {
        if local == "default" {
            return Some(None);
        }
        self.exports
            .iter()
            .find(|e| e.local.as_deref() == Some(local))
            .map(|e| e.name.clone())
    }

    /// Calls (or `new`s) of what `local` names.
    pub fn calls_of<'m>(&'m self, local: &'m str) -> impl Iterator<Item = &'m Call> + 'm {
        self.calls.iter().filter(move |c| c.callee == local)
    }
}

/// The rules of the root's `.gitignore`, from its text (read once by the project's reader).
pub fn root_rules(root: &Path, text: &str) -> ignore::gitignore::Gitignore {
    let mut builder = ignore::gitignore::GitignoreBuilder::new(root);
    for line in text.lines() {
        let _ = builder.add_line(None, line);
    }
    builder
        .build()
        .unwrap_or_else(|_| ignore::gitignore::Gitignore::empty())
}

/// Files the scan looks at, relative to `root`: code files in the app's folders (gitignore
/// rules applied: the root's `.gitignore` as `gitignore` gives its text, read once for every
/// stage, and those of the folders below) and at the root.
pub fn candidates(root: &Path, gitignore: Option<&str>) -> Vec<PathBuf> {
    let rules = gitignore.map(|text| root_rules(root, text));
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(root) {
        let mut names: Vec<String> = entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| is_code(Path::new(n)) && !n.contains(".config."))
            .collect();
        names.sort();
        out.extend(names.into_iter().map(PathBuf::from));
    }
    for dir in SCAN_DIRS {
        let full = root.join(dir);
        if !full.is_dir() {
            continue;
        }
        let rules = rules.clone();
        let walk = ignore::WalkBuilder::new(&full)
            .hidden(true)
            .git_global(false)
            .git_exclude(false)
            .require_git(false)
            // The root's rules come from `gitignore` (already read); the folders' own
            // `.gitignore` files are read as the walk enters them.
            .parents(false)
            .git_ignore(false)
            .add_custom_ignore_filename(".gitignore")
            .filter_entry(move |e| {
                let ignored = rules.as_ref().is_some_and(|r| {
                    let dir = e.file_type().is_some_and(|t| t.is_dir());
                    r.matched(e.path(), dir).is_ignore()
                });
                !ignored && !SKIP.contains(&e.file_name().to_string_lossy().as_ref())
            })
            .sort_by_file_path(|a, b| a.cmp(b))
            .build();
        for entry in walk.flatten() {
            if entry.file_type().is_some_and(|t| t.is_file()) && is_code(entry.path()) {
                if let Ok(rel) = entry.path().strip_prefix(root) {
                    out.push(rel.to_path_buf());
                }
            }
        }
    }
    out
}

pub fn is_code(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| CODE.contains(&e))
        && !path.to_string_lossy().ends_with(".d.ts")
}

/// Whether a file must be parsed whatever it says: the interceptor, a layout.
fn always(path: &Path) -> bool {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let in_root_or_src = path
        .parent()
        .is_none_or(|p| p.as_os_str().is_empty() || p == Path::new("src"));
    // Route handlers (few, and where sign-in and callbacks live): however the app builds
    // them, a provider's route the app has is its own.
    let route_of_a_role = stem == "route" && path.components().any(|c| c.as_os_str() == "app");
    (in_root_or_src && matches!(stem, "middleware" | "proxy"))
        || stem == "layout"
        || route_of_a_role
}

/// What one pass over the app's code found.
pub struct Scan {
    pub modules: Vec<Module>,
    /// How many files were read.
    pub files_read: usize,
    /// The first of the words asked for that a file uses (as a whole identifier), and where.
    pub word: Option<(usize, PathBuf)>,
}

/// Read the candidates once: parse those worth parsing, and look for `words` in all.
/// `read` gives a file's text (relative path), so each file is read once for every stage.
/// `markers` are more words that make a file worth parsing (the names of the workspace
/// packages the app imports).
pub fn scan(
    root: &Path,
    words: &[&str],
    markers: &[&str],
    read: &dyn Fn(&Path) -> Option<String>,
) -> Scan {
    let files = candidates(root, read(Path::new(".gitignore")).as_deref());
    let mut modules = Vec::new();
    let mut files_read = 0;
    let mut word: Option<(usize, PathBuf)> = None;
    for rel in files {
        let full = root.join(&rel);
        if std::fs::metadata(&full).map_or(true, |m| !m.is_file() || m.len() > MAX_FILE) {
            continue;
        }
        let Some(text) = read(&rel) else {
            continue;
        };
        files_read += 1;
        if word.as_ref().is_none_or(|(w, _)| *w > 0) {
            if let Some(n) = words.iter().position(|w| contains_word(&text, w)) {
                if word.as_ref().is_none_or(|(w, _)| n < *w) {
                    word = Some((n, rel.clone()));
                }
            }
        }
        if always(&rel)
            || MARKERS.iter().any(|m| text.contains(m))
            || markers.iter().any(|m| text.contains(m))
        {
            modules.push(parse(&rel, &text));
        }
    }
    Scan {
        modules,
        files_read,
        word,
    }
}

/// `word` in `text`, not as part of a longer identifier.
pub fn contains_word(text: &str, word: &str) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices(word)
        .any(|(i, _)| !text[..i].ends_with(ident) && !text[i + word.len()..].starts_with(ident))
}

/// How deeply brackets and JSX tags may nest in a file the tool parses: far beyond what
/// people write, far below what the parser's recursion can take.
const MAX_DEPTH: usize = 1_000;

/// Whether `text` nests brackets (or JSX-looking tags) deeper than [`MAX_DEPTH`], counted in
/// one pass over its bytes (strings and comments included: a rough count errs on the side
/// of not parsing).
fn too_deep(text: &str) -> bool {
    let (mut brackets, mut tags) = (0usize, 0usize);
    let bytes = text.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        match b {
            b'(' | b'[' | b'{' => {
                brackets += 1;
                if brackets > MAX_DEPTH {
                    return true;
                }
            }
            b')' | b']' | b'}' => brackets = brackets.saturating_sub(1),
            b'<' => match bytes.get(i + 1) {
                Some(b'/') => tags = tags.saturating_sub(1),
                Some(c) if c.is_ascii_alphabetic() || *c == b'>' => {
                    tags += 1;
                    if tags > MAX_DEPTH {
                        return true;
                    }
                }
                _ => {}
            },
            b'/' if bytes.get(i + 1) == Some(&b'>') => tags = tags.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// Parse one file's text into its [`Module`].
pub fn parse(path: &Path, text: &str) -> Module {
    if too_deep(text) {
        return Module {
            path: path.to_path_buf(),
            imports: Vec::new(),
            exports: Vec::new(),
            calls: Vec::new(),
            jsx: Vec::new(),
            matcher: Vec::new(),
            parse_error: Some(format!(
                "it nests deeper than {MAX_DEPTH} levels, more than insforge-integrate reads"
            )),
            reexports: Vec::new(),
            requested: Vec::new(),
            default_export: None,
            generated: false,
        };
    }
    let allocator = Allocator::default();
    let source_type = SourceType::from_path(path)
        .unwrap_or_default()
        .with_typescript(true)
        .with_jsx(true);
    // `.ts` files cannot hold JSX (`<T>x` is a cast there).
    let source_type = if path
        .extension()
        .is_some_and(|e| e == "ts" || e == "mts" || e == "cts")
    {
        source_type.with_jsx(false)
    } else {
        source_type
    };
    let ret = oxc_parser::Parser::new(&allocator, text, source_type).parse();
    let lines = LineIndex::new(text);
    let mut module = Module {
        path: path.to_path_buf(),
        imports: Vec::new(),
        exports: Vec::new(),
        calls: Vec::new(),
        jsx: Vec::new(),
        matcher: Vec::new(),
        parse_error: None,
        reexports: Vec::new(),
        requested: Vec::new(),
        default_export: None,
        // The marker opens the file, after a 'use client' directive where there is one.
        generated: text
            .lines()
            .take(3)
            .any(|l| l.contains("Generated by insforge-integrate")),
    };
    if ret.panicked || !ret.diagnostics.is_empty() {
        let first = ret
            .diagnostics
            .iter()
            .next()
            .map(|d| d.to_string())
            .unwrap_or_else(|| "it does not parse".into());
        module.parse_error = Some(first);
        return module;
    }
    let record = &ret.module_record;
    module.requested = record
        .requested_modules
        .keys()
        .map(|k| k.to_string())
        .collect();
    module.requested.sort();
    for entry in &record.import_entries {
        use oxc_syntax::module_record::ImportImportName;
        module.imports.push(Import {
            source: entry.module_request.name.to_string(),
            imported: match &entry.import_name {
                ImportImportName::Name(n) => Imported::Name(n.name.to_string()),
                ImportImportName::Default(_) => Imported::Default,
                ImportImportName::NamespaceObject => Imported::Namespace,
            },
            local: entry.local_name.name.to_string(),
        });
    }
    for entry in record
        .indirect_export_entries
        .iter()
        .chain(&record.star_export_entries)
    {
        if let Some(source) = &entry.module_request {
            let source = source.name.to_string();
            if !module.reexports.contains(&source) {
                module.reexports.push(source);
            }
        }
    }
    for entry in &record.local_export_entries {
        use oxc_syntax::module_record::{ExportExportName, ExportLocalName};
        let local = match &entry.local_name {
            ExportLocalName::Name(n) | ExportLocalName::Default(n) => Some(n.name.to_string()),
            ExportLocalName::Null => None,
        };
        let name = match &entry.export_name {
            ExportExportName::Name(n) => Some(n.name.to_string()),
            _ => None,
        };
        module.exports.push(Export { local, name });
    }
    let mut visitor = Collector {
        text,
        lines: &lines,
        module: &mut module,
        bound: Vec::new(),
        destructured: Vec::new(),
    };
    visitor.visit_program(&ret.program);
    let bound = std::mem::take(&mut visitor.bound);
    let destructured = std::mem::take(&mut visitor.destructured);
    if let Some(DefaultExport::Named { local, params, .. }) = &mut module.default_export {
        match function_params(&ret.program, local) {
            Some(n) => *params = n,
            None => module.default_export = Some(DefaultExport::Other),
        }
    }
    for (span, name) in bound {
        if let Some(call) = module.calls.iter_mut().find(|c| c.span == span) {
            call.bound_to = Some(name);
        }
    }
    for (span, members) in destructured {
        if let Some(call) = module.calls.iter_mut().find(|c| c.span == span) {
            call.destructured = members;
        }
    }
    module
}

/// How many parameters the module's top-level function `name` takes: a function
/// declaration, or a `const` bound to an arrow or function expression.
fn function_params(program: &oxc_ast::ast::Program, name: &str) -> Option<usize> {
    use oxc_ast::ast::{Declaration, Statement};
    for statement in &program.body {
        let declaration = match statement {
            Statement::ExportDeclaration(e) => Some(&e.declaration),
            other => other.as_declaration(),
        };
        match declaration {
            Some(Declaration::FunctionDeclaration(f))
                if f.id.as_ref().is_some_and(|id| id.name == name) =>
            {
                return Some(f.params.items.len());
            }
            Some(Declaration::VariableDeclaration(v)) => {
                for d in &v.declarations {
                    let (BindingPattern::BindingIdentifier(id), Some(init)) = (&d.id, &d.init)
                    else {
                        continue;
                    };
                    if id.name != name {
                        continue;
                    }
                    return match init.get_inner_expression() {
                        Expression::ArrowFunctionExpression(a) => Some(a.params.items.len()),
                        Expression::FunctionExpression(f) => Some(f.params.items.len()),
                        _ => None,
                    };
                }
            }
            _ => {}
        }
    }
    None
}

/// Byte offsets to 1-based line numbers.
struct LineIndex(Vec<u32>);

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i as u32 + 1),
        );
        Self(starts)
    }
    fn line(&self, offset: u32) -> u32 {
        self.0.partition_point(|&s| s <= offset) as u32
    }
}

/// `a.b.c` for an identifier or a chain of static member accesses.
fn dotted(expr: &Expression) -> Option<String> {
    match expr.without_parentheses() {
        Expression::Identifier(id) => Some(id.name.to_string()),
        Expression::StaticMemberExpression(m) => {
            Some(format!("{}.{}", dotted(&m.object)?, m.property.name))
        }
        _ => None,
    }
}

struct Collector<'s, 'm> {
    text: &'s str,
    lines: &'s LineIndex,
    module: &'m mut Module,
    /// (span of an initializer call, the variable it is bound to)
    bound: Vec<(Span, String)>,
    /// (span of an initializer call, the members it is destructured into)
    destructured: Vec<(Span, Vec<(String, String)>)>,
}

impl Collector<'_, '_> {
    /// The first argument that is an object literal (`new Auth0Client({…})`,
    /// `prismaAdapter(prisma, {…})`).
    fn object_arg(&self, arguments: &[Argument]) -> Option<ObjectArg> {
        arguments.iter().find_map(|a| match a.as_expression()? {
            Expression::ObjectExpression(obj) => Some(object(obj)),
            _ => None,
        })
    }

    fn push(&mut self, callee: &Expression, new: bool, span: Span, arguments: &[Argument]) {
        let Some(callee) = dotted(callee) else {
            return;
        };
        let close = self.text[..span.end as usize]
            .rfind(')')
            .map_or(span.end, |i| i as u32);
        let call = Call {
            callee,
            new,
            line: self.lines.line(span.start),
            span,
            bound_to: None,
            destructured: Vec::new(),
            object: self.object_arg(arguments),
            first_string: arguments.first().and_then(first_string),
            arguments: arguments.len(),
            close_paren: close,
        };
        self.module.calls.push(call);
    }
}

fn first_string(argument: &Argument) -> Option<String> {
    match argument.as_expression()?.without_parentheses() {
        Expression::StringLiteral(lit) => Some(lit.value.to_string()),
        _ => None,
    }
}

/// The value of one property, or None when it is nothing the recognisers read.
fn leaf(expr: &Expression) -> Option<Leaf> {
    match expr.without_parentheses() {
        Expression::StringLiteral(lit) => Some(Leaf::Str(lit.value.to_string())),
        Expression::BooleanLiteral(b) => Some(Leaf::Bool(b.value)),
        e @ (Expression::Identifier(_) | Expression::StaticMemberExpression(_)) => {
            dotted(e).map(Leaf::Ident)
        }
        Expression::CallExpression(c) => {
            // Down the chain to its root call: `text("id").primaryKey().notNull()`.
            let mut root = c;
            while let Expression::StaticMemberExpression(m) = root.callee.without_parentheses() {
                match m.object.without_parentheses() {
                    Expression::CallExpression(inner) => root = inner,
                    _ => break,
                }
            }
            Some(Leaf::Call {
                callee: dotted(&root.callee)?,
                name: root.arguments.first().and_then(first_string),
            })
        }
        _ => None,
    }
}

fn leaves(obj: &ObjectExpression, prefix: &str, out: &mut Vec<(String, Leaf)>) {
    for prop in &obj.properties {
        if let ObjectPropertyKind::ObjectProperty(p) = prop {
            let Some(name) = p.key.static_name() else {
                continue;
            };
            let key = format!("{prefix}{name}");
            if let Expression::ObjectExpression(inner) = p.value.without_parentheses() {
                leaves(inner, &format!("{key}."), out);
            } else if let Some(value) = leaf(&p.value) {
                out.push((key, value));
            }
        }
    }
}

fn object(obj: &ObjectExpression) -> ObjectArg {
    let mut all = Vec::new();
    leaves(obj, "", &mut all);
    let mut keys = Vec::new();
    let mut values = Vec::new();
    let mut strings = Vec::new();
    for prop in &obj.properties {
        if let ObjectPropertyKind::ObjectProperty(p) = prop {
            if let Some(name) = p.key.static_name() {
                keys.push((name.to_string(), p.span));
                if let Expression::StringLiteral(lit) = p.value.without_parentheses() {
                    strings.push((name.to_string(), lit.value.to_string()));
                }
                let value = match p.value.without_parentheses() {
                    Expression::CallExpression(c) => dotted(&c.callee),
                    Expression::NewExpression(n) => dotted(&n.callee).map(|c| format!("new {c}")),
                    Expression::ObjectExpression(inner) => Some(format!(
                        "{{{}}}",
                        object(inner)
                            .values
                            .iter()
                            .map(|(k, v)| format!("{k}:{v}"))
                            .collect::<Vec<_>>()
                            .join(",")
                    )),
                    _ => None,
                };
                if let Some(value) = value {
                    values.push((name.to_string(), value));
                }
            }
        }
    }
    ObjectArg {
        span: obj.span,
        keys,
        values,
        strings,
        leaves: all,
    }
}

/// The call an initializer is, through `await` and parentheses.
fn init_call_span(expr: &Expression) -> Option<Span> {
    match expr.get_inner_expression() {
        Expression::CallExpression(c) => Some(c.span),
        Expression::NewExpression(n) => Some(n.span),
        Expression::AwaitExpression(a) => init_call_span(&a.argument),
        _ => None,
    }
}

impl<'a> Visit<'a> for Collector<'_, '_> {
    fn visit_call_expression(&mut self, it: &CallExpression<'a>) {
        self.push(&it.callee, false, it.span, &it.arguments);
        walk::walk_call_expression(self, it);
    }

    fn visit_new_expression(&mut self, it: &NewExpression<'a>) {
        self.push(&it.callee, true, it.span, &it.arguments);
        walk::walk_new_expression(self, it);
    }

    fn visit_variable_declarator(&mut self, it: &VariableDeclarator<'a>) {
        if let (BindingPattern::ObjectPattern(pattern), Some(init)) = (&it.id, &it.init) {
            if let Some(span) = init_call_span(init) {
                let members = pattern
                    .properties
                    .iter()
                    .filter_map(|p| {
                        let key = p.key.static_name()?.to_string();
                        match &p.value {
                            BindingPattern::BindingIdentifier(id) => {
                                Some((key, id.name.to_string()))
                            }
                            BindingPattern::AssignmentPattern(a) => match &a.left {
                                BindingPattern::BindingIdentifier(id) => {
                                    Some((key, id.name.to_string()))
                                }
                                _ => None,
                            },
                            _ => None,
                        }
                    })
                    .collect();
                self.destructured.push((span, members));
            }
        }
        if let (BindingPattern::BindingIdentifier(id), Some(init)) = (&it.id, &it.init) {
            if let Some(span) = init_call_span(init) {
                self.bound.push((span, id.name.to_string()));
            }
            if id.name == "config" {
                if let Expression::ObjectExpression(obj) = init.get_inner_expression() {
                    for prop in &obj.properties {
                        if let ObjectPropertyKind::ObjectProperty(p) = prop {
                            if p.key.static_name().as_deref() == Some("matcher") {
                                let span = p.value.span();
                                collect_strings(
                                    &self.text[span.start as usize..span.end as usize],
                                    &mut self.module.matcher,
                                );
                            }
                        }
                    }
                }
            }
        }
        walk::walk_variable_declarator(self, it);
    }

    fn visit_export_named_declaration(&mut self, it: &oxc_ast::ast::ExportNamedDeclaration<'a>) {
        if !it.export_kind.is_type() {
            let siblings: Vec<(u32, u32)> = it
                .specifiers
                .iter()
                .map(|s| (s.span.start, s.span.end))
                .collect();
            for s in &it.specifiers {
                if s.exported.name() == "default" && !s.export_kind.is_type() {
                    self.module.default_export = Some(DefaultExport::Named {
                        statement: (it.span.start, it.span.end),
                        specifier: (s.span.start, s.span.end),
                        siblings: siblings.clone(),
                        local: s.local.name().to_string(),
                        params: 0,
                    });
                }
            }
        }
        walk::walk_export_named_declaration(self, it);
    }

    fn visit_export_default_declaration(&mut self, it: &ExportDefaultDeclaration<'a>) {
        self.module.default_export = Some(match &it.declaration {
            ExportDefaultDeclarationKind::FunctionDeclaration(f) => DefaultExport::Function {
                start: f.span.start,
                name: f.id.as_ref().map(|id| id.name.to_string()),
                params: f.params.items.len(),
            },
            ExportDefaultDeclarationKind::ClassDeclaration(_)
            | ExportDefaultDeclarationKind::TSInterfaceDeclaration(_) => DefaultExport::Other,
            d => match d.as_expression() {
                Some(e) => DefaultExport::Expression {
                    start: e.span().start,
                },
                None => DefaultExport::Other,
            },
        });
        match &it.declaration {
            ExportDefaultDeclarationKind::CallExpression(c) => {
                self.bound.push((c.span, "default".into()));
            }
            ExportDefaultDeclarationKind::NewExpression(n) => {
                self.bound.push((n.span, "default".into()));
            }
            _ => {}
        }
        walk::walk_export_default_declaration(self, it);
    }

    fn visit_jsx_element(&mut self, element: &JSXElement<'a>) {
        let it = &element.opening_element;
        let name = match &it.name {
            JSXElementName::Identifier(id) => Some(id.name.to_string()),
            JSXElementName::IdentifierReference(id) => Some(id.name.to_string()),
            JSXElementName::MemberExpression(m) => Some(m.to_string()),
            _ => None,
        };
        if let Some(name) = name {
            self.module.jsx.push(Jsx {
                name,
                line: self.lines.line(it.span.start),
                span: it.span,
                element: element.span,
            });
        }
        walk::walk_jsx_element(self, element);
    }
}

/// The string literals in a piece of source (a matcher array).
fn collect_strings(text: &str, out: &mut Vec<String>) {
    let mut chars = text.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if c == '\'' || c == '"' || c == '`' {
            let mut s = String::new();
            let mut escaped = false;
            for (_, d) in chars.by_ref() {
                if escaped {
                    s.push(d);
                    escaped = false;
                } else if d == '\\' {
                    escaped = true;
                } else if d == c {
                    break;
                } else {
                    s.push(d);
                }
            }
            out.push(s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_imports_exports_calls_and_jsx() {
        let text = r#"import { Auth0Client as Client } from "@auth0/nextjs-auth0/server";
import type { Metadata } from 'next';
export const auth0 = new Client({
  authorizationParameters: { scope: 'openid' },
  beforeSessionSaved: async (s) => s,
});
const inner = helper();
export { inner as renamed };
export default function Layout({ children }: { children: React.ReactNode }) {
  return <Auth0Provider><main>{children}</main></Auth0Provider>;
}
export const config = { matcher: ['/((?!_next/static).*)', "/api/(.*)"] };
"#;
        let m = parse(Path::new("lib/auth0.tsx"), text);
        assert_eq!(m.parse_error, None);
        assert_eq!(
            m.local_of("@auth0/nextjs-auth0", "Auth0Client"),
            Some("Client")
        );
        let call = m.calls_of("Client").next().unwrap();
        assert!(call.new);
        assert_eq!(call.line, 3);
        assert_eq!(call.bound_to.as_deref(), Some("auth0"));
        let keys: Vec<&str> = call
            .object
            .as_ref()
            .unwrap()
            .keys
            .iter()
            .map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(keys, ["authorizationParameters", "beforeSessionSaved"]);
        assert_eq!(m.export_of("auth0"), Some(Some("auth0".into())));
        assert_eq!(m.export_of("inner"), Some(Some("renamed".into())));
        let jsx: Vec<&str> = m.jsx.iter().map(|j| j.name.as_str()).collect();
        assert_eq!(jsx, ["Auth0Provider", "main"]);
        assert_eq!(m.matcher, ["/((?!_next/static).*)", "/api/(.*)"]);
    }

    #[test]
    fn a_file_that_does_not_parse_is_marked() {
        let m = parse(
            Path::new("lib/auth.ts"),
            "export const auth = betterAuth({\n",
        );
        assert!(m.parse_error.is_some());
        assert!(m.calls.is_empty());
    }
}
