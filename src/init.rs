//! `init`: runs the pipeline — detect, resolve, render, plan, preview, decide conflicts,
//! apply — and reports. Every stage's output is a value; this file only wires them.

use std::io::Write;

use anyhow::Result;

use crate::apply;
use crate::change::{Action, Kind, Plan, Reason};
use crate::cli::{ConflictPolicy, InitArgs};
use crate::clock::Seconds;
use crate::detect;
use crate::error::Error;
use crate::plan;
use crate::preview::{self, Masker, Paint};
use crate::prompt::{Prompter, Question};
use crate::render;
use crate::resolve::{self, Answers, Secrets};

/// What the run gets from outside the command line.
pub struct Environment<'a> {
    /// Prompts are allowed (a terminal, no `--yes`, not CI).
    pub interactive: bool,
    pub paint: Paint,
    pub now: Seconds,
    pub secrets: Secrets,
    pub prompter: &'a mut dyn Prompter,
    /// Where `--json` output goes (the human output then goes nowhere).
    pub json: Option<&'a mut dyn Write>,
}

/// Which command runs the pipeline: `init`, or `update` (which merges the user's edits of the
/// tool's files with the new render instead of asking about them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Init,
    Update,
}

/// Everything the pipeline computed before anything is decided or written.
pub struct Prepared {
    pub project: detect::Project,
    pub answers: Answers,
    pub rendered: render::Rendered,
    pub plan: Plan,
    pub masker: Masker,
    /// Files the answers file says the user keeps.
    pub kept: Vec<String>,
}

/// Detect, resolve, render and plan, printing the detection block and the answers' notes.
/// What `prepare` may ask: anything at all (a terminal, no `--yes`), and the `.env.local`
/// values in particular (`update` leaves them as they are); and where answers may come from.
#[derive(Debug, Clone, Copy)]
pub struct Ask {
    pub interactive: bool,
    pub values: bool,
    /// The answers come from the answers file an `init` saved (`check`, `update`): without
    /// one the run stops, saying to run `init` first.
    pub saved_only: bool,
}

pub fn prepare(
    args: &InitArgs,
    secrets: Secrets,
    ask: Ask,
    prompter: &mut dyn Prompter,
    now: Seconds,
    paint: Paint,
    out: &mut dyn Write,
) -> Result<Prepared> {
    let root = args.path.as_path();
    let project = detect::detect(root)?;
    if ask.saved_only && project.saved.is_none() {
        return Err(Error::InvalidArgument(format!(
            "{} has no {}: this command works from the answers `insforge-integrate init` saved there, so run `insforge-integrate init` first (and commit the file)",
            root.display(),
            crate::saved::FILE
        ))
        .into());
    }
    preview::detection(out, root, &project, paint)?;
    if !project.typescript.value {
        return Err(Error::Unsupported(
            "this is a JavaScript app (no tsconfig.json): insforge-integrate writes TypeScript for now. Add TypeScript (npm install -D typescript @types/react @types/node, then `next dev` creates tsconfig.json) and run it again".into(),
        )
        .into());
    }

    let answers = resolve::resolve_asking(
        args,
        &project,
        project.saved.as_ref(),
        secrets,
        ask.interactive,
        ask.interactive && ask.values,
        prompter,
    )?;
    for note in answers.notes.iter().chain(&project.base_notes) {
        writeln!(out, "{} {note}", paint.yellow("note:"))?;
    }

    for r in &answers.provider.requires {
        let minimum = semver::Version::parse(&r.at_least).expect("checked when providers load");
        if let Some(v) = project
            .versions
            .get(&r.package)
            .filter(|v| v.value < minimum)
        {
            return Err(Error::Unsupported(format!(
                "{} {} ({}): {}; nothing was written",
                r.package, v.value, v.evidence, r.message
            ))
            .into());
        }
    }
    // Stytch's B2B API (organization members) is not integrated: an app that is B2B only is
    // refused; one with a consumer part too gets that part, and the B2B part is named.
    let b2b_part = match (&project.wiring.stytch_b2b, &project.wiring.stytch_consumer) {
        (Some(b2b), consumer) if answers.provider.id == "stytch" => {
            let b2b = crate::paths::slash(&b2b.file);
            match consumer {
                None => {
                    return Err(Error::Unsupported(format!(
                        "this is a Stytch B2B app ({b2b}): its sessions belong to organization members, and insforge-integrate writes code for Stytch's consumer API, which cannot authenticate them. B2B support comes later; nothing was written"
                    ))
                    .into())
                }
                Some(consumer) => Some(format!(
                    "Stytch B2B ({b2b}) is left alone: this run integrates the consumer part ({}). getInsforgeClient() authenticates consumer sessions with STYTCH_PROJECT_ID (the consumer project) and returns null for a B2B member, whose session belongs to the B2B project. To reach InsForge as a member, sign a token the same way on the server with sub = member.member_id from the B2B client's sessions.authenticate(); the organization id cannot reach SQL through InsForge.",
                    crate::paths::slash(&consumer.file)
                )),
            }
        }
        _ => None,
    };
    let mut rendered = render::render(&project, &answers)?;
    rendered.manual_steps.extend(b2b_part);
    // In the app's own format before planning: the diff shows what lands.
    if let Some(formatter) = &project.formatter {
        let notes = crate::format::apply(formatter, root, &mut rendered.artifacts);
        rendered.manual_steps.extend(notes);
    }
    let files = plan::Snapshot::new(root, &project)?;
    let mut plan = plan::plan(&rendered.artifacts, &files, now, &project.base.0)?;
    let kept = project
        .saved
        .as_ref()
        .map(|s| s.kept.clone())
        .unwrap_or_default();
    mark_kept(&mut plan, &kept, answers.on_conflict);
    plan::settle(&mut plan, &project.aliases)?;
    crate::base::record(&mut plan, &project.base.0, project.base.1.clone());
    let masker = Masker {
        public_keys: rendered.public_keys.clone(),
        secret_values: rendered.secret_values.clone(),
    };
    Ok(Prepared {
        project,
        answers,
        rendered,
        plan,
        masker,
        kept,
    })
}

/// The folder the command works on, or an error saying what to pass.
pub fn app_folder(root: &std::path::Path) -> Result<()> {
    if !root.is_dir() {
        return Err(Error::InvalidArgument(format!(
            "{} is not a folder: pass the folder of your app (the one with package.json)",
            root.display()
        ))
        .into());
    }
    Ok(())
}

pub fn init(args: &InitArgs, env: Environment, out: &mut dyn Write) -> Result<()> {
    run(Mode::Init, args, env, out)
}

/// `detect`: the facts and their evidence, or the project model as JSON. Writes nothing.
pub fn detect_only(root: &std::path::Path, env: Environment, out: &mut dyn Write) -> Result<()> {
    let Environment {
        paint, mut json, ..
    } = env;
    app_folder(root)?;
    let project = detect::detect(root)?;
    preview::detection(out, root, &project, paint)?;
    for note in &project.base_notes {
        writeln!(out, "{} {note}", paint.yellow("note:"))?;
    }
    if let Some(saved) = &project.saved {
        let tables = saved.tables.clone().unwrap_or_default().join(", ");
        writeln!(
            out,
            "  {:<16} provider {}, tables [{tables}] ({})",
            "answers file:",
            saved.provider.as_deref().unwrap_or("none"),
            crate::saved::FILE
        )?;
    }
    if let Some(json) = json.as_mut() {
        let doc = crate::output::detect(&project);
        writeln!(json, "{}", serde_json::to_string_pretty(&doc)?)?;
    }
    Ok(())
}

pub fn run(mode: Mode, args: &InitArgs, env: Environment, out: &mut dyn Write) -> Result<()> {
    let Environment {
        interactive,
        paint,
        now,
        secrets,
        prompter,
        mut json,
    } = env;
    let root = args.path.as_path();
    app_folder(root)?;

    // A run that may write holds the app's lock from the first read to the last write.
    let _lock = if args.dry_run || args.check {
        None
    } else {
        Some(apply::lock(root)?)
    };
    let ask = Ask {
        interactive,
        values: mode == Mode::Init,
        saved_only: mode == Mode::Update,
    };
    let Prepared {
        project,
        answers,
        rendered,
        mut plan,
        masker,
        kept,
    } = prepare(args, secrets, ask, prompter, now, paint, out)?;
    match mode {
        Mode::Update => {
            let side = match answers.on_conflict {
                _ if answers.on_conflict_defaulted => None,
                ConflictPolicy::Skip => Some(crate::merge::Side::Yours),
                ConflictPolicy::Overwrite => Some(crate::merge::Side::Theirs),
                _ => None,
            };
            crate::merge::edited(&mut plan, &project.base.0, side)
        }
        // Asked for by name: the tool's version of files the user edited comes back.
        Mode::Init if answers.on_conflict == ConflictPolicy::Overwrite => {
            for change in plan.changes.iter_mut().filter(|c| {
                c.kind == Kind::Owned
                    && c.action == Action::Unchanged
                    && c.reason == Some(Reason::Edited)
            }) {
                change.action = Action::Overwrite;
            }
        }
        Mode::Init => {}
    }
    crate::base::record(&mut plan, &project.base.0, project.base.1.clone());

    writeln!(out)?;
    preview::summary(out, &plan, paint)?;
    if !plan.is_noop() {
        writeln!(out)?;
        preview::diff(out, &plan, &masker, paint)?;
    }
    preview::manual(out, &plan, paint)?;

    let command = match mode {
        Mode::Init => crate::output::Command::Init,
        Mode::Update => crate::output::Command::Update,
    };
    let mut emit = |plan: &Plan, written: bool| -> Result<()> {
        if let Some(json) = json.as_mut() {
            let mut doc = crate::output::run(command, &project, answers.provider, plan, written);
            doc.next_steps = preview::next_steps(plan, &answers, &rendered, &project);
            doc.provider_setup = Some(rendered.next_steps.clone());
            doc.used = Some(crate::output::UsedAnswers::of(&answers));
            writeln!(json, "{}", serde_json::to_string_pretty(&doc)?)?;
        }
        Ok(())
    };
    if args.check {
        emit(&plan, false)?;
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
    if args.dry_run {
        writeln!(out, "\n{} nothing was written.", paint.bold("Dry run:"))?;
        emit(&plan, false)?;
        collisions(&plan, false)?;
        return unresolved(&plan, mode);
    }
    // Temp files a killed run left behind go, whatever this run writes.
    apply::sweep(root, &plan);
    if plan.is_noop() {
        preview::nothing_to_do(out, &plan, &rendered, paint)?;
        emit(&plan, false)?;
        return unresolved(&plan, mode);
    }

    let to_decide = interactive
        && plan
            .changes
            .iter()
            .any(|c| c.action == Action::Conflict || c.reason == Some(Reason::Collision));
    decide_conflicts(&mut plan, &answers, &masker, paint, prompter, out)?;
    let notes = plan.notes.len();
    plan::settle(&mut plan, &project.aliases)?;
    record_kept(&mut plan, &kept, &answers);
    crate::base::record(&mut plan, &project.base.0, project.base.1.clone());
    // What the choices made of the plan, before it is confirmed: a file kept can keep others
    // from being written.
    if to_decide {
        writeln!(out, "\n{}", paint.bold("After your choices:"))?;
        preview::summary(out, &plan, paint)?;
        for note in &plan.notes[notes..] {
            writeln!(out, "  {} {note}", paint.yellow("note:"))?;
        }
    }
    let writes = plan.writes().next().is_some();
    if !writes {
        writeln!(out, "\nNothing written.")?;
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
        writeln!(out, "\n{} {} file(s).", paint.green("Wrote"), written.len())?;
    }
    preview::report(out, &plan, &answers, &rendered, &project, paint)?;
    emit(&plan, writes)?;
    collisions(&plan, writes)?;
    unresolved(&plan, mode)?;

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
fn unresolved(plan: &Plan, mode: Mode) -> Result<()> {
    if mode != Mode::Update {
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

/// Files an earlier run was told to keep are the user's: not conflicts, unless this run says
/// `--on-conflict overwrite`.
fn mark_kept(plan: &mut Plan, kept: &[String], policy: ConflictPolicy) {
    if policy == ConflictPolicy::Overwrite {
        return;
    }
    for change in &mut plan.changes {
        if change.action == Action::Conflict && kept.contains(&change.display_path()) {
            change.action = Action::Skip;
            change.reason = Some(Reason::Kept);
        }
    }
}

/// The answers file remembers what the user chose to keep: files skipped at the prompt or by
/// an explicit `--on-conflict skip` join `kept`; overwritten ones leave it.
fn record_kept(plan: &mut Plan, kept: &[String], answers: &Answers) {
    let mut now: Vec<String> = kept.to_vec();
    for change in &plan.changes {
        let path = change.display_path();
        let chosen_skip = change.action == Action::Skip
            && !matches!(
                change.reason,
                Some(Reason::Kept | Reason::Missing | Reason::Collision)
            )
            && !answers.on_conflict_defaulted;
        if chosen_skip && !now.contains(&path) {
            now.push(path);
        } else if change.action == Action::Overwrite {
            now.retain(|p| *p != path);
        }
    }
    now.sort();
    if now == kept {
        return;
    }
    let Some(change) = plan.changes.iter_mut().find(|c| c.kind == Kind::Answers) else {
        return;
    };
    let Ok(mut saved) = crate::saved::parse(&change.new) else {
        return;
    };
    saved.kept = now;
    change.new = crate::saved::render(&saved);
    change.action = match &change.old {
        None => Action::Create,
        Some(old) if *old == change.new => Action::Unchanged,
        Some(_) => Action::Update,
    };
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
    let collides =
        |c: &crate::change::Change| c.action.writes() && c.reason == Some(Reason::Collision);
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
            n if n == choices.len() => preview::file_diff(out, change, masker, paint)?,
            _ => return Err(Error::Aborted.into()),
        }
    }
}
