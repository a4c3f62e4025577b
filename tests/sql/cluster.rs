//! The throwaway cluster itself: it runs as an unprivileged user and leaves nothing behind.

use std::path::Path;

use crate::pg::{Cluster, SUPERUSER};

#[test]
fn server_runs_unprivileged_and_is_removed_on_drop() {
    let cluster = Cluster::start();
    // The postmaster (started through setpriv, which execs it: same pid).
    let status = std::fs::read_to_string(format!("/proc/{}/status", cluster.server_pid())).unwrap();
    let uid = status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_string();
    assert_ne!(uid, "0", "the server runs as root");
    assert!(status.lines().any(|l| l == "Name:\tpostgres"), "{status}");
    // Only the Unix socket: no TCP listener.
    assert_eq!(
        cluster.admin("postgres", "select current_setting('listen_addresses')"),
        ""
    );
    assert!(cluster
        .psql("postgres", SUPERUSER, "select 1/0")
        .error()
        .contains("division by zero"));

    let dir = cluster.dir().to_path_buf();
    let pid = cluster.server_pid();
    assert!(dir.join("data/PG_VERSION").is_file());
    drop(cluster);
    assert!(!dir.exists(), "{} left behind", dir.display());
    assert!(
        !Path::new(&format!("/proc/{pid}")).exists(),
        "server {pid} still running"
    );
}
