//! `depends_on`: which services must be up (or healthy, or finished) before a service starts.
//!
//! The list form `depends_on: [db]` and a mapping entry that leaves keys out both get
//! Compose's defaults, written out here: `condition: service_started`, `restart: false`,
//! `required: true`. [`DependsOn::keys`] still says which keys the user wrote.

use crate::compose::model::de::{Cx, Extensions, FromNode, KeySpans};
use crate::compose::yaml::{Map, Node};
use crate::source::Span;

crate::string_enum! {
    /// What a dependency must reach before the dependent service starts.
    pub enum Condition in "a dependency condition" {
        /// The container was started.
        Started = "service_started",
        /// Its healthcheck passes.
        Healthy = "service_healthy",
        /// It ran to completion with exit code 0.
        CompletedSuccessfully = "service_completed_successfully",
    }
    default Started
}

/// Dependencies as written, before defaults are filled in.
pub mod written {
    use super::Condition;
    use crate::source::Spanned;

    crate::compose_struct! {
        /// A dependency as written.
        pub struct DependsOnSpec in "a dependency" {
            "condition" => condition: Option<Spanned<Condition>>,
            "restart" => restart: Option<bool>,
            "required" => required: Option<bool>,
        }
    }
}

/// One dependency of a service, with defaults filled in.
#[derive(Clone, Debug, serde::Serialize)]
pub struct DependsOn {
    pub condition: Condition,
    /// Restart this service when the dependency is updated or restarted.
    pub restart: bool,
    /// `false`: start even if the dependency is missing or fails to start.
    pub required: bool,
    /// The mapping written for this dependency (the name, for the list form).
    #[serde(skip)]
    pub span: Option<Span>,
    /// The keys written; empty for the list form.
    #[serde(skip)]
    pub keys: KeySpans,
    #[serde(flatten)]
    pub extensions: Extensions,
}

impl Default for DependsOn {
    fn default() -> Self {
        Self {
            condition: Condition::Started,
            restart: false,
            required: true,
            span: None,
            keys: KeySpans::default(),
            extensions: Extensions::default(),
        }
    }
}

impl PartialEq for DependsOn {
    fn eq(&self, other: &Self) -> bool {
        self.condition == other.condition
            && self.restart == other.restart
            && self.required == other.required
            && self.extensions == other.extensions
    }
}

impl FromNode for DependsOn {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        let spec = written::DependsOnSpec::from_node(node, cx)?;
        let defaults = Self::default();
        Some(Self {
            condition: spec.condition.map_or(defaults.condition, |c| c.value),
            restart: spec.restart.unwrap_or(defaults.restart),
            required: spec.required.unwrap_or(defaults.required),
            span: spec.span,
            keys: spec.keys,
            extensions: spec.extensions,
        })
    }
}

impl DependsOn {
    /// What a bare name of the list form stands for when files merge (compose-go's
    /// `mergeDependsOn`): the defaults written out, so that a later file's `depends_on: [db]`
    /// puts back the condition an earlier file gave `db`.
    #[must_use]
    pub fn merged_bare_name(span: Span) -> Node {
        let defaults = Self::default();
        let mut settings = Map::new();
        settings.insert(
            "condition",
            span,
            Node::string(defaults.condition.as_str(), span),
        );
        settings.insert(
            "required",
            span,
            Node::scalar(defaults.required.to_string(), true, span),
        );
        Node::map(settings, span)
    }

    /// Where the condition was written (the dependency itself for the list form).
    #[must_use]
    pub fn condition_span(&self) -> Option<Span> {
        self.keys.get("condition").or(self.span)
    }
}
