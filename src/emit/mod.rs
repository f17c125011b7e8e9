//! The plan as Kubernetes objects (`k8s-openapi` types). Nothing is decided here: every
//! field comes from the plan.

mod kind;

use std::collections::BTreeMap;

use k8s_openapi::ByteString;
use k8s_openapi::api::apps::v1::{
    DaemonSet, DaemonSetSpec, Deployment, DeploymentSpec, StatefulSet, StatefulSetSpec,
};
use k8s_openapi::api::autoscaling::v2::{
    CrossVersionObjectReference, HorizontalPodAutoscaler, HorizontalPodAutoscalerSpec, MetricSpec,
    MetricTarget, ResourceMetricSource,
};
use k8s_openapi::api::batch::v1::{CronJob, CronJobSpec, Job, JobSpec, JobTemplateSpec};
use k8s_openapi::api::core::v1::{
    ConfigMap, Namespace, PersistentVolumeClaim, PersistentVolumeClaimSpec, PodTemplateSpec,
    Secret, Service, ServiceAccount, ServicePort as K8sServicePort, ServiceSpec,
    VolumeResourceRequirements,
};
use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress as K8sIngress, IngressBackend, IngressRule,
    IngressServiceBackend, IngressSpec, IngressTLS, NetworkPolicy, NetworkPolicySpec,
    ServiceBackendPort,
};
use k8s_openapi::api::rbac::v1::{Role, RoleBinding, RoleRef, Subject};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use gateway_api::httproutes::{
    HttpRouteParentRefs, HttpRouteRules, HttpRouteRulesBackendRefs, HttpRouteRulesFilters,
    HttpRouteRulesFiltersRequestRedirect, HttpRouteRulesFiltersRequestRedirectScheme,
    HttpRouteRulesFiltersType, HttpRouteRulesFiltersUrlRewrite,
    HttpRouteRulesFiltersUrlRewritePath, HttpRouteRulesFiltersUrlRewritePathType,
    HttpRouteRulesMatches, HttpRouteRulesMatchesHeaders, HttpRouteRulesMatchesMethod,
    HttpRouteRulesMatchesPath, HttpRouteRulesMatchesPathType, HttpRouteRulesMatchesQueryParams,
    HttpRouteSpec,
};

use crate::plan::labels::Labels;
use crate::plan::ordering::WaitSettings;
use crate::plan::{
    Autoscaler, Claim, Data, HttpFilter, HttpMatch, HttpMethod, HttpRoute as PlannedRoute, Ingress,
    JobWaiter, NetworkService, PathMatch, Plan, Policy, RedirectScheme, ServiceType, Workload,
    WorkloadKind,
};

pub use kind::{Kind, in_apply_order};

/// One Kubernetes object.
// Objects are built once and kept in one list; boxing the large ones would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum Object {
    Namespace(Namespace),
    ServiceAccount(ServiceAccount),
    Role(Role),
    RoleBinding(RoleBinding),
    ConfigMap(ConfigMap),
    Secret(Secret),
    PersistentVolumeClaim(PersistentVolumeClaim),
    Service(Service),
    Deployment(Deployment),
    StatefulSet(StatefulSet),
    DaemonSet(DaemonSet),
    Job(Job),
    CronJob(CronJob),
    NetworkPolicy(NetworkPolicy),
    Ingress(K8sIngress),
    HttpRoute(HttpRoute),
    HorizontalPodAutoscaler(HorizontalPodAutoscaler),
}

/// A Gateway API HTTPRoute: the `gateway-api` crate's typed spec under this crate's
/// `ObjectMeta`. The crate's own `HttpRoute` carries the metadata type of k8s-openapi 0.28,
/// another type than the 0.29 one every other object (and [`Object::metadata`]) uses.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpRoute {
    #[serde(skip_deserializing, default = "http_route_api_version")]
    api_version: &'static str,
    #[serde(skip_deserializing, default = "http_route_kind")]
    kind: &'static str,
    pub metadata: ObjectMeta,
    pub spec: HttpRouteSpec,
}

fn http_route_api_version() -> &'static str {
    HttpRoute::API_VERSION
}

fn http_route_kind() -> &'static str {
    "HTTPRoute"
}

impl HttpRoute {
    pub const API_VERSION: &'static str = "gateway.networking.k8s.io/v1";

    #[must_use]
    pub fn new(metadata: ObjectMeta, spec: HttpRouteSpec) -> Self {
        Self {
            api_version: Self::API_VERSION,
            kind: "HTTPRoute",
            metadata,
            spec,
        }
    }
}

impl Object {
    /// The Kubernetes kind.
    #[must_use]
    pub fn typed_kind(&self) -> Kind {
        match self {
            Self::Namespace(_) => Kind::Namespace,
            Self::ServiceAccount(_) => Kind::ServiceAccount,
            Self::Role(_) => Kind::Role,
            Self::RoleBinding(_) => Kind::RoleBinding,
            Self::ConfigMap(_) => Kind::ConfigMap,
            Self::Secret(_) => Kind::Secret,
            Self::PersistentVolumeClaim(_) => Kind::PersistentVolumeClaim,
            Self::Service(_) => Kind::Service,
            Self::Deployment(_) => Kind::Deployment,
            Self::StatefulSet(_) => Kind::StatefulSet,
            Self::DaemonSet(_) => Kind::DaemonSet,
            Self::Job(_) => Kind::Job,
            Self::CronJob(_) => Kind::CronJob,
            Self::NetworkPolicy(_) => Kind::NetworkPolicy,
            Self::Ingress(_) => Kind::Ingress,
            Self::HttpRoute(_) => Kind::HttpRoute,
            Self::HorizontalPodAutoscaler(_) => Kind::HorizontalPodAutoscaler,
        }
    }

    /// The Kubernetes kind, as written in `kind:`.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        self.typed_kind().as_str()
    }

    #[must_use]
    pub fn metadata(&self) -> &ObjectMeta {
        match self {
            Self::Namespace(o) => &o.metadata,
            Self::ServiceAccount(o) => &o.metadata,
            Self::Role(o) => &o.metadata,
            Self::RoleBinding(o) => &o.metadata,
            Self::ConfigMap(o) => &o.metadata,
            Self::Secret(o) => &o.metadata,
            Self::PersistentVolumeClaim(o) => &o.metadata,
            Self::Service(o) => &o.metadata,
            Self::Deployment(o) => &o.metadata,
            Self::StatefulSet(o) => &o.metadata,
            Self::DaemonSet(o) => &o.metadata,
            Self::Job(o) => &o.metadata,
            Self::CronJob(o) => &o.metadata,
            Self::NetworkPolicy(o) => &o.metadata,
            Self::Ingress(o) => &o.metadata,
            Self::HttpRoute(o) => &o.metadata,
            Self::HorizontalPodAutoscaler(o) => &o.metadata,
        }
    }

    pub fn metadata_mut(&mut self) -> &mut ObjectMeta {
        match self {
            Self::Namespace(o) => &mut o.metadata,
            Self::ServiceAccount(o) => &mut o.metadata,
            Self::Role(o) => &mut o.metadata,
            Self::RoleBinding(o) => &mut o.metadata,
            Self::ConfigMap(o) => &mut o.metadata,
            Self::Secret(o) => &mut o.metadata,
            Self::PersistentVolumeClaim(o) => &mut o.metadata,
            Self::Service(o) => &mut o.metadata,
            Self::Deployment(o) => &mut o.metadata,
            Self::StatefulSet(o) => &mut o.metadata,
            Self::DaemonSet(o) => &mut o.metadata,
            Self::Job(o) => &mut o.metadata,
            Self::CronJob(o) => &mut o.metadata,
            Self::NetworkPolicy(o) => &mut o.metadata,
            Self::Ingress(o) => &mut o.metadata,
            Self::HttpRoute(o) => &mut o.metadata,
            Self::HorizontalPodAutoscaler(o) => &mut o.metadata,
        }
    }

    /// The object's name.
    #[must_use]
    pub fn name(&self) -> &str {
        self.metadata().name.as_deref().unwrap_or_default()
    }
}

/// The objects of the plan one at a time, in apply order ([`Kind::stage`]): the plan's lists come stage by
/// stage (the Namespace; identities, data and claims; Services; workloads; policies, routes
/// and autoscalers), so nothing is sorted and a writer can send each object out before the
/// next is made — a large project's objects are never all in memory.
pub fn objects(plan: &Plan) -> impl Iterator<Item = Object> + '_ {
    let namespace = plan.namespace.as_ref().map(|namespace| {
        Object::Namespace(Namespace {
            metadata: meta(namespace, &plan.namespace_labels, &BTreeMap::new()),
            ..Namespace::default()
        })
    });
    let namespaced = plan
        .job_waiters
        .iter()
        .flat_map(job_waiter)
        .chain(
            plan.config_maps
                .iter()
                .map(|d| Object::ConfigMap(config_map(d))),
        )
        .chain(plan.secrets.iter().map(|d| Object::Secret(secret(d))))
        .chain(
            plan.claims
                .iter()
                .map(|c| Object::PersistentVolumeClaim(claim(c))),
        )
        .chain(plan.services.iter().map(|s| Object::Service(service(s))))
        .chain(
            plan.workloads
                .iter()
                .map(|w| workload(w, &plan.wait_settings)),
        )
        .chain(
            plan.policies
                .iter()
                .map(|p| Object::NetworkPolicy(policy(p))),
        )
        .chain(plan.ingresses.iter().map(|i| Object::Ingress(ingress(i))))
        .chain(
            plan.http_routes
                .iter()
                .map(|r| Object::HttpRoute(http_route(r))),
        )
        .chain(
            plan.autoscalers
                .iter()
                .map(|a| Object::HorizontalPodAutoscaler(autoscaler(a))),
        )
        .map(|mut object| {
            if let Some(namespace) = &plan.namespace {
                object.metadata_mut().namespace = Some(namespace.clone());
            }
            object
        });
    namespace.into_iter().chain(namespaced)
}

fn meta(name: &str, labels: &Labels, annotations: &BTreeMap<String, String>) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_owned()),
        labels: (!labels.is_empty()).then(|| labels.to_map()),
        annotations: (!annotations.is_empty()).then(|| annotations.clone()),
        ..ObjectMeta::default()
    }
}

fn config_map(data: &Data) -> ConfigMap {
    ConfigMap {
        metadata: meta(&data.name, &data.labels, &BTreeMap::new()),
        data: (!data.data.is_empty()).then(|| data.data.clone()),
        binary_data: (!data.binary.is_empty()).then(|| {
            data.binary
                .iter()
                .map(|(k, v)| (k.clone(), ByteString(v.clone())))
                .collect()
        }),
        ..ConfigMap::default()
    }
}

fn secret(data: &Data) -> Secret {
    let entries: BTreeMap<String, ByteString> = data
        .data
        .iter()
        .map(|(k, v)| (k.clone(), ByteString(v.as_bytes().to_vec())))
        .chain(
            data.binary
                .iter()
                .map(|(k, v)| (k.clone(), ByteString(v.clone()))),
        )
        .collect();
    Secret {
        metadata: meta(&data.name, &data.labels, &BTreeMap::new()),
        type_: Some("Opaque".into()),
        data: (!entries.is_empty()).then_some(entries),
        ..Secret::default()
    }
}

fn claim(claim: &Claim) -> PersistentVolumeClaim {
    PersistentVolumeClaim {
        metadata: meta(&claim.name, &claim.labels, &BTreeMap::new()),
        spec: Some(PersistentVolumeClaimSpec {
            access_modes: Some(claim.access_modes.clone()),
            resources: Some(VolumeResourceRequirements {
                requests: Some(BTreeMap::from([(
                    "storage".to_owned(),
                    Quantity(claim.size.clone()),
                )])),
                limits: None,
            }),
            storage_class_name: claim.storage_class.clone(),
            selector: claim.selector.clone().map(|match_labels| LabelSelector {
                match_labels: Some(match_labels),
                match_expressions: None,
            }),
            ..PersistentVolumeClaimSpec::default()
        }),
        ..PersistentVolumeClaim::default()
    }
}

/// The Service object of a planned Service.
#[must_use]
pub fn service(service: &NetworkService) -> Service {
    let headless = service.kind == ServiceType::Headless;
    let ports: Vec<K8sServicePort> = service
        .ports
        .iter()
        .map(|p| K8sServicePort {
            name: p.name.clone(),
            port: p.port,
            target_port: Some(IntOrString::Int(p.target_port)),
            protocol: Some(p.protocol.clone()),
            node_port: p.node_port,
            app_protocol: p.app_protocol.clone(),
        })
        .collect();
    Service {
        metadata: meta(&service.name, &service.labels, &BTreeMap::new()),
        spec: Some(ServiceSpec {
            type_: Some(service.kind.as_str().into()),
            cluster_ip: headless.then(|| "None".to_owned()),
            selector: Some(service.selector.to_map()),
            ports: (!ports.is_empty()).then_some(ports),
            external_traffic_policy: service.external_traffic_policy.clone(),
            ..ServiceSpec::default()
        }),
        ..Service::default()
    }
}

fn template(workload: &Workload, settings: &WaitSettings) -> PodTemplateSpec {
    PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some(workload.pod_labels()),
            annotations: (!workload.pod_annotations.is_empty())
                .then(|| workload.pod_annotations.clone()),
            ..ObjectMeta::default()
        }),
        spec: Some(workload.pod_spec(settings)),
    }
}

fn workload(workload: &Workload, settings: &WaitSettings) -> Object {
    let metadata = meta(&workload.name, &workload.labels, &workload.annotations);
    let selector = LabelSelector {
        match_labels: Some(workload.selector.to_map()),
        ..LabelSelector::default()
    };
    match &workload.kind {
        WorkloadKind::Deployment { strategy } => Object::Deployment(Deployment {
            metadata,
            spec: Some(DeploymentSpec {
                replicas: workload.replicas,
                selector,
                strategy: strategy.clone(),
                template: template(workload, settings),
                ..DeploymentSpec::default()
            }),
            ..Deployment::default()
        }),
        WorkloadKind::StatefulSet {
            service_name,
            claim_templates,
        } => Object::StatefulSet(StatefulSet {
            metadata,
            spec: Some(StatefulSetSpec {
                replicas: workload.replicas,
                selector,
                service_name: Some(service_name.clone()),
                template: template(workload, settings),
                volume_claim_templates: (!claim_templates.is_empty())
                    .then(|| claim_templates.iter().map(claim).collect()),
                ..StatefulSetSpec::default()
            }),
            ..StatefulSet::default()
        }),
        WorkloadKind::DaemonSet => Object::DaemonSet(DaemonSet {
            metadata,
            spec: Some(DaemonSetSpec {
                selector,
                template: template(workload, settings),
                ..DaemonSetSpec::default()
            }),
            ..DaemonSet::default()
        }),
        WorkloadKind::Job { backoff_limit } => Object::Job(Job {
            metadata,
            spec: Some(JobSpec {
                backoff_limit: *backoff_limit,
                template: template(workload, settings),
                ..JobSpec::default()
            }),
            ..Job::default()
        }),
        WorkloadKind::CronJob {
            schedule,
            backoff_limit,
            concurrency_policy,
        } => Object::CronJob(CronJob {
            metadata,
            spec: Some(CronJobSpec {
                schedule: schedule.clone(),
                concurrency_policy: concurrency_policy.clone(),
                job_template: JobTemplateSpec {
                    metadata: None,
                    spec: Some(JobSpec {
                        backoff_limit: *backoff_limit,
                        template: template(workload, settings),
                        ..JobSpec::default()
                    }),
                },
                ..CronJobSpec::default()
            }),
            ..CronJob::default()
        }),
    }
}

fn policy(policy: &Policy) -> NetworkPolicy {
    NetworkPolicy {
        metadata: meta(&policy.name, &policy.labels, &BTreeMap::new()),
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(LabelSelector {
                match_labels: Some(policy.pod_selector.to_map()),
                ..LabelSelector::default()
            }),
            ..policy.rules.spec()
        }),
    }
}

fn ingress(ingress: &Ingress) -> K8sIngress {
    let mut rules: Vec<IngressRule> = Vec::new();
    for rule in &ingress.rules {
        let path = HTTPIngressPath {
            path: Some(rule.path.clone()),
            path_type: rule.path_type.as_str().into(),
            backend: IngressBackend {
                service: Some(IngressServiceBackend {
                    name: rule.backend.clone(),
                    port: Some(ServiceBackendPort {
                        number: Some(rule.port),
                        name: None,
                    }),
                }),
                resource: None,
            },
        };
        match rules.iter_mut().find(|r| r.host == rule.host) {
            Some(existing) => existing
                .http
                .get_or_insert_with(HTTPIngressRuleValue::default)
                .paths
                .push(path),
            None => rules.push(IngressRule {
                host: rule.host.clone(),
                http: Some(HTTPIngressRuleValue { paths: vec![path] }),
            }),
        }
    }
    K8sIngress {
        metadata: meta(&ingress.name, &ingress.labels, &ingress.annotations),
        spec: Some(IngressSpec {
            ingress_class_name: ingress.class_name.clone(),
            rules: Some(rules),
            tls: ingress.tls.as_ref().map(|(secret, hosts)| {
                vec![IngressTLS {
                    secret_name: Some(secret.clone()),
                    hosts: (!hosts.is_empty()).then(|| hosts.clone()),
                }]
            }),
            default_backend: None,
        }),
        ..K8sIngress::default()
    }
}

fn http_route(route: &PlannedRoute) -> HttpRoute {
    let rules = route
        .rules
        .iter()
        .map(|rule| HttpRouteRules {
            matches: (!rule.matches.is_empty())
                .then(|| rule.matches.iter().map(http_match).collect()),
            filters: (!rule.filters.is_empty())
                .then(|| rule.filters.iter().map(http_filter).collect()),
            backend_refs: rule.backend.as_ref().map(|(name, port)| {
                vec![HttpRouteRulesBackendRefs {
                    name: name.clone(),
                    port: Some(*port),
                    ..HttpRouteRulesBackendRefs::default()
                }]
            }),
            ..HttpRouteRules::default()
        })
        .collect();
    HttpRoute::new(
        meta(&route.name, &route.labels, &route.annotations),
        HttpRouteSpec {
            hostnames: (!route.hostnames.is_empty()).then(|| route.hostnames.clone()),
            parent_refs: Some(vec![HttpRouteParentRefs {
                name: route.parent.name.clone(),
                namespace: route.parent.namespace.clone(),
                ..HttpRouteParentRefs::default()
            }]),
            rules: Some(rules),
        },
    )
}

fn http_match(request: &HttpMatch) -> HttpRouteRulesMatches {
    HttpRouteRulesMatches {
        path: request
            .path
            .as_ref()
            .map(|(kind, value)| HttpRouteRulesMatchesPath {
                r#type: Some(match kind {
                    PathMatch::Exact => HttpRouteRulesMatchesPathType::Exact,
                    PathMatch::PathPrefix => HttpRouteRulesMatchesPathType::PathPrefix,
                }),
                value: Some(value.clone()),
            }),
        method: request.method.map(method),
        headers: (!request.headers.is_empty()).then(|| {
            request
                .headers
                .iter()
                .map(|(name, value)| HttpRouteRulesMatchesHeaders {
                    name: name.clone(),
                    value: value.clone(),
                    ..HttpRouteRulesMatchesHeaders::default()
                })
                .collect()
        }),
        query_params: (!request.query.is_empty()).then(|| {
            request
                .query
                .iter()
                .map(|(name, value)| HttpRouteRulesMatchesQueryParams {
                    name: name.clone(),
                    value: value.clone(),
                    ..HttpRouteRulesMatchesQueryParams::default()
                })
                .collect()
        }),
    }
}

fn method(method: HttpMethod) -> HttpRouteRulesMatchesMethod {
    use HttpRouteRulesMatchesMethod as M;
    match method {
        HttpMethod::Connect => M::Connect,
        HttpMethod::Delete => M::Delete,
        HttpMethod::Get => M::Get,
        HttpMethod::Head => M::Head,
        HttpMethod::Options => M::Options,
        HttpMethod::Patch => M::Patch,
        HttpMethod::Post => M::Post,
        HttpMethod::Put => M::Put,
        HttpMethod::Trace => M::Trace,
    }
}

fn http_filter(filter: &HttpFilter) -> HttpRouteRulesFilters {
    match filter {
        HttpFilter::ReplacePrefixMatch(prefix) => HttpRouteRulesFilters {
            r#type: HttpRouteRulesFiltersType::UrlRewrite,
            url_rewrite: Some(HttpRouteRulesFiltersUrlRewrite {
                path: Some(HttpRouteRulesFiltersUrlRewritePath {
                    r#type: HttpRouteRulesFiltersUrlRewritePathType::ReplacePrefixMatch,
                    replace_prefix_match: Some(prefix.clone()),
                    ..HttpRouteRulesFiltersUrlRewritePath::default()
                }),
                ..HttpRouteRulesFiltersUrlRewrite::default()
            }),
            ..HttpRouteRulesFilters::default()
        },
        HttpFilter::RequestRedirect {
            scheme,
            port,
            status_code,
        } => HttpRouteRulesFilters {
            r#type: HttpRouteRulesFiltersType::RequestRedirect,
            request_redirect: Some(HttpRouteRulesFiltersRequestRedirect {
                scheme: Some(match scheme {
                    RedirectScheme::Http => HttpRouteRulesFiltersRequestRedirectScheme::Http,
                    RedirectScheme::Https => HttpRouteRulesFiltersRequestRedirectScheme::Https,
                }),
                port: *port,
                status_code: Some(*status_code),
                ..HttpRouteRulesFiltersRequestRedirect::default()
            }),
            ..HttpRouteRulesFilters::default()
        },
    }
}

fn autoscaler(autoscaler: &Autoscaler) -> HorizontalPodAutoscaler {
    let metric = |name: &str, percent: i32| MetricSpec {
        type_: "Resource".into(),
        resource: Some(ResourceMetricSource {
            name: name.to_owned(),
            target: MetricTarget {
                type_: "Utilization".into(),
                average_utilization: Some(percent),
                ..MetricTarget::default()
            },
        }),
        ..MetricSpec::default()
    };
    let metrics: Vec<MetricSpec> = autoscaler
        .cpu_percent
        .map(|p| metric("cpu", p))
        .into_iter()
        .chain(autoscaler.memory_percent.map(|p| metric("memory", p)))
        .collect();
    HorizontalPodAutoscaler {
        metadata: meta(&autoscaler.name, &autoscaler.labels, &BTreeMap::new()),
        spec: Some(HorizontalPodAutoscalerSpec {
            scale_target_ref: CrossVersionObjectReference {
                api_version: Some(autoscaler.target_api_version.clone()),
                kind: autoscaler.target_kind.clone(),
                name: autoscaler.target.clone(),
            },
            min_replicas: Some(autoscaler.min_replicas),
            max_replicas: autoscaler.max_replicas,
            metrics: (!metrics.is_empty()).then_some(metrics),
            behavior: None,
        }),
        ..HorizontalPodAutoscaler::default()
    }
}

/// A ServiceAccount that may read Jobs, for init containers that wait for them.
fn job_waiter(waiter: &JobWaiter) -> Vec<Object> {
    let metadata = meta(&waiter.name, &waiter.labels, &BTreeMap::new());
    vec![
        Object::ServiceAccount(ServiceAccount {
            metadata: metadata.clone(),
            ..ServiceAccount::default()
        }),
        Object::Role(Role {
            metadata: metadata.clone(),
            rules: Some(waiter.rules.clone()),
        }),
        Object::RoleBinding(RoleBinding {
            metadata,
            role_ref: RoleRef {
                api_group: "rbac.authorization.k8s.io".into(),
                kind: "Role".into(),
                name: waiter.name.clone(),
            },
            subjects: Some(vec![Subject {
                kind: "ServiceAccount".into(),
                name: waiter.name.clone(),
                namespace: Some(waiter.namespace.clone()),
                api_group: None,
            }]),
        }),
    ]
}
