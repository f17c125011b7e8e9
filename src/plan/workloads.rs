//! The controller of each Pod and the Pod itself: kind (Deployment, StatefulSet, DaemonSet,
//! Job, CronJob), replicas, update strategy, and the Pod spec assembled from its members'
//! containers, start order, storage and Pod-level settings (which come from the root).

use std::collections::BTreeMap;
use std::sync::Arc;

use k8s_openapi::api::apps::v1::{DeploymentStrategy, RollingUpdateDeployment};
use k8s_openapi::api::core::v1::{
    EmptyDirVolumeSource, HostAlias, LocalObjectReference, PodDNSConfig, PodDNSConfigOption,
    PodSecurityContext, PodSpec, Sysctl,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::compose::model::Service;
use crate::compose::model::depends_on::Condition;
use crate::compose::model::deploy::{DeployMode, RestartCondition, UpdateOrder};
use crate::compose::model::networking::NamespaceMode;
use crate::compose::model::service::Restart;
use crate::plan::container::Container;
use crate::plan::labels::LabelSet;
use crate::plan::ordering::{self, Order};
use crate::plan::pods::{Joined, PodGroup, Role};
use crate::plan::storage::{PodVolume, Storage, VolumeSource};
use crate::plan::{
    Autoscaler, Claim, Context, Controller, Pod, Workload, WorkloadKind, container, health,
    kompose, labels, names, placement, policies,
};
use crate::report::{Entry, Report};
use crate::source::Spanned;

/// Plans the workload of one Pod group. A StatefulSet takes the claims only its Pod mounts
/// out of `claims`, as its claim templates.
pub fn workload(
    context: &Context,
    group: &Arc<PodGroup>,
    order: &Order,
    storage: &mut Storage,
    claims: &mut Vec<Claim>,
    report: &mut Report,
) -> Workload {
    let services = &context.project.services;
    let empty = Service::default();
    let root = services.get(group.root.as_str()).unwrap_or(&empty);
    let mut kind = kind(context, group, root, storage, report);
    let templates = match &mut kind {
        WorkloadKind::StatefulSet {
            claim_templates, ..
        } => Some(ClaimTemplates {
            claims,
            templates: claim_templates,
        }),
        _ => None,
    };
    let (mut pod, volumes) = pod_spec(context, group, root, order, storage, templates, report);
    if kind.runs_to_completion() {
        pod.settings.get_or_insert_default().restart_policy = Some(
            if retries_on_failure(root) {
                "OnFailure"
            } else {
                "Never"
            }
            .to_owned(),
        );
    }
    if !matches!(kind, WorkloadKind::Deployment { .. })
        && let Some(update) = root.deploy.as_ref().and_then(|d| d.update_config.as_ref())
    {
        report.add(Entry::unsupported(
            Some(&group.root),
            "deploy.update_config",
            update.span,
            format!(
                "only a Deployment takes update settings, not a {}",
                kind.name()
            ),
        ));
    }
    let replicas = match kind {
        WorkloadKind::Deployment { .. } | WorkloadKind::StatefulSet { .. } => root
            .replicas()
            .map(|n| n.value)
            .or(context.options.replicas)
            .and_then(|n| i32::try_from(n).ok()),
        _ => {
            if let Some(replicas) = root.replicas() {
                report.add(Entry::unsupported(
                    Some(&group.root),
                    "deploy.replicas",
                    Some(replicas.span),
                    format!("a {} has no replica count", kind.name()),
                ));
            }
            None
        }
    };
    let selector = labels::selector(context, &group.name);
    let (workload_labels, annotations) = metadata(context, group, root, report);
    Workload {
        name: group.name.clone(),
        group: Arc::clone(group),
        kind,
        replicas,
        labels: workload_labels,
        annotations: annotations.clone(),
        network_labels: policies::enabled(context),
        selector,
        pod_annotations: annotations,
        pod,
        volumes,
        networks: group.networks(context.project),
        waits: order.waits.get(&group.name).cloned().unwrap_or_default(),
    }
}

/// Labels of the workload (`deploy.labels` that are valid label values) and annotations
/// (Compose `labels`, which are container metadata, and `annotations`).
fn metadata(
    context: &Context,
    group: &PodGroup,
    root: &Service,
    report: &mut Report,
) -> (LabelSet, BTreeMap<String, String>) {
    let mut workload_labels = labels::common(context, &group.name);
    let mut annotations = BTreeMap::new();
    // Compose labels whose keys Kubernetes refuses as annotation keys (Traefik's often are).
    let mut moved: BTreeMap<String, String> = BTreeMap::new();
    for member in &group.members {
        let Some(service) = context.project.services.get(member.service.as_str()) else {
            continue;
        };
        let mut unfit: Vec<&Spanned<String>> = Vec::new();
        for (key, value) in service
            .labels
            .iter()
            .chain(service.rare().annotations.iter())
        {
            if kompose::is_kompose(key) {
                continue;
            }
            let value = value.as_ref().map(|v| v.value.clone()).unwrap_or_default();
            if labels::valid_key(key) {
                annotations.insert(key.value.clone(), value);
            } else {
                moved.insert(key.value.clone(), value);
                unfit.push(key);
            }
        }
        if let Some(first) = unfit.first() {
            let keys: Vec<&str> = unfit.iter().map(|k| k.as_str()).collect();
            report.add(
                Entry::approximated(
                    Some(&member.service),
                    "labels",
                    Some(first.span),
                    format!(
                        "{} no valid annotation keys (a name part of at most 63 characters of a-z, A-Z, 0-9, `-`, `_`, `.`): kept, with their values, in the JSON object of the annotation `{}`: {}",
                        if keys.len() == 1 { "this key is" } else { "these keys are" },
                        labels::COMPOSE_LABELS,
                        keys.join(", ")
                    ),
                )
                .help("tools that read these labels (a reverse proxy, for example) need them as configuration of their own on the cluster"),
            );
        }
    }
    if let Some(deploy) = &root.deploy {
        for (key, value) in &deploy.rare().labels {
            let value = value.as_ref().map(|v| v.value.clone()).unwrap_or_default();
            if names::label_value(&value) == value && labels::valid_key(key) {
                Arc::make_mut(&mut workload_labels).insert(key.value.clone(), value);
            } else if !labels::valid_key(key) {
                report.add(
                    Entry::approximated(
                        Some(&group.root),
                        &format!("deploy.labels.{}", key.value),
                        Some(key.span),
                        format!(
                            "no valid label or annotation key: kept, with its value, in the JSON object of the annotation `{}`",
                            labels::COMPOSE_LABELS
                        ),
                    )
                    .help("tools that read these labels (a reverse proxy, for example) need them as configuration of their own on the cluster"),
                );
                moved.insert(key.value.clone(), value);
            } else {
                report.add(
                    Entry::approximated(
                        Some(&group.root),
                        &format!("deploy.labels.{}", key.value),
                        Some(key.span),
                        "not a valid Kubernetes label; it becomes an annotation",
                    )
                    .help(
                        "label values have at most 63 characters of a-z, A-Z, 0-9, `-`, `_`, `.`",
                    ),
                );
                annotations.insert(key.value.clone(), value);
            }
        }
    }
    if !moved.is_empty() {
        annotations.insert(
            labels::COMPOSE_LABELS.to_owned(),
            serde_json::to_string(&moved).unwrap_or_default(),
        );
    }
    (workload_labels, annotations)
}

/// The controller kind of a Pod.
fn kind(
    context: &Context,
    group: &PodGroup,
    root: &Service,
    storage: &Storage,
    report: &mut Report,
) -> WorkloadKind {
    if let Some(schedule) = kompose::cron_schedule(root) {
        return WorkloadKind::CronJob {
            schedule: schedule.value.clone(),
            backoff_limit: kompose::label(root, kompose::CRONJOB_BACKOFF_LIMIT)
                .and_then(|b| kompose::number(b, 0, i64::from(i32::MAX))),
            concurrency_policy: kompose::label(root, kompose::CRONJOB_CONCURRENCY_POLICY)
                .map(|c| c.value.clone()),
        };
    }
    if root.runs_once() {
        return WorkloadKind::Job {
            backoff_limit: Some(backoff_limit(root)),
        };
    }
    let label = kompose::label(root, kompose::CONTROLLER_TYPE);
    let controller = label
        .and_then(|label| match label.to_lowercase().as_str() {
            "deployment" => Some(Controller::Deployment),
            "statefulset" => Some(Controller::StatefulSet),
            "daemonset" => Some(Controller::DaemonSet),
            "replicationcontroller" => Some(Controller::ReplicationController),
            _ => {
                report.add(
                    Entry::unsupported(
                        Some(&group.root),
                        &format!("labels.{}", kompose::CONTROLLER_TYPE),
                        Some(label.span),
                        format!("`{}` is not a controller compose2kube makes", label.value),
                    )
                    .help(
                        "use `deployment`, `statefulset`, `daemonset` or `replicationcontroller`",
                    ),
                );
                None
            }
        })
        .or_else(|| {
            root.deploy
                .as_ref()
                .and_then(|d| d.mode.as_deref())
                .filter(|m| **m == DeployMode::Global)
                .map(|_| Controller::DaemonSet)
        })
        .or(context.options.controller)
        .unwrap_or(Controller::Deployment);
    match controller {
        Controller::DaemonSet => WorkloadKind::DaemonSet,
        Controller::StatefulSet => WorkloadKind::StatefulSet {
            service_name: ordering::ready_service_name(&group.root),
            claim_templates: Vec::new(),
        },
        Controller::Deployment => WorkloadKind::Deployment {
            strategy: strategy(group, root, storage, report),
        },
        Controller::ReplicationController => {
            let from_label = label.filter(|l| l.eq_ignore_ascii_case("replicationcontroller"));
            let key = match from_label {
                Some(_) => format!("labels.{}", kompose::CONTROLLER_TYPE),
                None => "--controller".to_owned(),
            };
            report.add(
                Entry::approximated(
                    Some(&group.root),
                    &key,
                    from_label.map(|l| l.span),
                    "`replicationController` makes a Deployment",
                )
                .help("a Deployment's ReplicaSet is what replaced ReplicationControllers: it keeps the same number of Pods running, and rolls out changes"),
            );
            WorkloadKind::Deployment {
                strategy: strategy(group, root, storage, report),
            }
        }
    }
}

/// Retries of a Job: `on-failure:N`, `deploy.restart_policy.max_attempts`, or none for
/// `restart: no`.
fn backoff_limit(root: &Service) -> i32 {
    let from_restart = match root.restart.as_deref() {
        Some(Restart::OnFailure { max_retries }) => *max_retries,
        _ => None,
    };
    let from_policy = root
        .deploy
        .as_ref()
        .and_then(|d| d.restart_policy.as_ref())
        .and_then(|r| r.max_attempts.as_ref())
        .and_then(|n| i32::try_from(n.value).ok());
    from_restart
        .or(from_policy)
        .unwrap_or(if retries_on_failure(root) { 6 } else { 0 })
}

/// `restart: on-failure[:N]` or `deploy.restart_policy.condition: on-failure`: a failed run is
/// retried (the Pod restarts its container, `OnFailure`); otherwise it runs once (`Never`).
fn retries_on_failure(root: &Service) -> bool {
    matches!(root.restart.as_deref(), Some(Restart::OnFailure { .. }))
        || root
            .deploy
            .as_ref()
            .and_then(|d| d.restart_policy.as_ref())
            .and_then(|r| r.condition.as_deref())
            .is_some_and(|c| *c == RestartCondition::OnFailure)
}

/// A StatefulSet gives each replica its own copy of the claims only its Pod mounts: they
/// move from the plan's claims to the StatefulSet's claim templates. The Pod keeps a volume of
/// the same name (an `emptyDir` placeholder) so that every mount names a volume of the Pod;
/// the StatefulSet controller replaces it with the replica's claim ("a claim in this list takes
/// precedence over any volumes in the template, with the same name").
struct ClaimTemplates<'a> {
    /// The plan's claims.
    claims: &'a mut Vec<Claim>,
    templates: &'a mut Vec<Claim>,
}

impl ClaimTemplates<'_> {
    /// The Pod volume for a volume of the storage plan.
    fn volume(&mut self, volume: PodVolume) -> PodVolume {
        let Some(index) = volume.claim_name().and_then(|claim| {
            self.claims
                .iter()
                .position(|c| c.name == claim && c.access_modes == ["ReadWriteOnce"])
        }) else {
            return volume;
        };
        self.templates.push(self.claims.remove(index));
        PodVolume {
            source: VolumeSource::EmptyDir(EmptyDirVolumeSource::default()),
            ..volume
        }
    }
}

/// `Recreate` when a claim only one node can mount is used (two Pods would fight over it
/// during a rolling update); otherwise `deploy.update_config`.
fn strategy(
    group: &PodGroup,
    root: &Service,
    storage: &Storage,
    report: &mut Report,
) -> Option<DeploymentStrategy> {
    if group
        .members
        .iter()
        .any(|m| storage.mounts_rwo_claim(&m.service))
    {
        if let Some(update) = root.deploy.as_ref().and_then(|d| d.update_config.as_ref()) {
            report.add(Entry::approximated(
                Some(&group.root),
                "deploy.update_config",
                update.span,
                "a claim only one node can mount makes the Deployment recreate its Pods instead",
            ));
        }
        return Some(DeploymentStrategy {
            type_: Some("Recreate".into()),
            rolling_update: None,
        });
    }
    let update = root.deploy.as_ref()?.update_config.as_ref()?;
    for (key, present) in [
        ("delay", update.delay.is_some()),
        ("failure_action", update.failure_action.is_some()),
        ("monitor", update.monitor.is_some()),
        ("max_failure_ratio", update.max_failure_ratio.is_some()),
    ] {
        if present {
            report.add(
                Entry::unsupported(
                    Some(&group.root),
                    &format!("deploy.update_config.{key}"),
                    update.keys.get(key),
                    "Deployments have no such setting",
                )
                .help("use `minReadySeconds` or a progress deadline on the Deployment"),
            );
        }
    }
    let parallelism = update
        .parallelism
        .as_ref()
        .map_or(1, |p| i32::try_from(p.value).unwrap_or(i32::MAX))
        .max(1);
    let start_first = update
        .order
        .as_ref()
        .is_some_and(|o| o.value == UpdateOrder::StartFirst);
    Some(DeploymentStrategy {
        type_: Some("RollingUpdate".into()),
        rolling_update: Some(RollingUpdateDeployment {
            max_surge: Some(IntOrString::Int(if start_first { parallelism } else { 0 })),
            max_unavailable: Some(IntOrString::Int(if start_first { 0 } else { parallelism })),
        }),
    })
}

/// The Pod: containers in start order, storage, and the root's Pod-level settings; its
/// volumes come apart from the Pod, as the plan holds them.
fn pod_spec(
    context: &Context,
    group: &PodGroup,
    root: &Service,
    order: &Order,
    storage: &mut Storage,
    mut templates: Option<ClaimTemplates>,
    report: &mut Report,
) -> (Pod, Vec<PodVolume>) {
    let services = &context.project.services;
    // The waits' containers come first; the workload makes them from its waits when the Pod
    // is written (`Workload::init_containers`). Init containers declared by kompose labels
    // move with their service into the Pod.
    let mut init: Vec<Container> = group
        .members
        .iter()
        .filter_map(|m| services.get(m.service.as_str()))
        .filter_map(kompose_init_container)
        .collect();
    let mut main = Vec::with_capacity(group.members.len());
    let mut volumes: Vec<PodVolume> = Vec::new();
    let sequence = order
        .init_sequence
        .get(&group.name)
        .cloned()
        .unwrap_or_default();
    let mut early: Vec<(usize, Container)> = Vec::new();
    let host_mode = root.network_mode.as_deref() == Some(&NamespaceMode::Host);
    for member in &group.members {
        let Some(service) = services.get(member.service.as_str()) else {
            continue;
        };
        let mut own = storage.take(&member.service);
        volumes.reserve_exact(own.volumes.len());
        for volume in std::mem::take(&mut own.volumes) {
            if !volumes.iter().any(|v| v.name == volume.name) {
                volumes.push(match &mut templates {
                    Some(templates) => templates.volume(volume),
                    None => volume,
                });
            }
        }
        let mut spec = member_container(context, group, member, service, own, report);
        if host_mode {
            host_ports(&mut spec);
        }
        if member.role == Role::Main {
            main.push(spec);
        } else {
            let position = sequence
                .iter()
                .position(|s| *s == member.service)
                .unwrap_or(usize::MAX);
            early.push((position, spec));
        }
    }
    early.sort_by_key(|(position, _)| *position);
    init.extend(early.into_iter().map(|(_, c)| c));
    let mut settings = PodSpec::default();
    network_settings(context, group, root, &mut settings, report);
    pod_settings(context, group, &mut settings, report);
    placement::apply(
        &group.root,
        root,
        &labels::selector(context, &group.name).to_map(),
        &mut settings,
        report,
    );
    if order
        .waits
        .get(&group.name)
        .is_some_and(|w| w.iter().any(|w| matches!(w, ordering::Wait::Job { .. })))
    {
        if settings.service_account_name.is_some() {
            report.add(
                Entry::approximated(Some(&group.root), &format!("labels.{}", kompose::SERVICE_ACCOUNT), None, "the Pod waits for a Job through the API, so its service account also needs to read Jobs")
                    .help(format!("bind the Role `{}` to that service account", ordering::job_waiter_name(context))),
            );
        } else {
            settings.service_account_name = Some(ordering::job_waiter_name(context));
        }
    }
    let pod = Pod {
        containers: main,
        init_containers: init,
        settings: (settings != PodSpec::default()).then(|| Box::new(settings)),
    };
    (pod, volumes)
}

/// The container of one member: its own settings, storage, and the probes its role allows.
fn member_container(
    context: &Context,
    group: &PodGroup,
    member: &crate::plan::pods::Member,
    service: &Service,
    own: crate::plan::storage::ServiceStorage,
    report: &mut Report,
) -> Container {
    let services = &context.project.services;
    let mut spec = container::container(context, &member.service, service, report);
    spec.volume_mounts = own.mounts;
    spec.env_from = own.env_from;
    match member.role {
        Role::Init => drop_for_init(&member.service, service, &mut spec, report),
        Role::Main | Role::Sidecar => {
            // A sidecar another member waits for (`service_healthy`) gets a startup probe, so
            // the next container starts only once it is healthy.
            let gates = member.role == Role::Sidecar
                && group.members.iter().any(|other| {
                    services
                        .get(other.service.as_str())
                        .and_then(|s| s.depends_on.get(member.service.as_str()))
                        .is_some_and(|d| d.condition == Condition::Healthy)
                });
            let probes = health::probes(&context.hosts, &member.service, service, gates, report);
            spec.readiness_probe = probes.readiness;
            spec.liveness_probe = probes.liveness;
            spec.startup_probe = probes.startup;
        }
    }
    if member.role == Role::Sidecar {
        spec.settings.get_or_insert_default().restart_policy = Some("Always".into());
    }
    spec
}

/// Init containers run to completion: they cannot have probes or lifecycle hooks.
fn drop_for_init(name: &str, service: &Service, spec: &mut Container, report: &mut Report) {
    if service
        .healthcheck
        .as_ref()
        .is_some_and(|h| h.test.is_some())
    {
        report.add(Entry::approximated(
            Some(name),
            "healthcheck",
            service.keys.get("healthcheck"),
            "it runs as an init container, which has no probes: it is done when it exits",
        ));
    }
    if spec.lifecycle.take().is_some() {
        report.add(Entry::unsupported(
            Some(name),
            "post_start",
            service
                .keys
                .get("post_start")
                .or(service.keys.get("pre_stop")),
            "it runs as an init container, which has no lifecycle hooks",
        ));
    }
}

/// With `network_mode: host` the container's ports are the node's ports.
fn host_ports(spec: &mut Container) {
    for port in &mut spec.ports {
        port.host_port = Some(port.container_port);
    }
}

/// `kompose.init.containers.*`: an init container declared by labels.
fn kompose_init_container(service: &Service) -> Option<Container> {
    let image = kompose::label(service, kompose::INIT_CONTAINER_IMAGE)?;
    let name = kompose::label(service, kompose::INIT_CONTAINER_NAME)
        .map_or_else(|| "init".to_owned(), |n| names::label(n));
    let command = kompose::label(service, kompose::INIT_CONTAINER_COMMAND).map(|c| {
        crate::compose::model::syntax::split_shell_words(c)
            .unwrap_or_else(|_| vec![c.value.clone()])
    });
    Some(Container {
        name,
        image: image.value.clone(),
        command,
        ..Container::default()
    })
}

/// Host, none and shared network modes; hostname, DNS and host aliases.
fn network_settings(
    context: &Context,
    group: &PodGroup,
    root: &Service,
    pod: &mut PodSpec,
    report: &mut Report,
) {
    if let Some(mode) = &root.network_mode
        && mode.value == NamespaceMode::Host
    {
        pod.host_network = Some(true);
        pod.dns_policy = Some("ClusterFirstWithHostNet".into());
        report.add(
            Entry::approximated(Some(&group.root), "network_mode", Some(mode.span), "the Pod uses the node's network (hostNetwork): it binds node ports, one Pod per node and port")
                .help("hostNetwork needs the privileged Pod Security level; publish ports through a Service instead if you can"),
        );
    }
    if let Some(hostname) = &root.hostname {
        let label = names::normalize(hostname.split('.').next().unwrap_or_default());
        if label != hostname.value {
            report.add(Entry::approximated(
                Some(&group.root),
                "hostname",
                Some(hostname.span),
                format!(
                    "a Pod hostname is one DNS label; `{}` becomes `{label}`",
                    hostname.value
                ),
            ));
        }
        pod.hostname = (!label.is_empty()).then_some(label);
    }
    if let Some(domain) = &root.rare().domainname {
        report.add(
            Entry::unsupported(
                Some(&group.root),
                "domainname",
                Some(domain.span),
                "a Pod's domain is set by its namespace and Service, not by the Pod",
            )
            .help("use the Service name (`<service>.<namespace>.svc`)"),
        );
    }
    if let Some(span) = group.members.iter().find_map(|m| match m.joined {
        Joined::Pid(span) => Some(span),
        _ => None,
    }) {
        pod.share_process_namespace = Some(true);
        report.add(Entry::approximated(
            Some(&group.root),
            "pid",
            Some(span),
            "`pid: service:X` shares the process namespace of the whole Pod (shareProcessNamespace)",
        ));
    }
    // `init: true` runs an init process as PID 1 that reaps zombies; in a Pod that shares its
    // process namespace the pause container is PID 1 and does the same.
    for member in &group.members {
        let Some(init) = context
            .project
            .services
            .get(member.service.as_str())
            .and_then(|s| s.rare().init.as_ref())
            .filter(|i| i.value)
        else {
            continue;
        };
        pod.share_process_namespace = Some(true);
        report.add(
            Entry::approximated(
                Some(&member.service),
                "init",
                Some(init.span),
                "the Pod shares one process namespace (shareProcessNamespace): its pause process is PID 1 and reaps zombies, as Docker's init does; the containers of the Pod see each other's processes",
            )
            .help("add `tini` to the image if the containers must not see each other"),
        );
    }
    for (key, mode, slot) in [
        ("pid", &root.rare().pid, &mut pod.host_pid),
        ("ipc", &root.rare().ipc, &mut pod.host_ipc),
    ] {
        if let Some(mode) = mode {
            match &mode.value {
                NamespaceMode::Host => *slot = Some(true),
                NamespaceMode::Service(_) => {}
                NamespaceMode::Other(own)
                    if matches!(own.as_str(), "private" | "shareable" | "") => {}
                other => report.add(
                    Entry::unsupported(
                        Some(&group.root),
                        key,
                        Some(mode.span),
                        format!("`{other}` has no Kubernetes equivalent"),
                    )
                    .help("use `host`, or `service:NAME` to share with a service of the project"),
                ),
            }
        }
    }
    hosts_and_dns(context, group, pod, report);
}

/// `extra_hosts` (merged over the members) as host aliases; `dns`, `dns_search` and `dns_opt`
/// as the Pod's DNS config.
fn hosts_and_dns(context: &Context, group: &PodGroup, pod: &mut PodSpec, report: &mut Report) {
    let services = &context.project.services;
    let mut aliases: Vec<HostAlias> = Vec::new();
    let mut dns = PodDNSConfig::default();
    for member in &group.members {
        let Some(service) = services.get(member.service.as_str()) else {
            continue;
        };
        for (host, ips) in &service.rare().extra_hosts.0 {
            for ip in ips {
                let ip = if ip.as_str() == "host-gateway" {
                    report.add(
                        Entry::unsupported(Some(&member.service), "extra_hosts", Some(ip.span), "`host-gateway` has no fixed address in a cluster; the entry is left out")
                            .help("reach the node through the downward API (`status.hostIP`) instead"),
                    );
                    continue;
                } else {
                    ip.value.clone()
                };
                match aliases.iter_mut().find(|a| a.ip == ip) {
                    Some(alias) => {
                        let hostnames = alias.hostnames.get_or_insert_with(Vec::new);
                        if !hostnames.contains(&host.value) {
                            hostnames.push(host.value.clone());
                        }
                    }
                    None => aliases.push(HostAlias {
                        ip,
                        hostnames: Some(vec![host.value.clone()]),
                    }),
                }
            }
        }
        let servers: Vec<String> = service
            .rare()
            .dns
            .0
            .iter()
            .map(|d| d.value.clone())
            .collect();
        if let Some(first) = service.rare().dns.0.first() {
            report.add(
                Entry::approximated(
                    Some(&member.service),
                    "dns",
                    Some(first.span),
                    "the servers are added after the cluster DNS, which still answers first",
                )
                .help("service names must keep resolving, so the cluster DNS cannot be replaced"),
            );
        }
        extend_unique(dns.nameservers.get_or_insert_with(Vec::new), servers);
        for empty in service
            .rare()
            .dns_search
            .0
            .iter()
            .filter(|d| d.trim().is_empty())
        {
            report.add(
                Entry::approximated(
                    Some(&member.service),
                    "dns_search",
                    Some(empty.span),
                    "an empty search domain means none: it is left out (the API server refuses it)",
                )
                .help("remove the empty entry"),
            );
        }
        extend_unique(
            dns.searches.get_or_insert_with(Vec::new),
            service
                .rare()
                .dns_search
                .0
                .iter()
                .filter(|d| !d.trim().is_empty())
                .map(|d| d.value.clone())
                .collect(),
        );
        for option in &service.rare().dns_opt {
            let (name, value) = option
                .split_once(':')
                .map_or((option.as_str(), None), |(n, v)| (n, Some(v.to_owned())));
            let options = dns.options.get_or_insert_with(Vec::new);
            if !options.iter().any(|o| o.name.as_deref() == Some(name)) {
                options.push(PodDNSConfigOption {
                    name: Some(name.to_owned()),
                    value,
                });
            }
        }
    }
    aliases.sort_by(|a, b| a.ip.cmp(&b.ip));
    pod.host_aliases = (!aliases.is_empty()).then_some(aliases);
    dns.nameservers = dns.nameservers.filter(|n| !n.is_empty());
    dns.searches = dns.searches.filter(|s| !s.is_empty());
    pod.dns_config = (dns != PodDNSConfig::default()).then_some(dns);
}

fn extend_unique(list: &mut Vec<String>, items: Vec<String>) {
    for item in items {
        if !list.contains(&item) {
            list.push(item);
        }
    }
}

/// Pod-level settings merged over the members: sysctls, groups, pull secrets, grace period,
/// service account, runtime.
fn pod_settings(context: &Context, group: &PodGroup, pod: &mut PodSpec, report: &mut Report) {
    let services = &context.project.services;
    let mut security = PodSecurityContext::default();
    let mut sysctls: Vec<Sysctl> = Vec::new();
    let mut groups: Vec<i64> = Vec::new();
    let mut secrets: Vec<String> = Vec::new();
    let mut grace: Option<i64> = None;
    for member in &group.members {
        let Some(service) = services.get(member.service.as_str()) else {
            continue;
        };
        for (key, value) in &service.rare().sysctls {
            if !sysctls.iter().any(|s| s.name == key.value) {
                sysctls.push(Sysctl {
                    name: key.value.clone(),
                    value: value.as_ref().map(|v| v.value.clone()).unwrap_or_default(),
                });
            }
        }
        for group_id in &service.rare().group_add {
            match group_id.parse::<i64>() {
                Ok(id) if !groups.contains(&id) => groups.push(id),
                Ok(_) => {}
                Err(_) => report.add(
                    Entry::unsupported(
                        Some(&member.service),
                        "group_add",
                        Some(group_id.span),
                        format!(
                            "Kubernetes needs numeric group ids; `{}` is dropped",
                            group_id.value
                        ),
                    )
                    .help("write the numeric id (see `getent group NAME` in the image)"),
                ),
            }
        }
        if let Some(secret) = kompose::label(service, kompose::IMAGE_PULL_SECRET)
            && !secrets.contains(&secret.value)
        {
            secrets.push(secret.value.clone());
        }
        if let Some(period) = &service.rare().stop_grace_period {
            let seconds = i64::try_from(period.value.as_std().as_secs()).unwrap_or(i64::MAX);
            grace = Some(grace.map_or(seconds, |g: i64| g.max(seconds)));
        }
        if let Some(fs_group) = kompose::label(service, kompose::FS_GROUP) {
            security.fs_group = kompose::number(fs_group, 0, i64::from(u32::MAX));
        }
        if let Some(account) = kompose::label(service, kompose::SERVICE_ACCOUNT) {
            pod.service_account_name = Some(account.value.clone());
        }
        if let Some(runtime) = &service.rare().runtime
            && runtime.as_str() != "runc"
        {
            pod.runtime_class_name = Some(names::label(runtime));
            report.add(Entry::approximated(
                Some(&member.service),
                "runtime",
                Some(runtime.span),
                format!(
                    "becomes the RuntimeClass `{}`, which the cluster must define",
                    names::label(runtime)
                ),
            ));
        }
    }
    security.sysctls = (!sysctls.is_empty()).then_some(sysctls);
    security.supplemental_groups = (!groups.is_empty()).then_some(groups);
    pod.security_context = (security != PodSecurityContext::default()).then_some(security);
    pod.image_pull_secrets = (!secrets.is_empty()).then(|| {
        secrets
            .into_iter()
            .map(|name| LocalObjectReference { name })
            .collect()
    });
    pod.termination_grace_period_seconds = grace;
}

/// kompose's defaults for a HorizontalPodAutoscaler (`kompose.hpa.*`).
const HPA_MIN_REPLICAS: i32 = 1;
const HPA_MAX_REPLICAS: i32 = 3;
const HPA_CPU_PERCENT: i32 = 50;
const HPA_MEMORY_PERCENT: i32 = 70;

/// A HorizontalPodAutoscaler when the root of a Pod has a `kompose.hpa.*` label, with
/// kompose's defaults for the others. Only Deployments and StatefulSets scale.
pub fn autoscaler(
    context: &Context,
    workload: &Workload,
    report: &mut Report,
) -> Option<Autoscaler> {
    let root = context.project.services.get(workload.group.root.as_str())?;
    let keys = [
        kompose::HPA_MIN_REPLICAS,
        kompose::HPA_MAX_REPLICAS,
        kompose::HPA_CPU,
        kompose::HPA_MEMORY,
    ];
    let first = keys.iter().find_map(|k| kompose::label(root, k))?;
    if !matches!(
        workload.kind,
        WorkloadKind::Deployment { .. } | WorkloadKind::StatefulSet { .. }
    ) {
        report.add(
            Entry::unsupported(
                Some(&workload.group.root),
                "labels",
                Some(first.span),
                format!(
                    "a {} does not scale; the `kompose.hpa.*` labels are ignored",
                    workload.kind.name()
                ),
            )
            .help("autoscaling needs a long-running service (a Deployment or StatefulSet)"),
        );
        return None;
    }
    let mut number = |key: &str, default: i32, range: std::ops::RangeInclusive<i32>| {
        let Some(label) = kompose::label(root, key) else {
            return default;
        };
        match label.trim().trim_end_matches('%').parse::<i32>() {
            Ok(n) if range.contains(&n) => n,
            _ => {
                report.add(
                    Entry::unsupported(
                        Some(&workload.group.root),
                        &format!("labels.{key}"),
                        Some(label.span),
                        format!(
                            "`{}` is not a number from {} to {}",
                            label.value,
                            range.start(),
                            range.end()
                        ),
                    )
                    .help(format!(
                        "write a whole number; without it the default {default} applies"
                    )),
                );
                default
            }
        }
    };
    let min_replicas = number(kompose::HPA_MIN_REPLICAS, HPA_MIN_REPLICAS, 1..=i32::MAX);
    let max_replicas = number(
        kompose::HPA_MAX_REPLICAS,
        HPA_MAX_REPLICAS.max(min_replicas),
        min_replicas..=i32::MAX,
    );
    let cpu_percent = number(kompose::HPA_CPU, HPA_CPU_PERCENT, 1..=i32::MAX);
    let memory_percent = number(kompose::HPA_MEMORY, HPA_MEMORY_PERCENT, 1..=i32::MAX);
    let requested = |resource: &str| {
        workload
            .pod
            .containers
            .iter()
            .all(|c| c.resources.as_ref().is_some_and(|r| r.requests(resource)))
    };
    if !(requested("cpu") && requested("memory")) {
        report.add(
            Entry::approximated(
                Some(&workload.group.root),
                "labels",
                Some(first.span),
                "the autoscaler measures use against resource requests, which some containers lack",
            )
            .help("set `deploy.resources.reservations` (cpus and memory) on every container of the Pod"),
        );
    }
    Some(Autoscaler {
        name: workload.name.clone(),
        labels: workload.labels.clone(),
        target_api_version: workload.kind.api_version().to_owned(),
        target_kind: workload.kind.name().to_owned(),
        target: workload.name.clone(),
        min_replicas,
        max_replicas,
        cpu_percent: Some(cpu_percent),
        memory_percent: Some(memory_percent),
    })
}
