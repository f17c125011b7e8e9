//! The order objects are applied in: what others refer to exists before them. The Namespace
//! first; then data, storage and identities (ConfigMaps, Secrets, claims, ServiceAccounts,
//! RBAC); Services, so that their names resolve when Pods start; workloads; and last what
//! refers to workloads or Services (autoscalers, Ingresses, NetworkPolicies). Deletion runs in
//! the reverse order.

use crate::emit::Object;

/// Every kind compose2kube makes, in apply order (what `down` and `--prune` look for).
pub const KINDS: [&str; 16] = [
    "Namespace",
    "ServiceAccount",
    "Role",
    "RoleBinding",
    "ConfigMap",
    "Secret",
    "PersistentVolumeClaim",
    "Service",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "HorizontalPodAutoscaler",
    "Ingress",
    "NetworkPolicy",
];

/// The stage of a kind: lower stages are applied first.
#[must_use]
pub fn stage(kind: &str) -> u8 {
    match kind {
        "Namespace" => 0,
        "ConfigMap"
        | "Secret"
        | "PersistentVolumeClaim"
        | "ServiceAccount"
        | "Role"
        | "RoleBinding" => 1,
        "Service" => 2,
        "Deployment" | "StatefulSet" | "DaemonSet" | "Job" | "CronJob" => 3,
        _ => 4,
    }
}

/// Whether a kind lives outside namespaces.
#[must_use]
pub fn is_cluster_scoped(kind: &str) -> bool {
    kind == "Namespace"
}

/// The objects in apply order; objects of one stage keep the order they were emitted in.
#[must_use]
pub fn for_apply(objects: &[Object]) -> Vec<&Object> {
    let mut ordered: Vec<&Object> = objects.iter().collect();
    ordered.sort_by_key(|o| stage(o.kind()));
    ordered
}

/// Workloads: what `--wait` waits for.
#[must_use]
pub fn is_workload(kind: &str) -> bool {
    stage(kind) == 3
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::apps::v1::Deployment;
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
                "NetworkPolicy isolate"
            ]
        );
    }

    #[test]
    fn the_kind_list_is_in_apply_order_and_covers_every_stage() {
        let stages: Vec<u8> = KINDS.iter().map(|k| stage(k)).collect();
        assert!(stages.is_sorted(), "{stages:?}");
        assert_eq!(stages.first(), Some(&0));
        assert_eq!(stages.last(), Some(&4));
        assert!(is_workload("CronJob") && !is_workload("Service"));
    }
}
