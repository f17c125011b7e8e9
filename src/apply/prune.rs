//! Which live objects `--prune` and `down` delete, and what `down` does with the Namespace.
//!
//! Both look in **one namespace** — the one they are pointed at (`-n`, else the kubeconfig
//! context's) — and never across the cluster. There an object is the project's only when it
//! carries **both** labels compose2kube puts on everything it makes:
//! `app.kubernetes.io/part-of=<project>` and `app.kubernetes.io/managed-by=compose2kube`.
//! Anything else — a user's object that happens to share the `part-of` label, another tool's,
//! another project's — is never deleted.
//!
//! `--prune` never deletes a Namespace. `down` deletes the Namespace it is pointed at last, and
//! only when compose2kube created it for this project ([`namespace::CREATED_FOR`]), it is not
//! a system namespace, and nothing but the project's objects is left in it.

use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::namespace::{self, Origin};
use super::{LiveObject, ObjectRef, order};
use crate::emit::{Kind, Object};
use crate::plan::labels::{MANAGED_BY, MANAGER, PART_OF};

/// The label selector that lists a project's objects.
#[must_use]
pub fn selector(project: &str) -> String {
    format!("{PART_OF}={project},{MANAGED_BY}={MANAGER}")
}

/// Whether metadata carries both of the project's labels.
#[must_use]
pub fn labelled_for(metadata: &ObjectMeta, project: &str) -> bool {
    let labels = metadata.labels.as_ref();
    let label = |key: &str| labels.and_then(|l| l.get(key)).map(String::as_str);
    label(PART_OF) == Some(project) && label(MANAGED_BY) == Some(MANAGER)
}

/// Whether a live object is the project's: a kind compose2kube makes (other than a Namespace,
/// whose ownership is its creation annotation), with both of the project's labels.
#[must_use]
pub fn belongs_to(object: &LiveObject, project: &str) -> bool {
    object.kind().is_some_and(|k| !k.is_cluster_scoped()) && labelled_for(&object.metadata, project)
}

fn in_namespace(object: &LiveObject, namespace: &str) -> bool {
    object.id.namespace.as_deref() == Some(namespace)
}

/// What `apply --prune` deletes: the project's objects in `namespace` (where the conversion
/// was applied) that the conversion no longer makes, in deletion order. Never a Namespace, and
/// never the claims a StatefulSet made from its claim templates (`<template>-<set>-<ordinal>`):
/// they hold the set's data, and no conversion lists them.
#[must_use]
pub fn to_prune<'a>(
    live: &'a [LiveObject],
    desired: &[Object],
    project: &str,
    namespace: &str,
) -> Vec<&'a LiveObject> {
    let wanted: Vec<ObjectRef> = desired
        .iter()
        .map(|o| ObjectRef::of(o, namespace))
        .collect();
    let templates = claim_template_prefixes(desired);
    let mut doomed: Vec<&LiveObject> = live
        .iter()
        .filter(|o| in_namespace(o, namespace))
        .filter(|o| belongs_to(o, project))
        .filter(|o| !wanted.contains(&o.id))
        .filter(|o| {
            !(o.id.kind == Kind::PersistentVolumeClaim.as_str()
                && templates.iter().any(|p| is_ordinal_of(&o.id.name, p)))
        })
        .collect();
    order::sort_for_deletion(&mut doomed);
    doomed
}

/// `<template>-<statefulset>-` for every claim template of the desired StatefulSets.
fn claim_template_prefixes(desired: &[Object]) -> Vec<String> {
    desired
        .iter()
        .filter_map(|o| match o {
            Object::StatefulSet(s) => Some(s),
            _ => None,
        })
        .flat_map(|set| {
            let name = set.metadata.name.clone().unwrap_or_default();
            set.spec
                .iter()
                .flat_map(|s| s.volume_claim_templates.iter().flatten())
                .filter_map(move |t| Some(format!("{}-{name}-", t.metadata.name.as_deref()?)))
        })
        .collect()
}

fn is_ordinal_of(name: &str, prefix: &str) -> bool {
    name.strip_prefix(prefix)
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// What `down` does with the Namespace it was pointed at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NamespaceFate {
    /// Deleted, after everything else.
    Delete,
    /// Kept, and why.
    Keep(Keep),
    /// There is no such Namespace, or it is already being deleted.
    Gone,
}

/// Why `down` keeps a Namespace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Keep {
    /// `default`, `kube-system`, `kube-public`, `kube-node-lease`.
    System,
    /// It was not created by compose2kube (or by it for another project).
    NotCreated(Origin),
    /// It holds objects that are not the project's (among the kinds `down` lists).
    HoldsOthers(Vec<ObjectRef>),
    /// The user did not confirm (or could not: no terminal and no `--yes`).
    NotConfirmed,
}

/// What `down` deletes in one namespace.
#[derive(Clone, Debug, PartialEq)]
pub struct TakeDown<'a> {
    pub namespace: String,
    /// The project's objects in the namespace, in deletion order.
    pub objects: Vec<&'a LiveObject>,
    pub fate: NamespaceFate,
}

impl TakeDown<'_> {
    /// Everything to delete, in order: the objects, then the Namespace when it goes.
    #[must_use]
    pub fn deletions(&self) -> Vec<ObjectRef> {
        let mut all: Vec<ObjectRef> = self.objects.iter().map(|o| o.id.clone()).collect();
        if self.fate == NamespaceFate::Delete {
            all.push(ObjectRef {
                kind: Kind::Namespace.as_str().to_owned(),
                namespace: None,
                name: self.namespace.clone(),
            });
        }
        all
    }

    /// Why the Namespace stays, as a line for the user (`None` when it goes or is gone).
    #[must_use]
    pub fn kept_line(&self) -> Option<String> {
        let NamespaceFate::Keep(why) = &self.fate else {
            return None;
        };
        let name = &self.namespace;
        Some(match why {
            Keep::System => format!("kept Namespace {name} (a system namespace)"),
            Keep::NotCreated(Origin::CreatedForProject(other)) => {
                format!("kept Namespace {name} (compose2kube created it for project `{other}`)")
            }
            Keep::NotCreated(_) => {
                format!("kept Namespace {name} (it was not created by compose2kube)")
            }
            Keep::HoldsOthers(others) => {
                let mut line = format!(
                    "kept Namespace {name}: it also holds {} that compose2kube did not make for this project:",
                    plural(others.len(), "object")
                );
                for other in others {
                    line.push_str("\n  ");
                    line.push_str(&other.to_string());
                }
                line + &format!(
                    "\n  delete them first, or delete the namespace with them: `kubectl delete namespace {name}`"
                )
            }
            Keep::NotConfirmed => format!(
                "kept Namespace {name} (compose2kube created it; `down --yes` deletes it too)"
            ),
        })
    }

    /// The question to ask before deleting the Namespace.
    #[must_use]
    pub fn question(&self) -> String {
        format!(
            "Namespace {} was created by compose2kube for this project and holds nothing else; delete it after its {}?",
            self.namespace,
            plural(self.objects.len(), "object")
        )
    }
}

/// What `down` deletes in `target`: every object of the project there, in deletion order, and
/// the Namespace last when compose2kube created it for this project and nothing else is left
/// in it. `live` is what was listed in the namespace (any labels; objects listed elsewhere
/// are ignored) and `namespace` the Namespace as read (`None`: it does not exist).
#[must_use]
pub fn take_down<'a>(
    live: &'a [LiveObject],
    namespace: Option<&Namespace>,
    project: &str,
    target: &str,
) -> TakeDown<'a> {
    let here: Vec<&LiveObject> = live.iter().filter(|o| in_namespace(o, target)).collect();
    let mut objects: Vec<&LiveObject> = here
        .iter()
        .copied()
        .filter(|o| belongs_to(o, project))
        .collect();
    order::sort_for_deletion(&mut objects);
    let fate = match namespace {
        None => NamespaceFate::Gone,
        Some(ns) if namespace::is_terminating(ns) => NamespaceFate::Gone,
        Some(_) if namespace::SYSTEM.contains(&target) => NamespaceFate::Keep(Keep::System),
        Some(ns) => match namespace::origin(ns, project) {
            Origin::CreatedForThisProject => {
                let service_accounts: Vec<&str> = objects
                    .iter()
                    .filter(|o| o.kind() == Some(Kind::ServiceAccount))
                    .map(|o| o.id.name.as_str())
                    .collect();
                let mut others: Vec<ObjectRef> = here
                    .iter()
                    .filter(|o| !belongs_to(o, project))
                    .filter(|o| !o.has_owner() && !is_automatic(o, &service_accounts))
                    .map(|o| o.id.clone())
                    .collect();
                others.sort();
                if others.is_empty() {
                    NamespaceFate::Delete
                } else {
                    NamespaceFate::Keep(Keep::HoldsOthers(others))
                }
            }
            other => NamespaceFate::Keep(Keep::NotCreated(other)),
        },
    };
    TakeDown {
        namespace: target.to_owned(),
        objects,
        fate,
    }
}

/// What Kubernetes puts in every namespace by itself: the `kube-root-ca.crt` ConfigMap, the
/// `default` ServiceAccount, and the token Secrets of that account or of the project's own
/// accounts (clusters before 1.24 make them).
fn is_automatic(object: &LiveObject, project_accounts: &[&str]) -> bool {
    match object.id.kind.as_str() {
        "ConfigMap" => object.id.name == "kube-root-ca.crt",
        "ServiceAccount" => object.id.name == "default",
        "Secret" => object
            .annotation("kubernetes.io/service-account.name")
            .is_some_and(|a| a == "default" || project_accounts.contains(&a)),
        _ => false,
    }
}

/// Whether `down` may delete the Namespace, once it has decided it would.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Consent {
    /// `--yes`.
    Given,
    /// Standard input is a terminal: ask.
    Ask,
    /// No terminal and no `--yes`: keep the Namespace (as `helm uninstall` keeps the namespace
    /// `--create-namespace` made; a script says `--yes` to delete it).
    Withheld,
}

/// Whether to delete a Namespace without asking, ask, or keep it.
#[must_use]
pub fn consent(yes: bool, stdin_is_terminal: bool) -> Consent {
    match (yes, stdin_is_terminal) {
        (true, _) => Consent::Given,
        (false, true) => Consent::Ask,
        (false, false) => Consent::Withheld,
    }
}

/// The Namespaces (from a cluster-wide list) other than `target` that compose2kube created for
/// the project or that carry its labels: where `down` could be pointed instead, when it found
/// nothing in `target` (not those already being deleted). Only a hint: `down` never deletes
/// anything outside `target`.
#[must_use]
pub fn elsewhere(namespaces: &[Namespace], project: &str, target: &str) -> Vec<String> {
    let mut names: Vec<String> = namespaces
        .iter()
        .filter(|n| {
            namespace::origin(n, project) == Origin::CreatedForThisProject
                || labelled_for(&n.metadata, project)
        })
        .filter(|n| !namespace::is_terminating(n))
        .filter_map(|n| n.metadata.name.clone())
        .filter(|n| n != target)
        .collect();
    names.sort();
    names.dedup();
    names
}

/// `1 object`, `2 objects`.
fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_selector_names_both_labels() {
        assert_eq!(
            selector("shop"),
            "app.kubernetes.io/part-of=shop,app.kubernetes.io/managed-by=compose2kube"
        );
    }

    #[test]
    fn claim_ordinals_are_recognised_only_after_the_full_prefix() {
        assert!(is_ordinal_of("data-db-0", "data-db-"));
        assert!(is_ordinal_of("data-db-12", "data-db-"));
        assert!(!is_ordinal_of("data-db-", "data-db-"));
        assert!(!is_ordinal_of("data-db-x", "data-db-"));
        assert!(!is_ordinal_of("data-dbx-0", "data-db-"));
    }

    #[test]
    fn consent_is_asked_on_a_terminal_and_needs_yes_without_one() {
        assert_eq!(consent(true, false), Consent::Given);
        assert_eq!(consent(true, true), Consent::Given);
        assert_eq!(consent(false, true), Consent::Ask);
        assert_eq!(consent(false, false), Consent::Withheld);
    }
}
