//! `tsconfig.json` is JSONC (comments and trailing commas are legal): read it with a JSONC
//! parser and find the import aliases from `compilerOptions.paths`.

use std::path::{Component, Path, PathBuf};

use serde_json::Value;

use crate::error::Error;

/// An alias such as `@/*` → `./src/*`: imports of files under `dir` can be written `prefix…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alias {
    /// `@/`
    pub prefix: String,
    /// The folder the alias points at, relative to the project root (`src`, or empty for the root).
    pub dir: PathBuf,
}

/// Parse `tsconfig.json` text and return its wildcard aliases, in file order. `read` gives the
/// text of a file a config `extends` (by path relative to the project root), so `baseUrl` and
/// `paths` inherited from a base config count as tsc counts them.
pub fn aliases(
    path: &Path,
    text: &str,
    read: &dyn Fn(&Path) -> Option<String>,
) -> Result<Vec<Alias>, Error> {
    // Child first: the first layer that sets an option wins.
    let mut layers = vec![Layer::parse(path, text)?];
    while layers.len() < 8 {
        let last = layers.last().expect("one layer at least");
        let Some(parent) = last.extends.clone() else {
            break;
        };
        // tsc tries the path as written, then with `.json`.
        let with_json = PathBuf::from(format!("{}.json", parent.display()));
        let Some(text) = read(&parent).or_else(|| read(&with_json)) else {
            break;
        };
        layers.push(Layer::parse(&parent, &text)?);
    }
    let base_url = layers.iter().find_map(|l| {
        l.base_url
            .as_ref()
            .map(|b| normalize(&l.dir.join(b).to_string_lossy()))
    });
    let Some((paths_dir, paths)) = layers
        .iter()
        .find_map(|l| l.paths.as_ref().map(|p| (&l.dir, p)))
    else {
        return Ok(Vec::new());
    };
    // `paths` are relative to `baseUrl` when there is one, else to the config that sets them.
    let base = base_url.unwrap_or_else(|| paths_dir.clone());
    Ok(paths
        .iter()
        .filter_map(|(key, targets)| {
            let prefix = key.strip_suffix('*')?;
            let target = targets.as_array()?.first()?.as_str()?;
            let dir = target.strip_suffix('*')?;
            Some(Alias {
                prefix: prefix.to_string(),
                dir: normalize(&base.join(dir).to_string_lossy()),
            })
        })
        .collect())
}

/// What one config file says about module resolution.
struct Layer {
    /// The file's folder, relative to the project root.
    dir: PathBuf,
    base_url: Option<String>,
    paths: Option<serde_json::Map<String, Value>>,
    /// The config it extends, relative to the project root (local files only: a package's
    /// shared config sets no project paths).
    extends: Option<PathBuf>,
}

impl Layer {
    fn parse(path: &Path, text: &str) -> Result<Self, Error> {
        let value: Value = jsonc_parser::parse_to_serde_value(
            text.strip_prefix('\u{feff}').unwrap_or(text),
            &jsonc_parser::ParseOptions::default(),
        )
        .map_err(|e| Error::InvalidFile {
            path: path.to_path_buf(),
            message: format!("not valid JSON with comments: {e}"),
        })?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let options = value.get("compilerOptions");
        let extends = match value.get("extends") {
            Some(Value::String(s)) => Some(s.as_str()),
            // TypeScript 5 allows several; the last one's options win, and it is the one read.
            Some(Value::Array(list)) => list.last().and_then(Value::as_str),
            _ => None,
        }
        .filter(|e| e.starts_with('.'))
        .map(|e| normalize(&dir.join(e).to_string_lossy()));
        Ok(Layer {
            base_url: options
                .and_then(|o| o.get("baseUrl"))
                .and_then(Value::as_str)
                .map(str::to_string),
            paths: options
                .and_then(|o| o.get("paths"))
                .and_then(Value::as_object)
                .cloned(),
            extends,
            dir,
        })
    }
}

/// `./src/` → `src`; `.` → ``. Paths that climb out of the project are kept as written.
fn normalize(path: &str) -> PathBuf {
    let mut out = PathBuf::new();
    for part in Path::new(path).components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_paths_through_comments_and_trailing_commas() {
        let text = r#"{
  // create-next-app
  "compilerOptions": {
    "strict": true, /* block */
    "paths": { "@/*": ["./src/*"], "~lib/*": ["src/lib/*",], },
  },
}"#;
        let aliases = aliases(Path::new("tsconfig.json"), text, &|_| None).unwrap();
        assert_eq!(
            aliases,
            vec![
                Alias {
                    prefix: "@/".into(),
                    dir: "src".into()
                },
                Alias {
                    prefix: "~lib/".into(),
                    dir: "src/lib".into()
                },
            ]
        );
    }

    #[test]
    fn base_url_is_the_root_of_paths() {
        let text = r#"{"compilerOptions":{"baseUrl":".","paths":{"@/*":["./*"]}}}"#;
        assert_eq!(
            aliases(Path::new("t"), text, &|_| None).unwrap()[0].dir,
            PathBuf::new()
        );
        let text = r#"{"compilerOptions":{"baseUrl":"src","paths":{"@/*":["*"]}}}"#;
        assert_eq!(
            aliases(Path::new("t"), text, &|_| None).unwrap()[0].dir,
            PathBuf::from("src")
        );
    }

    #[test]
    fn malformed_tsconfig_names_the_position() {
        let err = aliases(
            Path::new("tsconfig.json"),
            "{\n  \"compilerOptions\": {\n    \"strict\": true\n    \"x\" 1\n}",
            &|_| None,
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("tsconfig.json: not valid JSON with comments:"),
            "{err}"
        );
        assert!(err.contains("line 4"), "{err}");
    }

    #[test]
    fn base_url_and_paths_inherited_through_extends() {
        let files = |p: &Path| match p.to_str()? {
            "config/tsconfig.base.json" => {
                Some(r#"{"compilerOptions":{"baseUrl":"../src"}}"#.to_string())
            }
            "tsconfig.paths.json" => Some(
                r#"{"extends":"./config/tsconfig.base","compilerOptions":{"paths":{"@/*":["*"]}}}"#
                    .to_string(),
            ),
            _ => None,
        };
        let text = r#"{"extends": "./tsconfig.paths.json", "compilerOptions": {"strict": true}}"#;
        let found = aliases(Path::new("tsconfig.json"), text, &files).unwrap();
        assert_eq!(
            found,
            vec![Alias {
                prefix: "@/".into(),
                dir: "src".into()
            }]
        );
        // Without baseUrl, paths are relative to the file that sets them.
        let files = |p: &Path| {
            (p == Path::new("config/base.json"))
                .then(|| r#"{"compilerOptions":{"paths":{"@/*":["../src/*"]}}}"#.to_string())
        };
        let found = aliases(
            Path::new("tsconfig.json"),
            r#"{"extends":["@tsconfig/strictest","./config/base.json"]}"#,
            &files,
        )
        .unwrap();
        assert_eq!(found[0].dir, PathBuf::from("src"));
        // A package's shared config is not followed.
        let found = aliases(
            Path::new("tsconfig.json"),
            r#"{"extends":"@tsconfig/next"}"#,
            &|_| panic!("read"),
        )
        .unwrap();
        assert!(found.is_empty());
    }

    #[test]
    fn no_paths_no_aliases() {
        assert!(aliases(Path::new("t"), "{}", &|_| None).unwrap().is_empty());
    }
}
