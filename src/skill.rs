//! `insforge-integrate skill`: the agent skill (`SKILL.md`, in the format of the InsForge
//! agent-skills repository) that tells a coding agent how to drive the tool. The npm package
//! ships the same text (`npm/pack` writes it from this command).

/// The skill, as embedded.
pub const SKILL: &str = include_str!("SKILL.md");

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Every `npx -y insforge-integrate <command> … --flag` the skill shows exists, with each flag
    /// on that command; every flag it names elsewhere exists on some command.
    #[test]
    fn every_command_and_flag_the_skill_names_exists() {
        let cli = crate::cli::Cli::command();
        let flags_of = |cmd: &clap::Command| -> Vec<String> {
            cmd.get_arguments()
                .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
                .chain(["--help".to_string()])
                .collect()
        };
        let all_flags: Vec<String> = cli
            .get_subcommands()
            .flat_map(flags_of)
            .chain(flags_of(&cli))
            .collect();
        let mut commands_seen = 0;
        let mut flags_seen = 0;
        for line in super::SKILL.lines() {
            let mut rest = line;
            // Invocations, as the skill writes them: `npx -y insforge-integrate <command> …`.
            while let Some(at) = rest.find("npx -y insforge-integrate ") {
                rest = &rest[at + "npx -y insforge-integrate ".len()..];
                let words: Vec<&str> = rest
                    .split(|c: char| c.is_whitespace() || c == '`' || c == '|')
                    .filter(|w| !w.is_empty())
                    .collect();
                let Some(name) = words.first() else { continue };
                if name.starts_with('-') || name.starts_with('(') {
                    continue;
                }
                let sub = cli
                    .find_subcommand(name)
                    .unwrap_or_else(|| panic!("the skill runs `insforge-integrate {name}`, which is not a command: {line}"));
                commands_seen += 1;
                let own = flags_of(sub);
                for w in words.iter().skip(1).take_while(|w| !w.starts_with("npx")) {
                    if let Some(flag) = w
                        .strip_prefix("--")
                        .map(|f| format!("--{}", f.split('=').next().unwrap()))
                    {
                        assert!(own.contains(&flag), "`{name}` has no {flag}: {line}");
                        flags_seen += 1;
                    }
                }
            }
            for word in line.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')) {
                let flag = word.len() > 2
                    && word.starts_with("--")
                    && word.as_bytes()[2].is_ascii_lowercase();
                // Other programs' flags: the InsForge CLI's, cargo's.
                let other =
                    line.contains("@insforge/cli") || line.trim_start().starts_with("cargo ");
                if flag && !other {
                    assert!(
                        all_flags.contains(&word.to_string()),
                        "the skill names {word}, which no command has: {line}"
                    );
                }
            }
        }
        assert!(
            commands_seen >= 10 && flags_seen >= 10,
            "{commands_seen} commands, {flags_seen} flags"
        );
        for needle in ["name: insforge-integrate\n", "description: >-\n"] {
            assert!(
                super::SKILL.contains(needle),
                "front matter lacks {needle:?}"
            );
        }
        assert!(super::SKILL.starts_with("---\n"));
    }
}
