//! Every provider the tool ships, for the suites that test each one the same way (shared by
//! the `cli`, `sql` and `typecheck` suites). [`each`] runs a check for every provider in
//! `provider::all()`, so a provider added under `templates/` is tested without touching a
//! suite; [`greenfield`] writes the app a provider's tests start from, chosen from data.

use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use insforge_integrate::provider::{self, Provider};

/// Runs `check` for every provider, each to its end even when another failed, then fails
/// naming those that did. Says how many providers it ran, and which (shown on failure, or
/// with `--nocapture`).
#[track_caller]
pub fn each(mut check: impl FnMut(&'static Provider)) {
    let all = provider::all();
    let mut failed = Vec::new();
    for p in all {
        if catch_unwind(AssertUnwindSafe(|| check(p))).is_err() {
            failed.push(p.id.as_str());
        }
    }
    let ids: Vec<&str> = all.iter().map(|p| p.id.as_str()).collect();
    eprintln!("ran for {} providers: {}", ids.len(), ids.join(", "));
    assert!(
        failed.is_empty(),
        "failed for {} of {} providers: {}",
        failed.len(),
        ids.len(),
        failed.join(", ")
    );
}

/// Writes into `into` (an empty folder) the greenfield app `provider`'s tests start from: its
/// own fixture `tests/fixtures/<id>`, shaped by hand (see the README there), or, for a provider
/// without one, a plain Next.js App Router app that declares the provider's detection packages
/// at the versions its `[[dependencies]]` ask for.
pub fn greenfield(provider: &Provider, into: &Path) {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(&provider.id);
    if fixture.is_dir() {
        copy_dir(&fixture, into);
        return;
    }
    let mut dependencies = serde_json::Map::new();
    for package in &provider.detect.packages {
        let version = provider
            .dependencies
            .iter()
            .find(|d| &d.name == package)
            .map_or("*", |d| d.version.as_str());
        dependencies.insert(package.clone(), version.into());
    }
    for (package, version) in [
        ("next", "^16.0.0"),
        ("react", "^19.2.1"),
        ("react-dom", "^19.2.1"),
    ] {
        dependencies.insert(package.into(), version.into());
    }
    let manifest = serde_json::json!({
        "name": format!("{}-app", provider.id),
        "private": true,
        "dependencies": dependencies,
    });
    let files = [
        (
            "package.json",
            serde_json::to_string_pretty(&manifest).unwrap() + "\n",
        ),
        ("tsconfig.json", TSCONFIG.to_string()),
        ("app/layout.tsx", LAYOUT.to_string()),
        ("app/page.tsx", PAGE.to_string()),
    ];
    for (path, text) in files {
        let path = into.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
}

const TSCONFIG: &str = r#"{
  "compilerOptions": {
    "target": "ES2017",
    "lib": ["dom", "dom.iterable", "esnext"],
    "strict": true,
    "module": "esnext",
    "moduleResolution": "bundler",
    "jsx": "preserve",
    "paths": { "@/*": ["./*"] }
  },
  "include": ["next-env.d.ts", "**/*.ts", "**/*.tsx"],
  "exclude": ["node_modules"]
}
"#;

const LAYOUT: &str = r#"export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
"#;

const PAGE: &str = r#"export default function Home() {
  return <main>Home</main>;
}
"#;

fn copy_dir(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}
