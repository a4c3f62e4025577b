//! `completions SHELL` and the manual page: the bash script loads in a real bash and
//! completes subcommands and flags; the zsh and fish scripts name every subcommand; the man
//! page renders with groff without a warning and documents every subcommand and the
//! environment.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_insforge-integrate");
const SUBCOMMANDS: [&str; 8] = [
    "init",
    "check",
    "update",
    "detect",
    "verify",
    "skill",
    "completions",
    "man",
];

fn output(args: &[&str]) -> String {
    let out = Command::new(BIN).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// What bash's completion offers for `words` (the last one being completed).
fn bash_complete(script: &std::path::Path, words: &[&str]) -> Vec<String> {
    let line = words.join(" ");
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let program = format!(
        "source '{}'\nCOMP_WORDS=({})\nCOMP_CWORD={}\nCOMP_LINE='{line}'\nCOMP_POINT={}\n_insforge__integrate insforge-integrate '{}' '{}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        script.display(),
        quoted.join(" "),
        words.len() - 1,
        line.len(),
        words[words.len() - 1],
        words[words.len() - 2],
    );
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn bash_completion_loads_and_completes_subcommands_and_flags() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("insforge-integrate.bash");
    std::fs::write(&script, output(&["completions", "bash"])).unwrap();
    let offered = bash_complete(&script, &["insforge-integrate", "in"]);
    assert_eq!(offered, ["init"], "{offered:?}");
    let offered = bash_complete(&script, &["insforge-integrate", ""]);
    for sub in SUBCOMMANDS {
        assert!(offered.iter().any(|o| o == sub), "{sub}: {offered:?}");
    }
    let offered = bash_complete(&script, &["insforge-integrate", "init", "--ta"]);
    assert_eq!(offered, ["--table"], "{offered:?}");
    // Values of an enum flag.
    let offered = bash_complete(
        &script,
        &["insforge-integrate", "init", "--on-conflict", ""],
    );
    for policy in ["ask", "fail", "skip", "overwrite"] {
        assert!(offered.iter().any(|o| o == policy), "{policy}: {offered:?}");
    }
}

#[test]
fn zsh_and_fish_scripts_name_every_subcommand() {
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let script = output(&["completions", shell]);
        for sub in SUBCOMMANDS {
            assert!(script.contains(sub), "{shell}: {sub}");
        }
    }
    let out = Command::new(BIN)
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_man_page_renders_and_documents_the_commands_and_the_environment() {
    let page = output(&["man"]);
    assert!(page.contains(".TH insforge-integrate 1"), "{page}");
    for sub in SUBCOMMANDS {
        assert!(page.contains(sub), "{sub}");
    }
    assert!(
        page.contains("INSFORGE_JWT_SECRET"),
        "the environment section"
    );
    // groff (groff-base, installed by .ci/run) renders it without a warning.
    let mut groff = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("groff is not installed: apt-get install groff-base (as .ci/run does)");
    use std::io::Write;
    groff
        .stdin
        .take()
        .unwrap()
        .write_all(page.as_bytes())
        .unwrap();
    let out = groff.wait_with_output().unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.trim().is_empty(), "groff warns:\n{stderr}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("insforge-integrate"), "{text}");
}
