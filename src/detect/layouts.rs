//! The app's root layouts and the provider components that cover them, found by binding.
//!
//! A root layout is one that renders `<html>`: `app/layout.tsx`, or, when that one only
//! passes `children` through (or is missing), each layout one route group or dynamic segment
//! down (`app/(shop)/layout.tsx`, `app/[locale]/layout.tsx`). A provider component covers a
//! layout when the layout renders it, under whatever name it imports it (`ClerkProvider as
//! CP`, `<Clerk.ClerkProvider>`), or renders a component of the app's that does: the
//! layout's imports are followed wherever they lead (any folder, through re-exports and the
//! tsconfig aliases), not only in the folders the scan walks. A provider rendered only by a
//! nested layout or by a component no root layout reaches covers part of the app; it is
//! reported with the part it covers, and the tool never wraps a second one around it.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use serde::Serialize;

use super::source::Located;
use super::source::{self, Imported, Module};
use super::tsconfig::Alias;
use super::workspace::Package;

/// A root layout (one that renders `<html>`) and the provider components around its pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Layout {
    pub file: PathBuf,
    #[serde(skip)]
    pub text: String,
    /// Provider components rendered around its pages, by their package's name for them: in
    /// the layout, or in a component of the app's that it renders, with where.
    pub providers: Vec<(String, Located)>,
    /// Provider components the layout renders that do not surround its own `{children}`
    /// (around a sibling, or in a helper it does not render).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub beside: Vec<(String, Located)>,
}

/// A provider component that covers only part of the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PartialProvider {
    pub component: String,
    pub at: Located,
    /// Which part: `the pages under app/(dashboard)/`.
    pub covers: String,
    /// The folder whose pages it covers, when it is rendered by a layout there.
    pub dir: Option<PathBuf>,
}

/// Provider components that wrap an app in its layout.
pub const PROVIDER_COMPONENTS: [&str; 7] = [
    "StytchAppProvider",
    "ClerkProvider",
    "AuthKitProvider",
    "StytchProvider",
    "StytchB2BProvider",
    "Auth0Provider",
    "KindeProvider",
];

/// How deep the layout's imports are followed.
const FOLLOW: usize = 6;

/// The provider components `m` renders itself, by the name the package exports them as,
/// with their lines: through a named import under any local name, or a namespace.
pub fn rendered_providers(m: &Module) -> Vec<(String, u32)> {
    rendered_providers_where(m, &|_| true)
}

/// [`rendered_providers`] among the elements `keep` accepts.
fn rendered_providers_where(m: &Module, keep: &dyn Fn(&source::Jsx) -> bool) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    for j in m.jsx.iter().filter(|j| keep(j)) {
        let component = match j.name.split_once('.') {
            Some((ns, member)) => m
                .imports
                .iter()
                .any(|i| {
                    i.local == ns && i.imported == Imported::Namespace && is_package(&i.source)
                })
                .then(|| member.to_string()),
            None => m.imports.iter().find_map(|i| match &i.imported {
                Imported::Name(name) if i.local == j.name && is_package(&i.source) => {
                    Some(name.clone())
                }
                // The tool's own provider module (`StytchAppProvider`), by its name.
                _ if i.local == j.name && PROVIDER_COMPONENTS.contains(&j.name.as_str()) => {
                    Some(j.name.clone())
                }
                _ => None,
            }),
        };
        if let Some(c) = component.filter(|c| PROVIDER_COMPONENTS.contains(&c.as_str())) {
            if !out.iter().any(|(n, _)| *n == c) {
                out.push((c, j.line));
            }
        }
    }
    out
}

fn is_package(source: &str) -> bool {
    !source.starts_with('.') && !source.starts_with('/')
}

/// Where an import of `spec` from `from` leads among the app's files: relative paths and
/// the tsconfig aliases, with Node's extensions and `index` files; and into the workspace
/// packages the app depends on (paths relative to the app's root, `../../packages/ui/…`).
pub fn resolve(
    from: &Path,
    spec: &str,
    aliases: &[Alias],
    packages: &[Package],
    exists: &dyn Fn(&Path) -> bool,
) -> Option<PathBuf> {
    let base = if spec.starts_with("./") || spec.starts_with("../") {
        let joined = from.parent().unwrap_or(Path::new("")).join(spec);
        match normalize(&joined) {
            Some(inside) => inside,
            // Out of the app: only into a workspace package's own files.
            None => lexical(&joined).filter(|p| packages.iter().any(|k| k.holds(p)))?,
        }
    } else if let Some(alias) = aliases.iter().find(|a| spec.starts_with(&a.prefix)) {
        normalize(&alias.dir.join(&spec[alias.prefix.len()..]))?
    } else {
        packages.iter().find_map(|p| p.entry(spec))?
    };
    let with_ext = |p: &Path| {
        ["tsx", "ts", "jsx", "js", "mjs"]
            .iter()
            .map(|e| {
                let mut s = p.as_os_str().to_owned();
                s.push(".");
                s.push(e);
                PathBuf::from(s)
            })
            .collect::<Vec<_>>()
    };
    let mut candidates = Vec::new();
    if base
        .extension()
        .is_some_and(|e| ["tsx", "ts", "jsx", "js", "mjs"].contains(&e.to_string_lossy().as_ref()))
    {
        candidates.push(base.clone());
    }
    candidates.extend(with_ext(&base));
    candidates.extend(with_ext(&base.join("index")));
    candidates.into_iter().find(|c| exists(c))
}

/// A relative path without `.` and `..`, or None when it climbs out of the app.
fn normalize(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::Normal(n) => out.push(n),
            _ => return None,
        }
    }
    Some(out)
}

/// A path with `.` and inner `..` removed, keeping the `..` that climb above its start.
fn lexical(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if out.file_name().is_some() {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            Component::Normal(n) => out.push(n),
            _ => return None,
        }
    }
    Some(out)
}

/// How near the top a layout is: 0 for `app/layout`, 1 for a layout one dynamic segment or
/// route group down; None for other files and deeper layouts.
pub fn rank(path: &Path) -> Option<u8> {
    if path.file_stem()? != "layout" {
        return None;
    }
    let dir = path.parent()?;
    let dir = dir.strip_prefix("src").unwrap_or(dir);
    if dir == Path::new("app") {
        return Some(0);
    }
    let segment = dir.file_name()?.to_str()?;
    let nested = (segment.starts_with('[') && segment.ends_with(']'))
        || (segment.starts_with('(') && segment.ends_with(')'));
    (nested && dir.parent() == Some(Path::new("app"))).then_some(1)
}

/// Any `layout.*` under `app/`.
pub fn is_layout(path: &Path) -> bool {
    path.file_stem().is_some_and(|s| s == "layout")
        && (path.starts_with("app") || path.starts_with("src/app"))
}

fn renders_html(m: &Module) -> bool {
    m.jsx.iter().any(|j| j.name == "html")
}

/// The root layouts, each with the providers covering it, and the providers that cover
/// only part of the app.
pub fn find(
    modules: &[Module],
    texts: &dyn Fn(&Path) -> Option<String>,
    aliases: &[Alias],
    packages: &[Package],
) -> (Vec<Layout>, Vec<PartialProvider>) {
    let usable = |m: &&Module| m.parse_error.is_none() && !m.generated;
    let ranked: Vec<(&Module, u8)> = modules
        .iter()
        .filter(usable)
        .filter_map(|m| rank(&m.path).map(|r| (m, r)))
        .collect();
    let top_html = ranked.iter().any(|(m, r)| *r == 0 && renders_html(m));
    let mut roots: Vec<&Module> = if top_html {
        ranked
            .iter()
            .filter(|(_, r)| *r == 0)
            .map(|(m, _)| *m)
            .collect()
    } else {
        ranked
            .iter()
            .filter(|(m, r)| *r == 1 && renders_html(m))
            .map(|(m, _)| *m)
            .collect()
    };
    if roots.is_empty() {
        // No layout renders <html>: the top one stands for the app.
        let mut all = ranked.clone();
        all.sort_by_key(|(m, r)| (*r, m.path.clone()));
        roots.extend(all.first().map(|(m, _)| *m));
    }
    roots.sort_by(|a, b| a.path.cmp(&b.path));

    let exists = |p: &Path| texts(p).is_some();
    let mut reached: BTreeSet<PathBuf> = BTreeSet::new();
    let mut layouts = Vec::new();
    for root in &roots {
        let Some(text) = texts(&root.path) else {
            continue;
        };
        let mut providers = Vec::new();
        let mut beside = Vec::new();
        let mut seen = BTreeSet::new();
        let mut queue: Vec<(Module, usize)> = vec![((*root).clone(), 0)];
        while let Some((m, depth)) = queue.pop() {
            if !seen.insert(m.path.clone()) {
                continue;
            }
            reached.insert(m.path.clone());
            // In the layout itself, only what surrounds its own `{children}` covers its
            // pages: a provider around a sibling (`<ClerkProvider><Header/></ClerkProvider>
            // {children}`) or in a helper the layout does not render does not.
            let kids = (depth == 0)
                .then(|| texts(&m.path))
                .flatten()
                .and_then(|t| super::children::own_children(&m.path, &t).ok())
                .filter(|k| !k.is_empty());
            let around = |j: &source::Jsx| {
                kids.as_ref().is_none_or(|ks| {
                    ks.iter()
                        .any(|k| j.element.start <= k.start && k.end <= j.element.end)
                })
            };
            if depth == 0 {
                let counted = rendered_providers_where(&m, &around);
                for (name, line) in rendered_providers(&m) {
                    if !counted.iter().any(|(n, _)| *n == name) {
                        beside.push((
                            name,
                            Located {
                                file: m.path.clone(),
                                line,
                            },
                        ));
                    }
                }
            }
            for (name, line) in rendered_providers_where(&m, &around) {
                if !providers
                    .iter()
                    .any(|(n, _): &(String, Located)| *n == name)
                {
                    providers.push((
                        name,
                        Located {
                            file: m.path.clone(),
                            line,
                        },
                    ));
                }
            }
            if depth >= FOLLOW {
                continue;
            }
            // The app's own components it renders, and the modules it re-exports.
            let rendered: BTreeSet<&str> = m
                .jsx
                .iter()
                .filter(|j| around(j))
                .map(|j| j.name.split('.').next().unwrap_or(&j.name))
                .collect();
            let mut next: Vec<&str> = m
                .imports
                .iter()
                .filter(|i| {
                    rendered.contains(i.local.as_str())
                        && !is_package_or_alias_miss(&i.source, aliases, packages)
                })
                .map(|i| i.source.as_str())
                .collect();
            next.extend(m.reexports.iter().map(String::as_str));
            for spec in next {
                let Some(path) = resolve(&m.path, spec, aliases, packages, &exists) else {
                    continue;
                };
                if seen.contains(&path) {
                    continue;
                }
                let module = match modules.iter().find(|x| x.path == path) {
                    Some(known) => known.clone(),
                    None => match texts(&path) {
                        Some(t) => source::parse(&path, &t),
                        None => continue,
                    },
                };
                // The tool's own modules are planned as its own, not read as the app's wiring.
                if module.parse_error.is_none() && !module.generated {
                    queue.push((module, depth + 1));
                }
            }
        }
        beside.retain(|(n, _)| !providers.iter().any(|(p, _)| p == n));
        layouts.push(Layout {
            file: root.path.clone(),
            text,
            providers,
            beside,
        });
    }

    // Providers rendered where no root layout reaches: a nested layout, a component of its
    // own.
    let mut partial = Vec::new();
    for m in modules.iter().filter(usable) {
        if reached.contains(&m.path) {
            continue;
        }
        for (component, line) in rendered_providers(m) {
            let dir = is_layout(&m.path)
                .then(|| m.path.parent().map(Path::to_path_buf))
                .flatten();
            let covers = if let Some(dir) = &dir {
                format!("the pages under {}/", crate::paths::slash(dir))
            } else {
                format!(
                    "only where {} is rendered, which no root layout does",
                    crate::paths::slash(&m.path)
                )
            };
            if layouts
                .iter()
                .all(|l| !l.providers.iter().any(|(n, _)| *n == component))
            {
                partial.push(PartialProvider {
                    component,
                    at: Located {
                        file: m.path.clone(),
                        line,
                    },
                    covers,
                    dir: dir.clone(),
                });
            }
        }
    }
    (layouts, partial)
}

/// A bare package specifier that no alias maps: not the app's own code.
fn is_package_or_alias_miss(source: &str, aliases: &[Alias], packages: &[Package]) -> bool {
    !(source.starts_with("./")
        || source.starts_with("../")
        || aliases.iter().any(|a| source.starts_with(&a.prefix))
        || packages.iter().any(|p| p.entry(source).is_some()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_resolve_through_aliases_extensions_and_index_files() {
        let files = ["providers/index.tsx", "src/components/nav.tsx", "app/ui.ts"];
        let exists = |p: &Path| files.iter().any(|f| Path::new(f) == p);
        let aliases = [Alias {
            prefix: "@/".into(),
            dir: PathBuf::new(),
        }];
        assert_eq!(
            resolve(
                Path::new("app/layout.tsx"),
                "../providers",
                &aliases,
                &[],
                &exists
            ),
            Some(PathBuf::from("providers/index.tsx"))
        );
        assert_eq!(
            resolve(
                Path::new("app/layout.tsx"),
                "@/providers",
                &aliases,
                &[],
                &exists
            ),
            Some(PathBuf::from("providers/index.tsx"))
        );
        assert_eq!(
            resolve(Path::new("app/layout.tsx"), "./ui", &aliases, &[], &exists),
            Some(PathBuf::from("app/ui.ts"))
        );
        assert_eq!(
            resolve(
                Path::new("app/layout.tsx"),
                "../../x",
                &aliases,
                &[],
                &exists
            ),
            None
        );
        assert_eq!(
            resolve(Path::new("app/layout.tsx"), "react", &aliases, &[], &exists),
            None
        );
        // Into a workspace package, and within it; never elsewhere out of the app.
        let ui = Package {
            name: "@acme/ui".into(),
            dir: PathBuf::from("../../packages/ui"),
            entries: vec![(".".into(), PathBuf::from("src/index"))],
        };
        let exists = |p: &Path| {
            [
                "../../packages/ui/src/index.tsx",
                "../../packages/ui/src/providers.tsx",
                "../../x.ts",
            ]
            .iter()
            .any(|f| Path::new(f) == p)
        };
        let packages = [ui];
        assert_eq!(
            resolve(
                Path::new("app/layout.tsx"),
                "@acme/ui",
                &aliases,
                &packages,
                &exists
            ),
            Some(PathBuf::from("../../packages/ui/src/index.tsx"))
        );
        assert_eq!(
            resolve(
                Path::new("../../packages/ui/src/index.tsx"),
                "./providers",
                &aliases,
                &packages,
                &exists
            ),
            Some(PathBuf::from("../../packages/ui/src/providers.tsx"))
        );
        assert_eq!(
            resolve(
                Path::new("app/layout.tsx"),
                "../../x",
                &aliases,
                &packages,
                &exists
            ),
            None
        );
    }
}
