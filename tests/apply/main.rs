//! `apply` and `down`, proven without a cluster. No API server runs where the tests run, so
//! every decision `apply`, `--prune`, `--wait` and `down` make is a pure function over the
//! objects the API returns, tested here on fixtures of real API shapes
//! (`tests/fixtures/apply/*.json`: list results across namespaces, Namespaces with their labels
//! and annotations, Pods with status, conditions and container statuses, claims, core/v1
//! Events); the command line is tested against a kubeconfig whose cluster does not answer.
//!
//! One module per problem of issue 9: [`down`] (1–3: only the target namespace, only a
//! Namespace compose2kube created, every deletion listed), [`dry_run`] (4: a namespace that
//! does not exist yet, 5: all or nothing), [`wait`] (6: why a workload is not ready) and
//! [`order`] (7: the apply order defined once).

#![cfg(feature = "apply")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod cli;
mod down;
mod dry_run;
mod fixtures;
mod order;
mod wait;
