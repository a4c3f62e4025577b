//! A stand-in for Clerk's Backend API on loopback, for its JWT template routes only,
//! restated from Clerk's official OpenAPI document (`bapi/2026-05-12.yml` in
//! clerk/openapi-specs): `GET|POST /v1/jwt_templates`, `GET|PATCH|DELETE
//! /v1/jwt_templates/{template_id}`, `Authorization: Bearer <secret key>` (else 401 with
//! `{errors: [...]}`), the request body's rules (`name` and `claims` required, `lifetime`
//! 30–315360000, `allowed_clock_skew` 0–300, `signing_algorithm` and `signing_key` required
//! with `custom_signing_key`; else 422), and templates answered without their signing key. It
//! records every call and body; a fault can be set for one route. The tool reaches it through
//! `CLERK_API_URL`, as Clerk's SDKs do.

// Shared by the CLI and SQL suites, each of which uses a part.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

pub const SECRET_KEY: &str = "sk_test_standin5f3a9c1e7b2d4f6a8c0e1b3d5f7a9c2e";

#[derive(Default)]
pub struct State {
    /// `METHOD /path` of every call, in order.
    pub calls: Vec<String>,
    /// The JSON bodies sent, in order.
    pub bodies: Vec<Value>,
    /// Templates, with their signing key (which answers leave out).
    pub templates: Vec<Value>,
    /// A status for calls whose `METHOD /path` starts with this, while `times` lasts.
    pub fault: Option<(String, u16, usize)>,
    next_id: u32,
}

pub struct ClerkStandIn {
    pub url: String,
    pub state: Arc<Mutex<State>>,
}

impl ClerkStandIn {
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

    /// A template that is there before the run (as a person made it in the dashboard).
    pub fn has(&self, template: Value) {
        let mut s = self.state.lock().unwrap();
        s.next_id += 1;
        let mut t = template;
        t["id"] = json!(format!("jtmp_{}", s.next_id));
        s.templates.push(t);
    }

    /// The templates as the list route answers them.
    pub fn answers(&self) -> Vec<Value> {
        self.state
            .lock()
            .unwrap()
            .templates
            .iter()
            .map(public)
            .collect()
    }

    pub fn writes(&self) -> Vec<String> {
        self.state
            .lock()
            .unwrap()
            .calls
            .iter()
            .filter(|c| !c.starts_with("GET"))
            .cloned()
            .collect()
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
    let call = format!("{method} {}", path.split('?').next().unwrap_or(""));
    let mut stream = stream;
    let mut s = state.lock().unwrap();
    s.calls.push(call.clone());
    if !body.is_null() {
        s.bodies.push(body.clone());
    }
    if let Some((at, status, times)) = s.fault.clone() {
        if call.starts_with(&at) && times > 0 {
            s.fault = Some((at, status, times - 1));
            drop(s);
            return respond(
                &mut stream,
                status,
                &error("fault", &format!("injected {status}")),
            );
        }
    }
    if bearer.as_deref() != Some(&format!("Bearer {SECRET_KEY}")) {
        drop(s);
        return respond(
            &mut stream,
            401,
            &error(
                "authentication_invalid",
                "The provided Clerk Secret Key is invalid.",
            ),
        );
    }
    let id = call
        .strip_prefix(&format!("{method} /v1/jwt_templates/"))
        .map(String::from);
    let (status, answer) = match (method.as_str(), call.as_str(), id) {
        ("GET", "GET /v1/jwt_templates", _) => {
            (200, Value::Array(s.templates.iter().map(public).collect()))
        }
        ("POST", "POST /v1/jwt_templates", _) => match invalid(&body) {
            Some(why) => (422, error("form_param_invalid", &why)),
            None if s.templates.iter().any(|t| t["name"] == body["name"]) => (
                422,
                error("form_identifier_exists", "a template with this name exists"),
            ),
            None => {
                s.next_id += 1;
                let mut t = body.clone();
                t["id"] = json!(format!("jtmp_{}", s.next_id));
                s.templates.push(t.clone());
                (200, public(&t))
            }
        },
        ("GET", _, Some(id)) => match s.templates.iter().find(|t| t["id"] == id) {
            Some(t) => (200, public(t)),
            None => (404, error("resource_not_found", "not found")),
        },
        ("PATCH", _, Some(id)) => match invalid(&body) {
            Some(why) => (422, error("form_param_invalid", &why)),
            None => match s.templates.iter_mut().find(|t| t["id"] == id) {
                Some(t) => {
                    let mut new = body.clone();
                    new["id"] = json!(id);
                    *t = new;
                    (200, public(t))
                }
                None => (404, error("resource_not_found", "not found")),
            },
        },
        ("DELETE", _, Some(id)) => {
            let before = s.templates.len();
            s.templates.retain(|t| t["id"] != id);
            if s.templates.len() < before {
                (
                    200,
                    json!({"object": "jwt_template", "id": id, "deleted": true}),
                )
            } else {
                (404, error("resource_not_found", "not found"))
            }
        }
        _ => (
            404,
            error("resource_not_found", &format!("no route {call}")),
        ),
    };
    drop(s);
    respond(&mut stream, status, &answer);
}

/// The request body's rules, as the OpenAPI document states them.
fn invalid(body: &Value) -> Option<String> {
    if body["name"].as_str().is_none_or(str::is_empty) {
        return Some("name is required".into());
    }
    if !body["claims"].is_object() {
        return Some("claims must be an object".into());
    }
    let within = |key: &str, low: i64, high: i64| match &body[key] {
        Value::Null => true,
        v => v.as_i64().is_some_and(|n| (low..=high).contains(&n)),
    };
    if !within("lifetime", 30, 315_360_000) {
        return Some("lifetime must be between 30 and 315360000".into());
    }
    if !within("allowed_clock_skew", 0, 300) {
        return Some("allowed_clock_skew must be between 0 and 300".into());
    }
    if body["custom_signing_key"] == true
        && !(body["signing_algorithm"].is_string() && body["signing_key"].is_string())
    {
        return Some(
            "signing_algorithm and signing_key are required with custom_signing_key".into(),
        );
    }
    None
}

/// A template as Clerk answers it: every field, never the signing key.
fn public(t: &Value) -> Value {
    json!({
        "object": "jwt_template",
        "id": t["id"],
        "name": t["name"],
        "claims": t["claims"],
        "lifetime": t["lifetime"].as_i64().unwrap_or(60),
        "allowed_clock_skew": t["allowed_clock_skew"].as_i64().unwrap_or(5),
        "custom_signing_key": t["custom_signing_key"].as_bool().unwrap_or(false),
        "signing_algorithm": t["signing_algorithm"].as_str().unwrap_or("RS256"),
        "created_at": 1_795_000_000_000_i64,
        "updated_at": 1_795_000_000_000_i64,
    })
}

fn error(code: &str, message: &str) -> Value {
    json!({"errors": [{"message": message, "long_message": message, "code": code}], "clerk_trace_id": "trace"})
}

fn respond(stream: &mut TcpStream, status: u16, body: &Value) {
    let text = body.to_string();
    let _ = write!(
        stream,
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
        text.len()
    );
}
