//! `convert`, proven: one snapshot per translation rule of issue 3, the output of every fixture
//! and every awesome-compose file checked by `validate-k8s` and by our own reading of the
//! Kubernetes API's field rules, byte-identical output on every run, and the command line end
//! to end.
//!
//! Fixtures are `tests/fixtures/convert/<rule>/compose.yaml` (with an `args` file for the
//! `convert` flags the rule needs, and a `cluster.yaml` for objects the cluster already has);
//! snapshots are in `tests/snapshots/<rule>.snap`. The corpus is read in place from
//! `../shared/corpus/awesome-compose` (relative to the crate root): a missing corpus or
//! validator fails the tests rather than skipping them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod cli;
mod determinism;
mod field_rules;
mod fixtures;
mod kompose_flags;
mod kustomize;
mod routes;
mod snapshots;
mod validator;
