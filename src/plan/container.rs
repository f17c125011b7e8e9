//! One Compose service as one Kubernetes container: image, command, environment, ports (and
//! the ports two containers of one Pod cannot both listen on), resources and security
//! settings. Pod-level settings are in [`crate::plan::workloads`], mounts in
//! [`crate::plan::storage`], probes in [`crate::plan::health`].

use std::sync::Arc;

use k8s_openapi::api::core::v1::{
    AppArmorProfile, Capabilities, ContainerPort, EnvFromSource, EnvVar, ExecAction, Lifecycle,
    LifecycleHandler, Probe, ResourceRequirements, SeccompProfile, SecurityContext, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use crate::compose::model::Service;
use crate::compose::model::deploy::DeviceCount;
use crate::compose::model::hooks::ServiceHook;
use crate::compose::model::ports::{Expose, PortConfig};
use crate::diag::{Code, Diagnostic};
use crate::plan::pods::{Joined, PodGroup, PodGroups};
use crate::plan::{Context, kompose, names};
use crate::report::{Entry, Report};
use crate::source::{Span, Spanned};

/// A container as the plan holds it: what nearly every container has inline, the rest in
/// boxed parts that are `None` when unset. k8s-openapi's `Container` holds every field inline
/// (over 2 KB: three probes, a security context, hooks and resources); a plan of thousands
/// of containers holds this, and [`Container::to_k8s`] makes the Pod spec's container when
/// the object is written.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Container {
    pub name: String,
    pub image: String,
    pub command: Option<Vec<String>>,
    pub args: Option<Vec<String>>,
    pub env: Vec<Variable>,
    pub ports: Vec<ContainerPort>,
    pub volume_mounts: Vec<VolumeMount>,
    pub env_from: Vec<EnvFromSource>,
    /// Shared: a healthcheck's readiness and liveness probes are the same check.
    pub readiness_probe: Option<Arc<Probe>>,
    pub liveness_probe: Option<Arc<Probe>>,
    pub startup_probe: Option<Arc<Probe>>,
    pub resources: Option<Box<Resources>>,
    pub security_context: Option<Box<SecurityContext>>,
    pub lifecycle: Option<Box<Lifecycle>>,
    /// `None` when the container sets none of them.
    pub settings: Option<Box<ContainerSettings>>,
}

/// The CPU, memory and other resources a container asks for (requests) and may use at most
/// (limits), by resource name. k8s-openapi's `ResourceRequirements` holds each list as a
/// B-tree, a node of eleven entries (over 500 bytes) however few it has.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Resources {
    pub limits: Vec<(&'static str, Quantity)>,
    pub requests: Vec<(&'static str, Quantity)>,
}

impl Resources {
    /// Whether the container requests `resource`.
    #[must_use]
    pub fn requests(&self, resource: &str) -> bool {
        self.requests.iter().any(|(name, _)| *name == resource)
    }

    /// The resources as the container writes them.
    #[must_use]
    pub fn to_k8s(&self) -> ResourceRequirements {
        let map = |list: &[(&str, Quantity)]| {
            (!list.is_empty()).then(|| {
                list.iter()
                    .map(|(name, quantity)| ((*name).to_owned(), quantity.clone()))
                    .collect()
            })
        };
        ResourceRequirements {
            limits: map(&self.limits),
            requests: map(&self.requests),
            ..ResourceRequirements::default()
        }
    }
}

/// A variable of a container's environment. The plan gives every variable a value of its
/// own; k8s-openapi's `EnvVar` also holds the sources of a value (over 200 bytes inline).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variable {
    pub name: String,
    pub value: String,
}

/// The settings few containers have.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ContainerSettings {
    pub image_pull_policy: Option<String>,
    pub working_dir: Option<String>,
    pub tty: Option<bool>,
    pub stdin: Option<bool>,
    /// `Always` for a native sidecar.
    pub restart_policy: Option<String>,
}

impl Container {
    /// The container as the Pod spec writes it.
    #[must_use]
    pub fn to_k8s(&self) -> k8s_openapi::api::core::v1::Container {
        let Self {
            name,
            image,
            command,
            args,
            env,
            ports,
            volume_mounts,
            env_from,
            readiness_probe,
            liveness_probe,
            startup_probe,
            resources,
            security_context,
            lifecycle,
            settings,
        } = self;
        let ContainerSettings {
            image_pull_policy,
            working_dir,
            tty,
            stdin,
            restart_policy,
        } = settings.as_deref().cloned().unwrap_or_default();
        let probe = |probe: &Option<Arc<Probe>>| probe.as_deref().cloned();
        k8s_openapi::api::core::v1::Container {
            name: name.clone(),
            image: Some(image.clone()),
            image_pull_policy,
            command: command.clone(),
            args: args.clone(),
            env: non_empty(
                env.iter()
                    .map(|variable| EnvVar {
                        name: variable.name.clone(),
                        value: Some(variable.value.clone()),
                        value_from: None,
                    })
                    .collect(),
            ),
            working_dir,
            ports: non_empty(ports.clone()),
            volume_mounts: non_empty(volume_mounts.clone()),
            env_from: non_empty(env_from.clone()),
            readiness_probe: probe(readiness_probe),
            liveness_probe: probe(liveness_probe),
            startup_probe: probe(startup_probe),
            resources: resources.as_deref().map(Resources::to_k8s),
            security_context: security_context.as_deref().cloned(),
            lifecycle: lifecycle.as_deref().cloned(),
            tty,
            stdin,
            restart_policy,
            ..k8s_openapi::api::core::v1::Container::default()
        }
    }
}

/// The container of a service (without mounts and probes, which other steps add).
pub fn container(
    context: &Context,
    name: &str,
    service: &Service,
    report: &mut Report,
) -> Container {
    // The parts are planned in this order, which is the order of their report entries.
    let (command, args) = command_and_args(context, name, service, report);
    let image = image(context, name, service, report);
    let image_pull_policy = pull_policy(name, service, report);
    let env = environment(context, name, service, report);
    let ports = ports(name, service, report);
    let resources = resources(name, service, report);
    let security_context = security(name, service, report);
    let lifecycle = lifecycle(name, service, report);
    let settings = ContainerSettings {
        image_pull_policy,
        working_dir: service.working_dir.as_ref().map(|w| w.value.clone()),
        tty: service.rare().tty.as_ref().map(|t| t.value),
        stdin: service.rare().stdin_open.as_ref().map(|s| s.value),
        restart_policy: None,
    };
    Container {
        name: names::label(name),
        image,
        command,
        args,
        env,
        ports,
        resources: resources.map(Box::new),
        security_context: security_context.map(Box::new),
        lifecycle: lifecycle.map(Box::new),
        settings: (settings != ContainerSettings::default()).then(|| Box::new(settings)),
        ..Container::default()
    }
}

fn non_empty<T>(items: Vec<T>) -> Option<Vec<T>> {
    (!items.is_empty()).then_some(items)
}

/// The image; a service with only `build` gets `<project>-<service>`, the name `docker compose
/// build` gives it, and a warning that it must be pushed somewhere the cluster can pull from.
fn image(context: &Context, name: &str, service: &Service, report: &mut Report) -> String {
    if let Some(image) = &service.image {
        return image.value.clone();
    }
    let built = format!("{}-{}", context.name, names::label(name));
    let span = service.keys.get("build").or(service.span);
    report.add(
        Entry::unsupported(
            Some(name),
            "build",
            span,
            format!("the cluster cannot build images; the Pod runs the image `{built}`, which `docker compose build` would create"),
        )
        .help("build and push the image (`docker compose build && docker compose push`), then set `image:` to its registry name"),
    );
    built
}

fn pull_policy(name: &str, service: &Service, report: &mut Report) -> Option<String> {
    if let Some(policy) = kompose::label(service, kompose::IMAGE_PULL_POLICY) {
        return Some(policy.value.clone());
    }
    let policy = service.rare().pull_policy.as_ref()?;
    let periodic = |p: &str| matches!(p, "daily" | "weekly" | "refresh") || p.starts_with("every_");
    let translated = match policy.as_str() {
        "always" => "Always",
        "never" => "Never",
        "missing" | "if_not_present" => "IfNotPresent",
        "build" => {
            report.add(
                Entry::unsupported(
                    Some(name),
                    "pull_policy",
                    Some(policy.span),
                    "the cluster cannot build images",
                )
                .help("push the image to a registry and use `pull_policy: always` or `missing`"),
            );
            return None;
        }
        p if periodic(p) => {
            report.add(Entry::approximated(
                Some(name),
                "pull_policy",
                Some(policy.span),
                "periodic pulls become `Always` (on every Pod start)",
            ));
            "Always"
        }
        other => {
            report.add(
                Entry::unsupported(
                    Some(name),
                    "pull_policy",
                    Some(policy.span),
                    format!("`{other}` is not a pull policy; the cluster's default applies"),
                )
                .help("use `always`, `never`, `missing`, `build` or `daily`"),
            );
            return None;
        }
    };
    Some(translated.to_owned())
}

/// Compose `entrypoint` is the Kubernetes `command`, Compose `command` the `args`. A literal
/// `$(` is escaped as `$$(`, or Kubernetes would expand it as a variable reference.
fn command_and_args(
    context: &Context,
    name: &str,
    service: &Service,
    report: &mut Report,
) -> (Option<Vec<String>>, Option<Vec<String>>) {
    let words = |command: &Option<Spanned<crate::compose::model::syntax::Command>>,
                 key: &str,
                 report: &mut Report| {
        let command = command.as_ref()?;
        if command.is_empty() {
            report.add(
                Entry::approximated(
                    Some(name),
                    key,
                    Some(command.span),
                    "an empty list cannot override the image's value in Kubernetes; the image's value is used",
                )
                .help("write the command you want explicitly"),
            );
            return None;
        }
        Some(
            command
                .iter()
                .map(|word| {
                    let word = context
                        .hosts
                        .rewrite_reported(word, Some(name), key, Some(command.span), report)
                        .unwrap_or_else(|| word.clone());
                    escape_dollar_paren(&word)
                })
                .collect(),
        )
    };
    (
        words(&service.entrypoint, "entrypoint", report),
        words(&service.command, "command", report),
    )
}

/// Escapes `$(` as `$$(` so that Kubernetes leaves it alone.
#[must_use]
pub fn escape_dollar_paren(text: &str) -> String {
    text.replace("$(", "$$(")
}

/// `environment`; a variable listed without a value takes it from the environment compose2kube
/// runs in, as `docker compose` does, or is reported when it is not set there.
fn environment(
    context: &Context,
    name: &str,
    service: &Service,
    report: &mut Report,
) -> Vec<Variable> {
    let mut out = Vec::with_capacity(service.environment.len());
    for (key, value) in &service.environment {
        let value = match value {
            Some(value) => value.value.clone(),
            None => match context.environment.get(key) {
                Some(value) => value.to_owned(),
                None => {
                    report.add(
                        Entry::unsupported(
                            Some(name),
                            &format!("environment.{}", key.value),
                            Some(key.span),
                            format!("`{}` takes its value from the environment, where it is not set; it is left out", key.value),
                        )
                        .help(format!("set `{}` before converting, or give it a value in the Compose file", key.value)),
                    );
                    continue;
                }
            },
        };
        let value = context
            .hosts
            .rewrite_variable(key, &value, name, key.span, report)
            .unwrap_or(value);
        out.push(Variable {
            name: key.value.clone(),
            value: escape_dollar_paren(&value),
        });
    }
    out
}

/// A port a service's container listens on, and where it was declared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeclaredPort {
    pub port: i32,
    /// `TCP`, `UDP` or `SCTP`.
    pub protocol: String,
    pub name: Option<String>,
    pub span: Span,
}

/// The container ports of a service: the targets of `ports` and the `expose` ports, each
/// (port, protocol) once.
#[must_use]
pub fn declared_ports(service: &Service) -> Vec<DeclaredPort> {
    let mut out: Vec<DeclaredPort> = Vec::new();
    let mut push = |port: i32, protocol: &str, name: Option<String>, span: Span| {
        let protocol = protocol.to_uppercase();
        if out.iter().any(|p| p.port == port && p.protocol == protocol) {
            return;
        }
        let name = name.filter(|n| !out.iter().any(|p| p.name.as_deref() == Some(n.as_str())));
        out.push(DeclaredPort {
            port,
            protocol,
            name,
            span,
        });
    };
    for port in &service.ports {
        push(
            i32::from(port.target),
            port.protocol(),
            port.name.as_deref().and_then(names::port_name),
            port.span,
        );
    }
    for expose in &service.expose {
        for port in expose_ports(expose) {
            push(port, expose.protocol(), None, expose.span);
        }
    }
    out
}

/// Containers of one Pod share one network stack: two of them cannot listen on the same port
/// and protocol (in Compose they would fight over the same socket too). A one-shot service run
/// as an init container of its dependent's Pod has exited before the others start.
pub fn check_port_conflicts(context: &Context, groups: &PodGroups, report: &mut Report) {
    for group in &groups.groups {
        check_pod_ports(context, group, report);
    }
}

fn check_pod_ports(context: &Context, group: &PodGroup, report: &mut Report) {
    let mut seen: Vec<(String, DeclaredPort)> = Vec::new();
    for member in group
        .members
        .iter()
        .filter(|m| !matches!(m.joined, Joined::InitOf(_)))
    {
        let Some(service) = context.project.services.get(member.service.as_str()) else {
            continue;
        };
        for port in declared_ports(service) {
            let taken = seen.iter().find(|(owner, p)| {
                owner != &member.service && p.port == port.port && p.protocol == port.protocol
            });
            if let Some((owner, first)) = taken {
                report.error(
                    Diagnostic::error(
                        Code::PortConflict,
                        format!(
                            "`{}` and `{owner}` share one Pod and both listen on {}/{}",
                            member.service, port.port, port.protocol
                        ),
                    )
                    .at(port.span)
                    .label(format!("`{}` declares it here", member.service))
                    .related(first.span, format!("`{owner}` declares it here"))
                    .help("containers of one Pod share the network: give one of them another port"),
                );
            } else {
                seen.push((member.service.clone(), port));
            }
        }
    }
}

fn ports(name: &str, service: &Service, report: &mut Report) -> Vec<ContainerPort> {
    for entry in service.expose.iter().filter(|e| !declared_one_by_one(e)) {
        report.add(
            Entry::unsupported(
                Some(name),
                "expose",
                Some(entry.span),
                format!(
                    "the range {}-{} has {} ports: a container and a Service list each port, so none of them is declared",
                    entry.start,
                    entry.end,
                    u32::from(entry.end - entry.start) + 1
                ),
            )
            .help(format!("list the ports the service listens on; a range of at most {EXPOSE_RANGE_LIMIT} ports is declared port by port")),
        );
    }
    let expose = kompose::port_expose(service) == Some(true);
    declared_ports(service)
        .into_iter()
        .map(|p| {
            let published = service.ports.iter().filter(|_| expose).find(|c| {
                i32::from(c.target) == p.port
                    && c.protocol().eq_ignore_ascii_case(&p.protocol)
                    && c.published.is_some()
            });
            let host_port = published.and_then(|c| host_port(name, c, report));
            ContainerPort {
                container_port: p.port,
                protocol: Some(p.protocol),
                name: p.name,
                host_port,
                host_ip: host_port
                    .and(published)
                    .and_then(|c| c.host_ip.clone())
                    .filter(|ip| ip != "0.0.0.0" && ip != "::"),
            }
        })
        .collect()
}

/// `kompose.controller.port.expose: true`: the node's port for a published port (the first
/// of a range), with the note that a node then runs at most one such Pod.
fn host_port(name: &str, port: &Spanned<PortConfig>, report: &mut Report) -> Option<i32> {
    let published = port.published.as_deref()?;
    let first = published
        .split_once('-')
        .map_or(published, |(first, _)| first);
    let number = first.trim().parse::<u16>().ok().filter(|n| *n > 0)?;
    let range = if first.len() == published.len() {
        String::new()
    } else {
        format!(" (the first of `{published}`)")
    };
    report.add(
        Entry::approximated(
            Some(name),
            &format!("labels.{}", kompose::CONTROLLER_PORT_EXPOSE),
            Some(port.span),
            format!("the Pods bind port {number}{range} of their node (`hostPort`), besides the Service"),
        )
        .help("a node runs at most one Pod that binds a port: with more replicas than nodes, some Pods stay Pending"),
    );
    Some(i32::from(number))
}

/// The most ports an `expose` range declares one by one (a Pod or Service of thousands of
/// ports is refused or useless).
const EXPOSE_RANGE_LIMIT: u16 = 1024;

/// Whether an `expose` entry is short enough to declare port by port.
fn declared_one_by_one(entry: &Expose) -> bool {
    entry.end - entry.start < EXPOSE_RANGE_LIMIT
}

/// The ports of one `expose` entry; none for a longer range than [`EXPOSE_RANGE_LIMIT`]
/// (reported by the container's ports).
#[must_use]
pub fn expose_ports(entry: &Expose) -> Vec<i32> {
    if declared_one_by_one(entry) {
        (entry.start..=entry.end).map(i32::from).collect()
    } else {
        Vec::new()
    }
}

/// CPU and memory, from `deploy.resources` or the service-level keys.
fn resources(name: &str, service: &Service, report: &mut Report) -> Option<Resources> {
    let deploy = service.deploy.as_ref().and_then(|d| d.resources.as_ref());
    let limits = deploy.and_then(|r| r.limits.as_ref());
    let reservations = deploy.and_then(|r| r.reservations.as_ref());
    // Each name once in each list, as a map holds it.
    let mut limit: Vec<(&'static str, Quantity)> = Vec::new();
    let mut request: Vec<(&'static str, Quantity)> = Vec::new();
    if let Some(cpus) = limits
        .and_then(|l| l.cpus.as_ref())
        .or(service.rare().cpus.as_ref())
    {
        limit.push(("cpu", cpu_quantity(cpus.value)));
    }
    if let Some(memory) = limits
        .and_then(|l| l.memory.as_ref())
        .or(service.rare().mem_limit.as_ref())
    {
        limit.push(("memory", memory_quantity(memory.value.0)));
    }
    if let Some(cpus) = reservations.and_then(|r| r.cpus.as_ref()) {
        request.push(("cpu", cpu_quantity(cpus.value)));
    }
    if let Some(memory) = reservations
        .and_then(|r| r.memory.as_ref())
        .or(service.rare().mem_reservation.as_ref())
    {
        request.push(("memory", memory_quantity(memory.value.0)));
    }
    if let Some(value) = kompose::label(service, kompose::EPHEMERAL_STORAGE_LIMIT) {
        limit.push(("ephemeral-storage", Quantity(value.value.clone())));
    }
    if let Some(value) = kompose::label(service, kompose::EPHEMERAL_STORAGE_REQUEST) {
        request.push(("ephemeral-storage", Quantity(value.value.clone())));
    }
    let gpus = gpu_count(name, service, report);
    if let Some(count) = gpus {
        limit.push(("nvidia.com/gpu", Quantity(count.to_string())));
    }
    if let Some(pids) = limits
        .and_then(|l| l.pids.as_ref())
        .or(service.rare().pids_limit.as_ref())
    {
        report.add(
            Entry::unsupported(
                Some(name),
                "pids_limit",
                Some(pids.span),
                "Kubernetes sets PID limits per node (kubelet `podPidsLimit`), not per container",
            )
            .help("ask the cluster administrator for a PID limit on the nodes"),
        );
    }
    if limit.is_empty() && request.is_empty() {
        return None;
    }
    Some(Resources {
        limits: limit,
        requests: request,
    })
}

/// GPUs from `gpus` or `deploy.resources.reservations.devices` with the `gpu` capability.
fn gpu_count(name: &str, service: &Service, report: &mut Report) -> Option<u64> {
    let devices = service
        .deploy
        .as_ref()
        .and_then(|d| d.resources.as_ref())
        .and_then(|r| r.reservations.as_ref())
        .map(|r| r.devices.as_slice())
        .unwrap_or_default();
    let requests = service.rare().gpus.iter().chain(devices.iter().filter(|d| {
        d.capabilities.iter().any(|c| c.value == "gpu")
            || d.driver.as_ref().is_some_and(|d| d.value == "nvidia")
    }));
    let mut total = None;
    for request in requests {
        // Requests become `nvidia.com/gpu`: another driver, and driver options, do not carry
        // over.
        if let Some(driver) = request.driver.as_ref().filter(|d| d.value != "nvidia") {
            report.add(
                Entry::approximated(
                    Some(name),
                    "gpus.driver",
                    Some(driver.span),
                    format!(
                        "the `{}` driver is not kept: the request becomes `nvidia.com/gpu`",
                        driver.value
                    ),
                )
                .help("set the resource of your device plugin (such as `amd.com/gpu`) by hand"),
            );
        }
        if !request.options.is_empty() {
            report.add(
                Entry::unsupported(
                    Some(name),
                    "gpus.options",
                    Some(request.span),
                    "driver options have no Kubernetes equivalent; they are left out",
                )
                .help("configure the device plugin on the nodes instead"),
            );
        }
        let count = match request.count.as_ref().map(|c| c.value) {
            Some(DeviceCount::Count(n)) => n,
            Some(DeviceCount::All) | None if !request.device_ids.is_empty() => {
                u64::try_from(request.device_ids.len()).unwrap_or(1)
            }
            Some(DeviceCount::All) | None => {
                report.add(
                    Entry::approximated(
                        Some(name),
                        "gpus",
                        Some(request.span),
                        "\"all GPUs\" becomes one `nvidia.com/gpu`: Kubernetes needs a number",
                    )
                    .help("give the number of GPUs with `count:`"),
                );
                1
            }
        };
        if !request.device_ids.is_empty() {
            report.add(
                Entry::approximated(
                    Some(name),
                    "gpus.device_ids",
                    Some(request.span),
                    "Kubernetes picks which GPUs; only their number is kept",
                )
                .help("use node labels and a node selector to choose GPU models"),
            );
        }
        total = Some(total.unwrap_or(0) + count);
    }
    total
}

/// CPUs as a Kubernetes quantity: whole CPUs stay numbers, fractions become millicores.
#[must_use]
pub fn cpu_quantity(cpus: f64) -> Quantity {
    let millis = (cpus * 1000.0).round();
    if millis % 1000.0 == 0.0 {
        Quantity(format!("{}", millis / 1000.0))
    } else {
        Quantity(format!("{millis}m"))
    }
}

/// Bytes as a Kubernetes quantity, in the largest binary unit that divides them exactly.
#[must_use]
pub fn memory_quantity(bytes: u64) -> Quantity {
    for (unit, size) in [
        ("Ti", 1u64 << 40),
        ("Gi", 1 << 30),
        ("Mi", 1 << 20),
        ("Ki", 1 << 10),
    ] {
        if bytes >= size && bytes.is_multiple_of(size) {
            return Quantity(format!("{}{unit}", bytes / size));
        }
    }
    Quantity(bytes.to_string())
}

/// `user`, `privileged`, `read_only`, `cap_add`/`cap_drop`, `security_opt`.
fn security(name: &str, service: &Service, report: &mut Report) -> Option<SecurityContext> {
    let mut context = SecurityContext::default();
    if let Some(user) = &service.user {
        let (uid, gid) = user.split_once(':').unwrap_or((user.as_str(), ""));
        match uid.parse::<i64>() {
            Ok(uid) => context.run_as_user = Some(uid),
            Err(_) => report.add(
                Entry::unsupported(
                    Some(name),
                    "user",
                    Some(user.span),
                    format!("Kubernetes needs a numeric user id; the user name `{uid}` is dropped"),
                )
                .help(
                    "write the numeric id, e.g. `user: \"1000\"` (see `id -u NAME` in the image)",
                ),
            ),
        }
        if !gid.is_empty() {
            match gid.parse::<i64>() {
                Ok(gid) => context.run_as_group = Some(gid),
                Err(_) => report.add(
                    Entry::unsupported(
                        Some(name),
                        "user",
                        Some(user.span),
                        format!(
                            "Kubernetes needs a numeric group id; the group name `{gid}` is dropped"
                        ),
                    )
                    .help("write the numeric id, e.g. `user: \"1000:1000\"`"),
                ),
            }
        }
    }
    let rare = service.rare();
    context.privileged = rare.privileged.as_ref().map(|p| p.value).filter(|p| *p);
    context.read_only_root_filesystem = rare.read_only.as_ref().map(|r| r.value).filter(|r| *r);
    let capability = |c: &Spanned<String>| c.trim_start_matches("CAP_").to_uppercase();
    let add: Vec<String> = rare.cap_add.iter().map(capability).collect();
    let drop: Vec<String> = rare.cap_drop.iter().map(capability).collect();
    if !add.is_empty() || !drop.is_empty() {
        context.capabilities = Some(Capabilities {
            add: (!add.is_empty()).then_some(add),
            drop: (!drop.is_empty()).then_some(drop),
        });
    }
    for option in &rare.security_opt {
        let (key, value) = option
            .split_once([':', '='])
            .map_or((option.as_str(), ""), |(k, v)| (k, v));
        match (key, value) {
            ("no-new-privileges", "" | "true") => context.allow_privilege_escalation = Some(false),
            ("no-new-privileges", "false") => {}
            ("seccomp", "unconfined") => {
                context.seccomp_profile = Some(SeccompProfile {
                    type_: "Unconfined".into(),
                    localhost_profile: None,
                });
            }
            ("seccomp", profile) => {
                context.seccomp_profile = Some(SeccompProfile {
                    type_: "Localhost".into(),
                    localhost_profile: Some(
                        profile.rsplit('/').next().unwrap_or(profile).to_owned(),
                    ),
                });
                report.add(
                    Entry::approximated(Some(name), "security_opt", Some(option.span), "the seccomp profile must be installed on every node (kubelet `seccomp` directory)")
                        .help("copy the profile file to /var/lib/kubelet/seccomp on the nodes"),
                );
            }
            ("apparmor", "unconfined") => {
                context.app_armor_profile = Some(AppArmorProfile {
                    type_: "Unconfined".into(),
                    localhost_profile: None,
                });
            }
            ("apparmor", profile) => {
                context.app_armor_profile = Some(AppArmorProfile {
                    type_: "Localhost".into(),
                    localhost_profile: Some(profile.to_owned()),
                });
            }
            _ => report.add(
                Entry::unsupported(
                    Some(name),
                    "security_opt",
                    Some(option.span),
                    format!("`{}` has no Kubernetes equivalent", option.value),
                )
                .help("Kubernetes supports `no-new-privileges`, `seccomp` and `apparmor` options"),
            ),
        }
    }
    (context != SecurityContext::default()).then_some(context)
}

/// `post_start` and `pre_stop` hooks (the first command of each).
fn lifecycle(name: &str, service: &Service, report: &mut Report) -> Option<Lifecycle> {
    let mut hook = |hooks: &[Spanned<ServiceHook>], key: &str| -> Option<LifecycleHandler> {
        let first = hooks.first()?;
        if hooks.len() > 1 {
            report.add(Entry::approximated(
                Some(name),
                key,
                Some(first.span),
                "Kubernetes runs one hook command; the commands are joined with `&&` in a shell",
            ));
        }
        for hook in hooks {
            for (field, present) in [
                ("user", hook.user.is_some()),
                ("privileged", hook.privileged.is_some()),
                ("working_dir", hook.working_dir.is_some()),
                ("environment", !hook.environment.is_empty()),
            ] {
                if present {
                    report.add(
                        Entry::unsupported(
                            Some(name),
                            &format!("{key}.{field}"),
                            hook.keys.get(field),
                            "a Kubernetes hook runs with the container's own settings",
                        )
                        .help("set it in the command itself (e.g. `cd DIR && …`)"),
                    );
                }
            }
        }
        let commands: Vec<Vec<String>> = hooks
            .iter()
            .filter_map(|h| h.command.as_ref().map(|c| c.0.clone()))
            .collect();
        let command = match commands.as_slice() {
            [single] => single.clone(),
            many => vec![
                "/bin/sh".into(),
                "-c".into(),
                many.iter()
                    .map(|c| shell_join(c))
                    .collect::<Vec<_>>()
                    .join(" && "),
            ],
        };
        Some(LifecycleHandler {
            exec: Some(ExecAction {
                command: Some(command),
            }),
            ..LifecycleHandler::default()
        })
    };
    let post_start = hook(&service.rare().post_start, "post_start");
    let pre_stop = hook(&service.rare().pre_stop, "pre_stop");
    (post_start.is_some() || pre_stop.is_some()).then(|| Lifecycle {
        post_start,
        pre_stop,
        ..Lifecycle::default()
    })
}

/// Joins words into one shell command, quoting where needed.
#[must_use]
pub fn shell_join(words: &[String]) -> String {
    words
        .iter()
        .map(|w| {
            if !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c))
            {
                w.clone()
            } else {
                format!("'{}'", w.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_fractions_become_millicores() {
        assert_eq!(cpu_quantity(0.5).0, "500m");
        assert_eq!(cpu_quantity(2.0).0, "2");
        assert_eq!(cpu_quantity(1.25).0, "1250m");
    }

    #[test]
    fn memory_uses_the_largest_exact_binary_unit() {
        assert_eq!(memory_quantity(512 * 1024 * 1024).0, "512Mi");
        assert_eq!(memory_quantity(1 << 30).0, "1Gi");
        assert_eq!(memory_quantity(1500).0, "1500");
    }

    #[test]
    fn kubernetes_variable_syntax_is_escaped() {
        assert_eq!(
            escape_dollar_paren("echo $(date) $HOME"),
            "echo $$(date) $HOME"
        );
    }

    #[test]
    fn expose_entries_give_each_port() {
        let ports = |text| expose_ports(&Expose::parse(text).unwrap());
        assert_eq!(ports("3000-3002/udp"), [3000, 3001, 3002]);
        assert_eq!(ports("8080"), [8080]);
    }

    #[test]
    fn shell_join_quotes_what_the_shell_would_split() {
        assert_eq!(
            shell_join(&["echo".into(), "a b".into(), "it's".into()]),
            r"echo 'a b' 'it'\''s'"
        );
    }
}
