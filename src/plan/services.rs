//! How Pods are reached: Services (with the Compose service's name, so DNS names keep
//! working), network and link aliases, and Ingresses.
//!
//! - A service with `ports` or `expose` gets a ClusterIP Service that answers on every
//!   container port (peers on a Compose network connect to `name:<container port>`, whatever
//!   host port publishes it), and also on each published host port that differs from its
//!   container port and is no other container port of the Pod (clients and health checks
//!   written against the published port). Ports the container listens on without declaring
//!   them are unreachable through the Service: a note says so.
//! - When published ports are exposed as NodePort or LoadBalancer (`kompose.service.type`,
//!   `--service-type`), a second Service `<name>-published` of that type carries only the
//!   published ports, so that no `expose`d or internal port becomes reachable from outside.
//! - `container_name` resolves on a Compose network like the service name: a further Service
//!   of that name selects the same Pods.
//! - A service without ports gets a headless Service, so that its name still resolves to its
//!   Pods, as it does on a Compose network.
//! - The members of a shared Pod get no Service: the root's Service carries every port of the
//!   Pod (in Compose, the members' ports are declared on the root).
//! - `networks.<n>.aliases` and `links` aliases are further Services selecting the same Pods.
//! - A service another Pod waits for (`service_healthy`) also gets `<name>-headless`, whose
//!   name resolves only to ready Pods; a StatefulSet gets it as its governing Service.
//! - The port a route sends to (a proxy's `loadbalancer.server.port`) is a port of the
//!   Service even when Compose does not declare it: the proxy reached it on the network.
//!   The routes themselves are planned in [`super::routes`].

use std::sync::Arc;

use crate::compose::model::Service;
use crate::compose::model::networking::NamespaceMode;
use crate::diag::{Code, Diagnostic};
use crate::hash::HashMap;
use crate::plan::ordering::{Order, ready_service_name};
use crate::plan::pods::{Joined, PodGroup, PodGroups};
use crate::plan::routes::Exposure;
use crate::plan::{
    Context, NetworkService, Plan, ServicePort, ServicePurpose, ServiceType, WorkloadKind, kompose,
    labels, names,
};
use crate::report::{Entry, Report};
use crate::source::Spanned;

/// Plans the Services of every Pod.
pub fn plan(
    context: &Context,
    groups: &PodGroups,
    order: &Order,
    exposure: &Exposure,
    plan: &mut Plan,
    report: &mut Report,
) {
    let services = &context.project.services;
    let mut index = ServiceIndex::of(plan);
    for group in &groups.groups {
        let Some(root) = services.get(group.root.as_str()) else {
            continue;
        };
        let selector = labels::selector(context, &group.name);
        let mode = root.network_mode.as_deref();
        // Each service that has its own network identity: the root, and services grouped by
        // label or volume (which have their own names in Compose).
        for member in group.members.iter().filter(|m| {
            matches!(
                m.joined,
                Joined::Root | Joined::Label(_) | Joined::Volume(_)
            )
        }) {
            let Some(service) = services.get(member.service.as_str()) else {
                continue;
            };
            // A one-shot task is addressed by nobody, unless it publishes ports (a dev server
            // with `restart: no` is still a server) or another Pod waits for it.
            let unaddressed = service.runs_once()
                && service.ports.is_empty()
                && service.expose.is_empty()
                && !order.ready_checked.contains(&member.service)
                && exposure.target_ports(&member.service).is_empty();
            if matches!(mode, Some(NamespaceMode::Host | NamespaceMode::None)) || unaddressed {
                if let Some(first) = service.ports.first()
                    && mode == Some(&NamespaceMode::None)
                {
                    report.add(Entry::unsupported(
                        Some(&member.service),
                        "ports",
                        Some(first.span),
                        "`network_mode: none` has no network to publish on",
                    ));
                }
                continue;
            }
            let ports = pod_ports(context, group, &member.service, exposure, report);
            if !ports.published.is_empty() {
                index
                    .plan
                    .published_ports
                    .insert(member.service.clone(), ports.published.clone());
            }
            let exposure = service_type(context, service, &ports, report);
            // Inside the cluster the name answers on every port; a NodePort or LoadBalancer
            // Service of its own carries the published ports only, so that nothing becomes
            // reachable from outside that Compose does not publish.
            let kind = if exposure.reachable_from_outside() {
                ServiceType::ClusterIp
            } else {
                exposure
            };
            let primary = NetworkService {
                name: primary_name(&member.service, service, report),
                service: member.service.clone(),
                purpose: ServicePurpose::Primary,
                kind,
                labels: labels::common(context, &member.service),
                selector: selector.clone(),
                ports: ports.in_cluster.clone(),
                external_traffic_policy: None,
            };
            if kind != ServiceType::Headless {
                undeclared_ports(&member.service, service, report);
            }
            index.add(primary, report);
            if let Some(outside) = published(
                context,
                &member.service,
                service,
                exposure,
                &ports,
                &selector,
                report,
            ) {
                index.add(outside, report);
            }
            let ports = ports.in_cluster;
            further_names(
                context,
                &member.service,
                service,
                &ports,
                &selector,
                &mut index,
                report,
            );
        }
    }
    links(context, &mut index, report);
    headless(context, groups, order, &mut index);
}

/// The Services planned so far by name, and each Compose service's primary Service: built
/// once, so that adding a Service is one look-up, not a scan of all of them.
struct ServiceIndex<'p> {
    plan: &'p mut Plan,
    by_name: HashMap<String, usize>,
    primary: HashMap<String, usize>,
}

impl<'p> ServiceIndex<'p> {
    /// Whether the Service name `candidate` already answers for the Compose service `name`:
    /// its own name, or a Service of that name for it planned before.
    fn already_answers(&self, name: &str, service: &Service, candidate: &str) -> bool {
        candidate == own_name(name, service)
            || self.named(candidate).is_some_and(|s| s.service == name)
    }

    fn of(plan: &'p mut Plan) -> Self {
        let mut by_name = HashMap::default();
        let mut primary = HashMap::default();
        for (i, service) in plan.services.iter().enumerate() {
            remember(&mut by_name, &mut primary, i, service);
        }
        ServiceIndex {
            plan,
            by_name,
            primary,
        }
    }

    /// The Service of that name.
    fn named(&self, name: &str) -> Option<&NetworkService> {
        self.by_name
            .get(name)
            .and_then(|&i| self.plan.services.get(i))
    }

    /// The primary Service of a Compose service.
    fn primary(&self, service: &str) -> Option<&NetworkService> {
        self.primary
            .get(service)
            .and_then(|&i| self.plan.services.get(i))
    }

    /// Adds a Service unless one of that name exists, which is reported.
    fn add(&mut self, service: NetworkService, report: &mut Report) {
        if let Some(existing) = self.named(&service.name) {
            report.error(
                Diagnostic::error(
                    Code::NameConflict,
                    format!("`{}` and `{}` both need the Service name `{}`", existing.service, service.service, service.name),
                )
                .help("rename one of the services or aliases: Kubernetes Service names are unique in a namespace"),
            );
            return;
        }
        self.push(service);
    }

    fn push(&mut self, service: NetworkService) {
        let i = self.plan.services.len();
        remember(&mut self.by_name, &mut self.primary, i, &service);
        self.plan.services.push(service);
    }
}

fn remember(
    by_name: &mut HashMap<String, usize>,
    primary: &mut HashMap<String, usize>,
    i: usize,
    service: &NetworkService,
) {
    by_name.entry(service.name.clone()).or_insert(i);
    if service.purpose == ServicePurpose::Primary {
        primary.entry(service.service.clone()).or_insert(i);
    }
}

/// `<name>-published`: the published ports, as a NodePort or LoadBalancer Service of their
/// own. For the other types the node-port and traffic-policy labels do not apply (reported).
fn published(
    context: &Context,
    name: &str,
    service: &Service,
    exposure: ServiceType,
    ports: &PodPorts,
    selector: &labels::LabelSet,
    report: &mut Report,
) -> Option<NetworkService> {
    let external_traffic_policy = external_traffic_policy(name, service, exposure, report);
    if !exposure.reachable_from_outside() {
        node_port(name, service, exposure, Vec::new(), report);
        return None;
    }
    let mut published = if ports.published.is_empty() {
        // Only a `kompose.service.type` label asks for this: expose what there is.
        ports.in_cluster.clone()
    } else {
        ports.published.clone()
    };
    keep_host_ports_as_node_ports(name, service, exposure, &mut published, report);
    Some(NetworkService {
        name: published_service_name(name),
        service: name.to_owned(),
        purpose: ServicePurpose::Published,
        kind: exposure,
        labels: labels::common(context, name),
        selector: Arc::clone(selector),
        ports: node_port(name, service, exposure, published, report),
        external_traffic_policy,
    })
}

/// The name of the NodePort or LoadBalancer Service of a service's published ports.
pub fn published_service_name(service: &str) -> String {
    names::joined(&[&names::service(service), "published"])
}

/// The ports a Pod answers on, from a service and the Pod members that joined its network
/// stack.
struct PodPorts {
    /// In the cluster: every container port (`ports` targets and `expose`) under its own
    /// number, as peers on a Compose network reach it, then each published host port that
    /// differs and is no container port of the Pod, for clients written against it.
    in_cluster: Vec<ServicePort>,
    /// Outside: every `ports` entry under its host port (its container port when Docker picks
    /// the host port), with the host port Compose names as the node port to keep.
    published: Vec<ServicePort>,
}

fn pod_ports(
    context: &Context,
    group: &PodGroup,
    service_name: &str,
    exposure: &Exposure,
    report: &mut Report,
) -> PodPorts {
    let services = &context.project.services;
    let mut in_cluster: Vec<ServicePort> = Vec::new();
    let mut host_ports: Vec<ServicePort> = Vec::new();
    let owners: Vec<&str> = std::iter::once(service_name)
        .chain(
            group
                .members
                .iter()
                .filter(|m| {
                    group.root == service_name
                        && !matches!(
                            m.joined,
                            Joined::Root | Joined::Label(_) | Joined::Volume(_)
                        )
                })
                .map(|m| m.service.as_str()),
        )
        .collect();
    for owner in owners {
        let Some(service) = services.get(owner) else {
            continue;
        };
        for port in &service.ports {
            let published = port.published.as_deref().and_then(|p| {
                let (start, end) = p.split_once('-').unwrap_or((p, p));
                if start != end {
                    report.add(
                        Entry::approximated(
                            Some(owner),
                            "ports",
                            Some(port.span),
                            format!("the published range {p} becomes its first port, {start}"),
                        )
                        .help("publish one port per container port"),
                    );
                }
                start.parse::<i32>().ok()
            });
            if let Some(host_ip) = &port.host_ip
                && !matches!(host_ip.as_str(), "0.0.0.0" | "::" | "")
            {
                report.add(
                    Entry::approximated(Some(owner), "ports", Some(port.span), format!("the port is bound to {host_ip} on the host; in the cluster it is reachable at the Service"))
                        .help("use a NetworkPolicy to restrict who may connect"),
                );
            }
            let target = i32::from(port.target);
            let name = port.name.as_deref();
            let protocol = port.protocol();
            push_port(
                &mut in_cluster,
                target,
                target,
                protocol,
                name,
                port.app_protocol.clone(),
            );
            let host = published.unwrap_or(target);
            let count = host_ports.len();
            push_port(
                &mut host_ports,
                host,
                target,
                protocol,
                name,
                port.app_protocol.clone(),
            );
            // A host port Compose names is the node port to keep (see `published`).
            if host_ports.len() > count
                && let Some(last) = host_ports.last_mut()
            {
                last.node_port = published;
            }
        }
        for expose in &service.expose {
            for port in super::container::expose_ports(expose) {
                push_port(&mut in_cluster, port, port, expose.protocol(), None, None);
            }
        }
        for port in exposure.target_ports(owner) {
            push_port(&mut in_cluster, port, port, "TCP", None, None);
        }
    }
    for port in &host_ports {
        push_port(
            &mut in_cluster,
            port.port,
            port.target_port,
            &port.protocol,
            None,
            port.app_protocol.clone(),
        );
    }
    PodPorts {
        in_cluster,
        published: host_ports,
    }
}

fn push_port(
    out: &mut Vec<ServicePort>,
    port: i32,
    target: i32,
    protocol: &str,
    name: Option<&str>,
    app_protocol: Option<String>,
) {
    let protocol = protocol.to_uppercase();
    if out.iter().any(|p| p.port == port && p.protocol == protocol) {
        return;
    }
    let name = name
        .and_then(names::port_name)
        .filter(|n| !out.iter().any(|p| p.name.as_deref() == Some(n.as_str())))
        .unwrap_or_else(|| {
            let mut name = protocol.to_lowercase();
            name.push('-');
            name.push_str(&port.to_string());
            name
        });
    out.push(ServicePort {
        name: Some(name),
        port,
        target_port: target,
        protocol,
        node_port: None,
        app_protocol,
    });
}

/// ClusterIP by default, headless without ports; `kompose.service.type` or `--service-type`
/// for services that publish ports.
fn service_type(
    context: &Context,
    service: &Service,
    ports: &PodPorts,
    report: &mut Report,
) -> ServiceType {
    if ports.in_cluster.is_empty() {
        return ServiceType::Headless;
    }
    let from_label = kompose::label(service, kompose::SERVICE_TYPE).and_then(|label| {
        let kind = match label.to_lowercase().as_str() {
            "clusterip" => Some(ServiceType::ClusterIp),
            "nodeport" => Some(ServiceType::NodePort),
            "loadbalancer" => Some(ServiceType::LoadBalancer),
            "headless" => Some(ServiceType::Headless),
            _ => None,
        };
        if kind.is_none() {
            report.error(
                Diagnostic::error(
                    Code::InvalidLabel,
                    format!("`{}` is not a Service type", label.value),
                )
                .at(label.span)
                .help("use `clusterip`, `nodeport`, `loadbalancer` or `headless`"),
            );
        }
        kind
    });
    match from_label {
        Some(kind) => kind,
        None if !ports.published.is_empty() => context.options.service_type.unwrap_or_default(),
        None => ServiceType::default(),
    }
}

/// A NodePort Service keeps each host port Compose publishes as its node port when it is in
/// the node-port range (30000–32767); outside it the cluster chooses one, which is noted. A
/// LoadBalancer is reached at its `port`: the cluster chooses its node ports.
fn keep_host_ports_as_node_ports(
    name: &str,
    service: &Service,
    exposure: ServiceType,
    ports: &mut [ServicePort],
    report: &mut Report,
) {
    let mut chosen: Vec<String> = Vec::new();
    for port in ports.iter_mut() {
        let host = port.node_port.take();
        if exposure != ServiceType::NodePort {
            continue;
        }
        match host {
            Some(host) if (30000..=32767).contains(&host) => port.node_port = Some(host),
            Some(host) => chosen.push(host.to_string()),
            None => {}
        }
    }
    if !chosen.is_empty() {
        report.add(
            Entry::approximated(
                Some(name),
                "ports",
                service.ports.first().map(|p| p.span),
                format!(
                    "a node port is from 30000 to 32767: the cluster chooses the node port for the host port {}; the Service `{}` still listens on it",
                    chosen.join(", "),
                    published_service_name(name)
                ),
            )
            .help(format!(
                "publish on a port from 30000 to 32767, or set `{}`",
                kompose::SERVICE_NODEPORT_PORT
            )),
        );
    }
}

/// `kompose.service.nodeport.port`: the node port of the first port of a NodePort Service.
fn node_port(
    name: &str,
    service: &Service,
    kind: ServiceType,
    mut ports: Vec<ServicePort>,
    report: &mut Report,
) -> Vec<ServicePort> {
    let Some(label) = kompose::label(service, kompose::SERVICE_NODEPORT_PORT) else {
        return ports;
    };
    match (kind, label.parse::<i32>(), ports.first_mut()) {
        (kind, Ok(number), Some(first))
            if kind.reachable_from_outside() && (30000..=32767).contains(&number) =>
        {
            first.node_port = Some(number);
        }
        _ => report.add(outside_only(
            name,
            kompose::SERVICE_NODEPORT_PORT,
            label,
            "needs a NodePort Service with a port, and a number from 30000 to 32767",
            &["nodeport"],
        )),
    }
    ports
}

/// The report of a label of `name` that only a Service reachable from outside the cluster
/// has, left out; `types` are the `kompose.service.type` values that give it one.
fn outside_only(
    name: &str,
    key: &str,
    label: &Spanned<String>,
    message: &'static str,
    types: &[&str],
) -> Entry {
    let types = types.join("` or `");
    Entry::unsupported(
        Some(name),
        &format!("labels.{key}"),
        Some(label.span),
        message,
    )
    .help(format!("set `{}: {types}`", kompose::SERVICE_TYPE))
}

/// `kompose.service.external-traffic-policy`: only a NodePort or LoadBalancer Service has one
/// (the API server refuses it on the others).
fn external_traffic_policy(
    name: &str,
    service: &Service,
    kind: ServiceType,
    report: &mut Report,
) -> Option<String> {
    let label = kompose::label(service, kompose::SERVICE_EXTERNAL_TRAFFIC_POLICY)?;
    if kind.reachable_from_outside() {
        return Some(capitalize(&label.value));
    }
    report.add(outside_only(
        name,
        kompose::SERVICE_EXTERNAL_TRAFFIC_POLICY,
        label,
        "only a NodePort or LoadBalancer Service has an external traffic policy; the label is ignored",
        &["nodeport", "loadbalancer"],
    ));
    None
}

/// The name of a service's own Service: its Compose name, which its peers resolve, unless
/// `kompose.service.name_override` renames its objects (then said, since the peers must use
/// the new name).
fn primary_name(name: &str, service: &Service, report: &mut Report) -> String {
    let own = own_name(name, service);
    let Some(rename) = kompose::name_override(service).filter(|_| own != names::service(name))
    else {
        return own;
    };
    report.add(
        Entry::approximated(
            Some(name),
            &format!("labels.{}", kompose::SERVICE_NAME_OVERRIDE),
            Some(rename.span),
            format!(
                "the objects of `{name}` are named `{}`: other containers reach it as `{}`, no longer as `{name}`",
                rename.value, rename.value
            ),
        )
        .help(format!(
            "use `{}` in the addresses other services connect to, or add `{name}` to the service's `networks.<network>.aliases`",
            rename.value
        )),
    );
    rename.value.clone()
}

/// The name of a service's own Service (and its Ingress backend), without a word about it.
pub fn own_name(name: &str, service: &Service) -> String {
    kompose::name_override(service).map_or_else(|| names::service(name), |n| n.value.clone())
}

/// On a Compose network every port the container listens on answers at its name; through a
/// ClusterIP Service only the declared ones do.
fn undeclared_ports(name: &str, service: &Service, report: &mut Report) {
    let (key, span) = match (service.ports.first(), service.expose.first()) {
        (Some(port), _) => ("ports", Some(port.span)),
        (None, Some(expose)) => ("expose", Some(expose.span)),
        (None, None) => ("ports", None),
    };
    report.add(
        Entry::approximated(
            Some(name),
            key,
            span,
            format!(
                "only the declared ports answer at `{}`; a port the container listens on without declaring it is unreachable through the Service",
                names::service(name)
            ),
        )
        .help("add every port other services connect to under `expose`"),
    );
}

/// The further names of a service's Pods: `networks.<n>.aliases` (which resolve on every
/// network here), then `container_name`, which resolve on a Compose network too.
fn further_names(
    context: &Context,
    name: &str,
    service: &Service,
    ports: &[ServicePort],
    selector: &labels::LabelSet,
    index: &mut ServiceIndex,
    report: &mut Report,
) {
    let aliases = service.networks.iter().flat_map(|(network, settings)| {
        settings.aliases.iter().map(move |alias| {
            let note = Entry::approximated(
                Some(name),
                &format!("networks.{}.aliases", network.value),
                Some(alias.span),
                format!(
                    "the alias `{}` resolves on every network, not only on `{}`",
                    alias.value, network.value
                ),
            );
            let purpose = ServicePurpose::Alias {
                alias: alias.value.clone(),
            };
            (&alias.value, purpose, Some(note))
        })
    });
    let container_name = service.container_name.iter().map(|container_name| {
        let purpose = ServicePurpose::ContainerName {
            container_name: container_name.value.clone(),
        };
        (&container_name.value, purpose, None)
    });
    for (written, purpose, note) in aliases.chain(container_name) {
        let service_name = names::service(written);
        if index.already_answers(name, service, &service_name) {
            continue;
        }
        if let Some(note) = note {
            report.add(note);
        }
        let further = another_name(context, name, service_name, purpose, ports, selector);
        index.add(further, report);
    }
}

/// A further name of a service's Pods (an alias, its `container_name`): a Service with the
/// same ports, headless when there are none.
fn another_name(
    context: &Context,
    service: &str,
    name: String,
    purpose: ServicePurpose,
    ports: &[ServicePort],
    selector: &labels::LabelSet,
) -> NetworkService {
    NetworkService {
        name,
        service: service.to_owned(),
        purpose,
        kind: if ports.is_empty() {
            ServiceType::Headless
        } else {
            ServiceType::ClusterIp
        },
        labels: labels::common(context, service),
        selector: Arc::clone(selector),
        ports: ports.to_vec(),
        external_traffic_policy: None,
    }
}

/// `links: [db:database]`: `database` resolves to `db`'s Pods.
fn links(context: &Context, index: &mut ServiceIndex, report: &mut Report) {
    for (name, service) in &context.project.services {
        for link in &service.rare().links {
            let Some(alias) = &link.alias else {
                continue;
            };
            let target = link.service.as_str();
            let alias_name = names::service(alias);
            if let Some(existing) = index.named(&alias_name) {
                if existing.service != target {
                    report.add(
                        Entry::unsupported(
                            Some(name),
                            "links",
                            Some(link.span),
                            format!("the alias `{alias}` is already the name of another Service"),
                        )
                        .help("use the service name instead of the alias"),
                    );
                }
                continue;
            }
            let Some(primary) = index.primary(target).cloned() else {
                report.add(
                    Entry::unsupported(
                        Some(name),
                        "links",
                        Some(link.span),
                        format!("`{target}` has no Service (host or no network, a one-shot task, or a member of another Pod), so the alias `{alias}` resolves to nothing"),
                    )
                    .help(format!("address `{target}` the way its network mode allows")),
                );
                continue;
            };
            report.add(Entry::approximated(
                Some(name),
                "links",
                Some(link.span),
                format!(
                    "the link alias `{alias}` resolves for every service, not only for `{name}`"
                ),
            ));
            index.add(
                NetworkService {
                    name: alias_name,
                    purpose: ServicePurpose::Alias {
                        alias: alias.to_owned(),
                    },
                    ..primary
                },
                report,
            );
        }
    }
}

/// `<name>-headless` for readiness waits and StatefulSets.
fn headless(context: &Context, groups: &PodGroups, order: &Order, index: &mut ServiceIndex) {
    let mut needed: Vec<String> = order.ready_checked.iter().cloned().collect();
    for workload in &index.plan.workloads {
        if matches!(workload.kind, WorkloadKind::StatefulSet { .. }) {
            needed.push(workload.group.root.clone());
        }
    }
    for service in &needed {
        let Some(group) = groups.of(service) else {
            continue;
        };
        let name = ready_service_name(service);
        if index.named(&name).is_some() {
            continue;
        }
        let ports = index
            .primary(service)
            .map(|s| s.ports.clone())
            .unwrap_or_default();
        index.push(NetworkService {
            name,
            service: service.to_owned(),
            purpose: ServicePurpose::Headless,
            kind: ServiceType::Headless,
            labels: labels::common(context, service),
            selector: labels::selector(context, &group.name),
            ports,
            external_traffic_policy: None,
        });
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first
            .to_uppercase()
            .chain(chars.flat_map(char::to_lowercase))
            .collect()
    })
}
