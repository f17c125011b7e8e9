//! The top-level resources services refer to: `networks`, `volumes`, `secrets`, `configs`
//! and `models`.
//!
//! `external` is a boolean; the deprecated `external: {name: x}` is read as `external: true`
//! with `name: x`.

use std::path::PathBuf;

use crate::hash::IndexMap;

use crate::compose::model::de::{Cx, FromNode, unknown_key};
use crate::compose::model::syntax::Mapping;
use crate::compose::yaml::{Map, Node, Value};
use crate::diag::{Code, Diagnostic};
use crate::source::Spanned;

crate::compose_struct! {
    @map_only
    /// A network services attach to.
    pub struct Network in "a network" {
        "name" => name: Option<Spanned<String>>,
        "driver" => driver: Option<Spanned<String>>,
        "driver_opts" => driver_opts: Mapping,
        "ipam" => ipam: Option<Ipam>,
        /// Created outside Compose; it must already exist.
        "external" => external: Option<Spanned<bool>>,
        /// No access to the outside world.
        "internal" => internal: Option<Spanned<bool>>,
        "enable_ipv4" => enable_ipv4: Option<Spanned<bool>>,
        "enable_ipv6" => enable_ipv6: Option<Spanned<bool>>,
        "attachable" => attachable: Option<Spanned<bool>>,
        "labels" => labels: Mapping,
    }
}

crate::compose_struct! {
    /// IP address management of a network.
    pub struct Ipam in "`ipam`" {
        "driver" => driver: Option<Spanned<String>>,
        "config" => config: Vec<Spanned<IpamConfig>>,
        "options" => options: Mapping,
    }
}

crate::compose_struct! {
    /// One subnet of a network.
    pub struct IpamConfig in "an IPAM configuration" {
        "subnet" => subnet: Option<Spanned<String>>,
        "ip_range" => ip_range: Option<Spanned<String>>,
        "gateway" => gateway: Option<Spanned<String>>,
        "aux_addresses" => aux_addresses: IndexMap<Spanned<String>, Spanned<String>>,
    }
}

crate::compose_struct! {
    @map_only
    /// A named volume.
    pub struct Volume in "a volume" {
        "name" => name: Option<Spanned<String>>,
        "driver" => driver: Option<Spanned<String>>,
        "driver_opts" => driver_opts: Mapping,
        "external" => external: Option<Spanned<bool>>,
        "labels" => labels: Mapping,
    }
}

crate::compose_struct! {
    @map_only
    /// A secret: sensitive data mounted into containers.
    pub struct Secret in "a secret" {
        "name" => name: Option<Spanned<String>>,
        /// Read the value from this environment variable.
        "environment" => environment: Option<Spanned<String>>,
        /// Read the value from this host file (made absolute).
        "file" => file: Option<Spanned<PathBuf>>,
        "external" => external: Option<Spanned<bool>>,
        "labels" => labels: Mapping,
        "driver" => driver: Option<Spanned<String>>,
        "driver_opts" => driver_opts: Mapping,
        "template_driver" => template_driver: Option<Spanned<String>>,
    }
}

crate::compose_struct! {
    @map_only
    /// A config: non-sensitive data mounted into containers.
    pub struct Config in "a config" {
        "name" => name: Option<Spanned<String>>,
        /// The value, written inline.
        "content" => content: Option<Spanned<String>>,
        "environment" => environment: Option<Spanned<String>>,
        "file" => file: Option<Spanned<PathBuf>>,
        "external" => external: Option<Spanned<bool>>,
        "labels" => labels: Mapping,
        "template_driver" => template_driver: Option<Spanned<String>>,
    }
}

crate::compose_struct! {
    /// A language model services can use.
    pub struct Model in "a model" {
        "name" => name: Option<Spanned<String>>,
        /// The model to run, such as `ai/smollm2`.
        "model" => model: Option<Spanned<String>>,
        "context_size" => context_size: Option<Spanned<u64>>,
        "runtime_flags" => runtime_flags: Vec<Spanned<String>>,
    }
    required ["model"]
}

/// Implements `FromNode` for a resource: optionally nullable (`db-data:` with no value), and
/// with the deprecated `external: {name: x}` rewritten first.
macro_rules! resource_from_node {
    ($name:ident, $what:literal, nullable: $nullable:literal) => {
        impl FromNode for $name {
            const NULLABLE: bool = $nullable;

            fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
                if $nullable && node.is_null() {
                    return Some(Self {
                        span: Some(node.span),
                        ..Self::default()
                    });
                }
                let map = cx.expect_map(node, $what)?;
                match normalise_external(map, cx) {
                    Some(map) => Some(Self::read_map(node, &map, cx)),
                    None => Some(Self::read_map(node, map, cx)),
                }
            }
        }
    };
}

resource_from_node!(Network, "a network", nullable: true);
resource_from_node!(Volume, "a volume", nullable: true);
resource_from_node!(Secret, "a secret", nullable: false);
resource_from_node!(Config, "a config", nullable: false);

/// Rewrites `external: {name: x}` to `external: true` plus `name: x`; `None` when the
/// mapping does not use that form.
fn normalise_external(map: &Map, cx: &mut Cx) -> Option<Map> {
    let entry = map.entry("external")?;
    let Value::Map(external) = &entry.value.value else {
        return None;
    };
    let mut out = map.clone();
    out.insert(
        "external".to_string(),
        entry.key_span,
        Node::scalar("true", true, entry.value.span),
    );
    for (key, inner) in external.iter() {
        match key.as_str() {
            "name" => match (map.get("name"), inner.value.as_str()) {
                (Some(outer), Some(name)) if outer.as_str() != Some(name) => cx.report(
                    Diagnostic::error(
                        Code::ConflictingSettings,
                        "`external.name` and `name` give different names",
                    )
                    .at(inner.key_span)
                    .related(outer.span, "the other name")
                    .help("remove `external.name` (it is deprecated) and keep `name`"),
                ),
                (Some(_), _) => {}
                (None, _) => {
                    out.insert("name".to_string(), inner.key_span, inner.value.clone());
                }
            },
            other if other.starts_with("x-") => {}
            other => unknown_key(cx, other, inner.key_span, "`external`", &["name"]),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::model::testing::{codes_of, read_ok};

    #[test]
    fn networks_and_volumes_may_be_empty() {
        let project = read_ok::<crate::compose::model::Project>(
            "services: {a: {image: x}}\nnetworks:\n  front:\nvolumes:\n  db-data:\n",
        );
        assert_eq!(project.networks["front"], Network::default());
        assert_eq!(project.volumes["db-data"], Volume::default());
    }

    #[test]
    fn network_settings_are_read() {
        let network = read_ok::<Network>(
            "driver: bridge\ndriver_opts: {com.docker.network.bridge.name: br0, mtu: 1400}\n\
             internal: true\nattachable: true\nenable_ipv6: true\nenable_ipv4: true\nlabels: [a=b]\n\
             ipam:\n  driver: default\n  options: {foo: bar}\n  config:\n    \
             - {subnet: 172.28.0.0/16, ip_range: 172.28.5.0/24, gateway: 172.28.5.254, aux_addresses: {host1: 172.28.1.5}}\n",
        );
        assert!(network.internal.unwrap().value);
        assert_eq!(
            network.driver_opts["mtu"].as_ref().unwrap().as_str(),
            "1400"
        );
        let ipam = network.ipam.unwrap();
        assert_eq!(
            ipam.config.first().unwrap().aux_addresses["host1"].as_str(),
            "172.28.1.5"
        );
    }

    #[test]
    fn deprecated_external_name_becomes_external_and_name() {
        let network = read_ok::<Network>("external: {name: shared-net}\n");
        assert!(network.external.unwrap().value);
        assert_eq!(network.name.unwrap().as_str(), "shared-net");
        let volume = read_ok::<Volume>("external: true\nname: data\n");
        assert!(volume.external.unwrap().value);
        let secret = read_ok::<Secret>("external: {name: token}\n");
        assert_eq!(secret.name.unwrap().as_str(), "token");
    }

    #[test]
    fn conflicting_external_names_are_reported() {
        assert_eq!(
            codes_of::<Volume>("name: a\nexternal: {name: b}\n"),
            [Code::ConflictingSettings]
        );
        assert_eq!(
            codes_of::<Volume>("external: {nmae: b}\n"),
            [Code::UnknownKey]
        );
    }

    #[test]
    fn secret_file_is_made_absolute() {
        let secret = read_ok::<Secret>("file: ./secrets/token.txt\n");
        assert_eq!(
            secret.file.unwrap().value,
            PathBuf::from("/project/secrets/token.txt")
        );
        let secret = read_ok::<Secret>(
            "environment: TOKEN\nlabels: {a: b}\ndriver: d\ndriver_opts: {x: 1}\ntemplate_driver: golang\n",
        );
        assert_eq!(secret.environment.unwrap().as_str(), "TOKEN");
    }

    #[test]
    fn config_content_and_file() {
        let config = read_ok::<Config>("content: |\n  debug=true\n");
        assert_eq!(config.content.unwrap().as_str(), "debug=true\n");
        let config = read_ok::<Config>("file: conf/app.ini\n");
        assert_eq!(
            config.file.unwrap().value,
            PathBuf::from("/project/conf/app.ini")
        );
        assert_eq!(codes_of::<Config>("driver: x\n"), [Code::UnknownKey]);
    }

    #[test]
    fn model_needs_a_model() {
        let model =
            read_ok::<Model>("model: ai/smollm2\ncontext_size: 4096\nruntime_flags: [--verbose]\n");
        assert_eq!(model.context_size.unwrap().value, 4096);
        assert_eq!(codes_of::<Model>("name: x\n"), [Code::MissingKey]);
    }
}
