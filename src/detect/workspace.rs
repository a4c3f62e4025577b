//! The workspace packages a monorepo member imports (`@acme/auth`, `@acme/ui`): where their
//! source is, so that the app's imports are followed into them as into the app's own files.
//! Only packages the app declares with a workspace range (`workspace:*`, `*`, `file:`,
//! `link:`) are looked for, in the workspace's package folders (`pnpm-workspace.yaml`'s
//! `packages`, or the root `package.json`'s `workspaces`), found up to the repository root.
//! Their files are read, never written.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// A workspace package the app depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    pub name: String,
    /// Its folder, relative to the app's root (`../../packages/auth`).
    pub dir: PathBuf,
    /// Its `package.json` `exports` (or `main`), as (subpath, file relative to `dir`):
    /// `(".", "src/index.ts")`, `("./server", "src/server.ts")`.
    pub entries: Vec<(String, PathBuf)>,
}

impl Package {
    /// The file an import of `spec` (`@acme/auth`, `@acme/auth/server`) leads to, relative to
    /// the app's root, before extensions are tried.
    pub fn entry(&self, spec: &str) -> Option<PathBuf> {
        let rest = spec.strip_prefix(&self.name)?;
        if !(rest.is_empty() || rest.starts_with('/')) {
            return None;
        }
        let key = format!(".{rest}");
        if let Some((_, file)) = self.entries.iter().find(|(k, _)| *k == key) {
            return Some(self.dir.join(file));
        }
        // `"./*": "./src/*.ts"`-style patterns.
        for (k, file) in &self.entries {
            let (Some(prefix), Some(text)) = (k.strip_suffix('*'), file.to_str()) else {
                continue;
            };
            if let (Some(star), Some((before, after))) =
                (key.strip_prefix(prefix), text.split_once('*'))
            {
                return Some(self.dir.join(format!("{before}{star}{after}")));
            }
        }
        // No exports for it: the package's folder, as Node would read it.
        (self.entries.is_empty() || rest.is_empty())
            .then(|| self.dir.join(rest.trim_start_matches('/')).join("index"))
    }

    /// Whether `path` (relative to the app's root) is one of this package's files.
    pub fn holds(&self, path: &Path) -> bool {
        path.starts_with(&self.dir)
    }
}

/// The workspace packages the app at `root` declares, found in its workspace.
pub fn packages(root: &Path, package_json: &Value) -> Vec<Package> {
    let declared: Vec<String> = ["dependencies", "devDependencies"]
        .iter()
        .filter_map(|k| package_json.get(k).and_then(Value::as_object))
        .flat_map(|deps| deps.iter())
        .filter(|(_, range)| {
            range.as_str().is_some_and(|r| {
                r.starts_with("workspace:")
                    || r == "*"
                    || r.starts_with("file:")
                    || r.starts_with("link:")
            })
        })
        .map(|(name, _)| name.clone())
        .collect();
    if declared.is_empty() {
        return Vec::new();
    }
    let Ok(absolute) = std::path::absolute(root) else {
        return Vec::new();
    };
    let Some((workspace, globs)) = workspace_of(&absolute) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for dir in globs.iter().flat_map(|g| expand(&workspace, g)) {
        if dir == absolute {
            continue;
        }
        let Some(text) = crate::app::read_regular(&dir.join("package.json")) else {
            continue;
        };
        let Ok(value) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        let Some(name) = value.get("name").and_then(Value::as_str) else {
            continue;
        };
        if !declared.iter().any(|d| d == name) || out.iter().any(|p: &Package| p.name == name) {
            continue;
        }
        let Some(relative) = relative_to(&absolute, &dir) else {
            continue;
        };
        out.push(Package {
            name: name.to_string(),
            dir: relative,
            entries: entries(&value, &dir),
        });
    }
    out
}

/// The workspace root above `app` and its package globs: `pnpm-workspace.yaml`'s
/// `packages:` list, or `package.json`'s `workspaces` (an array, or `{ packages: [...] }`).
fn workspace_of(app: &Path) -> Option<(PathBuf, Vec<String>)> {
    for dir in app.ancestors().skip(1) {
        if let Some(text) = crate::app::read_regular(&dir.join("pnpm-workspace.yaml")) {
            return Some((dir.to_path_buf(), yaml_packages(&text)));
        }
        if let Some(value) = crate::app::read_regular(&dir.join("package.json"))
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        {
            let list = value.get("workspaces").and_then(|w| {
                w.as_array()
                    .or_else(|| w.get("packages").and_then(Value::as_array))
            });
            if let Some(list) = list {
                let globs = list
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect();
                return Some((dir.to_path_buf(), globs));
            }
        }
        if dir.join(".git").exists() {
            break;
        }
    }
    None
}

/// The `packages:` list of a `pnpm-workspace.yaml` (block style, `- "packages/*"`).
fn yaml_packages(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if !line.starts_with([' ', '\t', '-']) {
            inside = trimmed == "packages:";
            continue;
        }
        if let (true, Some(item)) = (inside, trimmed.strip_prefix('-')) {
            let item = item.split(" #").next().unwrap_or_default();
            out.push(item.trim().trim_matches(['"', '\'']).to_string());
        }
    }
    out
}

/// The folders a workspace glob names: `packages/*`, `packages/**` (one level, as the
/// common layouts use it), or a folder. Negations (`!…`) are left out.
fn expand(workspace: &Path, glob: &str) -> Vec<PathBuf> {
    if glob.starts_with('!') {
        return Vec::new();
    }
    let glob = glob.trim_start_matches("./").trim_end_matches('/');
    let Some(parent) = glob.strip_suffix("/**").or_else(|| glob.strip_suffix("/*")) else {
        return vec![workspace.join(glob)];
    };
    let Ok(entries) = std::fs::read_dir(workspace.join(parent)) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .filter(|p| p.file_name().is_some_and(|n| n != "node_modules"))
        .collect();
    dirs.sort();
    dirs
}

/// `to` relative to `from` (both absolute), through their common ancestor.
fn relative_to(from: &Path, to: &Path) -> Option<PathBuf> {
    let common = from.ancestors().find(|a| to.starts_with(a))?;
    let ups = from.strip_prefix(common).ok()?.components().count();
    let mut out: PathBuf = std::iter::repeat_n("..", ups).collect();
    out.push(to.strip_prefix(common).ok()?);
    Some(out)
}

/// A package's entry files by subpath: its `exports` (a string, or per subpath a string or
/// conditions, source files first), else `main`; a built file (`dist/…js`) whose source is
/// beside it under `src/` stands for that source.
fn entries(package_json: &Value, dir: &Path) -> Vec<(String, PathBuf)> {
    let pick = |v: &Value| -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Object(conditions) => {
                let strings: Vec<&str> = conditions
                    .values()
                    .filter_map(|c| match c {
                        Value::String(s) => Some(s.as_str()),
                        Value::Object(nested) => nested.values().find_map(Value::as_str),
                        _ => None,
                    })
                    .collect();
                strings
                    .iter()
                    .find(|s| s.ends_with(".ts") || s.ends_with(".tsx"))
                    .or(strings.first())
                    .map(|s| s.to_string())
            }
            _ => None,
        }
    };
    let mut out = Vec::new();
    match package_json.get("exports") {
        Some(Value::Object(map)) if map.keys().all(|k| k.starts_with('.')) => {
            for (key, value) in map {
                if let Some(file) = pick(value) {
                    out.push((key.clone(), source_of(dir, &file)));
                }
            }
        }
        Some(value) => {
            if let Some(file) = pick(value) {
                out.push((".".into(), source_of(dir, &file)));
            }
        }
        None => {
            if let Some(main) = package_json.get("main").and_then(Value::as_str) {
                out.push((".".into(), source_of(dir, main)));
            }
        }
    }
    out
}

/// An entry as a file relative to the package's folder, without its extension when it is a
/// script (extensions are tried as for the app's imports), its source for a built file.
fn source_of(dir: &Path, file: &str) -> PathBuf {
    let file = file.trim_start_matches("./");
    // A type declaration (`dist/index.d.ts`) stands for the script beside it.
    let file = match file.strip_suffix(".d.ts") {
        Some(stem) => format!("{stem}.js"),
        None => file.to_string(),
    };
    let file = Path::new(&file);
    let is_script = file.extension().is_some_and(|e| {
        ["ts", "tsx", "js", "jsx", "mjs", "cjs"].contains(&e.to_string_lossy().as_ref())
    });
    if !is_script {
        return file.to_path_buf();
    }
    let stem = file.with_extension("");
    if let Ok(built) = stem.strip_prefix("dist") {
        let source = Path::new("src").join(built);
        if ["ts", "tsx"]
            .iter()
            .any(|e| dir.join(source.with_extension(e)).is_file())
        {
            return source;
        }
    }
    stem
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspace_packages_are_found_with_their_entries() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |p: &str, t: &str| {
            let p = root.join(p);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, t).unwrap();
        };
        write(
            "pnpm-workspace.yaml",
            "packages:\n  - \"apps/*\"\n  - 'packages/*'\ncatalog:\n  react: ^19\n",
        );
        write("apps/web/package.json", "{}");
        write(
            "packages/auth/package.json",
            r#"{"name":"@acme/auth","exports":{".":"./src/index.ts","./client":{"types":"./dist/client.d.ts","default":"./dist/client.js"}}}"#,
        );
        write("packages/auth/src/client.ts", "");
        write(
            "packages/ui/package.json",
            r#"{"name":"@acme/ui","main":"./index.tsx"}"#,
        );
        write("packages/other/package.json", r#"{"name":"@acme/other"}"#);
        let pj: Value = serde_json::from_str(
            r#"{"dependencies":{"@acme/auth":"workspace:*","@acme/ui":"workspace:^","next":"16.0.0"}}"#,
        )
        .unwrap();
        let found = packages(&root.join("apps/web"), &pj);
        let names: Vec<&str> = found.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["@acme/auth", "@acme/ui"]);
        let auth = &found[0];
        assert_eq!(auth.dir, Path::new("../../packages/auth"));
        assert_eq!(
            auth.entry("@acme/auth"),
            Some(PathBuf::from("../../packages/auth/src/index"))
        );
        assert_eq!(
            auth.entry("@acme/auth/client"),
            Some(PathBuf::from("../../packages/auth/src/client"))
        );
        assert_eq!(auth.entry("@acme/authx"), None);
        assert_eq!(
            found[1].entry("@acme/ui"),
            Some(PathBuf::from("../../packages/ui/index"))
        );
    }

    #[test]
    fn npm_workspaces_and_no_workspace() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("apps/web")).unwrap();
        std::fs::create_dir_all(root.join("libs/db")).unwrap();
        std::fs::write(
            root.join("package.json"),
            r#"{"workspaces":{"packages":["apps/*","libs/*"]}}"#,
        )
        .unwrap();
        std::fs::write(root.join("libs/db/package.json"), r#"{"name":"db"}"#).unwrap();
        let pj: Value = serde_json::from_str(r#"{"dependencies":{"db":"*"}}"#).unwrap();
        let found = packages(&root.join("apps/web"), &pj);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].entry("db"),
            Some(PathBuf::from("../../libs/db/index"))
        );
        let none: Value = serde_json::from_str(r#"{"dependencies":{"db":"^1.0.0"}}"#).unwrap();
        assert!(packages(&root.join("apps/web"), &none).is_empty());
    }
}
