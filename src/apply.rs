//! Apply: the only code that writes, as one transaction over the app.
//!
//! - [`lock`] holds an exclusive lock on the app's folder for the whole run, so two runs never
//!   interleave; the second waits a little, then fails saying why.
//! - [`apply`] re-checks every target against the bytes the plan saw (or that it is still
//!   absent) and writes nothing when one changed; stages every new text in a temp file beside
//!   its target (mode 0600, fsynced), so a folder that cannot be written or a full disk stops
//!   the run before any file changes; then renames each into place — creates never replace a
//!   file that appeared meanwhile — and, when one rename fails, puts back every file it had
//!   already replaced or created.
//! - Temp files carry one prefix, [`TEMP_PREFIX`]; [`sweep`] removes those a killed run left.
//!
//! Each file is either its old bytes or its new bytes at every instant, and keeps its
//! permissions; a file the plan does not change is not touched.

use std::fs::{self, File, Permissions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::app::Disk;
use crate::change::{Change, Kind, Plan};
use crate::error::Error;

/// Every temp file the tool writes starts with this, and ends with [`TEMP_SUFFIX`].
pub const TEMP_PREFIX: &str = ".insforge-integrate-";
pub const TEMP_SUFFIX: &str = ".tmp";

/// How long a run waits for another one to finish with the same app.
const LOCK_WAIT: Duration = Duration::from_secs(5);

/// The app's lock, held until dropped.
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

/// Take the exclusive lock on the app at `root` (on Unix, on the folder itself, so nothing is
/// left behind), waiting up to a few seconds for a run that holds it.
pub fn lock(root: &Path) -> Result<Lock> {
    let file = lock_file(root)?;
    let started = Instant::now();
    loop {
        match fs4::FileExt::try_lock(&file) {
            Ok(()) => return Ok(Lock { _file: file }),
            Err(fs4::TryLockError::WouldBlock) if started.elapsed() < LOCK_WAIT => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(fs4::TryLockError::WouldBlock) => {
                return Err(Error::Busy(root.display().to_string()).into())
            }
            Err(fs4::TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("locking {}", root.display()))
            }
        }
    }
}

#[cfg(unix)]
fn lock_file(root: &Path) -> Result<File> {
    File::open(root).with_context(|| format!("opening {} to lock it", root.display()))
}

#[cfg(not(unix))]
fn lock_file(root: &Path) -> Result<File> {
    // A folder cannot be opened as a file here: lock a file named after the app instead.
    use std::hash::{Hash, Hasher};
    let real = fs::canonicalize(root).with_context(|| format!("resolving {}", root.display()))?;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    real.hash(&mut hasher);
    let path =
        std::env::temp_dir().join(format!("insforge-integrate-{:016x}.lock", hasher.finish()));
    fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("opening {}", path.display()))
}

/// Remove the temp files a killed run left in the folders this plan touches (and the root).
/// Returns how many it removed.
pub fn sweep(root: &Path, plan: &Plan) -> usize {
    let mut dirs: Vec<PathBuf> = vec![root.to_path_buf()];
    for change in &plan.changes {
        for dir in change.path.ancestors().skip(1) {
            let dir = root.join(dir);
            if !dirs.contains(&dir) {
                dirs.push(dir);
            }
        }
        // A target that is a link (inside the app) is written beside where it points.
        let full = root.join(&change.path);
        if fs::symlink_metadata(&full).is_ok_and(|m| m.file_type().is_symlink()) {
            if let Some(dir) = fs::canonicalize(&full)
                .ok()
                .and_then(|t| t.parent().map(Path::to_path_buf))
            {
                if !dirs.contains(&dir) {
                    dirs.push(dir);
                }
            }
        }
    }
    let mut removed = 0;
    for dir in dirs {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let ours = name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX);
            if ours
                && entry.file_type().is_ok_and(|t| t.is_file())
                && fs::remove_file(entry.path()).is_ok()
            {
                removed += 1;
            }
        }
    }
    removed
}

/// One staged write: the temp file beside its target, and what to restore.
struct Staged<'a> {
    change: &'a Change,
    /// Where the bytes go (through a link inside the app, its target).
    target: PathBuf,
    temp: Option<tempfile::NamedTempFile>,
    /// The target's permissions before the run, when it existed.
    permissions: Option<Permissions>,
    /// Its owner and group, kept when the run has the right to (as root).
    owner: Option<(u32, u32)>,
}

/// What the commit step does to the filesystem; tests swap it to make a rename fail.
pub trait Ops {
    fn rename(&mut self, temp: tempfile::NamedTempFile, target: &Path, create: bool) -> Result<()>;
}

/// The real filesystem.
pub struct RealOps;

impl Ops for RealOps {
    fn rename(&mut self, temp: tempfile::NamedTempFile, target: &Path, create: bool) -> Result<()> {
        if create {
            temp.persist_noclobber(target).map_err(|e| e.error)?;
        } else {
            temp.persist(target).map_err(|e| e.error)?;
        }
        Ok(())
    }
}

/// Write every change that writes, all or nothing; returns the paths written.
pub fn apply(root: &Path, plan: &Plan) -> Result<Vec<PathBuf>> {
    apply_with(root, plan, &mut RealOps)
}

pub fn apply_with(root: &Path, plan: &Plan, ops: &mut dyn Ops) -> Result<Vec<PathBuf>> {
    let disk = Disk::new(root)?;
    let changes: Vec<&Change> = plan.writes().collect();

    // 1. Every target still holds what the plan saw.
    let mut staged = Vec::with_capacity(changes.len());
    for change in &changes {
        let target = match disk.resolve(&change.path)? {
            // A link inside the app (checked by `resolve`) is written where it points.
            Some(full) => fs::canonicalize(&full)
                .with_context(|| format!("resolving {}", change.display_path()))?,
            None => root.join(&change.path),
        };
        unchanged(change, &target)?;
        let meta = fs::metadata(&target).ok();
        staged.push(Staged {
            change,
            target,
            temp: None,
            permissions: meta.as_ref().map(|m| m.permissions()),
            owner: meta.as_ref().and_then(owner_of),
        });
    }

    // 2. Stage every new text beside its target: proves each folder writable and the disk big
    //    enough before any file changes.
    let mut created_dirs: Vec<PathBuf> = Vec::new();
    for i in 0..staged.len() {
        let result = stage(&mut staged[i], &mut created_dirs);
        if let Err(e) = result {
            let failed = staged[i].change.display_path();
            drop(staged);
            remove_dirs(&created_dirs);
            return Err(Error::WriteFailed {
                failed,
                cause: cause(&e),
                restored: Vec::new(),
                lost: Vec::new(),
            }
            .into());
        }
    }

    // 3. Check again, now that the slow part is done: an edit made while the files were
    //    being staged stops the run with nothing written.
    for s in &staged {
        if let Err(e) = unchanged(s.change, &s.target) {
            drop(staged);
            remove_dirs(&created_dirs);
            return Err(e);
        }
    }

    // 4. Rename each into place (checking it once more right before); on a failure, put back
    //    what was already replaced.
    let mut done: Vec<usize> = Vec::new();
    for i in 0..staged.len() {
        let temp = staged[i].temp.take().expect("staged");
        let create = staged[i].change.old.is_none();
        let result = unchanged(staged[i].change, &staged[i].target)
            .and_then(|()| finish_permissions(&staged[i], &temp))
            .and_then(|()| ops.rename(temp, &staged[i].target, create));
        if let Err(e) = result {
            let failed = staged[i].change.display_path();
            let (restored, lost) = roll_back(&staged, &done);
            drop(staged);
            remove_dirs(&created_dirs);
            return Err(Error::WriteFailed {
                failed,
                cause: cause(&e),
                restored,
                lost,
            }
            .into());
        }
        done.push(i);
    }
    let mut synced: Vec<&Path> = Vec::new();
    for s in &staged {
        if let Some(dir) = s.target.parent() {
            if !synced.contains(&dir) {
                sync_dir(dir);
                synced.push(dir);
            }
        }
    }
    Ok(changes.iter().map(|c| c.path.clone()).collect())
}

/// The target still holds the bytes the plan saw (or is still absent).
fn unchanged(change: &Change, target: &Path) -> Result<()> {
    let now = match fs::read(target) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("reading {}", change.display_path())),
    };
    if now.as_deref() != change.old.as_deref().map(str::as_bytes) {
        return Err(Error::Changed(change.display_path()).into());
    }
    Ok(())
}

#[cfg(unix)]
fn owner_of(meta: &fs::Metadata) -> Option<(u32, u32)> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.uid(), meta.gid()))
}

#[cfg(not(unix))]
fn owner_of(_: &fs::Metadata) -> Option<(u32, u32)> {
    None
}

/// The error without the temp file's path, which means nothing to the user.
fn cause(e: &anyhow::Error) -> String {
    let text = format!("{e:#}");
    match text.find(" at path ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

fn stage(staged: &mut Staged, created_dirs: &mut Vec<PathBuf>) -> Result<()> {
    let dir = staged
        .target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let missing: Vec<PathBuf> = dir
        .ancestors()
        .take_while(|d| !d.exists())
        .map(Path::to_path_buf)
        .collect();
    fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    created_dirs.extend(missing.into_iter().rev());
    let mut temp = temp_in(&dir)?;
    temp.write_all(staged.change.new.as_bytes())?;
    temp.as_file().sync_all()?;
    staged.temp = Some(temp);
    Ok(())
}

/// A new temp file in `dir`, private to the user whatever the umask.
fn temp_in(dir: &Path) -> Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(Permissions::from_mode(0o600));
    }
    builder
        .tempfile_in(dir)
        .with_context(|| format!("creating a file in {}", dir.display()))
}

/// The final mode, set on the temp file just before it takes the target's place: the old
/// file's, or for a new one 0644 (0600 for `.env.local`) less the umask.
fn finish_permissions(staged: &Staged, temp: &tempfile::NamedTempFile) -> Result<()> {
    let permissions = match &staged.permissions {
        Some(p) => p.clone(),
        None => match new_file_permissions(private(staged.change)) {
            Some(p) => p,
            None => return Ok(()),
        },
    };
    // As root (sudo, a container on a bind mount) the new file would be root's: give it back
    // to the old file's owner. Elsewhere this is the user's own file already.
    #[cfg(unix)]
    if let Some((uid, gid)) = staged.owner {
        let _ = std::os::unix::fs::chown(temp.path(), Some(uid), Some(gid));
    }
    fs::set_permissions(temp.path(), permissions)?;
    Ok(())
}

fn private(change: &Change) -> bool {
    change.kind == Kind::Env && change.path.ends_with(".env.local")
}

/// Put back, newest first, every change already renamed into place. Returns the paths
/// restored, and those that could not be.
fn roll_back(staged: &[Staged], done: &[usize]) -> (Vec<String>, Vec<String>) {
    let mut restored = Vec::new();
    let mut lost = Vec::new();
    for &i in done.iter().rev() {
        let s = &staged[i];
        let result = match &s.change.old {
            None => fs::remove_file(&s.target).map_err(anyhow::Error::from),
            Some(old) => (|| -> Result<()> {
                let dir = s.target.parent().unwrap_or(Path::new("."));
                let mut temp = temp_in(dir)?;
                temp.write_all(old.as_bytes())?;
                temp.as_file().sync_all()?;
                #[cfg(unix)]
                if let Some((uid, gid)) = s.owner {
                    let _ = std::os::unix::fs::chown(temp.path(), Some(uid), Some(gid));
                }
                if let Some(p) = &s.permissions {
                    fs::set_permissions(temp.path(), p.clone())?;
                }
                temp.persist(&s.target).map_err(|e| e.error)?;
                Ok(())
            })(),
        };
        match result {
            Ok(()) => restored.push(s.change.display_path()),
            Err(_) => lost.push(s.change.display_path()),
        }
    }
    (restored, lost)
}

/// Remove the folders this run created, deepest first, when they are empty again.
fn remove_dirs(dirs: &[PathBuf]) {
    for dir in dirs.iter().rev() {
        let _ = fs::remove_dir(dir);
    }
}

#[cfg(unix)]
fn sync_dir(dir: &Path) {
    if let Ok(f) = File::open(dir) {
        let _ = f.sync_all();
    }
}

#[cfg(not(unix))]
fn sync_dir(_: &Path) {}

#[cfg(unix)]
fn new_file_permissions(private: bool) -> Option<Permissions> {
    use std::os::unix::fs::PermissionsExt;
    let mode = if private { 0o600 } else { 0o644 };
    Some(Permissions::from_mode(mode & !umask()))
}

#[cfg(not(unix))]
fn new_file_permissions(_: bool) -> Option<Permissions> {
    None
}

/// The process umask, read without changing it (Linux); 022 elsewhere.
#[cfg(unix)]
fn umask() -> u32 {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Umask:"))
                .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
        })
        .unwrap_or(0o022)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::change::{Action, Reason};

    fn change(path: &str, old: Option<&str>, new: &str) -> Change {
        Change {
            path: path.into(),
            action: if old.is_some() {
                Action::Update
            } else {
                Action::Create
            },
            kind: Kind::Owned,
            old: old.map(str::to_string),
            new: new.into(),
            reason: None::<Reason>,
            theirs: None,
            detail: crate::change::Detail::None,
        }
    }

    fn plan(changes: Vec<Change>) -> Plan {
        Plan {
            changes,
            ..Plan::default()
        }
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// Fails the `n`th rename; the others go through.
    struct FailAt(usize);

    impl Ops for FailAt {
        fn rename(
            &mut self,
            temp: tempfile::NamedTempFile,
            target: &Path,
            create: bool,
        ) -> Result<()> {
            if self.0 == 0 {
                anyhow::bail!("No space left on device (simulated)");
            }
            self.0 -= 1;
            RealOps.rename(temp, target, create)
        }
    }

    #[cfg(unix)]
    #[test]
    fn keeps_permissions_and_leaves_no_temp_files() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.sh");
        fs::write(&path, "old").unwrap();
        fs::set_permissions(&path, Permissions::from_mode(0o750)).unwrap();
        let mut env = change(".env.local", None, "A=1\n");
        env.kind = Kind::Env;
        let p = plan(vec![
            change("run.sh", Some("old"), "new"),
            change("a/b/new.txt", None, "x"),
            env,
        ]);
        apply(dir.path(), &p).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        let mode = |p: &str| {
            fs::metadata(dir.path().join(p))
                .unwrap()
                .permissions()
                .mode()
                & 0o777
        };
        assert_eq!(mode("run.sh"), 0o750);
        assert_eq!(mode(".env.local"), 0o600);
        assert_eq!(mode("a/b/new.txt") & 0o077, 0o044 & !umask());
        assert_eq!(names(dir.path()), [".env.local", "a", "run.sh"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_inside_the_app_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("shared.env"), "A=1\n").unwrap();
        std::os::unix::fs::symlink("shared.env", dir.path().join(".env.local")).unwrap();
        apply(
            dir.path(),
            &plan(vec![change(".env.local", Some("A=1\n"), "A=1\nB=2\n")]),
        )
        .unwrap();
        let link = fs::symlink_metadata(dir.path().join(".env.local")).unwrap();
        assert!(link.file_type().is_symlink());
        let shared = fs::read_to_string(dir.path().join("shared.env")).unwrap();
        assert_eq!(shared, "A=1\nB=2\n");
    }

    #[test]
    fn a_file_changed_since_the_plan_stops_everything() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.txt"), "seen").unwrap();
        fs::write(dir.path().join("b.txt"), "edited meanwhile").unwrap();
        let p = plan(vec![
            change("a.txt", Some("seen"), "new a"),
            change("b.txt", Some("seen"), "new b"),
        ]);
        let err = apply(dir.path(), &p).unwrap_err();
        assert!(matches!(err.downcast_ref(), Some(Error::Changed(p)) if p == "b.txt"));
        assert_eq!(
            fs::read_to_string(dir.path().join("a.txt")).unwrap(),
            "seen"
        );

        // A file that appeared where the plan creates one.
        fs::write(dir.path().join("c.txt"), "mine").unwrap();
        let err = apply(dir.path(), &plan(vec![change("c.txt", None, "x")])).unwrap_err();
        assert!(matches!(err.downcast_ref(), Some(Error::Changed(_))));
        assert_eq!(
            fs::read_to_string(dir.path().join("c.txt")).unwrap(),
            "mine"
        );
    }

    #[test]
    fn a_create_never_replaces_a_file_that_appears_at_the_last_moment() {
        struct Racer;
        impl Ops for Racer {
            fn rename(&mut self, t: tempfile::NamedTempFile, target: &Path, c: bool) -> Result<()> {
                fs::write(target, "theirs").unwrap();
                RealOps.rename(t, target, c)
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let err = apply_with(
            dir.path(),
            &plan(vec![change("n.txt", None, "ours")]),
            &mut Racer,
        )
        .unwrap_err();
        assert!(format!("{err:#}").contains("n.txt"), "{err:#}");
        assert_eq!(
            fs::read_to_string(dir.path().join("n.txt")).unwrap(),
            "theirs"
        );
        assert_eq!(names(dir.path()), ["n.txt"]);
    }

    #[test]
    fn a_failed_rename_restores_what_was_written() {
        for fail_at in 0..4 {
            let dir = tempfile::tempdir().unwrap();
            fs::write(dir.path().join("package.json"), "{}\n").unwrap();
            fs::write(dir.path().join(".env.local"), "A=1\n").unwrap();
            let before = names(dir.path());
            let p = plan(vec![
                change("package.json", Some("{}\n"), "{\"x\":1}\n"),
                change(".env.local", Some("A=1\n"), "A=1\nB=2\n"),
                change("lib/insforge.ts", None, "export {}\n"),
                change("migrations/1_x.sql", None, "select 1;\n"),
            ]);
            let err = apply_with(dir.path(), &p, &mut FailAt(fail_at)).unwrap_err();
            let Some(Error::WriteFailed {
                failed,
                restored,
                lost,
                ..
            }) = err.downcast_ref()
            else {
                panic!("{err:#}")
            };
            assert_eq!(*failed, p.changes[fail_at].display_path());
            assert_eq!(restored.len(), fail_at, "{restored:?}");
            assert!(lost.is_empty());
            assert_eq!(names(dir.path()), before, "fail at {fail_at}");
            assert_eq!(
                fs::read_to_string(dir.path().join("package.json")).unwrap(),
                "{}\n"
            );
            assert_eq!(
                fs::read_to_string(dir.path().join(".env.local")).unwrap(),
                "A=1\n"
            );
            let shown = err.to_string();
            assert!(shown.contains("nothing was left changed"), "{shown}");
        }
    }

    #[test]
    fn sweep_removes_only_the_tools_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("lib")).unwrap();
        for name in [
            ".insforge-integrate-abc.tmp",
            "lib/.insforge-integrate-x1.tmp",
            ".insforge-integrate-notes",
            "keep.tmp",
        ] {
            fs::write(dir.path().join(name), "x").unwrap();
        }
        let p = plan(vec![change("lib/insforge.ts", None, "")]);
        assert_eq!(sweep(dir.path(), &p), 2);
        assert_eq!(
            names(dir.path()),
            [".insforge-integrate-notes", "keep.tmp", "lib"]
        );
        assert!(names(&dir.path().join("lib")).is_empty());
    }
}
