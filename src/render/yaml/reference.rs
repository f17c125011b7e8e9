//! What serde-saphyr, the YAML writer compose2kube used before its own, writes with the
//! options compose2kube gave it: the reference of the writer's unit tests and of the corpus
//! run in `tests/corpus.rs`, which includes this file.

/// `value` as serde-saphyr writes it, `indent` columns a level.
pub fn reference<T: serde::Serialize>(value: &T, indent: usize) -> String {
    let mut options = serde_saphyr::SerializerOptions::default();
    options.folded_wrap_chars = usize::MAX;
    options.indent_step = indent;
    let mut out = String::new();
    serde_saphyr::to_fmt_writer_with_options(&mut out, value, options).unwrap();
    out
}
