//! The root layout wrapped in a provider component: `{children}` becomes
//! `<ClerkProvider>{children}</ClerkProvider>`, with the component imported as the file
//! binds it (or a new import).
//!
//! The `{children}` wrapped is the layout component's own: the default export's `children`
//! prop (`{ children }`, `{ children: kids }` or `props.children`), found by binding, so a
//! helper component in the same file or a `.map` callback with a parameter of that name is
//! never taken for it. With none, or several, nothing is edited and the caller says what to
//! wrap.

use std::path::Path;

pub use crate::detect::children::own_children;

use super::imports::{self, Bound, Imports};
use super::{Edit, Style};

/// A layout wrapped: the edits, and the component's name as the file uses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wrapped {
    pub edits: Vec<Edit>,
    pub component: String,
}

/// The edits that wrap the layout component's own `{children}` in the component `imported`
/// from `source` (named `local` when the file does not import it yet), or why there are
/// none.
pub fn wrap(
    path: &Path,
    text: &str,
    source: &str,
    imported: &Bound,
    local: &str,
) -> Result<Wrapped, String> {
    let imports = Imports::of(path, text).ok_or("it does not parse")?;
    let spans = own_children(path, text)?;
    let [children] = spans.as_slice() else {
        return Err(if spans.is_empty() {
            "its layout component renders no {children} of its own".into()
        } else {
            format!(
                "its layout component renders {{children}} {} times",
                spans.len()
            )
        });
    };
    let style = Style::of(text);
    let (component, mut edits, _) =
        imports::ensure_one(&imports, text, &style, source, imported, local);
    edits.push(Edit::insert(
        children.start as usize,
        format!("<{component}>"),
    ));
    edits.push(Edit::insert(
        children.end as usize,
        format!("</{component}>"),
    ));
    Ok(Wrapped { edits, component })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrapped(text: &str) -> Result<String, String> {
        let path = Path::new("app/layout.tsx");
        let w = wrap(
            path,
            text,
            "@clerk/nextjs",
            &Bound::Name("ClerkProvider".into()),
            "ClerkProvider",
        )?;
        super::super::edited(path, text, &w.edits)
    }

    #[test]
    fn the_layouts_own_children_are_wrapped() {
        let t = "import './globals.css';\n\nexport default function RootLayout({ children }: { children: React.ReactNode }) {\n  return (\n    <html lang=\"en\">\n      <body>{children}</body>\n    </html>\n  );\n}\n";
        assert_eq!(
            wrapped(t).unwrap(),
            t.replace(
                "import './globals.css';\n",
                "import './globals.css';\nimport { ClerkProvider } from '@clerk/nextjs';\n"
            )
            .replace(
                "<body>{children}</body>",
                "<body><ClerkProvider>{children}</ClerkProvider></body>"
            )
        );
    }

    #[test]
    fn a_helper_components_children_and_map_callbacks_are_not_the_layouts() {
        let t = "function Shell({ children }: { children: React.ReactNode }) {\n  return <main>{children}</main>;\n}\nconst items = ['a'];\nexport default function RootLayout(props: { children: React.ReactNode }) {\n  return (\n    <html>\n      <body>\n        <ul>{items.map((children) => <li key={children}>{children}</li>)}</ul>\n        <Shell>{props.children}</Shell>\n      </body>\n    </html>\n  );\n}\n";
        let out = wrapped(t).unwrap();
        assert!(
            out.contains("<Shell><ClerkProvider>{props.children}</ClerkProvider></Shell>"),
            "{out}"
        );
        assert!(out.contains("<main>{children}</main>"), "{out}");
        assert!(out.contains("<li key={children}>{children}</li>"), "{out}");
    }

    #[test]
    fn renamed_props_arrow_components_and_named_default_exports() {
        let t = "const Layout = ({ children: kids }: { children: React.ReactNode }) => (\n  <html><body>{kids}</body></html>\n);\nexport default Layout;\n";
        assert!(wrapped(t)
            .unwrap()
            .contains("<body><ClerkProvider>{kids}</ClerkProvider></body>"));
        let twice = "export default function L({ children }: { children: React.ReactNode }) {\n  return <html><body>{children}{children}</body></html>;\n}\n";
        assert!(wrapped(twice).unwrap_err().contains("2 times"));
        let none = "export default function L() {\n  return <html><body /></html>;\n}\n";
        assert!(wrapped(none).unwrap_err().contains("takes no props"));
    }

    #[test]
    fn an_import_that_is_there_is_used_and_never_repeated() {
        let t = "import { ClerkProvider as CP } from '@clerk/nextjs';\nexport default function L({ children }: { children: React.ReactNode }) {\n  return <html><body>{children}</body></html>;\n}\n";
        let out = wrapped(t).unwrap();
        assert_eq!(out.matches("import").count(), 1, "{out}");
        assert!(out.contains("<CP>{children}</CP>"), "{out}");
    }
}
