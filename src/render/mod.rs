//! The output side: writing what compose2kube produced, deterministically.

pub mod config;
pub mod explain;
pub mod helm;
pub mod html;
pub mod image;
pub mod kustomize;
pub mod manifests;
pub mod svg;
mod yaml;

pub use yaml::YamlError;

/// Serializes a value as YAML that `kubectl` and `docker compose` read back unchanged:
/// strings such as `on`, `yes` or `012` are quoted, multi-line strings are literal blocks
/// (`|`), and long lines are never folded.
pub fn to_yaml<T: serde::Serialize>(value: &T) -> Result<String, YamlError> {
    to_yaml_indented(value, DEFAULT_INDENT)
}

/// Spaces per nesting level of the YAML compose2kube writes (kompose's `--indent` default).
pub const DEFAULT_INDENT: usize = 2;

/// [`to_yaml`] with `indent` spaces per nesting level (`1..=64`, kompose's `--indent`).
pub fn to_yaml_indented<T: serde::Serialize>(
    value: &T,
    indent: usize,
) -> Result<String, YamlError> {
    let mut out = String::new();
    write_yaml_indented(&mut out, value, indent)?;
    Ok(out)
}

/// [`to_yaml_indented`], appended to `out` (so that one buffer serves many documents).
pub fn write_yaml_indented<T: serde::Serialize>(
    out: &mut String,
    value: &T,
    indent: usize,
) -> Result<(), YamlError> {
    yaml::write(out, value, indent)
}
