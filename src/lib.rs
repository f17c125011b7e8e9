//! compose2kube: convert Docker Compose applications into Kubernetes objects that keep the
//! application's network behaviour, and say exactly what could not be carried over.
//!
//! The pipeline is `load → check → plan → emit → render` (see `DESIGN.md`).

pub mod compose;
pub mod diag;
pub mod source;
