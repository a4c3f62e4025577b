//! The pipeline every command runs first: detect → resolve → render (in the app's format)
//! → plan, with the detection block and the answers' notes printed on the way. `init`,
//! `update` and `check` take its [`Prepared`] plan and differ only in what they do with it;
//! `detect` stops after detection.

use std::io::Write;

use anyhow::Result;

use crate::change::{Action, Plan, Reason};
use crate::cli::ConflictPolicy;
use crate::clock::Seconds;
use crate::detect;
use crate::error::Error;
use crate::plan;
use crate::prompt::Prompter;
use crate::render;
use crate::report::human::{self, Masker, Paint};
use crate::request::Request;
use crate::resolve::{self, Answers};

/// What the run gets besides its [`Request`]: the clock, colours, the prompter and the place
/// its `--json` document goes.
pub struct Environment<'a> {
    pub paint: Paint,
    pub now: Seconds,
    pub prompter: &'a mut dyn Prompter,
    /// Where `--json` output goes (the human output then goes nowhere).
    pub json: Option<&'a mut dyn Write>,
}

/// Everything the pipeline computed before anything is decided or written.
pub struct Prepared {
    pub project: detect::Project,
    pub answers: Answers,
    pub rendered: render::Rendered,
    pub plan: Plan,
    pub masker: Masker,
    /// What the run noted on the way (how answers were chosen, the base store's oddities):
    /// printed as they came, and the `notes` of `--json`.
    pub notes: Vec<String>,
}

/// Detect, resolve, render and plan, printing the detection block and the answers' notes.
/// `check` and `update` work from the answers file an `init` saved: without one the run
/// stops, saying to run `init` first.
pub fn prepare(
    request: &Request,
    prompter: &mut dyn Prompter,
    now: Seconds,
    paint: Paint,
    out: &mut dyn Write,
) -> Result<Prepared> {
    let root = request.root.as_path();
    let project = detect::detect(root)?;
    if request.saved_only() && project.saved.is_none() {
        return Err(Error::InvalidArgument(format!(
            "{} has no {}: this command works from the answers `insforge-integrate init` saved there, so run `insforge-integrate init` first (and commit the file)",
            root.display(),
            crate::store::answers::FILE
        ))
        .into());
    }
    human::detection(out, root, &project, paint)?;
    if let Some(why) = project.refusal(None) {
        return Err(Error::Unsupported(why).into());
    }

    let answers = resolve::resolve_asking(
        &request.given,
        &project,
        project.saved.as_ref(),
        request.secrets.clone(),
        request.interactive,
        request.asks_values(),
        prompter,
    )?;
    // The run's notes, one list: printed here, and the same list in `--json`.
    let notes: Vec<String> = answers
        .notes
        .iter()
        .chain(&project.base_notes)
        .cloned()
        .collect();
    human::notes(out, &notes, paint)?;

    if let Some(why) = project.refusal(Some(answers.provider)) {
        return Err(Error::Unsupported(why).into());
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
    rendered
        .manual_steps
        .extend(unverified(&project, answers.provider));
    // In the app's own format before planning: the diff shows what lands.
    if let Some(formatter) = &project.formatter {
        let notes = crate::format::apply(formatter, root, &mut rendered.artifacts);
        rendered.manual_steps.extend(notes);
    }
    let files = plan::Snapshot::new(root, &project)?;
    let mut plan = plan::plan(
        &rendered.artifacts,
        &files,
        now,
        &project.base.0,
        project.base.1.clone(),
    )?;
    let kept = project
        .saved
        .as_ref()
        .map(|s| s.kept.clone())
        .unwrap_or_default();
    mark_kept(&mut plan, &kept, answers.on_conflict);
    plan::settle(&mut plan, &project.aliases)?;
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
        notes,
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

/// A provider package older than any release the generated code is verified against (an
/// older major than the oldest pin of the typecheck suite): said, since nothing proves the
/// code compiles there.
fn unverified(project: &detect::Project, provider: &crate::provider::Provider) -> Vec<String> {
    provider
        .detect
        .packages
        .iter()
        .filter_map(|package| {
            let found = project.versions.get(package)?;
            let oldest = crate::version::oldest_verified(package)?;
            (found.value.major < oldest.major).then(|| {
                format!(
                    "{package} {} ({}) is older than any release this version of insforge-integrate is verified against (the oldest is {oldest}): the written code may not compile with it. Upgrading {package} is the tested path.",
                    found.value, found.evidence
                )
            })
        })
        .collect()
}
