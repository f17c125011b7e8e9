//! `convert --format helm`, proven without Helm: a small Go-template renderer (`render`) renders
//! each chart the way `helm template` would, and the result must be the plain `convert` output
//! (modulo the release-name prefixes and Helm's labels) and pass `validate-k8s --strict-refs`,
//! for every fixture and every awesome-compose application; two releases must not collide;
//! Secrets stay out of values.yaml unless asked; and the command line end to end.

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
mod render;
