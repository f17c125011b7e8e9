//! The `compose2kube` command line.

fn main() {}
