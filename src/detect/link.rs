//! The app's link to its InsForge project: `.insforge/project.json`, as `npx @insforge/cli
//! link` writes it (`project_id`, `appkey`, `region`, `api_key`, `oss_host`, and a few names).
//! The `api_key` is an admin key: it is held as a [`Secret`], which never prints.

use std::path::Path;

use anyhow::Result;
use serde::Deserialize;

use crate::app::read_private;
use crate::error::Error;

/// Where the InsForge CLI keeps the link, relative to the app.
pub const FILE: &str = ".insforge/project.json";

/// A value that must never appear in any output: its `Debug` is a mask.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Self {
        Self(value)
    }

    /// The value, for the one place that sends it (an `Authorization` header).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub project_id: String,
    pub project_name: Option<String>,
    /// The InsForge URL (`oss_host`, healed as the CLI heals a bare host), without a trailing
    /// slash.
    pub host: String,
    pub api_key: Secret,
}

#[derive(Deserialize)]
struct Stored {
    project_id: Option<String>,
    project_name: Option<String>,
    appkey: Option<String>,
    region: Option<String>,
    api_key: Option<String>,
    oss_host: Option<String>,
}

/// The link, when the app has one; a link that cannot be used is an error naming the file
/// and what to do.
pub fn read(root: &Path) -> Result<Option<Link>> {
    let Some(text) = read_private(root, FILE)? else {
        return Ok(None);
    };
    parse(&text).map(Some)
}

/// The link in `text`.
pub fn parse(text: &str) -> Result<Link> {
    let invalid = |message: String| -> anyhow::Error {
        Error::InvalidFile {
            path: Path::new(FILE).to_path_buf(),
            message: format!("{message}: run `npx @insforge/cli link` again"),
        }
        .into()
    };
    // The error names the place, never the text (it holds the admin key).
    let stored: Stored = serde_json::from_str(text).map_err(|e| {
        invalid(format!(
            "is not the JSON the InsForge CLI writes (line {}, column {})",
            e.line(),
            e.column()
        ))
    })?;
    let non_empty = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let api_key = non_empty(stored.api_key).ok_or_else(|| invalid("has no api_key".into()))?;
    let project_id =
        non_empty(stored.project_id).ok_or_else(|| invalid("has no project_id".into()))?;
    let (appkey, region) = (non_empty(stored.appkey), non_empty(stored.region));
    let host = match (non_empty(stored.oss_host), appkey, region) {
        (Some(h), _, _) if h.starts_with("https://") || h.starts_with("http://") => h,
        // Very old links stored a bare host: the CLI rebuilds it from the app key and region.
        (_, Some(appkey), Some(region)) => format!("https://{appkey}.{region}.insforge.app"),
        (Some(h), _, _) => format!("https://{h}"),
        (None, _, _) => return Err(invalid("has no oss_host".into())),
    };
    Ok(Link {
        project_id,
        project_name: non_empty(stored.project_name),
        host: host.trim_end_matches('/').to_string(),
        api_key: Secret(api_key),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_link_as_the_cli_writes_it() {
        let link = parse(
            r#"{"project_id":"p1","project_name":"Todo","org_id":"o","appkey":"ab12","region":"us-east","api_key":"ik_0123456789abcdef","oss_host":"https://ab12.us-east.insforge.app/"}"#,
        )
        .unwrap();
        assert_eq!(link.host, "https://ab12.us-east.insforge.app");
        assert_eq!(link.project_id, "p1");
        assert_eq!(link.api_key.expose(), "ik_0123456789abcdef");
        assert!(!format!("{link:?}").contains("ik_0123"), "{link:?}");
        // A bare host is healed from the app key and region.
        let old = parse(
            r#"{"project_id":"p","appkey":"k","region":"eu","api_key":"ik_x","oss_host":"k.eu"}"#,
        )
        .unwrap();
        assert_eq!(old.host, "https://k.eu.insforge.app");
    }

    #[test]
    fn an_unusable_link_names_the_file_and_never_its_key() {
        for (text, needle) in [
            ("{", "is not the JSON"),
            (
                r#"{"project_id":"p","oss_host":"https://h"}"#,
                "has no api_key",
            ),
            (
                r#"{"api_key":"ik_secret_1","oss_host":"https://h"}"#,
                "has no project_id",
            ),
            (
                r#"{"project_id":"p","api_key":"ik_secret_1"}"#,
                "has no oss_host",
            ),
            (
                r#"{"project_id":"p","api_key":"ik_secret_1","oss_host":"#,
                "is not the JSON",
            ),
        ] {
            let e = format!("{:#}", parse(text).unwrap_err());
            assert!(
                e.contains(".insforge/project.json") && e.contains(needle),
                "{e}"
            );
            assert!(e.contains("npx @insforge/cli link"), "{e}");
            assert!(!e.contains("ik_secret"), "{e}");
        }
    }
}
