//! Dotenv as Next.js reads it, proven against the real `@next/env` (pinned in
//! `tests/typecheck/node`): a hand-written corpus and generated files go through both the
//! tool's reader (`dotenv::load`) and `loadEnvConfig` in Node, and the loaded values must be
//! equal; values the tool writes (`dotenv::merge`) must load in Next.js as exactly the value
//! meant, or be refused.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::Path;

use insforge_integrate::dotenv::{self, Entry};
use serde::Deserialize;

use crate::npm::NpmProject;

/// The files `next dev` loads, highest precedence first.
const FILES: [&str; 4] = [
    ".env.development.local",
    ".env.local",
    ".env.development",
    ".env",
];

/// What Node reported for one case.
#[derive(Deserialize)]
struct Loaded {
    env: BTreeMap<String, String>,
    failed: bool,
}

/// The process environment both sides run with. `@next/env` sets `__NEXT_PROCESSED_ENV`
/// before it expands anything, so expansion sees it too.
fn environment(project: &NpmProject) -> (Vec<(String, String)>, HashMap<String, String>) {
    let node_path = project.node_modules().display().to_string();
    let process = vec![
        ("HOME".to_string(), "/home/dev".to_string()),
        ("NODE_PATH".to_string(), node_path),
    ];
    let mut expand: HashMap<String, String> = process.iter().cloned().collect();
    expand.insert("__NEXT_PROCESSED_ENV".into(), "true".into());
    (process, expand)
}

/// Write each case (its files, in `FILES` order) to a folder and load them all in one Node run.
fn next_loads(cases: &[Vec<String>]) -> Vec<Loaded> {
    let project = NpmProject::latest();
    let root = tempfile::tempdir().unwrap();
    let names: Vec<String> = (0..cases.len()).map(|n| format!("c{n}")).collect();
    for (name, files) in names.iter().zip(cases) {
        let dir = root.path().join(name);
        fs::create_dir(&dir).unwrap();
        for (file, text) in FILES.iter().zip(files) {
            if !text.is_empty() {
                fs::write(dir.join(file), text).unwrap();
            }
        }
    }
    let (process, _) = environment(project);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/typecheck/dotenv_next.cjs");
    let mut all = BTreeMap::new();
    // Keep each command line well under the kernel's limit.
    for chunk in names.chunks(500) {
        let mut command = project.node_command();
        command.env_clear().envs(process.iter().cloned());
        let output = command
            .arg(&script)
            .arg(root.path())
            .args(chunk)
            .output()
            .expect("run node");
        assert!(
            output.status.success(),
            "node failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let part: BTreeMap<String, Loaded> = serde_json::from_slice(&output.stdout).unwrap();
        all.extend(part);
    }
    names.iter().map(|n| all.remove(n).unwrap()).collect()
}

/// What the tool reads for the same files.
fn tool_loads(files: &[String]) -> BTreeMap<String, Option<String>> {
    let (_, expand) = environment(NpmProject::latest());
    let texts: Vec<&str> = files.iter().map(String::as_str).collect();
    dotenv::load(&texts, &expand, true)
        .into_iter()
        .map(|(key, (_, value))| (key, value))
        .collect()
}

/// A small deterministic generator (xorshift), so a failure names a case that stays failing.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const KEYS: &[&str] = &[
    "A", "B", "C", "KEY_1", "x.y", "a-b", "2FA", "HOME", "export",
];
const PIECES: &[&str] = &[
    "x",
    "val",
    "two words",
    " ",
    "  ",
    "\t",
    "'",
    "\"",
    "`",
    "\\",
    "\\n",
    "\\'",
    "\\\"",
    "#",
    " # note",
    "$A",
    "${B}",
    "${C:-dflt}",
    "$HOME",
    "\\$A",
    "$$",
    "{",
    "}",
    ":-",
    "=",
    ":",
    "é",
    "\u{a0}",
    "\u{feff}",
    "\u{2028}",
    "😀",
    "\n",
    "\r",
    "\r\n",
];
const BREAKS: &[&str] = &["\n", "\r\n", "\r"];

// No bare `$`: next to a quote it spells a replacement pattern (`$'`, `` $` ``) whose text
// doubles with every step, which takes Node down with it. The corpus covers those by hand.

/// One generated line: mostly an assignment in one of dotenv's shapes, sometimes noise.
fn line(rng: &mut Rng) -> String {
    let mut out = String::new();
    if rng.below(8) == 0 {
        for _ in 0..rng.below(6) {
            out.push_str(rng.pick(PIECES));
        }
        return out;
    }
    out.push_str(rng.pick(&["", "", "", " ", "export ", "export\t"]));
    out.push_str(rng.pick(KEYS));
    out.push_str(rng.pick(&["=", "=", "=", " = ", ": ", ":", "\n="]));
    let quote = rng.pick(&["", "", "'", "\"", "`"]);
    out.push_str(quote);
    for _ in 0..rng.below(5) {
        out.push_str(rng.pick(PIECES));
    }
    if rng.below(3) > 0 {
        out.push_str(quote);
    }
    out.push_str(rng.pick(&["", "", " ", " # c", "#c", " x"]));
    out
}

fn file(rng: &mut Rng) -> String {
    let mut out = String::new();
    if rng.below(10) == 0 {
        out.push('\u{feff}');
    }
    for _ in 0..rng.below(6) {
        out.push_str(&line(rng));
        out.push_str(rng.pick(BREAKS));
    }
    if rng.below(4) == 0 {
        out.push_str(&line(rng));
    }
    out
}

/// Files that exercise each rule once, by hand.
fn corpus() -> Vec<Vec<String>> {
    let one = |text: &str| vec![String::new(), text.to_string()];
    vec![
        one("A=1\nB = 2\nexport C=3\nD: 4\n"),
        one("A=1\rB=2\rCLERK_SECRET_KEY=sk_live\r"),
        one("A=\"multi\nline\"\nB='single\\nkept'\nC=\"esc\\nnl\"\n"),
        one("A=\"unclosed\nB=2\nC='x' junk\nD=`tick` # c\n"),
        one("A='x\\' # c\nB=\"a\\\"b\"\n"),
        one("A=\n'next line'\nB=\nC=3\n"),
        one("A=$HOME\nB=${A}/x\nC=${MISSING:-fallback}\nD=\\$A\nE=$\nF=pre$A$\n"),
        one("A=a$$b\nB=$A\nC=$&\nD=x$C\n"),
        one("A=x$A\nB=never\n"),
        one("A=end$\nB=$A'\nC=x$B\nD=$`y\nE=$'\n"),
        one("\u{feff}A=bom\n# comment\n  # indented\nB=#not a comment?\nC=a#b\n"),
        one("A=1\nA=2\nA=\n"),
        one("export=1\nexportB=2\nexport\tC=3\n"),
        one("KEY\n=value\nK2=  spaced  \nK3='  kept  '\n"),
        one("A=\"\u{2028}\"\nB=x\u{2028}y\n"),
        vec![
            "A=dev-local\n".into(),
            "A=local\nB=$A\n".into(),
            "C=$B\n".into(),
            "D=${C}-env\nA=env\n".into(),
        ],
    ]
}

#[test]
fn dotenv_reads_what_next_loads() {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let mut cases = corpus();
    let hand_written = cases.len();
    let mut unknown = 0;
    for _ in 0..4000 {
        let several = rng.below(4) == 0;
        let files: Vec<String> = (0..FILES.len())
            .map(|n| {
                if n == 1 || (several && rng.below(2) == 0) {
                    file(&mut rng)
                } else {
                    String::new()
                }
            })
            .collect();
        // An expansion the tool gives up on (its text doubles with every `$&`) would make Node
        // run out of memory: such files are counted, not loaded.
        if tool_loads(&files).values().any(Option::is_none) {
            unknown += 1;
            continue;
        }
        cases.push(files);
    }
    let next = next_loads(&cases);
    let mut compared = 0;
    for (n, (files, next)) in cases.iter().zip(&next).enumerate() {
        let ours = tool_loads(files);
        let known: BTreeMap<&String, &String> = ours
            .iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| (k, v)))
            .collect();
        let theirs: BTreeMap<&String, &String> = next.env.iter().collect();
        assert_eq!(
            known,
            theirs,
            "case {n}{} (Next.js load failed: {}): files {files:?}",
            if n < hand_written { " (corpus)" } else { "" },
            next.failed
        );
        compared += 1;
    }
    eprintln!(
        "dotenv: {compared} cases agree with @next/env; {unknown} generated files left unknown"
    );
    assert!(
        unknown < 40,
        "{unknown} of 4000 generated files hit the expansion limit"
    );
}

#[test]
fn dotenv_writes_what_next_loads_back() {
    let mut rng = Rng(0x5eed_1234_abcd_0002);
    let alphabet = [
        "a", "Z", "0", " ", "\t", "#", "'", "\"", "`", "$", "\\", "n", "{", "}", "=", "\n", "é",
        ":", "-",
    ];
    let mut cases = Vec::new();
    let mut values = Vec::new();
    let mut refused = 0;
    for n in 0..3000 {
        let value: String = (0..rng.below(10)).map(|_| rng.pick(&alphabet)).collect();
        let existing = if n % 2 == 0 {
            file(&mut rng)
        } else {
            String::new()
        };
        // Half the time the key is there already with an empty value, to be filled.
        let existing = if n % 4 == 1 {
            format!("{existing}\nNEW_KEY=\n")
        } else {
            existing
        };
        let entry = Entry {
            key: "NEW_KEY".into(),
            value: value.clone(),
            comment: Some("added".into()),
            fill_empty: true,
        };
        match dotenv::merge(&existing, &[entry], Some("header")) {
            Ok(merged) => {
                cases.push(vec![String::new(), merged]);
                values.push((value, existing));
            }
            Err(e) => {
                refused += 1;
                if std::env::var_os("DOTENV_SHOW_REFUSED").is_some() {
                    eprintln!("refused {value:?} in {existing:?}: {e}");
                }
            }
        }
    }
    let next = next_loads(&cases);
    let mut broken = 0;
    for ((files, (value, existing)), loaded) in cases.iter().zip(&values).zip(&next) {
        if loaded.failed {
            // The user's own lines make Next.js give up on the file (a `$A` inside A).
            broken += 1;
            continue;
        }
        assert_eq!(
            loaded.env.get("NEW_KEY"),
            Some(value),
            "wrote {value:?} into {existing:?} as {:?}",
            files[1]
        );
    }
    eprintln!(
        "dotenv: {} written values load back in @next/env; {refused} refused; {broken} files Next.js cannot load anyway",
        cases.len() - broken
    );
    assert!(refused < 300, "{refused} of 3000 values refused");
}
