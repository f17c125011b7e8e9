//! compose2kube: convert Docker Compose applications into Kubernetes objects that keep the
//! application's network behaviour, and say exactly what could not be carried over.
//!
//! The pipeline is `load → check → plan → emit → render` (see `DESIGN.md`):
//! [`compose::load`] reads the project, [`check()`] finds what is wrong with it.

pub mod check;
pub mod compose;
pub mod diag;
pub mod render;
pub mod report;
pub mod source;

use compose::Loaded;
use diag::{Diagnostic, Diagnostics};

/// Every problem of a loaded project: those found while loading, and the consistency and
/// network checks, in source order.
#[must_use]
pub fn check(loaded: &Loaded) -> Vec<Diagnostic> {
    let mut diagnostics: Diagnostics = loaded.diagnostics.clone();
    if let Some(project) = &loaded.project {
        check::run(project, &mut diagnostics);
    }
    diagnostics.sort();
    diagnostics.into_vec()
}
