//! `post_start` and `pre_stop`: commands run in the container after it starts and before it
//! stops (also the `exec` of a `develop.watch` rule).

use crate::compose::model::syntax::{Command, Mapping};
use crate::source::Spanned;

crate::compose_struct! {
    /// A lifecycle hook.
    pub struct ServiceHook in "a lifecycle hook" {
        "command" => command: Option<Spanned<Command>>,
        "user" => user: Option<Spanned<String>>,
        "privileged" => privileged: Option<Spanned<bool>>,
        "working_dir" => working_dir: Option<Spanned<String>>,
        "environment" => environment: Mapping,
    }
    required ["command"]
}
