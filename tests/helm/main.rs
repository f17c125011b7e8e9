//! `convert --format helm`, proven with the real Helm engine (`render`: Helm v4's Go SDK from
//! PyPI): each chart renders the plain `convert` output (modulo the release-name prefixes and
//! the documented chart differences) and passes `helm lint --strict` and `validate-k8s
//! --strict-refs`, for every fixture and every awesome-compose application; two releases must
//! not collide; what real releases need (`releases`); Secrets stay out of values.yaml unless
//! asked; the command line end to end; and the shared `helm-real` check over both corpora
//! (`real`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod charts;
mod cli;
#[allow(dead_code)]
#[path = "../convert/fixtures.rs"]
mod fixtures;
mod real;
mod releases;
mod render;
