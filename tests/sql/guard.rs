//! InsForge's migration rules, checked with the parser its backend uses (`guard.cjs`, run by
//! Node with `libpg-query` from `tests/typecheck/node`).

use std::path::Path;
use std::process::Command;

/// `Ok` when InsForge's runner would accept the file, else why not.
pub fn check(file: &Path) -> Result<(), String> {
    crate::preflight::require(&[
        crate::preflight::Needs::Node,
        crate::preflight::Needs::NpmProjects,
    ]);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sql/guard.cjs");
    let out = Command::new("node")
        .arg(&script)
        .arg(file)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run node (tests/sql needs Node and `npm ci` in tests/typecheck/node): {e}"
            )
        });
    let said = String::from_utf8_lossy(&out.stdout).trim().to_string();
    match out.status.code() {
        Some(0) => Ok(()),
        Some(1) => Err(said),
        _ => panic!(
            "guard.cjs failed, so InsForge's migration rules could not be checked (run tests/setup, or `npm ci --prefix tests/typecheck/node`):\n{}",
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}
