//! Which services share a Pod.
//!
//! In Compose, `network_mode: service:X` (or `container:N`, N being X's `container_name`)
//! makes a container share X's network stack: they talk over `localhost` and bind the same
//! ports. In Kubernetes only the containers of one Pod share a network namespace, so these
//! services become containers of X's Pod. Chains (A→B→C) land in C's Pod. `ipc: service:X` and
//! `pid: service:X` join X's Pod too (containers of a Pod share IPC; PID with
//! `shareProcessNamespace`). With `--service-group-mode`, services with the same
//! `kompose.service.group` label, or that mount the same named volume, are grouped the same way.
//!
//! Inside a Pod, `depends_on` decides each container's role: one another member depends on
//! starts first and keeps running (a native sidecar), one a member waits for to complete
//! (`service_completed_successfully`) is a plain init container. A one-shot service
//! (`restart: no`) that exactly one other service waits for to complete joins that service's
//! Pod as an init container instead of running as a Job. The start order among them is
//! decided in [`crate::plan::ordering`].
//!
//! The group's workload kind, replicas and Pod-level settings come from its root. A member
//! that asks for a different Pod-level setting is an error naming both services: one Pod
//! cannot have two hostnames or two replica counts, and guessing would be wrong.

use std::sync::Arc;

use crate::hash::{HashSet, IndexMap};

use crate::compose::model::depends_on::Condition;
use crate::compose::model::networking::NamespaceMode;
use crate::compose::model::{Project, Service};
use crate::diag::{Code, Diagnostic};
use crate::plan::{Context, GroupMode, kompose, names};
use crate::report::{Entry, Report};
use crate::source::{Span, Spanned};

/// The Pods of the project.
#[derive(Clone, Debug, Default)]
pub struct PodGroups {
    /// Shared with the workloads, which keep their group after the plan's steps read them.
    pub groups: Vec<Arc<PodGroup>>,
    /// Compose service → index in `groups`.
    pub by_service: IndexMap<String, usize>,
}

impl PodGroups {
    /// The group a service is in.
    #[must_use]
    pub fn of(&self, service: &str) -> Option<&PodGroup> {
        self.by_service
            .get(service)
            .and_then(|&i| self.groups.get(i))
            .map(Arc::as_ref)
    }

    /// Whether two services run in the same Pod.
    #[must_use]
    pub fn same_pod(&self, a: &str, b: &str) -> bool {
        match (self.by_service.get(a), self.by_service.get(b)) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        }
    }
}

/// The services of one Pod.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodGroup {
    /// Name of the workload and of the Pods' labels.
    pub name: String,
    /// The service whose network stack the others use; its settings are the Pod's.
    pub root: String,
    /// Every container, the root first and the others in project order; their start order is
    /// decided in [`crate::plan::ordering`].
    pub members: Vec<Member>,
}

impl PodGroup {
    /// Whether the Pod holds more than one service.
    #[must_use]
    pub fn is_shared(&self) -> bool {
        self.members.len() > 1
    }

    #[must_use]
    pub fn member(&self, service: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.service == service)
    }

    /// The Compose networks the Pod is on: every network one of its containers is on.
    #[must_use]
    pub fn networks(&self, project: &Project) -> Vec<String> {
        let mut networks: Vec<String> = Vec::new();
        for member in &self.members {
            if let Some(service) = project.services.get(member.service.as_str()) {
                for network in networks_of(service) {
                    if !networks.contains(&network) {
                        networks.push(network);
                    }
                }
            }
        }
        networks
    }
}

/// The Compose networks a service is on (none for `network_mode` services).
fn networks_of(service: &Service) -> Vec<String> {
    if service.network_mode.is_some() {
        return Vec::new();
    }
    if service.networks.is_empty() {
        vec!["default".to_owned()]
    } else {
        service.networks.keys().map(|n| n.value.clone()).collect()
    }
}

/// One container of a Pod.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// The Compose service.
    pub service: String,
    /// The container name.
    pub container: String,
    /// Why it is in this Pod.
    pub joined: Joined,
    /// How it starts.
    pub role: Role,
}

/// Why a service is in a Pod.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Joined {
    /// It is the root.
    Root,
    /// `network_mode: service:X` or `container:N`.
    NetworkMode(Span),
    /// `ipc: service:X`.
    Ipc(Span),
    /// `pid: service:X`.
    Pid(Span),
    /// `--service-group-mode=label`.
    Label(String),
    /// `--service-group-mode=volume`.
    Volume(String),
    /// A one-shot service run as an init container of its only dependent (named).
    InitOf(String),
}

/// How a container starts within its Pod.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// A regular container.
    Main,
    /// A native sidecar (`initContainers` with `restartPolicy: Always`): it starts, in
    /// dependency order, before the containers that depend on it, and keeps running.
    Sidecar,
    /// An init container that runs to completion before the others start.
    Init,
}

/// A link from a service to the service whose Pod it joins.
struct Edge {
    target: String,
    why: Joined,
    /// Whether this link means "share the network stack" (and so names the root).
    network: bool,
}

/// Groups the services of the project into Pods.
pub fn group(context: &Context, report: &mut Report) -> PodGroups {
    let services = &context.project.services;
    let mut edges: IndexMap<String, Vec<Edge>> = IndexMap::default();
    for (name, service) in services {
        let mut own = Vec::new();
        if let Some(edge) = network_edge(context, name, service, report) {
            own.push(edge);
        }
        for (mode, key) in [(&service.rare().ipc, "ipc"), (&service.rare().pid, "pid")] {
            if let Some(mode) = mode
                && let Some(target) = mode.service()
                && services.contains_key(target)
                && target != name.as_str()
            {
                let why = if key == "ipc" {
                    Joined::Ipc(mode.span)
                } else {
                    Joined::Pid(mode.span)
                };
                own.push(Edge {
                    target: target.to_owned(),
                    why,
                    network: false,
                });
            }
        }
        edges.insert(name.value.clone(), own);
    }
    add_configured_groups(context, &mut edges);

    // Union the services along the edges; each set becomes one Pod.
    let names: Vec<&str> = services.keys().map(Spanned::as_str).collect();
    let mut parent: Vec<usize> = (0..names.len()).collect();
    for (from, list) in &edges {
        for edge in list {
            if let (Some(a), Some(b)) = (
                services.get_index_of(from.as_str()),
                services.get_index_of(edge.target.as_str()),
            ) {
                union(&mut parent, a, b);
            }
        }
    }
    let mut sets: IndexMap<usize, Vec<&str>> = IndexMap::default();
    for (i, name) in names.iter().enumerate() {
        sets.entry(find(&mut parent, i)).or_default().push(name);
    }

    let mut out = PodGroups::default();
    for members in sets.into_values() {
        let root = root_of(&members, &edges);
        let member_set: HashSet<&str> = members.iter().copied().collect();
        let mut group = PodGroup {
            name: services
                .get(root)
                .and_then(kompose::name_override)
                .map_or_else(|| names::label(root), |name| name.value.clone()),
            root: root.to_owned(),
            // The group lives as long as the plan: no room to spare.
            members: Vec::with_capacity(members.len()),
        };
        for &service in std::iter::once(&root).chain(members.iter().filter(|m| **m != root)) {
            let joined = if service == root {
                Joined::Root
            } else {
                edges
                    .get(service)
                    .and_then(|list| list.iter().find(|e| member_set.contains(e.target.as_str())))
                    .map_or(Joined::Root, |e| e.why.clone())
            };
            group.members.push(Member {
                service: service.to_owned(),
                container: names::label(service),
                joined,
                role: Role::Main,
            });
        }
        if group.is_shared() {
            if let Some(name) = &context.options.service_group_name
                && group
                    .members
                    .iter()
                    .any(|m| matches!(m.joined, Joined::Label(_) | Joined::Volume(_)))
            {
                group.name = names::label(name);
            }
            check_pod_settings(context, &group, report);
        }
        let index = out.groups.len();
        for member in &group.members {
            out.by_service.insert(member.service.clone(), index);
        }
        out.groups.push(Arc::new(group));
    }
    inline_one_shots(context, &mut out);
    assign_roles(context, &mut out);
    out
}

/// A one-shot service with exactly one dependent, which waits for it to complete, runs as an
/// init container of the dependent's Pod instead of as a Job.
fn inline_one_shots(context: &Context, groups: &mut PodGroups) {
    let services = &context.project.services;
    let mut moves: Vec<(String, String)> = Vec::new();
    for (name, service) in services {
        let Some(group) = groups.of(name) else {
            continue;
        };
        if group.is_shared() || !service.runs_once() || kompose::cron_schedule(service).is_some() {
            continue;
        }
        let dependents: Vec<(&str, Condition)> = services
            .iter()
            .filter_map(|(other, s)| {
                s.depends_on
                    .get(name.as_str())
                    .map(|d| (other.as_str(), d.condition))
            })
            .collect();
        if let [(dependent, Condition::CompletedSuccessfully)] = dependents.as_slice()
            && !groups.same_pod(name, dependent)
        {
            moves.push((name.value.clone(), (*dependent).to_owned()));
        }
    }
    for (service, dependent) in moves {
        let (Some(&from), Some(&to)) = (
            groups.by_service.get(&service),
            groups.by_service.get(&dependent),
        ) else {
            continue;
        };
        let Some(member) = groups
            .groups
            .get_mut(from)
            .and_then(|g| Arc::make_mut(g).members.pop())
        else {
            continue;
        };
        if let Some(target) = groups.groups.get_mut(to) {
            Arc::make_mut(target).members.push(Member {
                joined: Joined::InitOf(dependent.clone()),
                role: Role::Init,
                ..member
            });
        }
    }
    groups.groups.retain(|g| !g.members.is_empty());
    groups.by_service.clear();
    for (index, group) in groups.groups.iter().enumerate() {
        for member in &group.members {
            groups.by_service.insert(member.service.clone(), index);
        }
    }
}

/// Inside a Pod, a container another member depends on starts first and keeps running: a
/// native sidecar; one that a member waits for to complete (`service_completed_successfully`)
/// runs to completion before the others start: a plain init container.
fn assign_roles(context: &Context, groups: &mut PodGroups) {
    let services = &context.project.services;
    for group in &mut groups.groups {
        let group = Arc::make_mut(group);
        let names: Vec<String> = group.members.iter().map(|m| m.service.clone()).collect();
        for member in &mut group.members {
            if member.role == Role::Init {
                continue;
            }
            let conditions: Vec<Condition> = names
                .iter()
                .filter_map(|other| services.get(other.as_str()))
                .filter_map(|s| s.depends_on.get(member.service.as_str()))
                .map(|d| d.condition)
                .collect();
            if conditions.contains(&Condition::CompletedSuccessfully) {
                member.role = Role::Init;
            } else if !conditions.is_empty() {
                member.role = Role::Sidecar;
            }
        }
    }
}

/// The network-stack link of a service, if it uses another service's stack.
fn network_edge(
    context: &Context,
    name: &str,
    service: &Service,
    report: &mut Report,
) -> Option<Edge> {
    let mode = service.network_mode.as_ref()?;
    let services = &context.project.services;
    let container = match &mode.value {
        NamespaceMode::Service(target) => {
            // Unknown targets and cycles are reported by the check stage.
            return (services.contains_key(target.as_str()) && target != name).then(|| Edge {
                target: target.clone(),
                why: Joined::NetworkMode(mode.span),
                network: true,
            });
        }
        NamespaceMode::Container(container) => container,
        _ => return None,
    };
    let Some(target) = context
        .project
        .service_of_container(context.compose_name, container)
    else {
        // Valid to Docker Compose (a container started some other way, a VPN of another
        // Compose file), but a Pod can only share the network of containers it holds: the
        // service runs in a Pod of its own.
        report.warning(unknown_container(context.project, container, mode.span));
        return None;
    };
    (target.as_str() != name).then(|| Edge {
        target: target.value.clone(),
        why: Joined::NetworkMode(mode.span),
        network: true,
    })
}

/// `network_mode: container:NAME` where no service of the project has that container name: a
/// warning that the service does not share that container's network.
fn unknown_container(project: &Project, container: &str, span: Span) -> Diagnostic {
    let help = if project.services.contains_key(container) {
        format!("`{container}` is a service: write `network_mode: service:{container}`")
    } else if let Some(near) = crate::diag::closest(
        container,
        project
            .services
            .values()
            .filter_map(|s| s.container_name.as_ref().map(Spanned::as_str)),
    ) {
        format!("did you mean the container `{near}`?")
    } else {
        "a Pod cannot join a container outside the project: bring that container into the project as a service and use `network_mode: service:NAME`".to_owned()
    };
    Diagnostic::warning(
        Code::NetworkModeUnknownTarget,
        format!("`network_mode: container:{container}` names no container of this project: the service runs in a Pod of its own, without that container's network"),
    )
    .at(span)
    .label("no service has this container name")
    .help(help)
}

/// Adds the links `--service-group-mode` asks for: services with the same
/// `kompose.service.group` label, or mounting the same named volume, join the first of them.
fn add_configured_groups(context: &Context, edges: &mut IndexMap<String, Vec<Edge>>) {
    let Some(mode) = context.options.service_group_mode else {
        return;
    };
    let mut first: IndexMap<String, String> = IndexMap::default();
    for (name, service) in &context.project.services {
        let keys: Vec<(String, Joined)> = match mode {
            GroupMode::Label => kompose::label(service, kompose::SERVICE_GROUP)
                .map(|group| (group.value.clone(), Joined::Label(group.value.clone())))
                .into_iter()
                .collect(),
            GroupMode::Volume => service
                .volumes
                .iter()
                .filter(|v| v.kind == crate::compose::model::mounts::VolumeType::Volume)
                .filter_map(|v| v.source.as_ref())
                .map(|s| {
                    (
                        format!("volume:{}", s.value),
                        Joined::Volume(s.value.clone()),
                    )
                })
                .collect(),
        };
        for (key, why) in keys {
            match first.get(&key) {
                Some(target) if target != name.as_str() => {
                    if let Some(list) = edges.get_mut(name.as_str()) {
                        list.push(Edge {
                            target: target.clone(),
                            why,
                            network: false,
                        });
                    }
                }
                Some(_) => {}
                None => {
                    first.insert(key, name.value.clone());
                }
            }
        }
    }
}

/// The root of a set: the service at the end of the network-stack links (the one whose stack
/// the others use), else the first service of the set in project order.
fn root_of<'a>(members: &[&'a str], edges: &IndexMap<String, Vec<Edge>>) -> &'a str {
    let first = members.first().copied().unwrap_or_default();
    let network_target = |service: &str| {
        edges
            .get(service)
            .and_then(|list| list.iter().find(|e| e.network))
            .map(|e| e.target.as_str())
    };
    let targets: HashSet<&str> = members.iter().filter_map(|m| network_target(m)).collect();
    // A service that others' network stacks point at and that points nowhere itself.
    members
        .iter()
        .copied()
        .find(|m| network_target(m).is_none() && targets.contains(m))
        .or_else(|| {
            members
                .iter()
                .copied()
                .find(|m| network_target(m).is_none())
        })
        .unwrap_or(first)
}

fn find(parent: &mut [usize], i: usize) -> usize {
    let mut root = i;
    while let Some(&p) = parent.get(root) {
        if p == root {
            break;
        }
        root = p;
    }
    // Path compression keeps later lookups short.
    let mut node = i;
    while let Some(&p) = parent.get(node) {
        if p == root {
            break;
        }
        if let Some(slot) = parent.get_mut(node) {
            *slot = root;
        }
        node = p;
    }
    root
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        // The smaller index wins, so the set keeps project order.
        let (keep, drop) = if ra < rb { (ra, rb) } else { (rb, ra) };
        if let Some(slot) = parent.get_mut(drop) {
            *slot = keep;
        }
    }
}

/// One Pod has one value for each Pod-level setting: members that ask for another value
/// than the root are errors, naming both.
fn check_pod_settings(context: &Context, group: &PodGroup, report: &mut Report) {
    let services = &context.project.services;
    let Some(root) = services.get(group.root.as_str()) else {
        return;
    };
    for member in group.members.iter().filter(|m| m.joined != Joined::Root) {
        let Some(service) = services.get(member.service.as_str()) else {
            continue;
        };
        for setting in pod_settings() {
            let Some((mine, my_span)) = (setting.read)(service) else {
                continue;
            };
            let Some((theirs, their_span)) = (setting.read)(root) else {
                report.add(
                    Entry::unsupported(
                        Some(&member.service),
                        setting.key,
                        Some(my_span),
                        format!(
                            "a Pod has one {}, and `{}` (whose Pod it joins) sets none; `{mine}` is dropped",
                            setting.what, group.root
                        ),
                    )
                    .help(format!("set it on `{}`", group.root)),
                );
                continue;
            };
            if mine != theirs {
                report.error(
                    Diagnostic::error(
                        Code::PodGroupConflict,
                        format!(
                            "`{}` and `{}` share one Pod but set different {}s: `{mine}` and `{theirs}`",
                            member.service, group.root, setting.what
                        ),
                    )
                    .at(my_span)
                    .label(format!("`{}` asks for this", member.service))
                    .related(their_span, format!("`{}` (whose Pod it joins) asks for this", group.root))
                    .help(format!("a Pod has one {}: set it only on `{}`", setting.what, group.root)),
                );
            }
        }
        // The root's workload kind decides how the Pod restarts; a one-shot member of a
        // long-running Pod (or the reverse) cannot keep its own restart behaviour.
        if service.runs_once() != root.runs_once() {
            report.add(
                Entry::approximated(
                    Some(&member.service),
                    "restart",
                    service.restart.as_ref().map(|r| r.span).or(service.keys.get("deploy")),
                    format!("the Pod follows the restart behaviour of `{}`, whose network stack it shares", group.root),
                )
                .help(format!("give `{}` the same `restart` as `{}`", member.service, group.root)),
            );
        }
    }
}

/// A Pod-level setting: what it is called, and how to read it from a service.
struct PodSetting {
    /// The Compose key, for the report.
    key: &'static str,
    /// What one value is called (`replica count`); the message adds the plural `s`.
    what: &'static str,
    read: fn(&Service) -> Option<(String, Span)>,
}

/// A string setting as a Pod setting value.
fn text(value: Option<&Spanned<String>>) -> Option<(String, Span)> {
    value.map(|v| (v.value.clone(), v.span))
}

/// A namespace mode as a Pod setting value, unless it joins a service's Pod.
fn own_namespace(mode: Option<&Spanned<NamespaceMode>>) -> Option<(String, Span)> {
    mode.filter(|m| m.service().is_none())
        .map(|m| (m.value.to_string(), m.span))
}

/// The settings the root of a Pod decides for all of its containers.
fn pod_settings() -> [PodSetting; 11] {
    [
        PodSetting {
            key: "deploy.replicas",
            what: "replica count",
            read: |s| s.replicas().map(|n| (n.value.to_string(), n.span)),
        },
        PodSetting {
            key: "hostname",
            what: "hostname",
            read: |s| text(s.hostname.as_ref()),
        },
        PodSetting {
            key: "domainname",
            what: "domain name",
            read: |s| text(s.rare().domainname.as_ref()),
        },
        PodSetting {
            key: "platform",
            what: "platform",
            read: |s| text(s.rare().platform.as_ref()),
        },
        PodSetting {
            key: "runtime",
            what: "runtime",
            read: |s| text(s.rare().runtime.as_ref()),
        },
        PodSetting {
            key: "deploy.mode",
            what: "deploy mode",
            read: |s| {
                let mode = s.deploy.as_ref()?.mode.as_ref()?;
                Some((mode.value.to_string(), mode.span))
            },
        },
        PodSetting {
            key: "pid",
            what: "PID namespace",
            read: |s| own_namespace(s.rare().pid.as_ref()),
        },
        PodSetting {
            key: "ipc",
            what: "IPC namespace",
            read: |s| own_namespace(s.rare().ipc.as_ref()),
        },
        PodSetting {
            key: "deploy.placement.constraints",
            what: "placement constraint",
            read: |s| {
                let placement = s.deploy.as_ref()?.placement.as_ref()?;
                let first = placement.constraints.first()?;
                let all: Vec<&str> = placement.constraints.iter().map(Spanned::as_str).collect();
                Some((all.join(", "), first.span))
            },
        },
        PodSetting {
            key: "deploy.update_config",
            what: "update strategy",
            read: |s| {
                let update = s.deploy.as_ref()?.update_config.as_ref()?;
                let parallelism = update.parallelism.as_ref().map(|p| p.value);
                let order = update.order.as_ref().map(|o| o.value.as_str());
                Some((
                    format!("parallelism {parallelism:?}, order {order:?}"),
                    update.span?,
                ))
            },
        },
        PodSetting {
            key: "labels.kompose.security-context.fsgroup",
            what: "file system group (`kompose.security-context.fsgroup`)",
            read: |s| text(kompose::label(s, kompose::FS_GROUP)),
        },
    ]
}
