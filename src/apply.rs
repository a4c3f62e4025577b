//! Apply: the only code that writes. Each file is written to a temporary file in its own folder
//! and renamed over the target, so a file is either old or new, never half-written; an existing
//! file keeps its permissions. Files the plan does not change are not touched.

use std::fs::{self, Permissions};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::plan::{Kind, Plan};

/// Write every change that writes; returns the paths written, relative to `root`.
pub fn apply(root: &Path, plan: &Plan) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for change in plan.writes() {
        let target = root.join(&change.path);
        let private = change.kind == Kind::Env && change.path.ends_with(".env.local");
        write_atomic(&target, change.new.as_bytes(), private)
            .with_context(|| format!("writing {}", change.path.display()))?;
        written.push(change.path.clone());
    }
    Ok(written)
}

/// Write `bytes` to `target` through a temp file in the same folder and a rename.
/// A new file gets mode 0644 (0600 when `private`), less the umask.
pub fn write_atomic(target: &Path, bytes: &[u8], private: bool) -> Result<()> {
    // A symlinked file (a shared .env, say) is updated where it points, and stays a link.
    let resolved;
    let target = if fs::symlink_metadata(target).is_ok_and(|m| m.file_type().is_symlink()) {
        resolved = fs::canonicalize(target)?;
        resolved.as_path()
    } else {
        target
    };
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let existing = fs::metadata(target).ok().map(|m| m.permissions());
    let mut builder = tempfile::Builder::new();
    builder.prefix(".insforge-integrate-").suffix(".tmp");
    let new_permissions = new_file_permissions(private);
    if let Some(p) = &new_permissions {
        builder.permissions(p.clone());
    }
    let mut temp = builder.tempfile_in(dir)?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    if let Some(permissions) = existing {
        fs::set_permissions(temp.path(), permissions)?;
    }
    temp.persist(target).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(unix)]
fn new_file_permissions(private: bool) -> Option<Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(Permissions::from_mode(if private { 0o600 } else { 0o644 }))
}

#[cfg(not(unix))]
fn new_file_permissions(_: bool) -> Option<Permissions> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn keeps_permissions_and_leaves_no_temp_files() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.sh");
        fs::write(&path, "old").unwrap();
        fs::set_permissions(&path, Permissions::from_mode(0o750)).unwrap();
        write_atomic(&path, b"new", false).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o750
        );
        write_atomic(&dir.path().join("a/b/new.txt"), b"x", true).unwrap();
        let mode = fs::metadata(dir.path().join("a/b/new.txt"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "private files are not readable by others");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("shared.env"), "A=1\n").unwrap();
        std::os::unix::fs::symlink("shared.env", dir.path().join(".env.local")).unwrap();
        write_atomic(&dir.path().join(".env.local"), b"A=1\nB=2\n", true).unwrap();
        let link = fs::symlink_metadata(dir.path().join(".env.local")).unwrap();
        assert!(link.file_type().is_symlink());
        let shared = fs::read_to_string(dir.path().join("shared.env")).unwrap();
        assert_eq!(shared, "A=1\nB=2\n");
    }
}
