//! A service's place on the networks: `networks` (per-network settings), `extra_hosts`, and
//! whose namespaces it uses (`network_mode`, and `ipc` and `pid`, which share its syntax).
//!
//! The list form `networks: [front, back]` and an entry with no value (`front:`) both mean
//! "attached with default settings".

use crate::hash::IndexMap;

use crate::compose::model::de::{Cx, Field, FromNode, read_or_default};
use crate::compose::model::syntax::{Mapping, scalar_sub_span};
use crate::compose::yaml::{Node, Value};
use crate::source::Spanned;

/// `network_mode`, `ipc` or `pid`: whose namespace the container uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NamespaceMode {
    /// `host`: the host's.
    Host,
    /// `none`: one of its own with nothing in it (no network interface but loopback).
    None,
    /// `service:NAME`: that of a service of the project.
    Service(String),
    /// `container:NAME`: that of a container, maybe one outside the project.
    Container(String),
    /// Any other value, as written: a namespace of its own (`bridge` or a network name for
    /// `network_mode`, `private` or `shareable` for `ipc`).
    Other(String),
}

impl NamespaceMode {
    #[must_use]
    pub fn parse(text: &str) -> Self {
        if let Some(service) = text.strip_prefix("service:") {
            return Self::Service(service.to_owned());
        }
        if let Some(container) = text.strip_prefix("container:") {
            return Self::Container(container.to_owned());
        }
        match text {
            "host" => Self::Host,
            "none" => Self::None,
            other => Self::Other(other.to_owned()),
        }
    }

    /// The service whose namespace it shares (`service:NAME`).
    #[must_use]
    pub fn service(&self) -> Option<&str> {
        match self {
            Self::Service(name) => Some(name),
            _ => None,
        }
    }

    /// The service or container whose namespace it shares.
    #[must_use]
    pub fn shared_with(&self) -> Option<&str> {
        match self {
            Self::Service(name) | Self::Container(name) => Some(name),
            _ => None,
        }
    }
}

impl std::fmt::Display for NamespaceMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Host => f.write_str("host"),
            Self::None => f.write_str("none"),
            Self::Service(name) => write!(f, "service:{name}"),
            Self::Container(name) => write!(f, "container:{name}"),
            Self::Other(text) => f.write_str(text),
        }
    }
}

crate::read_from_text!(NamespaceMode);

/// A `links` entry: `SERVICE`, or `SERVICE:ALIAS` for one more name that resolves to it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Link {
    pub service: String,
    pub alias: Option<String>,
}

impl Link {
    #[must_use]
    pub fn parse(text: &str) -> Self {
        match text.split_once(':') {
            Some((service, alias)) => Self {
                service: service.to_owned(),
                alias: Some(alias.to_owned()),
            },
            None => Self {
                service: text.to_owned(),
                alias: None,
            },
        }
    }
}

impl std::fmt::Display for Link {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.service)?;
        match &self.alias {
            Some(alias) => write!(f, ":{alias}"),
            None => Ok(()),
        }
    }
}

crate::read_from_text!(Link);

crate::compose_struct! {
    @map_only
    /// How a service is attached to one network. `networks: [front, back]` writes none of
    /// the keys, and most mappings only `aliases`: the others are boxed.
    pub struct ServiceNetwork in "a service network" {
        "aliases" => aliases: Vec<Spanned<String>>,
        "ipv4_address" => [rare] ipv4_address: Option<Spanned<String>>,
        "ipv6_address" => [rare] ipv6_address: Option<Spanned<String>>,
        "link_local_ips" => [rare] link_local_ips: Vec<Spanned<String>>,
        "mac_address" => [rare] mac_address: Option<Spanned<String>>,
        "driver_opts" => [rare] driver_opts: Mapping,
        "priority" => [rare] priority: Option<Spanned<i64>>,
        "gw_priority" => [rare] gw_priority: Option<Spanned<i64>>,
        "interface_name" => [rare] interface_name: Option<Spanned<String>>,
    }
    rare: ServiceNetworkRare
}

impl FromNode for ServiceNetwork {
    /// `front:` with no value means default settings.
    const NULLABLE: bool = true;

    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        if node.is_null() {
            return Some(Self {
                span: Some(node.span),
                ..Self::default()
            });
        }
        let map = cx.expect_map(node, "a service network")?;
        Some(Self::read_map(node, map, cx))
    }
}

/// `extra_hosts`: host name → IP addresses, in the order written. The list form
/// `host:ip` / `host=ip` (also `host=ip1,ip2`) is folded into the map; brackets around IPv6
/// addresses are removed (`[::1]` → `::1`).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct ExtraHosts(pub IndexMap<Spanned<String>, Vec<Spanned<String>>>);

impl std::ops::Deref for ExtraHosts {
    type Target = IndexMap<Spanned<String>, Vec<Spanned<String>>>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<'a> IntoIterator for &'a ExtraHosts {
    type Item = (&'a Spanned<String>, &'a Vec<Spanned<String>>);
    type IntoIter = indexmap::map::Iter<'a, Spanned<String>, Vec<Spanned<String>>>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

const EXTRA_HOSTS_HELP: &str =
    "write `host=ip` (or `host:ip`), for example `db=10.0.0.5` or `myhost=::1`";

impl ExtraHosts {
    fn add(&mut self, host: Spanned<String>, ip: Spanned<String>, cx: &mut Cx) {
        if host.is_empty() || host.contains([':', '=']) {
            cx.invalid_value(
                host.span,
                format!("`{host}` is not a host name"),
                EXTRA_HOSTS_HELP,
            );
            return;
        }
        let ip = ip.map(
            |ip| match ip.strip_prefix('[').and_then(|ip| ip.strip_suffix(']')) {
                Some(bare) if !bare.is_empty() => bare.to_string(),
                _ => ip,
            },
        );
        self.0.entry(host).or_default().push(ip);
    }
}

impl FromNode for ExtraHosts {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        let mut hosts = Self::default();
        match &node.value {
            Value::Map(map) => {
                for (host, entry) in map.iter() {
                    let host = Spanned::new(host.as_str().to_owned(), entry.key_span);
                    let ips: Vec<Spanned<String>> = match &entry.value.value {
                        Value::Seq(_) => Field::read(&entry.value, cx),
                        _ if entry.value.is_null() => {
                            vec![Spanned::new(String::new(), entry.value.span)]
                        }
                        _ => Spanned::<String>::from_node(&entry.value, cx)
                            .into_iter()
                            .collect(),
                    };
                    for ip in ips {
                        hosts.add(host.clone(), ip, cx);
                    }
                }
            }
            Value::Seq(items) => {
                for item in items {
                    let Some(text) = String::from_node(item, cx) else {
                        continue;
                    };
                    let Some((host, ips)) = text.split_once('=').or_else(|| text.split_once(':'))
                    else {
                        cx.invalid_value(
                            item.span,
                            format!("`{text}` has no IP address"),
                            EXTRA_HOSTS_HELP,
                        );
                        continue;
                    };
                    let host =
                        Spanned::new(host.to_string(), scalar_sub_span(cx, item, 0, host.len()));
                    let mut offset = host.len() + 1;
                    for ip in ips.split(',') {
                        let span = scalar_sub_span(cx, item, offset, offset + ip.len());
                        offset += ip.len() + 1;
                        hosts.add(host.clone(), Spanned::new(ip.to_string(), span), cx);
                    }
                }
            }
            Value::Scalar(_) => {
                cx.invalid_type(
                    node,
                    "a mapping of host names to IP addresses, or a list of `host=ip`",
                );
                return None;
            }
        }
        Some(hosts)
    }
}

impl Field for ExtraHosts {
    fn read(node: &Node, cx: &mut Cx) -> Self {
        read_or_default(node, cx)
    }
    fn is_unset(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_read_once_and_written_back_as_read() {
        for (text, service, alias) in [("db", "db", None), ("db:database", "db", Some("database"))]
        {
            let link = Link::parse(text);
            assert_eq!(
                (link.service.as_str(), link.alias.as_deref()),
                (service, alias)
            );
            assert_eq!(link.to_string(), text);
        }
    }

    #[test]
    fn namespace_modes_are_read_once_and_written_back_as_read() {
        for (text, mode) in [
            ("host", NamespaceMode::Host),
            ("none", NamespaceMode::None),
            ("service:vpn", NamespaceMode::Service("vpn".into())),
            (
                "container:gluetun",
                NamespaceMode::Container("gluetun".into()),
            ),
            ("bridge", NamespaceMode::Other("bridge".into())),
        ] {
            assert_eq!(NamespaceMode::parse(text), mode);
            assert_eq!(mode.to_string(), text);
        }
        assert_eq!(
            NamespaceMode::parse("container:gluetun").shared_with(),
            Some("gluetun")
        );
        assert_eq!(NamespaceMode::parse("container:gluetun").service(), None);
    }
}
