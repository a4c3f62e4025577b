//! What is left to do after a run, as data: each step says what kind of work it is, who can do
//! it (`--setup`, a program, or only a person at a dashboard), whether it is done, and the
//! command, env keys and dashboard address it involves. Both printers read the same list.
//!
//! The provider's own steps come from its `next-steps.hbs`, rendered, then cut at its marker
//! lines ([`parse`]):
//!
//! ```text
//! @step <id> <kind> <who> [done] [env=A,B] [url=https://…] [run=argv…]
//! The step's text; continuation lines indented three spaces.
//! @usage
//! How to use the result (a snippet): shown after the steps, not a step.
//! ```

use serde::Serialize;

/// One thing to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Step {
    /// Stable across runs: `install`, `insforge.jwt-secret`, `insforge.anon-key`,
    /// `env.generate.<KEY>`, `env.fill`, `insforge.migration.<version>`, `merge.<path>`,
    /// `note.<n>`, or the provider's own (`clerk.jwt-template`, …).
    pub id: String,
    pub kind: Kind,
    pub who: Who,
    /// Done by this run, or seen done: the dependencies in `node_modules`, the env values
    /// set, the migration applied on the linked project.
    pub done: bool,
    /// The command that does it (argv), when there is one.
    pub command: Option<Vec<String>>,
    /// The env keys it sets.
    pub env: Vec<String>,
    /// Where in a dashboard it is done.
    pub url: Option<String>,
    pub text: String,
    /// The run's own list (`run`) or the provider's setup (`provider`).
    pub section: Section,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Install,
    Env,
    Migration,
    Dashboard,
    Code,
    Command,
}

/// Who can do a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Who {
    /// `init --setup` does it (the app is linked, or nothing remote is needed).
    Tool,
    /// A program could: a command to run, code to change.
    Agent,
    /// Only a person can: a dashboard login, a value only they hold.
    Person,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Section {
    Run,
    Provider,
}

impl Step {
    pub fn new(id: impl Into<String>, kind: Kind, who: Who, text: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            kind,
            who,
            done: false,
            command: None,
            env: Vec::new(),
            url: None,
            text: text.into(),
            section: Section::Run,
        }
    }

    pub fn command(mut self, argv: &[&str]) -> Self {
        self.command = Some(argv.iter().map(|s| s.to_string()).collect());
        self
    }

    pub fn env(mut self, keys: &[String]) -> Self {
        self.env = keys.to_vec();
        self
    }

    pub fn done(mut self, done: bool) -> Self {
        self.done = done;
        self
    }
}

/// The provider's steps and usage notes, from its rendered `next-steps.hbs`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProviderSetup {
    pub steps: Vec<Step>,
    /// How to use the result, after the steps (snippets), not steps themselves.
    pub usage: Vec<String>,
}

/// Cut rendered `next-steps.hbs` text at its marker lines. Text before the first marker, or a
/// marker line that does not parse, is an error naming the template (a bug in the template,
/// caught by the tests that render every provider).
pub fn parse(text: &str) -> Result<ProviderSetup, String> {
    enum Open {
        None,
        Step(Step),
        Usage,
    }
    let mut setup = ProviderSetup::default();
    let mut open = Open::None;
    let mut lines: Vec<&str> = Vec::new();
    let close = |open: Open, lines: &mut Vec<&str>, setup: &mut ProviderSetup| {
        let body = body(lines);
        lines.clear();
        match open {
            Open::Step(mut step) => {
                step.text = body;
                setup.steps.push(step);
            }
            Open::Usage => setup.usage.push(body),
            Open::None => {}
        }
    };
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("@step ") {
            close(open, &mut lines, &mut setup);
            open = Open::Step(marker(rest).map_err(|e| format!("`@step {rest}`: {e}"))?);
        } else if line.trim_end() == "@usage" {
            close(open, &mut lines, &mut setup);
            open = Open::Usage;
        } else if matches!(open, Open::None) {
            if !line.trim().is_empty() {
                return Err(format!("text before the first @step or @usage: {line:?}"));
            }
        } else {
            lines.push(line);
        }
    }
    close(open, &mut lines, &mut setup);
    Ok(setup)
}

fn marker(rest: &str) -> Result<Step, String> {
    let mut words = rest.split_whitespace();
    let id = words.next().ok_or("no id")?;
    let kind = match words.next().ok_or("no kind")? {
        "install" => Kind::Install,
        "env" => Kind::Env,
        "migration" => Kind::Migration,
        "dashboard" => Kind::Dashboard,
        "code" => Kind::Code,
        "command" => Kind::Command,
        other => return Err(format!("unknown kind {other}")),
    };
    let who = match words.next().ok_or("no who")? {
        "tool" => Who::Tool,
        "agent" => Who::Agent,
        "person" => Who::Person,
        other => return Err(format!("unknown who {other}")),
    };
    let mut step = Step::new(id, kind, who, String::new());
    step.section = Section::Provider;
    let mut words = words.peekable();
    while let Some(word) = words.next() {
        match word.split_once('=') {
            None if word == "done" => step.done = true,
            Some(("env", keys)) => {
                step.env = keys
                    .split(',')
                    .filter(|k| !k.is_empty())
                    .map(String::from)
                    .collect()
            }
            Some(("url", url)) => step.url = Some(url.to_string()),
            // The rest of the line is the command.
            Some(("run", first)) => {
                let mut argv = vec![first.to_string()];
                argv.extend(words.by_ref().map(String::from));
                step.command = Some(argv);
            }
            _ => return Err(format!("unknown word {word}")),
        }
    }
    Ok(step)
}

/// A block's lines, blank lines at either end dropped, continuation lines' three-space
/// indentation taken off.
fn body(lines: &[&str]) -> String {
    let start = lines.iter().position(|l| !l.trim().is_empty());
    let end = lines.iter().rposition(|l| !l.trim().is_empty());
    let (Some(start), Some(end)) = (start, end) else {
        return String::new();
    };
    lines[start..=end]
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                l.trim_start()
            } else {
                l.strip_prefix("   ").unwrap_or(l)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_cut_steps_and_usage() {
        let text = "\n@step clerk.jwt-template dashboard person url=https://dashboard.clerk.com/x env=A,B\nClerk dashboard > JWT templates:\n     Name: insforge\n   Keep the name.\n\n@step clerk.provider code agent done\nYour layout renders it.\n@step better-auth.migrate command agent run=npx auth migrate --yes\nCreate the tables.\n@usage\nQuery from a client component:\n     useInsforge();\n";
        let setup = parse(text).unwrap();
        assert_eq!(setup.steps.len(), 3);
        let first = &setup.steps[0];
        assert_eq!(first.id, "clerk.jwt-template");
        assert_eq!(first.kind, Kind::Dashboard);
        assert_eq!(first.who, Who::Person);
        assert!(!first.done);
        assert_eq!(first.env, ["A", "B"]);
        assert_eq!(first.url.as_deref(), Some("https://dashboard.clerk.com/x"));
        assert_eq!(
            first.text,
            "Clerk dashboard > JWT templates:\n  Name: insforge\nKeep the name."
        );
        assert!(setup.steps[1].done);
        assert_eq!(
            setup.steps[2].command.as_deref().unwrap(),
            ["npx", "auth", "migrate", "--yes"]
        );
        assert_eq!(
            setup.usage,
            ["Query from a client component:\n  useInsforge();"]
        );
    }

    #[test]
    fn stray_text_and_bad_markers_are_errors() {
        assert!(parse("1. Do this\n").is_err());
        assert!(parse("@step x chore person\n").is_err());
        assert!(parse("@step x code someone\n").is_err());
        assert!(parse("@step x code agent color=red\n").is_err());
    }
}
