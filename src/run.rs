//! The run: parse the command line, set up colour and the terminal, run the command, and
//! print an error once with its exit code.

use std::ffi::OsString;
use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;

use crate::cli::{Cli, ColorChoice, Command};
use crate::commands::{check, detect, init, pipeline, verify};
use crate::report::human::Paint;
use crate::request::{self, Request, Surroundings};
use crate::{clock, error, prompt, resolve};

/// Parse `args`, run the command, print an error once, and return the exit code.
/// The process's arguments. The npm launcher cannot pass bytes that are not UTF-8 (Node
/// decodes them to U+FFFD), so on Linux it also hands over the exact bytes, hex-encoded and
/// NUL-separated, in `INSFORGE_INTEGRATE_RAW_ARGS`; they are used when they are as many as
/// the arguments given. The variable is removed so that nothing the tool runs inherits it.
pub fn args() -> Vec<OsString> {
    let mut args: Vec<OsString> = std::env::args_os().collect();
    let Some(raw) = std::env::var_os(RAW_ARGS) else {
        return args;
    };
    std::env::remove_var(RAW_ARGS);
    #[cfg(unix)]
    if let Some(bytes) = raw.to_str().and_then(decode_hex) {
        use std::os::unix::ffi::OsStringExt;
        let given: Vec<OsString> = bytes
            .split(|b| *b == 0)
            .map(|part| OsString::from_vec(part.to_vec()))
            .collect();
        if given.len() + 1 == args.len() {
            args.truncate(1);
            args.extend(given);
        }
    }
    #[cfg(not(unix))]
    let _ = raw;
    args
}

const RAW_ARGS: &str = "INSFORGE_INTEGRATE_RAW_ARGS";

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

pub fn run_cli(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let args: Vec<OsString> = args.into_iter().collect();
    // Known before parsing, so that a command line that does not parse is JSON too.
    let wants_json = args
        .iter()
        .skip(1)
        .any(|a| a == "--json" || a == "--format=json")
        || args
            .windows(2)
            .any(|w| w[0] == "--format" && w[1] == "json");
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                error::EXIT_USAGE
            } else {
                error::EXIT_OK
            };
            if wants_json && e.use_stderr() {
                let command = args.iter().skip(1).find_map(|a| match a.to_str()? {
                    "init" => Some(crate::report::json::Command::Init),
                    "check" => Some(crate::report::json::Command::Check),
                    "update" => Some(crate::report::json::Command::Update),
                    "detect" => Some(crate::report::json::Command::Detect),
                    "verify" => Some(crate::report::json::Command::Verify),
                    _ => None,
                });
                let text = e.render().to_string();
                let doc = crate::report::json::Output::Error(crate::report::json::usage_error(
                    command, &text,
                ));
                let mut stdout = ClosedPipeIsFine::new(std::io::stdout().lock());
                let _ = crate::report::json::print(&mut stdout, &doc);
            }
            let _ = e.print();
            return ExitCode::from(code);
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
    let Some(command) = cli.command else {
        if cli.version {
            let text = if cli.verbose {
                crate::version::verbose()
            } else {
                format!("{}\n", crate::version::short())
            };
            let _ = std::io::stdout().write_all(text.as_bytes());
            return ExitCode::from(error::EXIT_OK);
        }
        let _ = writeln!(
            std::io::stderr(),
            "error: a command is needed: init, check, update, detect, verify, skill or completions (see --help)"
        );
        return ExitCode::from(error::EXIT_USAGE);
    };
    // What prints text about the tool, not about an app.
    let text = match &command {
        Command::Skill => Some(crate::skill::SKILL.as_bytes().to_vec()),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut out = Vec::new();
            clap_complete::generate(
                *shell,
                &mut crate::cli::Cli::command(),
                "insforge-integrate",
                &mut out,
            );
            // clap_complete 4.6 names the bash handlers of a hyphenated binary's subcommands
            // `insforge__subcmd__integrate__…` but dispatches to `insforge__integrate__…`: one
            // spelling, so that subcommands' flags complete.
            if *shell == clap_complete::Shell::Bash {
                out = String::from_utf8_lossy(&out)
                    .replace("insforge__subcmd__integrate", "insforge__integrate")
                    .into_bytes();
            }
            Some(out)
        }
        Command::Man => {
            use clap::CommandFactory;
            let mut out = Vec::new();
            match clap_mangen::Man::new(crate::cli::Cli::command()).render(&mut out) {
                Ok(()) => Some(out),
                Err(e) => {
                    let _ = writeln!(std::io::stderr(), "error: {e}");
                    return ExitCode::from(error::EXIT_USAGE);
                }
            }
        }
        _ => None,
    };
    if let Some(text) = text {
        let mut stdout = ClosedPipeIsFine::new(std::io::stdout().lock());
        return match stdout.write_all(&text) {
            Ok(()) => ExitCode::from(error::EXIT_OK),
            Err(e) => {
                let _ = writeln!(std::io::stderr(), "error: {e}");
                ExitCode::from(error::EXIT_USAGE)
            }
        };
    }
    let around = Surroundings {
        terminal: std::io::stdin().is_terminal() && std::io::stderr().is_terminal(),
        ci: std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false" && v != "0"),
    };
    let request = Request::new(command, around).expect("skill is handled above");
    // `check` and `verify` exit 1 on their finding only: every other failure is an error (2).
    let checking = matches!(
        request.command,
        request::Command::Check { .. } | request::Command::Verify { .. }
    );
    let name = Some(request.command.into());
    let json = request.json;
    let mut emitted = false;
    match run(request, Paint { color }, &mut emitted) {
        Ok(()) => ExitCode::from(error::EXIT_OK),
        Err(e) => {
            // `check` exits 1 on drift only: every other failure is an error (2).
            let code = match error::exit_code_of(&e) {
                _ if checking && !is_drift(&e) => error::EXIT_USAGE,
                code => code,
            };
            if json && !emitted {
                let doc =
                    crate::report::json::Output::Error(crate::report::json::error(name, &e, code));
                let mut stdout = ClosedPipeIsFine::new(std::io::stdout().lock());
                let _ = crate::report::json::print(&mut stdout, &doc);
            }
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
            Some(error::Error::Drift(_) | error::Error::VerifyFailed(_))
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

/// Run the request; with `--json`, its document goes to stdout, and `emitted` says whether
/// it did.
fn run(mut request: Request, paint: Paint, emitted: &mut bool) -> Result<()> {
    request.read_outside(|stdin| {
        Ok(request::Secrets {
            jwt_secret_stdin: if stdin {
                Some(secret_from_stdin()?)
            } else {
                None
            },
            jwt_secret_env: secret_from_env()?,
        })
    })?;
    let mut terminal_prompter = prompt::Terminal::new();
    let mut silent = prompt::Silent;
    let prompter: &mut dyn prompt::Prompter = if request.interactive {
        &mut terminal_prompter
    } else {
        &mut silent
    };
    let json = request.json;
    let mut stdout = Counting::new(ClosedPipeIsFine::new(std::io::stdout().lock()));
    let mut sink = std::io::sink();
    let (json_out, out): (Option<&mut dyn Write>, &mut dyn Write) = if json {
        (Some(&mut stdout), &mut sink)
    } else {
        (None, &mut stdout)
    };
    let env = pipeline::Environment {
        json: json_out,
        paint,
        now: clock::now()?,
        prompter,
    };
    let result = match request.command {
        request::Command::Init | request::Command::Update => init::run(&request, env, out),
        request::Command::Check { .. } => check::check(&request, env, out),
        request::Command::Detect => detect::detect(&request, env, out),
        request::Command::Verify { .. } => verify::verify(&request, env, out),
    };
    *emitted = json && stdout.written > 0;
    result
}

/// Standard output, counting what was written (so a failed `--json` run knows whether its
/// document is out already).
struct Counting<W> {
    inner: W,
    written: usize,
}

impl<W> Counting<W> {
    fn new(inner: W) -> Self {
        Self { inner, written: 0 }
    }
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.written += n;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
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
