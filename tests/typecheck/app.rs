//! A generated app: a copy of a create-next-app fixture (`fixtures/`) with the provider's
//! packages declared, `insforge-integrate init --yes --table todos` run on it by the built
//! binary, and the next steps' snippets (`usage/<provider>/`) laid over it. It lives in a
//! temporary folder inside the npm project it compiles against; a failing test keeps it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use insforge_integrate::provider::{self, Provider};
use serde_json::Value;
use tempfile::TempDir;

use crate::npm::{read_json, NpmProject};

/// Fixed clock: the migration name does not matter here, only that runs are repeatable.
const EPOCH: &str = "1795868306";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// Next 15: `middleware.ts`.
    V15,
    /// Next 16: `proxy.ts`.
    V16,
}

/// The `@insforge/sdk` the app has installed before running the tool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sdk {
    /// None: the tool adds `^1.4.4`, installed as the latest (two-argument `setAccessToken`).
    Latest,
    /// `accessToken`, one-argument `setAccessToken`.
    V1_4_3,
    /// `edgeFunctionToken`, one-argument `setAccessToken`.
    V1_2_10,
    /// `edgeFunctionToken`, no public setter.
    V1_2_5,
}

impl Sdk {
    /// The alias the npm project installs this release under.
    fn alias(self) -> Option<&'static str> {
        match self {
            Sdk::Latest => None,
            Sdk::V1_4_3 => Some("insforge-sdk-1.4.3"),
            Sdk::V1_2_10 => Some("insforge-sdk-1.2.10"),
            Sdk::V1_2_5 => Some("insforge-sdk-1.2.5"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// `app/` at the root, `@/*` -> `./*`.
    Root,
    /// create-next-app `--src-dir`: `src/app/`, `@/*` -> `./src/*`.
    Src,
    /// `app/` at the root and no `paths` in tsconfig.json: relative imports.
    NoAlias,
}

#[derive(Clone, Copy, Debug)]
pub struct Case {
    pub provider: &'static str,
    pub next: Next,
    pub sdk: Sdk,
    pub layout: Layout,
    /// `@stytch/nextjs` 21 (with `@stytch/vanilla-js` 5) instead of 22: the tool's `v22` branch.
    pub stytch_nextjs_21: bool,
    /// An app that already signs users in: `tests/fixtures/brownfield/<name>`'s code laid over
    /// the create-next-app fixture before the tool runs.
    pub brownfield: Option<&'static str>,
    /// An older release of a provider package, installed under an alias in the npm project:
    /// (package, alias), e.g. `@workos-inc/authkit-nextjs` 2.x.
    pub release: Option<(&'static str, &'static str)>,
    /// `--auth0-token`/`--clerk-token <this>`: the provider's other way of making the token.
    pub token: Option<&'static str>,
}

impl Case {
    pub fn latest(provider: &'static str) -> Case {
        Case {
            provider,
            next: Next::V16,
            sdk: Sdk::Latest,
            layout: Layout::Root,
            stytch_nextjs_21: false,
            brownfield: None,
            release: None,
            token: None,
        }
    }

    /// The tool run with `--auth0-token <how>` (`--clerk-token` for Clerk).
    pub fn token(self, how: &'static str) -> Case {
        Case {
            token: Some(how),
            ..self
        }
    }

    /// The app has `package` at the release the npm project installs as `alias`.
    pub fn release(self, package: &'static str, alias: &'static str) -> Case {
        Case {
            release: Some((package, alias)),
            ..self
        }
    }

    /// The brownfield app `name` (its code under the given layout).
    pub fn brownfield(self, name: &'static str, layout: Layout) -> Case {
        Case {
            brownfield: Some(name),
            layout,
            ..self
        }
    }

    pub fn stytch_nextjs_21(self) -> Case {
        Case {
            stytch_nextjs_21: true,
            ..self
        }
    }

    /// Older releases the app has installed: (package, its alias in the npm project).
    fn older_releases(&self) -> Vec<(&'static str, &'static str)> {
        let mut older = Vec::new();
        if let Some(alias) = self.sdk.alias() {
            older.push(("@insforge/sdk", alias));
        }
        if self.stytch_nextjs_21 {
            older.push(("@stytch/nextjs", "stytch-nextjs-21"));
        }
        older.extend(self.release);
        older
    }

    pub fn sdk(self, sdk: Sdk) -> Case {
        Case { sdk, ..self }
    }

    pub fn next(self, next: Next) -> Case {
        Case { next, ..self }
    }

    pub fn layout(self, layout: Layout) -> Case {
        Case { layout, ..self }
    }

    pub fn project(&self) -> &'static NpmProject {
        match self.next {
            Next::V16 => NpmProject::latest(),
            Next::V15 => NpmProject::next15(),
        }
    }

    fn fixture(&self) -> &'static str {
        match (self.next, self.layout) {
            (Next::V16, Layout::Root | Layout::NoAlias) => "next16",
            (Next::V16, Layout::Src) => "next16-src",
            (Next::V15, Layout::Root) => "next15",
            (Next::V15, layout) => panic!("no Next 15 fixture for {layout:?}"),
        }
    }
}

impl std::fmt::Display for Case {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}{}{}{} on Next {}, @insforge/sdk {}, {} layout",
            self.provider,
            self.token
                .map(|t| format!(" ({t} token)"))
                .unwrap_or_default(),
            self.brownfield
                .map(|b| format!(" (brownfield {b})"))
                .or(self.release.map(|(_, alias)| format!(" ({alias})")))
                .unwrap_or_default(),
            if self.stytch_nextjs_21 {
                " (@stytch/nextjs 21)"
            } else {
                ""
            },
            if self.next == Next::V15 { 15 } else { 16 },
            match self.sdk.alias() {
                None => "latest",
                Some(alias) => alias.trim_start_matches("insforge-sdk-"),
            },
            match self.layout {
                Layout::Root => "root",
                Layout::Src => "src/",
                Layout::NoAlias => "no-alias",
            },
        )
    }
}

#[track_caller]
fn provider(id: &str) -> &'static Provider {
    provider::by_id(id).unwrap_or_else(|| panic!("unknown provider {id}"))
}

/// The packages an app has before it adds InsForge: the ones the provider is detected by.
pub fn provider_packages(id: &str) -> &'static [String] {
    &provider(id).detect.packages
}

/// Whether the provider renders a `middleware.ts` / `proxy.ts`.
pub fn has_interceptor(id: &str) -> bool {
    provider(id).files.iter().any(|f| f.interceptor)
}

/// Whether one of the provider's templates contains `text` (partials it includes are not
/// followed).
fn templates_contain(id: &str, text: &str) -> bool {
    let p = provider(id);
    p.files
        .iter()
        .any(|f| p.template_source(&f.template).unwrap().contains(text))
}

pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub struct App {
    dir: Option<TempDir>,
    pub path: PathBuf,
    pub case: Case,
    pub project: &'static NpmProject,
}

impl App {
    /// Copies the fixture, runs the tool on it and checks it rendered the intended branch.
    pub fn generate(case: Case) -> App {
        let project = case.project();
        let dir = tempfile::Builder::new()
            .prefix(&format!("{}-", case.provider))
            .tempdir_in(project.apps_dir())
            .expect("create a temporary app folder");
        let app = App {
            path: dir.path().to_path_buf(),
            dir: Some(dir),
            case,
            project,
        };
        let fixture = repo().join("tests/typecheck/fixtures").join(case.fixture());
        copy_tree(&fixture, &app.path);
        // Kept as `gitignore` in the repo, like create-next-app's templates, so that git
        // does not apply it to the fixture itself.
        fs::rename(app.path.join("gitignore"), app.path.join(".gitignore")).unwrap();
        if case.layout == Layout::NoAlias {
            app.remove_import_alias();
        }
        if let Some(name) = case.brownfield {
            // The app's own code; its package.json, tsconfig and .gitignore stay the
            // fixture's, which pin what the npm project installs.
            let code = repo().join("tests/fixtures/brownfield").join(name);
            for file in files_under(&code) {
                let relative = file.strip_prefix(&code).unwrap();
                if ["package.json", "tsconfig.json", ".gitignore"]
                    .iter()
                    .any(|n| relative == Path::new(n))
                {
                    continue;
                }
                let target = app.path.join(relative);
                fs::create_dir_all(target.parent().unwrap()).unwrap();
                fs::copy(&file, target).unwrap();
            }
        }
        app.declare_packages();

        let init = app.init();
        if !init.status.success() {
            app.fail("insforge-integrate init", &init);
        }
        if case.brownfield.is_none() {
            app.add_usage();
        }
        app.check_branch();
        app.check_dependency_ranges();
        app
    }

    pub fn source_root(&self) -> PathBuf {
        match self.case.layout {
            Layout::Root | Layout::NoAlias => self.path.clone(),
            Layout::Src => self.path.join("src"),
        }
    }

    fn remove_import_alias(&self) {
        let path = self.path.join("tsconfig.json");
        let mut tsconfig = read_json(&path).unwrap();
        let options = tsconfig["compilerOptions"].as_object_mut().unwrap();
        assert!(
            options.remove("paths").is_some(),
            "the fixture has no paths"
        );
        fs::write(
            path,
            serde_json::to_string_pretty(&tsconfig).unwrap() + "\n",
        )
        .unwrap();
    }

    /// Lays the next steps' snippets (`usage/<provider>/`, relative to the source root) over
    /// the app. Without an alias, `@/x` becomes the relative path the user would write.
    fn add_usage(&self) {
        // Snippets for an older release, when its next steps differ: `usage/<provider>@<alias>/`.
        let usage = repo().join("tests/typecheck/usage");
        let usage = match self.case.release {
            Some((_, alias))
                if usage
                    .join(format!("{}@{alias}", self.case.provider))
                    .is_dir() =>
            {
                usage.join(format!("{}@{alias}", self.case.provider))
            }
            _ => usage.join(self.case.provider),
        };
        // A provider without snippets of its own yet has none to lay over.
        if !usage.is_dir() {
            eprintln!("{}: no {} to lay over", self.case, usage.display());
            return;
        }
        for file in files_under(&usage) {
            let relative = file.strip_prefix(&usage).unwrap();
            let mut code = fs::read_to_string(&file).unwrap();
            if self.case.layout == Layout::NoAlias {
                let up = "../".repeat(relative.components().count() - 1);
                code = code.replace("from '@/", &format!("from '{up}"));
            }
            let target = self.source_root().join(relative);
            fs::create_dir_all(target.parent().unwrap()).unwrap();
            fs::write(target, code).unwrap();
        }
    }

    /// Keeps the app for a look and fails the test with the command's output.
    #[track_caller]
    pub fn fail(mut self, what: &str, output: &Output) -> ! {
        let kept = self
            .dir
            .take()
            .map(TempDir::keep)
            .unwrap_or(self.path.clone());
        panic!(
            "{what} failed for {} (exit {:?}); app kept in {}\n--- stdout\n{}\n--- stderr\n{}",
            self.case,
            output.status.code(),
            kept.display(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
        );
    }

    /// The provider's packages at the pinned versions, and the older releases the case
    /// has installed (linked into the app's own `node_modules`, found before the project's).
    fn declare_packages(&self) {
        let path = self.path.join("package.json");
        let mut manifest = read_json(&path).unwrap();
        let deps = manifest["dependencies"].as_object_mut().unwrap();
        let mut packages: Vec<&str> = provider_packages(self.case.provider)
            .iter()
            .map(String::as_str)
            .collect();
        if self.case.stytch_nextjs_21 {
            packages.push("@stytch/vanilla-js");
        }
        for package in packages {
            deps.insert(package.into(), Value::from(self.project.pin(package)));
        }
        for (package, alias) in self.case.older_releases() {
            deps.insert(package.into(), Value::from(self.project.pin(alias)));
            let link = self.path.join("node_modules").join(package);
            fs::create_dir_all(link.parent().unwrap()).unwrap();
            std::os::unix::fs::symlink(self.project.node_modules().join(alias), link).unwrap();
        }
        let text = serde_json::to_string_pretty(&manifest).unwrap() + "\n";
        fs::write(path, text).unwrap();
    }

    fn init(&self) -> Output {
        Command::new(env!("CARGO_BIN_EXE_insforge-integrate"))
            .arg("init")
            .arg(&self.path)
            .args([
                "--yes",
                "--table",
                "todos",
                "--provider",
                self.case.provider,
            ])
            .args(self.case.token.iter().flat_map(|t| {
                let flag = if self.case.provider == "clerk" {
                    "--clerk-token"
                } else {
                    "--auth0-token"
                };
                [flag, t]
            }))
            .env("SOURCE_DATE_EPOCH", EPOCH)
            .env("NO_COLOR", "1")
            .env("CI", "true")
            .env_remove("INSFORGE_JWT_SECRET")
            .stdin(Stdio::null())
            .output()
            .expect("run insforge-integrate")
    }

    /// Guards against a vacuous pass: the files must be those of the branch under test.
    fn check_branch(&self) {
        let root = self.source_root();
        if let Some(name) = self.case.brownfield {
            // The app's own files answer for the SDK branch. What is compiled must include the
            // tool's InsForge utility, except where the app keeps its own client.
            let utility = fs::read_to_string(root.join("lib/insforge.ts"));
            if name == "integrated-edge" {
                assert!(utility.is_err(), "{}: a second InsForge client", self.case);
            } else {
                let utility =
                    utility.unwrap_or_else(|_| panic!("{}: no lib/insforge.ts", self.case));
                assert!(
                    utility.contains("Generated by insforge-integrate"),
                    "{}: lib/insforge.ts is not the tool's",
                    self.case
                );
            }
            return;
        }
        let mut code = String::new();
        for entry in fs::read_dir(root.join("lib")).expect("the tool wrote lib/") {
            let path = entry.unwrap().path();
            if path.is_file() {
                code += &fs::read_to_string(path).unwrap();
            }
        }
        let provider = self.case.provider;
        // A React hook (the shared `client-token` code) refreshes the token in the browser; a
        // module that hands InsForge a token when it creates the client uses
        // `edgeFunctionToken` on the 1.2 releases.
        let hook = templates_contain(provider, "{{> client-token}}");
        let hands_token_at_creation = templates_contain(provider, "edgeFunctionToken");
        let mut must: Vec<&str> = Vec::new();
        let mut must_not: Vec<&str> = Vec::new();
        match self.case.sdk {
            Sdk::Latest => {
                must_not.push("edgeFunctionToken");
                if hook {
                    must.push("AuthChangeEvent.TOKEN_REFRESHED");
                }
            }
            Sdk::V1_4_3 => must_not.extend(["edgeFunctionToken", "AuthChangeEvent"]),
            Sdk::V1_2_10 | Sdk::V1_2_5 => {
                must_not.push("AuthChangeEvent");
                if hands_token_at_creation {
                    must.push("edgeFunctionToken");
                }
                if hook && self.case.sdk == Sdk::V1_2_5 {
                    must.push("getHttpClient");
                } else {
                    must_not.push("getHttpClient");
                }
            }
        }
        for needle in must {
            assert!(
                code.contains(needle),
                "{}: lib/ lacks {needle:?}",
                self.case
            );
        }
        for needle in must_not {
            assert!(!code.contains(needle), "{}: lib/ has {needle:?}", self.case);
        }
        if provider == "stytch" {
            let login = fs::read_to_string(root.join("app/login/page.tsx")).unwrap();
            assert_eq!(
                login.contains("@stytch/vanilla-js"),
                self.case.stytch_nextjs_21,
                "{}: app/login/page.tsx took the wrong @stytch/nextjs branch",
                self.case
            );
        }
        if let Some(("@workos-inc/authkit-nextjs", _)) = self.case.release {
            let interceptor = fs::read_to_string(root.join("middleware.ts")).unwrap();
            assert!(
                interceptor.contains("authkitMiddleware()"),
                "{}: authkit-nextjs 2.x has no authkitProxy",
                self.case
            );
        }
        // A brownfield app keeps its own interceptor.
        if has_interceptor(provider) && self.case.brownfield.is_none() {
            let (file, other) = match self.case.next {
                Next::V16 => ("proxy.ts", "middleware.ts"),
                Next::V15 => ("middleware.ts", "proxy.ts"),
            };
            assert!(root.join(file).is_file(), "{}: no {file}", self.case);
            assert!(!root.join(other).exists(), "{}: {other} too", self.case);
        }
    }

    /// Every package the app declares is one the npm project pins, at a version the
    /// declared range accepts: what is compiled is what `npm install` would give the user.
    fn check_dependency_ranges(&self) {
        let manifest = read_json(&self.path.join("package.json")).unwrap();
        for section in ["dependencies", "devDependencies"] {
            let Some(deps) = manifest.get(section).and_then(Value::as_object) else {
                continue;
            };
            for (name, range) in deps {
                let range = range.as_str().unwrap_or_default();
                let older = self.case.older_releases();
                let pinned = match older.iter().find(|(package, _)| package == name) {
                    Some((_, alias)) => self.project.pin(alias),
                    None => self.project.pin(name),
                };
                let (Ok(req), Ok(version)) = (
                    semver::VersionReq::parse(range),
                    semver::Version::parse(pinned),
                ) else {
                    continue;
                };
                assert!(
                    req.matches(&version),
                    "{}: package.json asks for {name} {range}, but the suite compiles against {pinned}",
                    self.case
                );
            }
        }
    }
}

pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}

pub fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}
