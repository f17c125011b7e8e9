//! The order `apply` sends objects in and `down` and `--prune` delete them in. The order
//! itself is defined once, by [`Kind`](crate::emit::Kind) in `emit` (the order `convert` writes objects in too);
//! this module only applies it.

use super::LiveObject;
use crate::emit::Object;

/// The objects in apply order: by stage, objects of one stage in the order they were emitted.
#[must_use]
pub fn for_apply(objects: &[Object]) -> Vec<&Object> {
    crate::emit::in_apply_order(objects)
}

/// Deletion order: the reverse of apply order (kinds in reverse of their declaration order),
/// then by namespace and name. Kinds compose2kube does not make come first.
pub fn sort_for_deletion(objects: &mut [&LiveObject]) {
    objects.sort_by(|a, b| {
        deletion_rank(b)
            .cmp(&deletion_rank(a))
            .then_with(|| a.id.cmp(&b.id))
    });
}

/// Higher ranks are deleted first: kinds declared later in [`Kind`](crate::emit::Kind) (whose declaration
/// order is the apply order), and before them all kinds compose2kube does not make.
fn deletion_rank(object: &LiveObject) -> usize {
    object.kind().map_or(usize::MAX, |kind| kind as usize)
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::apps::v1::Deployment;
    use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
    use k8s_openapi::api::core::v1::{ConfigMap, Namespace, Service};
    use k8s_openapi::api::networking::v1::NetworkPolicy;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    use super::*;

    fn meta(name: &str) -> ObjectMeta {
        ObjectMeta {
            name: Some(name.into()),
            ..ObjectMeta::default()
        }
    }

    #[test]
    fn objects_are_applied_namespace_data_services_workloads_then_policies() {
        let objects = vec![
            Object::HorizontalPodAutoscaler(HorizontalPodAutoscaler {
                metadata: meta("web"),
                ..HorizontalPodAutoscaler::default()
            }),
            Object::NetworkPolicy(NetworkPolicy {
                metadata: meta("isolate"),
                ..NetworkPolicy::default()
            }),
            Object::Deployment(Deployment {
                metadata: meta("web"),
                ..Deployment::default()
            }),
            Object::Service(Service {
                metadata: meta("web"),
                ..Service::default()
            }),
            Object::ConfigMap(ConfigMap {
                metadata: meta("b"),
                ..ConfigMap::default()
            }),
            Object::ConfigMap(ConfigMap {
                metadata: meta("a"),
                ..ConfigMap::default()
            }),
            Object::Namespace(Namespace {
                metadata: meta("shop"),
                ..Namespace::default()
            }),
        ];
        let order: Vec<String> = for_apply(&objects)
            .iter()
            .map(|o| format!("{} {}", o.kind(), o.name()))
            .collect();
        assert_eq!(
            order,
            [
                "Namespace shop",
                "ConfigMap b",
                "ConfigMap a",
                "Service web",
                "Deployment web",
                "HorizontalPodAutoscaler web",
                "NetworkPolicy isolate",
            ]
        );
    }

    #[test]
    fn deletion_runs_in_the_reverse_of_apply_order() {
        let live = |kind: &str, name: &str| {
            LiveObject::new(
                kind,
                ObjectMeta {
                    name: Some(name.into()),
                    namespace: (kind != "Namespace").then(|| "shop".to_owned()),
                    ..ObjectMeta::default()
                },
            )
        };
        let objects = [
            live("Namespace", "shop"),
            live("ConfigMap", "b"),
            live("Deployment", "web"),
            live("ConfigMap", "a"),
            live("HorizontalPodAutoscaler", "web"),
            live("Ingress", "web"),
            live("NetworkPolicy", "isolate"),
            live("Service", "web"),
            live("ServiceAccount", "waiter"),
        ];
        let mut refs: Vec<&LiveObject> = objects.iter().collect();
        sort_for_deletion(&mut refs);
        let order: Vec<String> = refs.iter().map(|o| o.id.to_string()).collect();
        assert_eq!(
            order,
            [
                "HorizontalPodAutoscaler shop/web",
                "Ingress shop/web",
                "NetworkPolicy shop/isolate",
                "Deployment shop/web",
                "Service shop/web",
                "ConfigMap shop/a",
                "ConfigMap shop/b",
                "ServiceAccount shop/waiter",
                "Namespace shop",
            ]
        );
    }
}
