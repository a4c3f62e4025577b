//! The run: parse the command line, set up colour and the terminal, run the command, and
//! print an error once with its exit code.

use std::ffi::OsString;
use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;

use crate::cli::{Cli, ColorChoice, Command, Format};
use crate::preview::Paint;
use crate::{check, clock, error, init, prompt, resolve};

/// Parse `args`, run the command, print an error once, and return the exit code.
pub fn run_cli(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                error::EXIT_USAGE
            } else {
                error::EXIT_OK
            });
        }
    };
    // `NO_COLOR` (any value) and `TERM=dumb` turn colour off unless it is asked for.
    let plain =
        std::env::var_os("NO_COLOR").is_some() || std::env::var("TERM").is_ok_and(|t| t == "dumb");
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::io::stdout().is_terminal() && !plain,
    };
    let err_color = match cli.color {
        ColorChoice::Auto => std::io::stderr().is_terminal() && !plain,
        _ => color,
    };
    console::set_colors_enabled(color);
    console::set_colors_enabled_stderr(err_color);
    let checking = matches!(cli.command, Command::Check(_));
    match run(cli.command, Paint { color }) {
        Ok(()) => ExitCode::from(error::EXIT_OK),
        Err(e) => {
            // `check` exits 1 on drift only: every other failure is an error (2).
            let code = match error::exit_code_of(&e) {
                _ if checking && !is_drift(&e) => error::EXIT_USAGE,
                code => code,
            };
            let paint = Paint { color: err_color };
            let _ = writeln!(
                std::io::stderr(),
                "{} {}",
                paint.red("error:"),
                format_error(&e)
            );
            ExitCode::from(code)
        }
    }
}

fn is_drift(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        matches!(
            c.downcast_ref::<error::Error>(),
            Some(error::Error::Drift(_))
        )
    })
}

/// The error and its causes, one line.
fn format_error(e: &anyhow::Error) -> String {
    e.chain()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(": ")
}

fn run(command: Command, paint: Paint) -> Result<()> {
    let terminal = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false" && v != "0");
    let (yes, json, stdin_secret) = match &command {
        Command::Init(a) => (a.yes, a.json, a.jwt_secret_stdin),
        Command::Update(a) => (a.yes, a.json, false),
        Command::Check(a) => (true, a.json || a.format == Format::Json, false),
    };
    let interactive = terminal && !ci && !yes;
    let secrets = resolve::Secrets {
        jwt_secret_stdin: if stdin_secret {
            Some(secret_from_stdin()?)
        } else {
            None
        },
        jwt_secret_env: secret_from_env()?,
    };
    let mut terminal_prompter = prompt::Terminal::new();
    let mut silent = prompt::Silent;
    let prompter: &mut dyn prompt::Prompter = if interactive {
        &mut terminal_prompter
    } else {
        &mut silent
    };
    let mut stdout = ClosedPipeIsFine::new(std::io::stdout().lock());
    let mut sink = std::io::sink();
    let (json_out, out): (Option<&mut dyn Write>, &mut dyn Write) = if json {
        (Some(&mut stdout), &mut sink)
    } else {
        (None, &mut stdout)
    };
    let env = init::Environment {
        json: json_out,
        interactive,
        paint,
        now: clock::now()?,
        secrets,
        prompter,
    };
    match command {
        Command::Init(args) => init::init(&args, env, out),
        Command::Update(args) => init::run(init::Mode::Update, &args.as_init(), env, out),
        Command::Check(args) => check::check(&args, env, out),
    }
}

/// The JWT secret piped in (`--jwt-secret-stdin`): at most 64 KiB, one line.
fn secret_from_stdin() -> Result<String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .take(64 << 10)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            error::Error::InvalidArgument(format!(
                "--jwt-secret-stdin: standard input cannot be read ({e}): pipe the secret in, e.g. `npx -y @insforge/cli secrets get JWT_SECRET --json | jq -r .value | insforge-integrate init --jwt-secret-stdin`"
            ))
        })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        error::Error::InvalidArgument(
            "--jwt-secret-stdin: the secret on standard input is not UTF-8 text (nothing of it is shown)".into(),
        )
    })?;
    Ok(text.trim_end_matches(['\n', '\r']).to_string())
}

/// The JWT secret from the environment, when set.
fn secret_from_env() -> Result<Option<String>> {
    match std::env::var(resolve::JWT_SECRET_VAR) {
        Ok(s) => Ok(Some(s).filter(|s| !s.is_empty())),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(error::Error::InvalidArgument(format!(
            "{} is not UTF-8 text (nothing of it is shown): set it to the secret `npx -y @insforge/cli secrets get JWT_SECRET` prints",
            resolve::JWT_SECRET_VAR
        ))
        .into()),
    }
}

/// Standard output that a reader may stop reading (`init --dry-run | head`): once the pipe is
/// closed, the rest of the output is dropped and the run goes on to its own exit code.
struct ClosedPipeIsFine<W> {
    inner: W,
    closed: bool,
}

impl<W: Write> ClosedPipeIsFine<W> {
    fn new(inner: W) -> Self {
        Self {
            inner,
            closed: false,
        }
    }

    fn guard<T>(&mut self, done: T, result: std::io::Result<T>) -> std::io::Result<T> {
        match result {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(done)
            }
            other => other,
        }
    }
}

impl<W: Write> Write for ClosedPipeIsFine<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        let result = self.inner.write(buf);
        self.guard(buf.len(), result)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let result = self.inner.flush();
        self.guard((), result)
    }
}
