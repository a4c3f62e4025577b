//! Dependencies merged into `package.json`: only missing packages are added; the user's
//! versions, key order, indentation, line endings and final newline are kept.

use std::path::Path;

use crate::change::Dependency;
use crate::detect::package_json::PackageJson;
use crate::error::Error;

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
    let bom = if text.starts_with('\u{feff}') {
        "\u{feff}"
    } else {
        ""
    };
    let mut body = text[bom.len()..].to_string();
    for dep in &missing {
        let section = if dep.dev {
            "devDependencies"
        } else {
            "dependencies"
        };
        body = insert(&body, section, &dep.name, &dep.version)?;
    }
    Ok((format!("{bom}{body}"), missing))
}

/// `text` with `"name": "version"` added to the object `section`, touching nothing else:
/// in sorted position when the section is sorted (as npm keeps it), else last; the section
/// is created at the end when missing.
fn insert(text: &str, section: &str, name: &str, version: &str) -> Result<String, Error> {
    let invalid = |message: String| Error::InvalidFile {
        path: "package.json".into(),
        message,
    };
    let parsed = jsonc_parser::parse_to_ast(text, &Default::default(), &Default::default())
        .map_err(|e| invalid(format!("not valid JSON: {e}")))?;
    let root = parsed
        .value
        .as_ref()
        .and_then(|v| v.as_object())
        .ok_or_else(|| invalid("must be a JSON object".into()))?;
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let unit = indent_unit(text);
    let entry = format!("{}: {}", json_string(name), json_string(version));
    let splice =
        |at: usize, end: usize, with: &str| format!("{}{with}{}", &text[..at], &text[end..]);

    // With a duplicate key, the last one is the one JSON readers keep.
    let Some(prop) = root
        .properties
        .iter()
        .rev()
        .find(|p| p.name.as_str() == section)
    else {
        // A new section after the last property (or in an empty root).
        let block = format!(
            "{}: {{{newline}{unit}{unit}{entry}{newline}{unit}}}",
            json_string(section)
        );
        return Ok(match root.properties.last() {
            Some(last) => splice(
                last.range.end,
                last.range.end,
                &format!(",{newline}{unit}{block}"),
            ),
            None => splice(
                root.range.start,
                root.range.end,
                &format!("{{{newline}{unit}{block}{newline}}}"),
            ),
        });
    };
    let object = prop
        .value
        .as_object()
        .ok_or_else(|| invalid(format!("\"{section}\" is not an object")))?;
    let props = &object.properties;
    let Some(first) = props.first() else {
        let outer = line_indent(text, prop.range.start);
        return Ok(splice(
            object.range.start,
            object.range.end,
            &format!("{{{newline}{outer}{unit}{entry}{newline}{outer}}}"),
        ));
    };
    // `{"a": "1"}` on one line stays on one line.
    let inline = !text[object.range.start..first.range.start].contains('\n');
    let keys: Vec<&str> = props.iter().map(|p| p.name.as_str()).collect();
    let sorted = keys.windows(2).all(|w| w[0] <= w[1]);
    let before = sorted
        .then(|| props.iter().find(|p| p.name.as_str() > name))
        .flatten();
    Ok(match (before, inline) {
        (Some(next), true) => splice(next.range.start, next.range.start, &format!("{entry}, ")),
        (Some(next), false) => {
            let indent = line_indent(text, next.range.start);
            splice(
                next.range.start,
                next.range.start,
                &format!("{entry},{newline}{indent}"),
            )
        }
        (None, true) => {
            let last = props.last().expect("not empty");
            splice(last.range.end, last.range.end, &format!(", {entry}"))
        }
        (None, false) => {
            let last = props.last().expect("not empty");
            let indent = line_indent(text, last.range.start);
            splice(
                last.range.end,
                last.range.end,
                &format!(",{newline}{indent}{entry}"),
            )
        }
    })
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).expect("a string serializes")
}

/// The whitespace that starts the line holding byte `at`.
fn line_indent(text: &str, at: usize) -> &str {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[start..];
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

/// One level of the file's indentation: that of its first indented line (two spaces if none).
fn indent_unit(text: &str) -> &str {
    text.lines()
        .skip(1)
        .find(|l| !l.trim().is_empty())
        .map(|l| &l[..l.len() - l.trim_start_matches([' ', '\t']).len()])
        .filter(|i| !i.is_empty())
        .unwrap_or("  ")
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
    fn only_the_new_lines_change() {
        let text = "{\n    \"files\": [\"dist\", \"lib\"],\n    \"x\": \"caf\\u00e9 https:\\/\\/a\",\n    \"n\": 1.50,\n    \"dependencies\": {\n        \"next\": \"16.0.0\"\n    }\n}";
        let (out, _) = add_dependencies(text, &[dep("@insforge/sdk", false)]).unwrap();
        assert_eq!(
            out,
            text.replace(
                "{\n        \"next\"",
                "{\n        \"@insforge/sdk\": \"^1.0.0\",\n        \"next\""
            )
        );
    }

    #[test]
    fn inline_and_empty_sections() {
        let (out, _) = add_dependencies(
            "{\"dependencies\": {\"react\": \"19\"}}",
            &[dep("next", false)],
        )
        .unwrap();
        assert_eq!(
            out,
            "{\"dependencies\": {\"next\": \"^1.0.0\", \"react\": \"19\"}}"
        );
        let (out, _) =
            add_dependencies("{\n  \"dependencies\": {}\n}\n", &[dep("next", false)]).unwrap();
        assert_eq!(
            out,
            "{\n  \"dependencies\": {\n    \"next\": \"^1.0.0\"\n  }\n}\n"
        );
        let (out, _) = add_dependencies("{}", &[dep("next", true)]).unwrap();
        assert_eq!(
            out,
            "{\n  \"devDependencies\": {\n    \"next\": \"^1.0.0\"\n  }\n}"
        );
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
