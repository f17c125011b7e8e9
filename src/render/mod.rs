//! The output side: writing what compose2kube produced, deterministically.

pub mod config;
pub mod explain;
pub mod helm;
pub mod image;
pub mod kustomize;
pub mod manifests;

/// Serializes a value as YAML that `kubectl` and `docker compose` read back unchanged:
/// strings such as `on`, `yes` or `012` are quoted, multi-line strings are literal blocks
/// (`|`), and long lines are never folded.
pub fn to_yaml<T: serde::Serialize>(value: &T) -> Result<String, serde_saphyr::SerializeError> {
    let mut options = serde_saphyr::SerializerOptions::default();
    options.folded_wrap_chars = usize::MAX;
    serde_saphyr::to_string_with_options(value, options)
}
