//! The labels compose2kube puts on what it creates.
//!
//! Every object carries the recommended `app.kubernetes.io/*` labels, so `kubectl get -l
//! app.kubernetes.io/part-of=<project>` lists the project and `compose2kube down` finds it.
//! Pods also carry one label per Compose network they are on, which NetworkPolicies select.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::hash::HashMap;
use crate::plan::{Context, names};

pub const NAME: &str = "app.kubernetes.io/name";
pub const PART_OF: &str = "app.kubernetes.io/part-of";
pub const MANAGED_BY: &str = "app.kubernetes.io/managed-by";
pub const MANAGER: &str = "compose2kube";
/// Prefix of the per-network Pod labels.
pub const NETWORK_PREFIX: &str = "network.compose2kube.io/";
/// The annotation that keeps, as a JSON object, the Compose labels whose keys are no valid
/// annotation keys (`traefik.http.routers.app.tls.domains[0].main`, names over 63 characters).
pub const COMPOSE_LABELS: &str = "compose2kube.io/compose-labels";

/// A set of labels, shared: a service's Services, workload, policies and claims carry the
/// same sets, which a plan of thousands of services would otherwise hold once per object.
/// `Arc::make_mut` gives a set of its own to change.
pub type LabelSet = Arc<Labels>;

/// Labels in key order, each key once: what a `BTreeMap` of them holds, in a list of their
/// length (a `BTreeMap`'s node has room for eleven, over 500 bytes for the two or three
/// labels of a set; a plan holds two sets per service).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Labels(Vec<(String, String)>);

impl Labels {
    /// Sets `key` to `value`, in key order.
    pub fn insert(&mut self, key: String, value: String) {
        match self.0.binary_search_by(|(k, _)| k.as_str().cmp(&key)) {
            Ok(at) => {
                if let Some(entry) = self.0.get_mut(at) {
                    entry.1 = value;
                }
            }
            Err(at) => self.0.insert(at, (key, value)),
        }
    }

    #[must_use]
    pub fn get(&self, key: &str) -> Option<&String> {
        self.0
            .binary_search_by(|(k, _)| k.as_str().cmp(key))
            .ok()
            .and_then(|at| self.0.get(at))
            .map(|(_, value)| value)
    }

    /// The labels in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.0.iter().map(|(key, value)| (key, value))
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The labels as an object's metadata and selectors write them.
    #[must_use]
    pub fn to_map(&self) -> BTreeMap<String, String> {
        self.0.iter().cloned().collect()
    }
}

impl<const N: usize> From<[(String, String); N]> for Labels {
    fn from(labels: [(String, String); N]) -> Self {
        labels.into_iter().collect()
    }
}

impl FromIterator<(String, String)> for Labels {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(labels: I) -> Self {
        let mut out = Self(Vec::new());
        for (key, value) in labels {
            out.insert(key, value);
        }
        out.0.shrink_to_fit();
        out
    }
}

/// The sets [`common`] and [`selector`] made, by name, so that each is made once.
#[derive(Default)]
pub struct Sets {
    common: RefCell<HashMap<String, LabelSet>>,
    selector: RefCell<HashMap<String, LabelSet>>,
}

/// The labels of every object that belongs to `name` (a service, a volume, a network).
#[must_use]
pub fn common(context: &Context, name: &str) -> LabelSet {
    shared(&context.label_sets.common, name, || {
        let mut labels = (*selector(context, name)).clone();
        labels.insert(MANAGED_BY.into(), MANAGER.into());
        labels
    })
}

/// The set `make` makes for `name`, made once.
fn shared(
    sets: &RefCell<HashMap<String, LabelSet>>,
    name: &str,
    make: impl FnOnce() -> Labels,
) -> LabelSet {
    if let Some(set) = sets.borrow().get(name) {
        return Arc::clone(set);
    }
    let set = Arc::new(make());
    sets.borrow_mut().insert(name.to_owned(), Arc::clone(&set));
    set
}

/// The labels of what belongs to the whole project (its Namespace).
#[must_use]
pub fn project(context: &Context) -> Labels {
    Labels::from([
        (PART_OF.to_owned(), names::label_value(&context.name)),
        (MANAGED_BY.to_owned(), MANAGER.to_owned()),
    ])
}

/// The labels that select the Pods of `name`.
#[must_use]
pub fn selector(context: &Context, name: &str) -> LabelSet {
    shared(&context.label_sets.selector, name, || {
        Labels::from([
            (NAME.to_owned(), names::label_value(name)),
            (PART_OF.to_owned(), names::label_value(&context.name)),
        ])
    })
}

/// The label a Pod on a Compose network carries.
#[must_use]
pub fn network(network: &str) -> String {
    format!("{NETWORK_PREFIX}{}", names::label_value(network))
}

/// The `app.kubernetes.io/part-of` value of a project's objects, from its name as loaded
/// (what `down` and `apply --prune` select by).
#[must_use]
pub fn project_value(project_name: &str) -> String {
    names::label_value(&names::label(project_name))
}

/// A valid label or annotation key: an optional DNS-subdomain prefix and `/`, then a name of
/// at most 63 characters of `A-Za-z0-9-_.` that starts and ends with an alphanumeric.
pub fn valid_key(key: &str) -> bool {
    let (prefix, name) = key.rsplit_once('/').unwrap_or(("", key));
    let prefix_ok = prefix.is_empty()
        || (prefix.len() <= 253
            && prefix.split('.').all(|part| {
                !part.is_empty()
                    && part.len() <= 63
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                    && !part.starts_with('-')
                    && !part.ends_with('-')
            }));
    prefix_ok && !name.is_empty() && names::label_value(name) == name
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::{Labels, valid_key};

    proptest! {
        /// A label list holds what a `BTreeMap` of the same inserts holds, in the same order:
        /// a later value for a key replaces the earlier.
        #[test]
        fn labels_are_a_btreemap(
            inserts in prop::collection::vec(("[a-d]{0,2}", "[xy]{0,2}"), 0..12),
        ) {
            let mut labels = Labels::default();
            let mut map = BTreeMap::new();
            for (key, value) in &inserts {
                labels.insert(key.clone(), value.clone());
                map.insert(key.clone(), value.clone());
            }
            prop_assert_eq!(labels.to_map(), map.clone());
            prop_assert_eq!(labels.iter().collect::<Vec<_>>(), map.iter().collect::<Vec<_>>());
            prop_assert_eq!(labels.len(), map.len());
            for key in ["", "a", "ab", "d", "zz"] {
                prop_assert_eq!(labels.get(key), map.get(key));
            }
            let collected: Labels = inserts.into_iter().collect();
            prop_assert_eq!(collected, labels);
        }
    }

    #[test]
    fn annotation_keys_follow_the_api_servers_rules() {
        assert!(valid_key("traefik.enable"));
        assert!(valid_key("example.com/some_Name.1"));
        assert!(!valid_key(
            "traefik.http.middlewares.authelia.forwardAuth.authResponseHeaders"
        ));
        assert!(!valid_key("traefik.http.routers.app.tls.domains[0].main"));
        assert!(!valid_key("caddy.@match.path"));
        assert!(!valid_key("Example.com/name"));
        assert!(!valid_key("example.com/"));
        assert!(!valid_key("-x"));
    }
}
