//! compose2kube: convert Docker Compose applications into Kubernetes objects that keep the
//! application's network behaviour, and say exactly what could not be carried over.
//!
//! The pipeline is `load → check → plan → emit → render` (see `DESIGN.md`):
//! [`compose::load`] reads the project, [`check()`] finds what is wrong with it, and
//! [`convert()`] plans, emits and returns the Kubernetes objects with the translation report.

pub mod apply;
pub mod check;
pub mod compose;
pub mod diag;
pub mod emit;
pub mod hash;
pub mod plan;
pub mod render;
pub mod report;
pub mod source;

use compose::Loaded;
use diag::{Diagnostic, Diagnostics};
use plan::{ConvertOptions, Plan};
use report::Report;

/// Every problem of a loaded project: those found while loading, and the consistency and
/// network checks, in source order.
#[must_use]
pub fn check(loaded: &Loaded) -> Vec<Diagnostic> {
    let mut diagnostics: Diagnostics = loaded.diagnostics.clone();
    check::run(loaded, &mut diagnostics);
    diagnostics.sort();
    diagnostics.into_vec()
}

/// A converted project: the plan, and what did not carry over. Its Kubernetes objects are
/// made from the plan when they are wanted ([`Converted::objects`], or one at a time with
/// [`emit::objects`]).
#[derive(Debug)]
pub struct Converted {
    pub plan: Plan,
    pub report: Report,
}

impl Converted {
    /// Every object of the plan, in apply order.
    #[must_use]
    pub fn objects(&self) -> Vec<emit::Object> {
        emit::objects(&self.plan).collect()
    }
}

/// Plans a loaded project (which should have passed [`check()`] without errors).
#[must_use]
pub fn convert(loaded: &Loaded, options: &ConvertOptions) -> Converted {
    let planned = plan::plan(loaded, options);
    Converted {
        plan: planned.plan,
        report: planned.report,
    }
}
