//! Helpers for the model's tests: read a YAML snippet into a model type.

use crate::compose::model::de::{Cx, FromNode};
use crate::compose::yaml;
use crate::diag::{Code, Diagnostics};
use crate::source::SourceMap;

/// The directory relative paths in test snippets resolve against.
pub const BASE: &str = "/project";

/// Reads `text` as a `T`, returning the value, every diagnostic, and the sources (for spans).
pub fn read<T: FromNode>(text: &str) -> (Option<T>, Diagnostics, SourceMap) {
    let mut sources = SourceMap::new();
    let file = sources.add("compose.yaml", None, BASE, text);
    let mut diagnostics = Diagnostics::new();
    let node = yaml::parse(file, text, &mut diagnostics).pop().unwrap();
    let mut cx = Cx::new(&mut diagnostics, &sources);
    let value = T::from_node(&node, &mut cx);
    (value, diagnostics, sources)
}

/// Reads `text` as a `T` and asserts that nothing was reported.
#[track_caller]
pub fn read_ok<T: FromNode>(text: &str) -> T {
    let (value, diagnostics, _) = read::<T>(text);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    value.unwrap()
}

/// The codes of the diagnostics of reading `text` as a `T`.
pub fn codes_of<T: FromNode>(text: &str) -> Vec<Code> {
    let (_, diagnostics, _) = read::<T>(text);
    diagnostics.iter().map(|d| d.code).collect()
}
