//! A stand-in for InsForge's admin API, on loopback: the routes `init --setup` calls, restated
//! from the InsForge CLI and backend source (InsForge itself cannot run here). Every call needs
//! `Authorization: Bearer <api_key>` (else 401 with `{error, message}`); migrations keep the
//! backend's ordering rule (a version applied, or not newer than the newest, is a 409); the
//! dry run answers `{valid, statementCount, riskLevel, …}`; a fault can be set for one route
//! (a status, or a connection closed mid-answer). It records every call, the key never.

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
}

pub struct StandIn {
    pub url: String,
    pub state: Arc<Mutex<State>>,
}

impl StandIn {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State::default()));
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
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
            break;
        }
        let (name, value) = header.split_once(':').unwrap_or(("", ""));
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().unwrap_or(0),
            "authorization" => bearer = Some(value.trim().to_string()),
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
        ("POST", "/api/database/migrations/dry-run") => match &s.rejects {
            Some(error) => (
                200,
                json!({"valid": false, "statementCount": 0, "statements": [], "riskLevel": "DANGER", "riskFactors": [], "error": error}),
            ),
            None => (
                200,
                json!({"valid": true, "statementCount": 1, "statements": [], "riskLevel": "SAFE", "riskFactors": [], "error": null}),
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

fn respond(stream: &mut TcpStream, status: u16, body: &Value) {
    let text = body.to_string();
    let _ = write!(
        stream,
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
        text.len()
    );
}
