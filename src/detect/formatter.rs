//! How the app formats its code (detection only; `crate::format` applies it): Prettier or
//! Biome when configured and installed (in the app or a folder above it, up to the
//! repository root), else the style its config sets (quotes, semicolons, indentation).

use std::path::{Path, PathBuf};

use crate::style::{Commas, Style};

/// How the app formats its code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Formatter {
    /// Prettier, installed: the folder of its package.
    Prettier { package: PathBuf, evidence: String },
    /// Biome, installed: its launcher in `node_modules/.bin`.
    Biome { bin: PathBuf, evidence: String },
    /// A configured style, the tool not installed.
    Style { style: Style, evidence: String },
    /// No formatter configured: the style the app's own code shows.
    Code { style: Style, evidence: String },
}

impl Formatter {
    pub fn evidence(&self) -> &str {
        match self {
            Self::Prettier { evidence, .. }
            | Self::Biome { evidence, .. }
            | Self::Style { evidence, .. }
            | Self::Code { evidence, .. } => evidence,
        }
    }
}

const PRETTIER_CONFIGS: [&str; 12] = [
    ".prettierrc",
    ".prettierrc.json",
    ".prettierrc.json5",
    ".prettierrc.yaml",
    ".prettierrc.yml",
    ".prettierrc.toml",
    ".prettierrc.js",
    ".prettierrc.cjs",
    ".prettierrc.mjs",
    "prettier.config.js",
    "prettier.config.cjs",
    "prettier.config.mjs",
];

/// The app's formatter: Prettier or Biome when it is configured (a config file, or
/// `"prettier"` in package.json) or declared, and installed; its configured style when it
/// is not installed; None when the app has neither.
pub fn detect(root: &Path, package_json: &serde_json::Value) -> Option<Formatter> {
    let declared = |name: &str| {
        ["dependencies", "devDependencies"]
            .iter()
            .any(|s| package_json.get(s).and_then(|d| d.get(name)).is_some())
    };
    let dirs: Vec<&Path> = {
        let mut out = Vec::new();
        for dir in root.ancestors() {
            out.push(dir);
            if dir.join(".git").exists() {
                break;
            }
        }
        out
    };
    let find = |names: &[&str]| -> Option<(PathBuf, String)> {
        dirs.iter().find_map(|d| {
            names.iter().find_map(|n| {
                let p = d.join(n);
                let text = crate::app::read_regular(&p)?;
                Some((p, text))
            })
        })
    };
    let installed = |package: &str| {
        dirs.iter()
            .map(|d| d.join("node_modules").join(package))
            .find(|p| p.join("package.json").is_file())
    };

    // Biome.
    if let Some((config, text)) =
        find(&["biome.json", "biome.jsonc"]).filter(|(_, t)| biome_formats(t))
    {
        let evidence = seen_from(root, &config);
        if let Some(bin) = dirs
            .iter()
            .map(|d| d.join("node_modules/.bin/biome"))
            .find(|p| p.is_file())
        {
            return Some(Formatter::Biome { bin, evidence });
        }
        return Some(Formatter::Style {
            style: biome_style(&text),
            evidence,
        });
    }
    // oxfmt: Prettier's options, in its own config (the tool is not run; its style is).
    if let Some((config, text)) = find(&[".oxfmtrc.json", ".oxfmtrc.jsonc"]) {
        return Some(Formatter::Style {
            style: prettier_style(&text, Commas::All),
            evidence: seen_from(root, &config),
        });
    }
    // Prettier.
    let in_package = package_json.get("prettier");
    let config = find(&PRETTIER_CONFIGS);
    if config.is_none() && in_package.is_none() && !declared("prettier") {
        return None;
    }
    let evidence = match (&config, in_package) {
        (Some((p, _)), _) => seen_from(root, p),
        (None, Some(_)) => "package.json: \"prettier\"".into(),
        (None, None) => "package.json declares prettier".into(),
    };
    if let Some(package) = installed("prettier") {
        return Some(Formatter::Prettier { package, evidence });
    }
    let text = match (&config, in_package) {
        (Some((_, text)), _) => text.clone(),
        (None, Some(v)) => v.to_string(),
        (None, None) => String::new(),
    };
    // Prettier 3 puts trailing commas everywhere by default; 2 only where ES5 allows them.
    let v2 = ["dependencies", "devDependencies"].iter().any(|s| {
        package_json
            .get(s)
            .and_then(|d| d.get("prettier"))
            .and_then(|v| v.as_str())
            .is_some_and(|v| {
                v.trim_start_matches(['^', '~', '=', 'v', ' '])
                    .starts_with("2.")
            })
    });
    Some(Formatter::Style {
        style: prettier_style(&text, if v2 { Commas::Es5 } else { Commas::All }),
        evidence,
    })
}

/// The style a file of the app's own code shows (its quotes, its semicolons, its
/// indentation), when it differs from the templates'. The same before and after the tool's
/// own edit of that file, which writes in the file's style.
pub fn of_code(text: &str, file: &str) -> Option<Formatter> {
    let style = Style::of(text);
    (style != Style::default()).then(|| Formatter::Code {
        style: Style {
            newline: "\n",
            ..style
        },
        evidence: format!("the style of {file}"),
    })
}

/// A setting's bare value in a config of any syntax (`"semi": false`, `semi: false`,
/// `semi = false`): `false`, `4`, `double`.
fn setting(text: &str, key: &str) -> Option<String> {
    let mut from = 0;
    while let Some(at) = text[from..].find(key) {
        let start = from + at;
        from = start + key.len();
        let before = text[..start].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = text[from..].trim_start_matches(['"', '\'']).trim_start();
        let Some(rest) = rest.strip_prefix([':', '=']) else {
            continue;
        };
        let value: String = rest
            .trim_start()
            .trim_start_matches(['"', '\''])
            .chars()
            .take_while(|c| c.is_alphanumeric())
            .collect();
        if !value.is_empty() {
            return Some(value);
        }
    }
    None
}

/// Whether a Biome config formats JavaScript: not when it turns its formatter off (an app
/// that lints with Biome and formats with Prettier).
fn biome_formats(text: &str) -> bool {
    let plain: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let Ok(v) = serde_json::from_str::<serde_json::Value>(&plain) else {
        return true;
    };
    let off = |f: &serde_json::Value| f.get("enabled") == Some(&serde_json::Value::Bool(false));
    let on = |f: &serde_json::Value| f.get("enabled") == Some(&serde_json::Value::Bool(true));
    let js = &v["javascript"]["formatter"];
    (!off(&v["formatter"]) || on(js)) && !off(js)
}

/// Prettier's options over its defaults (double quotes, semicolons, two spaces).
fn prettier_style(text: &str, default_commas: Commas) -> Style {
    let tabs = setting(text, "useTabs").is_some_and(|v| v == "true");
    let width: usize = setting(text, "tabWidth")
        .and_then(|v| v.parse().ok())
        .unwrap_or(2);
    Style {
        newline: "\n",
        quote: if setting(text, "singleQuote").is_some_and(|v| v == "true") {
            '\''
        } else {
            '"'
        },
        semicolons: setting(text, "semi").is_none_or(|v| v != "false"),
        indent: if tabs {
            "\t".into()
        } else {
            " ".repeat(width.clamp(1, 8))
        },
        trailing_commas: commas(setting(text, "trailingComma"), default_commas),
    }
}

fn commas(value: Option<String>, default: Commas) -> Commas {
    match value.as_deref() {
        Some("none") => Commas::None,
        Some("es5") => Commas::Es5,
        Some("all") => Commas::All,
        _ => default,
    }
}

/// Biome's options over its defaults (double quotes, semicolons, tabs).
fn biome_style(text: &str) -> Style {
    let spaces = setting(text, "indentStyle").is_some_and(|v| v == "space");
    let width: usize = setting(text, "indentWidth")
        .and_then(|v| v.parse().ok())
        .unwrap_or(2);
    Style {
        newline: "\n",
        quote: if setting(text, "quoteStyle").is_some_and(|v| v == "single") {
            '\''
        } else {
            '"'
        },
        semicolons: setting(text, "semicolons").is_none_or(|v| v != "asNeeded"),
        indent: if spaces {
            " ".repeat(width.clamp(1, 8))
        } else {
            "\t".into()
        },
        trailing_commas: commas(setting(text, "trailingCommas"), Commas::All),
    }
}

/// `path` as the app's root sees it: `.prettierrc`, or `../../biome.json` above it.
fn seen_from(root: &Path, path: &Path) -> String {
    let mut up = PathBuf::new();
    for ancestor in root.ancestors() {
        if let Ok(rel) = path.strip_prefix(ancestor) {
            return crate::paths::slash(&up.join(rel));
        }
        up.push("..");
    }
    crate::paths::slash(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_biome_config_that_turns_its_formatter_off_does_not_format() {
        assert!(biome_formats("{}"));
        assert!(!biome_formats("{ \"formatter\": { \"enabled\": false } }"));
        assert!(biome_formats("{ \"formatter\": { \"enabled\": false }, \"javascript\": { \"formatter\": { \"enabled\": true } } }"));
        assert!(!biome_formats(
            "// lint only\n{ \"javascript\": { \"formatter\": { \"enabled\": false } } }"
        ));
    }

    #[test]
    fn settings_of_every_config_syntax() {
        assert_eq!(
            setting("{ \"semi\": false }", "semi").as_deref(),
            Some("false")
        );
        assert_eq!(
            setting("semi: false\nsingleQuote: true\n", "singleQuote").as_deref(),
            Some("true")
        );
        assert_eq!(
            setting("module.exports = { tabWidth: 4 }", "tabWidth").as_deref(),
            Some("4")
        );
        assert_eq!(
            setting("semicolons = \"asNeeded\"", "semicolons").as_deref(),
            Some("asNeeded")
        );
        assert_eq!(setting("{ \"semiColon\": 1 }", "semi"), None);
        let s = prettier_style("{ trailingComma: 'none' }", Commas::All);
        assert_eq!(s.trailing_commas, Commas::None);
        let s = prettier_style("{}", Commas::Es5);
        assert_eq!(s.trailing_commas, Commas::Es5);
        let s = prettier_style("{}", Commas::All);
        assert_eq!(
            (s.quote, s.semicolons, s.indent.as_str()),
            ('"', true, "  ")
        );
        let s = biome_style("{ \"javascript\": { \"formatter\": { \"quoteStyle\": \"single\", \"semicolons\": \"asNeeded\" } } }");
        assert_eq!(
            (s.quote, s.semicolons, s.indent.as_str()),
            ('\'', false, "\t")
        );
    }
}
