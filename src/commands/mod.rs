//! The commands, each a thin room over one pipeline: [`pipeline`] detects, resolves, renders
//! and plans for all of them; [`init`] (init and update) decides, confirms, applies and
//! reports; [`check`] gives each file a status and a verdict; [`detect`] stops after
//! detection.

pub mod check;
pub mod detect;
pub mod init;
pub mod pipeline;
pub mod setup;
pub mod steps;
pub mod verify;
