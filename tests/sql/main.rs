//! The generated SQL on a real PostgreSQL: a throwaway cluster per test, InsForge's roles and
//! claim setting reproduced, and the migrations written by the real binary on fixture apps.
//! Needs PostgreSQL server binaries (see `pg.rs`); without them every test fails, saying how
//! to install them.

mod better_auth;
mod chain;
#[path = "../common/clerk.rs"]
mod clerk_standin;
mod cluster;
#[path = "../common/every_provider.rs"]
mod every_provider;
mod existing;
mod guard;
mod insforge;
mod names;
mod pg;
#[path = "../common/preflight.rs"]
mod preflight;
mod proof;
mod providers;
mod rules;
#[path = "../common/standin.rs"]
mod standin;
mod verify;
