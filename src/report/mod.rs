//! Everything a run prints: [`human`] for people (the detection facts, the summary, the
//! diff, the check table, the next steps), [`json`] for programs (`--json`, with its schema).

pub mod human;
pub mod json;
