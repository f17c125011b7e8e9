//! The output side: writing what compose2kube produced, deterministically.

pub mod config;
pub mod explain;
pub mod helm;
pub mod html;
pub mod image;
pub mod kustomize;
pub mod manifests;
pub mod svg;

/// Serializes a value as YAML that `kubectl` and `docker compose` read back unchanged:
/// strings such as `on`, `yes` or `012` are quoted, multi-line strings are literal blocks
/// (`|`), and long lines are never folded.
pub fn to_yaml<T: serde::Serialize>(value: &T) -> Result<String, serde_saphyr::SerializeError> {
    to_yaml_indented(value, DEFAULT_INDENT)
}

/// Spaces per nesting level of the YAML compose2kube writes (kompose's `--indent` default).
pub const DEFAULT_INDENT: usize = 2;

/// [`to_yaml`] with `indent` spaces per nesting level (`1..=64`, kompose's `--indent`).
pub fn to_yaml_indented<T: serde::Serialize>(
    value: &T,
    indent: usize,
) -> Result<String, serde_saphyr::SerializeError> {
    let mut out = String::new();
    write_yaml_indented(&mut out, value, indent)?;
    Ok(out)
}

/// [`to_yaml_indented`], appended to `out` (so that one buffer serves many documents).
pub fn write_yaml_indented<T: serde::Serialize>(
    out: &mut String,
    value: &T,
    indent: usize,
) -> Result<(), serde_saphyr::SerializeError> {
    let mut options = serde_saphyr::SerializerOptions::default();
    options.folded_wrap_chars = usize::MAX;
    options.indent_step = indent;
    serde_saphyr::to_fmt_writer_with_options(out, value, options)
}
