//! Errors a caller or test branches on, and the exit code each one maps to.
//!
//! Everything else travels as `anyhow::Error` with context naming the file involved; such
//! errors exit with code 1. The codes are documented in the README.

use std::path::PathBuf;

/// Exit code: the run finished and left nothing undone.
pub const EXIT_OK: u8 = 0;
/// Exit code: conflicts were left unresolved, `--check` found changes, the user aborted, or a
/// write failed.
pub const EXIT_INCOMPLETE: u8 = 1;
/// Exit code: bad usage, a missing answer, or input the tool cannot work with.
pub const EXIT_USAGE: u8 = 2;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An answer is needed but nothing may prompt for it.
    #[error(
        "{what} is needed, and nothing can be asked here (no terminal, or --yes): pass {flag}"
    )]
    MissingAnswer { what: String, flag: String },

    /// A flag value (or a saved answer) that cannot be used.
    #[error("{0}")]
    InvalidArgument(String),

    /// A file in the user's project that cannot be read as what it should be.
    #[error("{}: {message}", path.display())]
    InvalidFile { path: PathBuf, message: String },

    /// The project is not one the tool supports (yet).
    #[error("{0}")]
    Unsupported(String),

    /// Files that differ from what the tool would write were skipped.
    #[error("{count} conflicting file(s) left as they are: {paths}\n  re-run with --on-conflict overwrite to replace them, or --on-conflict skip to keep them and exit 0")]
    ConflictsLeft { count: usize, paths: String },

    /// `--on-conflict fail` met a conflict: nothing was written.
    #[error("{count} file(s) differ from what would be written, and --on-conflict fail was given; nothing was written: {paths}")]
    ConflictFailed { count: usize, paths: String },

    /// `--check` found changes to make.
    #[error("{0} file(s) would change (--check)")]
    CheckFailed(usize),

    /// `check` found files that differ from what the tool would write.
    #[error(
        "{0} file(s) differ from what insforge-integrate writes (each is named in the report)"
    )]
    Drift(usize),

    /// `verify` found checks that do not hold against the linked project.
    #[error(
        "{0} check(s) failed against the linked InsForge project (each is named in the report)"
    )]
    VerifyFailed(usize),

    /// `update`'s merge of the user's edits and the new version collided in these files.
    #[error("{}", collisions(*count, paths, *written))]
    Collisions {
        count: usize,
        paths: String,
        written: bool,
    },

    /// Files still holding the conflict markers of an earlier `update`.
    #[error("these files still hold conflict markers from an earlier update: {0}\n  resolve each marked block by hand, or run `insforge-integrate update --on-conflict skip` to keep your side of each block, or `--on-conflict overwrite` to take the new version's")]
    Unresolved(String),

    /// The user said no at a prompt.
    #[error("aborted: nothing was written")]
    Aborted,

    /// Another run holds the app's lock.
    #[error("another insforge-integrate run is changing {0} right now: wait for it to finish, then run again")]
    Busy(String),

    /// A target changed between the plan and the write (an edit while the prompt waited).
    #[error("{0} changed after the plan was made, so nothing was written: run again to see the plan for the files as they are now")]
    Changed(String),

    /// A step against a remote service (the InsForge backend) failed; the local files are as
    /// written, and a re-run does what is left. Never holds a key or a secret.
    #[error("{}", remote_failed(step, method, url, *status, message))]
    Remote {
        step: String,
        method: String,
        url: String,
        status: Option<u16>,
        message: String,
    },
    /// A command the tool ran for the user (the package manager's install) failed; the files
    /// written stay as they are.
    #[error("{step} failed (`{command}`): {message}. The files written stay as they are; run `{command}` yourself, or the same insforge-integrate command again")]
    CommandFailed {
        step: String,
        command: String,
        message: String,
    },
    /// A write failed; what had been written was put back.
    #[error("{}", write_failed(failed, cause, restored, lost))]
    WriteFailed {
        failed: String,
        cause: String,
        restored: Vec<String>,
        lost: Vec<String>,
    },
}

fn collisions(count: usize, paths: &str, written: bool) -> String {
    let what = if written {
        "were written with conflict markers (<<<<<<< yours, =======, >>>>>>> insforge-integrate)"
    } else {
        "would be written with conflict markers"
    };
    format!("{count} file(s) where your edits and the new version change the same lines {what}: {paths}\n  resolve each marked block by hand (keep either side, or both), or run `insforge-integrate update --on-conflict skip` to keep your side of each block, or `--on-conflict overwrite` to take the new version's")
}

fn remote_failed(
    step: &str,
    method: &str,
    url: &str,
    status: Option<u16>,
    message: &str,
) -> String {
    let status = status.map(|s| format!("HTTP {s}: ")).unwrap_or_default();
    format!("{step} failed ({method} {url}): {status}{message}. What was done stays done (files written stay as they are): run the same command again once that is fixed")
}

fn write_failed(failed: &str, cause: &str, restored: &[String], lost: &[String]) -> String {
    let mut text = format!("writing {failed} failed: {cause}. ");
    if lost.is_empty() {
        text.push_str("Every file is as it was before the run, so nothing was left changed");
        if !restored.is_empty() {
            text.push_str(&format!(" (put back: {})", restored.join(", ")));
        }
    } else {
        text.push_str(&format!(
            "Put back: {}. COULD NOT put back: {} (they hold the new content)",
            if restored.is_empty() {
                "none".to_string()
            } else {
                restored.join(", ")
            },
            lost.join(", ")
        ));
    }
    text
}

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::MissingAnswer { .. }
            | Error::InvalidArgument(_)
            | Error::InvalidFile { .. }
            | Error::Unsupported(_) => EXIT_USAGE,
            Error::ConflictsLeft { .. }
            | Error::ConflictFailed { .. }
            | Error::CheckFailed(_)
            | Error::Drift(_)
            | Error::VerifyFailed(_)
            | Error::Collisions { .. }
            | Error::Unresolved(_)
            | Error::Aborted
            | Error::Busy(_)
            | Error::Changed(_)
            | Error::WriteFailed { .. }
            | Error::Remote { .. }
            | Error::CommandFailed { .. } => EXIT_INCOMPLETE,
        }
    }
}

/// The exit code for any error the tool returns.
pub fn exit_code_of(err: &anyhow::Error) -> u8 {
    err.chain()
        .find_map(|cause| cause.downcast_ref::<Error>())
        .map_or(EXIT_INCOMPLETE, Error::exit_code)
}
