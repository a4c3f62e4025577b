//! The base store, `insforge-integrate.base.toml` in the app's root: for every file the tool
//! owns (the files it creates whole and its migrations), what it last wrote there — the text
//! and its SHA-256. `check` tells a user's edit from a template change with it, and `update`
//! merges three ways from it (base = what the tool last wrote). Written in the same
//! transaction as the files; meant to be committed with them. Never holds a secret: env files
//! are merged, not owned, and are never recorded.

use std::collections::BTreeMap;

use anyhow::Result;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::Error;

pub const FILE: &str = "insforge-integrate.base.toml";

const VERSION: u32 = 1;

/// What the tool last wrote, by path (forward slashes, relative to the root).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Base {
    pub files: BTreeMap<String, String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Stored {
    version: u32,
    #[serde(default, rename = "file")]
    files: Vec<StoredFile>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredFile {
    path: String,
    sha256: String,
    content: String,
}

/// The SHA-256 of a text, in hex.
pub fn sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Base {
    /// What the tool last wrote to `path`.
    pub fn get(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    /// The store's text.
    pub fn parse(text: &str) -> Result<Self> {
        Self::parse_noting(text).map(|(base, _)| base)
    }

    /// The store's text, and what is odd about it: an entry whose content no longer matches
    /// its SHA-256 (edited by hand) is still used, content first, and named.
    pub fn parse_noting(text: &str) -> Result<(Self, Vec<String>)> {
        let invalid = |message: String| -> anyhow::Error {
            Error::InvalidFile {
                path: FILE.into(),
                message,
            }
            .into()
        };
        let stored: Stored = toml::from_str(text).map_err(|e| {
            invalid(format!(
                "{e}(restore it from version control, or delete it: files that differ then count as conflicts)"
            ))
        })?;
        if stored.version != VERSION {
            return Err(invalid(format!(
                "has version {}, and this insforge-integrate reads version {VERSION}: upgrade insforge-integrate",
                stored.version
            )));
        }
        let mut files = BTreeMap::new();
        let mut notes = Vec::new();
        for f in stored.files {
            if sha256(&f.content) != f.sha256 {
                notes.push(format!(
                    "{FILE}: the content recorded for {} does not match its sha256 (edited by hand?): the recorded content is used as what insforge-integrate last wrote",
                    f.path
                ));
            }
            if files.insert(f.path.clone(), f.content).is_some() {
                return Err(invalid(format!(
                    "records {} twice: restore it from version control, or delete it",
                    f.path
                )));
            }
        }
        Ok((Self { files }, notes))
    }

    pub fn render(&self) -> String {
        let stored = Stored {
            version: VERSION,
            files: self
                .files
                .iter()
                .map(|(path, content)| StoredFile {
                    path: path.clone(),
                    sha256: sha256(content),
                    content: content.clone(),
                })
                .collect(),
        };
        let body = toml::to_string(&stored).expect("plain strings serialize");
        format!(
            "# What insforge-integrate last wrote to each file it owns, so `check` can tell your\n\
             # edits from template changes and `update` can merge them. Commit it; do not edit it.\n{body}"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_any_text() {
        let mut base = Base::default();
        base.files.insert(
            "lib/insforge.ts".into(),
            "const a = '''x''';\n\"\"\"\n\ttab\r\nend".into(),
        );
        base.files
            .insert("migrations/1_a.sql".into(), String::new());
        let text = base.render();
        assert_eq!(Base::parse(&text).unwrap(), base);
    }

    #[test]
    fn a_hand_edited_entry_is_used_and_named() {
        let mut base = Base::default();
        base.files.insert("a.ts".into(), "one\n".into());
        let text = base.render().replace("one", "two");
        let (read, notes) = Base::parse_noting(&text).unwrap();
        assert_eq!(read.get("a.ts"), Some("two\n"));
        assert!(
            notes[0].contains("a.ts does not match its sha256"),
            "{notes:?}"
        );
        let twice = format!(
            "{}\n[[file]]\npath = \"a.ts\"\nsha256 = \"x\"\ncontent = \"\"\n",
            base.render()
        );
        assert!(Base::parse(&twice).is_err());
    }

    #[test]
    fn sha256_is_the_standard_one() {
        assert_eq!(
            sha256("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
