//! Dependencies merged into `package.json`: only missing packages are added; the user's
//! versions, key order, indentation, line endings and final newline are kept.

use std::path::Path;

use serde_json::{Map, Value};

use crate::detect::package_json::PackageJson;
use crate::error::Error;
use crate::render::Dependency;

/// The new text and the dependencies it adds; the text is the input when nothing is missing.
pub fn add_dependencies<'a>(
    text: &str,
    wanted: &'a [Dependency],
) -> Result<(String, Vec<&'a Dependency>), Error> {
    let package = PackageJson::parse(Path::new("package.json"), text.to_string())?;
    let missing: Vec<&Dependency> = wanted
        .iter()
        .filter(|d| package.declared(&d.name).is_none())
        .collect();
    if missing.is_empty() {
        return Ok((text.to_string(), missing));
    }
    let mut root = package.value;
    let object = root
        .as_object_mut()
        .expect("PackageJson::parse checks for an object");
    for dep in &missing {
        let section = if dep.dev {
            "devDependencies"
        } else {
            "dependencies"
        };
        let entry = object
            .entry(section)
            .or_insert_with(|| Value::Object(Map::new()));
        let Value::Object(map) = entry else {
            return Err(Error::InvalidFile {
                path: "package.json".into(),
                message: format!("\"{section}\" is not an object"),
            });
        };
        insert_keeping_order(map, &dep.name, Value::String(dep.version.clone()));
    }
    Ok((serialize_like(text, &root), missing))
}

/// Insert at the sorted position when the keys are sorted (as npm keeps them), else append.
fn insert_keeping_order(map: &mut Map<String, Value>, key: &str, value: Value) {
    let keys: Vec<&String> = map.keys().collect();
    if !keys.windows(2).all(|w| w[0] <= w[1]) {
        map.insert(key.to_string(), value);
        return;
    }
    let old = std::mem::take(map);
    let mut inserted = false;
    for (k, v) in old {
        if !inserted && k.as_str() > key {
            map.insert(key.to_string(), value.clone());
            inserted = true;
        }
        map.insert(k, v);
    }
    if !inserted {
        map.insert(key.to_string(), value);
    }
}

/// Pretty-print `value` with the indentation, line endings and final newline of `original`.
fn serialize_like(original: &str, value: &Value) -> String {
    let indent = original
        .lines()
        .skip(1)
        .find(|l| !l.trim().is_empty())
        .map(|l| &l[..l.len() - l.trim_start().len()])
        .filter(|i| !i.is_empty())
        .unwrap_or("  ");
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(indent.as_bytes());
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    serde::Serialize::serialize(value, &mut serializer).expect("a JSON value serializes");
    let mut text = String::from_utf8(out).expect("serde_json writes UTF-8");
    if original.ends_with('\n') {
        text.push('\n');
    }
    if original.contains("\r\n") {
        text = text.replace('\n', "\r\n");
    }
    if original.starts_with('\u{feff}') {
        text.insert(0, '\u{feff}');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dep(name: &str, dev: bool) -> Dependency {
        Dependency {
            name: name.into(),
            version: "^1.0.0".into(),
            dev,
        }
    }

    #[test]
    fn adds_missing_keeps_versions_order_and_tabs() {
        let text = "{\n\t\"name\": \"app\",\n\t\"dependencies\": {\n\t\t\"next\": \"16.0.1\",\n\t\t\"react\": \"19.0.0\"\n\t}\n}\n";
        let wanted = [
            dep("next", false),
            dep("jsonwebtoken", false),
            dep("@types/jsonwebtoken", true),
        ];
        let (out, added) = add_dependencies(text, &wanted).unwrap();
        assert_eq!(added.len(), 2);
        assert_eq!(
            out,
            "{\n\t\"name\": \"app\",\n\t\"dependencies\": {\n\t\t\"jsonwebtoken\": \"^1.0.0\",\n\t\t\"next\": \"16.0.1\",\n\t\t\"react\": \"19.0.0\"\n\t},\n\t\"devDependencies\": {\n\t\t\"@types/jsonwebtoken\": \"^1.0.0\"\n\t}\n}\n"
        );
    }

    #[test]
    fn unsorted_sections_get_appended_and_crlf_kept() {
        let text = "{\r\n  \"dependencies\": {\r\n    \"react\": \"19\",\r\n    \"next\": \"16\"\r\n  }\r\n}";
        let (out, _) = add_dependencies(text, &[dep("a", false)]).unwrap();
        assert_eq!(out, "{\r\n  \"dependencies\": {\r\n    \"react\": \"19\",\r\n    \"next\": \"16\",\r\n    \"a\": \"^1.0.0\"\r\n  }\r\n}");
    }

    #[test]
    fn nothing_missing_returns_the_text_untouched() {
        let text = "{ \"devDependencies\": {\"a\": \"2\"} }";
        let wanted = [dep("a", false)];
        let (out, added) = add_dependencies(text, &wanted).unwrap();
        assert_eq!(out, text);
        assert!(added.is_empty());
    }
}
