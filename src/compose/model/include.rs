//! `include`: other Compose projects loaded into this one. The loader consumes it before the
//! model is typed; it is typed here so that the key is known and its mistakes are reported.

use crate::compose::model::de::{Cx, FromNode};
use crate::compose::model::syntax::StringOrList;
use crate::compose::yaml::{Node, Value};
use crate::source::Spanned;

crate::compose_struct! {
    @map_only
    /// One included project.
    pub struct Include in "an include" {
        /// The Compose file(s) to include, as written.
        "path" => path: StringOrList,
        /// `.env`-style files for interpolating the included files, as written.
        "env_file" => env_file: StringOrList,
        /// Where the included project's relative paths start, as written.
        "project_directory" => project_directory: Option<Spanned<String>>,
    }
    required ["path"]
}

impl FromNode for Include {
    /// `- ./other/compose.yaml` is short for `- path: ./other/compose.yaml`.
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        match &node.value {
            Value::Map(map) => Some(Self::read_map(node, map, cx)),
            Value::Scalar(_) => Some(Self {
                path: StringOrList(vec![Spanned::<String>::from_node(node, cx)?]),
                span: Some(node.span),
                ..Self::default()
            }),
            Value::Seq(_) => {
                cx.invalid_type(node, "a path or a mapping with `path`");
                None
            }
        }
    }
}
