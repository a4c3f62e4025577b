//! The handlebars helpers of the templates: `use` (an instance of the app's, or the tool's
//! own) and `import` (a module specifier as the app writes it, through its aliases).

use std::path::{Component, Path, PathBuf};

use anyhow::Result;
use handlebars::{Handlebars, Helper, HelperResult, Output, RenderContext, RenderErrorReason};
use serde_json::Value;

use crate::detect::tsconfig::Alias;
use crate::paths::slash;

/// `{{use "auth0"}}`: the import statement for a role's binding, as the file being rendered
/// writes it: from the app's own module when it has one (aliased to the role's name), else
/// from the tool's.
pub(super) struct UseHelper {
    pub(super) aliases: Vec<Alias>,
    pub(super) modules: crate::detect::Modules,
    pub(super) roles: Vec<crate::provider::Role>,
    pub(super) app: std::collections::BTreeMap<String, crate::detect::wiring::AppBinding>,
}

impl handlebars::HelperDef for UseHelper {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        ctx: &'rc handlebars::Context,
        _: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let (role, from) = param_and_file(h, ctx, "use")?;
        let statement = match self.app.get(role) {
            // Exported as destructured members only: import them, and gather them under
            // the role's name, as the code that uses it expects.
            Some(binding) if !binding.members.is_empty() => {
                let module = module_path(&binding.at.file);
                let spec = import_specifier(&self.aliases, Path::new(from), &module);
                let (imports, fields): (Vec<String>, Vec<String>) = binding
                    .members
                    .iter()
                    .map(|(key, export)| {
                        let import = if key == export {
                            key.clone()
                        } else {
                            format!("{export} as {key}")
                        };
                        (import, key.clone())
                    })
                    .unzip();
                format!(
                    "import {{ {} }} from '{spec}';\nconst {role} = {{ {} }};",
                    imports.join(", "),
                    fields.join(", ")
                )
            }
            Some(binding) => {
                let module = module_path(&binding.at.file);
                let spec = import_specifier(&self.aliases, Path::new(from), &module);
                match &binding.export {
                    Some(name) if name == role => format!("import {{ {role} }} from '{spec}';"),
                    Some(name) => format!("import {{ {name} as {role} }} from '{spec}';"),
                    None => format!("import {role} from '{spec}';"),
                }
            }
            None => {
                let own = self
                    .roles
                    .iter()
                    .find(|r| r.name == role)
                    .ok_or_else(|| RenderErrorReason::Other(format!("no role {role:?}")))?;
                let spec = import_specifier(
                    &self.aliases,
                    Path::new(from),
                    &self.modules.path(&own.module),
                );
                format!("import {{ {role} }} from '{spec}';")
            }
        };
        out.write(&statement)?;
        Ok(())
    }
}

/// A helper's first parameter, and the file being rendered (the `file` of the context).
pub(super) fn param_and_file<'rc>(
    h: &'rc Helper<'rc>,
    ctx: &'rc handlebars::Context,
    helper: &'static str,
) -> Result<(&'rc str, &'rc str), RenderErrorReason> {
    let param = h
        .param(0)
        .and_then(|p| p.value().as_str())
        .ok_or(RenderErrorReason::ParamNotFoundForIndex(helper, 0))?;
    let from = ctx
        .data()
        .get("file")
        .and_then(Value::as_str)
        .unwrap_or_default();
    Ok((param, from))
}

/// A source file as a module path: no extension, and a folder for `index`.
pub(super) fn module_path(file: &Path) -> PathBuf {
    let stem = file.with_extension("");
    if stem.file_name().is_some_and(|n| n == "index") {
        stem.parent().map(Path::to_path_buf).unwrap_or_default()
    } else {
        stem
    }
}

/// `{{import "lib/insforge"}}`: how the file being rendered imports a generated module.
pub(super) struct ImportHelper {
    pub(super) aliases: Vec<Alias>,
    pub(super) modules: crate::detect::Modules,
}

impl handlebars::HelperDef for ImportHelper {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        ctx: &'rc handlebars::Context,
        _: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let (module, from) = param_and_file(h, ctx, "import")?;
        let target = self.modules.path(module);
        out.write(&import_specifier(&self.aliases, Path::new(from), &target))?;
        Ok(())
    }
}

/// The specifier a file at `from` uses to import `target` (both relative to the project root).
pub fn import_specifier(aliases: &[Alias], from: &Path, target: &Path) -> String {
    for alias in aliases {
        if let Ok(rest) = target.strip_prefix(&alias.dir) {
            return format!("{}{}", alias.prefix, slash(rest));
        }
    }
    let from_dir: Vec<Component> = from
        .parent()
        .map(|p| p.components().collect())
        .unwrap_or_default();
    let to: Vec<Component> = target.components().collect();
    let common = from_dir.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".into(); from_dir.len() - common];
    if parts.is_empty() {
        parts.push(".".into());
    }
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_specifiers() {
        let at_root = vec![Alias {
            prefix: "@/".into(),
            dir: PathBuf::new(),
        }];
        let at_src = vec![Alias {
            prefix: "@/".into(),
            dir: "src".into(),
        }];
        let table: [(&[Alias], &str, &str, &str); 6] = [
            (&at_root, "app/api/x/route.ts", "lib/auth", "@/lib/auth"),
            (
                &at_src,
                "src/app/api/x/route.ts",
                "src/lib/auth",
                "@/lib/auth",
            ),
            (&at_src, "src/proxy.ts", "src/lib/auth", "@/lib/auth"),
            (
                &[],
                "app/api/[...all]/route.ts",
                "lib/auth",
                "../../../lib/auth",
            ),
            (&[], "lib/insforge.ts", "lib/auth", "./auth"),
            (&[], "proxy.ts", "lib/auth0", "./lib/auth0"),
        ];
        for (aliases, from, to, want) in table {
            assert_eq!(
                import_specifier(aliases, Path::new(from), Path::new(to)),
                want,
                "{from} -> {to}"
            );
        }
    }
}
