//! `include`: other Compose projects loaded into this one. The loader consumes it before the
//! model is typed, reading each entry with [`Include`]'s reader: this is the one place an
//! include entry is parsed, so the key is known and its mistakes are reported the same way
//! wherever it is read.

use crate::compose::model::de::{Cx, Field as _, FromNode, missing_key};
use crate::compose::model::syntax::StringOrList;
use crate::compose::yaml::{Node, Value};
use crate::diag::{Code, Diagnostic};
use crate::source::Spanned;

crate::compose_struct! {
    @map_only
    /// One included project. Paths stay as written: the loader resolves them against the
    /// including file, and refuses remote ones, which it needs the written text to tell.
    pub struct Include in "an include entry" {
        /// The Compose file(s) to include; never empty once read.
        "path" => path: StringOrList,
        /// `.env`-style files for interpolating the included files.
        "env_file" => env_file: StringOrList,
        /// Where the included project's relative paths start.
        "project_directory" => project_directory: Option<Spanned<String>>,
    }
}

impl FromNode for Include {
    /// `- ./other/compose.yaml` is short for `- path: ./other/compose.yaml`. An entry without
    /// a path (`path` missing, null or empty, or a null entry) includes nothing and is an error.
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        let include = match &node.value {
            Value::Map(map) => Self::read_map(node, map, cx),
            Value::Scalar(_) => Self {
                path: StringOrList(
                    Option::<Spanned<String>>::read(node, cx)
                        .into_iter()
                        .collect(),
                ),
                span: Some(node.span),
                ..Self::default()
            },
            Value::Seq(_) => {
                cx.report(
                    Diagnostic::error(Code::InvalidType, "an include entry is a path or a mapping")
                        .at(node.span)
                        .help("write `- path: other/compose.yaml`"),
                );
                return None;
            }
        };
        if include.path.is_empty() {
            missing_key(cx, "path", node.span, "an include entry");
            return None;
        }
        Some(include)
    }
}
