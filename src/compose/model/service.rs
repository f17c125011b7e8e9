//! A service: one container definition and everything about how it runs.

use crate::source::Spanned;

crate::compose_struct! {
    /// One service of the project.
    pub struct Service in "a service" {
        "image" => image: Option<Spanned<String>>,
    }
}
