//! Plan: artifacts against the files as they are now → the list of changes. Pure over a
//! [`Files`] view, so dry run, `--check`, the confirmation prompt and apply all read the same
//! plan, and tests can plan without a disk.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::app::Disk;
use crate::change::{
    Action, Artifact, Change, Dependency, Detail, Kind, Manual, Plan, Reason, ToolState,
    MIGRATIONS_DIR,
};
use crate::clock::{self, Seconds};
use crate::dotenv;
use crate::error::Error;
use crate::gitignore;
use crate::paths::slash;
use crate::pkgjson;
use crate::store::base::Base;

mod finish;
pub use finish::finish;

/// Read access to the project's current files, by path relative to its root.
pub trait Files {
    fn read(&self, path: &Path) -> Result<Option<String>>;
    /// The file names in a folder (empty when it does not exist).
    fn list(&self, dir: &Path) -> Result<Vec<String>>;
    /// The file exists and nobody may write it (mode 0444, say).
    fn read_only(&self, _path: &Path) -> bool {
        false
    }
    /// Interceptor files where Next.js looks for them (the root, or src/ in a src/ layout).
    fn interceptors(&self) -> Result<Vec<PathBuf>> {
        let mut found = Vec::new();
        for path in crate::detect::interceptor_candidates() {
            if self.read(&path)?.is_some() {
                found.push(path);
            }
        }
        Ok(found)
    }
}

impl Files for Disk {
    fn read(&self, path: &Path) -> Result<Option<String>> {
        Disk::read(self, path)
    }

    fn list(&self, dir: &Path) -> Result<Vec<String>> {
        Disk::list(self, dir)
    }

    fn read_only(&self, path: &Path) -> bool {
        Disk::read_only(self, path)
    }
}

/// The app as detection read it: the texts in the project model, so no file is read twice,
/// with every path still checked on disk as [`Disk`] checks it (links, folders, FIFOs).
/// Files detection did not read are read from disk.
pub struct Snapshot<'a> {
    disk: Disk,
    texts: &'a std::collections::BTreeMap<PathBuf, Option<String>>,
    interceptors: &'a [PathBuf],
}

impl<'a> Snapshot<'a> {
    pub fn new(root: &Path, project: &'a crate::detect::Project) -> Result<Self> {
        Ok(Self {
            disk: Disk::new(root)?,
            texts: &project.texts,
            interceptors: &project.interceptors,
        })
    }
}

impl Files for Snapshot<'_> {
    fn read(&self, path: &Path) -> Result<Option<String>> {
        match self.texts.get(path) {
            Some(Some(text)) => Ok(self.disk.regular(path)?.map(|_| text.clone())),
            _ => self.disk.read(path),
        }
    }

    fn list(&self, dir: &Path) -> Result<Vec<String>> {
        self.disk.list(dir)
    }

    fn read_only(&self, path: &Path) -> bool {
        self.disk.read_only(path)
    }

    fn interceptors(&self) -> Result<Vec<PathBuf>> {
        Ok(self.interceptors.to_vec())
    }
}

/// The plan for these artifacts over `files`. `base` is what the tool last wrote to the files
/// it owns: an owned file still holding that is the tool's to update; one that differs from it
/// was edited by the user (a conflict, [`Reason::Edited`]).
///
/// The tool's own files (the answers file, the base store) are not among the changes yet:
/// their inputs wait in [`Plan::tool_state`] for [`finish`], once the conflicts are decided.
/// `base_text` is the base store's text now.
pub fn plan(
    artifacts: &[Artifact],
    files: &dyn Files,
    now: Seconds,
    base: &Base,
    base_text: Option<String>,
) -> Result<Plan> {
    let mut plan = Plan::default();
    let dir = artifacts
        .iter()
        .find_map(|a| match a {
            Artifact::Migration { dir, .. } => Some(dir.clone()),
            _ => None,
        })
        .unwrap_or_else(|| PathBuf::from(MIGRATIONS_DIR));
    let mut migrations = Migrations::scan(files, now, dir)?;
    let mut migration_artifacts: Vec<&Artifact> = artifacts
        .iter()
        .filter(|a| matches!(a, Artifact::Migration { .. }))
        .collect();
    migration_artifacts.sort_by_key(|a| match a {
        Artifact::Migration { sequence, .. } => *sequence,
        _ => 0,
    });

    for artifact in artifacts {
        match artifact {
            Artifact::File { path, content } => {
                let old = files.read(path)?;
                plan.push_owned(path, old, content, base);
            }
            Artifact::Interceptor { path, content } => {
                let old = files.read(path)?;
                if old.as_deref().is_some_and(|old| same_text(old, content))
                    || (old.is_some() && base.get(&slash(path)).is_some())
                {
                    // The tool's own interceptor (the app had none before).
                    plan.push_owned(path, old, content, base);
                    continue;
                }
                let existing = files.interceptors()?;
                if existing.is_empty() {
                    plan.push(path, Action::Create, Kind::Owned, None, content.clone());
                } else {
                    plan.manual.push(Manual {
                        existing,
                        wanted: path.clone(),
                        content: content.clone(),
                    });
                }
            }
            Artifact::Env {
                path,
                entries,
                header,
            } => {
                let old = files.read(path)?;
                let new = dotenv::merge(old.as_deref().unwrap_or(""), entries, Some(header))
                    .map_err(|e| Error::InvalidArgument(format!("{}: {e}", slash(path))))?;
                let empty = |text: &str| -> Vec<String> {
                    dotenv::parse(text)
                        .into_iter()
                        .filter(|a| a.value.is_empty())
                        .map(|a| a.key)
                        .collect()
                };
                let detail = Detail::Env {
                    empty_now: empty(old.as_deref().unwrap_or("")),
                    empty_after: empty(&new),
                };
                plan.push_merge(path, Kind::Env, old, new);
                plan.changes.last_mut().expect("just pushed").detail = detail;
            }
            Artifact::GitIgnore {
                ignore,
                keep,
                unignore,
            } => {
                let path = PathBuf::from(".gitignore");
                let old = files.read(&path)?;
                let new = gitignore::ensure(old.as_deref().unwrap_or(""), ignore, keep, unignore);
                // Nothing to add and no file: none is created.
                if old.is_some() || !new.is_empty() {
                    plan.push_merge(&path, Kind::GitIgnore, old, new);
                }
            }
            Artifact::Dependencies(wanted) => {
                let path = PathBuf::from("package.json");
                let old = files
                    .read(&path)?
                    .context("package.json disappeared while the plan was made")?;
                let (new, added) = pkgjson::add_dependencies(&old, wanted)?;
                plan.added_dependencies = added.into_iter().cloned().collect();
                plan.push_merge(&path, Kind::PackageJson, Some(old), new);
            }
            Artifact::Answers(saved) => {
                plan.tool_state = Some(ToolState {
                    saved: saved.clone(),
                    saved_text: files.read(Path::new(crate::store::answers::FILE))?,
                    saved_at: plan.changes.len(),
                    base: base.clone(),
                    base_text: base_text.clone(),
                });
            }
            Artifact::Migration { .. } => {}
            Artifact::Edit {
                path, base, edits, ..
            } => {
                let old = files.read(path)?;
                if old.as_deref() != Some(base.as_str()) {
                    return Err(Error::Changed(slash(path)).into());
                }
                // Verified when it was made (`render`); applying cannot fail on that text.
                let new = crate::edit::apply(base, edits).context("applying an edit")?;
                plan.push_merge(path, Kind::Edit, old, new);
            }
        }
    }
    for artifact in migration_artifacts {
        if let Artifact::Migration { name, content, .. } = artifact {
            let (path, old) = migrations.place(files, name, content, base)?;
            let edited = old.as_deref().is_some_and(|old| !same_text(old, content));
            let action = if old.is_some() {
                Action::Unchanged
            } else {
                Action::Create
            };
            let version = path
                .file_name()
                .and_then(|f| f.to_str())
                .and_then(|f| f.split_once('_'))
                .map(|(v, _)| v.to_string())
                .unwrap_or_default();
            plan.push(&path, action, Kind::Migration, old, content.clone());
            plan.changes.last_mut().expect("just pushed").detail = Detail::Migration { version };
            if edited {
                plan.changes.last_mut().expect("just pushed").reason = Some(Reason::Edited);
            }
        }
    }
    for change in &mut plan.changes {
        if matches!(change.action, Action::Update | Action::Conflict)
            && files.read_only(&change.path)
        {
            change.action = Action::Conflict;
            change.reason = Some(Reason::ReadOnly);
        }
    }
    Ok(plan)
}

impl Plan {
    fn push(&mut self, path: &Path, action: Action, kind: Kind, old: Option<String>, new: String) {
        self.changes.push(Change::new(path, action, kind, old, new));
    }

    /// A file the tool owns whole: created, unchanged, updated when it still holds what the
    /// tool last wrote there, else a conflict (edited by the user, or never the tool's).
    fn push_owned(&mut self, path: &Path, old: Option<String>, content: &str, base: &Base) {
        let recorded = base.get(&slash(path));
        let action = match &old {
            None => Action::Create,
            Some(old) if same_text(old, content) => Action::Unchanged,
            Some(old) if recorded.is_some_and(|b| same_text(old, b)) => Action::Update,
            // Edited by the user, and the tool has nothing new for it: theirs as it is.
            Some(_) if recorded.is_some_and(|b| same_text(content, b)) => Action::Unchanged,
            Some(_) => Action::Conflict,
        };
        let edited = recorded.is_some() && matches!(action, Action::Unchanged | Action::Conflict);
        self.push(path, action, Kind::Owned, old, content.to_string());
        let change = self.changes.last_mut().expect("just pushed");
        if edited
            && change
                .old
                .as_deref()
                .is_some_and(|o| !same_text(o, content))
        {
            change.reason = Some(Reason::Edited);
        }
    }

    /// A merged file: create, update or unchanged, never a conflict.
    fn push_merge(&mut self, path: &Path, kind: Kind, old: Option<String>, new: String) {
        let action = match &old {
            None => Action::Create,
            Some(old) if *old == new => Action::Unchanged,
            Some(_) => Action::Update,
        };
        self.push(path, action, kind, old, new);
    }
}

/// Equal but for line endings (a checkout may have turned LF into CRLF).
fn same_text(a: &str, b: &str) -> bool {
    a == b || a.replace("\r\n", "\n") == b.replace("\r\n", "\n")
}

/// The project's `migrations/` folder and the versions in it.
struct Migrations {
    /// `migrations`, or `insforge/migrations` beside another system's.
    dir: PathBuf,
    /// (version, name, file name) of every `<digits>_<name>.sql`, sorted by version.
    existing: Vec<(Version, String, String)>,
    /// The version the next new migration takes.
    next: Version,
}

/// A migration version as the InsForge CLI orders them: by number.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Version {
    /// Significant digits (leading zeros dropped), so longer means larger.
    digits: usize,
    text: String,
}

impl Version {
    fn parse(v: &str) -> Option<Self> {
        if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let text = v.trim_start_matches('0').to_string();
        Some(Self {
            digits: text.len(),
            text,
        })
    }

    fn number(&self) -> Option<u64> {
        if self.text.is_empty() {
            return Some(0);
        }
        self.text.parse().ok()
    }
}

/// The largest version that still has the 14 digits of `YYYYMMDDHHmmss`.
const MAX_VERSION: u64 = 99_999_999_999_999;

impl Migrations {
    fn scan(files: &dyn Files, now: Seconds, dir: PathBuf) -> Result<Self> {
        let mut existing: Vec<(Version, String, String)> = files
            .list(&dir)?
            .into_iter()
            .filter_map(|file| {
                let stem = file.strip_suffix(".sql")?;
                let (version, name) = stem.split_once('_')?;
                Some((Version::parse(version)?, name.to_string(), file))
            })
            .collect();
        existing.sort();
        let now = Version::parse(&clock::version(now)).expect("14 digits");
        // The InsForge CLI refuses a version older than the newest applied one.
        let next = match existing.last() {
            Some((newest, _, file)) if *newest >= now => {
                let later = newest
                    .number()
                    .filter(|&n| n < MAX_VERSION)
                    .map(successor)
                    .filter(|v| v.number().is_some_and(|n| n <= MAX_VERSION));
                match later {
                    Some(v) => v,
                    None => {
                        return Err(Error::InvalidFile {
                            path: dir.join(file),
                            message: "has the largest migration version there is (a later one would need more than 14 digits): rename it with a current YYYYMMDDHHmmss version and run again".into(),
                        }
                        .into())
                    }
                }
            }
            _ => now,
        };
        Ok(Self {
            dir,
            existing,
            next,
        })
    }

    /// The path for migration `name` with `content`, and its current text when the newest
    /// migration of that name already holds this content, or held it when the tool wrote it
    /// (`base`; the user edited it since). A migration already written is never edited: any
    /// other content goes to a new, later one.
    fn place(
        &mut self,
        files: &dyn Files,
        name: &str,
        content: &str,
        base: &Base,
    ) -> Result<(PathBuf, Option<String>)> {
        if let Some((_, _, file)) = self.existing.iter().rev().find(|(_, n, _)| n == name) {
            let path = self.dir.join(file);
            if let Some(old) = files.read(&path)? {
                let written = base
                    .get(&slash(&path))
                    .is_some_and(|b| same_text(b, content));
                if same_text(&old, content) || written {
                    return Ok((path, Some(old)));
                }
            }
        }
        // A migration the tool wrote, since deleted: written back where it was, unless a later
        // one exists (the InsForge CLI refuses a version older than the newest).
        let newest = self.existing.last().map(|(v, _, _)| v.clone());
        let deleted = base.files.iter().find_map(|(path, text)| {
            let file = path.strip_prefix(&format!("{}/", slash(&self.dir)))?;
            let (version, rest) = file.strip_suffix(".sql")?.split_once('_')?;
            let version = Version::parse(version)?;
            let gone = !self.existing.iter().any(|(_, _, f)| f == file);
            let in_order = newest.as_ref().is_none_or(|n| version > *n);
            (rest == name && gone && in_order && same_text(text, content))
                .then(|| PathBuf::from(path))
        });
        if let Some(path) = deleted {
            return Ok((path, None));
        }
        let n = self.next.number().expect("versions here fit 14 digits");
        if n > MAX_VERSION {
            return Err(Error::InvalidArgument(format!(
                "no 14-digit migration version is left after {}: rename the newest migration in {}/ with a current version",
                self.next.text,
                slash(&self.dir)
            ))
            .into());
        }
        let file = format!("{n:014}_{name}.sql");
        if !crate::guard::file_name_ok(&file) {
            anyhow::bail!("the migration name {file} is not one the InsForge CLI applies: this is a bug in insforge-integrate; please report it");
        }
        let path = self.dir.join(&file);
        self.next = successor(n);
        Ok((path, None))
    }
}

/// The version after `n`: one second later when `n` is a time, else `n + 1`.
fn successor(n: u64) -> Version {
    let text = format!("{n:014}");
    let next = match clock::parse_version(&text) {
        Some(t) => clock::version(t + 1),
        None => format!("{:014}", n + 1),
    };
    Version::parse(&next).expect("digits")
}

impl Change {
    pub fn display_path(&self) -> String {
        slash(&self.path)
    }
}

/// After the conflicts are decided, keep the plan buildable: a tool file that imports names
/// from a file the user keeps, which does not export them, is not written (and the plan says
/// what is missing); a dependency that no written file and no kept file imports any more is
/// not added. Pure: the kept files' text is the plan's `old`.
pub fn settle(plan: &mut Plan, aliases: &[crate::detect::tsconfig::Alias]) -> Result<()> {
    use crate::detect::source;
    let module_of = |p: &Path| slash(&p.with_extension(""));
    loop {
        let kept: Vec<(String, source::Module)> = plan
            .changes
            .iter()
            .filter(|c| c.kind == Kind::Owned && c.action == Action::Skip)
            .filter_map(|c| {
                Some((
                    module_of(&c.path),
                    source::parse(&c.path, c.old.as_deref()?),
                ))
            })
            .collect();
        let mut changed = false;
        for i in 0..plan.changes.len() {
            let c = &plan.changes[i];
            if c.kind != Kind::Owned || !(c.action.writes() || c.action == Action::Conflict) {
                continue;
            }
            let m = source::parse(&c.path, &c.new);
            // (name, the kept module it is missing from)
            let mut missing: Vec<(String, String)> = Vec::new();
            for import in &m.imports {
                let Some(target) = resolve_import(&c.path, &import.source, aliases) else {
                    continue;
                };
                let Some((key, km)) = kept.iter().find(|(k, _)| *k == target) else {
                    continue;
                };
                let exported = match &import.imported {
                    source::Imported::Name(n) => {
                        km.exports.iter().any(|e| e.name.as_deref() == Some(n))
                    }
                    source::Imported::Default => km.exports.iter().any(|e| e.name.is_none()),
                    source::Imported::Namespace => true,
                };
                if !exported {
                    let name = match &import.imported {
                        source::Imported::Name(n) => n.clone(),
                        _ => "its default export".into(),
                    };
                    missing.push((name, key.clone()));
                }
            }
            if !missing.is_empty() {
                let path = plan.changes[i].display_path();
                plan.changes[i].action = Action::Skip;
                plan.changes[i].reason = Some(Reason::Missing);
                for (name, from) in &missing {
                    plan.notes.push(format!(
                        "{path} was not written: it imports {name} from {from}, which you keep and which does not export it. Export it there, or pass --on-conflict overwrite to take the tool's {from}."
                    ));
                }
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }

    // Dependencies that only tool files which are not written imported.
    if !plan
        .changes
        .iter()
        .any(|c| c.kind == Kind::Owned && c.action == Action::Skip)
    {
        return Ok(());
    }
    // What stays on disk after this run: written (or undecided) tool files, the kept files as
    // they are, and edited app files. What the tool meant to write: every tool file.
    let after: Vec<(&Path, &str)> = plan
        .changes
        .iter()
        .filter_map(|c| match (c.kind, c.action) {
            (Kind::Owned, Action::Skip) => Some((c.path.as_path(), c.old.as_deref()?)),
            (Kind::Owned | Kind::Edit, _) => Some((c.path.as_path(), c.new.as_str())),
            _ => None,
        })
        .collect();
    let tool: Vec<(&Path, &str)> = plan
        .changes
        .iter()
        .filter(|c| c.kind == Kind::Owned)
        .map(|c| (c.path.as_path(), c.new.as_str()))
        .collect();
    let imported_by = |files: &[(&Path, &str)], package: &str| {
        // `@types/jsonwebtoken` goes with `jsonwebtoken`.
        let name = package.strip_prefix("@types/").unwrap_or(package);
        files.iter().any(|(path, text)| {
            source::parse(path, text)
                .imports
                .iter()
                .any(|i| i.source == name || i.source.starts_with(&format!("{name}/")))
        })
    };
    // A dependency no tool file imports (a peer, a CLI) is not the plan's to drop.
    let (keep, unused): (Vec<Dependency>, Vec<Dependency>) = plan
        .added_dependencies
        .iter()
        .cloned()
        .partition(|d| imported_by(&after, &d.name) || !imported_by(&tool, &d.name));
    if unused.is_empty() {
        return Ok(());
    }
    if let Some(c) = plan
        .changes
        .iter_mut()
        .find(|c| c.kind == Kind::PackageJson)
    {
        if let Some(old) = &c.old {
            let (new, _) = pkgjson::add_dependencies(old, &keep)?;
            // A conflict (a read-only package.json) stays one; only "nothing left" changes it.
            if new == *old {
                c.action = Action::Unchanged;
            }
            c.new = new;
        }
    }
    for d in &unused {
        plan.notes.push(format!(
            "{} was not added to package.json: only files that are not written use it.",
            d.name
        ));
    }
    plan.added_dependencies = keep;
    Ok(())
}

/// The module (path without extension, from the root) an import specifier of `from` names,
/// when it is one of the app's (an alias or a relative path).
fn resolve_import(
    from: &Path,
    specifier: &str,
    aliases: &[crate::detect::tsconfig::Alias],
) -> Option<String> {
    let joined = if specifier.starts_with('.') {
        from.parent().unwrap_or(Path::new("")).join(specifier)
    } else {
        let alias = aliases.iter().find(|a| specifier.starts_with(&a.prefix))?;
        alias.dir.join(&specifier[alias.prefix.len()..])
    };
    let mut parts: Vec<String> = Vec::new();
    for c in joined.components() {
        match c {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[derive(Default)]
    struct Memory(BTreeMap<PathBuf, String>);

    impl Files for Memory {
        fn read(&self, path: &Path) -> Result<Option<String>> {
            Ok(self.0.get(path).cloned())
        }
        fn list(&self, dir: &Path) -> Result<Vec<String>> {
            Ok(self
                .0
                .keys()
                .filter(|p| p.parent() == Some(dir))
                .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
                .collect())
        }
    }

    fn memory(files: &[(&str, &str)]) -> Memory {
        Memory(
            files
                .iter()
                .map(|(p, c)| (PathBuf::from(p), c.to_string()))
                .collect(),
        )
    }

    fn migration(name: &str, content: &str, sequence: u32) -> Artifact {
        Artifact::Migration {
            dir: PathBuf::from(MIGRATIONS_DIR),
            name: name.into(),
            content: content.into(),
            sequence,
        }
    }

    const NOW: Seconds = 1_795_864_706; // 20261128111826

    #[test]
    fn owned_files_create_unchanged_conflict() {
        let files = memory(&[
            ("same.ts", "a\n"),
            ("crlf.ts", "a\r\n"),
            ("edited.ts", "mine\n"),
        ]);
        let artifacts: Vec<Artifact> = ["new.ts", "same.ts", "crlf.ts", "edited.ts"]
            .iter()
            .map(|p| Artifact::File {
                path: p.into(),
                content: "a\n".into(),
            })
            .collect();
        let plan = plan(&artifacts, &files, NOW, &Base::default(), None).unwrap();
        let actions: Vec<Action> = plan.changes.iter().map(|c| c.action).collect();
        assert_eq!(
            actions,
            [
                Action::Create,
                Action::Unchanged,
                Action::Unchanged,
                Action::Conflict
            ]
        );
    }

    #[test]
    fn interceptor_is_never_created_beside_an_existing_one() {
        let wanted = Artifact::Interceptor {
            path: "proxy.ts".into(),
            content: "x\n".into(),
        };
        let p = plan(
            std::slice::from_ref(&wanted),
            &memory(&[]),
            NOW,
            &Base::default(),
            None,
        )
        .unwrap();
        assert_eq!(p.changes[0].action, Action::Create);
        let p = plan(
            std::slice::from_ref(&wanted),
            &memory(&[("src/middleware.ts", "m")]),
            NOW,
            &Base::default(),
            None,
        )
        .unwrap();
        assert!(p.changes.is_empty());
        assert_eq!(p.manual[0].existing, [PathBuf::from("src/middleware.ts")]);
        let p = plan(
            &[wanted],
            &memory(&[("proxy.ts", "x\n")]),
            NOW,
            &Base::default(),
            None,
        )
        .unwrap();
        assert_eq!(p.changes[0].action, Action::Unchanged);
        assert!(p.manual.is_empty());
    }

    #[test]
    fn migrations_are_versioned_after_the_newest_and_not_repeated() {
        let files = memory(&[
            ("migrations/20261128111826_clerk-insforge-rls.sql", "old\n"),
            ("migrations/20261201000000_other.sql", "x"),
        ]);
        let p = plan(
            &[migration("clerk-insforge-rls", "new\n", 0)],
            &files,
            NOW,
            &Base::default(),
            None,
        )
        .unwrap();
        assert_eq!(
            p.changes[0].path,
            PathBuf::from("migrations/20261201000001_clerk-insforge-rls.sql")
        );
        assert_eq!(p.changes[0].action, Action::Create);

        let p = plan(
            &[migration("clerk-insforge-rls", "old\n", 0)],
            &files,
            NOW,
            &Base::default(),
            None,
        )
        .unwrap();
        assert_eq!(p.changes[0].action, Action::Unchanged);
        assert_eq!(
            p.changes[0].path,
            PathBuf::from("migrations/20261128111826_clerk-insforge-rls.sql")
        );
    }

    #[test]
    fn a_bootstrap_migration_comes_first() {
        let p = plan(
            &[migration("rls", "b", 1), migration("schema", "a", 0)],
            &memory(&[]),
            NOW,
            &Base::default(),
            None,
        )
        .unwrap();
        let paths: Vec<String> = p.changes.iter().map(Change::display_path).collect();
        assert_eq!(
            paths,
            [
                "migrations/20261128111826_schema.sql",
                "migrations/20261128111827_rls.sql"
            ]
        );
    }
}
