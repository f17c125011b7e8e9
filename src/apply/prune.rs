//! Which live objects belong to a project, and which of them `--prune` and `down` delete.
//!
//! An object is the project's only when it carries **both** labels compose2kube puts on
//! everything it makes: `app.kubernetes.io/part-of=<project>` and
//! `app.kubernetes.io/managed-by=compose2kube`. Anything else — a user's object that happens to
//! share the `part-of` label, another tool's — is never deleted.

use super::{LiveObject, ObjectRef};
use crate::plan::labels::{MANAGED_BY, MANAGER, PART_OF};

/// The label selector that lists a project's objects.
#[must_use]
pub fn selector(project: &str) -> String {
    format!("{PART_OF}={project},{MANAGED_BY}={MANAGER}")
}

/// Whether a live object carries both of the project's labels.
#[must_use]
pub fn belongs_to(object: &LiveObject, project: &str) -> bool {
    object.labels.get(PART_OF).map(String::as_str) == Some(project)
        && object.labels.get(MANAGED_BY).map(String::as_str) == Some(MANAGER)
}

/// What `apply --prune` deletes: the project's objects that the conversion no longer makes,
/// in deletion order (the reverse of apply order). Namespaces are never pruned: deleting one
/// deletes everything in it, which only `down` may do.
#[must_use]
pub fn to_prune<'a>(
    live: &'a [LiveObject],
    desired: &[ObjectRef],
    project: &str,
) -> Vec<&'a LiveObject> {
    let mut doomed: Vec<&LiveObject> = live
        .iter()
        .filter(|o| belongs_to(o, project))
        .filter(|o| !super::order::is_cluster_scoped(&o.id.kind))
        .filter(|o| !desired.contains(&o.id))
        .collect();
    sort_for_deletion(&mut doomed);
    doomed
}

/// Namespaces `down` never deletes, whatever their labels say.
const SYSTEM_NAMESPACES: [&str; 4] = ["default", "kube-system", "kube-public", "kube-node-lease"];

/// What `down` deletes: every object of the project, in deletion order, the Namespace last
/// (never a system namespace).
#[must_use]
pub fn to_take_down<'a>(live: &'a [LiveObject], project: &str) -> Vec<&'a LiveObject> {
    let mut doomed: Vec<&LiveObject> = live
        .iter()
        .filter(|o| belongs_to(o, project))
        .filter(|o| !(o.id.kind == "Namespace" && SYSTEM_NAMESPACES.contains(&o.id.name.as_str())))
        .collect();
    sort_for_deletion(&mut doomed);
    doomed
}

fn sort_for_deletion(objects: &mut [&LiveObject]) {
    objects.sort_by(|a, b| {
        super::order::stage(&b.id.kind)
            .cmp(&super::order::stage(&a.id.kind))
            .then_with(|| a.id.cmp(&b.id))
    });
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn live(kind: &str, name: &str, labels: &[(&str, &str)]) -> LiveObject {
        LiveObject {
            id: reference(kind, name),
            labels: labels
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<BTreeMap<_, _>>(),
        }
    }

    fn reference(kind: &str, name: &str) -> ObjectRef {
        ObjectRef {
            kind: kind.into(),
            namespace: (kind != "Namespace").then(|| "shop".to_owned()),
            name: name.into(),
        }
    }

    const OURS: [(&str, &str); 2] = [(PART_OF, "shop"), (MANAGED_BY, MANAGER)];

    #[test]
    fn the_selector_names_both_labels() {
        assert_eq!(
            selector("shop"),
            "app.kubernetes.io/part-of=shop,app.kubernetes.io/managed-by=compose2kube"
        );
    }

    #[test]
    fn prune_deletes_only_the_projects_objects_the_conversion_no_longer_makes() {
        let objects = [
            live("Deployment", "web", &OURS),
            live("Deployment", "old", &OURS),
            live("Service", "old", &OURS),
            // Only one of the two labels, or another project's: never deleted.
            live("Deployment", "mine", &[(PART_OF, "shop")]),
            live("Deployment", "tool", &[(MANAGED_BY, MANAGER)]),
            live(
                "Deployment",
                "other",
                &[(PART_OF, "blog"), (MANAGED_BY, MANAGER)],
            ),
            live("ConfigMap", "unlabelled", &[]),
            // Namespaces are left to `down`.
            live("Namespace", "shop", &OURS),
        ];
        let desired = [reference("Deployment", "web"), reference("Service", "web")];
        let pruned: Vec<String> = to_prune(&objects, &desired, "shop")
            .iter()
            .map(|o| o.id.to_string())
            .collect();
        assert_eq!(pruned, ["Deployment shop/old", "Service shop/old"]);
    }

    #[test]
    fn an_object_of_the_same_name_in_another_namespace_is_not_the_desired_one() {
        let mut elsewhere = live("Deployment", "web", &OURS);
        elsewhere.id.namespace = Some("staging".into());
        let objects = [elsewhere];
        let pruned = to_prune(&objects, &[reference("Deployment", "web")], "shop");
        assert_eq!(pruned.len(), 1);
    }

    #[test]
    fn down_deletes_policies_first_and_the_namespace_last_but_never_a_system_one() {
        let objects = [
            live("Namespace", "shop", &OURS),
            live("Service", "web", &OURS),
            live("NetworkPolicy", "isolate", &OURS),
            live("Deployment", "web", &OURS),
            live("Secret", "token", &[(PART_OF, "shop")]),
            live("Namespace", "default", &OURS),
        ];
        let order: Vec<String> = to_take_down(&objects, "shop")
            .iter()
            .map(|o| o.id.to_string())
            .collect();
        assert_eq!(
            order,
            [
                "NetworkPolicy shop/isolate",
                "Deployment shop/web",
                "Service shop/web",
                "Namespace shop"
            ]
        );
    }
}
