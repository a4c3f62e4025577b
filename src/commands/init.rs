//! `init` and `update`: the pipeline's plan ([`crate::commands::pipeline`]), then preview, decide
//! conflicts, apply, and report. Every stage's output is a value; this file only wires them.

use std::io::Write;

use anyhow::Result;

use super::setup::Setup;
use crate::apply;
use crate::change::{Action, Kind, Plan, Reason};
use crate::cli::ConflictPolicy;
use crate::commands::pipeline::{app_folder, prepare, Environment, Prepared};
use crate::detect;
use crate::error::Error;
use crate::plan;
use crate::prompt::{Prompter, Question};
use crate::render::Rendered;
use crate::report::human::{self, Masker, Paint};
use crate::request::{Command, Request, Writes};
use crate::resolve::Answers;

/// `init` or `update`, as `request.command` says.
pub fn run(request: &Request, env: Environment, out: &mut dyn Write) -> Result<()> {
    let Environment {
        paint,
        now,
        prompter,
        mut json,
    } = env;
    let interactive = request.interactive;
    let mode = request.command;
    let root = request.root.as_path();
    app_folder(root)?;

    // A run that may write holds the app's lock from the first read to the last write.
    let _lock = if request.read_only() {
        None
    } else {
        Some(apply::lock(root)?)
    };
    let Prepared {
        project,
        answers,
        rendered,
        mut plan,
        masker,
        notes,
    } = prepare(request, prompter, now, paint, out)?;
    if request.setup && project.link.is_none() {
        return Err(Error::InvalidArgument(format!(
            "--setup works with the app's linked InsForge project, and this app has no {}: run `npx @insforge/cli link` in the app, then run again (nothing was written)",
            crate::detect::link::FILE
        ))
        .into());
    }
    take_edits(mode, &mut plan, &project, &answers);
    // A run that writes settles its conflicts after the preview (by prompt or by policy),
    // and the tool's own files join the plan once it is final: now, unless conflicts wait
    // to be decided (`fail` decides nothing: the run stops after the preview).
    let pending = plan
        .changes
        .iter()
        .any(|c| c.action == Action::Conflict || collides(c));
    let deciding =
        request.writes == Writes::Apply && pending && answers.on_conflict != ConflictPolicy::Fail;
    let chosen = !answers.on_conflict_defaulted;
    if !deciding {
        plan::finish(&mut plan, chosen);
    }

    human::preview(out, &plan, &masker, paint)?;

    // The remote steps of `--setup`, planned from the plan as it stands (listed by a dry run).
    let setup_of = |plan: &Plan| {
        request
            .setup
            .then(|| Setup::plan(&project, &answers, plan, &rendered, request.install))
            .flatten()
    };
    let mut emit = |plan: &Plan, written: bool, setup: Option<&Setup>| -> Result<()> {
        match json.as_mut() {
            Some(json) => {
                let mut doc =
                    document(mode, (&project, &answers, &rendered, &notes), plan, written);
                doc.remote = setup.map(|s| s.steps.clone()).unwrap_or_default();
                Ok(crate::report::json::print(json, &doc)?)
            }
            None => Ok(()),
        }
    };
    if request.writes == Writes::Check {
        emit(&plan, false, None)?;
        let pending = plan
            .changes
            .iter()
            .filter(|c| c.action != Action::Unchanged)
            .count();
        return if pending == 0 {
            Ok(())
        } else {
            Err(Error::CheckFailed(pending).into())
        };
    }
    if request.writes == Writes::DryRun {
        let setup = setup_of(&plan);
        plan.tool_steps = tool_steps(setup.as_ref());
        if let Some(setup) = &setup {
            human::remote_steps(out, &setup.steps, paint)?;
        }
        human::dry_run(out, paint)?;
        emit(&plan, false, setup.as_ref())?;
        collisions(&plan, false)?;
        return unresolved(&plan, mode);
    }
    // Temp files a killed run left behind go, whatever this run writes.
    apply::sweep(root, &plan);
    if plan.is_noop() {
        // What an earlier `--setup` left undone is done now.
        let mut setup = setup_of(&plan);
        plan.tool_steps = tool_steps(setup.as_ref());
        if let Some(setup) = &mut setup {
            setup.run(root, &mut plan, out, paint, &mut *prompter)?;
        }
        let steps = super::steps::list(&plan, &answers, &rendered, &project);
        human::nothing_to_do(out, &plan, &steps, paint)?;
        emit(&plan, false, setup.as_ref())?;
        return unresolved(&plan, mode);
    }

    decide_conflicts(&mut plan, &answers, &masker, paint, prompter, out)?;
    if deciding {
        let prompts = interactive;
        let notes = plan.notes.len();
        plan::settle(&mut plan, &project.aliases)?;
        plan::finish(&mut plan, chosen);
        // What the choices made of the plan, before it is confirmed: a file kept can keep
        // others from being written.
        if prompts {
            human::after_choices(out, &plan, &plan.notes[notes..], paint)?;
        }
    }
    let writes = plan.writes().next().is_some();
    if !writes {
        human::nothing_written(out)?;
    } else {
        if interactive {
            let q = Question {
                prompt: "Write these changes?",
                what: "confirmation",
                flag: "--yes",
            };
            if !prompter.confirm(q, true)? {
                return Err(Error::Aborted.into());
            }
        }
        let written = apply::apply(root, &plan)?;
        human::wrote(out, written.len(), paint)?;
    }
    // Then the remote steps, the local files written; at a terminal, a linked app is offered
    // them without `--setup`.
    let mut setup = setup_of(&plan);
    if setup.is_none() && interactive && writes {
        setup =
            Setup::plan(&project, &answers, &plan, &rendered, true).filter(|s| !s.steps.is_empty());
        if let Some(offer) = &setup {
            let prompt = format!(
                "Finish the setup with the linked InsForge project ({})?",
                offer.summary()
            );
            let q = Question {
                prompt: &prompt,
                what: "whether to finish the setup",
                flag: "--setup",
            };
            if !prompter.confirm(q, true)? {
                setup = None;
            }
        }
    }
    plan.tool_steps = tool_steps(setup.as_ref());
    if let Some(setup) = &mut setup {
        setup.run(root, &mut plan, out, paint, &mut *prompter)?;
    }
    let steps = super::steps::list(&plan, &answers, &rendered, &project);
    human::report(
        out,
        &plan,
        (&steps, &rendered.provider_setup.usage),
        answers.provider.name.as_str(),
        paint,
    )?;
    emit(&plan, writes, setup.as_ref())?;
    collisions(&plan, writes)?;
    unresolved(&plan, mode)?;

    conflicts_left(&plan, &answers)
}

/// What `update` does with the files the user edited (merges them with the new render), and
/// what `init --on-conflict overwrite` does (the tool's version comes back).
fn take_edits(mode: Command, plan: &mut Plan, project: &detect::Project, answers: &Answers) {
    match mode {
        Command::Update => {
            let side = match answers.on_conflict {
                _ if answers.on_conflict_defaulted => None,
                ConflictPolicy::Skip => Some(crate::merge::Side::Yours),
                ConflictPolicy::Overwrite => Some(crate::merge::Side::Theirs),
                _ => None,
            };
            crate::merge::edited(plan, &project.base.0, side)
        }
        // Asked for by name: the tool's version of files the user edited comes back.
        Command::Init if answers.on_conflict == ConflictPolicy::Overwrite => {
            for change in plan.changes.iter_mut().filter(|c| {
                c.kind == Kind::Owned
                    && c.action == Action::Unchanged
                    && c.reason == Some(Reason::Edited)
            }) {
                change.action = Action::Overwrite;
            }
        }
        _ => {}
    }
}

/// The ids of the provider's steps that the setup does.
fn tool_steps(setup: Option<&Setup>) -> Vec<String> {
    setup
        .map(|s| s.steps.iter().map(|s| s.id.clone()).collect())
        .unwrap_or_default()
}

/// The run's `--json` document.
fn document(
    mode: Command,
    (project, answers, rendered, notes): (&detect::Project, &Answers, &Rendered, &[String]),
    plan: &Plan,
    written: bool,
) -> crate::report::json::Document {
    let command = crate::report::json::Command::from(mode);
    let mut doc = crate::report::json::run(command, project, answers.provider, plan, written);
    doc.next_steps = super::steps::list(plan, answers, rendered, project);
    let provider: Vec<&crate::step::Step> = doc
        .next_steps
        .iter()
        .filter(|s| s.section == crate::step::Section::Provider)
        .collect();
    doc.provider_setup = Some(human::provider_setup(
        &provider,
        &rendered.provider_setup.usage,
        Paint { color: false },
    ));
    doc.used = Some(crate::report::json::UsedAnswers::of(
        answers,
        &rendered.tables,
    ));
    // Each note once: what the run noted here, what is left to do (the plan's notes among
    // them) in next_steps.
    doc.notes = notes.to_vec();
    doc
}

/// Files skipped because no policy was chosen (no flag, no terminal): unfinished work, exit 1.
fn conflicts_left(plan: &Plan, answers: &Answers) -> Result<()> {
    let skipped: Vec<String> = plan
        .changes
        .iter()
        .filter(|c| c.action == Action::Skip && c.reason != Some(Reason::Kept))
        .map(|c| c.display_path())
        .collect();
    if !skipped.is_empty() && answers.on_conflict_defaulted {
        return Err(Error::ConflictsLeft {
            count: skipped.len(),
            paths: skipped.join(", "),
        }
        .into());
    }
    Ok(())
}

/// Files that still hold the markers of an earlier `update` after this one: listed, exit 1.
fn unresolved(plan: &Plan, mode: Command) -> Result<()> {
    if mode != Command::Update {
        return Ok(());
    }
    let paths: Vec<String> = plan
        .changes
        .iter()
        .filter(|c| c.kind == Kind::Owned && !c.action.writes())
        .filter(|c| c.old.as_deref().is_some_and(crate::merge::has_markers))
        .map(|c| c.display_path())
        .collect();
    if paths.is_empty() {
        return Ok(());
    }
    Err(Error::Unresolved(paths.join(", ")).into())
}

/// Files `update` wrote (or would write) with conflict markers: listed, exit 1.
fn collisions(plan: &Plan, written: bool) -> Result<()> {
    let paths: Vec<String> = plan
        .changes
        .iter()
        .filter(|c| c.action.writes() && c.reason == Some(Reason::Collision))
        .map(|c| c.display_path())
        .collect();
    if paths.is_empty() {
        return Ok(());
    }
    Err(Error::Collisions {
        count: paths.len(),
        paths: paths.join(", "),
        written,
    }
    .into())
}

/// A merge `update` writes with conflict markers.
fn collides(c: &crate::change::Change) -> bool {
    c.action.writes() && c.reason == Some(Reason::Collision)
}

/// Turn every conflict into overwrite or skip, by policy or by asking.
fn decide_conflicts(
    plan: &mut Plan,
    answers: &Answers,
    masker: &Masker,
    paint: Paint,
    prompter: &mut dyn Prompter,
    out: &mut dyn Write,
) -> Result<()> {
    let conflicts: Vec<String> = plan
        .changes
        .iter()
        .filter(|c| c.action == Action::Conflict || collides(c))
        .map(|c| c.display_path())
        .collect();
    if conflicts.is_empty() {
        return Ok(());
    }
    if answers.on_conflict == ConflictPolicy::Fail {
        return Err(Error::ConflictFailed {
            count: conflicts.len(),
            paths: conflicts.join(", "),
        }
        .into());
    }
    // `update`'s collisions: by default (no flag, no terminal) they are written with markers.
    for change in plan.changes.iter_mut().filter(|c| collides(c)) {
        let choice = match answers.on_conflict {
            _ if answers.on_conflict_defaulted => 0,
            ConflictPolicy::Overwrite => 2,
            ConflictPolicy::Skip | ConflictPolicy::Fail => 1,
            ConflictPolicy::Ask => {
                let prompt = format!(
                    "{}: your edits and the new version change the same lines. What now?",
                    change.display_path()
                );
                let items = [
                    "write it with conflict markers (resolve them by hand)",
                    "keep mine (skip the new version)",
                    "take the new version (drops my edits)",
                ];
                let q = Question {
                    prompt: &prompt,
                    what: "what to do with a colliding merge",
                    flag: "--on-conflict",
                };
                choose(prompter, q, &items, 0, change, masker, paint, out)?
            }
        };
        match choice {
            0 => {}
            1 => change.action = Action::Skip,
            _ => {
                change.new = change.theirs.take().unwrap_or_default();
                change.action = Action::Overwrite;
                change.reason = Some(Reason::Edited);
            }
        }
    }
    for change in plan
        .changes
        .iter_mut()
        .filter(|c| c.action == Action::Conflict)
    {
        change.action = match answers.on_conflict {
            ConflictPolicy::Overwrite => Action::Overwrite,
            ConflictPolicy::Skip | ConflictPolicy::Fail => Action::Skip,
            ConflictPolicy::Ask => {
                let prompt = match change.reason {
                    Some(Reason::ReadOnly) => {
                        format!("{} is read-only. What now?", change.display_path())
                    }
                    _ => format!("{} exists and differs. What now?", change.display_path()),
                };
                let q = Question {
                    prompt: &prompt,
                    what: "what to do with a conflicting file",
                    flag: "--on-conflict",
                };
                match choose(
                    prompter,
                    q,
                    &["overwrite it", "skip it (keep mine)"],
                    1,
                    change,
                    masker,
                    paint,
                    out,
                )? {
                    0 => Action::Overwrite,
                    _ => Action::Skip,
                }
            }
        };
    }
    Ok(())
}

/// Ask what to do with one file: `choices`, then "show the diff" (shown, then asked again)
/// and "abort (write nothing)". Returns the index of the choice.
#[allow(clippy::too_many_arguments)]
fn choose(
    prompter: &mut dyn Prompter,
    q: Question,
    choices: &[&str],
    default: usize,
    change: &crate::change::Change,
    masker: &Masker,
    paint: Paint,
    out: &mut dyn Write,
) -> Result<usize> {
    let items: Vec<String> = choices
        .iter()
        .copied()
        .chain(["show the diff", "abort (write nothing)"])
        .map(String::from)
        .collect();
    loop {
        match prompter.select(q, &items, default)? {
            n if n < choices.len() => return Ok(n),
            n if n == choices.len() => human::file_diff(out, change, masker, paint)?,
            _ => return Err(Error::Aborted.into()),
        }
    }
}
