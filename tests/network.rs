//! Networking that behaves like Compose (issue 4): each fixture under
//! `tests/fixtures/network/` is converted and its plan asserted — which Pod each service runs
//! in, the containers in start order, the Service ports — together with its diagnostics
//! (code, line, column); the output must pass `validate-k8s`.

// Test code: failing loudly is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use compose2kube::compose::{LoadOptions, load};
use compose2kube::diag::Severity;
use compose2kube::plan::pods::Role;
use compose2kube::plan::{
    ConvertOptions, GroupMode, ServicePurpose, ServiceType, Workload, WorkloadKind,
};
use compose2kube::{Converted, check, convert};
use k8s_openapi::api::core::v1::Container;
use k8s_openapi::api::networking::v1::{NetworkPolicyPeer, NetworkPolicySpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

struct Run {
    /// `code line:column` of every error and warning (check and plan).
    problems: Vec<String>,
    converted: Converted,
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/network")
        .join(name)
        .join("compose.yaml")
}

fn run_with(name: &str, options: &ConvertOptions) -> Run {
    let loaded = load(&LoadOptions::for_files([fixture(name)]));
    let converted = convert(&loaded, options);
    let mut diagnostics = check(&loaded);
    diagnostics.extend(converted.report.to_diagnostics());
    let problems = diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Note)
        .map(|d| {
            let place = d
                .span
                .and_then(|s| loaded.sources.location(s))
                .map(|(_, l)| format!(" {}:{}", l.line, l.column))
                .unwrap_or_default();
            format!("{}{place}", d.code.as_str())
        })
        .collect();
    Run {
        problems,
        converted,
    }
}

fn run(name: &str) -> Run {
    run_with(name, &ConvertOptions::default())
}

impl Run {
    fn pod(&self, name: &str) -> &Workload {
        self.converted
            .plan
            .workloads
            .iter()
            .find(|w| w.name == name)
            .unwrap_or_else(|| panic!("no Pod {name}; Pods: {:?}", self.pods()))
    }

    fn pods(&self) -> Vec<&str> {
        self.converted
            .plan
            .workloads
            .iter()
            .map(|w| w.name.as_str())
            .collect()
    }

    /// The Pod's init containers in start order, as they are written.
    fn init_containers(&self, pod: &str) -> Vec<Container> {
        self.pod(pod)
            .init_containers(&self.converted.plan.wait_settings)
    }

    /// The Pod's containers in start order, sidecars and init containers marked.
    fn start_order(&self, pod: &str) -> Vec<String> {
        let workload = self.pod(pod);
        let role = |name: &str| {
            workload
                .group
                .members
                .iter()
                .find(|m| m.container == name)
                .map(|m| m.role)
        };
        let init = self
            .init_containers(pod)
            .into_iter()
            .map(|c| match role(&c.name) {
                Some(Role::Sidecar) => format!("{} (sidecar)", c.name),
                _ => format!("{} (init)", c.name),
            });
        init.chain(workload.pod.containers.iter().map(|c| c.name.clone()))
            .collect()
    }

    /// `port→target/protocol` of a Service.
    fn service_ports(&self, name: &str) -> Vec<String> {
        let service = self
            .converted
            .plan
            .services
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no Service {name}"));
        service
            .ports
            .iter()
            .map(|p| format!("{}→{}/{}", p.port, p.target_port, p.protocol))
            .collect()
    }

    fn service_names(&self) -> Vec<&str> {
        self.converted
            .plan
            .services
            .iter()
            .map(|s| s.name.as_str())
            .collect()
    }

    fn assert_clean(&self) {
        assert!(
            self.problems.is_empty(),
            "unexpected problems: {:?}",
            self.problems
        );
    }

    /// The output passes the strict schema and the API server's field and reference rules.
    fn validate(&self) {
        let yaml = compose2kube::render::manifests::yaml(&self.converted.objects()).unwrap();
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), yaml).unwrap();
        let tool = Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/validate-k8s");
        let output = std::process::Command::new(tool)
            .arg("--strict-refs")
            .arg(file.path())
            .output()
            .expect("validate-k8s runs");
        assert!(
            output.status.success(),
            "validate-k8s: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn vpn_sidecar_apps_join_the_vpn_pod_and_start_once_it_is_healthy() {
    let run = run("vpn-sidecar");
    run.assert_clean();
    assert_eq!(run.pods(), ["gluetun"]);
    assert_eq!(
        run.start_order("gluetun"),
        ["gluetun (sidecar)", "qbittorrent", "prowlarr"]
    );
    let vpn = run.init_containers("gluetun").first().unwrap().clone();
    assert_eq!(vpn.restart_policy.as_deref(), Some("Always"));
    assert!(
        vpn.startup_probe.is_some(),
        "the apps start only once the VPN's startup probe (its healthcheck) passes"
    );
    assert_eq!(
        run.service_ports("gluetun"),
        ["8080→8080/TCP", "9696→9696/TCP"]
    );
    assert_eq!(
        run.service_names(),
        ["gluetun"],
        "the apps get no Service of their own"
    );
    run.validate();
}

#[test]
fn a_chain_of_shared_network_stacks_lands_in_the_last_owners_pod() {
    let run = run("chain");
    run.assert_clean();
    assert_eq!(run.pods(), ["c"]);
    assert_eq!(run.start_order("c"), ["c", "a", "b"]);
    run.validate();
}

#[test]
fn container_mode_finds_the_service_by_its_container_name() {
    let run = run("container-name");
    run.assert_clean();
    assert_eq!(run.pods(), ["proxy"]);
    assert_eq!(run.start_order("proxy"), ["proxy", "app"]);
    run.validate();
}

#[test]
fn a_volume_shared_inside_a_pod_is_one_pod_volume_and_a_read_write_once_claim() {
    let run = run("shared-volume");
    run.assert_clean();
    let workload = run.pod("web");
    let pod = workload.pod_spec(&run.converted.plan.wait_settings);
    assert_eq!(workload.volumes.len(), 1);
    for container in &pod.containers {
        assert_eq!(
            container
                .volume_mounts
                .as_ref()
                .unwrap()
                .first()
                .unwrap()
                .name,
            "site"
        );
    }
    assert_eq!(
        run.converted.plan.claims.first().unwrap().access_modes,
        ["ReadWriteOnce"]
    );
    run.validate();
}

#[test]
fn ports_declared_twice_in_one_pod_are_an_error_naming_both() {
    let options = ConvertOptions {
        service_group_mode: Some(GroupMode::Label),
        ..ConvertOptions::default()
    };
    let run = run_with("port-conflict", &options);
    assert_eq!(run.problems, ["port-conflict 10:13"]);
    let diagnostic = run.converted.report.errors().first().unwrap();
    assert_eq!(
        diagnostic.related.len(),
        1,
        "the other declaration is shown too"
    );
}

#[test]
fn host_mode_uses_the_node_network_and_binds_host_ports() {
    let run = run("host");
    let pod = run.pod("plex").pod_spec(&run.converted.plan.wait_settings);
    assert_eq!(pod.host_network, Some(true));
    assert_eq!(pod.dns_policy.as_deref(), Some("ClusterFirstWithHostNet"));
    let port = pod
        .containers
        .first()
        .unwrap()
        .ports
        .as_ref()
        .unwrap()
        .first()
        .unwrap()
        .clone();
    assert_eq!(port.host_port, Some(port.container_port));
    assert_eq!(
        run.problems,
        ["host-mode-ports 6:5"],
        "the published port is reported as discarded, as the Engine does"
    );
    assert!(
        run.service_names().is_empty(),
        "a host-mode container is not on a Compose network"
    );
    run.validate();
}

#[test]
fn none_mode_gets_no_service_and_a_deny_all_policy() {
    let run = run("none");
    assert!(!run.service_names().contains(&"batch"));
    let policy = run
        .converted
        .plan
        .policies
        .iter()
        .find(|p| p.name == "batch-no-network")
        .unwrap();
    let spec = policy.rules.spec();
    let types = spec.policy_types.clone().unwrap();
    assert_eq!(types, ["Ingress", "Egress"]);
    assert!(
        spec.ingress.is_none() && spec.egress.is_none(),
        "no rule: nothing allowed"
    );
    run.validate();
}

#[test]
fn three_tiers_on_two_networks_keep_the_frontend_away_from_the_database() {
    let run = run("three-tier");
    run.assert_clean();
    let names: Vec<&str> = run
        .converted
        .plan
        .policies
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "three-tier-network-front",
            "three-tier-network-back",
            "frontend-published"
        ]
    );
    assert!(allowed(&run, "frontend", "backend"));
    assert!(allowed(&run, "backend", "db"));
    assert!(
        !allowed(&run, "frontend", "db"),
        "Compose blocks frontend → db"
    );
    assert!(!allowed(&run, "db", "frontend"));
    run.validate();
}

/// Whether NetworkPolicies let `from`'s Pods open a connection to `to`'s Pods (one namespace,
/// label selectors only — enough for the policies compose2kube writes).
fn allowed(run: &Run, from: &str, to: &str) -> bool {
    let source = &run.pod(from).pod_labels();
    let target = &run.pod(to).pod_labels();
    let policies = &run.converted.plan.policies;
    direction_allowed(policies, "Ingress", target, source)
        && direction_allowed(policies, "Egress", source, target)
}

type Labels = std::collections::BTreeMap<String, String>;

fn selects(selector: Option<&LabelSelector>, labels: &Labels) -> bool {
    selector
        .and_then(|s| s.match_labels.as_ref())
        .is_some_and(|m| m.iter().all(|(k, v)| labels.get(k) == Some(v)))
}

/// Traffic of `kind` for the Pod with `subject` labels, to or from a Pod with `peer` labels.
fn direction_allowed(
    policies: &[compose2kube::plan::Policy],
    kind: &str,
    subject: &Labels,
    peer: &Labels,
) -> bool {
    let selecting: Vec<NetworkPolicySpec> = policies
        .iter()
        .filter(|p| {
            p.pod_selector
                .iter()
                .all(|(k, v)| subject.get(k) == Some(v))
        })
        .map(|p| p.rules.spec())
        .filter(|spec| {
            spec.policy_types
                .as_ref()
                .is_some_and(|t| t.iter().any(|t| t == kind))
        })
        .collect();
    if selecting.is_empty() {
        return true;
    }
    selecting.iter().any(|spec| {
        let rules: Vec<Option<&Vec<NetworkPolicyPeer>>> = if kind == "Ingress" {
            spec.ingress
                .iter()
                .flatten()
                .map(|r| r.from.as_ref())
                .collect()
        } else {
            spec.egress
                .iter()
                .flatten()
                .map(|r| r.to.as_ref())
                .collect()
        };
        rules.iter().any(|peers| match peers {
            None => true,
            Some(peers) => peers.iter().any(|p| {
                p.namespace_selector.is_none()
                    && p.ip_block.is_none()
                    && selects(p.pod_selector.as_ref(), peer)
            }),
        })
    })
}

#[test]
fn network_aliases_and_link_aliases_are_services_of_the_same_pods() {
    let run = run("aliases");
    let aliases: Vec<(&str, &str)> = run
        .converted
        .plan
        .services
        .iter()
        .filter_map(|s| match &s.purpose {
            ServicePurpose::Alias { alias } => Some((s.name.as_str(), alias.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(
        aliases,
        [
            ("database", "database"),
            ("postgres", "postgres"),
            ("legacy-db", "legacy-db")
        ]
    );
    for service in &run.converted.plan.services {
        if service.service == "db" {
            assert_eq!(service.ports.len(), 1, "{} carries db's port", service.name);
        }
    }
    run.validate();
}

#[test]
fn a_migration_only_one_service_waits_for_runs_as_its_init_container() {
    let run = run("migration-job");
    run.assert_clean();
    assert_eq!(run.pods(), ["app", "db"]);
    assert_eq!(
        run.start_order("app"),
        ["wait-for-db (init)", "migrate (init)", "app"]
    );
    let init = run.init_containers("app");
    let migrate = init.get(1).unwrap();
    assert!(
        migrate.restart_policy.is_none(),
        "it runs to completion, it is not a sidecar"
    );
    assert!(
        run.service_names().contains(&"db-headless"),
        "the wait resolves a name that lists ready Pods only"
    );
    run.validate();
}

#[test]
fn a_migration_several_services_wait_for_is_a_job_they_wait_for() {
    let run = run("migration-shared");
    assert!(matches!(run.pod("migrate").kind, WorkloadKind::Job { .. }));
    for dependent in ["web", "worker"] {
        assert_eq!(
            run.start_order(dependent),
            ["wait-for-migrate (init)", dependent]
        );
        assert_eq!(
            run.pod(dependent)
                .pod_spec(&run.converted.plan.wait_settings)
                .service_account_name
                .as_deref(),
            Some("migration-shared-job-waiter")
        );
    }
    assert_eq!(run.converted.plan.job_waiters.len(), 1);
    run.validate();
}

#[test]
fn the_output_names_nothing_no_pod_has() {
    for name in [
        "vpn-sidecar",
        "chain",
        "container-name",
        "shared-volume",
        "aliases",
        "three-tier",
        "migration-job",
    ] {
        let run = run(name);
        for service in &run.converted.plan.services {
            assert!(
                run.converted.plan.workloads.iter().any(|w| service
                    .selector
                    .iter()
                    .all(|(k, v)| w.pod_labels().get(k) == Some(v))),
                "{name}: Service {} selects no Pod",
                service.name
            );
        }
    }
}

#[test]
fn members_join_a_job_pod_like_any_other() {
    let run = run("job-root");
    run.assert_clean();
    assert!(matches!(run.pod("backup").kind, WorkloadKind::Job { .. }));
    assert_eq!(run.start_order("backup"), ["backup", "proxy"]);
    run.validate();
}

#[test]
fn members_join_a_stateful_set_pod_and_its_claims_become_templates() {
    let run = run("statefulset-root");
    run.assert_clean();
    match &run.pod("db").kind {
        WorkloadKind::StatefulSet {
            claim_templates,
            service_name,
        } => {
            assert_eq!(claim_templates.len(), 1);
            assert_eq!(service_name, "db-headless");
        }
        other => panic!("expected a StatefulSet, got {other:?}"),
    }
    assert_eq!(run.start_order("db"), ["db", "exporter"]);
    assert!(
        run.converted.plan.claims.is_empty(),
        "the claim is a template now"
    );
    run.validate();
}

#[test]
fn members_asking_for_another_replica_count_than_the_root_are_an_error_naming_both() {
    let run = run("pod-conflict");
    assert_eq!(run.problems, ["pod-group-conflict 11:17"]);
    let diagnostic = run.converted.report.errors().first().unwrap();
    assert!(
        diagnostic.message.contains("`agent` and `app`"),
        "{}",
        diagnostic.message
    );
}

#[test]
fn sidecars_start_in_dependency_order_and_a_healthy_wait_gets_a_startup_probe() {
    let run = run("sidecar-order");
    run.assert_clean();
    assert_eq!(
        run.start_order("app"),
        ["vault (sidecar)", "cache (sidecar)", "app"]
    );
    let init = run.init_containers("app");
    assert!(
        init.first().unwrap().startup_probe.is_none(),
        "vault is only waited for to start"
    );
    assert!(
        init.get(1).unwrap().startup_probe.is_some(),
        "app waits for cache to be healthy"
    );
    run.validate();
}

#[test]
fn services_sharing_a_volume_share_a_pod_in_volume_group_mode() {
    let options = ConvertOptions {
        service_group_mode: Some(GroupMode::Volume),
        ..ConvertOptions::default()
    };
    let run = run_with("volume-group", &options);
    run.assert_clean();
    assert_eq!(run.pods(), ["writer", "other"]);
    assert_eq!(run.start_order("writer"), ["writer", "reader"]);
    assert_eq!(
        run.service_ports("reader"),
        ["9000→9000/TCP"],
        "a grouped service keeps its own name"
    );
    run.validate();
}

#[test]
fn pid_and_ipc_sharing_put_services_in_one_pod() {
    let run = run("pid-ipc");
    run.assert_clean();
    assert_eq!(run.start_order("app"), ["app", "profiler", "shm-reader"]);
    let pod = run.pod("app").pod_spec(&run.converted.plan.wait_settings);
    assert_eq!(pod.share_process_namespace, Some(true));
    run.validate();
}

#[test]
fn what_a_member_needs_moves_into_the_root_pod() {
    let run = run_with(
        "moves-with-member",
        &ConvertOptions {
            service_group_mode: Some(GroupMode::Label),
            ..ConvertOptions::default()
        },
    );
    run.assert_clean();
    let workload = run.pod("vpn");
    let pod = workload.pod_spec(&run.converted.plan.wait_settings);
    let volumes: Vec<&str> = workload.volumes.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(volumes, ["secret-token", "config-settings"]);
    assert_eq!(
        pod.image_pull_secrets
            .as_ref()
            .unwrap()
            .first()
            .unwrap()
            .name,
        "regcred"
    );
    assert_eq!(
        pod.host_aliases.as_ref().unwrap().first().unwrap().ip,
        "10.0.0.5"
    );
    assert_eq!(
        run.start_order("vpn"),
        ["fetch (init)", "vpn", "app", "sync"]
    );
    let app = pod.containers.iter().find(|c| c.name == "app").unwrap();
    assert!(
        app.env_from.is_some(),
        "the env file ConfigMap is still read by app"
    );
    run.validate();
}

#[test]
fn network_policies_follow_the_mode_option() {
    use compose2kube::plan::NetworkPolicies;
    let count = |mode| {
        let options = ConvertOptions {
            network_policies: mode,
            ..ConvertOptions::default()
        };
        run_with("vpn-sidecar", &options)
            .converted
            .plan
            .policies
            .len()
    };
    assert_eq!(
        count(NetworkPolicies::Auto),
        0,
        "only the default network: nothing to isolate"
    );
    assert_eq!(
        count(NetworkPolicies::Always),
        2,
        "the default network and the published ports"
    );
    assert_eq!(count(NetworkPolicies::Never), 0);
    assert_eq!(
        run_with(
            "three-tier",
            &ConvertOptions {
                network_policies: NetworkPolicies::Never,
                ..ConvertOptions::default()
            }
        )
        .converted
        .plan
        .policies
        .len(),
        0
    );
}

#[test]
fn corpus_files_with_network_modes_convert_into_shared_pods() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let loaded = load(&LoadOptions::for_files([
        corpus.join("compose-go/loader/testdata/extends/depends_on.yaml")
    ]));
    let converted = convert(&loaded, &ConvertOptions::default());
    let zot = converted
        .plan
        .workloads
        .iter()
        .find(|w| w.name == "zot")
        .unwrap();
    let members: Vec<&str> = zot
        .group
        .members
        .iter()
        .map(|m| m.service.as_str())
        .collect();
    assert_eq!(members, ["zot", "with_ipc", "with_network_mode"]);
    let loaded = load(&LoadOptions::for_files([
        corpus.join("awesome-compose/plex/compose.yaml")
    ]));
    let converted = convert(&loaded, &ConvertOptions::default());
    assert!(
        converted
            .plan
            .workloads
            .iter()
            .all(|w| w.pod.host_network())
    );
}

fn explain(args: &[&str]) -> String {
    let output = assert_cmd::Command::cargo_bin("compose2kube")
        .unwrap()
        .arg("explain")
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn explain_lists_each_pods_containers_in_start_order_with_services_and_report() {
    let file = fixture("migration-job");
    let text = explain(&["-f", file.to_str().unwrap()]);
    let order: Vec<&str> = ["1. wait-for-db", "2. migrate", "3. app"]
        .into_iter()
        .collect();
    let positions: Vec<usize> = order
        .iter()
        .map(|line| {
            text.find(line)
                .unwrap_or_else(|| panic!("{line} missing:\n{text}"))
        })
        .collect();
    assert!(positions.is_sorted(), "{text}");
    assert!(text.contains("db-headless"), "{text}");
    assert!(text.contains("Translation report:"), "{text}");
}

#[test]
fn explain_shows_every_name_and_port_a_pod_answers_on() {
    let file = fixture("names-and-ports");
    let text = explain(&[
        "-f",
        file.to_str().unwrap(),
        "--service-type",
        "loadbalancer",
    ]);
    assert!(
        text.contains("answers at web: 80/TCP, 443/TCP, 9090/TCP, 8080→80/TCP; also my-web\n"),
        "{text}"
    );
    assert!(
        text.contains("web-published                LoadBalancer, the published ports, from outside: 8080→80/TCP, 443/TCP"),
        "{text}"
    );
}

#[test]
fn explain_draws_the_topology_in_mermaid_and_dot() {
    let file = fixture("vpn-sidecar");
    let mermaid = explain(&["-f", file.to_str().unwrap(), "--graph", "mermaid"]);
    assert!(mermaid.starts_with("flowchart LR\n"), "{mermaid}");
    assert!(
        mermaid.contains("subgraph pod_gluetun[\"Pod gluetun (Deployment)\"]"),
        "{mermaid}"
    );
    assert!(mermaid.contains("svc_gluetun --> pod_gluetun"), "{mermaid}");
    let dot = explain(&["-f", file.to_str().unwrap(), "--graph", "dot"]);
    assert!(dot.starts_with("digraph \"vpn-sidecar\" {"), "{dot}");
    assert!(dot.trim_end().ends_with('}'), "{dot}");
    assert_eq!(
        dot.matches('{').count(),
        dot.matches('}').count(),
        "balanced braces:\n{dot}"
    );
}

/// The errors a fixture must produce, as `code line:column`.
fn assert_problems(name: &str, expected: &[&str]) {
    let run = run(name);
    assert_eq!(run.problems, expected, "{name}");
}

#[test]
fn a_network_mode_cycle_is_an_error_naming_both_services() {
    assert_problems("cycle", &["network-mode-cycle 4:19"]);
    let loaded = load(&LoadOptions::for_files([fixture("cycle")]));
    let found = check(&loaded);
    assert_eq!(found[0].related.len(), 1, "the other half of the cycle");
}

#[test]
fn an_unknown_network_mode_target_is_an_error_with_a_suggestion() {
    assert_problems("unknown-target", &["network-mode-unknown-target 4:19"]);
    let loaded = load(&LoadOptions::for_files([fixture("unknown-target")]));
    assert_eq!(
        check(&loaded)[0].help.as_deref(),
        Some("did you mean `vpn`?")
    );
}

#[test]
fn a_container_outside_the_project_runs_in_a_pod_of_its_own_with_a_warning() {
    // Docker Compose accepts `container:NAME` for any container; a Pod cannot join one it
    // does not hold, so the service converts in a Pod of its own, with a warning from the
    // plan that names the nearest container name.
    let loaded = load(&LoadOptions::for_files([fixture("container-outside")]));
    assert!(check(&loaded).iter().all(|d| !d.is_error()));
    assert_problems("container-outside", &["network-mode-unknown-target 4:19"]);
    let run = run("container-outside");
    assert_eq!(run.pods(), ["app", "vpn"]);
    let error = run.converted.report.errors().first().unwrap();
    assert_eq!(error.severity, Severity::Warning);
    assert_eq!(
        error.help.as_deref(),
        Some("did you mean the container `gluetun`?")
    );
}

#[test]
fn ports_on_a_member_are_an_error_pointing_at_the_owner() {
    assert_problems("member-ports", &["key-on-shared-network 7:5"]);
}

#[test]
fn host_mode_with_networks_is_an_error() {
    assert_problems("host-networks", &["network-mode-extra-network 5:5"]);
}

#[test]
fn pod_settings_only_a_member_sets_are_reported_and_its_networks_kept() {
    let run = run_with(
        "group-member-settings",
        &ConvertOptions {
            service_group_mode: Some(GroupMode::Label),
            ..ConvertOptions::default()
        },
    );
    assert_eq!(
        run.problems,
        [
            "unsupported 11:15",
            "unsupported 12:10",
            "unsupported 14:17"
        ]
    );
    assert_eq!(run.pod("app").networks, ["front", "back"]);
    run.validate();
}

#[test]
fn a_container_name_resolves_to_the_same_pod_as_the_service_name() {
    let run = run("names-and-ports");
    run.assert_clean();
    let web = run
        .converted
        .plan
        .services
        .iter()
        .find(|s| s.name == "my-web")
        .expect("a Service named after the container_name");
    assert_eq!(web.service, "web");
    assert_eq!(
        web.purpose,
        ServicePurpose::ContainerName {
            container_name: "my-web".into()
        }
    );
    assert_eq!(run.service_ports("my-web"), run.service_ports("web"));
    run.validate();
}

#[test]
fn peers_reach_the_container_port_and_the_published_port_answers_too() {
    let run = run("names-and-ports");
    assert_eq!(
        run.service_ports("web"),
        ["80→80/TCP", "443→443/TCP", "9090→9090/TCP", "8080→80/TCP"]
    );
    // A host port that is another container port of the Pod stays that container port.
    assert_eq!(run.service_ports("swap"), ["80→80/TCP", "8080→8080/TCP"]);
    // Nothing is published outside the cluster by default.
    assert!(
        !run.service_names()
            .iter()
            .any(|n| n.ends_with("-published"))
    );
}

#[test]
fn only_published_ports_go_out_on_a_load_balancer() {
    let options = ConvertOptions {
        service_type: Some(ServiceType::LoadBalancer),
        ..ConvertOptions::default()
    };
    let run = run_with("names-and-ports", &options);
    run.assert_clean();
    let kind = |name: &str| {
        run.converted
            .plan
            .services
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.kind)
    };
    assert_eq!(kind("web"), Some(ServiceType::ClusterIp));
    assert_eq!(kind("web-published"), Some(ServiceType::LoadBalancer));
    assert_eq!(
        run.service_ports("web-published"),
        ["8080→80/TCP", "443→443/TCP"]
    );
    // The Ingress reaches a port that the Service has.
    let ingress = run.converted.plan.ingresses.first().expect("an Ingress");
    let rule = ingress.rules.first().expect("a rule");
    assert_eq!((rule.backend.as_str(), rule.port), ("web", 80));
    // `client` publishes nothing: it gets no Service from outside.
    assert_eq!(kind("client-published"), None);
    run.validate();
}

#[test]
fn ports_a_container_does_not_declare_are_noted_as_unreachable() {
    let loaded = load(&LoadOptions::for_files([fixture("names-and-ports")]));
    let converted = convert(&loaded, &ConvertOptions::default());
    let notes: Vec<&str> = converted
        .report
        .entries()
        .iter()
        .filter(|e| e.message.contains("unreachable through the Service"))
        .filter_map(|e| e.service.as_deref())
        .collect();
    // `client` declares no port: its headless Service answers on any port.
    assert_eq!(notes, ["web", "swap"]);
    let help = converted.report.entries().iter().find_map(|e| {
        e.message
            .contains("unreachable through the Service")
            .then_some(e.help.as_deref())
            .flatten()
    });
    assert!(help.is_some_and(|h| h.contains("`expose`")), "{help:?}");
}

#[test]
fn a_member_another_waits_to_complete_is_a_plain_init_container() {
    let run = run("same-pod-completion");
    run.assert_clean();
    assert_eq!(run.start_order("app"), ["migrate (init)", "app"]);
    let init = run.init_containers("app");
    let migrate = init
        .iter()
        .find(|c| c.name == "migrate")
        .expect("an init container");
    assert_eq!(migrate.restart_policy, None);
    run.validate();
}

#[test]
fn an_optional_wait_for_a_job_starts_anyway() {
    let run = run("job-optional");
    run.assert_clean();
    let script = |pod: &str| {
        let init = run.init_containers(pod);
        let wait = init.first().expect("a wait container").clone();
        wait.command.unwrap_or_default().join(" ")
    };
    assert!(
        script("api").contains("starting anyway (required: false)"),
        "{}",
        script("api")
    );
    assert!(
        !script("worker").contains("starting anyway"),
        "{}",
        script("worker")
    );
    run.validate();
}

#[test]
fn a_node_port_service_keeps_the_compose_host_port_in_the_node_port_range() {
    let options = ConvertOptions {
        service_type: Some(ServiceType::NodePort),
        ..ConvertOptions::default()
    };
    let run = run_with("nodeport-host-ports", &options);
    run.assert_clean();
    let published = run
        .converted
        .plan
        .services
        .iter()
        .find(|s| s.name == "web-published")
        .expect("the published Service");
    let node_ports: Vec<Option<i32>> = published.ports.iter().map(|p| p.node_port).collect();
    assert_eq!(node_ports, [Some(30080), None]);
    assert!(
        run.converted.report.entries().iter().any(|e| e
            .message
            .contains("the cluster chooses the node port for the host port 8443")),
        "{:?}",
        run.converted.report.entries()
    );
    run.validate();
}

#[test]
fn a_link_alias_to_a_service_without_a_service_is_reported() {
    let run = run("link-without-service");
    assert!(!run.service_names().contains(&"monitor"));
    assert!(
        run.converted
            .report
            .entries()
            .iter()
            .any(|e| e.key == "links"
                && e.message
                    .contains("the alias `monitor` resolves to nothing")),
        "{:?}",
        run.converted.report.entries()
    );
}
