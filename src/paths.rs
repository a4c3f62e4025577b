//! Paths as the tool shows and stores them.

/// A relative path with forward slashes, whatever the platform.
pub fn slash(path: &std::path::Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The folder where the InsForge CLI keeps the app's link (`project.json`, with an admin key):
/// git must ignore it.
pub const LINK_DIR: &str = ".insforge/";
