//! A stand-in for InsForge's admin API and data API, on loopback: the routes `init --setup`
//! and `verify` call, restated from the InsForge CLI and backend source (InsForge itself
//! cannot run here). Every admin call needs `Authorization: Bearer <api_key>` (else 401 with
//! `{error, message}`); migrations keep the backend's ordering rule (a version applied, or not
//! newer than the newest, is a 409); the dry run answers `{valid, statementCount, riskLevel,
//! …}`; a fault can be set for one route (a status, or a connection closed mid-answer). It
//! records every call, the key never.
//!
//! With a [`Database`] (the SQL suite's real PostgreSQL, shaped like a project's), migrations
//! are applied to it as the backend's runner applies them, `POST /api/database/advance/rawsql`
//! answers its rows, and `/api/database/records/<table>` is the data path: the token is checked
//! as the backend checks a third-party token (HS256 with the JWT secret, `sub` required, `role`
//! absent or `authenticated`, `exp` when present; the anon key is role `anon`), and the query
//! runs in one transaction as that role with `request.jwt.claims` set to the claims the
//! backend forwards (`sub`, `role`, `iat`, `exp`), as PostgREST does. Without one, migrations
//! are only recorded.

// Shared by the CLI and SQL suites, each of which uses a part.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

pub const KEY: &str = "ik_7c2f9e1d5b3a4c6e8f0a1b2c3d4e5f60";
pub const JWT_SECRET: &str = "standin-jwt-secret-0f1e2d3c4b5a69788796a5b4c3d2e1f0";
pub const ANON_KEY: &str = "eyJhbGciOiJIUzI1NiJ9.standin-anon.c2lnbmF0dXJl";

#[derive(Debug, Clone)]
pub enum Fault {
    Status(u16),
    /// Headers promising a body, then the connection closed.
    Close,
    /// No answer for this many milliseconds.
    Hang(u64),
}

/// Where the stand-in applies migrations and answers SQL and data calls.
pub trait Database: Send + Sync {
    /// A migration, as the backend's runner applies it; the error text on failure.
    fn apply(&self, sql: &str) -> Result<(), String>;
    /// The same, rolled back.
    fn dry_run(&self, sql: &str) -> Result<(), String>;
    /// The rows of an admin query, as a JSON array.
    fn query(&self, sql: &str) -> Result<Value, String>;
    /// `sql` (one JSON value) in a request's transaction: `role`, with `claims` set.
    fn request(&self, role: &str, claims: &str, sql: &str) -> Result<Value, String>;
}

#[derive(Default)]
pub struct State {
    /// `METHOD /path` of every call, in order.
    pub calls: Vec<String>,
    /// (version, name, sql) applied.
    pub applied: Vec<(String, String, String)>,
    /// A fault for calls whose `METHOD /path` is this, while `times` lasts.
    pub fault: Option<(String, Fault, usize)>,
    /// The backend has no dry run (older than 2.3.0): 404.
    pub no_dry_run: bool,
    /// The dry run rejects every migration with this error.
    pub rejects: Option<String>,
    pub db: Option<Arc<dyn Database>>,
}

pub struct StandIn {
    pub url: String,
    pub state: Arc<Mutex<State>>,
}

impl StandIn {
    pub fn start() -> Self {
        Self::with(None)
    }

    /// A stand-in whose migrations and data calls go to `db`.
    pub fn with_database(db: Arc<dyn Database>) -> Self {
        Self::with(Some(db))
    }

    fn with(db: Option<Arc<dyn Database>>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State {
            db,
            ..State::default()
        }));
        let shared = Arc::clone(&state);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = Arc::clone(&shared);
                std::thread::spawn(move || serve(stream, &state));
            }
        });
        Self { url, state }
    }

    pub fn posts(&self) -> usize {
        let s = self.state.lock().unwrap();
        s.calls.iter().filter(|c| c.starts_with("POST")).count()
    }

    pub fn calls(&self) -> Vec<String> {
        self.state.lock().unwrap().calls.clone()
    }

    /// The link file, as `npx @insforge/cli link` writes it, pointing here.
    pub fn link(&self) -> String {
        format!(
            r#"{{"project_id":"5e0f3a1c","project_name":"todo","org_id":"org","appkey":"ab12cd","region":"us-east","api_key":"{KEY}","oss_host":"{}"}}"#,
            self.url
        )
    }
}

fn serve(stream: TcpStream, state: &Mutex<State>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let mut parts = line.split_whitespace();
    let (method, path) = (
        parts.next().unwrap_or("").to_string(),
        parts.next().unwrap_or("").to_string(),
    );
    let mut length = 0;
    let mut bearer = None;
    let mut profile = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
            break;
        }
        let (name, value) = header.split_once(':').unwrap_or(("", ""));
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().unwrap_or(0),
            "authorization" => bearer = Some(value.trim().to_string()),
            "accept-profile" | "content-profile" => profile = Some(value.trim().to_string()),
            _ => {}
        }
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let call = format!("{method} {path}");
    let mut s = state.lock().unwrap();
    s.calls.push(call.clone());
    let mut stream = stream;
    if let Some((at, fault, times)) = s.fault.clone() {
        if at == call && times > 0 {
            s.fault = Some((at, fault.clone(), times - 1));
            drop(s);
            match fault {
                Fault::Status(code) => respond(
                    &mut stream,
                    code,
                    &json!({"error": "FAULT", "message": format!("injected {code}")}),
                ),
                Fault::Hang(ms) => std::thread::sleep(std::time::Duration::from_millis(ms)),
                Fault::Close => {
                    let _ = stream.write_all(
                        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"val",
                    );
                }
            }
            return;
        }
    }
    if let Some(rest) = path.strip_prefix("/api/database/records/") {
        let db = s.db.clone();
        drop(s);
        let (status, answer) = match db {
            Some(db) => records(
                &*db,
                &method,
                rest,
                profile.as_deref(),
                bearer.as_deref(),
                &body,
            ),
            None => (
                501,
                json!({"error": "NO_DATABASE", "message": "no database"}),
            ),
        };
        return respond(&mut stream, status, &answer);
    }
    if bearer.as_deref() != Some(&format!("Bearer {KEY}")) {
        drop(s);
        return respond(
            &mut stream,
            401,
            &json!({"error": "AUTH_INVALID_API_KEY", "message": "Invalid API key"}),
        );
    }
    let (status, answer) = match (method.as_str(), path.as_str()) {
        ("GET", "/api/secrets/JWT_SECRET") => {
            (200, json!({"key": "JWT_SECRET", "value": JWT_SECRET}))
        }
        ("POST", "/api/auth/tokens/anon") => (200, json!({"accessToken": ANON_KEY})),
        ("GET", "/api/database/migrations") => (
            200,
            json!({"migrations": s.applied.iter().rev().map(|(v, n, sql)| json!({
                "version": v, "name": n, "createdAt": "2026-12-01T00:00:00Z", "statements": [sql]
            })).collect::<Vec<_>>()}),
        ),
        ("POST", "/api/database/migrations/dry-run") if s.no_dry_run => (
            404,
            json!({"error": "NOT_FOUND", "message": "Cannot POST /api/database/migrations/dry-run"}),
        ),
        ("POST", "/api/database/migrations/dry-run") => {
            let sql = body["sql"].as_str().unwrap_or("");
            let rejected = s
                .rejects
                .clone()
                .or_else(|| s.db.as_ref().and_then(|db| db.dry_run(sql).err()));
            match rejected {
                Some(error) => (
                    200,
                    json!({"valid": false, "statementCount": 0, "statements": [], "riskLevel": "DANGER", "riskFactors": [], "error": error}),
                ),
                None => (
                    200,
                    json!({"valid": true, "statementCount": 1, "statements": [], "riskLevel": "SAFE", "riskFactors": [], "error": null}),
                ),
            }
        }
        ("POST", "/api/database/advance/rawsql") => match &s.db {
            Some(db) => match db.query(body["query"].as_str().unwrap_or("")) {
                Ok(rows) => (200, json!({ "rows": rows })),
                Err(e) => (400, json!({"error": "DATABASE_ERROR", "message": e})),
            },
            None => (
                501,
                json!({"error": "NO_DATABASE", "message": "no database"}),
            ),
        },
        ("POST", "/api/database/migrations") => {
            let version = body["version"].as_str().unwrap_or("").to_string();
            let name = body["name"].as_str().unwrap_or("").to_string();
            let sql = body["sql"].as_str().unwrap_or("").to_string();
            let newest = s
                .applied
                .iter()
                .map(|(v, _, _)| v.parse::<u128>().unwrap_or(0))
                .max();
            let numeric = version.parse::<u128>().ok();
            if numeric.is_none() || sql.trim().is_empty() {
                (
                    400,
                    json!({"error": "INVALID_INPUT", "message": "version, name and sql are required"}),
                )
            } else if newest.is_some_and(|n| numeric.unwrap() <= n) {
                (
                    409,
                    json!({"error": "MIGRATION_VERSION_CONFLICT", "message": format!("Migration version {version} is not newer than the latest applied migration")}),
                )
            } else if let Some(Err(e)) = s.db.as_ref().map(|db| db.apply(&sql)) {
                (400, json!({"error": "MIGRATION_FAILED", "message": e}))
            } else {
                s.applied.push((version.clone(), name.clone(), sql));
                (
                    201,
                    json!({"version": version, "name": name, "createdAt": "2026-12-01T00:00:00Z"}),
                )
            }
        }
        _ => (
            404,
            json!({"error": "NOT_FOUND", "message": format!("no route {call}")}),
        ),
    };
    drop(s);
    respond(&mut stream, status, &answer);
}

/// The data path: the token checked as the backend checks a third-party token, then the
/// query as PostgREST runs it for that role and those claims.
fn records(
    db: &dyn Database,
    method: &str,
    rest: &str,
    profile: Option<&str>,
    bearer: Option<&str>,
    body: &Value,
) -> (u16, Value) {
    let token = bearer.and_then(|b| b.strip_prefix("Bearer ")).unwrap_or("");
    let (role, claims) = if token == ANON_KEY {
        ("anon", json!({"role": "anon"}))
    } else {
        match check_token(token, JWT_SECRET) {
            Ok(sub) => {
                let now = now();
                (
                    "authenticated",
                    json!({"sub": sub, "role": "authenticated", "iat": now, "exp": now + 300}),
                )
            }
            Err((status, message)) => {
                return (
                    status,
                    json!({"error": "INVALID_TOKEN", "message": message}),
                )
            }
        }
    };
    let (table, query) = rest.split_once('?').unwrap_or((rest, ""));
    let schema = profile.unwrap_or("public");
    let target = format!("{}.{}", quote(schema), quote(&decode(table)));
    let mut filters = Vec::new();
    let mut limit = None;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (key, value) = (decode(key), decode(value));
        match key.as_str() {
            "select" | "order" => {}
            "limit" => limit = value.parse::<u32>().ok(),
            column => match value.strip_prefix("eq.") {
                Some(v) => filters.push(format!("{} = {}", quote(column), literal(v))),
                None => {
                    return (
                        400,
                        json!({"code": "PGRST100", "message": format!("unsupported filter {pair}")}),
                    )
                }
            },
        }
    }
    let filter = if filters.is_empty() {
        String::new()
    } else {
        format!(" where {}", filters.join(" and "))
    };
    let sql = match method {
        "GET" => format!(
            "select coalesce(json_agg(t), '[]'::json) from (select * from {target}{filter}{}) t",
            limit.map(|l| format!(" limit {l}")).unwrap_or_default()
        ),
        "POST" => {
            let Some(row) = body.as_array().and_then(|rows| rows.first()).and_then(Value::as_object)
            else {
                return (400, json!({"code": "PGRST102", "message": "the body must be an array of objects"}));
            };
            let insert = if row.is_empty() {
                format!("insert into {target} default values returning *")
            } else {
                let columns: Vec<String> = row.keys().map(|k| quote(k)).collect();
                let values: Vec<String> = row
                    .values()
                    .map(|v| match v {
                        Value::String(s) => literal(s),
                        Value::Null => "null".into(),
                        Value::Bool(_) | Value::Number(_) => v.to_string(),
                        other => literal(&other.to_string()),
                    })
                    .collect();
                format!(
                    "insert into {target} ({}) values ({}) returning *",
                    columns.join(", "),
                    values.join(", ")
                )
            };
            format!("with ins as ({insert}) select coalesce(json_agg(ins), '[]'::json) from ins")
        }
        "DELETE" => format!(
            "with d as (delete from {target}{filter} returning *) select coalesce(json_agg(d), '[]'::json) from d"
        ),
        _ => return (405, json!({"message": "method not allowed"})),
    };
    match db.request(role, &claims.to_string(), &sql) {
        Ok(rows) => (if method == "POST" { 201 } else { 200 }, rows),
        // PostgREST: a row-level security refusal is 403 (42501), other errors 400.
        Err(e) if e.contains("row-level security") => {
            (403, json!({"code": "42501", "message": e.trim()}))
        }
        Err(e) => (400, json!({"message": e.trim()})),
    }
}

/// The token's `sub`, or the status and message the backend answers.
fn check_token(token: &str, secret: &str) -> Result<String, (u16, String)> {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use hmac::Mac;
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() != 3 {
        return Err((401, "Invalid token".into()));
    }
    let header: Value = URL_SAFE_NO_PAD
        .decode(parts[0])
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(Value::Null);
    if header["alg"] != "HS256" {
        return Err((401, "invalid algorithm".into()));
    }
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{}.{}", parts[0], parts[1]).as_bytes());
    let signature = URL_SAFE_NO_PAD.decode(parts[2]).unwrap_or_default();
    if mac.verify_slice(&signature).is_err() {
        return Err((401, "invalid signature".into()));
    }
    let claims: Value = URL_SAFE_NO_PAD
        .decode(parts[1])
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(Value::Null);
    if claims["exp"].as_u64().is_some_and(|exp| exp < now()) {
        return Err((401, "jwt expired".into()));
    }
    match claims["role"].as_str() {
        None | Some("authenticated") => {}
        Some(_) => return Err((403, "role not allowed".into())),
    }
    match claims["sub"].as_str() {
        Some(sub) if !sub.is_empty() => Ok(sub.to_string()),
        _ => Err((401, "the token has no sub".into())),
    }
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Percent-decoding of a query string part (`+` is a space).
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn respond(stream: &mut TcpStream, status: u16, body: &Value) {
    let text = body.to_string();
    let _ = write!(
        stream,
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
        text.len()
    );
}
