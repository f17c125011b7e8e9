//! `apply` and `down`: the converted objects on a cluster.
//!
//! Everything that can be decided without a cluster is pure and tested here: the order objects
//! are applied in ([`order`]), which live objects `--prune` and `down` delete ([`prune`]), when a
//! workload counts as ready and why a Pod is not ([`readiness`]), and how an API error is told
//! ([`failure`]). The part that talks to the API server ([`client`], behind the `apply` feature)
//! is thin: it sends, lists and deletes, and asks these modules what to do.

#[cfg(feature = "apply")]
pub mod client;
pub mod failure;
pub mod order;
pub mod prune;
pub mod readiness;

use std::collections::BTreeMap;

use crate::emit::Object;

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
        let namespace = (!order::is_cluster_scoped(object.kind())).then(|| {
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

/// A live object as listed from the cluster: its identity and labels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveObject {
    pub id: ObjectRef,
    pub labels: BTreeMap<String, String>,
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
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        for bad in ["", "5x", "m", "5m3", "-1s"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
