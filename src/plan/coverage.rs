//! Every Compose key, accounted for.
//!
//! [`service_keys`] destructures a service without `..`: adding a key to the model does not
//! compile until someone decides here whether it is translated (and names the module that
//! does it) or unsupported (and says why, with what to do instead). Keys with no Kubernetes
//! equivalent are reported from this one place; keys that are translated are reported, when
//! they only approximate Compose, by the module that translates them.

use crate::compose::model::deploy::{DeployMode, RestartCondition};
use crate::compose::model::service::{Restart, ServiceRare};
use crate::compose::model::{Project, Service};
use crate::plan::{Context, kompose};
use crate::report::{Entry, Report};

/// Reports the unsupported keys of the whole project.
pub fn report_project(context: &Context, report: &mut Report) {
    let project: &Project = context.project;
    for (name, service) in &project.services {
        service_keys(name, service, report);
        kompose::report_unknown(name, service, report);
    }
    for (name, volume) in &project.volumes {
        kompose::report_unknown_volume(name, volume, report);
    }
    top_level_keys(project, report);
}

/// Unsupported keys of one service; the others are handled where the comment says.
#[allow(clippy::too_many_lines)]
fn service_keys(name: &str, service: &Service, report: &mut Report) {
    let Service {
        blkio_config,
        build,      // container: the image name when there is no `image`
        command: _, // container: args
        configs: _, // storage: ConfigMaps mounted as files
        container_name,
        credential_spec,
        depends_on: _, // pods (roles), ordering
        deploy,        // workloads, container, placement; leftovers below
        develop,
        entrypoint: _,  // container: command
        env_file: _,    // storage: ConfigMap + envFrom
        environment: _, // container: env
        expose: _,      // container ports, services
        extends: _,     // resolved by the loader
        healthcheck: _, // health: probes
        hostname: _,    // workloads
        image,
        labels: _, // workloads: annotations; kompose labels: everywhere
        logging,
        network_mode: _, // pods, workloads, policies
        networks,        // policies, services (aliases); per-network leftovers below
        ports,           // container ports, services; `mode: host` below
        profiles: _,     // applied by the loader
        provider,
        restart,
        secrets: _,     // storage: Secrets mounted as files
        user: _,        // container: runAsUser/runAsGroup
        volumes: _,     // storage
        working_dir: _, // container
        rare: _,        // below
        span: _,
        keys,
        extensions: _, // `x-*`: ignored by design
    } = service;
    let ServiceRare {
        annotations: _, // workloads: Pod annotations
        attach,
        cap_add: _,  // container: capabilities
        cap_drop: _, // container: capabilities
        cgroup,
        cgroup_parent,
        cpu_count,
        cpu_percent,
        cpu_period,
        cpu_quota,
        cpu_rt_period,
        cpu_rt_runtime,
        cpu_shares,
        cpus: _, // container: resources
        cpuset,
        device_cgroup_rules,
        devices,
        dns: _,        // workloads: dnsConfig
        dns_opt: _,    // workloads: dnsConfig
        dns_search: _, // workloads: dnsConfig
        domainname: _, // workloads
        external_links,
        extra_hosts: _, // workloads: hostAliases
        gpus: _,        // container: nvidia.com/gpu
        group_add: _,   // workloads: supplementalGroups
        init: _,        // workloads: shareProcessNamespace
        ipc: _,         // pods (service:X), workloads (host)
        isolation,
        label_file,
        links: _, // services: link aliases
        mac_address,
        mem_limit: _,       // container: resources
        mem_reservation: _, // container: resources
        mem_swappiness,
        memswap_limit,
        models,
        oom_kill_disable,
        oom_score_adj,
        pid: _,         // pods (service:X), workloads (host)
        pids_limit: _,  // container (reported there with deploy's pids)
        platform: _,    // placement: node selector
        post_start: _,  // container: lifecycle
        pre_stop: _,    // container: lifecycle
        privileged: _,  // container: securityContext
        pull_policy: _, // container: imagePullPolicy
        pull_refresh_after,
        read_only: _,         // container: securityContext
        runtime: _,           // workloads: runtimeClassName
        scale: _,             // workloads: replicas
        security_opt: _,      // container: securityContext
        shm_size: _,          // storage: memory emptyDir at /dev/shm
        stdin_open: _,        // container
        stop_grace_period: _, // workloads: terminationGracePeriodSeconds
        stop_signal,
        storage_opt,
        sysctls: _, // workloads: Pod sysctls
        tmpfs: _,   // storage: memory emptyDir
        tty: _,     // container
        ulimits,
        use_api_socket,
        userns_mode,
        uts,
        volumes_from: _, // storage
    } = service.rare();
    let mut unsupported = |key: &str, present: bool, message: &'static str, help: &'static str| {
        if present {
            report.add(Entry::unsupported(Some(name), key, keys.get(key), message).help(help));
        }
    };
    unsupported(
        "attach",
        attach.is_some(),
        "only `docker compose up` attaches to output",
        "read the logs with `kubectl logs`",
    );
    unsupported(
        "blkio_config",
        blkio_config.is_some(),
        "Kubernetes has no block IO limits",
        "use a storage class with the IO limits you need",
    );
    unsupported(
        "cgroup",
        cgroup.is_some(),
        "Kubernetes manages the cgroup namespace",
        "remove it",
    );
    unsupported(
        "cgroup_parent",
        cgroup_parent.is_some(),
        "the kubelet chooses the cgroup of a Pod",
        "remove it",
    );
    for key in [
        "cpu_count",
        "cpu_percent",
        "cpu_period",
        "cpu_quota",
        "cpu_rt_period",
        "cpu_rt_runtime",
        "cpu_shares",
        "cpuset",
    ] {
        let present = match key {
            "cpu_count" => cpu_count.is_some(),
            "cpu_percent" => cpu_percent.is_some(),
            "cpu_period" => cpu_period.is_some(),
            "cpu_quota" => cpu_quota.is_some(),
            "cpu_rt_period" => cpu_rt_period.is_some(),
            "cpu_rt_runtime" => cpu_rt_runtime.is_some(),
            "cpu_shares" => cpu_shares.is_some(),
            _ => cpuset.is_some(),
        };
        unsupported(
            key,
            present,
            "Kubernetes expresses CPU as requests and limits only",
            "use `cpus` or `deploy.resources`",
        );
    }
    unsupported(
        "credential_spec",
        credential_spec.is_some(),
        "a Windows gMSA credential spec needs the cluster's GMSA webhook",
        "set `securityContext.windowsOptions` by hand",
    );
    unsupported(
        "develop",
        develop.is_some(),
        "watch mode is a development feature of `docker compose`",
        "use a development tool for Kubernetes (Tilt, Skaffold)",
    );
    unsupported(
        "device_cgroup_rules",
        !device_cgroup_rules.is_empty(),
        "Kubernetes has no device cgroup rules",
        "use a device plugin",
    );
    unsupported(
        "devices",
        !devices.is_empty(),
        "host devices need a device plugin (or a privileged Pod with a hostPath)",
        "install the device plugin for the hardware",
    );
    unsupported(
        "external_links",
        !external_links.is_empty(),
        "containers outside the project are not in the cluster",
        "give the outside service a DNS name, or an ExternalName Service",
    );
    unsupported(
        "isolation",
        isolation.is_some(),
        "container isolation technology is chosen by the node",
        "remove it",
    );
    unsupported(
        "label_file",
        !label_file.is_empty(),
        "labels from files are not read",
        "write the labels under `labels:`",
    );
    unsupported(
        "logging",
        logging.is_some(),
        "the cluster collects container logs",
        "configure the cluster's log collector",
    );
    unsupported(
        "mac_address",
        mac_address.is_some(),
        "Pod MAC addresses are chosen by the network plugin",
        "address the service by its name",
    );
    unsupported(
        "mem_swappiness",
        mem_swappiness.is_some(),
        "swap is configured per node",
        "remove it",
    );
    unsupported(
        "memswap_limit",
        memswap_limit.is_some(),
        "swap is configured per node",
        "remove it",
    );
    unsupported(
        "models",
        !models.is_empty(),
        "Docker Model Runner models are not available in a cluster",
        "run the model as a service of its own",
    );
    unsupported(
        "oom_kill_disable",
        oom_kill_disable.is_some(),
        "the kubelet decides OOM handling",
        "set memory requests equal to limits for the Guaranteed class",
    );
    unsupported(
        "oom_score_adj",
        oom_score_adj.is_some(),
        "the kubelet sets OOM scores from the QoS class",
        "set memory requests equal to limits for the Guaranteed class",
    );
    unsupported(
        "provider",
        provider.is_some(),
        "provider services are managed by Docker Compose plugins",
        "create the resource with its Kubernetes operator",
    );
    unsupported(
        "pull_refresh_after",
        pull_refresh_after.is_some(),
        "Kubernetes pulls on Pod start only",
        "use `pull_policy: always`",
    );
    unsupported(
        "stop_signal",
        stop_signal.is_some(),
        "Kubernetes stops containers with SIGTERM (the image's STOPSIGNAL)",
        "set STOPSIGNAL in the image",
    );
    unsupported(
        "storage_opt",
        !storage_opt.is_empty(),
        "storage driver options are per node",
        "use ephemeral-storage limits (`kompose.ephemeral-storage.limit`)",
    );
    unsupported(
        "ulimits",
        !ulimits.is_empty(),
        "Kubernetes has no per-container ulimits",
        "set the limits in the image's entrypoint, or on the nodes",
    );
    unsupported(
        "use_api_socket",
        use_api_socket.as_ref().is_some_and(|u| u.value),
        "there is no Docker API in the cluster",
        "use the Kubernetes API with a service account",
    );
    unsupported(
        "userns_mode",
        userns_mode.is_some(),
        "user namespaces are set with `hostUsers` on the Pod",
        "set `hostUsers: false` by hand",
    );
    unsupported(
        "uts",
        uts.is_some(),
        "Kubernetes has no host UTS namespace option",
        "remove it",
    );
    if let Some(container_name) = container_name {
        report.add(
            Entry::approximated(
                Some(name),
                "container_name",
                Some(container_name.span),
                format!(
                    "Pods get generated names; the container is named `{}`, and `{}` resolves through a Service of that name",
                    crate::plan::names::label(name),
                    crate::plan::names::service(container_name),
                ),
            )
            .help("address it by its service name, which resolves too"),
        );
    }
    if build.is_some() && image.is_some() {
        report.add(
            Entry::approximated(Some(name), "build", keys.get("build"), "the cluster does not build: the Pod runs the `image`, which must be pushed to a registry")
                .help("`docker compose build && docker compose push` before applying"),
        );
    }
    if let Some(restart) = restart
        && let Restart::Other(text) = &restart.value
    {
        report.add(
            Entry::unsupported(
                Some(name),
                "restart",
                Some(restart.span),
                format!("`{text}` is not a restart policy"),
            )
            .help("use `always`, `unless-stopped`, `on-failure[:N]` or `no`"),
        );
    }
    for port in ports.iter().filter(|p| p.mode.as_deref() == Some("host")) {
        report.add(
            Entry::approximated(
                Some(name),
                "ports",
                Some(port.span),
                "`mode: host` is published through the Service like any port",
            )
            .help("set `hostPort` by hand if the port must be bound on the node"),
        );
    }
    if let Some(deploy) = deploy {
        deploy_keys(name, deploy, service.runs_once(), report);
    }
    for (network, settings) in networks {
        let net = &network.value;
        for (key, present) in [
            ("ipv4_address", settings.rare().ipv4_address.is_some()),
            ("ipv6_address", settings.rare().ipv6_address.is_some()),
            ("mac_address", settings.rare().mac_address.is_some()),
            ("link_local_ips", !settings.rare().link_local_ips.is_empty()),
            ("driver_opts", !settings.rare().driver_opts.is_empty()),
            ("priority", settings.rare().priority.is_some()),
            ("gw_priority", settings.rare().gw_priority.is_some()),
            ("interface_name", settings.rare().interface_name.is_some()),
        ] {
            if present {
                report.add(
                    Entry::unsupported(
                        Some(name),
                        &format!("networks.{net}.{key}"),
                        settings.keys.get(key),
                        "Pod addresses and interfaces are chosen by the network plugin",
                    )
                    .help(format!(
                        "address the service by its name (`{name}`), which its Service keeps"
                    )),
                );
            }
        }
    }
}

/// Parts of `deploy` no other step translates.
fn deploy_keys(
    name: &str,
    deploy: &crate::compose::model::deploy::Deploy,
    one_shot: bool,
    report: &mut Report,
) {
    deploy_mode(name, deploy, report);
    if let Some(mode) = &deploy.rare().endpoint_mode
        && mode.as_str() == "dnsrr"
    {
        report.add(
            Entry::approximated(
                Some(name),
                "deploy.endpoint_mode",
                Some(mode.span),
                "the Service has a virtual IP; DNS round robin needs a headless Service",
            )
            .help(format!("set `kompose.service.type: headless` on `{name}`")),
        );
    }
    if deploy.rollback_config.is_some() {
        report.add(
            Entry::unsupported(
                Some(name),
                "deploy.rollback_config",
                deploy.keys.get("rollback_config"),
                "Deployments roll back with `kubectl rollout undo`",
            )
            .help("roll back by hand, or with a deployment tool"),
        );
    }
    if let Some(policy) = &deploy.restart_policy {
        restart_policy(name, policy, one_shot, report);
        for key in ["delay", "window"] {
            if policy.keys.get(key).is_some() {
                report.add(Entry::unsupported(
                    Some(name),
                    &format!("deploy.restart_policy.{key}"),
                    policy.keys.get(key),
                    "the kubelet restarts containers with its own back-off",
                ));
            }
        }
    }
    if let Some(reservations) = deploy
        .resources
        .as_ref()
        .and_then(|r| r.reservations.as_ref())
    {
        if !reservations.generic_resources.is_empty() {
            report.add(
                Entry::unsupported(
                    Some(name),
                    "deploy.resources.reservations.generic_resources",
                    reservations.keys.get("generic_resources"),
                    "Swarm generic resources are extended resources in Kubernetes",
                )
                .help("request the extended resource in the container's resources by hand"),
            );
        }
        for device in &reservations.devices {
            let gpu = device.capabilities.iter().any(|c| c.value == "gpu")
                || device.driver.as_ref().is_some_and(|d| d.value == "nvidia");
            if !gpu {
                report.add(Entry::unsupported(
                    Some(name),
                    "deploy.resources.reservations.devices",
                    Some(device.span),
                    "only GPU requests have a Kubernetes resource (`nvidia.com/gpu`)",
                ));
            }
        }
    }
}

/// `deploy.mode` values other than the four Compose defines, and `global-job`.
fn deploy_mode(name: &str, deploy: &crate::compose::model::deploy::Deploy, report: &mut Report) {
    if let Some(mode) = &deploy.mode {
        match &mode.value {
            DeployMode::Replicated | DeployMode::Global | DeployMode::ReplicatedJob => {}
            DeployMode::GlobalJob => report.add(Entry::approximated(
                Some(name),
                "deploy.mode",
                Some(mode.span),
                "one Job runs, not one on every node",
            )),
            DeployMode::Other(other) => report.add(
                Entry::unsupported(
                    Some(name),
                    "deploy.mode",
                    Some(mode.span),
                    format!("`{other}` is not a deploy mode; the service is replicated"),
                )
                .help("use `replicated`, `global`, `replicated-job` or `global-job`"),
            ),
        }
    }
}

/// A restart condition Compose does not define, and retries of a long-running service.
fn restart_policy(
    name: &str,
    policy: &crate::compose::model::deploy::RestartPolicy,
    one_shot: bool,
    report: &mut Report,
) {
    if let Some(condition) = &policy.condition
        && let RestartCondition::Other(other) = &condition.value
    {
        report.add(
            Entry::unsupported(
                Some(name),
                "deploy.restart_policy.condition",
                Some(condition.span),
                format!("`{other}` is not a restart condition; the service restarts always"),
            )
            .help("use `none`, `on-failure` or `any`"),
        );
    }
    if let Some(attempts) = &policy.max_attempts
        && !one_shot
    {
        report.add(Entry::unsupported(
            Some(name),
            "deploy.restart_policy.max_attempts",
            Some(attempts.span),
            "the containers of a long-running Pod restart without limit",
        ));
    }
}

/// Top-level keys without an equivalent.
fn top_level_keys(project: &Project, report: &mut Report) {
    for (name, network) in &project.networks {
        if network.external.as_ref().is_some_and(|e| e.value) {
            report.add(
                Entry::unsupported(
                    None,
                    &format!("networks.{}.external", name.value),
                    network.keys.get("external"),
                    "an external network has no Kubernetes equivalent; its Pods are on the cluster network (isolated like a project network when policies are on)",
                )
                .help("connect to outside services through their DNS names or an ExternalName Service"),
            );
        }
        for (key, present) in [
            ("driver", network.driver.is_some()),
            ("driver_opts", !network.driver_opts.is_empty()),
            ("ipam", network.ipam.is_some()),
            ("enable_ipv4", network.enable_ipv4.is_some()),
            ("enable_ipv6", network.enable_ipv6.is_some()),
            ("attachable", network.attachable.is_some()),
            ("labels", !network.labels.is_empty()),
            ("name", network.name.is_some()),
        ] {
            if present {
                report.add(
                    Entry::unsupported(None, &format!("networks.{}.{key}", name.value), network.keys.get(key), "the cluster has one network, run by its network plugin; only membership carries over (as NetworkPolicies)")
                        .help("services reach each other by name; isolation comes from NetworkPolicies"),
                );
            }
        }
    }
    for (name, secret) in &project.secrets {
        for (key, present) in [
            ("driver", secret.driver.is_some()),
            ("driver_opts", !secret.driver_opts.is_empty()),
            ("template_driver", secret.template_driver.is_some()),
            ("labels", !secret.labels.is_empty()),
        ] {
            if present {
                report.add(
                    Entry::unsupported(
                        None,
                        &format!("secrets.{}.{key}", name.value),
                        secret.keys.get(key),
                        "Kubernetes Secrets have no drivers or templates",
                    )
                    .help("use an operator such as External Secrets for secret stores"),
                );
            }
        }
    }
    for (name, config) in &project.configs {
        for (key, present) in [
            ("template_driver", config.template_driver.is_some()),
            ("labels", !config.labels.is_empty()),
        ] {
            if present {
                report.add(Entry::unsupported(
                    None,
                    &format!("configs.{}.{key}", name.value),
                    config.keys.get(key),
                    "ConfigMaps have no templates or labels of their own",
                ));
            }
        }
    }
    for (name, volume) in &project.volumes {
        let non_kompose = volume.labels.keys().any(|k| !kompose::is_kompose(k));
        if non_kompose {
            report.add(Entry::unsupported(
                None,
                &format!("volumes.{}.labels", name.value),
                volume.keys.get("labels"),
                "volume labels are not copied to the claim",
            ));
        }
    }
    for (name, model) in &project.models {
        report.add(
            Entry::unsupported(
                None,
                &format!("models.{}", name.value),
                model.span,
                "Docker Model Runner models are not available in a cluster",
            )
            .help("run the model server as a service"),
        );
    }
}
