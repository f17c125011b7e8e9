//! `compose2kube explain`: the plan in words, or as a diagram.
//!
//! For each Pod: its containers in start order (init, sidecar, main) and where each comes
//! from, the Services that reach it and their ports, its volumes, the NetworkPolicies that
//! select it, and what it waits for. Then every note of the translation report. The graph
//! forms (Mermaid for GitHub, DOT for Graphviz) draw Pods, Services, networks and
//! dependencies.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::plan::ordering::Wait;
use crate::plan::pods::{Joined, Role};
use crate::plan::storage::{PodVolume, VolumeSource};
use crate::plan::{NetworkService, Plan, Policy, ServicePurpose, ServiceType, Workload};

/// The plan as text.
#[must_use]
pub fn text(plan: &Plan, notes: &[String]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Project {} ({} Pods)",
        plan.project,
        plan.workloads.len()
    );
    for workload in &plan.workloads {
        let _ = writeln!(out);
        let replicas = workload
            .replicas
            .map(|r| format!(", {r} replicas"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "Pod {} ({}{replicas})",
            workload.name,
            workload.kind.name()
        );
        let _ = writeln!(out, "  containers, in start order:");
        for (index, (container, role, origin)) in containers(plan, workload).iter().enumerate() {
            let _ = writeln!(
                out,
                "    {}. {:<24} {:<8} {origin}",
                index + 1,
                container,
                role
            );
        }
        let pod_labels = workload.pod_labels();
        let services: Vec<&NetworkService> = plan
            .services
            .iter()
            .filter(|s| selects(&s.selector, &pod_labels))
            .collect();
        if services.is_empty() {
            let _ = writeln!(out, "  Services: none (nothing addresses it by name)");
        } else {
            for answer in answers_on(&services) {
                let _ = writeln!(out, "  answers at {answer}");
            }
            let _ = writeln!(out, "  Services:");
            for service in services {
                let _ = writeln!(out, "    {}", describe_service(service));
            }
        }
        if !workload.volumes.is_empty() {
            let _ = writeln!(out, "  volumes:");
            for volume in &workload.volumes {
                let _ = writeln!(out, "    {:<28} {}", volume.name, describe_volume(volume));
            }
        }
        if !workload.networks.is_empty() {
            let _ = writeln!(out, "  networks: {}", workload.networks.join(", "));
        }
        let policies: Vec<&Policy> = plan
            .policies
            .iter()
            .filter(|p| policy_selects(p, &pod_labels))
            .collect();
        if !policies.is_empty() {
            let _ = writeln!(out, "  NetworkPolicies:");
            for policy in policies {
                let _ = writeln!(out, "    {:<36} {}", policy.name, policy.purpose);
            }
        }
    }
    let routes = routes(plan);
    if !routes.is_empty() {
        let _ = writeln!(out, "\nRoutes:");
        for route in routes {
            let _ = writeln!(out, "  {route}");
        }
    }
    if !notes.is_empty() {
        let _ = writeln!(out, "\nTranslation report:");
        for note in notes {
            let _ = writeln!(out, "  {note}");
        }
    }
    out
}

/// Each route as `host/path → Service:port`, with the object that carries it.
fn routes(plan: &Plan) -> Vec<String> {
    let mut out = Vec::new();
    for ingress in &plan.ingresses {
        let tls = if ingress.tls.is_some() { " (TLS)" } else { "" };
        for rule in &ingress.rules {
            out.push(format!(
                "{}{} → {}:{}   Ingress {}{tls}",
                rule.host.as_deref().unwrap_or("*"),
                rule.path,
                rule.backend,
                rule.port,
                ingress.name
            ));
        }
    }
    for route in &plan.http_routes {
        let hosts = if route.hostnames.is_empty() {
            vec!["*".to_owned()]
        } else {
            route.hostnames.clone()
        };
        for rule in &route.rules {
            let target = rule.backend.as_ref().map_or_else(
                || "redirect".to_owned(),
                |(service, port)| format!("{service}:{port}"),
            );
            let paths: Vec<String> = if rule.matches.is_empty() {
                vec!["/".to_owned()]
            } else {
                rule.matches
                    .iter()
                    .map(|m| {
                        let mut text = m
                            .path
                            .as_ref()
                            .map_or_else(|| "/".to_owned(), |(_, p)| p.clone());
                        if let Some(method) = m.method {
                            let _ = write!(text, " [{}]", method.as_str());
                        }
                        for (name, value) in &m.headers {
                            let _ = write!(text, " [{name}: {value}]");
                        }
                        for (name, value) in &m.query {
                            let _ = write!(text, " [?{name}={value}]");
                        }
                        text
                    })
                    .collect()
            };
            for host in &hosts {
                for path in &paths {
                    out.push(format!(
                        "{host}{path} → {target}   HTTPRoute {} (Gateway {})",
                        route.name, route.parent.name
                    ));
                }
            }
        }
    }
    out
}

/// The names of the Pod's containers in start order, with their role and where they come
/// from.
pub(super) fn containers(plan: &Plan, workload: &Workload) -> Vec<(String, &'static str, String)> {
    let mut out = Vec::new();
    let member = |name: &str| workload.group.members.iter().find(|m| m.container == name);
    for container in workload.init_containers(&plan.wait_settings) {
        let (role, origin) = match member(&container.name) {
            Some(m) if m.role == Role::Sidecar => ("sidecar", origin(m)),
            Some(m) => ("init", origin(m)),
            None => ("init", wait_origin(workload, &container.name)),
        };
        out.push((container.name, role, origin));
    }
    for container in &workload.pod.containers {
        let origin = member(&container.name).map_or_else(String::new, origin);
        out.push((container.name.clone(), "main", origin));
    }
    out
}

fn origin(member: &crate::plan::pods::Member) -> String {
    let why = match &member.joined {
        Joined::Root => String::new(),
        Joined::NetworkMode(_) => " (shares the network stack)".into(),
        Joined::Ipc(_) => " (shares IPC)".into(),
        Joined::Pid(_) => " (shares PIDs)".into(),
        Joined::Label(group) => format!(" (group `{group}`)"),
        Joined::Volume(volume) => format!(" (shares volume `{volume}`)"),
        Joined::InitOf(dependent) => format!(" (runs to completion before `{dependent}`)"),
    };
    format!("service `{}`{why}", member.service)
}

fn wait_origin(workload: &Workload, container: &str) -> String {
    workload
        .waits
        .iter()
        .find(|wait| crate::plan::ordering::wait_container_name(wait) == container)
        .map_or_else(
            || "declared by kompose labels".into(),
            |wait| match wait {
                Wait::Ready { service, .. } => format!("waits until `{service}` is ready"),
                Wait::Job { service, job, .. } => {
                    format!("waits until the Job `{job}` (`{service}`) completed")
                }
            },
        )
}

fn describe_service(service: &NetworkService) -> String {
    let kind = service_type(service.kind);
    let purpose = match &service.purpose {
        ServicePurpose::Primary => String::new(),
        ServicePurpose::Alias { alias } => format!(", alias `{alias}`"),
        ServicePurpose::ContainerName { container_name } => {
            format!(", container_name `{container_name}`")
        }
        ServicePurpose::Published => ", the published ports, from outside".into(),
        ServicePurpose::Headless => ", resolves to ready Pods only".into(),
    };
    format!(
        "{:<28} {kind}{purpose}: {}",
        service.name,
        describe_ports(service)
    )
}

/// The Service type as `kubectl get` shows it (`headless` for `clusterIP: None`).
pub(super) fn service_type(kind: ServiceType) -> &'static str {
    if kind == ServiceType::Headless {
        "headless"
    } else {
        kind.as_str()
    }
}

/// `80/TCP, 8080→80/TCP`, or `any port` for a headless Service without ports.
pub(super) fn describe_ports(service: &NetworkService) -> String {
    let ports: Vec<String> = service
        .ports
        .iter()
        .map(|p| {
            if p.port == p.target_port {
                format!("{}/{}", p.port, p.protocol)
            } else {
                format!("{}→{}/{}", p.port, p.target_port, p.protocol)
            }
        })
        .collect();
    if ports.is_empty() {
        "any port".to_owned()
    } else {
        ports.join(", ")
    }
}

/// Every name and port the Pod answers on in the cluster, as peers on a Compose network
/// address it: `web: 80/TCP, 8080→80/TCP; also my-web`.
fn answers_on(services: &[&NetworkService]) -> Vec<String> {
    services
        .iter()
        .filter(|s| s.purpose == ServicePurpose::Primary)
        .map(|primary| {
            let also: Vec<&str> = services
                .iter()
                .filter(|s| {
                    s.service == primary.service
                        && matches!(
                            s.purpose,
                            ServicePurpose::Alias { .. } | ServicePurpose::ContainerName { .. }
                        )
                })
                .map(|s| s.name.as_str())
                .collect();
            let also = if also.is_empty() {
                String::new()
            } else {
                format!("; also {}", also.join(", "))
            };
            format!("{}: {}{also}", primary.name, describe_ports(primary))
        })
        .collect()
}

fn describe_volume(volume: &PodVolume) -> String {
    match &volume.source {
        VolumeSource::Claim(claim) => format!("claim {}", claim.claim_name),
        VolumeSource::ConfigMap(config_map) => format!("ConfigMap {}", config_map.name),
        VolumeSource::Secret(secret) => format!(
            "Secret {}",
            secret.secret_name.as_deref().unwrap_or_default()
        ),
        VolumeSource::EmptyDir(dir) => if dir.medium.as_deref() == Some("Memory") {
            "memory (tmpfs)"
        } else {
            "empty directory"
        }
        .into(),
        VolumeSource::HostPath(host) => format!("host path {}", host.path),
    }
}

pub(super) fn selects(
    selector: &crate::plan::labels::Labels,
    labels: &BTreeMap<String, String>,
) -> bool {
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

pub(super) fn policy_selects(policy: &Policy, labels: &BTreeMap<String, String>) -> bool {
    selects(&policy.pod_selector, labels)
}

/// A diagram language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Graph {
    Mermaid,
    Dot,
}

/// The topology as a diagram: Pods (with their containers), Services, networks and
/// dependencies.
#[must_use]
pub fn graph(plan: &Plan, kind: Graph) -> String {
    let topology = Topology::of(plan);
    match kind {
        Graph::Mermaid => mermaid(plan, &topology),
        Graph::Dot => dot(plan, &topology),
    }
}

/// A Pod in a diagram: its name, kind, and containers with their roles.
struct DiagramPod<'a> {
    name: &'a str,
    kind: &'static str,
    containers: Vec<(String, &'static str)>,
}

/// What a diagram draws, by name: each language only formats it.
struct Topology<'a> {
    pods: Vec<DiagramPod<'a>>,
    /// Service → Pod.
    routes: Vec<(&'a str, &'a str)>,
    networks: Vec<&'a str>,
    /// Pod — network.
    memberships: Vec<(&'a str, &'a str)>,
    /// Pod waits for Pod, and why.
    waits: Vec<(&'a str, &'a str, &'static str)>,
}

impl<'a> Topology<'a> {
    fn of(plan: &'a Plan) -> Self {
        let pods = plan
            .workloads
            .iter()
            .map(|w| {
                let containers = containers(plan, w)
                    .into_iter()
                    .map(|(c, role, _)| (c, role))
                    .collect();
                DiagramPod {
                    name: w.name.as_str(),
                    kind: w.kind.name(),
                    containers,
                }
            })
            .collect();
        let pod_labels: Vec<_> = plan.workloads.iter().map(Workload::pod_labels).collect();
        let routes = plan
            .services
            .iter()
            .flat_map(|s| {
                plan.workloads
                    .iter()
                    .zip(&pod_labels)
                    .filter(|(_, labels)| selects(&s.selector, labels))
                    .map(move |(w, _)| (s.name.as_str(), w.name.as_str()))
            })
            .collect();
        let memberships = plan
            .workloads
            .iter()
            .flat_map(|w| {
                w.networks
                    .iter()
                    .map(move |n| (w.name.as_str(), n.as_str()))
            })
            .collect();
        let waits = plan
            .workloads
            .iter()
            .flat_map(|w| {
                w.waits.iter().filter_map(move |wait| {
                    let (service, label) = wait_target(wait);
                    let target = plan
                        .workloads
                        .iter()
                        .find(|t| t.group.member(service).is_some())?;
                    Some((w.name.as_str(), target.name.as_str(), label))
                })
            })
            .collect();
        Topology {
            pods,
            routes,
            networks: networks(plan),
            memberships,
            waits,
        }
    }
}

/// A Mermaid identifier for a name.
fn id(prefix: &str, name: &str) -> String {
    format!("{prefix}_{}", name.replace(['-', '.'], "_"))
}

fn mermaid(plan: &Plan, topology: &Topology) -> String {
    let mut out = String::from("flowchart LR\n");
    for DiagramPod {
        name: pod,
        kind,
        containers,
    } in &topology.pods
    {
        let _ = writeln!(out, "  subgraph {}[\"Pod {pod} ({kind})\"]", id("pod", pod));
        for (container, role) in containers {
            let _ = writeln!(
                out,
                "    {}[\"{container} ({role})\"]",
                id(&format!("c_{pod}"), container)
            );
        }
        let _ = writeln!(out, "  end");
    }
    for service in &plan.services {
        let _ = writeln!(
            out,
            "  {}([\"Service {}\"])",
            id("svc", &service.name),
            service.name
        );
    }
    for (service, pod) in &topology.routes {
        let _ = writeln!(out, "  {} --> {}", id("svc", service), id("pod", pod));
    }
    for network in &topology.networks {
        let _ = writeln!(out, "  {}{{{{\"network {network}\"}}}}", id("net", network));
    }
    for (pod, network) in &topology.memberships {
        let _ = writeln!(out, "  {} --- {}", id("pod", pod), id("net", network));
    }
    for (from, to, label) in &topology.waits {
        let _ = writeln!(
            out,
            "  {} -. \"{label}\" .-> {}",
            id("pod", from),
            id("pod", to)
        );
    }
    out
}

fn dot(plan: &Plan, topology: &Topology) -> String {
    let mut out = format!(
        "digraph \"{}\" {{\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n",
        plan.project
    );
    // Edges attach to a Pod's first container, the anchor of its cluster.
    let anchor = |pod: &str| {
        let first = topology
            .pods
            .iter()
            .find(|p| p.name == pod)
            .and_then(|p| p.containers.first())
            .map_or("", |(c, _)| c.as_str());
        format!("{pod}/{first}")
    };
    for DiagramPod {
        name: pod,
        kind,
        containers,
    } in &topology.pods
    {
        let _ = writeln!(
            out,
            "  subgraph \"cluster_{pod}\" {{\n    label=\"Pod {pod} ({kind})\";"
        );
        for (container, role) in containers {
            let _ = writeln!(
                out,
                "    \"{pod}/{container}\" [label=\"{container} ({role})\", shape=box];"
            );
        }
        let _ = writeln!(out, "  }}");
    }
    for service in &plan.services {
        let _ = writeln!(
            out,
            "  \"svc/{}\" [label=\"Service {}\", shape=ellipse];",
            service.name, service.name
        );
    }
    for (service, pod) in &topology.routes {
        let _ = writeln!(out, "  \"svc/{service}\" -> \"{}\";", anchor(pod));
    }
    for network in &topology.networks {
        let _ = writeln!(
            out,
            "  \"net/{network}\" [label=\"network {network}\", shape=hexagon];"
        );
    }
    for (pod, network) in &topology.memberships {
        let _ = writeln!(
            out,
            "  \"{}\" -> \"net/{network}\" [dir=none];",
            anchor(pod)
        );
    }
    for (from, to, label) in &topology.waits {
        let _ = writeln!(
            out,
            "  \"{}\" -> \"{}\" [style=dashed, label=\"{label}\"];",
            anchor(from),
            anchor(to)
        );
    }
    out.push_str("}\n");
    out
}

/// Every network a Pod is on, once, in the order first seen.
pub(super) fn networks(plan: &Plan) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for network in plan.workloads.iter().flat_map(|w| w.networks.iter()) {
        if !out.contains(&network.as_str()) {
            out.push(network);
        }
    }
    out
}

pub(super) fn wait_target(wait: &Wait) -> (&str, &'static str) {
    match wait {
        Wait::Ready { service, .. } => (service.as_str(), "waits until healthy"),
        Wait::Job { service, .. } => (service.as_str(), "waits until completed"),
    }
}
