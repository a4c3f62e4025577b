//! `update`'s three-way merge of a file the tool owns and the user edited: base = what the
//! tool last wrote (the base store), ours = the file now, theirs = the new render. Lines only
//! one side changed are taken from it; lines both changed differently collide, and are written
//! between standard conflict markers.

use crate::change::{Action, Kind, Plan, Reason};
use crate::store::base::Base;

/// The label on the user's side of a collision.
pub const OURS: &str = "yours";
/// The label on the tool's side.
pub const THEIRS: &str = "insforge-integrate";

/// The merge of `ours` and `theirs` from `base`: `Ok` when clean, `Err` with conflict
/// markers when edits collide.
pub fn three_way(base: &str, ours: &str, theirs: &str) -> Result<String, String> {
    let crlf = ours.contains("\r\n");
    let lf = |t: &str| t.replace("\r\n", "\n");
    let (base, ours, theirs) = (lf(base), lf(ours), lf(theirs));
    let mut options = diffy::MergeOptions::new();
    options.set_conflict_style(diffy::ConflictStyle::Merge);
    let relabel = |text: String| -> String {
        let text = relabel(&text);
        if crlf {
            text.replace('\n', "\r\n")
        } else {
            text
        }
    };
    options
        .merge(&base, &ours, &theirs)
        .map(relabel)
        .map_err(relabel)
}

/// Whether a text still holds a block of the markers [`three_way`] writes.
pub fn has_markers(text: &str) -> bool {
    let mut open = false;
    for line in text.lines() {
        if line == format!("<<<<<<< {OURS}") {
            open = true;
        } else if open && line == format!(">>>>>>> {THEIRS}") {
            return true;
        }
    }
    false
}

/// Which side of each marked block to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Yours,
    Theirs,
}

/// `text` with every block of the markers [`three_way`] writes replaced by one side of it;
/// None when it holds no complete block (or a block is left open).
pub fn resolve_markers(text: &str, side: Side) -> Option<String> {
    let open = format!("<<<<<<< {OURS}");
    let close = format!(">>>>>>> {THEIRS}");
    let mut out = String::with_capacity(text.len());
    // Outside a block, in its first half, in its second half.
    let mut state = 0;
    let mut blocks = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        match state {
            0 if body == open => state = 1,
            0 => out.push_str(line),
            1 if body == "=======" => state = 2,
            1 => {
                if side == Side::Yours {
                    out.push_str(line);
                }
            }
            _ if body == close => {
                state = 0;
                blocks += 1;
            }
            _ => {
                if side == Side::Theirs {
                    out.push_str(line);
                }
            }
        }
    }
    (state == 0 && blocks > 0).then_some(out)
}

/// Name the sides: diffy writes `<<<<<<< ours` and `>>>>>>> theirs`.
fn relabel(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, end) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        match body {
            "<<<<<<< ours" => out.push_str(&format!("<<<<<<< {OURS}{end}")),
            ">>>>>>> theirs" => out.push_str(&format!(">>>>>>> {THEIRS}{end}")),
            _ => out.push_str(line),
        }
    }
    out
}

/// Turn each owned file the user edited, whose render changed too, into its merge: a clean
/// one is an update; a colliding one is an update with markers ([`Reason::Collision`]), left
/// to the conflict policy. `theirs` keeps the render, the next merge's base. A file that
/// still holds an earlier update's markers is resolved to `resolve`'s side when one is given
/// (`--on-conflict skip` keeps the user's side, `overwrite` takes the new version's).
pub fn edited(plan: &mut Plan, base: &Base, resolve: Option<Side>) {
    for change in plan.changes.iter_mut() {
        if let (Some(side), Some(old)) = (resolve, &change.old) {
            let marked = change.kind == Kind::Owned && !change.action.writes();
            if let Some(resolved) = marked.then(|| resolve_markers(old, side)).flatten() {
                // The render stays the next merge's base.
                change.theirs = Some(std::mem::replace(&mut change.new, resolved));
                change.action = Action::Update;
                change.reason = Some(Reason::Resolved);
                continue;
            }
        }
        let is_edit = change.kind == Kind::Owned
            && change.action == Action::Conflict
            && change.reason == Some(Reason::Edited);
        if !is_edit {
            continue;
        }
        let (Some(ancestor), Some(ours)) = (base.get(&change.display_path()), &change.old) else {
            continue;
        };
        let theirs = change.new.clone();
        let (merged, reason) = match three_way(ancestor, ours, &theirs) {
            Ok(merged) => (merged, Reason::Edited),
            Err(marked) => (marked, Reason::Collision),
        };
        change.action = if merged == *ours {
            Action::Unchanged
        } else {
            Action::Update
        };
        change.new = merged;
        change.reason = Some(reason);
        change.theirs = Some(theirs);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "import a from 'a';\n\nconst REFRESH = 50_000;\n\nexport function f() {\n  return a(REFRESH);\n}\n";

    #[test]
    fn an_edit_and_a_template_change_in_different_lines_both_survive() {
        let ours = BASE.replace("export function f", "// mine\nexport function f");
        let theirs = BASE.replace("50_000", "45_000");
        let merged = three_way(BASE, &ours, &theirs).unwrap();
        assert!(merged.contains("// mine"), "{merged}");
        assert!(merged.contains("45_000"), "{merged}");
        assert!(!merged.contains("50_000"), "{merged}");
    }

    #[test]
    fn edits_of_the_same_line_collide_with_standard_markers() {
        let ours = BASE.replace("50_000", "30_000");
        let theirs = BASE.replace("50_000", "45_000");
        let marked = three_way(BASE, &ours, &theirs).unwrap_err();
        let expected = "<<<<<<< yours\nconst REFRESH = 30_000;\n=======\nconst REFRESH = 45_000;\n>>>>>>> insforge-integrate\n";
        assert!(marked.contains(expected), "{marked}");
        assert!(marked.starts_with("import a from 'a';\n"), "{marked}");
    }

    #[test]
    fn marked_blocks_resolve_to_either_side_and_keep_the_rest() {
        let ours = BASE
            .replace("50_000", "30_000")
            .replace("export function f", "// mine\nexport function f");
        let theirs = BASE.replace("50_000", "45_000");
        let marked = three_way(BASE, &ours, &theirs).unwrap_err();
        assert!(has_markers(&marked));
        let yours = resolve_markers(&marked, Side::Yours).unwrap();
        assert_eq!(yours, ours);
        let new = resolve_markers(&marked, Side::Theirs).unwrap();
        assert!(new.contains("45_000") && new.contains("// mine"), "{new}");
        assert!(!has_markers(&new));
        assert_eq!(resolve_markers(BASE, Side::Yours), None);
        assert_eq!(
            resolve_markers("<<<<<<< yours\na\n=======\n", Side::Yours),
            None
        );
    }

    #[test]
    fn crlf_files_stay_crlf() {
        let crlf = |t: &str| t.replace('\n', "\r\n");
        let ours = crlf(&BASE.replace("export function f", "// mine\nexport function f"));
        let theirs = BASE.replace("50_000", "45_000");
        let merged = three_way(BASE, &ours, &theirs).unwrap();
        assert!(merged.contains("// mine\r\n"), "{merged:?}");
        assert!(merged.contains("45_000"), "{merged:?}");
        assert_eq!(merged.matches('\n').count(), merged.matches("\r\n").count());
    }
}
