//! The typed Compose model: the whole Compose Specification, every value with its span.
//!
//! Short syntaxes are normalised to their long form while reading (a `"8080:80"` port becomes
//! a [`ports::PortConfig`]), so later stages see one shape per concept. Writing the model
//! back (`compose2kube config`) therefore prints the long form, as `docker compose config`
//! does, and re-reading that output gives the same model.

pub mod de;
pub mod service;
pub mod syntax;

use indexmap::IndexMap;

use crate::source::Spanned;

pub use service::Service;

crate::compose_struct! {
    /// A whole Compose project after merging, `extends`, `include` and profiles.
    pub struct Project in "the top level of a Compose file" {
        "name" => name: Option<Spanned<String>>,
        /// Obsolete; kept only so that it is reported.
        "version" => version: Option<Spanned<String>>,
        "services" => services: IndexMap<Spanned<String>, Service>,
        "networks" => networks: IndexMap<Spanned<String>, crate::compose::yaml::Node>,
        "volumes" => volumes: IndexMap<Spanned<String>, crate::compose::yaml::Node>,
        "configs" => configs: IndexMap<Spanned<String>, crate::compose::yaml::Node>,
        "secrets" => secrets: IndexMap<Spanned<String>, crate::compose::yaml::Node>,
        "models" => models: IndexMap<Spanned<String>, crate::compose::yaml::Node>,
    }
}
