//! Properties of the merges, and arbitrary bytes through every reader.
//!
//! - The dotenv, package.json and `.gitignore` merges never lose or change what the user had,
//!   and merging twice equals merging once (proptest).
//! - Every reader (dotenv, tsconfig, package.json, the lockfiles, `.gitignore`, the answers
//!   file) takes arbitrary bytes without a panic, in bounded time: a proptest run here, and a
//!   longer run of random and mutated inputs for `INSFORGE_FUZZ_SECONDS` (5 by default; CI
//!   runs 60), which prints how many inputs it tried.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use insforge_integrate::change::Dependency;
use insforge_integrate::detect::{lockfile, package_json::PackageJson, tsconfig};
use insforge_integrate::dotenv::{self, Entry};
use insforge_integrate::store::answers as saved;
use insforge_integrate::{gitignore, pkgjson};
use proptest::prelude::*;

/// Text made of the pieces the formats are built from, so inputs hit their rules.
fn shaped(pieces: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(pieces), 0..40).prop_map(|v| v.concat())
}

const ENV_PIECES: &[&str] = &[
    "A", "B", "KEY", "export ", "=", ":", " ", "\t", "\n", "\r", "\r\n", "'", "\"", "`", "\\", "#",
    "$", "${A}", "x", "value", "é", "\u{2028}", "\u{feff}",
];
const JSON_PIECES: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    ":",
    ",",
    " ",
    "\n",
    "\r\n",
    "\t",
    "dependencies",
    "devDependencies",
    "name",
    "next",
    "\"a\"",
    "1",
    "true",
    "null",
    "\\u0041",
    "//",
    "/*",
    "*/",
    "\u{feff}",
];
const IGNORE_PIECES: &[&str] = &[
    ".env",
    ".local",
    "*",
    "?",
    "[",
    "]",
    "!",
    "/",
    "**",
    "\\",
    "#",
    " ",
    "\n",
    "\r\n",
    "x",
    ".example",
    "node_modules",
];

fn entry(key: &str, value: &str, fill_empty: bool) -> Entry {
    Entry {
        key: key.into(),
        value: value.into(),
        comment: Some("added".into()),
        fill_empty,
    }
}

fn last_values(text: &str) -> HashMap<String, String> {
    dotenv::parse(text)
        .into_iter()
        .map(|a| (a.key, a.value))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn dotenv_merge_keeps_every_value_and_is_idempotent(
        text in shaped(ENV_PIECES),
        value in "[a-zA-Z0-9 #'\"$=:/._-]{0,12}",
        fill in any::<bool>(),
    ) {
        let entries = [entry("NEW_KEY", &value, fill), entry("A", "from-the-tool", fill)];
        let before = last_values(&text);
        if let Ok(once) = dotenv::merge(&text, &entries, Some("header")) {
            let after = last_values(&once);
            for (key, old) in &before {
                let filled = fill && old.is_empty() && entries.iter().any(|e| e.key == *key);
                if !filled {
                    prop_assert_eq!(after.get(key), Some(old), "{} in {:?}", key, once);
                }
            }
            prop_assert_eq!(dotenv::merge(&once, &entries, Some("header")).unwrap(), once);
        }
    }

    #[test]
    fn package_json_merge_keeps_every_dependency_and_is_idempotent(
        deps in prop::collection::btree_map("[a-z@/-]{1,8}", "[~^0-9.x*-]{1,8}", 0..6),
        indent in prop::sample::select(&["  ", "    ", "\t"][..]),
        crlf in any::<bool>(),
    ) {
        let body: Vec<String> = deps
            .iter()
            .map(|(k, v)| format!("{indent}{indent}{:?}: {:?}", k, v))
            .collect();
        let nl = if crlf { "\r\n" } else { "\n" };
        let text = format!(
            "{{{nl}{indent}\"name\": \"app\",{nl}{indent}\"dependencies\": {{{nl}{}{nl}{indent}}}{nl}}}{nl}",
            body.join(&format!(",{nl}"))
        );
        let wanted = [
            Dependency { name: "@insforge/sdk".into(), version: "^1.4.4".into(), dev: false },
            Dependency { name: "jsonwebtoken".into(), version: "^9.0.2".into(), dev: false },
            Dependency { name: "@types/jsonwebtoken".into(), version: "^9".into(), dev: true },
        ];
        let (once, _) = pkgjson::add_dependencies(&text, &wanted).unwrap();
        let parsed = PackageJson::parse(Path::new("package.json"), once.clone()).unwrap();
        for (name, range) in &deps {
            prop_assert_eq!(parsed.declared(name).map(|d| d.range), Some(range.clone()));
        }
        let (twice, added) = pkgjson::add_dependencies(&once, &wanted).unwrap();
        prop_assert_eq!(&twice, &once);
        prop_assert!(added.is_empty());
    }

    #[test]
    fn gitignore_merge_keeps_every_line_and_is_idempotent(text in shaped(IGNORE_PIECES)) {
        let ignore = [".env.local".to_string()];
        let keep = [".env.example".to_string()];
        let once = gitignore::ensure(&text, &ignore, &keep, &[]);
        prop_assert!(once.starts_with(&text));
        prop_assert!(gitignore::ignored(&once, ".env.local"));
        prop_assert!(!gitignore::ignored(&once, ".env.example"));
        prop_assert_eq!(gitignore::ensure(&once, &ignore, &keep, &[]), once);
    }

    #[test]
    fn readers_take_shaped_text(
        env in shaped(ENV_PIECES),
        json in shaped(JSON_PIECES),
        ignore in shaped(IGNORE_PIECES),
    ) {
        read_everything(&env);
        read_everything(&json);
        read_everything(&ignore);
    }

    #[test]
    fn readers_take_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        read_everything(&String::from_utf8_lossy(&bytes));
    }
}

/// Every reader on `text`, each as the tool calls it. None may panic.
fn read_everything(text: &str) {
    let _ = dotenv::parse(text);
    let _ = dotenv::load(&[text, text], &HashMap::new(), true);
    let _ = dotenv::mask(text, |_| true);
    let _ = PackageJson::parse(Path::new("package.json"), text.to_string());
    let no_files = |_: &Path| None;
    let _ = tsconfig::aliases(Path::new("tsconfig.json"), text, &no_files);
    let _ = saved::parse(text);
    let _ = gitignore::ignored(text, ".env.local");
    for name in [
        "package-lock.json",
        "pnpm-lock.yaml",
        "yarn.lock",
        "bun.lock",
    ] {
        let lock = lockfile::Lockfile {
            path: PathBuf::from(name),
            manager: lockfile::PackageManager::Npm,
            text: Some(text.to_string()),
        };
        let _ = lock.version_of("next", "");
        let _ = lock.version_of("next", "apps/web");
    }
    let _ = insforge_integrate::app::decode(text.as_bytes().to_vec());
}

/// A small deterministic generator for the long run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Seeds shaped like real files, which the long run mutates.
fn seeds() -> Vec<String> {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out = Vec::new();
    for app in std::fs::read_dir(fixtures).unwrap().flatten() {
        for name in [
            "package.json",
            "tsconfig.json",
            ".env.local",
            ".gitignore",
            "package-lock.json",
            "pnpm-lock.yaml",
            "yarn.lock",
            "bun.lock",
        ] {
            if let Ok(text) = std::fs::read_to_string(app.path().join(name)) {
                out.push(text);
            }
        }
    }
    out.push("provider = \"clerk\"\ntables = [\"todos\"]\n".into());
    out
}

#[test]
fn fuzz_every_reader_for_a_while() {
    let seconds: u64 = std::env::var("INSFORGE_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let seeds = seeds();
    let pieces: Vec<&str> = ENV_PIECES
        .iter()
        .chain(JSON_PIECES)
        .chain(IGNORE_PIECES)
        .copied()
        .collect();
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    let mut executions: u64 = 0;
    let mut slowest = Duration::ZERO;
    while Instant::now() < deadline {
        let mut bytes = seeds[rng.below(seeds.len())].clone().into_bytes();
        for _ in 0..=rng.below(8) {
            let at = rng.below(bytes.len() + 1);
            match rng.below(4) {
                0 => bytes.insert(at, rng.next() as u8),
                1 if at < bytes.len() => {
                    bytes.remove(at);
                }
                2 => {
                    let piece = pieces[rng.below(pieces.len())].as_bytes();
                    bytes.splice(at..at, piece.iter().copied());
                }
                _ => {
                    // Repeat a slice: the shape of inputs that blow up slow parsers.
                    let end = (at + rng.below(64)).min(bytes.len());
                    let chunk = bytes[at..end].to_vec();
                    for _ in 0..rng.below(200) {
                        bytes.splice(at..at, chunk.iter().copied());
                    }
                }
            }
        }
        let text = String::from_utf8_lossy(&bytes);
        let started = Instant::now();
        read_everything(&text);
        slowest = slowest.max(started.elapsed());
        executions += 1;
    }
    eprintln!("fuzz: {executions} executions in {seconds} s; slowest input {slowest:?}; no panic");
    assert!(executions > 0);
}

/// The edit engine (`src/edit`): for any set of edits of any text, every byte outside the
/// edits' ranges is kept in order, and a set with two overlapping edits is refused, never
/// clamped.
mod edits {
    use insforge_integrate::edit::{self, imports::Bound, Edit};
    use proptest::prelude::*;
    use std::path::Path;

    fn edit_set(len: usize) -> impl Strategy<Value = Vec<(usize, usize, String)>> {
        prop::collection::vec((0..=len, 0..4usize, "[a-z<>{};\\n]{0,6}"), 0..8)
    }

    proptest! {
        #[test]
        fn bytes_outside_the_edits_are_kept(
            (text, raw) in "[ -~\\n]{0,60}".prop_flat_map(|t| { let n = t.len(); (Just(t), edit_set(n)) })
        ) {
            let edits: Vec<Edit> = raw
                .iter()
                .map(|(at, len, content)| Edit::replace(*at..(*at + len).min(text.len()), content.clone()))
                .collect();
            let mut sorted = edits.clone();
            sorted.sort_by_key(|e| (e.range.start, e.range.end));
            let overlap = sorted.windows(2).any(|w| w[0].range.end > w[1].range.start);
            match edit::apply(&text, &edits) {
                Err(edit::ApplyError::Overlap { .. }) => prop_assert!(overlap),
                Err(other) => prop_assert!(false, "{other}"),
                Ok(out) => {
                    prop_assert!(!overlap);
                    // Walk the result: each kept stretch of the text appears, in order.
                    let mut from = 0;
                    let mut pos = 0;
                    for e in &sorted {
                        let kept = &text[from..e.range.start];
                        prop_assert_eq!(&out[pos..pos + kept.len()], kept);
                        pos += kept.len();
                        prop_assert_eq!(&out[pos..pos + e.content.len()], e.content.as_str());
                        pos += e.content.len();
                        from = e.range.end;
                    }
                    prop_assert_eq!(&out[pos..], &text[from..]);
                }
            }
        }

        /// Layouts in any style (quotes, semicolons, line endings, a directive, a BOM, a
        /// leading comment, imports or none): the wrap verifies, and removing the inserted
        /// pieces gives the file back byte for byte.
        #[test]
        fn a_wrapped_layout_verifies_and_keeps_every_byte(
            double in any::<bool>(), semi in any::<bool>(), crlf in any::<bool>(),
            directive in any::<bool>(), bom in any::<bool>(), comment in any::<bool>(),
            imports in 0..3usize, same_line in any::<bool>(), props in any::<bool>(),
        ) {
            let q = if double { '"' } else { '\'' };
            let s = if semi { ";" } else { "" };
            // Code after an import on its line needs the semicolon.
            let same_line = same_line && semi;
            let mut t = String::new();
            if bom { t.push('\u{feff}'); }
            if comment { t.push_str("// The root layout.\n"); }
            if directive { t.push_str(&format!("{q}use client{q}{s}\n")); }
            for i in 0..imports {
                t.push_str(&format!("import {q}./styles{i}.css{q}{s}"));
                if !(same_line && i + 1 == imports) { t.push('\n'); } else { t.push(' '); }
            }
            let (param, children) = if props { ("props", "props.children") } else { ("{ children }", "children") };
            t.push_str(&format!("export default function RootLayout({param}: {{ children: React.ReactNode }}) {{\n  return (\n    <html lang={q}en{q}>\n      <body>{{{children}}}</body>\n    </html>\n  ){s}\n}}\n"));
            if crlf { t = t.replace('\n', "\r\n"); }
            let path = Path::new("app/layout.tsx");
            let w = edit::layout::wrap(path, &t, "@clerk/nextjs", &Bound::Name("ClerkProvider".into()), "ClerkProvider")
                .map_err(|e| TestCaseError::fail(format!("{e}\n{t}")))?;
            let out = edit::edited(path, &t, &w.edits).map_err(|e| TestCaseError::fail(format!("{e}\n{t}")))?;
            let nl = if crlf { "\r\n" } else { "\n" };
            // A file with no import or directive to go by gets the default style: `'` and `;`.
            let evidence = imports > 0 || directive;
            let (iq, is) = if evidence { (q, s) } else { ('\'', ";") };
            let import = format!("import {{ ClerkProvider }} from {iq}@clerk/nextjs{iq}{is}");
            prop_assert!(out.contains(&format!("<ClerkProvider>{{{children}}}</ClerkProvider>")), "{}", out);
            let back = out
                .replacen("<ClerkProvider>", "", 1)
                .replacen("</ClerkProvider>", "", 1)
                .replacen(&format!("{import}{nl}"), "", 1);
            // Code after the last import on its line moved to a line of its own.
            let back = if same_line && imports > 0 { back.replacen(&format!("{s}{nl}export default"), &format!("{s} export default"), 1) } else { back };
            prop_assert_eq!(back, t);
        }
    }
}
