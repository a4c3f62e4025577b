//! The tool's own files, written once per run: when the plan is final (its conflicts decided,
//! or left undecided by a run that writes nothing), the answers file and the base store are
//! computed from it and join it as changes. Their inputs wait in [`Plan::tool_state`] and are
//! taken here, so a second computation has nothing to work from.

use crate::change::{Action, Change, Kind, Plan, Reason, ToolState};
use crate::store::base::Base;

/// Add the answers file's and the base store's changes to `plan`. `chosen` says the conflict
/// policy was chosen (a flag or a prompt): files it skipped join the answers file's `kept`.
/// Does nothing when they were added already (or the plan has no answers to record).
pub fn finish(plan: &mut Plan, chosen: bool) {
    let Some(state) = plan.tool_state.take() else {
        return;
    };
    let ToolState {
        mut saved,
        saved_text,
        saved_at,
        base,
        base_text,
    } = state;
    saved.kept = kept(plan, &saved.kept, chosen);
    let text = crate::store::answers::render(&saved);
    let action = match &saved_text {
        None => Action::Create,
        Some(old) if *old == text => Action::Unchanged,
        Some(_) => Action::Update,
    };
    let at = saved_at.min(plan.changes.len());
    plan.changes.insert(
        at,
        Change::new(
            crate::store::answers::FILE,
            action,
            Kind::Answers,
            saved_text,
            text,
        ),
    );
    if let Some(change) = base_change(plan, &base, base_text) {
        plan.changes.push(change);
    }
}

/// The files the user keeps after this plan: files skipped at the prompt or by a chosen
/// `--on-conflict skip` join them; overwritten ones leave.
fn kept(plan: &Plan, before: &[String], chosen: bool) -> Vec<String> {
    let mut now: Vec<String> = before.to_vec();
    for change in &plan.changes {
        let path = change.display_path();
        let chosen_skip = chosen
            && change.action == Action::Skip
            && !matches!(
                change.reason,
                Some(Reason::Kept | Reason::Missing | Reason::Collision)
            );
        if chosen_skip && !now.contains(&path) {
            now.push(path);
        } else if change.action == Action::Overwrite {
            now.retain(|p| *p != path);
        }
    }
    now.sort();
    if now == before {
        // As the file had them (its order too).
        return before.to_vec();
    }
    now
}

/// Whether the tool owns files of this kind whole (and so records them).
fn owned(kind: Kind) -> bool {
    matches!(kind, Kind::Owned | Kind::Migration)
}

/// The store after this plan is applied: each owned file the plan writes or finds as
/// rendered records its new text (for a merged file, the tool's render, the next merge's
/// base); files kept or left as edited keep what was recorded.
fn after(base: &Base, plan: &Plan) -> Base {
    let mut next = base.clone();
    for change in plan.changes.iter().filter(|c| owned(c.kind)) {
        let path = change.display_path();
        match change.action {
            Action::Create | Action::Update | Action::Overwrite => {
                let render = change.theirs.as_ref().unwrap_or(&change.new);
                next.files.insert(path, render.clone());
            }
            Action::Unchanged if change.old.as_deref() == Some(change.new.as_str()) => {
                next.files.insert(path, change.new.clone());
            }
            _ => {}
        }
    }
    next
}

/// The base store's change: none when there is no store and nothing to record.
fn base_change(plan: &Plan, base: &Base, old: Option<String>) -> Option<Change> {
    let next = after(base, plan);
    if old.is_none() && next.files.is_empty() {
        return None;
    }
    let file = crate::store::base::FILE;
    if old.is_some() && next == *base {
        // Unchanged content: leave the file's bytes as they are.
        let text = old.clone().unwrap_or_default();
        return Some(Change::new(file, Action::Unchanged, Kind::Base, old, text));
    }
    let new = next.render();
    let action = match &old {
        None => Action::Create,
        Some(o) if *o == new => Action::Unchanged,
        Some(_) => Action::Update,
    };
    Some(Change::new(file, action, Kind::Base, old, new))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::answers::Saved;

    fn plan_with(changes: Vec<Change>, kept: &[&str]) -> Plan {
        Plan {
            tool_state: Some(ToolState {
                saved: Saved {
                    provider: Some("clerk".into()),
                    kept: kept.iter().map(|k| k.to_string()).collect(),
                    ..Saved::default()
                },
                saved_text: None,
                saved_at: 1,
                base: Base::default(),
                base_text: None,
            }),
            changes,
            ..Plan::default()
        }
    }

    fn owned(path: &str, action: Action, old: Option<&str>) -> Change {
        Change::new(
            path,
            action,
            Kind::Owned,
            old.map(Into::into),
            "new\n".into(),
        )
    }

    #[test]
    fn the_tool_state_is_computed_once_from_the_final_plan() {
        let mut plan = plan_with(
            vec![
                owned("lib/a.ts", Action::Create, None),
                owned("lib/b.ts", Action::Skip, Some("mine\n")),
            ],
            &[],
        );
        finish(&mut plan, true);
        let kinds: Vec<Kind> = plan.changes.iter().map(|c| c.kind).collect();
        // The answers file where render put it, the store last.
        assert_eq!(
            kinds,
            [Kind::Owned, Kind::Answers, Kind::Owned, Kind::Base],
            "{plan:#?}"
        );
        let answers = crate::store::answers::parse(&plan.changes[1].new).unwrap();
        assert_eq!(answers.kept, ["lib/b.ts"], "a chosen skip is kept");
        let base = Base::parse(&plan.changes[3].new).unwrap();
        assert_eq!(base.get("lib/a.ts"), Some("new\n"));
        assert_eq!(base.get("lib/b.ts"), None, "a kept file is not recorded");
        // A second call has nothing left to compute from.
        assert!(plan.tool_state.is_none());
        let before = plan.clone();
        finish(&mut plan, true);
        assert_eq!(plan, before);
    }

    #[test]
    fn only_chosen_skips_are_kept_and_overwrites_leave() {
        let changes = || {
            vec![
                owned("lib/b.ts", Action::Skip, Some("mine\n")),
                owned("lib/c.ts", Action::Overwrite, Some("mine\n")),
            ]
        };
        let mut plan = plan_with(changes(), &["lib/c.ts"]);
        finish(&mut plan, false);
        let answers = crate::store::answers::parse(&plan.changes[1].new).unwrap();
        assert!(answers.kept.is_empty(), "{answers:?}");
        let mut plan = plan_with(changes(), &["lib/c.ts"]);
        finish(&mut plan, true);
        let answers = crate::store::answers::parse(&plan.changes[1].new).unwrap();
        assert_eq!(answers.kept, ["lib/b.ts"]);
    }
}
