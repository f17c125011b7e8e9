//! The project's Namespace (`apply -n NAME`). compose2kube creates it only when it does not
//! exist, and records that it did in the annotation [`CREATED_FOR`] (the project's name) —
//! written at creation and never afterwards. A Namespace that already exists is never sent:
//! no label, no annotation, no field of it changes. `down` deletes a Namespace only when that
//! annotation names its project ([`Origin::CreatedForThisProject`]).

use k8s_openapi::api::core::v1::Namespace;

/// The annotation that records that compose2kube created a Namespace, and for which project.
pub const CREATED_FOR: &str = "compose2kube.io/created-for";

/// Namespaces never deleted, whatever they carry.
pub const SYSTEM: [&str; 4] = ["default", "kube-system", "kube-public", "kube-node-lease"];

/// Who made an existing Namespace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// compose2kube created it for this project.
    CreatedForThisProject,
    /// compose2kube created it for another project.
    CreatedForProject(String),
    /// It existed before compose2kube was pointed at it (or someone else made it).
    NotCreatedByCompose2kube,
}

/// Who made `namespace`, as far as `project` is concerned. Labels say nothing here: only the
/// creation annotation counts, so a Namespace that a user (or an older compose2kube) labelled
/// is never taken for the project's.
#[must_use]
pub fn origin(namespace: &Namespace, project: &str) -> Origin {
    let created_for = namespace
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(CREATED_FOR));
    match created_for {
        Some(p) if p == project => Origin::CreatedForThisProject,
        Some(p) => Origin::CreatedForProject(p.clone()),
        None => Origin::NotCreatedByCompose2kube,
    }
}

/// Whether a Namespace is being deleted.
#[must_use]
pub fn is_terminating(namespace: &Namespace) -> bool {
    namespace.metadata.deletion_timestamp.is_some()
        || namespace.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Terminating")
}

/// What `apply` does with the project's Namespace.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// It does not exist: create this (the converted Namespace with [`CREATED_FOR`]).
    Create(Box<Namespace>),
    /// It exists: send nothing.
    Leave(Origin),
    /// It is being deleted (a `down` moments ago): nothing can be applied into it.
    Terminating,
}

/// What to do with the converted Namespace `desired`, given the live one (`None`: absent).
#[must_use]
pub fn step(desired: &Namespace, live: Option<&Namespace>, project: &str) -> Step {
    match live {
        None => Step::Create(Box::new(for_creation(desired, project))),
        Some(live) if is_terminating(live) => Step::Terminating,
        Some(live) => Step::Leave(origin(live, project)),
    }
}

/// The Namespace to create: the converted one with the creation annotation.
#[must_use]
pub fn for_creation(desired: &Namespace, project: &str) -> Namespace {
    let mut namespace = desired.clone();
    namespace
        .metadata
        .annotations
        .get_or_insert_default()
        .insert(CREATED_FOR.to_owned(), project.to_owned());
    namespace
}

/// The progress line of a Namespace that is left as it is.
#[must_use]
pub fn left_line(name: &str, origin: &Origin) -> String {
    match origin {
        Origin::CreatedForThisProject => {
            format!("unchanged Namespace {name} (compose2kube created it for this project)")
        }
        Origin::CreatedForProject(other) => format!(
            "unchanged Namespace {name} (compose2kube created it for project `{other}`; left as it is, and `down` of this project keeps it)"
        ),
        Origin::NotCreatedByCompose2kube => format!(
            "unchanged Namespace {name} (it already existed: left exactly as it is, and `down` keeps it)"
        ),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use k8s_openapi::api::core::v1::NamespaceStatus;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    use super::*;

    fn namespace(annotations: &[(&str, &str)]) -> Namespace {
        Namespace {
            metadata: ObjectMeta {
                name: Some("shop".into()),
                annotations: Some(
                    annotations
                        .iter()
                        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                        .collect::<BTreeMap<_, _>>(),
                ),
                ..ObjectMeta::default()
            },
            ..Namespace::default()
        }
    }

    #[test]
    fn only_the_creation_annotation_says_who_made_a_namespace() {
        assert_eq!(
            origin(&namespace(&[(CREATED_FOR, "shop")]), "shop"),
            Origin::CreatedForThisProject
        );
        assert_eq!(
            origin(&namespace(&[(CREATED_FOR, "blog")]), "shop"),
            Origin::CreatedForProject("blog".into())
        );
        assert_eq!(
            origin(&namespace(&[]), "shop"),
            Origin::NotCreatedByCompose2kube
        );
    }

    #[test]
    fn a_terminating_namespace_stops_apply() {
        let mut live = namespace(&[(CREATED_FOR, "shop")]);
        live.status = Some(NamespaceStatus {
            phase: Some("Terminating".into()),
            ..NamespaceStatus::default()
        });
        assert_eq!(
            step(&namespace(&[]), Some(&live), "shop"),
            Step::Terminating
        );
    }
}
