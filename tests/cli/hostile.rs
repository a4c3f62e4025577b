//! Hostile files, filesystems and inputs: nothing the user has is lost, no secret is shown,
//! nothing is half-written, no input hangs the run, and every bad input is a usage error
//! that says what to do.

use std::fs;
use std::process::{Command, Stdio};

use crate::harness::{Test, EPOCH};

fn yes() -> [&'static str; 3] {
    ["--yes", "--table", "todos"]
}

#[test]
fn a_cr_only_env_file_keeps_its_secret_hidden_and_its_values() {
    let env = "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY=pk_test_abc\rCLERK_SECRET_KEY=sk_test_HIDDEN42\r";
    let t = Test::fixture("clerk").file(".env.local", env);
    t.run_with(&["--dry-run".into(), "--yes".into()])
        .success()
        .lacks("HIDDEN42");
    t.run_with(&yes().map(String::from))
        .success()
        .lacks("HIDDEN42");
    let after = t.read(".env.local");
    assert!(after.starts_with(env), "{after:?}");
    assert_eq!(after.matches("CLERK_SECRET_KEY=").count(), 1, "{after:?}");
    assert!(
        !after.contains('\n'),
        "new lines take the file's CR endings: {after:?}"
    );
}

#[test]
fn a_multi_line_secret_on_stdin_is_refused_unseen() {
    let t = Test::fixture("workos")
        .args(["--yes", "--jwt-secret-stdin"])
        .stdin("first-line-secret\nSECOND-LINE-42\n");
    let before = t.files();
    t.run()
        .code(2)
        .stderr_has("more than one line")
        .lacks("SECOND-LINE-42")
        .lacks("first-line-secret");
    assert_eq!(t.files(), before);
    for bad in ["--anon-key=anon_a\nb", "--anon-key=an on"] {
        Test::fixture("clerk")
            .args(["--yes", bad])
            .run()
            .code(2)
            .stderr_has("--anon-key");
    }
    Test::fixture("workos")
        .args(["--yes"])
        .env("INSFORGE_JWT_SECRET", "a\nb")
        .run()
        .code(2)
        .stderr_has("INSFORGE_JWT_SECRET");
}

#[cfg(unix)]
#[test]
fn links_out_of_the_app_are_never_read_shown_or_written() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("shared.env");
    fs::write(&secret, "OUTSIDE_DB_URL=postgres://u:PW-OUTSIDE@h/db\n").unwrap();
    let t = Test::fixture("clerk");
    std::os::unix::fs::symlink(&secret, t.path().join(".env.local")).unwrap();
    let before = t.files();
    for args in [vec!["--dry-run", "--yes"], yes().to_vec()] {
        t.run_with(&args.into_iter().map(String::from).collect::<Vec<_>>())
            .code(2)
            .stderr_has(".env.local: is a link to")
            .stderr_has("outside the app")
            .lacks("PW-OUTSIDE");
    }
    assert_eq!(
        fs::read_to_string(&secret).unwrap(),
        "OUTSIDE_DB_URL=postgres://u:PW-OUTSIDE@h/db\n"
    );
    assert_eq!(t.files(), before);
    assert!(t.leftovers().is_empty());
}

/// The tool's own state (the base store, the answers file) linked out of the app is refused
/// by every command before a plan is shown: `check` never passes on it, `update` never
/// prints a plan from it.
#[cfg(unix)]
#[test]
fn the_tools_own_files_linked_out_of_the_app_are_refused_before_a_plan() {
    for file in ["insforge-integrate.base.toml", "insforge-integrate.toml"] {
        let t = Test::fixture("clerk").args(yes());
        t.run().success();
        let outside = tempfile::tempdir().unwrap();
        let moved = outside.path().join("state.toml");
        fs::rename(t.path().join(file), &moved).unwrap();
        std::os::unix::fs::symlink(&moved, t.path().join(file)).unwrap();
        let before = t.tree();
        for (command, args) in [
            ("check", vec![]),
            ("update", vec!["--yes"]),
            ("init", vec!["--dry-run", "--yes"]),
        ] {
            t.command(command, &args)
                .code(2)
                .stderr_has(&format!("{file}: is a link to"))
                .stderr_has("outside the app's folder")
                .lacks("would create")
                .lacks("unchanged");
        }
        assert_eq!(t.tree(), before, "{file}");
    }
}

#[cfg(unix)]
#[test]
fn a_dangling_link_is_an_error_before_anything_is_written() {
    for (link, target) in [(".env.local", "missing.env"), ("migrations", "gone")] {
        let t = Test::fixture("clerk");
        std::os::unix::fs::symlink(target, t.path().join(link)).unwrap();
        let before = t.tree();
        t.run_with(&["--dry-run".into(), "--yes".into()])
            .code(2)
            .stderr_has(&format!(
                "{link}: is a link to {target}, which does not exist"
            ));
        t.run_with(&yes().map(String::from))
            .code(2)
            .stderr_has("which does not exist");
        assert_eq!(t.tree(), before, "{link}");
    }
}

#[test]
fn read_only_files_are_conflicts_never_replaced_silently() {
    use std::os::unix::fs::PermissionsExt;
    for file in [".env.local", "package.json"] {
        let t = Test::fixture("clerk")
            .file(".env.local", "OTHER=1\n")
            .args(yes());
        let path = t.path().join(file);
        fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).unwrap();
        let before = t.read(file);
        t.run()
            .code(1)
            .stdout_has(&format!("conflict   {file}  (read-only"))
            .stdout_has(&format!("skipped {file}: it is read-only"));
        assert_eq!(t.read(file), before, "{file}");
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o444
        );
        // Asked for, it is replaced, and stays read-only.
        t.run_with(&["--yes".into(), "--on-conflict".into(), "overwrite".into()])
            .success();
        assert_ne!(t.read(file), before, "{file}");
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o444
        );
    }
}

/// A write that fails late (here: a file-size limit the migration exceeds, as a full disk
/// would) leaves every file as it was, names the file, and leaves no temp file.
#[cfg(unix)]
#[test]
fn a_failed_write_leaves_every_file_as_it_was() {
    let t = Test::fixture("clerk").file(".env.local", "CLERK_SECRET_KEY=sk_test_x\n");
    let before = t.files();
    let output = Command::new("sh")
        .arg("-c")
        // 1 KiB blocks: package.json and .env.local fit, the migration does not.
        .arg("ulimit -f 2; trap '' XFSZ; exec \"$@\"")
        .arg("sh")
        .arg(env!("CARGO_BIN_EXE_insforge-integrate"))
        .args(["init", "--yes", "--table", "todos"])
        .arg(t.path())
        .env_clear()
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("failed: File too large") && stderr.contains("nothing was left changed"),
        "{stderr}"
    );
    assert!(!stderr.contains(".insforge-integrate-"), "{stderr}");
    assert_eq!(t.files(), before);
    assert!(t.leftovers().is_empty());
    assert!(!t.exists("lib"), "folders the run created are gone too");
}

#[test]
fn migration_versions_stay_14_digits() {
    for epoch in ["9223372036854775807", "-1", "253402300800", "tomorrow"] {
        Test::fixture("clerk")
            .args(yes())
            .env("SOURCE_DATE_EPOCH", epoch)
            .run()
            .code(2)
            .stderr_has("SOURCE_DATE_EPOCH");
    }
    let t = Test::fixture("clerk")
        .file("migrations/99991231235959_x.sql", "select 1;\n")
        .args(yes());
    let before = t.files();
    t.run()
        .code(2)
        .stderr_has("migrations/99991231235959_x.sql: has the largest migration version");
    assert_eq!(t.files(), before);
    // A newest version just before the end still gets a later, 14-digit one.
    let t = Test::fixture("clerk")
        .file("migrations/99991231235958_x.sql", "select 1;\n")
        .args(yes());
    t.run().success();
    assert!(t.exists("migrations/99991231235959_clerk-insforge-rls.sql"));
}

#[test]
fn schema_names_follow_one_rule() {
    for bad in ["PUBLIC.todos", "pg_temp.x", "Public.todos", "pg_catalog.x"] {
        let t = Test::fixture("clerk").args(["--yes", "--table", bad]);
        let before = t.files();
        t.run().code(2).stderr_has("--table");
        assert_eq!(t.files(), before);
    }
}

#[test]
fn urls_are_checked_and_echoed_as_given() {
    for bad in ["https:///", "ftp://x.io", "https://a b.io", "https://"] {
        Test::fixture("clerk")
            .args(["--yes", "--insforge-url", bad])
            .run()
            .code(2)
            .stderr_has(&format!("--insforge-url {bad:?}"));
    }
}

#[test]
fn a_value_with_every_quote_reads_back_as_written() {
    let key = "anon_a'b\"c`d$e";
    let t = Test::fixture("clerk").args(["--yes", "--anon-key", key]);
    t.run().success();
    let text = t.read(".env.local");
    let loaded = insforge_integrate::dotenv::load(&[&text], &Default::default(), true);
    assert_eq!(
        loaded["NEXT_PUBLIC_INSFORGE_ANON_KEY"].1.as_deref(),
        Some(key),
        "{text}"
    );
}

#[test]
fn config_files_that_cannot_be_read_are_usage_errors() {
    type Break = fn(&Test);
    let cases: [(&str, Break); 5] = [
        ("package.json", |t| {
            fs::remove_file(t.path().join("package.json")).unwrap();
            fs::create_dir(t.path().join("package.json")).unwrap();
        }),
        ("tsconfig.json", |t| {
            fs::remove_file(t.path().join("tsconfig.json")).unwrap();
            fs::create_dir(t.path().join("tsconfig.json")).unwrap();
        }),
        ("insforge-integrate.toml", |t| {
            fs::write(
                t.path().join("insforge-integrate.toml"),
                b"provider = \"\xff\"\n",
            )
            .unwrap();
        }),
        ("package.json", |t| {
            let utf16: Vec<u8> = "{\"name\":\"x\"}"
                .encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect();
            fs::write(t.path().join("package.json"), utf16).unwrap();
        }),
        ("lib/insforge.ts", |t| {
            fs::create_dir_all(t.path().join("lib/insforge.ts")).unwrap();
        }),
    ];
    for (n, (file, break_it)) in cases.into_iter().enumerate() {
        let t = Test::fixture("clerk").args(yes());
        break_it(&t);
        let run = t.run().code(2).stderr_has(file);
        if n == 3 {
            assert!(run.stderr.contains("UTF-16"), "{}", run.stderr);
        }
    }
}

#[test]
fn pathological_files_do_not_hang_the_run() {
    let many = "KEY_X=some-value-here\n".repeat(100_000);
    let unclosed = "A=\"unterminated\n".repeat(100_000);
    let stars = format!("{}x\n", "*".repeat(40));
    for (file, text) in [
        (".env.local", many.as_str()),
        (".env.local", unclosed.as_str()),
        (".gitignore", stars.as_str()),
    ] {
        Test::fixture("clerk")
            .file(file, text)
            .args(["--dry-run", "--yes"])
            .run()
            .success();
    }
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    let t = Test::fixture("clerk");
    let mut child = Command::new(env!("CARGO_BIN_EXE_insforge-integrate"))
        .args(["init", "--dry-run", "--yes"])
        .arg(t.path())
        .env_clear()
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

#[test]
fn temp_files_are_private_and_swept() {
    // A killed run's leftovers (see kill.rs for real kills) are removed by the next run.
    let t = Test::fixture("clerk")
        .file(
            ".insforge-integrate-AbC123.tmp",
            "INSFORGE_JWT_SECRET=leak\n",
        )
        .file("lib/.insforge-integrate-x.tmp", "x")
        .args(yes());
    t.run().success();
    assert!(t.leftovers().is_empty(), "{:?}", t.leftovers());
}

#[cfg(unix)]
#[test]
fn environment_variables_that_are_not_utf8_never_crash_or_show() {
    use std::os::unix::ffi::OsStrExt;
    let t = Test::fixture("workos");
    let secret = std::ffi::OsStr::from_bytes(b"MyRealSecret\xff");
    for (key, code) in [("INSFORGE_JWT_SECRET", 2), ("SOME_OTHER_VAR", 0)] {
        let output = Command::new(env!("CARGO_BIN_EXE_insforge-integrate"))
            .args(["init", "--yes", "--dry-run"])
            .arg(t.path())
            .env_clear()
            .env("SOURCE_DATE_EPOCH", EPOCH)
            .env(key, secret)
            .output()
            .unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(output.status.code(), Some(code), "{key}: {all}");
        assert!(!all.contains("MyRealSecret"), "{all}");
    }
}

#[test]
fn a_dot_env_that_is_not_utf8_still_counts() {
    let t = Test::fixture("workos").args(["--yes"]);
    std::fs::write(
        t.path().join(".env"),
        b"# caf\xe9\nNEXT_PUBLIC_INSFORGE_URL=https://real.insforge.app\n",
    )
    .unwrap();
    t.run().success();
    assert!(
        !t.read(".env.local").contains("NEXT_PUBLIC_INSFORGE_URL="),
        "a blank in .env.local would hide the value in .env"
    );
}

#[cfg(unix)]
#[test]
fn fifos_where_detection_reads_never_hang_it() {
    for (setup, file) in [
        ("tsconfig", "base.json"),
        ("node_modules", "node_modules/next/package.json"),
    ] {
        let t = Test::fixture("workos").args(["--yes", "--dry-run"]);
        std::fs::create_dir_all(t.path().join(file).parent().unwrap()).unwrap();
        let status = Command::new("mkfifo")
            .arg(t.path().join(file))
            .status()
            .unwrap();
        assert!(status.success());
        if setup == "tsconfig" {
            let tsconfig =
                t.read("tsconfig.json")
                    .replacen('{', "{\n  \"extends\": \"./base.json\",", 1);
            std::fs::write(t.path().join("tsconfig.json"), tsconfig).unwrap();
        }
        t.run().success();
    }
}

#[test]
fn a_file_where_a_folder_is_needed_is_a_usage_error() {
    let t = Test::fixture("clerk")
        .file("lib", "not a folder\n")
        .args(["--yes"]);
    t.run()
        .code(2)
        .stderr_has("lib: is a file where insforge-integrate needs a folder");
    // Bytes that are not UTF-8 on stdin: a usage error that shows none of them.
    let t = Test::fixture("workos");
    let mut child = Command::new(env!("CARGO_BIN_EXE_insforge-integrate"))
        .args(["init", "--yes", "--jwt-secret-stdin"])
        .arg(t.path())
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"s3cr\xff\xfet\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("not UTF-8") && !stderr.contains("s3cr"),
        "{stderr}"
    );
    let t = Test::fixture("workos");
    let output = Command::new(env!("CARGO_BIN_EXE_insforge-integrate"))
        .args(["init", "--yes", "--jwt-secret-stdin"])
        .arg(t.path())
        .env_clear()
        .stdin(std::fs::File::open("/").unwrap())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--jwt-secret-stdin"));
}

#[cfg(unix)]
#[test]
fn a_url_with_a_password_is_refused_without_showing_it() {
    Test::fixture("clerk")
        .args([
            "--yes",
            "--insforge-url",
            "https://me:hunter2@x.insforge.app",
        ])
        .run()
        .code(2)
        .stderr_has("user name or password")
        .lacks("hunter2");
}

/// Run as root (sudo, a container on a bind mount), the files keep their owner.
#[cfg(unix)]
#[test]
fn files_keep_their_owner_when_root_writes_them() {
    use std::os::unix::fs::MetadataExt;
    if euid() != 0 {
        eprintln!("not root: nothing to prove here");
        return;
    }
    let t = Test::fixture("workos").args(["--yes"]);
    let status = Command::new("chown")
        .args(["-R", "65534:65534"])
        .arg(t.path())
        .status()
        .unwrap();
    assert!(status.success());
    t.run().success();
    for file in [".env.local", "package.json"] {
        let meta = std::fs::metadata(t.path().join(file)).unwrap();
        assert_eq!((meta.uid(), meta.gid()), (65534, 65534), "{file}");
    }
}

/// The effective user id, from `id -u`.
fn euid() -> u32 {
    let out = Command::new("id").arg("-u").output().unwrap();
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or(1)
}
