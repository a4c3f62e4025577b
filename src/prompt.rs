//! The one way the tool asks a question. `resolve` and the conflict step ask through a
//! [`Prompter`]; on a terminal that is dialoguer, everywhere else it is [`Silent`], which turns
//! every question into an error naming the flag that answers it.

use anyhow::Result;
use dialoguer::theme::ColorfulTheme;

use crate::error::Error;

/// A question and the flag that answers it without a prompt.
#[derive(Debug, Clone, Copy)]
pub struct Question<'a> {
    pub prompt: &'a str,
    /// What is missing, for the error: "the auth provider".
    pub what: &'a str,
    /// `--provider clerk|auth0|…`
    pub flag: &'a str,
}

/// Validates a typed answer: `Err` holds what to tell the user before asking again.
pub type Check<'a> = dyn Fn(&str) -> Result<(), String> + 'a;

pub trait Prompter {
    fn select(&mut self, q: Question, items: &[String], default: usize) -> Result<usize>;
    /// Free text; an empty answer returns `default`. An answer `check` rejects is explained
    /// and asked again.
    fn input(&mut self, q: Question, default: &str, check: &Check) -> Result<String>;
    /// Hidden input; may be empty.
    fn secret(&mut self, q: Question) -> Result<String>;
    fn confirm(&mut self, q: Question, default: bool) -> Result<bool>;
}

/// No terminal (or `--yes`): nothing may be asked.
pub struct Silent;

impl Silent {
    fn missing(q: Question) -> anyhow::Error {
        Error::MissingAnswer {
            what: q.what.to_string(),
            flag: q.flag.to_string(),
        }
        .into()
    }
}

impl Prompter for Silent {
    fn select(&mut self, q: Question, _: &[String], _: usize) -> Result<usize> {
        Err(Self::missing(q))
    }
    fn input(&mut self, q: Question, _: &str, _: &Check) -> Result<String> {
        Err(Self::missing(q))
    }
    fn secret(&mut self, q: Question) -> Result<String> {
        Err(Self::missing(q))
    }
    fn confirm(&mut self, q: Question, _: bool) -> Result<bool> {
        Err(Self::missing(q))
    }
}

/// Prompts on the terminal (stderr), with dialoguer.
pub struct Terminal {
    theme: ColorfulTheme,
}

impl Terminal {
    pub fn new() -> Self {
        Self {
            theme: ColorfulTheme::default(),
        }
    }
}

impl Default for Terminal {
    fn default() -> Self {
        Self::new()
    }
}

/// Ctrl-C or a closed terminal during a prompt ends the run with nothing written.
fn interrupted(e: dialoguer::Error) -> anyhow::Error {
    match e {
        dialoguer::Error::IO(io) if io.kind() == std::io::ErrorKind::Interrupted => {
            Error::Aborted.into()
        }
        dialoguer::Error::IO(io) => {
            anyhow::Error::new(io).context("reading an answer from the terminal")
        }
    }
}

impl Prompter for Terminal {
    fn select(&mut self, q: Question, items: &[String], default: usize) -> Result<usize> {
        dialoguer::Select::with_theme(&self.theme)
            .with_prompt(q.prompt)
            .items(items)
            .default(default)
            .interact_opt()
            .map_err(interrupted)?
            .ok_or_else(|| Error::Aborted.into())
    }

    fn input(&mut self, q: Question, default: &str, check: &Check) -> Result<String> {
        dialoguer::Input::<String>::with_theme(&self.theme)
            .with_prompt(q.prompt)
            .default(default.to_string())
            .allow_empty(true)
            .validate_with(|answer: &String| check(answer))
            .interact_text()
            .map_err(interrupted)
    }

    fn secret(&mut self, q: Question) -> Result<String> {
        dialoguer::Password::with_theme(&self.theme)
            .with_prompt(q.prompt)
            .allow_empty_password(true)
            .interact()
            .map_err(interrupted)
    }

    fn confirm(&mut self, q: Question, default: bool) -> Result<bool> {
        dialoguer::Confirm::with_theme(&self.theme)
            .with_prompt(q.prompt)
            .default(default)
            .interact_opt()
            .map_err(interrupted)?
            .ok_or_else(|| Error::Aborted.into())
    }
}
