//! The pinned npm projects the generated apps compile against (`tests/typecheck/node*/`):
//! where they are, whether `npm ci` has installed exactly what their `package.json` pins,
//! and the pinned versions, so a test never runs against a stale or missing install.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

/// One committed npm project: `package.json` + `package-lock.json`, installed with `npm ci`.
pub struct NpmProject {
    pub dir: PathBuf,
    /// Every pinned dependency: name (or alias) -> exact version.
    pins: BTreeMap<String, String>,
}

impl NpmProject {
    /// Next 16 with the latest SDKs, plus older `@insforge/sdk` releases under aliases
    /// (`insforge-sdk-1.2.5`, ...).
    pub fn latest() -> &'static NpmProject {
        static PROJECT: OnceLock<Result<NpmProject, String>> = OnceLock::new();
        get(&PROJECT, "node")
    }

    /// Next 15 with the latest SDKs.
    pub fn next15() -> &'static NpmProject {
        static PROJECT: OnceLock<Result<NpmProject, String>> = OnceLock::new();
        get(&PROJECT, "node-next15")
    }

    pub fn node_modules(&self) -> PathBuf {
        self.dir.join("node_modules")
    }

    /// The exact version pinned for `name`.
    #[track_caller]
    pub fn pin(&self, name: &str) -> &str {
        self.pins
            .get(name)
            .unwrap_or_else(|| panic!("{} pins no {name}", self.dir.display()))
    }

    /// Folder for the generated apps. Inside the project, so Node's lookup and Turbopack
    /// (whose root is the folder of the nearest lockfile) find `node_modules` without any
    /// symlink leaving the root. Ignored by `tests/typecheck/.gitignore`.
    pub fn apps_dir(&self) -> PathBuf {
        let dir = self.dir.join(".apps");
        fs::create_dir_all(&dir).expect("create the apps folder");
        dir
    }

    /// `node <project>/node_modules/<script>`.
    pub fn node(&self, script: &str) -> Command {
        let mut command = self.node_command();
        command.arg(self.node_modules().join(script));
        command
    }

    /// `node`, finding this project's packages from anywhere.
    pub fn node_command(&self) -> Command {
        let mut command = Command::new("node");
        command.env("NODE_PATH", self.node_modules());
        command
    }
}

#[track_caller]
fn get(cell: &'static OnceLock<Result<NpmProject, String>>, name: &str) -> &'static NpmProject {
    crate::preflight::require(&[
        crate::preflight::Needs::Node,
        crate::preflight::Needs::NpmProjects,
    ]);
    match cell.get_or_init(|| load(name)) {
        Ok(project) => project,
        Err(message) => panic!("{message}"),
    }
}

fn load(name: &str) -> Result<NpmProject, String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/typecheck")
        .join(name);
    let fix = format!(
        "run `npm ci --prefix tests/typecheck/{name}` (Node.js >= 20.9) from the repository root"
    );
    node_version().map_err(|e| format!("{e}; the typecheck suite needs Node.js >= 20.9"))?;

    let manifest = read_json(&dir.join("package.json"))?;
    let mut pins = BTreeMap::new();
    for section in ["dependencies", "devDependencies"] {
        let Some(deps) = manifest.get(section).and_then(Value::as_object) else {
            continue;
        };
        for (dep, spec) in deps {
            let spec = spec.as_str().unwrap_or_default();
            // An alias pins `npm:<package>@<version>`: the version follows the last `@`.
            let version = spec.rsplit('@').next().unwrap_or(spec);
            pins.insert(dep.clone(), version.to_string());
        }
    }

    let node_modules = dir.join("node_modules");
    if !node_modules.is_dir() {
        return Err(format!("{} is missing: {fix}", node_modules.display()));
    }
    let mut stale = Vec::new();
    for (dep, version) in &pins {
        let installed = read_json(&node_modules.join(dep).join("package.json"))
            .ok()
            .and_then(|m| m.get("version").and_then(Value::as_str).map(str::to_owned));
        match installed {
            Some(v) if v == *version => {}
            Some(v) => stale.push(format!("{dep} {v} installed, {version} pinned")),
            None => stale.push(format!("{dep} {version} not installed")),
        }
    }
    if !stale.is_empty() {
        return Err(format!(
            "{} does not match package.json ({}): {fix}",
            node_modules.display(),
            stale.join("; ")
        ));
    }
    Ok(NpmProject { dir, pins })
}

fn node_version() -> Result<String, String> {
    let output = Command::new("node")
        .arg("--version")
        .output()
        .map_err(|e| format!("cannot run `node --version`: {e}"))?;
    if !output.status.success() {
        return Err("`node --version` failed".into());
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
}

pub fn read_json(path: &Path) -> Result<Value, String> {
    let text =
        fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", path.display()))
}
