//! What render tells the user beside the files: how the app's own integration compares,
//! tables that have policies of the app's own, and which migration system applies what.

use semver::Version;

use crate::detect::{Project, INSFORGE_SDK};
use crate::paths::slash;

/// An app that already hands a provider token to InsForge keeps its own client; what differs
/// from what the tool would write is reported, each with its reason.
pub(super) fn compare_integration(project: &Project, manual: &mut Vec<String>) {
    let Some(client) = project.wiring.insforge.first() else {
        return;
    };
    let mut findings = Vec::new();
    let sdk = project.versions.get(INSFORGE_SDK).map(|f| f.value.clone());
    if client.token == "edgeFunctionToken"
        && sdk.as_ref().is_some_and(|v| *v >= Version::new(1, 4, 2))
    {
        findings.push("it passes edgeFunctionToken, a deprecated alias since @insforge/sdk 1.4.2: pass accessToken".to_string());
    }
    if client.signs_without_sub {
        findings.push("the JWT it signs has no `sub` claim: InsForge rejects such tokens (401), and requesting_user_id() reads sub".to_string());
    }
    if client.client_side && !client.refreshes {
        findings.push("it never hands over a new token: once the first one expires, every request fails (refresh with client.setAccessToken before expiry)".to_string());
    }
    let mut text = format!(
        "Your app already creates an InsForge client with a provider token ({}), so the tool keeps it and writes no second one.",
        client.at
    );
    if findings.is_empty() {
        text.push_str(" It matches what the tool would write.");
    } else {
        text.push_str(" Compared with what the tool writes:");
        for f in findings {
            text.push_str(&format!("\n     - {f}"));
        }
    }
    manual.push(text);
}

/// `--existing` tables the app's own SQL creates: the owner column must be one of its
/// columns, and text, or the migration would fail only when applied. A TypeScript key
/// (`userId`) for a column `user_id` is named as such.
pub(super) fn existing_owners(
    project: &Project,
    tables: &[crate::table::Table],
) -> Result<(), crate::error::Error> {
    for t in tables.iter().filter(|t| t.existing) {
        let key = format!("{}.{}", t.schema, t.name).to_lowercase();
        // The app's ORM schema (Drizzle's tables, Prisma's models): its columns by their
        // names in code and in the database.
        let declared = declared_tables(project);
        let found = declared
            .iter()
            .find(|(d, _)| d.schema == t.schema && d.table == t.name && !d.columns.is_empty());
        if let (Some((d, what)), None) = (found, project.app_tables.get(&key)) {
            match d.columns.iter().find(|(_, column, _)| *column == t.owner) {
                Some((_, _, true)) => {}
                Some((_, column, false)) => {
                    return Err(crate::error::Error::InvalidArgument(format!(
                        "{t}.{column} is not text in its {what} ({}): provider user ids are text, so the migration would stop when applied. Make it text, or pass --owner-column with a text column that holds the user id",
                        d.at
                    )))
                }
                None => {
                    let hint = match d.columns.iter().find(|(key, _, _)| *key == t.owner) {
                        Some((key, column, _)) => format!(
                            "pass --owner-column {column} (the column, not the name {key} in code)"
                        ),
                        None => "pass --owner-column with the text column that holds the user id, or choose another table".into(),
                    };
                    let columns: Vec<&str> =
                        d.columns.iter().map(|(_, c, _)| c.as_str()).collect();
                    return Err(crate::error::Error::InvalidArgument(format!(
                        "{t} has no column {} in its {what} ({}; its columns: {}): {hint}",
                        t.owner,
                        d.at,
                        columns.join(", ")
                    )));
                }
            }
            continue;
        }
        let Some(own) = project.app_tables.get(&key) else {
            // A Drizzle schema that defines tables, none of them this one.
            let Some((_, what)) = declared.first() else {
                continue;
            };
            let known: Vec<String> = declared
                .iter()
                .map(|(d, _)| format!("{}.{}", d.schema, d.table))
                .collect();
            if !known.contains(&key) {
                return Err(crate::error::Error::InvalidArgument(format!(
                    "{t} is not a table of the app's {what} (its tables: {}): name one of them with --existing --table, or leave out --existing to create {t}",
                    known.join(", ")
                )));
            }
            continue;
        };
        let owner = t.owner.to_lowercase();
        let texty =
            |ty: &str| ty == "text" || ty.starts_with("varchar") || ty.starts_with("character");
        match own.columns.iter().find(|(c, _)| *c == owner) {
            Some((_, ty)) if texty(ty) => {}
            Some((column, ty)) => {
                return Err(crate::error::Error::InvalidArgument(format!(
                    "{t}.{column} is {ty} in {}: provider user ids are text, so the migration would stop when applied. Make the column text, or pass --owner-column with a text column that holds the user id",
                    own.file
                )))
            }
            None => {
                let snake: String = t.owner.chars().fold(String::new(), |mut out, c| {
                    if c.is_ascii_uppercase() {
                        if !out.is_empty() {
                            out.push('_');
                        }
                        out.push(c.to_ascii_lowercase());
                    } else {
                        out.push(c);
                    }
                    out
                });
                let columns: Vec<&str> = own.columns.iter().map(|(c, _)| c.as_str()).collect();
                let hint = if snake != owner && columns.contains(&snake.as_str()) {
                    format!("pass --owner-column {snake} (the column, not the TypeScript key {})", t.owner)
                } else {
                    "pass --owner-column with the text column that holds the user id, or choose another table".into()
                };
                return Err(crate::error::Error::InvalidArgument(format!(
                    "{t} has no column {} in {} (its columns: {}): {hint}",
                    t.owner,
                    own.file,
                    columns.join(", ")
                )));
            }
        }
    }
    Ok(())
}

/// The tables the app's ORM schemas declare, each with the schema's name.
fn declared_tables(project: &Project) -> Vec<(crate::detect::SchemaTable, &'static str)> {
    let drizzle = project.wiring.drizzle_tables.iter().map(|d| {
        (
            crate::detect::SchemaTable {
                schema: d.schema.clone(),
                table: d.table.clone(),
                columns: d
                    .columns
                    .iter()
                    .map(|(key, column, builder)| {
                        (
                            key.clone(),
                            column.clone(),
                            matches!(builder.as_str(), "text" | "varchar"),
                        )
                    })
                    .collect(),
                at: d.at.to_string(),
            },
            "Drizzle schema",
        )
    });
    let prisma = project
        .prisma_tables
        .iter()
        .map(|p| (p.clone(), "Prisma schema"));
    drizzle.chain(prisma).collect()
}

/// Tables the app's own SQL creates already: the migration adds row-level security to
/// them, never a second table (with another id type). The owner column is the one the app's
/// table has: the one asked for, else a text `user_id`-like column.
pub(super) fn own_tables(
    project: &Project,
    tables: &mut [crate::table::Table],
    manual: &mut Vec<String>,
) {
    for t in tables.iter_mut().filter(|t| !t.existing) {
        let key = format!("{}.{}", t.schema, t.name).to_lowercase();
        let Some(own) = project.app_tables.get(&key) else {
            continue;
        };
        let has = |name: &str| own.columns.iter().find(|(c, _)| c == name);
        let texty =
            |ty: &str| ty == "text" || ty.starts_with("varchar") || ty.starts_with("character");
        if let Some((column, ty)) = has(&t.owner.to_lowercase()).filter(|(_, ty)| !texty(ty)) {
            t.existing = true;
            manual.push(format!(
                "{t} is created by {}, and its {column} is {ty}: provider user ids are text, so the migration stops, changing nothing, until {column} is text (or pass --owner-column with a text column).",
                own.file
            ));
            continue;
        }
        let owner = has(&t.owner.to_lowercase())
            .or_else(|| {
                ["user_id", "owner_id", "userid", "author_id", "created_by"]
                    .iter()
                    .find_map(|n| has(n).filter(|(_, ty)| texty(ty)))
            })
            .map(|(c, _)| c.clone());
        t.existing = true;
        match owner {
            Some(column) => {
                let note = if column == t.owner {
                    String::new()
                } else {
                    format!(" (owner column {column})")
                };
                t.owner = column;
                manual.push(format!(
                    "{t} is created by {}: the migration adds row-level security to that table{note} instead of creating a second one. Apply {} before it.",
                    own.file, own.file
                ));
            }
            None => manual.push(format!(
                "{t} is created by {}, with no {} column: the migration adds row-level security to that table and stops, changing nothing, until {t} has a text {} column holding the user id. Add one there (or pass --owner-column), and apply it first.",
                own.file, t.owner, t.owner
            )),
        }
    }
}

/// Which system applies what, when the app has its own migrations (Drizzle, Prisma,
/// Supabase): theirs first, then InsForge's, in their own folders; and how to carry the
/// InsForge SQL in the app's system instead.
pub(super) fn migration_systems(project: &Project, tables: &[String]) -> Vec<String> {
    let dir = slash(&project.migrations_dir());
    let exec = project.package_manager.value.exec();
    // Prisma and Drizzle Kit are the app's own installs: their local binaries.
    let local = project.package_manager.value.local();
    project
        .migration_systems
        .iter()
        .map(|s| {
            use crate::detect::migrations::Tool;
            let owns = slash(&s.dir);
            let apart = if s.dir == std::path::Path::new(crate::change::MIGRATIONS_DIR) {
                format!(" {} owns {owns}/, so InsForge's migration goes in {dir}/, apart from its files (each tool would try to apply the other's).", s.tool.name())
            } else {
                format!(" InsForge's migration goes in {dir}/, which {} does not read.", s.tool.name())
            };
            let (apply, carry) = match s.tool {
                Tool::Drizzle if s.push => (format!("{local} drizzle-kit push"), format!("{local} drizzle-kit generate --custom --name=insforge-rls")),
                Tool::Drizzle => (format!("{local} drizzle-kit migrate"), format!("{local} drizzle-kit generate --custom --name=insforge-rls")),
                Tool::Prisma if s.push => (format!("{local} prisma db push"), format!("{local} prisma migrate dev --create-only --name insforge_rls")),
                Tool::Prisma => (format!("{local} prisma migrate deploy"), format!("{local} prisma migrate dev --create-only --name insforge_rls")),
                Tool::Supabase => (format!("{exec} supabase db push"), format!("{exec} supabase migration new insforge_rls")),
                Tool::Other => ("your migration tool".to_string(), String::new()),
            };
            if let Some(database) = &s.other_database {
                return format!(
                    "The app's schema is managed by {} ({}) on {database}, not Postgres: its tables are in that database, not in InsForge's, so InsForge's policies cannot protect them. The migration protects the tables it creates in InsForge; moving the app's data there is a change of its own.",
                    s.tool.name(),
                    s.evidence,
                );
            }
            let mut text = format!(
                "The app's schema is managed by {} ({}): apply its migrations first ({apply}), then InsForge's: it adds requesting_user_id() and row-level security to the tables they create.{apart}",
                s.tool.name(),
                s.evidence,
            );
            if !carry.is_empty() {
                text.push_str(&format!(
                    " To keep one system instead, create an empty {} migration ({carry}), paste InsForge's SQL into it, and delete the file from {dir}/.",
                    s.tool.name()
                ));
            }
            // A schema tool treats tables it does not know as drift: it would drop them.
            let tables = tables.join(", ");
            match s.tool {
                _ if tables.is_empty() => {}
                Tool::Prisma => text.push_str(&format!(
                    " Add {tables} to prisma/schema.prisma as models (with the user-id column's default and index), or Prisma sees them as drift: migrate dev offers to reset the database and db push drops what the schema lacks."
                )),
                Tool::Drizzle => text.push_str(&format!(
                    " Add {tables} to your Drizzle schema (pgTable), or leave them out of drizzle-kit with tablesFilter in drizzle.config: otherwise drizzle-kit push offers to drop them."
                )),
                _ => {}
            }
            text
        })
        .collect()
}
