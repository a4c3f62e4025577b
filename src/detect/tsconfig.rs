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

/// Parse `tsconfig.json` text and return its wildcard aliases, in file order.
pub fn aliases(path: &Path, text: &str) -> Result<Vec<Alias>, Error> {
    let value: Value = jsonc_parser::parse_to_serde_value(
        text.strip_prefix('\u{feff}').unwrap_or(text),
        &jsonc_parser::ParseOptions::default(),
    )
    .map_err(|e| Error::InvalidFile {
        path: path.to_path_buf(),
        message: format!("not valid JSON with comments: {e}"),
    })?;
    let options = value.get("compilerOptions");
    let base = options
        .and_then(|o| o.get("baseUrl"))
        .and_then(Value::as_str)
        .map(normalize)
        .unwrap_or_default();
    let Some(paths) = options
        .and_then(|o| o.get("paths"))
        .and_then(Value::as_object)
    else {
        return Ok(Vec::new());
    };
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
        let aliases = aliases(Path::new("tsconfig.json"), text).unwrap();
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
            aliases(Path::new("t"), text).unwrap()[0].dir,
            PathBuf::new()
        );
        let text = r#"{"compilerOptions":{"baseUrl":"src","paths":{"@/*":["*"]}}}"#;
        assert_eq!(
            aliases(Path::new("t"), text).unwrap()[0].dir,
            PathBuf::from("src")
        );
    }

    #[test]
    fn malformed_tsconfig_names_the_position() {
        let err = aliases(
            Path::new("tsconfig.json"),
            "{\n  \"compilerOptions\": {\n    \"strict\": true\n    \"x\" 1\n}",
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
    fn no_paths_no_aliases() {
        assert!(aliases(Path::new("t"), "{}").unwrap().is_empty());
    }
}
