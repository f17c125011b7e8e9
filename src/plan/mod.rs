//! The plan: every translation decision, made on an intermediate representation before a
//! single Kubernetes object exists.
//!
//! The steps, in the order [`plan()`] runs them; each module reads only the ones above it:
//!
//! 1. [`pods`]: topology. Which services share a Pod, and which container is a sidecar or an
//!    init container.
//! 2. [`container`], [`health`], [`placement`]: what each container runs (image, command,
//!    environment, ports, resources, security), its probes, the nodes it may run on.
//! 3. [`storage`]: volumes, mounts and claims, and the ConfigMaps and Secrets of files.
//! 4. [`ordering`]: the start order inside a Pod, the waits across Pods, and the identity
//!    that lets a Pod wait for a Job.
//! 5. [`workloads`]: the controller of each Pod (Deployment, StatefulSet, DaemonSet, Job,
//!    CronJob, and its autoscaler) and the Pod spec, assembled from 1 to 4.
//! 6. [`routes`], [`services`]: how Pods are reached. HTTP routes become Ingresses or
//!    HTTPRoutes; Services keep the Compose names. The routing labels are read before
//!    anything else, because the reverse proxy they replace is left out of the project first.
//! 7. [`policies`]: how Pods are isolated. NetworkPolicies, and the network labels of the
//!    Pods they select.
//!
//! Beneath them: [`names`] and [`labels`] (Kubernetes names and labels), [`kompose`]
//! (kompose's labels) and [`hosts`] (Compose names that are no Service names). Every Compose
//! key is accounted for in [`coverage`]: translated, approximated with a note, or reported as
//! unsupported. [`crate::emit`] then turns the plan into objects without deciding anything.

pub mod container;
pub mod coverage;
pub mod health;
pub mod hosts;
pub mod kompose;
pub mod labels;
pub mod names;
pub mod ordering;
pub mod placement;
pub mod pods;
pub mod policies;
pub mod routes;
pub mod services;
pub mod storage;
pub mod workloads;

use std::collections::BTreeMap;

use k8s_openapi::Resource as _;
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{Container, PodSpec};
use k8s_openapi::api::rbac::v1::PolicyRule;

use crate::compose::Loaded;
use crate::compose::model::Project;
use crate::report::Report;

/// Choices the user makes on the command line (kompose's flags where they exist).
#[derive(Clone, Debug)]
pub struct ConvertOptions {
    /// Put every object in this namespace (and emit the Namespace).
    pub namespace: Option<String>,
    /// Workload kind for services that do not choose one (`--controller`).
    pub controller: Option<Controller>,
    /// Replicas for services that do not set any (`--replicas`).
    pub replicas: Option<u32>,
    /// Service type for published ports (`--service-type`).
    pub service_type: Option<ServiceType>,
    /// What bind mounts become (`--bind-mounts`).
    pub bind_mounts: BindMounts,
    /// Size of claims without a `kompose.volume.size` label (`--pvc-size`).
    pub pvc_size: String,
    /// When NetworkPolicies are generated (`--network-policies`).
    pub network_policies: NetworkPolicies,
    /// How `kompose.service.group` groups services into Pods (`--service-group-mode`).
    pub service_group_mode: Option<GroupMode>,
    /// Name of the Pod when `--service-group-mode` groups services (`--service-group-name`).
    pub service_group_name: Option<String>,
    /// Image of the init containers that wait for dependencies (`--wait-image`).
    pub wait_image: String,
    /// Image of the init containers that wait for Jobs through the API (`--job-wait-image`).
    pub job_wait_image: String,
    /// How long a wait init container waits before it fails, in seconds (`--wait-timeout`).
    pub wait_timeout: u64,
    /// What the volumes of services without a `kompose.volume.type` label become
    /// (kompose's `--volumes`); `None` keeps named volumes as claims and bind mounts as
    /// `bind_mounts` says.
    pub volume_kind: Option<kompose::VolumeKind>,
    /// What the routing labels become (`--expose`).
    pub expose: Expose,
    /// The Ingress class, and with `nginx` or `traefik` that controller's annotations
    /// (`--ingress-class`).
    pub ingress_class: Option<String>,
    /// The Gateway HTTPRoutes attach to (`--gateway NAME[/NAMESPACE]`).
    pub gateway: Option<GatewayRef>,
    /// The cert-manager ClusterIssuer of TLS routes (`--cert-issuer`).
    pub cert_issuer: Option<String>,
}

/// What HTTP routing (Traefik and Caddy labels, `x-kubernetes.expose`,
/// `kompose.service.expose`) becomes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Expose {
    /// Ingresses; the reverse proxy is kept (and a note says it could go).
    #[default]
    Auto,
    /// Ingresses, the reverse proxy left out.
    Ingress,
    /// Gateway API HTTPRoutes, the reverse proxy left out.
    Gateway,
    /// Nothing: the routing is reported, the proxy kept.
    None,
}

/// A Gateway, by name and namespace (`None`: the route's own).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GatewayRef {
    pub name: String,
    pub namespace: Option<String>,
}

impl Default for ConvertOptions {
    fn default() -> Self {
        Self {
            namespace: None,
            controller: None,
            replicas: None,
            service_type: None,
            bind_mounts: BindMounts::Auto,
            pvc_size: "1Gi".into(),
            network_policies: NetworkPolicies::Auto,
            service_group_mode: None,
            service_group_name: None,
            wait_image: "busybox:1.36".into(),
            job_wait_image: "bitnami/kubectl:1.33".into(),
            wait_timeout: 300,
            volume_kind: None,
            expose: Expose::Auto,
            ingress_class: None,
            gateway: None,
            cert_issuer: None,
        }
    }
}

/// A workload kind that can be chosen for every service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Controller {
    Deployment,
    StatefulSet,
    DaemonSet,
    /// kompose's `replicationController`: a Deployment (with a note), whose ReplicaSet
    /// replaced ReplicationControllers.
    ReplicationController,
}

/// How a Service exposes published ports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum ServiceType {
    /// What a Service is when nothing asks for more: reachable in the cluster only, as
    /// Compose keeps a port that is not published.
    #[default]
    ClusterIp,
    NodePort,
    LoadBalancer,
    /// `clusterIP: None`: the name resolves to the Pod IPs.
    Headless,
}

impl ServiceType {
    /// The types a Service's `spec.type` names (a headless Service is a `ClusterIP` one), in
    /// the order the Helm chart's values schema lists them.
    pub const SPEC_TYPES: [Self; 3] = [Self::ClusterIp, Self::NodePort, Self::LoadBalancer];

    /// Whether the Service is reachable from outside the cluster (a NodePort or LoadBalancer).
    #[must_use]
    pub fn reachable_from_outside(self) -> bool {
        matches!(self, Self::NodePort | Self::LoadBalancer)
    }

    /// The Service's `spec.type`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ClusterIp | Self::Headless => "ClusterIP",
            Self::NodePort => "NodePort",
            Self::LoadBalancer => "LoadBalancer",
        }
    }
}

/// What bind mounts become.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BindMounts {
    /// Small existing files and directories → read-only ConfigMap; others → claim.
    Auto,
    ConfigMap,
    HostPath,
    Pvc,
    /// A bind mount is an error.
    Error,
}

/// When NetworkPolicies are generated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetworkPolicies {
    /// When the project defines networks beyond `default`, or an internal one.
    Auto,
    Always,
    Never,
}

/// How services are grouped into Pods beyond shared network stacks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupMode {
    /// By the value of the `kompose.service.group` label.
    Label,
    /// Services that mount the same named volume.
    Volume,
}

/// Everything the conversion decided.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// The project name.
    pub project: String,
    pub namespace: Option<String>,
    /// Labels of the Namespace object (the project's, so that it is found and overwritten
    /// like every other object compose2kube makes).
    pub namespace_labels: labels::Labels,
    pub workloads: Vec<Workload>,
    pub services: Vec<NetworkService>,
    /// The ports each Compose service publishes (`ports:`, under their host port), whatever
    /// Service carries them: a Helm chart offers to expose them as NodePort or LoadBalancer
    /// later, and must not expose the Pod's other ports with them.
    pub published_ports: BTreeMap<String, Vec<ServicePort>>,
    pub config_maps: Vec<Data>,
    pub secrets: Vec<Data>,
    pub claims: Vec<Claim>,
    pub policies: Vec<Policy>,
    pub ingresses: Vec<Ingress>,
    pub http_routes: Vec<HttpRoute>,
    pub autoscalers: Vec<Autoscaler>,
    /// Identities for init containers that wait for Jobs through the API.
    pub job_waiters: Vec<JobWaiter>,
    /// How the Pods' wait init containers run.
    pub wait_settings: ordering::WaitSettings,
}

/// One Pod template and the controller that runs it: one Compose service, or several that
/// share a network stack.
#[derive(Clone, Debug)]
pub struct Workload {
    pub name: String,
    /// The Compose services in the Pod, and the role of each container (shared with the
    /// plan's [`pods::PodGroups`]).
    pub group: std::sync::Arc<pods::PodGroup>,
    pub kind: WorkloadKind,
    pub replicas: Option<i32>,
    /// Labels of the workload object.
    pub labels: labels::LabelSet,
    pub annotations: BTreeMap<String, String>,
    /// Labels that select the Pods (a subset of [`Workload::pod_labels`]).
    pub selector: labels::LabelSet,
    /// Whether the Pods carry a label per network they are on, which [`policies`] selects
    /// them by (when the project has policies).
    pub network_labels: bool,
    pub pod_annotations: BTreeMap<String, String>,
    /// The Pod without its volumes and without the init containers of its waits:
    /// [`Workload::pod_spec`] is the object's whole spec.
    pub pod: Pod,
    pub volumes: Vec<storage::PodVolume>,
    /// The Compose networks the Pod is on (for policies and `explain`).
    pub networks: Vec<String>,
    /// What the Pod waits for before it starts (for `explain`).
    pub waits: Vec<ordering::Wait>,
}

impl Workload {
    /// The object's whole Pod spec: the held Pod with its containers, its init containers
    /// ([`Workload::init_containers`]) and its volumes.
    #[must_use]
    pub fn pod_spec(&self, settings: &ordering::WaitSettings) -> PodSpec {
        let init = self.init_containers(settings);
        PodSpec {
            containers: self
                .pod
                .containers
                .iter()
                .map(container::Container::to_k8s)
                .collect(),
            init_containers: (!init.is_empty()).then_some(init),
            volumes: (!self.volumes.is_empty()).then(|| {
                self.volumes
                    .iter()
                    .map(storage::PodVolume::to_k8s)
                    .collect()
            }),
            ..self.pod.settings.as_deref().cloned().unwrap_or_default()
        }
    }

    /// The Pods' labels: the selector, and one per network when [`Workload::network_labels`].
    /// Made when they are wanted: with its network labels, every Pod has a set of its own,
    /// which a plan of thousands of Pods would hold until it is written.
    #[must_use]
    pub fn pod_labels(&self) -> BTreeMap<String, String> {
        let mut labels = self.selector.to_map();
        if self.network_labels {
            for network in &self.networks {
                labels.insert(labels::network(network), "true".to_owned());
            }
        }
        labels
    }

    /// The Pod's init containers in start order: one per wait, then those the held Pod has
    /// (kompose's, then init and sidecar services).
    #[must_use]
    pub fn init_containers(&self, settings: &ordering::WaitSettings) -> Vec<Container> {
        self.waits
            .iter()
            .map(|wait| ordering::wait_container(settings, wait))
            .chain(
                self.pod
                    .init_containers
                    .iter()
                    .map(container::Container::to_k8s),
            )
            .collect()
    }
}

/// A Pod as the plan holds it: its containers, and the Pod-level settings few Pods have,
/// boxed together. k8s-openapi's `PodSpec` has a field for everything a Pod can say (1.4 KB
/// inline); a plan of thousands of Pods holds this, and [`Workload::pod_spec`] makes the
/// object's spec when the object is written.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pod {
    pub containers: Vec<container::Container>,
    /// kompose's init containers, then the init and sidecar services, in start order (the
    /// waits' come before them when the Pod is written).
    pub init_containers: Vec<container::Container>,
    /// The Pod-level settings, as the spec writes them (its containers, init containers and
    /// volumes left empty, for [`Workload::pod_spec`] to fill); `None` when the Pod sets
    /// none of them.
    pub settings: Option<Box<PodSpec>>,
}

impl Pod {
    /// Whether the Pod uses the node's network (`network_mode: host`).
    #[must_use]
    pub fn host_network(&self) -> bool {
        self.settings
            .as_ref()
            .is_some_and(|s| s.host_network == Some(true))
    }
}

/// The controller of a workload.
#[derive(Clone, Debug, PartialEq)]
pub enum WorkloadKind {
    Deployment {
        strategy: Option<k8s_openapi::api::apps::v1::DeploymentStrategy>,
    },
    StatefulSet {
        /// The headless Service that governs it.
        service_name: String,
        claim_templates: Vec<Claim>,
    },
    DaemonSet,
    Job {
        backoff_limit: Option<i32>,
    },
    CronJob {
        schedule: String,
        backoff_limit: Option<i32>,
        concurrency_policy: Option<String>,
    },
}

impl WorkloadKind {
    /// The Kubernetes kind.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Self::Deployment { .. } => "Deployment",
            Self::StatefulSet { .. } => "StatefulSet",
            Self::DaemonSet => "DaemonSet",
            Self::Job { .. } => "Job",
            Self::CronJob { .. } => "CronJob",
        }
    }

    /// The Kubernetes API version of the kind.
    #[must_use]
    pub fn api_version(&self) -> &'static str {
        match self {
            Self::Deployment { .. } => Deployment::API_VERSION,
            Self::StatefulSet { .. } => StatefulSet::API_VERSION,
            Self::DaemonSet => DaemonSet::API_VERSION,
            Self::Job { .. } => Job::API_VERSION,
            Self::CronJob { .. } => CronJob::API_VERSION,
        }
    }

    /// Whether the Pods run to completion.
    #[must_use]
    pub fn runs_to_completion(&self) -> bool {
        matches!(self, Self::Job { .. } | Self::CronJob { .. })
    }
}

/// A Kubernetes Service.
#[derive(Clone, Debug, PartialEq)]
pub struct NetworkService {
    pub name: String,
    /// The Compose service whose Pod it selects.
    pub service: String,
    /// Why it exists.
    pub purpose: ServicePurpose,
    pub kind: ServiceType,
    pub labels: labels::LabelSet,
    pub selector: labels::LabelSet,
    pub ports: Vec<ServicePort>,
    pub external_traffic_policy: Option<String>,
}

/// Why a Service exists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServicePurpose {
    /// The service's own name.
    Primary,
    /// A network alias or a `links` alias.
    Alias { alias: String },
    /// The service's `container_name`, which resolves on a Compose network too.
    ContainerName { container_name: String },
    /// The NodePort or LoadBalancer Service of the published ports (`<name>-published`): the
    /// primary Service stays ClusterIP, so that only what Compose publishes goes out.
    Published,
    /// The headless Service a StatefulSet or a readiness wait needs.
    Headless,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServicePort {
    pub name: Option<String>,
    pub port: i32,
    pub target_port: i32,
    pub protocol: String,
    pub node_port: Option<i32>,
    pub app_protocol: Option<String>,
}

/// A ConfigMap or Secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Data {
    pub name: String,
    pub labels: labels::LabelSet,
    /// UTF-8 entries.
    pub data: BTreeMap<String, String>,
    /// Other entries.
    pub binary: BTreeMap<String, Vec<u8>>,
}

/// A PersistentVolumeClaim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim {
    pub name: String,
    pub labels: labels::LabelSet,
    pub size: String,
    pub access_modes: Vec<String>,
    pub storage_class: Option<String>,
    /// `selector.matchLabels`: the PersistentVolumes the claim may bind to
    /// (`kompose.volume.selector`).
    pub selector: Option<BTreeMap<String, String>>,
    /// The volume name as written in Compose (for Helm values and `explain`).
    pub volume: String,
}

/// A NetworkPolicy.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    pub name: String,
    pub labels: labels::LabelSet,
    /// The labels of the Pods it applies to (`spec.podSelector.matchLabels`), kept apart
    /// from `rules` so that a Pod's policy shares its workload's selector.
    pub pod_selector: labels::LabelSet,
    /// What it allows.
    pub rules: policies::Rules,
    /// What it stands for, for `explain`.
    pub purpose: String,
}

/// An Ingress for a service (`kompose.service.expose`, a proxy's router, `x-kubernetes`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ingress {
    pub name: String,
    pub service: String,
    pub labels: labels::LabelSet,
    pub annotations: BTreeMap<String, String>,
    pub class_name: Option<String>,
    /// Host (empty: any), path, backend Service and port.
    pub rules: Vec<IngressRule>,
    /// Secret name and hosts.
    pub tls: Option<(String, Vec<String>)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IngressRule {
    pub host: Option<String>,
    pub path: String,
    pub path_type: PathType,
    pub backend: String,
    pub port: i32,
}

/// How a path matches.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum PathType {
    /// What a path without a type matches as: a proxy's path rule, and `/` for a route that
    /// names no path, accept everything below it.
    #[default]
    Prefix,
    Exact,
    /// The controller's own syntax (nginx's regular expressions).
    ImplementationSpecific,
}

impl PathType {
    /// Every type, in the order the Helm chart's values schema lists them.
    pub const ALL: [Self; 3] = [Self::Prefix, Self::Exact, Self::ImplementationSpecific];

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Prefix => "Prefix",
            Self::Exact => "Exact",
            Self::ImplementationSpecific => "ImplementationSpecific",
        }
    }
}

/// A Gateway API HTTPRoute for a service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRoute {
    pub name: String,
    pub service: String,
    pub labels: labels::LabelSet,
    pub annotations: BTreeMap<String, String>,
    pub parent: GatewayRef,
    /// Empty: every host the Gateway accepts.
    pub hostnames: Vec<String>,
    pub rules: Vec<HttpRouteRule>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRouteRule {
    /// Empty: every request.
    pub matches: Vec<HttpMatch>,
    pub filters: Vec<HttpFilter>,
    /// Service and port; `None` for a rule that only redirects.
    pub backend: Option<(String, i32)>,
}

/// A request an HTTPRoute rule matches, in Gateway API's terms; a route becomes an Ingress from
/// the same match, so [`PathMatch::path_type`] says what an Ingress matches it with.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct HttpMatch {
    pub path: Option<(PathMatch, String)>,
    pub method: Option<HttpMethod>,
    /// Exact header matches: name, value.
    pub headers: Vec<(String, String)>,
    /// Exact query parameter matches: name, value.
    pub query: Vec<(String, String)>,
}

/// How an HTTPRoute matches a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PathMatch {
    PathPrefix,
    Exact,
}

impl PathMatch {
    /// The Ingress path type that matches the same paths.
    #[must_use]
    pub fn path_type(self) -> PathType {
        match self {
            Self::PathPrefix => PathType::Prefix,
            Self::Exact => PathType::Exact,
        }
    }
}

/// An HTTP method an HTTPRoute matches. The variants are in alphabetical order, so that
/// requests sort (and their rules are written) as the method names do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum HttpMethod {
    Connect,
    Delete,
    Get,
    Head,
    Options,
    Patch,
    Post,
    Put,
    Trace,
}

impl HttpMethod {
    const ALL: [Self; 9] = [
        Self::Connect,
        Self::Delete,
        Self::Get,
        Self::Head,
        Self::Options,
        Self::Patch,
        Self::Post,
        Self::Put,
        Self::Trace,
    ];

    /// The method a name in any case stands for; `None` for one Gateway API does not match.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|method| method.as_str().eq_ignore_ascii_case(name))
    }

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Connect => "CONNECT",
            Self::Delete => "DELETE",
            Self::Get => "GET",
            Self::Head => "HEAD",
            Self::Options => "OPTIONS",
            Self::Patch => "PATCH",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Trace => "TRACE",
        }
    }
}

/// An HTTPRoute filter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HttpFilter {
    /// `URLRewrite` replacing the matched path prefix with this.
    ReplacePrefixMatch(String),
    /// `RequestRedirect` to another scheme (and port), with this status code.
    RequestRedirect {
        scheme: RedirectScheme,
        port: Option<i32>,
        status_code: i64,
    },
}

/// The schemes a `RequestRedirect` goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RedirectScheme {
    Http,
    Https,
}

impl RedirectScheme {
    /// The scheme a name (lower case) stands for; `None` for one Gateway API does not redirect
    /// to.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "http" => Some(Self::Http),
            "https" => Some(Self::Https),
            _ => None,
        }
    }
}

/// A HorizontalPodAutoscaler (`kompose.hpa.*`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Autoscaler {
    pub name: String,
    pub labels: labels::LabelSet,
    /// The workload it scales: API version, kind and name.
    pub target_api_version: String,
    pub target_kind: String,
    pub target: String,
    pub min_replicas: i32,
    pub max_replicas: i32,
    pub cpu_percent: Option<i32>,
    pub memory_percent: Option<i32>,
}

/// A ServiceAccount, Role and RoleBinding that let init containers wait for Jobs.
#[derive(Clone, Debug, PartialEq)]
pub struct JobWaiter {
    pub name: String,
    pub labels: labels::LabelSet,
    /// The namespace the RoleBinding names its ServiceAccount in.
    pub namespace: String,
    /// What the Role lets the ServiceAccount do.
    pub rules: Vec<PolicyRule>,
}

/// The result of planning: the plan, and the report of what did not carry over.
#[derive(Debug)]
pub struct Planned {
    pub plan: Plan,
    pub report: Report,
}

/// Plans the conversion of a loaded, checked project.
#[must_use]
pub fn plan(loaded: &Loaded, options: &ConvertOptions) -> Planned {
    let mut report = Report::new();
    let empty = Project::default();
    let written = loaded.project.as_ref().unwrap_or(&empty);
    // The routes are read from the project as written, before anything is planned.
    let mut context = Context {
        project: written,
        name: names::label(&loaded.name),
        compose_name: &loaded.name,
        directory: &loaded.directory,
        environment: &loaded.environment,
        env_files: &loaded.env_files,
        options,
        hosts: hosts::HostNames::default(),
        label_sets: labels::Sets::default(),
    };
    let exposure = routes::Exposure::collect(&context, &mut report);
    // The reverse proxy that routed by labels is replaced by the cluster's Ingress controller
    // or Gateway: the rest is planned as if the file had not written it.
    let trimmed = exposure.without_proxies(written, &mut report);
    context.project = trimmed.as_ref().unwrap_or(written);
    context.hosts = hosts::HostNames::of(context.project);
    let mut plan = Plan {
        project: context.name.clone(),
        namespace: options.namespace.clone(),
        namespace_labels: labels::project(&context),
        wait_settings: ordering::WaitSettings::of(&context),
        ..Plan::default()
    };
    coverage::report_project(&context, &mut report);
    context.hosts.report(&mut report);
    let groups = pods::group(&context, &mut report);
    container::check_port_conflicts(&context, &groups, &mut report);
    let mut storage = storage::Storage::plan(&context, &groups, &mut plan, &mut report);
    for config_map in &mut plan.config_maps {
        for (key, value) in &mut config_map.data {
            let place = format!("ConfigMap {}, key {key}", config_map.name);
            if let Some(rewritten) =
                context
                    .hosts
                    .rewrite_reported(value, None, &place, None, &mut report)
            {
                *value = rewritten;
            }
        }
    }
    let order = ordering::order(&context, &groups, &mut report);
    ordering::job_waiters(&context, &order, &mut plan, &mut report);
    plan.workloads.reserve_exact(groups.groups.len());
    for group in &groups.groups {
        let workload = workloads::workload(
            &context,
            group,
            &order,
            &mut storage,
            &mut plan.claims,
            &mut report,
        );
        plan.autoscalers
            .extend(workloads::autoscaler(&context, &workload, &mut report));
        plan.workloads.push(workload);
    }
    services::plan(&context, &groups, &order, &exposure, &mut plan, &mut report);
    exposure.plan(&context, &mut plan, &mut report);
    policies::plan(&context, &groups, &mut plan, &mut report);
    Planned { plan, report }
}

/// What every planning step reads.
pub struct Context<'a> {
    pub project: &'a Project,
    /// The project name as a label value.
    pub name: String,
    /// The project name as Compose normalised it (container names start with it).
    pub compose_name: &'a str,
    pub directory: &'a std::path::Path,
    pub environment: &'a crate::compose::env::Environment,
    /// The variables of the services' env files, read by the loader.
    pub env_files: &'a crate::compose::EnvFiles,
    pub options: &'a ConvertOptions,
    /// The Compose names that are no Service names, and what answers for them.
    pub hosts: hosts::HostNames,
    /// The label sets made so far, shared by the objects that carry them.
    pub label_sets: labels::Sets,
}
