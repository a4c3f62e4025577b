//! The tool's own files in the app, as plain stores (parse and render only): [`answers`]
//! (`insforge-integrate.toml`) and [`base`] (`insforge-integrate.base.toml`). What goes in
//! them is computed once per run, by [`crate::plan::finish`].

pub mod answers;
pub mod base;
