//! `detect`: the facts and their evidence, or the project model as JSON. Writes nothing,
//! asks nothing: the pipeline's first stage only.

use std::io::Write;

use anyhow::Result;

use super::pipeline::{app_folder, Environment};
use crate::detect;
use crate::report::human;
use crate::request::Request;

/// `detect`: the facts and their evidence, or the project model as JSON. Writes nothing.
pub fn detect(request: &Request, env: Environment, out: &mut dyn Write) -> Result<()> {
    let root = request.root.as_path();
    let Environment {
        paint, mut json, ..
    } = env;
    app_folder(root)?;
    let project = detect::detect(root)?;
    human::detection(out, root, &project, paint)?;
    human::notes(out, &project.base_notes, paint)?;
    if let Some(saved) = &project.saved {
        human::saved_answers(out, saved)?;
    }
    if let Some(json) = json.as_mut() {
        let doc = crate::report::json::detect(&project);
        crate::report::json::print(json, &doc)?;
    }
    Ok(())
}
