//! insforge-integrate wires a third-party auth provider into an app that uses InsForge.
//!
//! [`run`] turns the command line into one [`request::Request`] and hands it to a command in
//! [`commands`], which all start with the same pipeline ([`commands::pipeline`]): [`detect`] →
//! [`resolve`] → [`render`] → [`plan`], then [`report`] prints and [`apply`] writes.
//! `render` and `plan` are pure; `apply` is the only writer; the app's files are read through
//! [`app`]; prompts happen only through [`prompt::Prompter`].

pub mod app;
pub mod apply;
pub mod change;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod detect;
pub mod dotenv;
pub mod edit;
pub mod error;
pub mod format;
pub mod gitignore;
pub mod guard;
pub mod input;
pub mod merge;
pub mod paths;
pub mod pkgjson;
pub mod plan;
pub mod prompt;
pub mod provider;
pub mod remote;
pub mod render;
pub mod report;
pub mod request;
pub mod resolve;
pub mod run;
pub mod skill;
pub mod step;
pub mod store;
pub mod style;
pub mod table;
pub mod version;
