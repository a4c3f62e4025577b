//! The app's own schema tooling and SQL: which migration system (Drizzle, Prisma, Supabase)
//! owns which folder, and the tables and row-level-security policies the app's own SQL
//! creates, wherever its `.sql` files live. The tool never writes into a folder another
//! system owns, and never creates a second table or policy set for one the app has.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A migration system the app uses, and the folder its migrations live in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct System {
    pub tool: Tool,
    /// Relative to the app's root, without `./`: `drizzle`, `prisma/migrations`.
    pub dir: PathBuf,
    /// Where that was read: `drizzle.config.ts: out: "./migrations"`.
    pub evidence: String,
    /// The app applies its schema without migration files (`prisma db push`, `drizzle-kit
    /// push` in its scripts, and no migrations folder).
    pub push: bool,
    /// The database it manages when that is not Postgres (`mysql`, `sqlite`): the app's
    /// tables are then not in InsForge's database at all.
    pub other_database: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    Drizzle,
    Prisma,
    Supabase,
    /// Files in `migrations/` that are not InsForge's (a JavaScript migration, a journal).
    Other,
}

impl Tool {
    pub fn name(self) -> &'static str {
        match self {
            Self::Drizzle => "Drizzle",
            Self::Prisma => "Prisma",
            Self::Supabase => "Supabase",
            Self::Other => "another migration tool",
        }
    }
}

/// A table the app's own SQL creates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppTable {
    /// The `.sql` file, relative to the root.
    pub file: String,
    /// Column names (lower case) and their declared types (lower case, as written).
    pub columns: Vec<(String, String)>,
}

/// What the app's own SQL holds.
#[derive(Debug, Clone, Default)]
pub struct AppSql {
    /// `schema.table` (lower case) → the first file that creates policies on it.
    pub policies: BTreeMap<String, String>,
    /// `schema.table` (lower case) → the first file that creates it.
    pub tables: BTreeMap<String, AppTable>,
}

/// The `provider` of a Prisma schema's `datasource` block.
fn prisma_provider(text: &str) -> Option<String> {
    let start = text.find("datasource ")?;
    let block = &text[start..start + text[start..].find('}')?];
    block.lines().find_map(|line| {
        let (key, value) = line.split_once('=')?;
        (key.trim() == "provider").then(|| value.trim().trim_matches('"').to_string())
    })
}

/// The app's migration systems, strongest evidence first.
pub fn systems(root: &Path, scripts: &str, read: &dyn Fn(&Path) -> Option<String>) -> Vec<System> {
    let mut out = Vec::new();
    let dir_exists = |d: &Path| root.join(d).is_dir();
    for name in [
        "drizzle.config.ts",
        "drizzle.config.js",
        "drizzle.config.mjs",
        "drizzle.config.mts",
        "drizzle.config.cjs",
        "drizzle.config.json",
    ] {
        let Some(text) = read(Path::new(name)) else {
            continue;
        };
        let (dir, evidence) = match config_string(&text, "out") {
            Some(out) => (clean(&out), format!("{name}: out: \"{out}\"")),
            None => (
                PathBuf::from("drizzle"),
                format!("{name} (out defaults to drizzle)"),
            ),
        };
        let push = !dir_exists(&dir) && scripts.contains("drizzle-kit push");
        let other_database = config_string(&text, "dialect")
            .or_else(|| config_string(&text, "driver"))
            .filter(|d| {
                !d.starts_with("postgres")
                    && !["pg", "pglite", "aws-data-api"].contains(&d.as_str())
            });
        out.push(System {
            tool: Tool::Drizzle,
            dir,
            evidence,
            push,
            other_database,
        });
        break;
    }
    let prisma_schema = ["prisma/schema.prisma", "prisma/schema", "schema.prisma"]
        .into_iter()
        .find(|p| root.join(p).exists());
    if let Some(schema) = prisma_schema {
        let base = Path::new(schema).parent().unwrap_or(Path::new(""));
        let dir = base.join("migrations");
        let push = !dir_exists(&dir) || scripts.contains("prisma db push");
        let other_database = read(Path::new(schema))
            .and_then(|text| prisma_provider(&text))
            .filter(|p| !["postgresql", "postgres", "cockroachdb"].contains(&p.as_str()));
        out.push(System {
            tool: Tool::Prisma,
            evidence: schema.to_string(),
            dir,
            push,
            other_database,
        });
    }
    if dir_exists(Path::new("supabase/migrations")) {
        out.push(System {
            tool: Tool::Supabase,
            dir: PathBuf::from("supabase/migrations"),
            evidence: "supabase/migrations/".into(),
            push: false,
            other_database: None,
        });
    }
    // `migrations/` holding what InsForge's CLI cannot apply: a journal, JavaScript.
    if !out.iter().any(|s| s.dir == Path::new("migrations")) {
        if let Some(file) = foreign_file(&root.join("migrations")) {
            out.push(System {
                tool: Tool::Other,
                dir: PathBuf::from("migrations"),
                evidence: format!("migrations/{file}"),
                push: false,
                other_database: None,
            });
        }
    }
    out
}

/// A file in `dir` that is not an InsForge migration and says another tool owns the folder:
/// a folder (Drizzle's `meta/`), or code (`.js`, `.ts`: knex, node-pg-migrate, umzug).
fn foreign_file(dir: &Path) -> Option<String> {
    let mut names: Vec<(String, bool)> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .filter_map(|e| {
            let dir = e.file_type().ok()?.is_dir();
            Some((e.file_name().into_string().ok()?, dir))
        })
        .collect();
    names.sort();
    names
        .into_iter()
        .find(|(name, dir)| {
            *dir || [".js", ".ts", ".cjs", ".mjs", ".json"]
                .iter()
                .any(|ext| name.ends_with(ext))
        })
        .map(|(name, dir)| if dir { format!("{name}/") } else { name })
}

/// `./migrations/` → `migrations`.
fn clean(dir: &str) -> PathBuf {
    let mut out = PathBuf::new();
    for part in dir.split(['/', '\\']) {
        match part {
            "" | "." => {}
            part => out.push(part),
        }
    }
    out
}

/// The string value of `key` in a config object (`out: './drizzle'`, `"out": "drizzle"`).
fn config_string(text: &str, key: &str) -> Option<String> {
    let mut from = 0;
    while let Some(at) = text[from..].find(key) {
        let start = from + at;
        from = start + key.len();
        let before = text[..start].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
            continue;
        }
        let rest = text[from..].trim_start_matches(['"', '\'']);
        let Some(rest) = rest.trim_start().strip_prefix(':') else {
            continue;
        };
        let rest = rest.trim_start();
        let quote = rest.chars().next()?;
        if !"'\"`".contains(quote) {
            continue;
        }
        let value: String = rest[1..].chars().take_while(|c| *c != quote).collect();
        return Some(value);
    }
    None
}

/// Folders never entered when looking for the app's SQL.
const SKIP: [&str; 8] = [
    "node_modules",
    ".next",
    ".git",
    "dist",
    "build",
    "out",
    "coverage",
    ".turbo",
];

/// The tables and policies created by the app's own `.sql` files, anywhere in the app
/// (`.gitignore` respected; at most 2,000 files of at most 1 MiB). Files the tool wrote (its
/// header, or listed in `own`) are left out.
pub fn app_sql(
    root: &Path,
    gitignore: Option<&str>,
    own: &dyn Fn(&str) -> bool,
    read: &dyn Fn(&Path) -> Option<String>,
) -> AppSql {
    // The root's rules come from its text (read once by the project's reader).
    let rules = gitignore.map(|text| super::source::root_rules(root, text));
    let mut files: Vec<PathBuf> = ignore::WalkBuilder::new(root)
        .hidden(true)
        .git_global(false)
        .git_exclude(false)
        .require_git(false)
        .parents(false)
        .git_ignore(false)
        .max_depth(Some(8))
        .filter_entry(move |e| {
            let dir = e.file_type().is_some_and(|t| t.is_dir());
            let ignored = rules
                .as_ref()
                .is_some_and(|r| r.matched(e.path(), dir).is_ignore());
            let skipped = dir && e.file_name().to_str().is_some_and(|n| SKIP.contains(&n));
            !ignored && !skipped
        })
        .build()
        .flatten()
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .filter(|e| e.path().extension().is_some_and(|x| x == "sql"))
        .filter_map(|e| e.path().strip_prefix(root).ok().map(Path::to_path_buf))
        .take(2000)
        .collect();
    files.sort();
    let mut out = AppSql::default();
    for rel in files {
        let name = crate::paths::slash(&rel);
        if own(&name) {
            continue;
        }
        let full = root.join(&rel);
        if std::fs::metadata(&full).map_or(true, |m| m.len() > 1 << 20) {
            continue;
        }
        let Some(text) = read(&rel) else {
            continue;
        };
        if text
            .lines()
            .next()
            .is_some_and(|l| l.contains("+ InsForge:"))
        {
            continue;
        }
        read_sql(&strip_comments(&text), &name, &mut out);
    }
    out
}

fn strip_comments(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut rest = sql;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("--") {
            rest = r.find('\n').map_or("", |n| &r[n..]);
        } else if let Some(r) = rest.strip_prefix("/*") {
            rest = r.find("*/").map_or("", |n| &r[n + 2..]);
            out.push(' ');
        } else {
            let c = rest.chars().next().expect("not empty");
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// `"public"."todos"`, `public.todos`, `todos` → `public.todos` (lower case), and the rest.
fn qualified_name(text: &str) -> Option<(String, &str)> {
    let mut parts = Vec::new();
    let mut rest = text.trim_start();
    loop {
        let (part, after) = if let Some(r) = rest.strip_prefix('"') {
            let end = r.find('"')?;
            (r[..end].to_string(), &r[end + 1..])
        } else {
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            if end == 0 {
                return None;
            }
            (rest[..end].to_lowercase(), &rest[end..])
        };
        parts.push(part);
        match after.strip_prefix('.') {
            Some(r) => rest = r,
            None => {
                rest = after;
                break;
            }
        }
    }
    let name = match parts.as_slice() {
        [table] => format!("public.{table}"),
        [schema, table] => format!("{schema}.{table}"),
        _ => return None,
    };
    Some((name, rest))
}

fn read_sql(sql: &str, file: &str, out: &mut AppSql) {
    let lower = sql.to_lowercase();
    for (at, _) in lower.match_indices("create policy") {
        let rest = &sql[at..];
        let Some(on) = rest.to_lowercase().find(" on ") else {
            continue;
        };
        if let Some((table, _)) = qualified_name(&rest[on + 4..]) {
            out.policies
                .entry(table)
                .or_insert_with(|| file.to_string());
        }
    }
    for (at, _) in lower.match_indices("create table") {
        let mut rest = sql[at + "create table".len()..].trim_start();
        for word in ["if", "not", "exists"] {
            if rest.len() >= word.len() && rest[..word.len()].eq_ignore_ascii_case(word) {
                rest = rest[word.len()..].trim_start();
            }
        }
        let Some((table, after)) = qualified_name(rest) else {
            continue;
        };
        let Some(body) = after.trim_start().strip_prefix('(') else {
            continue;
        };
        let columns = columns(body);
        out.tables.entry(table).or_insert_with(|| AppTable {
            file: file.to_string(),
            columns,
        });
    }
}

/// The columns of a `create table (…)` body: each top-level item that is not a constraint.
fn columns(body: &str) -> Vec<(String, String)> {
    let mut items = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in body.char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => {
                items.push(&body[start..i]);
                break;
            }
            ')' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&body[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items
        .into_iter()
        .filter_map(|item| {
            let item = item.trim();
            let (name, rest) = match item.strip_prefix('"') {
                Some(r) => {
                    let end = r.find('"')?;
                    (r[..end].to_string(), &r[end + 1..])
                }
                None => {
                    let end = item.find(char::is_whitespace)?;
                    (item[..end].to_lowercase(), &item[end..])
                }
            };
            let constraint = [
                "constraint",
                "primary",
                "foreign",
                "unique",
                "check",
                "exclude",
                "like",
            ];
            if !item.starts_with('"') && constraint.contains(&name.as_str()) {
                return None;
            }
            let ty = rest.split_whitespace().next()?.to_lowercase();
            Some((name, ty))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_and_policies_of_the_apps_own_sql() {
        let mut out = AppSql::default();
        read_sql(
            &strip_comments("-- create table skipped (id int);\nCREATE TABLE IF NOT EXISTS \"todos\" (\n\t\"id\" serial PRIMARY KEY NOT NULL,\n\t\"user_id\" text NOT NULL,\n\t\"title\" varchar(256),\n\tCONSTRAINT x UNIQUE(\"title\")\n);\ncreate table app.notes (id uuid, owner text);\nalter table todos enable row level security;\ncreate policy \"own\" on \"public\".\"todos\" for select using (true);\n"),
            "drizzle/0000_init.sql",
            &mut out,
        );
        assert_eq!(
            out.tables["public.todos"].columns,
            vec![
                ("id".to_string(), "serial".to_string()),
                ("user_id".to_string(), "text".to_string()),
                ("title".to_string(), "varchar(256)".to_string()),
            ]
        );
        assert_eq!(out.tables["app.notes"].file, "drizzle/0000_init.sql");
        assert!(!out.tables.contains_key("public.skipped"));
        assert_eq!(out.policies["public.todos"], "drizzle/0000_init.sql");
    }

    #[test]
    fn drizzle_out_is_read_from_its_config() {
        assert_eq!(
            config_string("export default defineConfig({\n  schema: './db/schema.ts',\n  out: './migrations',\n});", "out"),
            Some("./migrations".into())
        );
        assert_eq!(
            config_string("{ \"out\": \"drizzle\" }", "out"),
            Some("drizzle".into())
        );
        assert_eq!(
            config_string("const layout = 1; export default { schema }", "out"),
            None
        );
        assert_eq!(clean("./migrations/"), PathBuf::from("migrations"));
    }
}
