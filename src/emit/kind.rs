//! The kinds compose2kube makes and the order they are applied in — the one place that order
//! is defined. [`emit::objects`](super::objects) makes its objects in it, `apply` sends them
//! in it, and `down` and `--prune` list these kinds and delete in the reverse order.
//!
//! Objects are applied in stages, so that what others refer to exists before them: the
//! Namespace; data, storage and identities (ServiceAccounts, RBAC, ConfigMaps, Secrets,
//! claims); Services, so that their names resolve when Pods start; workloads; and last what
//! refers to workloads or Services (NetworkPolicies, Ingresses, autoscalers). Inside a stage
//! objects keep the order they were emitted in (the order of the Compose services).

use super::Object;

/// One kind compose2kube makes, declared in apply order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Namespace,
    ServiceAccount,
    Role,
    RoleBinding,
    ConfigMap,
    Secret,
    PersistentVolumeClaim,
    Service,
    Deployment,
    StatefulSet,
    DaemonSet,
    Job,
    CronJob,
    NetworkPolicy,
    Ingress,
    HttpRoute,
    HorizontalPodAutoscaler,
}

impl Kind {
    /// Every kind, in apply order.
    pub const ALL: [Self; 17] = [
        Self::Namespace,
        Self::ServiceAccount,
        Self::Role,
        Self::RoleBinding,
        Self::ConfigMap,
        Self::Secret,
        Self::PersistentVolumeClaim,
        Self::Service,
        Self::Deployment,
        Self::StatefulSet,
        Self::DaemonSet,
        Self::Job,
        Self::CronJob,
        Self::NetworkPolicy,
        Self::Ingress,
        Self::HttpRoute,
        Self::HorizontalPodAutoscaler,
    ];

    /// The stage of the kind: lower stages are applied first, and deleted last.
    #[must_use]
    pub const fn stage(self) -> u8 {
        match self {
            Self::Namespace => 0,
            Self::ServiceAccount
            | Self::Role
            | Self::RoleBinding
            | Self::ConfigMap
            | Self::Secret
            | Self::PersistentVolumeClaim => 1,
            Self::Service => 2,
            Self::Deployment | Self::StatefulSet | Self::DaemonSet | Self::Job | Self::CronJob => 3,
            Self::NetworkPolicy
            | Self::Ingress
            | Self::HttpRoute
            | Self::HorizontalPodAutoscaler => 4,
        }
    }

    /// The Kubernetes name of the kind.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Namespace => "Namespace",
            Self::ServiceAccount => "ServiceAccount",
            Self::Role => "Role",
            Self::RoleBinding => "RoleBinding",
            Self::ConfigMap => "ConfigMap",
            Self::Secret => "Secret",
            Self::PersistentVolumeClaim => "PersistentVolumeClaim",
            Self::Service => "Service",
            Self::Deployment => "Deployment",
            Self::StatefulSet => "StatefulSet",
            Self::DaemonSet => "DaemonSet",
            Self::Job => "Job",
            Self::CronJob => "CronJob",
            Self::NetworkPolicy => "NetworkPolicy",
            Self::Ingress => "Ingress",
            Self::HttpRoute => "HTTPRoute",
            Self::HorizontalPodAutoscaler => "HorizontalPodAutoscaler",
        }
    }

    /// The kind of this Kubernetes name, when compose2kube makes it.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// Whether objects of the kind live outside namespaces.
    #[must_use]
    pub const fn is_cluster_scoped(self) -> bool {
        matches!(self, Self::Namespace)
    }

    /// Whether the kind runs Pods (what `apply --wait` waits for).
    #[must_use]
    pub const fn is_workload(self) -> bool {
        self.stage() == 3
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// References to objects in apply order: by stage, objects of one stage in the order they came.
#[must_use]
pub fn in_apply_order(objects: &[Object]) -> Vec<&Object> {
    let mut ordered: Vec<&Object> = objects.iter().collect();
    ordered.sort_by_key(|o| o.typed_kind().stage());
    ordered
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kinds_are_declared_in_stage_order_and_named_once() {
        let stages: Vec<u8> = Kind::ALL.iter().map(|k| k.stage()).collect();
        assert!(stages.is_sorted(), "{stages:?}");
        assert!(Kind::ALL.is_sorted(), "ALL follows the declaration");
        for kind in Kind::ALL {
            assert_eq!(Kind::from_name(kind.as_str()), Some(kind));
        }
        assert_eq!(Kind::from_name("Pod"), None);
        assert!(Kind::CronJob.is_workload() && !Kind::Service.is_workload());
        assert!(Kind::Namespace.is_cluster_scoped() && !Kind::Role.is_cluster_scoped());
    }
}
