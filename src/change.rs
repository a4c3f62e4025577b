//! The shared vocabulary of a run, below every stage that uses it: what rendering produces
//! ([`Artifact`], [`Dependency`], an [`Edit`] of the app's code) and what planning decides for each file ([`Change`],
//! [`Action`], [`Kind`], [`Reason`], the [`Plan`]). Detection, the base store, planning,
//! merging, applying and reporting all import these from here, never from each other.

use std::ops::Range;
use std::path::PathBuf;

use crate::dotenv::Entry;

/// How one generated thing meets the user's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Artifact {
    /// A whole file the tool owns. An existing, different file is a conflict.
    File { path: PathBuf, content: String },
    /// `middleware.ts` / `proxy.ts`: created only when the app has neither; otherwise the user
    /// is shown what to add.
    Interceptor { path: PathBuf, content: String },
    /// Keys ensured in a dotenv file.
    Env {
        path: PathBuf,
        entries: Vec<Entry>,
        header: String,
    },
    /// Dependencies ensured in package.json.
    Dependencies(Vec<Dependency>),
    /// .gitignore rules: `ignore` paths ignored, `keep` paths not ignored.
    GitIgnore {
        ignore: Vec<String>,
        keep: Vec<String>,
        /// Kept paths a `.gitignore` above the app ignores.
        unignore: Vec<String>,
    },
    /// A new `<dir>/<version>_<name>.sql`, unless the newest migration of that name
    /// already holds this content. `sequence` orders several migrations of one run.
    Migration {
        /// `migrations`, or `insforge/migrations` where another system owns `migrations/`.
        dir: PathBuf,
        name: String,
        content: String,
        sequence: u32,
    },
    /// The answers file (`kept` as the last run left it): always brought up to date, never a
    /// conflict. Its text is written once, by [`crate::plan::finish`], when the conflicts
    /// are decided and so the files the user keeps are known.
    Answers(crate::store::answers::Saved),
    /// Edits of an existing source file of the app, computed from the text `base` detection
    /// read, and verified ([`crate::edit::verify`]) before they became an artifact. Every
    /// byte outside the edits stays.
    Edit {
        path: PathBuf,
        base: String,
        edits: Vec<Edit>,
        /// What the edit does, for the summary: `beforeSessionSaved added`.
        what: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    pub name: String,
    pub version: String,
    pub dev: bool,
}

// Action, Kind and Reason are part of the `--json` output under these names (snake_case);
// the committed schema (schema/output.schema.json) fails a test when one changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Update,
    Unchanged,
    /// Exists and differs from what the tool would write; left to the conflict policy.
    Conflict,
    /// A conflict the policy (or the user) chose to keep.
    Skip,
    /// A conflict the policy (or the user) chose to replace.
    Overwrite,
}

impl Action {
    pub fn label(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Unchanged => "unchanged",
            Action::Conflict => "conflict",
            Action::Skip => "skip",
            Action::Overwrite => "overwrite",
        }
    }

    /// Whether applying writes the file.
    pub fn writes(self) -> bool {
        matches!(self, Action::Create | Action::Update | Action::Overwrite)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A file the tool owns whole (the client utility, routes, the interceptor it created).
    Owned,
    Env,
    PackageJson,
    #[serde(rename = "gitignore")]
    GitIgnore,
    Migration,
    Answers,
    /// Insertions into one of the app's own source files.
    Edit,
    /// The base store (`insforge-integrate.base.toml`).
    Base,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub path: PathBuf,
    pub action: Action,
    pub kind: Kind,
    pub old: Option<String>,
    pub new: String,
    /// Why a conflict is one (or, for an owned file left as it is, that the user edited it).
    pub reason: Option<Reason>,
    /// The tool's render, when `new` is something else (a three-way merge of it with the
    /// user's edits): the base the next merge starts from.
    pub theirs: Option<String>,
    /// What planning learned about the file that the report needs.
    pub detail: Detail,
}

/// Facts about one file, computed while planning.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Detail {
    #[default]
    None,
    /// A migration's version (`YYYYMMDDHHmmss`), what `db migrations up` takes.
    Migration { version: String },
    /// An env file's keys left without a value: in the file now, and after the change.
    Env {
        empty_now: Vec<String>,
        empty_after: Vec<String>,
    },
}

impl Change {
    pub fn new(
        path: impl Into<PathBuf>,
        action: Action,
        kind: Kind,
        old: Option<String>,
        new: String,
    ) -> Self {
        Self {
            reason: (action == Action::Conflict).then_some(Reason::Differs),
            path: path.into(),
            action,
            kind,
            old,
            new,
            theirs: None,
            detail: Detail::None,
        }
    }
}

/// Why an existing file is a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// It differs from what the tool would write.
    Differs,
    /// It would change, but it is read-only: never replaced without being asked.
    ReadOnly,
    /// An earlier run was told to keep the user's version (`kept` in the answers file).
    Kept,
    /// It imports names from a file the user keeps, which does not export them.
    Missing,
    /// The user edited it after the tool wrote it (it differs from the base store).
    Edited,
    /// `update` merged the user's edits with the new render, and they collide: the file
    /// holds conflict markers.
    Collision,
    /// The conflict markers an earlier `update` wrote, resolved to one side by policy.
    Resolved,
}

/// An interceptor the tool may not create, with what the user should merge into theirs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manual {
    /// The user's existing file(s).
    pub existing: Vec<PathBuf>,
    /// The file the tool would have created.
    pub wanted: PathBuf,
    pub content: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub changes: Vec<Change>,
    pub manual: Vec<Manual>,
    /// Dependencies added to package.json (an install is needed).
    pub added_dependencies: Vec<Dependency>,
    /// What the user must do by hand, found while planning (an edit that could not be made).
    pub notes: Vec<String>,
    /// The tool's own state, until [`crate::plan::finish`] turns it into the answers file's
    /// and the base store's changes: taken then, so neither is computed twice.
    pub tool_state: Option<ToolState>,
    /// Migrations applied to the linked InsForge project by this run (`--setup`), or found
    /// applied there: no step is left for them.
    pub applied: Vec<PathBuf>,
    /// The added dependencies were installed by this run (`--setup`).
    pub installed: bool,
    /// `.env.local` keys this run's setup filled (a secret fetched or generated).
    pub filled: Vec<String>,
    /// Steps of the provider's setup that `--setup` does (`clerk.jwt-template`), and those
    /// it did.
    pub tool_steps: Vec<String>,
    pub done_steps: Vec<String>,
}

/// What the tool's own files are made from: this run's answers and what the app holds now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolState {
    /// This run's answers (`kept` as the last run left it).
    pub saved: crate::store::answers::Saved,
    /// The answers file's text now, and where in the plan its change goes.
    pub saved_text: Option<String>,
    pub saved_at: usize,
    /// What the tool last wrote (the base store), and the store's text now.
    pub base: crate::store::base::Base,
    pub base_text: Option<String>,
}

impl Plan {
    /// Changes that write a file when applied.
    pub fn writes(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.action.writes())
    }

    pub fn conflicts(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.action == Action::Conflict)
    }

    /// Nothing to write and nothing undecided.
    pub fn is_noop(&self) -> bool {
        self.changes
            .iter()
            .all(|c| matches!(c.action, Action::Unchanged | Action::Skip))
    }
}

pub const MIGRATIONS_DIR: &str = "migrations";

/// One change of a text: `range` (byte offsets of the original) replaced by `content`. An
/// insertion has an empty range; a deletion has no content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub content: String,
}

impl Edit {
    pub fn insert(at: usize, content: impl Into<String>) -> Self {
        Self {
            range: at..at,
            content: content.into(),
        }
    }

    pub fn replace(range: Range<usize>, content: impl Into<String>) -> Self {
        Self {
            range,
            content: content.into(),
        }
    }

    pub fn delete(range: Range<usize>) -> Self {
        Self::replace(range, "")
    }
}
