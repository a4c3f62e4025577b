//! `check`: render with the saved answers, compare with the app, write nothing. Each file
//! gets a [`Status`]; drift (outdated, missing, incomplete, conflicting files) exits 1 with
//! the diff, secrets masked. Files the user edited after the tool wrote them, and files the
//! user keeps, are reported as such and fail only `--strict`. Any error exits 2.

use std::io::Write;

use anyhow::Result;

use crate::change::{Action, Change, Detail, Kind, Plan, Reason};
use crate::cli::Format;
use crate::commands::pipeline::{self, Environment, Prepared};
use crate::detect::link::Link;
use crate::error::Error;
use crate::prompt::Silent;
use crate::report::human;
use crate::report::json::{self as document, CheckSummary, Status};
use crate::request::{Command, Request};

/// `check`'s word on one change of the plan.
pub fn status(change: &Change, base: &crate::store::base::Base) -> Status {
    let now = change.old.as_deref().unwrap_or_default();
    if change.kind == Kind::Owned && crate::merge::has_markers(now) {
        return Status::Unresolved;
    }
    // The answers file as the user wrote it (comments, order) holding the same answers.
    if change.kind == Kind::Answers {
        let same = |a: &str, b: &str| matches!((crate::store::answers::parse(a), crate::store::answers::parse(b)), (Ok(x), Ok(y)) if x == y);
        if change
            .old
            .as_deref()
            .is_some_and(|old| same(old, &change.new))
        {
            return Status::Ok;
        }
    }
    match (change.action, change.reason) {
        (Action::Unchanged, Some(Reason::Edited)) => Status::Edited,
        (Action::Unchanged, _) => Status::Ok,
        (Action::Skip, Some(Reason::Kept)) => Status::Kept,
        (Action::Skip, _) => Status::Outdated,
        (Action::Create, _)
            if change.kind == Kind::Env
                && !crate::detect::is_example_env(&change.display_path()) =>
        {
            Status::Local
        }
        // A migration the tool wrote and the base records, deleted since.
        (Action::Create, _)
            if change.kind == Kind::Migration && base.get(&change.display_path()).is_none() =>
        {
            Status::Outdated
        }
        (Action::Create, _) => Status::Missing,
        (Action::Update | Action::Overwrite, _)
            if matches!(change.kind, Kind::Owned | Kind::Base) =>
        {
            Status::Outdated
        }
        (Action::Update | Action::Overwrite, _) => Status::Incomplete,
        (Action::Conflict, Some(Reason::Edited)) => Status::Outdated,
        (Action::Conflict, _) => Status::Conflict,
    }
}

pub fn check(request: &Request, env: Environment, out: &mut dyn Write) -> Result<()> {
    let Environment {
        paint,
        now,
        mut json,
        ..
    } = env;
    let Command::Check { strict, format } = request.command else {
        unreachable!("run sends check requests here")
    };
    pipeline::app_folder(&request.root)?;
    // `check` never asks, whatever the terminal.
    let mut silent = Silent;
    let Prepared {
        project,
        answers,
        mut plan,
        masker,
        rendered,
        notes,
        ..
    } = pipeline::prepare(request, &mut silent, now, paint, out)?;
    // What `update` would do with the files the user edited: their merges, shown as diffs.
    crate::merge::edited(&mut plan, &project.base.0, None);
    // Then the tool's own files, as that run would write them.
    crate::plan::finish(&mut plan, !answers.on_conflict_defaulted);
    let mut statuses: Vec<Status> = plan
        .changes
        .iter()
        .map(|c| status(c, &project.base.0))
        .collect();
    // With a link, the backend says which migrations are applied.
    let mut notes = notes;
    if let Some(link) = &project.link {
        let before = notes.len();
        backend(link, &plan, &mut statuses, &mut notes);
        human::notes(out, &notes[before..], paint)?;
    }
    // A linked app with its Clerk key at hand: the JWT template the hook asks for.
    if let Some(note) = project
        .link
        .as_ref()
        .and_then(|_| template_note(&project, &answers))
    {
        human::notes(out, std::slice::from_ref(&note), paint)?;
        notes.push(note);
    }
    // The base store changes with the files it records: it drifts on its own only when they
    // do not (it is missing, or records an older text of a file that is up to date).
    let others = plan
        .changes
        .iter()
        .zip(&statuses)
        .any(|(c, s)| c.kind != Kind::Base && s.is_drift(false));
    for (c, s) in plan.changes.iter().zip(statuses.iter_mut()) {
        if c.kind == Kind::Base && others {
            *s = Status::Ok;
        }
    }
    let count = |s: Status| statuses.iter().filter(|&&x| x == s).count();
    let drift = statuses.iter().filter(|s| s.is_drift(strict)).count();

    let github = format == Format::Github;
    human::check(
        out,
        &plan,
        &statuses,
        strict,
        &project.base.0,
        &masker,
        paint,
        github,
    )?;
    if let Some(json) = json.as_mut() {
        let summary = CheckSummary {
            passed: drift == 0,
            strict,
            drift,
            edited: count(Status::Edited),
            kept: count(Status::Kept),
        };
        let mut doc = document::document(
            document::Command::Check,
            &project,
            Some(answers.provider),
            &plan,
            false,
            Some((summary, &statuses)),
        );
        doc.used = Some(document::UsedAnswers::of(&answers, &rendered.tables));
        // What the run noted: the answers', the base store's and the plan's, each once.
        doc.notes = notes.iter().chain(&plan.notes).cloned().collect();
        crate::report::json::print(json, &doc)?;
    }
    if drift > 0 {
        return Err(Error::Drift(drift).into());
    }
    Ok(())
}

/// Migrations against the linked project: one as written but not applied there is
/// `pending`; one applied there but edited here since is `outdated` (the edit never reaches
/// the backend: it belongs in a new migration). A backend that cannot be asked is a note.
fn backend(link: &Link, plan: &Plan, statuses: &mut [Status], notes: &mut Vec<String>) {
    let applied = crate::remote::insforge::Client::new(link)
        .and_then(|c| c.migrations("listing the applied migrations"));
    let applied = match applied {
        Ok(applied) => applied,
        Err(e) => {
            notes.push(format!(
                "the linked InsForge project could not be asked which migrations it has applied ({e:#}): they were checked here only"
            ));
            return;
        }
    };
    for (change, status) in plan.changes.iter().zip(statuses.iter_mut()) {
        let Detail::Migration { version } = &change.detail else {
            continue;
        };
        let remote = applied.iter().any(|a| a.version == *version);
        *status = match (*status, remote) {
            (Status::Ok, false) => Status::Pending,
            (Status::Edited, true) => Status::Outdated,
            (s, _) => s,
        };
    }
}

/// What Clerk says of the JWT template the generated hook asks for, when it is missing or
/// differs (or cannot be asked); nothing when it is as wanted or there is no key.
fn template_note(
    project: &crate::detect::Project,
    answers: &crate::resolve::Answers,
) -> Option<String> {
    use crate::remote::clerk;
    let wanted = clerk::wanted(answers.provider.jwt_template.as_ref()?)?;
    let (api_url, key) = clerk::credentials(project)?;
    let found = clerk::Clerk::new(api_url.as_deref(), key).and_then(|c| c.find(&wanted.name));
    match found {
        Ok(None) => Some(format!(
            "Clerk has no JWT template {:?}, which lib/insforge.ts asks for: `insforge-integrate init --setup` makes it",
            wanted.name
        )),
        Ok(Some(t)) => {
            let diff = clerk::differences(&t, &wanted);
            (!diff.is_empty()).then(|| {
                format!(
                    "Clerk's JWT template {:?} differs from what lib/insforge.ts expects: {} (`insforge-integrate init --setup --on-conflict overwrite` updates it)",
                    wanted.name,
                    diff.join("; ")
                )
            })
        }
        Err(e) => Some(format!(
            "Clerk could not be asked for its JWT template ({e:#}): it was not checked"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::base::Base as Store;

    fn change(kind: Kind, action: Action, reason: Option<Reason>, path: &str) -> Change {
        Change {
            reason,
            ..Change::new(path, action, kind, Some("a".into()), "b".into())
        }
    }

    #[test]
    fn every_state_has_one_status() {
        use Action::*;
        use Kind::*;
        let table = [
            (Owned, Unchanged, None, "lib/insforge.ts", Status::Ok),
            (
                Owned,
                Unchanged,
                Some(Reason::Edited),
                "lib/insforge.ts",
                Status::Edited,
            ),
            (
                Owned,
                Skip,
                Some(Reason::Kept),
                "lib/insforge.ts",
                Status::Kept,
            ),
            (Owned, Update, None, "lib/insforge.ts", Status::Outdated),
            (
                Owned,
                Conflict,
                Some(Reason::Edited),
                "lib/insforge.ts",
                Status::Outdated,
            ),
            (
                Owned,
                Conflict,
                Some(Reason::Differs),
                "lib/insforge.ts",
                Status::Conflict,
            ),
            (Owned, Create, None, "lib/insforge.ts", Status::Missing),
            (Env, Create, None, ".env.local", Status::Local),
            (Env, Create, None, ".env.example", Status::Missing),
            (Env, Update, None, ".env.example", Status::Incomplete),
            (Edit, Update, None, "app/layout.tsx", Status::Incomplete),
            (
                Migration,
                Create,
                None,
                "migrations/1_a.sql",
                Status::Outdated,
            ),
            (
                Migration,
                Unchanged,
                Some(Reason::Edited),
                "migrations/1_a.sql",
                Status::Edited,
            ),
            (
                Base,
                Create,
                None,
                "insforge-integrate.base.toml",
                Status::Missing,
            ),
        ];
        let mut commented = Change::new(
            "insforge-integrate.toml",
            Action::Update,
            Answers,
            Some("# mine\nprovider = \"clerk\"\ntables = [\"todos\"]\n".into()),
            "provider = \"clerk\"\ntables = [\"todos\"]\n".into(),
        );
        assert_eq!(status(&commented, &Store::default()), Status::Ok);
        commented.new = "provider = \"clerk\"\ntables = [\"notes\"]\n".into();
        assert_eq!(status(&commented, &Store::default()), Status::Incomplete);
        let marked = Change::new(
            "lib/insforge.ts",
            Action::Unchanged,
            Owned,
            Some("a\n<<<<<<< yours\nb\n=======\nc\n>>>>>>> insforge-integrate\n".into()),
            "x".into(),
        );
        assert_eq!(status(&marked, &Store::default()), Status::Unresolved);
        let mut base = Store::default();
        base.files.insert("migrations/1_a.sql".into(), "b".into());
        let deleted = change(Migration, Create, None, "migrations/1_a.sql");
        assert_eq!(status(&deleted, &base), Status::Missing);
        for (kind, action, reason, path, want) in table {
            assert_eq!(
                status(&change(kind, action, reason, path), &Store::default()),
                want,
                "{kind:?} {action:?} {reason:?} {path}"
            );
        }
    }

    #[test]
    fn edits_and_kept_files_fail_only_strict() {
        for s in [Status::Edited, Status::Kept] {
            assert!(!s.is_drift(false) && s.is_drift(true), "{s:?}");
        }
        for s in [
            Status::Outdated,
            Status::Missing,
            Status::Incomplete,
            Status::Conflict,
        ] {
            assert!(s.is_drift(false), "{s:?}");
        }
        assert!(!Status::Local.is_drift(true));
    }
}
