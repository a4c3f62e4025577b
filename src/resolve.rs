//! Resolve: flags, saved answers and detection folded into the [`Answers`] the rest of the
//! pipeline runs on. Flags win, then saved answers, then detection, then a prompt (only on a
//! terminal without `--yes`), then defaults. Every prompt here has a flag twin, named in the
//! error when there is nothing to ask on.

use anyhow::Result;

use crate::cli::ConflictPolicy;
use crate::detect::{self, Project};
use crate::dotenv;
use crate::error::Error;
use crate::prompt::{Prompter, Question};
use crate::provider::{self, Provider};
use crate::request::{Given, Secrets};
use crate::store::answers::Saved;
use crate::table::{self, Table};

/// The InsForge env var names the app uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvNames {
    pub url: String,
    pub anon_key: String,
    pub jwt_secret: String,
}

pub const ANON_KEY_VAR: &str = "NEXT_PUBLIC_INSFORGE_ANON_KEY";
pub const JWT_SECRET_VAR: &str = "INSFORGE_JWT_SECRET";

#[derive(Debug, Clone)]
pub struct Answers {
    pub provider: &'static Provider,
    pub tables: Vec<Table>,
    pub env_names: EnvNames,
    /// Explicit values for `.env.local` (flags, stdin, environment, prompts).
    pub insforge_url: Option<String>,
    pub anon_key: Option<String>,
    pub jwt_secret: Option<String>,
    pub on_conflict: ConflictPolicy,
    /// The conflict policy was not chosen (no flag, no terminal): skipping is then reported
    /// as unfinished work.
    pub on_conflict_defaulted: bool,
    /// Things worth telling the user about how answers were chosen.
    pub notes: Vec<String>,
}

pub fn resolve(
    given: &Given,
    project: &Project,
    saved: Option<&Saved>,
    secrets: Secrets,
    interactive: bool,
    prompter: &mut dyn Prompter,
) -> Result<Answers> {
    resolve_asking(
        given,
        project,
        saved,
        secrets,
        interactive,
        interactive,
        prompter,
    )
}

/// [`resolve`], where `ask_values` says whether the `.env.local` values (URL, anon key,
/// secret) may be asked for: `update` leaves them as they are.
pub fn resolve_asking(
    given: &Given,
    project: &Project,
    saved: Option<&Saved>,
    secrets: Secrets,
    interactive: bool,
    ask_values: bool,
    prompter: &mut dyn Prompter,
) -> Result<Answers> {
    let mut notes = Vec::new();
    let provider = resolve_provider(given, project, saved, interactive, prompter)?;
    let provider = resolve_variant(provider, given, project, saved, &mut notes)?;
    let tables = resolve_tables(given, saved, interactive, prompter, &mut notes)?;

    let env_names = EnvNames {
        url: project
            .url_var
            .as_ref()
            .map_or(detect::URL_VARS[0], |f| f.value)
            .to_string(),
        anon_key: ANON_KEY_VAR.to_string(),
        jwt_secret: JWT_SECRET_VAR.to_string(),
    };
    let has_value = |key: &str| project.env_value(key).is_some();

    // The app's own URL beside a link to another project: said, never changed.
    if let (Some(link), Some((file, value))) = (&project.link, project.env_value(&env_names.url)) {
        if !crate::detect::is_placeholder(value)
            && value.trim_end_matches('/') != link.host.trim_end_matches('/')
        {
            notes.push(format!(
                "{} in {file} is {value}, but the app is linked to {} ({}): the app talks to the first and --setup works with the second; make them the same project",
                env_names.url,
                link.host,
                crate::detect::link::FILE
            ));
        }
    }
    let insforge_url = match &given.insforge_url {
        Some(url) => Some(check_url(url).map_err(|m| flag_error("--insforge-url", &m))?),
        // The linked project's URL (when .env.local has none): nothing to ask.
        None if !has_value(&env_names.url) && project.link.is_some() => {
            let link = project.link.as_ref().expect("just checked");
            let url = check_url(&link.host).map_err(|m| Error::InvalidFile {
                path: crate::detect::link::FILE.into(),
                message: format!("oss_host {m}: run `npx @insforge/cli link` again"),
            })?;
            notes.push(format!(
                "{} is the linked project's URL ({})",
                env_names.url,
                crate::detect::link::FILE
            ));
            Some(url)
        }
        None if ask_values && !has_value(&env_names.url) => {
            let q = Question {
                prompt: "InsForge project URL (empty to fill in later)",
                what: "the InsForge URL",
                flag: "--insforge-url",
            };
            let check = |u: &str| optional(u, check_url).map(drop);
            non_empty(prompter.input(q, "", &check)?)
                .map(|u| check_url(&u).map_err(|m| flag_error("--insforge-url", &m)))
                .transpose()?
        }
        None => None,
    };
    let anon_key = match &given.anon_key {
        Some(key) => Some(check_anon_key(key).map_err(|m| flag_error("--anon-key", &m))?),
        // A linked app's anon key and secret come from the project (`--setup`, or the offer
        // after the write): nothing to ask.
        None if ask_values && !has_value(&env_names.anon_key) && project.link.is_none() => {
            let q = Question {
                prompt: "InsForge anon key (empty to fill in later)",
                what: "the InsForge anon key",
                flag: "--anon-key",
            };
            let check = |k: &str| optional(k, check_anon_key).map(drop);
            non_empty(prompter.input(q, "", &check)?)
        }
        None => None,
    };

    let jwt_secret = if provider.signs_jwt {
        match (secrets.jwt_secret_stdin, secrets.jwt_secret_env) {
            (Some(s), _) => non_empty(check_secret(&s, "--jwt-secret-stdin")?),
            (None, Some(s)) => non_empty(check_secret(&s, JWT_SECRET_VAR)?),
            (None, None)
                if ask_values && !has_value(&env_names.jwt_secret) && project.link.is_none() =>
            {
                let q = Question {
                    prompt: "InsForge JWT secret (hidden; from `npx -y @insforge/cli secrets get JWT_SECRET`; empty to fill in later)",
                    what: "the InsForge JWT secret",
                    flag: "--jwt-secret-stdin",
                };
                non_empty(prompter.secret(q)?)
            }
            (None, None) => None,
        }
    } else {
        if secrets.jwt_secret_stdin.is_some() {
            notes.push(format!(
                "--jwt-secret-stdin ignored: with {} the JWT is signed in the provider's dashboard, so the app never holds the secret",
                provider.name
            ));
        }
        None
    };

    let (on_conflict, on_conflict_defaulted) =
        match given.on_conflict {
            Some(ConflictPolicy::Ask) if !interactive => return Err(Error::InvalidArgument(
                "--on-conflict ask needs a terminal (and no --yes): use skip, overwrite or fail"
                    .into(),
            )
            .into()),
            Some(policy) => (policy, false),
            None if interactive => (ConflictPolicy::Ask, false),
            None => (ConflictPolicy::Skip, true),
        };

    Ok(Answers {
        provider,
        tables,
        env_names,
        insforge_url,
        anon_key,
        jwt_secret,
        on_conflict,
        on_conflict_defaulted,
        notes,
    })
}

/// How the provider's token is made, when it has more than one way: the flag, then the
/// answers file, then what the app's files show (an earlier run's Post Login Action hook),
/// then the first (the default).
fn resolve_variant(
    provider: &'static Provider,
    given: &Given,
    project: &Project,
    saved: Option<&Saved>,
    notes: &mut Vec<String>,
) -> Result<&'static Provider> {
    let flag = format!("--{}-token", provider.id);
    // A token flag of another provider's.
    if let (Some(t), Some(of)) = (&given.token, &given.token_provider) {
        if *of != provider.id {
            return Err(Error::InvalidArgument(format!(
                "--{of}-token {t} is for another provider: this app uses {}",
                provider.name
            ))
            .into());
        }
    }
    if provider.variants.is_empty() {
        if let Some(t) = &given.token {
            return Err(Error::InvalidArgument(format!(
                "--{}-token {t} is for another provider: {} makes its token one way only",
                given.token_provider.as_deref().unwrap_or("auth0"),
                provider.name
            ))
            .into());
        }
        return Ok(provider);
    }
    let names: Vec<&str> = provider.variants.iter().map(|v| v.name.as_str()).collect();
    let named = |name: &str, whence: &str| -> Result<&'static Provider> {
        crate::provider::variant(provider, name).ok_or_else(|| {
            Error::InvalidArgument(format!(
                "{whence}: {name:?} is not one of {}",
                names.join(", ")
            ))
            .into()
        })
    };
    if let Some(t) = &given.token {
        return named(t, &flag);
    }
    if let Some(t) = saved.and_then(|s| s.token.as_deref()) {
        return named(t, crate::store::answers::FILE);
    }
    let texts: Vec<&str> = project
        .texts
        .values()
        .flatten()
        .map(String::as_str)
        .collect();
    if let Some(v) = provider.variant_in(&texts) {
        if Some(v.name.as_str()) != names.first().copied() {
            notes.push(format!(
                "the app's files use {} already, so it stays ({flag} {} changes that)",
                v.summary, names[0]
            ));
        }
        return named(&v.name, &flag);
    }
    named(names[0], &flag)
}

/// Where an answer came from. Every answer follows one order: a flag, then the answers
/// file, then detection, then a prompt (at a terminal), then a default. The answers file
/// gives way to nothing but a flag; when detection contradicts it, the run asks at a
/// terminal and fails in a script, naming the flag that settles it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Flag,
    Saved,
    Detected,
}

/// What the order makes of one answer's candidates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pick<T> {
    Chosen(T, Source),
    /// The answers file says `saved`, detection finds only others.
    Contradiction {
        saved: T,
        detected: Vec<T>,
    },
    /// Nothing settles it: ask among these (all choices when detection found none).
    Ask(Vec<T>),
}

/// The one rule, for an answer detection may find several of (`detected`).
pub fn pick<T: PartialEq + Clone>(flag: Option<T>, saved: Option<T>, detected: &[T]) -> Pick<T> {
    if let Some(value) = flag {
        return Pick::Chosen(value, Source::Flag);
    }
    match (saved, detected) {
        (Some(saved), []) => Pick::Chosen(saved, Source::Saved),
        (Some(saved), found) if found.contains(&saved) => Pick::Chosen(saved, Source::Saved),
        (Some(saved), found) => Pick::Contradiction {
            saved,
            detected: found.to_vec(),
        },
        (None, [only]) => Pick::Chosen(only.clone(), Source::Detected),
        (None, found) => Pick::Ask(found.to_vec()),
    }
}

/// The provider a run would use, by the one order (flag, answers file, detection); asks only
/// when `interactive`.
pub fn resolve_provider(
    given: &Given,
    project: &Project,
    saved: Option<&Saved>,
    interactive: bool,
    prompter: &mut dyn Prompter,
) -> Result<&'static Provider> {
    let lookup = |id: &str, source: &str| {
        provider::by_id(id).ok_or_else(|| {
            Error::InvalidArgument(format!(
                "unknown provider {id:?} ({source}); choose one of: {}",
                provider::ids()
            ))
        })
    };
    let flag = given
        .provider
        .as_deref()
        .map(|id| lookup(id, "--provider").map(|p| p.id.as_str()))
        .transpose()?;
    let saved = saved
        .and_then(|s| s.provider.as_deref())
        .map(|id| lookup(id, crate::store::answers::FILE).map(|p| p.id.as_str()))
        .transpose()?;
    let detected: Vec<&str> = project
        .providers
        .iter()
        .map(|f| f.value.id.as_str())
        .collect();
    let by_id = |id: &str| provider::by_id(id).expect("ids come from the providers");
    let names = |ids: &[&str]| -> String {
        project
            .providers
            .iter()
            .filter(|f| ids.contains(&f.value.id.as_str()))
            .map(|f| format!("{} ({})", f.value.name, f.evidence))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (candidates, what, prompt): (Vec<&str>, String, String) = match pick(flag, saved, &detected)
    {
        Pick::Chosen(id, _) => return Ok(by_id(id)),
        Pick::Contradiction { saved, detected } => {
            let uses = names(&detected);
            if !interactive {
                return Err(Error::InvalidArgument(format!(
                    "{} says provider = \"{saved}\", but the app uses {uses}: pass --provider {} to follow the app, or --provider {saved} to keep the saved answer",
                    crate::store::answers::FILE,
                    detected[0]
                ))
                .into());
            }
            let prompt = format!(
                "{} says {}, but the app uses {uses}. Which provider?",
                crate::store::answers::FILE,
                by_id(saved).name
            );
            let mut candidates = detected;
            candidates.push(saved);
            (candidates, "the auth provider".into(), prompt)
        }
        Pick::Ask(found) if found.is_empty() => (
            provider::all().iter().map(|p| p.id.as_str()).collect(),
            "the auth provider (none was detected in package.json or .env files)".into(),
            "Which auth provider does this app use?".into(),
        ),
        Pick::Ask(found) => {
            let what = format!(
                "the auth provider (several were detected: {})",
                found
                    .iter()
                    .map(|id| by_id(id).name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            (found, what, "Which auth provider does this app use?".into())
        }
    };
    let items: Vec<String> = candidates.iter().map(|id| by_id(id).name.clone()).collect();
    let flag_hint = format!("--provider {}", provider::ids().replace(", ", "|"));
    let q = Question {
        prompt: &prompt,
        what: &what,
        flag: &flag_hint,
    };
    let index = prompter.select(q, &items, 0)?;
    Ok(by_id(candidates[index]))
}

fn resolve_tables(
    given: &Given,
    saved: Option<&Saved>,
    interactive: bool,
    prompter: &mut dyn Prompter,
    notes: &mut Vec<String>,
) -> Result<Vec<Table>> {
    // Tables given by flag bring their own settings: the saved ones describe the saved tables.
    let saved = if given.tables.is_empty() { saved } else { None };
    let existing = match pick(
        given.existing.then_some(true),
        saved.and_then(|s| s.existing),
        &[],
    ) {
        Pick::Chosen(existing, _) => existing,
        _ => false,
    };
    let owner = match pick(
        given.owner_column.as_ref(),
        saved.and_then(|s| s.owner_column.as_ref()),
        &[],
    ) {
        Pick::Chosen(column, _) => table::column(column)?,
        _ => table::OWNER_COLUMN.to_string(),
    };
    let parse = |names: &[String]| -> Result<Vec<Table>> {
        let mut tables: Vec<Table> = Vec::new();
        for name in names {
            let mut table: Table = name.trim().parse()?;
            table.owner = owner.clone();
            table.existing = existing;
            if format!("{}_{}_created_at_idx", table.name, table.owner).len() > 63 {
                return Err(Error::InvalidArgument(format!(
                    "table {table} with owner column {} makes index names longer than PostgreSQL's 63 characters: use a shorter name",
                    table.owner
                ))
                .into());
            }
            if !tables.contains(&table) {
                tables.push(table);
            }
        }
        Ok(tables)
    };
    let flag = (!given.tables.is_empty()).then_some(&given.tables);
    if let Pick::Chosen(names, _) = pick(flag, saved.and_then(|s| s.tables.as_ref()), &[]) {
        return parse(names);
    }
    // Nothing given and nothing to detect: a prompt, then the default.
    let q = Question {
        prompt: "Tables to create with row-level security (comma-separated; empty for none)",
        what: "which tables to protect",
        flag: "--table NAME (repeatable), or --yes for the requesting_user_id() function only",
    };
    let split = |answer: &str| -> Vec<String> {
        answer
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    if interactive {
        let check = |answer: &str| parse(&split(answer)).map(drop).map_err(|e| e.to_string());
        let answer = prompter.input(q, "todos", &check)?;
        return parse(&split(&answer));
    }
    if given.yes {
        notes.push(
            "no --table given: the migration holds requesting_user_id() only; pass --table NAME to add owned tables with RLS".into(),
        );
        return Ok(Vec::new());
    }
    Err(Error::MissingAnswer {
        what: q.what.to_string(),
        flag: q.flag.to_string(),
    }
    .into())
}

/// An InsForge project URL: http(s), a host, one line. Errors say what is wrong with the
/// value exactly as it was given.
fn check_url(given: &str) -> Result<String, String> {
    let trimmed = given.trim();
    let url = trimmed.trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"));
    let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or(""));
    let bad_char = given
        .trim()
        .chars()
        .any(|c| c.is_whitespace() || c.is_control());
    let userinfo = rest.is_some_and(|r| {
        r.split(['/', '?', '#'])
            .next()
            .is_some_and(|authority| authority.contains('@'))
    });
    match host {
        _ if userinfo => Err(
            "holds a user name or password (not shown): pass the project URL alone, e.g. https://your-app.us-east.insforge.app"
                .to_string(),
        ),
        _ if bad_char => Err(format!(
            "{given:?} is not a URL: it holds spaces or line breaks"
        )),
        None => Err(format!(
            "{given:?} is not an http(s) URL (e.g. https://your-app.us-east.insforge.app)"
        )),
        Some(host) if host.is_empty() || host.starts_with(':') || host.contains('@') => Err(
            format!("{given:?} has no host name (e.g. https://your-app.us-east.insforge.app)"),
        ),
        Some(_) => match dotenv::encode(url) {
            Some(_) => Ok(url.to_string()),
            None => Err(format!("{given:?} cannot be written to .env.local")),
        },
    }
}

/// An anon key: one token, no spaces or line breaks.
fn check_anon_key(given: &str) -> Result<String, String> {
    let key = given.trim();
    if key.is_empty() || key.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(
            "the anon key must be one word, without spaces or line breaks (it looks like anon_…)"
                .to_string(),
        );
    }
    Ok(key.to_string())
}

/// The JWT secret from stdin or the environment: one line, and writable to `.env.local`.
fn check_secret(secret: &str, source: &str) -> Result<String> {
    let secret = secret.trim_end_matches(['\n', '\r']);
    let invalid = |why: &str| -> anyhow::Error {
        Error::InvalidArgument(format!(
            "the InsForge JWT secret from {source} {why} (nothing of it is shown)"
        ))
        .into()
    };
    if secret.contains(['\n', '\r']) {
        return Err(invalid("has more than one line: pass the secret alone, on one line (`npx -y @insforge/cli secrets get JWT_SECRET --json` prints it as \"value\")"));
    }
    if secret.chars().any(|c| c.is_control() && c != '\t') {
        return Err(invalid("holds control characters"));
    }
    if dotenv::encode(secret.trim()).is_none() {
        return Err(invalid(
            "cannot be written to .env.local so that Next.js reads it back unchanged",
        ));
    }
    Ok(secret.to_string())
}

/// `check` for a prompt answer that may be left empty.
fn optional(
    answer: &str,
    check: impl Fn(&str) -> Result<String, String>,
) -> Result<Option<String>, String> {
    if answer.trim().is_empty() {
        Ok(None)
    } else {
        check(answer).map(Some)
    }
}

fn flag_error(flag: &str, message: &str) -> anyhow::Error {
    Error::InvalidArgument(format!("{flag} {message}")).into()
}

fn non_empty(s: String) -> Option<String> {
    let s = s.trim().to_string();
    (!s.is_empty()).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one order, for every shape of candidates an answer can have.
    #[test]
    fn one_order_for_every_answer() {
        use Pick::*;
        use Source::*;
        // (flag, answers file, detected, what the order makes of it)
        type Case<'a> = (
            Option<&'a str>,
            Option<&'a str>,
            &'a [&'a str],
            Pick<&'a str>,
        );
        let cases: &[Case] = &[
            // A flag wins over everything.
            (
                Some("auth0"),
                Some("clerk"),
                &["kinde"],
                Chosen("auth0", Flag),
            ),
            (Some("auth0"), None, &[], Chosen("auth0", Flag)),
            // Then the answers file, when detection agrees or finds nothing...
            (None, Some("clerk"), &[], Chosen("clerk", Saved)),
            (None, Some("clerk"), &["clerk"], Chosen("clerk", Saved)),
            // ...or finds several, the saved one among them.
            (
                None,
                Some("clerk"),
                &["auth0", "clerk"],
                Chosen("clerk", Saved),
            ),
            // A saved answer detection contradicts is neither kept nor dropped silently.
            (
                None,
                Some("auth0"),
                &["clerk"],
                Contradiction {
                    saved: "auth0",
                    detected: vec!["clerk"],
                },
            ),
            // Then detection.
            (None, None, &["clerk"], Chosen("clerk", Detected)),
            // Then a prompt (or, in a script, an error naming the flag).
            (None, None, &["auth0", "clerk"], Ask(vec!["auth0", "clerk"])),
            (None, None, &[], Ask(vec![])),
        ];
        for (flag, saved, detected, expected) in cases.iter() {
            assert_eq!(
                &pick(*flag, *saved, detected),
                expected,
                "flag {flag:?}, saved {saved:?}, detected {detected:?}"
            );
        }
    }

    /// Every table answer through the one order: flag, answers file, default.
    #[test]
    fn table_answers_follow_the_order() {
        use clap::Parser;
        let parse = |argv: &[&str]| -> Given {
            let mut all = vec!["insforge-integrate", "init"];
            all.extend_from_slice(argv);
            let command = crate::cli::Cli::try_parse_from(all)
                .unwrap()
                .command
                .unwrap();
            let around = crate::request::Surroundings::default();
            crate::request::Request::new(command, around).unwrap().given
        };
        let saved = crate::store::answers::parse(
            "provider = \"clerk\"\ntables = [\"notes\"]\nexisting = true\nowner_column = \"owner_id\"\n",
        )
        .unwrap();
        // (flags, answers file?, tables as schema.name:owner:existing)
        let cases: &[(&[&str], bool, &[&str])] = &[
            (&["--yes"], false, &[]),
            (&["--yes"], true, &["public.notes:owner_id:true"]),
            (
                &["--yes", "--table", "todos"],
                true,
                &["public.todos:user_id:false"],
            ),
            (
                &["--yes", "--owner-column", "author"],
                true,
                &["public.notes:author:true"],
            ),
            (
                &[
                    "--yes",
                    "--table",
                    "app.posts",
                    "--existing",
                    "--owner-column",
                    "by",
                ],
                true,
                &["app.posts:by:true"],
            ),
            (
                &["--yes", "--table", "todos", "--table", "todos"],
                false,
                &["public.todos:user_id:false"],
            ),
        ];
        for (argv, with_saved, expected) in cases {
            let args = parse(argv);
            let mut notes = Vec::new();
            let tables = resolve_tables(
                &args,
                with_saved.then_some(&saved),
                false,
                &mut crate::prompt::Silent,
                &mut notes,
            )
            .unwrap();
            let got: Vec<String> = tables
                .iter()
                .map(|t| format!("{}.{}:{}:{}", t.schema, t.name, t.owner, t.existing))
                .collect();
            assert_eq!(got, *expected, "{argv:?} saved {with_saved}");
        }
        // No flag, no answers file, no terminal, no --yes: an error naming the flag.
        let err = resolve_tables(
            &parse(&[]),
            None,
            false,
            &mut crate::prompt::Silent,
            &mut Vec::new(),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("--table NAME"), "{err}");
    }
}
