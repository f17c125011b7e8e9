//! `apply` and `down`: the converted objects on a cluster.
//!
//! Everything that can be decided without a cluster is pure and tested: the order objects are
//! applied in ([`order`], over [`crate::emit::Kind`]), whether the project's Namespace is
//! created or left as it is ([`namespace`]), how the whole set is checked on the server before
//! anything is applied ([`validate`]), which live objects `--prune` and `down` delete
//! ([`prune`]), when a workload counts as ready and why it is not ([`readiness`]), and how an
//! API error is told ([`failure`]). The part that talks to the API server ([`client`], behind
//! the `apply` feature) is thin: it reads, sends and deletes, and asks these modules what to do.

#[cfg(feature = "apply")]
pub mod client;
pub mod failure;
pub mod namespace;
pub mod order;
pub mod prune;
pub mod readiness;
pub mod validate;

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::emit::{Kind, Object};

/// One object on the cluster (or to be), by identity: kind, namespace (none for cluster-wide
/// kinds) and name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectRef {
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
}

impl ObjectRef {
    /// The identity of a converted object once applied: without a namespace of its own, a
    /// namespaced object lands in `default_namespace`.
    #[must_use]
    pub fn of(object: &Object, default_namespace: &str) -> Self {
        let namespace = (!object.typed_kind().is_cluster_scoped()).then(|| {
            object
                .metadata()
                .namespace
                .clone()
                .unwrap_or_else(|| default_namespace.to_owned())
        });
        Self {
            kind: object.kind().to_owned(),
            namespace,
            name: object.name().to_owned(),
        }
    }
}

impl std::fmt::Display for ObjectRef {
    /// `Deployment shop/web`, `Namespace shop`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.namespace {
            Some(namespace) => write!(f, "{} {namespace}/{}", self.kind, self.name),
            None => write!(f, "{} {}", self.kind, self.name),
        }
    }
}

/// A live object as listed from the cluster: its kind and metadata (name, namespace, labels,
/// annotations, owners) — all that `--prune` and `down` decide by.
#[derive(Clone, Debug, PartialEq)]
pub struct LiveObject {
    pub id: ObjectRef,
    pub metadata: ObjectMeta,
}

impl LiveObject {
    /// A listed object of `kind` (`Pod` or one of [`Kind`]'s names).
    #[must_use]
    pub fn new(kind: &str, metadata: ObjectMeta) -> Self {
        let id = ObjectRef {
            kind: kind.to_owned(),
            namespace: metadata.namespace.clone(),
            name: metadata.name.clone().unwrap_or_default(),
        };
        Self { id, metadata }
    }

    /// An item of a list response (`{"metadata": {...}, ...}`) as JSON, of a known `kind`;
    /// `None` when it has no readable metadata.
    #[must_use]
    pub fn from_json(kind: &str, item: &serde_json::Value) -> Option<Self> {
        let metadata = serde_json::from_value(item.get("metadata")?.clone()).ok()?;
        Some(Self::new(kind, metadata))
    }

    /// The kind, when compose2kube makes it.
    #[must_use]
    pub fn kind(&self) -> Option<Kind> {
        Kind::from_name(&self.id.kind)
    }

    #[must_use]
    pub fn label(&self, key: &str) -> Option<&str> {
        lookup(self.metadata.labels.as_ref(), key)
    }

    #[must_use]
    pub fn annotation(&self, key: &str) -> Option<&str> {
        lookup(self.metadata.annotations.as_ref(), key)
    }

    /// Whether another object owns it (a controller made it; it goes with its owner).
    #[must_use]
    pub fn has_owner(&self) -> bool {
        self.metadata
            .owner_references
            .as_ref()
            .is_some_and(|o| !o.is_empty())
    }
}

fn lookup<'a>(map: Option<&'a BTreeMap<String, String>>, key: &str) -> Option<&'a str> {
    map.and_then(|m| m.get(key)).map(String::as_str)
}

/// The namespace `apply` puts the project in: the project's Namespace (`-n`), else the
/// kubeconfig context's namespace.
#[must_use]
pub fn target_namespace(objects: &[Object], context_namespace: &str) -> String {
    objects
        .iter()
        .find_map(|o| match o {
            Object::Namespace(n) => n.metadata.name.clone(),
            _ => None,
        })
        .unwrap_or_else(|| context_namespace.to_owned())
}

/// A duration as `kubectl` writes them: `90s`, `5m`, `1h30m`, or plain seconds (`90`).
pub fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let invalid = || format!("`{text}` is not a duration (write it as 30s, 5m or 1h30m)");
    if let Ok(seconds) = text.parse::<u64>() {
        return Ok(std::time::Duration::from_secs(seconds));
    }
    let mut total: u64 = 0;
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => return Err(invalid()),
        };
        let value: u64 = number.parse().map_err(|_| invalid())?;
        total = value
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(invalid)?;
        number.clear();
    }
    if !number.is_empty() || text.is_empty() {
        return Err(invalid());
    }
    Ok(std::time::Duration::from_secs(total))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn durations_are_read_as_kubectl_writes_them() {
        assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_mins(90)));
        for bad in ["", "5x", "m", "5m3", "-1s"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
