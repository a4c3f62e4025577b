//! The one reader of the app's files, and its path safety. [`read_regular`] is how any file
//! is opened to read (never a FIFO, a device or a folder); detection reads through a
//! [`Reader`] (each file at most once; its texts are what the plan works from);
//! [`read_config`] reads the app's configuration and the tool's own files; [`Disk`] checks a
//! path of the app component by component (links resolve, and stay inside the app) for the
//! plan's reads and apply's re-check before it writes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::error::Error;
use crate::paths::slash;

/// The text of a regular file of at most 16 MiB, or None (a FIFO, a device or a folder in
/// its place is never opened: reading one would hang or never end).
pub fn read_regular(path: &std::path::Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > 16 << 20 {
        return None;
    }
    std::fs::read_to_string(path).ok()
}

/// The files detection reads inside the app, each read once: by path relative to the root,
/// its exact text, or None when it is not there or not a regular UTF-8 file of at most
/// 16 MiB. The plan gets its texts from here ([`crate::detect::Project::texts`]), not from a second read.
#[derive(Debug)]
pub struct Reader {
    root: PathBuf,
    seen: std::cell::RefCell<BTreeMap<PathBuf, Option<String>>>,
}

impl Reader {
    pub fn new(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
            seen: Default::default(),
        }
    }

    /// The text of `rel`, read at most once.
    pub fn text(&self, rel: &Path) -> Option<String> {
        if let Some(text) = self.seen.borrow().get(rel) {
            return text.clone();
        }
        let text = read_regular(&self.root.join(rel));
        self.seen
            .borrow_mut()
            .insert(rel.to_path_buf(), text.clone());
        text
    }

    /// Record bytes read some other way (a config file, an env file), when they are text.
    pub fn saw(&self, rel: &Path, bytes: &[u8]) {
        let text = std::str::from_utf8(bytes).ok().map(str::to_string);
        self.seen.borrow_mut().insert(rel.to_path_buf(), text);
    }

    /// The app's folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// How many files read so far, other than `except`, hold text that `holds` accepts.
    pub fn count(&self, except: &Path, holds: impl Fn(&str) -> bool) -> usize {
        self.seen
            .borrow()
            .iter()
            .filter(|(path, text)| path.as_path() != except && text.as_deref().is_some_and(&holds))
            .count()
    }

    /// The first value `find` gives over the texts read so far, in path order.
    pub fn find_map<T>(&self, find: impl Fn(&str) -> Option<T>) -> Option<T> {
        self.seen
            .borrow()
            .values()
            .find_map(|text| text.as_deref().and_then(&find))
    }

    pub fn into_texts(self) -> BTreeMap<PathBuf, Option<String>> {
        self.seen.into_inner()
    }
}

/// A configuration file of the app (`package.json`, `tsconfig.json`, the answers file) as
/// text, or None when there is none. Anything else that stops it being read as UTF-8 text — a
/// folder or FIFO in its place, a read error, UTF-16 with or without a byte-order mark — is a
/// usage error naming the file and what to do.
pub fn read_config(reader: &Reader, name: &str) -> Result<Option<String>> {
    let Some(bytes) = read_checked(&reader.root, name)? else {
        return Ok(None);
    };
    reader.saw(Path::new(name), &bytes);
    decode(bytes).map(Some).map_err(|message| {
        Error::InvalidFile {
            path: name.into(),
            message,
        }
        .into()
    })
}

/// [`read_config`] for a file that holds a secret (the InsForge link): read as safely, and
/// kept out of the texts detection hands on.
pub fn read_private(root: &Path, name: &str) -> Result<Option<String>> {
    let Some(bytes) = read_checked(root, name)? else {
        return Ok(None);
    };
    decode(bytes).map(Some).map_err(|message| {
        Error::InvalidFile {
            path: name.into(),
            message,
        }
        .into()
    })
}

/// The bytes of `name` in the app, checked as [`read_config`] says.
fn read_checked(root: &Path, name: &str) -> Result<Option<Vec<u8>>> {
    let full = root.join(name);
    let invalid = |message: String| -> anyhow::Error {
        Error::InvalidFile {
            path: name.into(),
            message,
        }
        .into()
    };
    // The tool's own files are its state: one that links out of the app would be read (and
    // later written) outside it, so it is refused before anything is planned or shown, by
    // the checks the plan and apply use.
    Disk::new(root)?.resolve(Path::new(name))?;
    let meta = match std::fs::metadata(&full) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(invalid(format!(
                "cannot be read ({e}): fix its permissions"
            )))
        }
    };
    if !meta.is_file() {
        let what = if meta.is_dir() {
            "a folder"
        } else {
            "not a regular file"
        };
        return Err(invalid(format!("is {what}: it must be a text file")));
    }
    let bytes = std::fs::read(&full)
        .map_err(|e| invalid(format!("cannot be read ({e}): fix its permissions")))?;
    Ok(Some(bytes))
}

/// UTF-8 text, or why not.
pub fn decode(bytes: Vec<u8>) -> Result<String, String> {
    let utf16 = bytes.starts_with(&[0xff, 0xfe])
        || bytes.starts_with(&[0xfe, 0xff])
        || bytes.iter().take(64).filter(|&&b| b == 0).count() >= 2;
    if utf16 {
        return Err(
            "is UTF-16 text (as PowerShell and some Windows editors save it): save it as UTF-8 and run again"
                .into(),
        );
    }
    String::from_utf8(bytes)
        .map_err(|_| "is not UTF-8 text: save it as UTF-8 and run again".to_string())
}

/// The real project folder, read-only. Every path it reads must stay inside the app: a link
/// that leaves the app's folder, a dangling link, or a target that is not a regular file is an
/// error here, before anything is shown or written.
pub struct Disk {
    root: PathBuf,
    /// The root with every link resolved, to compare link targets against.
    real_root: PathBuf,
}

impl Disk {
    pub fn new(root: &Path) -> Result<Self> {
        let real_root =
            std::fs::canonicalize(root).with_context(|| format!("resolving {}", root.display()))?;
        Ok(Self {
            root: root.to_path_buf(),
            real_root,
        })
    }

    /// `path` checked component by component: links must resolve, and inside the app.
    /// Returns the full path when something is there, None when nothing is.
    pub fn resolve(&self, path: &Path) -> Result<Option<PathBuf>> {
        let mut here = self.root.clone();
        for (n, component) in path.components().enumerate() {
            if n > 0 && std::fs::metadata(&here).is_ok_and(|m| !m.is_dir()) {
                return Err(Error::InvalidFile {
                    path: here.strip_prefix(&self.root).unwrap_or(&here).to_path_buf(),
                    message: format!(
                        "is a file where insforge-integrate needs a folder (for {}): move it away and run again",
                        slash(path)
                    ),
                }
                .into());
            }
            here.push(component);
            let meta = match std::fs::symlink_metadata(&here) {
                Ok(meta) => meta,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                Err(e) => {
                    return Err(e).with_context(|| format!("reading {}", here.display()));
                }
            };
            if meta.file_type().is_symlink() {
                let shown = slash(here.strip_prefix(&self.root).unwrap_or(&here));
                let link = std::fs::read_link(&here).unwrap_or_default();
                let real = std::fs::canonicalize(&here).map_err(|_| Error::InvalidFile {
                    path: shown.clone().into(),
                    message: format!(
                        "is a link to {}, which does not exist: remove the link, or create what it points to, and run again",
                        link.display()
                    ),
                })?;
                if !real.starts_with(&self.real_root) {
                    return Err(Error::InvalidFile {
                        path: shown.into(),
                        message: format!(
                            "is a link to {}, outside the app's folder: insforge-integrate never reads or writes outside the app. Replace the link with a copy of the file and run again",
                            real.display()
                        ),
                    }
                    .into());
                }
            }
        }
        Ok(Some(here))
    }
}

impl Disk {
    /// `path` resolved as [`Disk::resolve`] does, and a regular file (None when absent).
    pub fn regular(&self, path: &Path) -> Result<Option<PathBuf>> {
        let Some(full) = self.resolve(path)? else {
            return Ok(None);
        };
        let meta =
            std::fs::metadata(&full).with_context(|| format!("reading {}", full.display()))?;
        if !meta.is_file() {
            return Err(Error::InvalidFile {
                path: path.to_path_buf(),
                message: format!(
                    "is {}, where insforge-integrate writes a file: move it away and run again",
                    if meta.is_dir() {
                        "a folder"
                    } else {
                        "not a regular file"
                    }
                ),
            }
            .into());
        }
        Ok(Some(full))
    }
}

impl Disk {
    /// The text of `path` (None when absent), resolved safely; not UTF-8 is an error.
    pub fn read(&self, path: &Path) -> Result<Option<String>> {
        let Some(full) = self.regular(path)? else {
            return Ok(None);
        };
        let bytes = std::fs::read(&full).with_context(|| format!("reading {}", full.display()))?;
        String::from_utf8(bytes).map(Some).map_err(|_| {
            Error::InvalidFile {
                path: path.to_path_buf(),
                message: "is not UTF-8 text: save it as UTF-8 and run again".into(),
            }
            .into()
        })
    }

    /// The names in the folder `dir` (none when absent).
    pub fn list(&self, dir: &Path) -> Result<Vec<String>> {
        let Some(full) = self.resolve(dir)? else {
            return Ok(Vec::new());
        };
        if !std::fs::metadata(&full).is_ok_and(|m| m.is_dir()) {
            return Err(Error::InvalidFile {
                path: dir.to_path_buf(),
                message: "is not a folder: insforge-integrate keeps migrations in this folder; move the file away and run again".into(),
            }
            .into());
        }
        Ok(std::fs::read_dir(&full)
            .with_context(|| format!("reading {}", full.display()))?
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().into_string().ok())
            .collect())
    }

    /// The file is read-only.
    pub fn read_only(&self, path: &Path) -> bool {
        std::fs::metadata(self.root.join(path)).is_ok_and(|m| m.permissions().readonly())
    }
}

/// Whether the package `name` is installed where Node resolves it from the app: its
/// `node_modules`, or one above it (a workspace's).
pub fn installed(root: &Path, name: &str) -> bool {
    let Ok(root) = std::path::absolute(root) else {
        return false;
    };
    root.ancestors().any(|dir| {
        dir.join("node_modules")
            .join(name)
            .join("package.json")
            .is_file()
    })
}
