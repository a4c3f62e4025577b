//! The token `verify` hands the data API: an HS256 JWT signed with the project's JWT secret,
//! with the claims the generated code signs (`sub` = the user id, `role: authenticated`,
//! `aud: insforge-api`, `iat`, `exp`), so the backend checks it exactly as it checks the app's.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;

/// A token for `sub`, valid `lifetime` seconds from `now` (Unix seconds).
pub fn mint(secret: &str, sub: &str, now: u64, lifetime: u64) -> String {
    let header = json!({ "alg": "HS256", "typ": "JWT" }).to_string();
    let claims = json!({
        "sub": sub,
        "role": "authenticated",
        "aud": "insforge-api",
        "iat": now,
        "exp": now + lifetime,
    })
    .to_string();
    sign(header.as_bytes(), claims.as_bytes(), secret.as_bytes())
}

/// `base64url(header).base64url(payload).base64url(HMAC-SHA256)` (RFC 7515's compact form).
pub fn sign(header: &[u8], payload: &[u8], key: &[u8]) -> String {
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(input.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{input}.{signature}")
}

/// A random user id for a test user: `verify-` and 16 hex digits.
pub fn test_user() -> anyhow::Result<String> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes)
        .map_err(|e| anyhow::anyhow!("the system's random source failed: {e}"))?;
    Ok(format!(
        "verify-{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7515, appendix A.1: the HS256 example, byte for byte.
    #[test]
    fn the_rfc_example_signs_as_published() {
        let header = b"{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}";
        let payload =
            b"{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}";
        let key = URL_SAFE_NO_PAD
            .decode("AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow")
            .unwrap();
        assert_eq!(
            sign(header, payload, &key),
            "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        );
    }

    #[test]
    fn the_claims_are_the_generated_codes() {
        let token = mint("s3cret", "verify-1", 1_000, 300);
        let payload = token.split('.').nth(1).unwrap();
        let claims: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
        assert_eq!(
            claims,
            json!({"sub": "verify-1", "role": "authenticated", "aud": "insforge-api", "iat": 1000, "exp": 1300})
        );
        let user = test_user().unwrap();
        assert!(user.starts_with("verify-") && user.len() == 23, "{user}");
        assert_ne!(user, test_user().unwrap());
    }
}
