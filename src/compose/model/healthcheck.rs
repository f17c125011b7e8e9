//! `healthcheck`: how Compose decides that a container is healthy.

use crate::compose::model::de::{Cx, FromNode};
use crate::compose::model::syntax::Duration;
use crate::compose::yaml::{Node, Value};
use crate::source::Spanned;

crate::compose_struct! {
    /// A service healthcheck.
    pub struct Healthcheck in "a healthcheck" {
        "test" => test: Option<Spanned<HealthcheckTest>>,
        "interval" => interval: Option<Spanned<Duration>>,
        "timeout" => timeout: Option<Spanned<Duration>>,
        "retries" => retries: Option<Spanned<u64>>,
        "start_period" => start_period: Option<Spanned<Duration>>,
        "start_interval" => start_interval: Option<Spanned<Duration>>,
        "disable" => disable: Option<Spanned<bool>>,
    }
}

/// The check to run. A string is a shell command (`["CMD-SHELL", string]`); a list is kept as
/// written, its first word (`CMD`, `CMD-SHELL`, `NONE`) is checked by a later stage.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HealthcheckTest(pub Vec<String>);

impl std::ops::Deref for HealthcheckTest {
    type Target = Vec<String>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl FromNode for HealthcheckTest {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        match &node.value {
            Value::Scalar(scalar) => Some(Self(vec![
                "CMD-SHELL".to_string(),
                scalar.text.as_str().to_owned(),
            ])),
            Value::Seq(_) => Vec::<String>::from_node(node, cx).map(Self),
            Value::Map(_) => {
                cx.invalid_type(node, "a command (a string or a list of strings)");
                None
            }
        }
    }
}

impl serde::Serialize for HealthcheckTest {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}
