//! Clerk's Backend API, for the one thing the integration needs there: the JWT template the
//! generated hook asks for (`getToken({ template: 'insforge' })`), HS256 with the InsForge
//! project's JWT secret as its custom signing key. Found by name, created when missing,
//! updated only when asked; the secret key (`CLERK_SECRET_KEY`) is the Bearer and is never
//! printed, and the signing key goes to Clerk only. `CLERK_API_URL` points elsewhere, as
//! Clerk's SDKs honour it (the tests' stand-in).

use anyhow::Result;
use serde_json::{json, Value};

use crate::detect::link::Secret;
use crate::remote::insforge::Client;

/// Clerk's Backend API, when `CLERK_API_URL` does not say otherwise.
pub const API_URL: &str = "https://api.clerk.com";
pub const API_URL_VAR: &str = "CLERK_API_URL";
pub const KEY_VAR: &str = "CLERK_SECRET_KEY";

/// The app's Clerk credentials: `CLERK_SECRET_KEY` (and `CLERK_API_URL`) from the
/// environment, else from the env files Next.js loads (never an example file).
pub fn credentials(project: &crate::detect::Project) -> Option<(Option<String>, Secret)> {
    let from = |var: &str| {
        std::env::var(var)
            .ok()
            .filter(|v| !v.trim().is_empty())
            .or_else(|| {
                project
                    .env
                    .get(var)
                    .filter(|(file, v)| !v.is_empty() && !crate::detect::is_example_env(file))
                    .map(|(_, v)| v.clone())
            })
    };
    let key = from(KEY_VAR)?;
    Some((from(API_URL_VAR), Secret::new(key)))
}

/// What the provider's `[jwt_template]` asks for.
pub fn wanted(t: &crate::provider::JwtTemplate) -> Option<Wanted> {
    Some(Wanted {
        name: t.name.clone(),
        claims: serde_json::from_str(&t.claims).ok()?,
        lifetime: t.lifetime,
    })
}

/// What the generated hook expects of the template (`provider.toml`'s `[jwt_template]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted {
    pub name: String,
    pub claims: Value,
    pub lifetime: i64,
}

/// A template as Clerk answers it (the signing key never comes back).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub id: String,
    pub name: String,
    pub claims: Value,
    pub lifetime: i64,
    pub custom_signing_key: bool,
    pub signing_algorithm: String,
}

pub struct Clerk {
    http: Client,
}

impl Clerk {
    /// `api_url`: `CLERK_API_URL` when set.
    pub fn new(api_url: Option<&str>, key: Secret) -> Result<Self> {
        let base = format!(
            "{}/v1",
            api_url
                .filter(|u| !u.trim().is_empty())
                .unwrap_or(API_URL)
                .trim_end_matches('/')
        );
        let http = Client::to(
            &base,
            key,
            API_URL_VAR,
            " (CLERK_SECRET_KEY is not accepted: copy the Secret key from Clerk's dashboard > Configure > API keys)",
        )?;
        Ok(Self { http })
    }

    pub fn host(&self) -> &str {
        self.http.host()
    }

    /// The template named `name`, if there is one (`GET /jwt_templates`).
    pub fn find(&self, name: &str) -> Result<Option<Template>> {
        let step = "listing Clerk's JWT templates";
        let list = self.http.json(step, "GET", "/jwt_templates", None)?;
        // A plain array; a paginated answer wraps it in `data`.
        let items = match &list {
            Value::Array(items) => items.clone(),
            other => other["data"].as_array().cloned().unwrap_or_default(),
        };
        Ok(items.iter().filter_map(template).find(|t| t.name == name))
    }

    /// Create the template (`POST /jwt_templates`).
    pub fn create(&self, wanted: &Wanted, signing_key: &str) -> Result<()> {
        let body = body(wanted, signing_key);
        self.http.json(
            "creating Clerk's JWT template",
            "POST",
            "/jwt_templates",
            Some(body),
        )?;
        Ok(())
    }

    /// Update the template (`PATCH /jwt_templates/{id}`).
    pub fn update(&self, id: &str, wanted: &Wanted, signing_key: &str) -> Result<()> {
        let body = body(wanted, signing_key);
        let path = format!("/jwt_templates/{}", crate::remote::insforge::encode(id));
        self.http
            .json("updating Clerk's JWT template", "PATCH", &path, Some(body))?;
        Ok(())
    }
}

/// The request body: the claims and lifetime the hook expects, HS256 with the InsForge JWT
/// secret as the custom signing key.
fn body(wanted: &Wanted, signing_key: &str) -> Value {
    json!({
        "name": wanted.name,
        "claims": wanted.claims,
        "lifetime": wanted.lifetime,
        "allowed_clock_skew": 5,
        "custom_signing_key": true,
        "signing_algorithm": "HS256",
        "signing_key": signing_key,
    })
}

fn template(v: &Value) -> Option<Template> {
    Some(Template {
        id: v["id"].as_str()?.to_string(),
        name: v["name"].as_str()?.to_string(),
        claims: v["claims"].clone(),
        lifetime: v["lifetime"].as_i64().unwrap_or(0),
        custom_signing_key: v["custom_signing_key"].as_bool().unwrap_or(false),
        signing_algorithm: v["signing_algorithm"].as_str().unwrap_or("").to_string(),
    })
}

/// How `existing` differs from what the hook needs, one line per field (the signing key
/// cannot be compared: Clerk never sends it back).
pub fn differences(existing: &Template, wanted: &Wanted) -> Vec<String> {
    let mut out = Vec::new();
    if existing.claims != wanted.claims {
        out.push(format!("claims {} → {}", existing.claims, wanted.claims));
    }
    if existing.lifetime != wanted.lifetime {
        out.push(format!(
            "lifetime {} s → {} s",
            existing.lifetime, wanted.lifetime
        ));
    }
    if !existing.custom_signing_key {
        out.push("custom signing key off → on".into());
    }
    if existing.signing_algorithm != "HS256" {
        out.push(format!(
            "algorithm {} → HS256",
            if existing.signing_algorithm.is_empty() {
                "Clerk's own"
            } else {
                existing.signing_algorithm.as_str()
            }
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_name_each_field_and_never_the_key() {
        let wanted = Wanted {
            name: "insforge".into(),
            claims: json!({"role": "authenticated", "aud": "insforge-api"}),
            lifetime: 60,
        };
        let same = Template {
            id: "jtmp_1".into(),
            name: "insforge".into(),
            claims: wanted.claims.clone(),
            lifetime: 60,
            custom_signing_key: true,
            signing_algorithm: "HS256".into(),
        };
        assert!(differences(&same, &wanted).is_empty());
        let other = Template {
            claims: json!({"role": "admin"}),
            lifetime: 3600,
            custom_signing_key: false,
            signing_algorithm: "RS256".into(),
            ..same
        };
        let d = differences(&other, &wanted);
        assert_eq!(d.len(), 4, "{d:?}");
        assert!(
            d[1] == "lifetime 3600 s → 60 s" && d[3] == "algorithm RS256 → HS256",
            "{d:?}"
        );
        let b = body(&wanted, "s3cret");
        assert_eq!(b["signing_key"], "s3cret");
        assert_eq!(b["custom_signing_key"], true);
    }
}
