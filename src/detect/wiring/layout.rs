//! The root layouts (found by [`layouts`](crate::detect::layouts)) and the provider
//! components around them: those that wrap every root layout's pages, and those that cover
//! only part of the app.

use std::path::Path;

use super::found::Wiring;
use crate::detect::layouts::{self, PROVIDER_COMPONENTS};
use crate::detect::source::Module;
use crate::detect::tsconfig::Alias;
use crate::detect::workspace::Package;

/// The root layouts and the provider components around them, over all the modules.
pub fn providers(
    w: &mut Wiring,
    modules: &[Module],
    texts: &dyn Fn(&Path) -> Option<String>,
    aliases: &[Alias],
    packages: &[Package],
) {
    let (layouts, partial) = layouts::find(modules, texts, aliases, packages);
    for component in PROVIDER_COMPONENTS {
        let mut at = None;
        let covers_all = !layouts.is_empty()
            && layouts.iter().all(|l| {
                l.providers
                    .iter()
                    .find(|(n, _)| n == component)
                    .is_some_and(|(_, a)| {
                        at.get_or_insert_with(|| a.clone());
                        true
                    })
            });
        if let (true, Some(at)) = (covers_all, at) {
            w.layout_providers.push((component.to_string(), at));
        }
    }
    w.layouts = layouts;
    w.partial_providers = partial;
}
