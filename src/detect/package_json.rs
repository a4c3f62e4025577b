//! `package.json`: parsed once, with the dependency ranges the rest of detection needs. A file
//! that is not valid JSON is an error naming the file, line and column.

use std::path::Path;

use serde_json::Value;

use crate::error::Error;

#[derive(Debug, Clone)]
pub struct PackageJson {
    /// The file as it is on disk, for the merge in `plan`.
    pub text: String,
    pub value: Value,
}

/// Where a dependency was declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    pub range: String,
    /// `dependencies` or `devDependencies`.
    pub section: &'static str,
}

impl PackageJson {
    pub fn parse(path: &Path, text: String) -> Result<Self, Error> {
        // Editors on Windows may start the file with a byte-order mark.
        let json = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let value: Value = serde_json::from_str(json).map_err(|e| Error::InvalidFile {
            path: path.to_path_buf(),
            message: format!(
                "not valid JSON at line {} column {}: {}",
                e.line(),
                e.column(),
                strip_position(&e.to_string())
            ),
        })?;
        if !value.is_object() {
            return Err(Error::InvalidFile {
                path: path.to_path_buf(),
                message: "must be a JSON object".into(),
            });
        }
        Ok(Self { text, value })
    }

    /// The range a package is declared with, in `dependencies` or `devDependencies`.
    pub fn declared(&self, name: &str) -> Option<Declared> {
        ["dependencies", "devDependencies"]
            .into_iter()
            .find_map(|section| {
                let range = self.value.get(section)?.get(name)?.as_str()?;
                Some(Declared {
                    range: range.to_string(),
                    section,
                })
            })
    }

    /// The `packageManager` field (`pnpm@9.1.0`), if any.
    pub fn package_manager(&self) -> Option<&str> {
        self.value.get("packageManager")?.as_str()
    }
}

/// serde_json appends " at line L column C" to its messages; the caller says it first.
fn strip_position(message: &str) -> &str {
    message
        .rfind(" at line ")
        .map_or(message, |i| &message[..i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_json_names_line_and_column() {
        let err = PackageJson::parse(Path::new("app/package.json"), "{\n  \"a\": 1,\n}".into())
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("app/package.json: not valid JSON at line 3 column 1"),
            "{err}"
        );
    }

    #[test]
    fn a_byte_order_mark_is_fine() {
        let p = PackageJson::parse(
            Path::new("p"),
            "\u{feff}{\"dependencies\":{\"next\":\"16\"}}".into(),
        )
        .unwrap();
        assert_eq!(p.declared("next").unwrap().range, "16");
    }

    #[test]
    fn finds_dev_dependencies_too() {
        let p = PackageJson::parse(
            Path::new("package.json"),
            r#"{"dependencies":{"next":"16.0.0"},"devDependencies":{"typescript":"^5"}}"#.into(),
        )
        .unwrap();
        assert_eq!(p.declared("typescript").unwrap().section, "devDependencies");
        assert_eq!(p.declared("next").unwrap().range, "16.0.0");
        assert!(p.declared("react").is_none());
    }
}
