//! Preview: a plan as people read it — a summary line per file and a coloured unified diff,
//! with secret values masked. Writes to any `io::Write`, so tests capture it as text.

use std::collections::BTreeSet;
use std::io::{self, Write};

use console::Style;
use similar::{ChangeTag, TextDiff};

use super::json::Status;
use crate::change::{Action, Change, Kind, Plan, Reason};
use crate::dotenv;
use crate::step::{Section, Step};

/// Hides secret values in anything shown. In env files every value is hidden except those of
/// browser-exposed variables (`NEXT_PUBLIC_*`, `VITE_*`) and of variables the tool declares
/// public: a name says too little about what a value holds (`POSTGRES_URL`, `SMTP_PASS`).
#[derive(Debug, Clone, Default)]
pub struct Masker {
    pub public_keys: BTreeSet<String>,
    pub secret_values: Vec<String>,
}

impl Masker {
    pub fn mask(&self, kind: Kind, text: &str) -> String {
        let mut text = if kind == Kind::Env {
            dotenv::mask(text, |key| !self.is_public_key(key))
        } else {
            text.to_string()
        };
        for value in self.secret_values.iter().filter(|v| v.len() >= 4) {
            text = text.replace(value.as_str(), dotenv::MASK);
        }
        text
    }

    fn is_public_key(&self, key: &str) -> bool {
        key.starts_with("NEXT_PUBLIC_")
            || key.starts_with("VITE_")
            || self.public_keys.contains(key)
    }
}

/// Colours, or none.
#[derive(Debug, Clone, Copy)]
pub struct Paint {
    pub color: bool,
}

impl Paint {
    fn style(self, style: Style) -> Style {
        style.force_styling(self.color)
    }
    pub fn bold(self, s: &str) -> String {
        self.style(Style::new().bold()).apply_to(s).to_string()
    }
    pub fn dim(self, s: &str) -> String {
        self.style(Style::new().dim()).apply_to(s).to_string()
    }
    pub fn green(self, s: &str) -> String {
        self.style(Style::new().green()).apply_to(s).to_string()
    }
    pub fn red(self, s: &str) -> String {
        self.style(Style::new().red()).apply_to(s).to_string()
    }
    pub fn yellow(self, s: &str) -> String {
        self.style(Style::new().yellow()).apply_to(s).to_string()
    }
    pub fn cyan(self, s: &str) -> String {
        self.style(Style::new().cyan()).apply_to(s).to_string()
    }
}

/// The plan before anything is written: the summary, the diff (when something changes) and
/// the merges left by hand.
pub fn preview(out: &mut dyn Write, plan: &Plan, masker: &Masker, paint: Paint) -> io::Result<()> {
    writeln!(out)?;
    summary(out, plan, paint)?;
    if !plan.is_noop() {
        writeln!(out)?;
        diff(out, plan, masker, paint)?;
    }
    manual(out, plan, paint)
}

/// What the conflict choices made of the plan, with the notes they brought.
pub fn after_choices(
    out: &mut dyn Write,
    plan: &Plan,
    notes: &[String],
    paint: Paint,
) -> io::Result<()> {
    writeln!(out, "\n{}", paint.bold("After your choices:"))?;
    summary(out, plan, paint)?;
    for note in notes {
        writeln!(out, "  {} {note}", paint.yellow("note:"))?;
    }
    Ok(())
}

pub fn dry_run(out: &mut dyn Write, paint: Paint) -> io::Result<()> {
    writeln!(out, "\n{} nothing was written.", paint.bold("Dry run:"))
}

pub fn nothing_written(out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "\nNothing written.")
}

pub fn wrote(out: &mut dyn Write, files: usize, paint: Paint) -> io::Result<()> {
    writeln!(out, "\n{} {files} file(s).", paint.green("Wrote"))
}

/// `detect`'s line for the answers file.
pub fn saved_answers(out: &mut dyn Write, saved: &crate::store::answers::Saved) -> io::Result<()> {
    let tables = saved.tables.clone().unwrap_or_default().join(", ");
    writeln!(
        out,
        "  {:<16} provider {}, tables [{tables}] ({})",
        "answers file:",
        saved.provider.as_deref().unwrap_or("none"),
        crate::store::answers::FILE
    )
}

/// The remote steps `--setup` would do after the files are written (a dry run lists them and
/// contacts nothing).
pub fn remote_steps(
    out: &mut dyn Write,
    steps: &[crate::remote::Step],
    paint: Paint,
) -> io::Result<()> {
    if steps.is_empty() {
        return Ok(());
    }
    let host = steps
        .iter()
        .find_map(|s| s.host.as_deref())
        .unwrap_or("the linked project");
    writeln!(
        out,
        "\n{} {host} {}",
        paint.bold("Setup steps with"),
        paint.dim("(--setup, after the files are written; nothing is contacted by a dry run)")
    )?;
    for step in steps {
        let label = if step.host.is_some() {
            "remote"
        } else {
            "local"
        };
        writeln!(
            out,
            "  {} {}  {}",
            paint.cyan(&format!("{label:<10}")),
            step.what,
            paint.dim(&step.calls.join(", "))
        )?;
    }
    Ok(())
}

/// The run's notes, one line each.
pub fn notes(out: &mut dyn Write, notes: &[String], paint: Paint) -> io::Result<()> {
    for note in notes {
        writeln!(out, "{} {note}", paint.yellow("note:"))?;
    }
    Ok(())
}

/// The detection block: every fact with its evidence.
pub fn detection(
    out: &mut dyn Write,
    root: &std::path::Path,
    project: &crate::detect::Project,
    paint: Paint,
) -> io::Result<()> {
    writeln!(out, "{} {}", paint.bold("Detected in"), root.display())?;
    for (label, value) in project.facts() {
        writeln!(out, "  {:<16} {value}", format!("{label}:"))?;
    }
    Ok(())
}

/// One line per file, then the manual merges.
pub fn summary(out: &mut dyn Write, plan: &Plan, paint: Paint) -> io::Result<()> {
    let count = |action: Action| plan.changes.iter().filter(|c| c.action == action).count();
    let mut parts = Vec::new();
    for (action, word) in [
        (Action::Create, "to create"),
        (Action::Update, "to update"),
        (Action::Overwrite, "to overwrite"),
        (Action::Conflict, "in conflict"),
        (Action::Skip, "skipped"),
        (Action::Unchanged, "unchanged"),
    ] {
        let n = count(action);
        if n > 0 {
            parts.push(format!("{n} {word}"));
        }
    }
    if !plan.manual.is_empty() {
        parts.push(format!("{} to merge by hand", plan.manual.len()));
    }
    writeln!(out, "{} {}", paint.bold("Plan:"), parts.join(", "))?;
    for change in &plan.changes {
        let label = format!("{:<10}", change.action.label());
        let label = match change.action {
            Action::Create => paint.green(&label),
            Action::Update | Action::Overwrite => paint.yellow(&label),
            Action::Conflict => paint.red(&label),
            Action::Unchanged | Action::Skip => paint.dim(&label),
        };
        let note = match (change.action, change.reason) {
            (Action::Conflict, Some(Reason::ReadOnly)) => {
                "  (read-only: never replaced unless you say so)"
            }
            (Action::Conflict, Some(Reason::Edited)) => {
                "  (edited since insforge-integrate wrote it)"
            }
            (Action::Conflict, _) => "  (exists and differs from what would be written)",
            (Action::Unchanged, Some(Reason::Edited)) => "  (edited by you; left as it is)",
            (Action::Update, Some(Reason::Edited)) => "  (your edits merged with the new version)",
            (Action::Update, Some(Reason::Collision)) => {
                "  (your edits collide with the new version: conflict markers)"
            }
            (Action::Update, Some(Reason::Resolved)) => "  (conflict markers resolved by policy)",
            (Action::Skip, Some(Reason::Kept)) => "  (kept: yours)",
            (Action::Skip, Some(Reason::Missing)) => {
                "  (not written: a file you keep lacks what it imports)"
            }
            (Action::Skip, _) => "  (kept as it is)",
            _ => "",
        };
        writeln!(
            out,
            "  {label} {}{}",
            change.display_path(),
            paint.dim(note)
        )?;
    }
    for manual in &plan.manual {
        let existing: Vec<String> = manual
            .existing
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        writeln!(
            out,
            "  {} {}  {}",
            paint.cyan(&format!("{:<10}", "manual")),
            manual.wanted.display(),
            paint.dim(&format!(
                "(not created: {} exists; merge shown below)",
                existing.join(", ")
            ))
        )?;
    }
    Ok(())
}

/// Unified diffs of every change that writes or conflicts.
pub fn diff(out: &mut dyn Write, plan: &Plan, masker: &Masker, paint: Paint) -> io::Result<()> {
    for change in &plan.changes {
        if change.kind == Kind::Base {
            // Its content is the other files' content: the diff would show them twice.
            continue;
        }
        if change.action.writes() || change.action == Action::Conflict {
            file_diff(out, change, masker, paint)?;
        }
    }
    Ok(())
}

/// The diff of one change (also used by the conflict prompt's "show diff").
pub fn file_diff(
    out: &mut dyn Write,
    change: &Change,
    masker: &Masker,
    paint: Paint,
) -> io::Result<()> {
    let old = change
        .old
        .as_deref()
        .map(|t| masker.mask(change.kind, t))
        .unwrap_or_default();
    let new = masker.mask(change.kind, &change.new);
    let path = change.display_path();
    let (from, to) = match (change.old.is_some(), change.action) {
        (false, _) => ("/dev/null".to_string(), format!("b/{path}")),
        (true, Action::Conflict) => (
            format!("a/{path}"),
            format!("b/{path} (insforge-integrate)"),
        ),
        (true, _) => (format!("a/{path}"), format!("b/{path}")),
    };
    writeln!(out, "{}", paint.bold(&format!("--- {from}")))?;
    writeln!(out, "{}", paint.bold(&format!("+++ {to}")))?;
    // Myers with a deadline: a huge file's diff may be less minimal, never slow.
    let diff = TextDiff::configure()
        .deadline(std::time::Instant::now() + std::time::Duration::from_millis(500))
        .diff_lines(&old, &new);
    for group in diff.grouped_ops(3) {
        let (first, last) = (&group[0], &group[group.len() - 1]);
        let old_range = first.old_range().start..last.old_range().end;
        let new_range = first.new_range().start..last.new_range().end;
        let header = format!(
            "@@ -{} +{} @@",
            hunk_range(old_range.start, old_range.len()),
            hunk_range(new_range.start, new_range.len())
        );
        writeln!(out, "{}", paint.cyan(&header))?;
        for op in &group {
            for line in diff.iter_changes(op) {
                let text = line.value();
                let text = text.trim_end_matches(['\n', '\r']);
                let body = match line.tag() {
                    ChangeTag::Delete => paint.red(&format!("-{text}")),
                    ChangeTag::Insert => paint.green(&format!("+{text}")),
                    ChangeTag::Equal => format!(" {text}"),
                };
                writeln!(out, "{body}")?;
                if line.missing_newline() {
                    writeln!(out, "\\ No newline at end of file")?;
                }
            }
        }
    }
    Ok(())
}

fn hunk_range(start: usize, len: usize) -> String {
    match len {
        0 => format!("{start},0"),
        1 => format!("{}", start + 1),
        _ => format!("{},{len}", start + 1),
    }
}

/// The code to merge into an existing interceptor.
pub fn manual(out: &mut dyn Write, plan: &Plan, paint: Paint) -> io::Result<()> {
    for m in &plan.manual {
        let existing: Vec<String> = m.existing.iter().map(|p| p.display().to_string()).collect();
        writeln!(
            out,
            "\n{} your app already has {}, which insforge-integrate never replaces. Merge this into {}:",
            paint.yellow("!"),
            existing.join(" and "),
            existing[0]
        )?;
        if existing.len() > 1 {
            writeln!(
                out,
                "  (Next.js fails to build with both middleware and proxy files: keep one.)"
            )?;
        }
        for line in m.content.lines() {
            writeln!(out, "    {line}")?;
        }
    }
    Ok(())
}

/// After writing: skipped files, manual merges, then what the user does next.
pub fn report(
    out: &mut dyn Write,
    plan: &Plan,
    (steps, usage): (&[Step], &[String]),
    provider: &str,
    paint: Paint,
) -> io::Result<()> {
    for change in plan.changes.iter().filter(|c| c.action == Action::Skip) {
        if change.reason == Some(Reason::Kept) {
            writeln!(
                out,
                "{} kept (yours) {}: insforge-integrate.toml lists it under `kept` (--on-conflict overwrite brings the tool's version back)",
                paint.dim("·"),
                change.display_path()
            )?;
            continue;
        }
        let why = match change.reason {
            Some(Reason::Missing) => {
                "it imports names a file you keep does not export (see the steps below)".to_string()
            }
            Some(Reason::ReadOnly) => format!(
                "it is read-only (make it writable with chmod u+w {}, or pass --on-conflict overwrite)",
                change.display_path()
            ),
            _ => "it differs from what would be written (--on-conflict overwrite replaces it)"
                .to_string(),
        };
        writeln!(
            out,
            "{} skipped {}: {why}",
            paint.yellow("!"),
            change.display_path()
        )?;
    }
    let (run, setup): (Vec<&Step>, Vec<&Step>) =
        steps.iter().partition(|s| s.section == Section::Run);
    writeln!(out, "\n{}", paint.bold("Next steps"))?;
    list(out, &run, paint)?;
    let title = format!("{provider} setup");
    if run.iter().all(|s| s.done) {
        writeln!(out, "  none left here: what is left is the {title} below")?;
    }
    writeln!(out, "\n{}", paint.bold(&title))?;
    out.write_all(provider_setup(&setup, usage, paint).as_bytes())?;
    Ok(())
}

/// Steps, numbered; a done one marked, its text dimmed.
fn list(out: &mut dyn Write, steps: &[&Step], paint: Paint) -> io::Result<()> {
    for (n, step) in steps.iter().enumerate() {
        let mut lines = step.text.lines();
        let first = lines.next().unwrap_or("");
        if step.done {
            writeln!(
                out,
                "  {}. {} {}",
                n + 1,
                paint.green("done:"),
                paint.dim(first)
            )?;
        } else {
            writeln!(out, "  {}. {first}", n + 1)?;
        }
        for line in lines {
            if line.is_empty() {
                writeln!(out)?;
            } else if step.done {
                writeln!(out, "     {}", paint.dim(line))?;
            } else {
                writeln!(out, "     {line}")?;
            }
        }
    }
    Ok(())
}

/// The provider's section: its steps, then how to use the result; the text `--json` carries
/// as `provider_setup`.
pub fn provider_setup(steps: &[&Step], usage: &[String], paint: Paint) -> String {
    let mut out = Vec::new();
    let _ = list(&mut out, steps, paint);
    for text in usage {
        writeln!(out).ok();
        for (i, line) in text.lines().enumerate() {
            let lead = if i == 0 { "  - " } else { "    " };
            if line.is_empty() {
                writeln!(out).ok();
            } else {
                writeln!(out, "{lead}{line}").ok();
            }
        }
    }
    String::from_utf8(out).unwrap_or_default()
}

/// `verify`'s checklist and its verdict.
pub fn verify(
    out: &mut dyn Write,
    host: &str,
    checks: &[crate::report::json::VerifyCheck],
    notes: &[String],
    paint: Paint,
) -> io::Result<()> {
    writeln!(
        out,
        "\n{} {host}",
        paint.bold("Verify against the linked InsForge project:")
    )?;
    let width = checks.iter().map(|c| c.id.len()).max().unwrap_or(0);
    for c in checks {
        let mark = if c.passed {
            paint.green("ok  ")
        } else {
            paint.red("FAIL")
        };
        writeln!(out, "  {mark} {:<width$}  {}", c.id, c.text)?;
    }
    for note in notes {
        writeln!(out, "  {} {note}", paint.dim("·"))?;
    }
    let failed = checks.iter().filter(|c| !c.passed).count();
    if failed == 0 {
        writeln!(
            out,
            "\n{} {} check(s) hold.",
            paint.green("Verified:"),
            checks.len()
        )?;
    } else {
        writeln!(
            out,
            "\n{} {failed} of {} check(s) failed.",
            paint.red("Not verified:"),
            checks.len()
        )?;
    }
    Ok(())
}

/// A run with nothing to write: the files kept as the user's, and what only the user can do,
/// listed again until it is done.
pub fn nothing_to_do(
    out: &mut dyn Write,
    plan: &Plan,
    steps: &[Step],
    paint: Paint,
) -> io::Result<()> {
    writeln!(out, "\nNothing to do: every file is up to date.")?;
    for change in plan
        .changes
        .iter()
        .filter(|c| c.reason == Some(Reason::Kept))
    {
        writeln!(out, "  kept (yours): {}", change.display_path())?;
    }
    // Every step still open, in full: a re-run is where one looks for what is left.
    let left: Vec<&Step> = steps.iter().filter(|s| !s.done).collect();
    if !left.is_empty() {
        writeln!(out, "\n{}", paint.bold("Still to do"))?;
        list(out, &left, paint)?;
    }
    Ok(())
}

/// `check`'s report: the verdict, a line for each file that is not as written, the merges
/// left by hand, the notes, and the diff of each drifting file (an edit counted by
/// `--strict`: what the user changed); with `github`, workflow commands too.
#[allow(clippy::too_many_arguments)]
pub fn check(
    out: &mut dyn Write,
    plan: &Plan,
    statuses: &[Status],
    strict: bool,
    base: &crate::store::base::Base,
    masker: &Masker,
    paint: Paint,
    github: bool,
) -> io::Result<()> {
    let drift = statuses.iter().filter(|s| s.is_drift(strict)).count();
    writeln!(out)?;
    if drift == 0 {
        writeln!(
            out,
            "{} the app matches what insforge-integrate writes ({} file(s) checked).",
            paint.green("Check passed:"),
            statuses.iter().filter(|s| **s != Status::Local).count()
        )?;
    } else {
        writeln!(
            out,
            "{} {drift} file(s) differ from what insforge-integrate writes.",
            paint.red("Check failed:"),
        )?;
    }
    for (change, &s) in plan.changes.iter().zip(statuses) {
        if s == Status::Ok {
            continue;
        }
        let label = format!("{:<10}", format!("{s:?}").to_lowercase());
        let label = if s.is_drift(strict) {
            paint.red(&label)
        } else {
            paint.dim(&label)
        };
        writeln!(
            out,
            "  {label} {}  {}",
            change.display_path(),
            paint.dim(explain(change, s))
        )?;
    }
    for m in &plan.manual {
        writeln!(
            out,
            "  {} {}  {}",
            paint.cyan(&format!("{:<10}", "manual")),
            crate::paths::slash(&m.wanted),
            paint.dim("the app has its own interceptor: the merge is yours to check")
        )?;
    }
    for note in &plan.notes {
        writeln!(out, "  {} {note}", paint.yellow("note:"))?;
    }
    for (change, &s) in plan.changes.iter().zip(statuses) {
        if !s.is_drift(strict) || change.kind == Kind::Base {
            continue;
        }
        writeln!(out)?;
        match (s, base.get(&change.display_path())) {
            // An edit counted by --strict: what the user changed.
            (Status::Edited, Some(base)) => {
                let edit = Change {
                    old: Some(base.to_string()),
                    new: change.old.clone().unwrap_or_default(),
                    action: Action::Update,
                    ..change.clone()
                };
                file_diff(out, &edit, masker, paint)?;
            }
            _ => file_diff(out, change, masker, paint)?,
        }
    }
    if github {
        github_commands(out, &plan.changes, statuses, strict)?;
    }
    Ok(())
}

fn explain(change: &Change, status: Status) -> &'static str {
    match status {
        Status::Ok => "as insforge-integrate writes it",
        Status::Edited => "edited since insforge-integrate wrote it (fails only --strict)",
        Status::Kept => "yours: kept in insforge-integrate.toml (fails only --strict)",
        Status::Local => "not here: a local file, not checked",
        Status::Outdated if change.kind == Kind::Migration => {
            "the SQL changed: `insforge-integrate update` adds it as a new, later migration"
        }
        Status::Outdated if change.reason == Some(Reason::Edited) => {
            "edited by you, and insforge-integrate writes it differently now: `insforge-integrate update` merges the two (the diff shows the merge)"
        }
        Status::Outdated if change.reason == Some(Reason::Collision) => {
            "edited by you, and the new version changes the same lines: `insforge-integrate update` writes conflict markers for you to resolve"
        }
        Status::Outdated if change.kind == Kind::Base => {
            "does not record what insforge-integrate wrote: `insforge-integrate update` records it"
        }
        Status::Outdated => {
            "insforge-integrate writes it differently now: `insforge-integrate update` brings it up to date"
        }
        Status::Missing if change.kind == Kind::Migration => {
            "deleted since insforge-integrate wrote it: `insforge-integrate update` writes it back"
        }
        Status::Missing => "missing: `insforge-integrate update` writes it",
        Status::Incomplete => {
            "lacks what the integration adds to it: `insforge-integrate update` adds it"
        }
        Status::Conflict => {
            "differs, and insforge-integrate never wrote it: `insforge-integrate update` asks what to do"
        }
        Status::Unresolved => {
            "holds conflict markers from `insforge-integrate update`: resolve each marked block"
        }
        Status::Pending => {
            "not applied to the linked InsForge project yet: `insforge-integrate init --setup` applies it (or `npx -y @insforge/cli db migrations up`)"
        }
    }
}

/// GitHub Actions workflow commands: an error per drifting file, a notice per edited or kept
/// one.
fn github_commands(
    out: &mut dyn Write,
    changes: &[Change],
    statuses: &[Status],
    strict: bool,
) -> io::Result<()> {
    for (change, &s) in changes.iter().zip(statuses) {
        let level = if s.is_drift(strict) {
            "error"
        } else if matches!(s, Status::Edited | Status::Kept) {
            "notice"
        } else {
            continue;
        };
        writeln!(
            out,
            "::{level} file={},title=insforge-integrate check::{}",
            escape_property(&change.display_path()),
            escape_data(explain(change, s))
        )?;
    }
    Ok(())
}

/// A workflow command's message: `%`, CR and LF escaped.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: also `:` and `,`.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn change(kind: Kind, old: Option<&str>, new: &str) -> Change {
        Change {
            path: PathBuf::from(".env.local"),
            action: if old.is_some() {
                Action::Update
            } else {
                Action::Create
            },
            kind,
            old: old.map(str::to_string),
            new: new.to_string(),
            reason: None,
            theirs: None,
            detail: crate::change::Detail::None,
        }
    }

    fn render(change: &Change, masker: &Masker) -> String {
        let mut out = Vec::new();
        file_diff(&mut out, change, masker, Paint { color: false }).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn unified_diff_of_an_update() {
        let c = change(Kind::Owned, Some("a\nb\nc\n"), "a\nB\nc\nd\n");
        assert_eq!(
            render(&c, &Masker::default()),
            "--- a/.env.local\n+++ b/.env.local\n@@ -1,3 +1,4 @@\n a\n-b\n+B\n c\n+d\n"
        );
    }

    #[test]
    fn secrets_are_masked_by_key_and_by_value() {
        let masker = Masker {
            public_keys: ["KINDE_SITE_URL".to_string()].into(),
            secret_values: vec!["s3cr3t-value".into()],
        };
        let c = change(
            Kind::Env,
            Some("CLERK_SECRET_KEY=sk_live_abc\n"),
            "CLERK_SECRET_KEY=sk_live_abc\nINSFORGE_JWT_SECRET=s3cr3t-value\nSMTP_PASS=x1\nNEXT_PUBLIC_X=visible\nKINDE_SITE_URL=http://localhost:3000\n",
        );
        let shown = render(&c, &masker);
        assert!(
            !shown.contains("sk_live_abc") && !shown.contains("s3cr3t") && !shown.contains("x1"),
            "{shown}"
        );
        assert!(
            shown.contains("+INSFORGE_JWT_SECRET=********")
                && shown.contains("NEXT_PUBLIC_X=visible")
                && shown.contains("KINDE_SITE_URL=http://localhost:3000"),
            "{shown}"
        );
    }

    #[test]
    fn annotations_escape_what_github_reads_as_syntax() {
        assert_eq!(escape_property("a,b:c%"), "a%2Cb%3Ac%25");
        assert_eq!(escape_data("x\ny"), "x%0Ay");
    }
}
