//! One module of the app as the recognisers read it: the module, what following its imports
//! needs, and the two ways a finding becomes a role.

use std::path::Path;

use super::found::{AppBinding, Wiring};
use crate::detect::source::{Call, Located, Module};
use crate::detect::tsconfig::Alias;
use crate::detect::workspace::Package;

/// A module being read, and how to reach the modules it imports.
pub struct Scan<'a> {
    pub m: &'a Module,
    /// A module's source by path.
    pub texts: &'a dyn Fn(&Path) -> Option<String>,
    pub aliases: &'a [Alias],
    pub packages: &'a [Package],
}

impl Scan<'_> {
    /// `file:line` in this module.
    pub fn at(&self, line: u32) -> Located {
        Located {
            file: self.m.path.clone(),
            line,
        }
    }

    /// The role is the binding `call` is assigned to, when the module exports it (the first
    /// module found keeps it).
    pub fn bind(&self, w: &mut Wiring, role: &str, call: &Call, what: &str) {
        let m = self.m;
        let Some(local) = call.bound_to.as_deref() else {
            return;
        };
        let Some(export) = m.export_of(local) else {
            return;
        };
        w.roles.entry(role.to_string()).or_insert(AppBinding {
            at: self.at(call.line),
            export,
            what: what.to_string(),
            members: Vec::new(),
        });
    }

    /// A role that is a whole file: the module calls `name` imported from `package`.
    pub fn file_role(&self, w: &mut Wiring, package: &str, name: &str, role: &str) {
        let m = self.m;
        if let Some(local) = m.local_of(package, name) {
            if let Some(call) = m.calls_of(local).next() {
                w.roles.entry(role.to_string()).or_insert(AppBinding {
                    at: self.at(call.line),
                    export: None,
                    what: format!("{name}(…)"),
                    members: Vec::new(),
                });
            }
        }
    }
}
