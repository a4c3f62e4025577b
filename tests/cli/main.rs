//! Integration tests: the built binary, run on copies of the fixture apps in
//! `tests/fixtures/` (see its README). One binary, themed modules.

#[path = "../common/every_provider.rs"]
mod every_provider;
mod harness;
#[path = "../common/preflight.rs"]
mod preflight;

mod agent;
mod clerk;
#[path = "../common/clerk.rs"]
mod clerk_standin;

mod brownfield;
mod completions;
mod concurrency;
mod conflicts;
mod conventions;
mod detection;
mod edits;
mod errors;
mod hostile;
mod interactive;
mod kill;
mod link;
mod providers;
mod repo;
mod safety;
mod setup;
#[path = "../common/standin.rs"]
mod standin;
mod update;
