//! Table names from the command line, validated as SQL identifiers before anything is rendered.
//! Only plain identifiers (`todos`, `app.notes`) are accepted, so nothing a user types can
//! change the meaning of the generated SQL.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::error::Error;

/// Longest identifier PostgreSQL keeps (NAMEDATALEN - 1).
const MAX_IDENT: usize = 63;
/// Leaves room for the longest derived name, `<table>_<owner>_created_at_idx`.
const MAX_TABLE: usize = 40;

/// The owner column generated tables use unless told otherwise.
pub const OWNER_COLUMN: &str = "user_id";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub schema: String,
    pub name: String,
    /// The column holding the owner's user id (text).
    pub owner: String,
    /// The table exists already: add RLS to it, create nothing.
    pub existing: bool,
}

/// Check an owner column name given with `--owner-column`.
pub fn column(input: &str) -> Result<String, Error> {
    let ok = input.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && input.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && input.len() <= 32;
    if ok {
        Ok(input.to_string())
    } else {
        Err(Error::InvalidArgument(format!(
            "invalid column name {input:?} for --owner-column: use letters, digits and underscores, starting with a letter or underscore (at most 32 characters)"
        )))
    }
}

impl FromStr for Table {
    type Err = Error;

    fn from_str(input: &str) -> Result<Self, Error> {
        let invalid = |why: &str| {
            Error::InvalidArgument(format!(
                "invalid table name {input:?}: {why}. Use letters, digits and underscores, starting with a letter or underscore, optionally as schema.table (e.g. --table todos or --table app.notes)"
            ))
        };
        let (schema, name) = match input.split_once('.') {
            Some((schema, name)) => (schema, name),
            None => ("public", input),
        };
        for part in [schema, name] {
            if part.is_empty() {
                return Err(invalid("it is empty"));
            }
            if !part.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                || !part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                return Err(invalid("it has characters SQL names cannot have unquoted"));
            }
            if part.len() > MAX_IDENT {
                return Err(invalid("it is longer than 63 characters"));
            }
        }
        if name.len() > MAX_TABLE {
            return Err(invalid(
                "a table name may have at most 40 characters here, so index and policy names fit",
            ));
        }
        let folded = schema.to_ascii_lowercase();
        if [
            "auth",
            "storage",
            "realtime",
            "information_schema",
            "better_auth",
        ]
        .contains(&folded.as_str())
            || folded.starts_with("pg_")
        {
            return Err(invalid(
                "that schema is managed by InsForge or PostgreSQL (and pg_* names are reserved)",
            ));
        }
        // Names are exact, as quoted SQL names are: `Notes` is the table "Notes". A schema
        // spelled like `public` in other letters would be a second schema beside it.
        if folded == "public" && schema != "public" {
            return Err(invalid(&format!(
                "names are case-sensitive here, and {schema:?} would be a new schema beside public: write public.{name} or just {name}"
            )));
        }
        Ok(Table {
            schema: schema.to_string(),
            name: name.to_string(),
            owner: OWNER_COLUMN.to_string(),
            existing: false,
        })
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.schema == "public" {
            f.write_str(&self.name)
        } else {
            write!(f, "{}.{}", self.schema, self.name)
        }
    }
}

/// What the SQL templates see of a table: every name already quoted where SQL needs it.
#[derive(Debug, Clone, Serialize)]
pub struct SqlTable {
    /// As the user wrote it: `todos`.
    pub label: String,
    /// `public.todos`, or `public."user"`.
    pub qualified: String,
    pub schema: String,
    /// The schema is not `public`, so the migration creates it.
    pub create_schema: bool,
    /// RLS for a table that exists: no `create table`.
    pub existing: bool,
    /// `public.todos` as an SQL string literal (for `::regclass`).
    pub literal: String,
    /// The owner column as written (for messages).
    pub owner_label: String,
    pub owner: String,
    pub index: String,
    pub select_policy: String,
    pub insert_policy: String,
    pub update_policy: String,
    pub delete_policy: String,
}

impl Table {
    pub fn sql(&self) -> SqlTable {
        let base = &self.name;
        let derived = |suffix: &str| ident(&format!("{base}_{suffix}"));
        let qualified = format!("{}.{}", ident(&self.schema), ident(&self.name));
        SqlTable {
            label: self.to_string(),
            literal: format!("'{qualified}'"),
            qualified,
            schema: ident(&self.schema),
            create_schema: self.schema != "public" && !self.existing,
            existing: self.existing,
            owner_label: self.owner.clone(),
            owner: ident(&self.owner),
            index: if self.existing {
                derived(&format!("{}_idx", self.owner))
            } else {
                derived(&format!("{}_created_at_idx", self.owner))
            },
            select_policy: derived("select_own"),
            insert_policy: derived("insert_own"),
            update_policy: derived("update_own"),
            delete_policy: derived("delete_own"),
        }
    }
}

/// An identifier as SQL must spell it: bare when it is lower-case and not reserved, else quoted.
pub fn ident(name: &str) -> String {
    let bare = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !RESERVED.contains(&name);
    if bare {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// PostgreSQL's reserved key words (and those reserved as function or type names), which must
/// be quoted to be used as table names.
const RESERVED: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "binary",
    "both",
    "case",
    "cast",
    "check",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "false",
    "fetch",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "group",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "intersect",
    "into",
    "is",
    "isnull",
    "join",
    "lateral",
    "leading",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "natural",
    "not",
    "notnull",
    "null",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "outer",
    "overlaps",
    "placing",
    "primary",
    "references",
    "returning",
    "right",
    "select",
    "session_user",
    "similar",
    "some",
    "symmetric",
    "system_user",
    "table",
    "tablesample",
    "then",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_and_schema_qualified_names() {
        assert_eq!(
            "todos".parse::<Table>().unwrap().sql().qualified,
            "public.todos"
        );
        assert_eq!(
            "app.Notes".parse::<Table>().unwrap().sql().qualified,
            "app.\"Notes\""
        );
        assert_eq!(
            "user".parse::<Table>().unwrap().sql().qualified,
            "public.\"user\""
        );
        assert_eq!("_t1".parse::<Table>().unwrap().to_string(), "_t1");
    }

    #[test]
    fn rejects_hostile_names() {
        for bad in [
            "",
            " ",
            "todos;drop table x",
            "to dos",
            "todos--",
            "\"todos\"",
            "a'b",
            "1todos",
            "a.b.c",
            ".todos",
            "todos.",
            "todos/*",
            "tödös",
            "auth.users",
            "PUBLIC.todos",
            "Public.todos",
            "pg_temp.x",
            "PG_toast.x",
            "Auth.users",
            &"x".repeat(41),
        ] {
            let err = bad.parse::<Table>().unwrap_err();
            assert!(matches!(err, Error::InvalidArgument(_)), "{bad:?}");
            assert!(err.to_string().contains("--table"), "{err}");
        }
    }
}
