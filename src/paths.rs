//! Paths as the tool shows and stores them, and the one way the app's files are opened to
//! read.

/// A relative path with forward slashes, whatever the platform.
pub fn slash(path: &std::path::Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The text of a regular file of at most 16 MiB, or None (a FIFO, a device or a folder in
/// its place is never opened: reading one would hang or never end).
pub fn read_regular(path: &std::path::Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > 16 << 20 {
        return None;
    }
    std::fs::read_to_string(path).ok()
}
