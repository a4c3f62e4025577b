//! InsForge's admin API, as the InsForge CLI calls it: every call goes to the linked project's
//! host with `Authorization: Bearer <api_key>` and JSON bodies. HTTPS only (plain HTTP only to
//! loopback), a timeout on every call, one retry for reads and none for writes. Errors name
//! the step, the method, the URL and the status, never the key.

use std::time::Duration;

use anyhow::Result;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::detect::link::{Link, Secret};
use crate::error::Error;

/// Every call's limit, connection included (`INSFORGE_INTEGRATE_HTTP_TIMEOUT` seconds, for a
/// slow network).
const TIMEOUT: Duration = Duration::from_secs(30);
const TIMEOUT_VAR: &str = "INSFORGE_INTEGRATE_HTTP_TIMEOUT";

fn timeout() -> Duration {
    std::env::var(TIMEOUT_VAR)
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| *s > 0.0 && *s < 3600.0)
        .map_or(TIMEOUT, Duration::from_secs_f64)
}

pub struct Client {
    agent: ureq::Agent,
    timeout: Duration,
    host: String,
    key: Secret,
    /// What a 401 or 403 means for this key.
    rejected: &'static str,
}

/// A migration the backend has applied.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Applied {
    pub version: String,
    pub name: String,
}

/// What the backend's dry run says of a migration (`BEGIN … ROLLBACK`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DryRun {
    pub valid: bool,
    pub risk_level: Option<String>,
    pub error: Option<String>,
}

/// A call's answer: the status and the body as JSON (null when it is not JSON).
struct Answer {
    status: u16,
    body: Value,
}

impl Client {
    /// A client for the linked project; an `http://` host is refused unless it is loopback.
    pub fn new(link: &Link) -> Result<Self> {
        Self::to(
            &link.host,
            link.api_key.clone(),
            crate::detect::link::FILE,
            " (the link's api_key is not accepted: run `npx @insforge/cli link` again)",
        )
    }

    /// A client for `host` with `key` as its Bearer; `origin` names where the host came from
    /// (for the error when it is not HTTPS); `rejected` is the hint a 401 or 403 gets.
    pub fn to(host: &str, key: Secret, origin: &str, rejected: &'static str) -> Result<Self> {
        let host = host.trim_end_matches('/').to_string();
        let loopback = ["http://127.0.0.1", "http://localhost", "http://[::1]"]
            .iter()
            .any(|p| host.starts_with(p));
        if !host.starts_with("https://") && !loopback {
            return Err(Error::InvalidFile {
                path: origin.into(),
                message: format!(
                    "{host} is not https: insforge-integrate sends keys over HTTPS only (plain HTTP only to this machine)"
                ),
            }
            .into());
        }
        let timeout = timeout();
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .into();
        Ok(Self {
            agent,
            timeout,
            host,
            key,
            rejected,
        })
    }

    /// A JSON call with the client's key: the status and the body, a 2xx required (else the
    /// error, naming the step, the URL and the status).
    pub fn json(&self, step: &str, method: &str, path: &str, body: Option<Value>) -> Result<Value> {
        let answer = self.call(step, method, path, body)?;
        self.ok(step, method, path, &answer)?;
        Ok(answer.body)
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    /// A secret of the project (`GET /api/secrets/:key`), e.g. `JWT_SECRET`.
    pub fn secret(&self, step: &str, name: &str) -> Result<String> {
        let path = format!("/api/secrets/{name}");
        let answer = self.call(step, "GET", &path, None)?;
        self.ok(step, "GET", &path, &answer)?;
        text_field(&answer.body, "value")
            .ok_or_else(|| self.malformed(step, "GET", &path, "no value"))
    }

    /// The anon key (`POST /api/auth/tokens/anon`).
    pub fn anon_key(&self, step: &str) -> Result<String> {
        let path = "/api/auth/tokens/anon";
        let answer = self.call(step, "POST", path, Some(json!({})))?;
        self.ok(step, "POST", path, &answer)?;
        text_field(&answer.body, "accessToken")
            .ok_or_else(|| self.malformed(step, "POST", path, "no accessToken"))
    }

    /// The migrations applied (`GET /api/database/migrations`).
    pub fn migrations(&self, step: &str) -> Result<Vec<Applied>> {
        let path = "/api/database/migrations";
        let answer = self.call(step, "GET", path, None)?;
        self.ok(step, "GET", path, &answer)?;
        let list = answer
            .body
            .get("migrations")
            .cloned()
            .ok_or_else(|| self.malformed(step, "GET", path, "no migrations"))?;
        let mut applied: Vec<Applied> = Vec::new();
        for m in list.as_array().into_iter().flatten() {
            let version = match m.get("version") {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                _ => return Err(self.malformed(step, "GET", path, "a migration without version")),
            };
            let name = text_field(m, "name").unwrap_or_default();
            applied.push(Applied { version, name });
        }
        Ok(applied)
    }

    /// The backend's dry run of `sql` (`POST /api/database/migrations/dry-run`, backend 2.3.0
    /// and later); None when the backend has none (404).
    pub fn dry_run(&self, step: &str, sql: &str) -> Result<Option<DryRun>> {
        let path = "/api/database/migrations/dry-run";
        let answer = self.call(step, "POST", path, Some(json!({ "sql": sql })))?;
        if answer.status == 404 {
            return Ok(None);
        }
        self.ok(step, "POST", path, &answer)?;
        let valid = answer
            .body
            .get("valid")
            .and_then(Value::as_bool)
            .ok_or_else(|| self.malformed(step, "POST", path, "no valid"))?;
        Ok(Some(DryRun {
            valid,
            risk_level: text_field(&answer.body, "riskLevel"),
            error: text_field(&answer.body, "error"),
        }))
    }

    /// Apply one migration (`POST /api/database/migrations`), as `db migrations up` sends it.
    pub fn apply(&self, step: &str, version: &str, name: &str, sql: &str) -> Result<()> {
        let path = "/api/database/migrations";
        let body = json!({ "version": version, "name": name, "sql": sql });
        let answer = self.call(step, "POST", path, Some(body))?;
        self.ok(step, "POST", path, &answer)?;
        let returned = match answer.body.get("version") {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        if returned.as_deref() != Some(version) {
            return Err(self.malformed(step, "POST", path, "another version than the one sent"));
        }
        Ok(())
    }

    /// Rows of a read-only query (`POST /api/database/advance/rawsql`, the admin SQL the
    /// CLI's `db query` sends).
    pub fn query(&self, step: &str, sql: &str) -> Result<Vec<Value>> {
        let path = "/api/database/advance/rawsql";
        let answer = self.call(step, "POST", path, Some(json!({ "query": sql })))?;
        self.ok(step, "POST", path, &answer)?;
        match answer.body.get("rows") {
            Some(Value::Array(rows)) => Ok(rows.clone()),
            _ => Err(self.malformed(step, "POST", path, "no rows")),
        }
    }

    /// A data API call as a user (`bearer`: a user's token, or the anon key):
    /// `/api/database/records/<table>` with PostgREST's query string, the answer's status and
    /// body as they are (a 401 is a finding, not an error). A table outside `public` is
    /// named by PostgREST's profile headers.
    pub fn records(
        &self,
        step: &str,
        method: &str,
        bearer: &str,
        (schema, table): (&str, &str),
        query: &str,
        body: Option<Value>,
    ) -> Result<(u16, Value)> {
        let path = format!("/api/database/records/{}?{query}", encode(table));
        let bearer = format!("Bearer {bearer}");
        let mut headers = vec![("Prefer", "return=representation")];
        if schema != "public" {
            headers.push(("Accept-Profile", schema));
            headers.push(("Content-Profile", schema));
        }
        let answer = self.send(step, method, &path, &bearer, &headers, body)?;
        Ok((answer.status, answer.body))
    }

    /// An answer's message (`message`, else `error`), for a finding.
    pub fn said(body: &Value) -> String {
        // Clerk answers `{errors: [{message, long_message, code}]}`.
        let first = body.get("errors").and_then(|e| e.get(0));
        ["message", "error"]
            .iter()
            .filter_map(|k| text_field(body, k))
            .chain(
                first.and_then(|e| {
                    text_field(e, "long_message").or_else(|| text_field(e, "message"))
                }),
            )
            .next()
            .map(|s| short(&s))
            .unwrap_or_else(|| "no message".into())
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.host)
    }

    /// One call with the admin key; a read is tried twice when the connection fails or the
    /// server is down.
    fn call(&self, step: &str, method: &str, path: &str, body: Option<Value>) -> Result<Answer> {
        let bearer = format!("Bearer {}", self.key.expose());
        self.send(step, method, path, &bearer, &[], body)
    }

    fn send(
        &self,
        step: &str,
        method: &str,
        path: &str,
        bearer: &str,
        headers: &[(&str, &str)],
        body: Option<Value>,
    ) -> Result<Answer> {
        let url = self.url(path);
        let tries = if method == "GET" { 2 } else { 1 };
        let mut last = None;
        for n in 0..tries {
            if n > 0 {
                std::thread::sleep(Duration::from_millis(300));
            }
            let sent = match (method, &body) {
                ("GET", _) => {
                    let mut request = self
                        .agent
                        .get(&url)
                        .header("Authorization", bearer)
                        .header("Accept", "application/json");
                    for (name, value) in headers {
                        request = request.header(*name, *value);
                    }
                    request.call()
                }
                ("DELETE", _) => {
                    let mut request = self
                        .agent
                        .delete(&url)
                        .header("Authorization", bearer)
                        .header("Accept", "application/json");
                    for (name, value) in headers {
                        request = request.header(*name, *value);
                    }
                    request.call()
                }
                ("PATCH", b) => {
                    let mut request = self
                        .agent
                        .patch(&url)
                        .header("Authorization", bearer)
                        .header("Accept", "application/json");
                    for (name, value) in headers {
                        request = request.header(*name, *value);
                    }
                    request
                        .content_type("application/json")
                        .send(b.clone().unwrap_or(Value::Null).to_string())
                }
                (_, b) => {
                    let mut request = self
                        .agent
                        .post(&url)
                        .header("Authorization", bearer)
                        .header("Accept", "application/json");
                    for (name, value) in headers {
                        request = request.header(*name, *value);
                    }
                    request
                        .content_type("application/json")
                        .send(b.clone().unwrap_or(Value::Null).to_string())
                }
            };
            match sent {
                Ok(mut response) => {
                    let status = response.status().as_u16();
                    let text = response.body_mut().read_to_string();
                    match text {
                        Ok(text) if matches!(status, 502..=504) && n + 1 < tries => {
                            last = Some(format!("the server answered {status}: {}", short(&text)));
                        }
                        Ok(text) => {
                            let body = serde_json::from_str(&text).unwrap_or(Value::Null);
                            return Ok(Answer { status, body });
                        }
                        Err(e) => last = Some(format!("the answer broke off ({})", self.clean(&e))),
                    }
                }
                Err(e) => last = Some(self.clean(&e)),
            }
        }
        Err(Error::Remote {
            step: step.into(),
            method: method.into(),
            url,
            status: None,
            message: last.unwrap_or_default(),
        }
        .into())
    }

    /// A 2xx answer, or the error it is (with the server's message and hint).
    fn ok(&self, step: &str, method: &str, path: &str, answer: &Answer) -> Result<()> {
        if (200..300).contains(&answer.status) {
            return Ok(());
        }
        let said = Self::said(&answer.body);
        let hint = match answer.status {
            401 | 403 => self.rejected,
            429 => " (rate limited: wait a few minutes)",
            _ => "",
        };
        let next = text_field(&answer.body, "nextActions")
            .map(|n| format!("; {n}"))
            .unwrap_or_default();
        Err(Error::Remote {
            step: step.into(),
            method: method.into(),
            url: self.url(path),
            status: Some(answer.status),
            message: self.redact(&format!("{}{next}{hint}", short(&said))),
        }
        .into())
    }

    fn malformed(&self, step: &str, method: &str, path: &str, what: &str) -> anyhow::Error {
        Error::Remote {
            step: step.into(),
            method: method.into(),
            url: self.url(path),
            status: None,
            message: format!("the answer is not what the InsForge backend sends ({what})"),
        }
        .into()
    }

    /// A transport error as text, the key taken out wherever it might appear.
    fn clean(&self, e: &ureq::Error) -> String {
        let text = match e {
            ureq::Error::Timeout(_) => format!(
                "no answer within {} s (a slow network: set {TIMEOUT_VAR} to more seconds)",
                self.timeout.as_secs_f64()
            ),
            other => other.to_string(),
        };
        self.redact(&text)
    }

    fn redact(&self, text: &str) -> String {
        let key = self.key.expose();
        if key.len() >= 4 {
            text.replace(key, "***")
        } else {
            text.to_string()
        }
    }
}

fn text_field(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Array(items) => Some(
            items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("; "),
        )
        .filter(|s| !s.is_empty()),
        _ => None,
    }
}

/// A path segment or query value, percent-encoded (unreserved characters kept).
pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// At most 300 characters of a server's message.
fn short(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(300) {
        Some((i, _)) => format!("{}…", &one_line[..i]),
        None => one_line,
    }
}
