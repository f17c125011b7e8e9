//! One snapshot per translation rule: the YAML `convert` prints for the rule's fixture, headed
//! by the translation report (as `#` comments), so that both the objects and the notes of
//! each rule are pinned. Each test also states the rule's point in one or two assertions.

use serde_json::{Value, json};

use crate::fixtures::{Fixture, Output, relative};

/// Converts a fixture and compares the report and YAML with `tests/snapshots/<name>.snap`.
fn snapshot(name: &str) -> Output {
    let fixture = Fixture::named(name);
    let output = fixture.convert();
    let mut text = String::new();
    for line in output.report_lines(&fixture.dir) {
        text.push_str("# ");
        text.push_str(&line);
        text.push('\n');
    }
    text.push_str(&relative(&output.yaml, &fixture.dir));
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_description(
        format!(
            "compose2kube convert -f tests/fixtures/convert/{name}/compose.yaml {}",
            fixture.args.join(" ")
        )
        .trim_end()
        .to_owned(),
    );
    settings.bind(|| insta::assert_snapshot!(name, text));
    output
}

/// The object of that kind and name.
fn object(output: &Output, kind: &str, name: &str) -> Value {
    output
        .values()
        .into_iter()
        .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name} in\n{}", output.yaml))
}

/// The kinds and names of all objects, in order.
fn inventory(output: &Output) -> Vec<String> {
    output
        .values()
        .iter()
        .map(|o| {
            format!(
                "{}/{}",
                o["kind"].as_str().unwrap_or_default(),
                o["metadata"]["name"].as_str().unwrap_or_default()
            )
        })
        .collect()
}

/// The Pod spec of a workload of any kind.
fn pod(output: &Output, kind: &str, name: &str) -> Value {
    let workload = object(output, kind, name);
    let template = if kind == "CronJob" {
        &workload["spec"]["jobTemplate"]["spec"]["template"]
    } else {
        &workload["spec"]["template"]
    };
    template["spec"].clone()
}

/// The (main or init) container of that name, in whichever workload has it.
fn container(output: &Output, name: &str) -> Value {
    for workload in output.values() {
        let spec = if workload["kind"] == "CronJob" {
            &workload["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        } else {
            &workload["spec"]["template"]["spec"]
        };
        for list in ["containers", "initContainers"] {
            if let Some(found) = spec[list]
                .as_array()
                .and_then(|cs| cs.iter().find(|c| c["name"] == name))
            {
                return found.clone();
            }
        }
    }
    panic!("no container {name} in\n{}", output.yaml)
}

/// Whether a diagnostic of the report says `needle` in its message or its help.
fn reported(output: &Output, needle: &str) -> bool {
    output.diagnostics.iter().any(|d| {
        d.message.contains(needle) || d.help.as_deref().is_some_and(|h| h.contains(needle))
    })
}

#[test]
fn every_fixture_has_a_snapshot() {
    let dir = crate::fixtures::crate_root().join("tests/snapshots");
    let missing: Vec<String> = Fixture::all()
        .into_iter()
        .map(|f| f.name)
        .filter(|name| !dir.join(format!("{name}.snap")).is_file())
        .collect();
    assert!(
        missing.is_empty(),
        "fixtures without a snapshot: {missing:?}"
    );
}

// Workloads

#[test]
fn a_long_running_service_is_a_deployment_with_a_service() {
    let out = snapshot("deployment");
    assert_eq!(inventory(&out), ["Service/web", "Deployment/web"]);
}

#[test]
fn global_mode_becomes_a_daemon_set() {
    let out = snapshot("daemonset-global");
    assert_eq!(
        pod(&out, "DaemonSet", "agent")["restartPolicy"],
        Value::Null
    );
}

#[test]
fn one_shot_services_are_jobs_with_their_retries() {
    let out = snapshot("job-restart");
    let backoff = |name: &str| object(&out, "Job", name)["spec"]["backoffLimit"].clone();
    assert_eq!(backoff("once"), 0);
    assert_eq!(backoff("retry"), 3);
    assert_eq!(backoff("policy"), 2);
    assert_eq!(backoff("never"), 0);
    assert_eq!(pod(&out, "Job", "once")["restartPolicy"], "Never");
    assert_eq!(pod(&out, "Job", "retry")["restartPolicy"], "OnFailure");
    assert_eq!(pod(&out, "Job", "policy")["restartPolicy"], "OnFailure");
}

#[test]
fn a_schedule_label_makes_a_cron_job() {
    let out = snapshot("cronjob");
    let spec = &object(&out, "CronJob", "backup")["spec"];
    assert_eq!(spec["schedule"], "*/5 * * * *");
    assert_eq!(spec["concurrencyPolicy"], "Forbid");
    assert_eq!(spec["jobTemplate"]["spec"]["backoffLimit"], 2);
}

#[test]
fn a_statefulset_label_gives_claim_templates_and_a_headless_service() {
    let out = snapshot("statefulset-label");
    let spec = &object(&out, "StatefulSet", "db")["spec"];
    assert_eq!(spec["serviceName"], "db-headless");
    assert_eq!(spec["volumeClaimTemplates"][0]["metadata"]["name"], "data");
    assert_eq!(
        object(&out, "Service", "db-headless")["spec"]["clusterIP"],
        "None"
    );
    assert!(!inventory(&out).contains(&"PersistentVolumeClaim/data".to_owned()));
}

#[test]
fn the_controller_flag_makes_statefulsets() {
    let out = snapshot("statefulset-flag");
    let spec = &object(&out, "StatefulSet", "cache")["spec"];
    assert_eq!(
        spec["volumeClaimTemplates"][0]["metadata"]["name"],
        "cache-data"
    );
}

#[test]
fn replicas_come_from_deploy_then_scale_then_the_flag() {
    let out = snapshot("replicas");
    let replicas = |name: &str| object(&out, "Deployment", name)["spec"]["replicas"].clone();
    assert_eq!(replicas("api"), 3);
    assert_eq!(replicas("worker"), 2);
    assert_eq!(replicas("single"), 4);
}

#[test]
fn update_config_becomes_the_rolling_update() {
    let out = snapshot("update-config");
    let strategy = |name: &str| object(&out, "Deployment", name)["spec"]["strategy"].clone();
    assert_eq!(
        strategy("start-first"),
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 2, "maxUnavailable": 0}})
    );
    assert_eq!(
        strategy("stop-first"),
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}})
    );
    assert!(reported(&out, "Deployments have no such setting"));
}

#[test]
fn a_read_write_once_claim_forces_recreate() {
    let out = snapshot("recreate-rwo");
    assert_eq!(
        object(&out, "Deployment", "db")["spec"]["strategy"],
        json!({"type": "Recreate"})
    );
}

// Containers

#[test]
fn a_build_only_service_runs_the_image_compose_would_build() {
    let out = snapshot("image-build-only");
    assert_eq!(container(&out, "app")["image"], "image-build-only-app");
    assert_eq!(
        container(&out, "tagged")["image"],
        "registry.example.com/tagged:1.0"
    );
    assert!(reported(&out, "the cluster cannot build images"));
}

#[test]
fn commands_keep_dollars_literal_for_kubernetes() {
    let out = snapshot("command-entrypoint");
    let list = container(&out, "list");
    assert_eq!(list["command"], json!(["/bin/sh", "-c"]));
    assert_eq!(list["args"], json!(["echo $HOME and $$(date)"]));
    let string = container(&out, "string");
    assert_eq!(
        string["command"],
        json!(["/docker-entrypoint.sh", "--verbose"])
    );
    assert_eq!(
        string["args"],
        json!(["echo", "hello world", "single quoted"])
    );
    assert_eq!(container(&out, "empty")["args"], Value::Null);
}

#[test]
fn environment_values_come_from_the_file_or_the_environment() {
    let out = snapshot("environment");
    let env = container(&out, "list")["env"].clone();
    assert_eq!(
        env,
        json!([
            {"name": "MODE", "value": "production"},
            {"name": "C2K_FROM_ENV", "value": "from-the-environment"},
            {"name": "PRICE", "value": "$5 and $$(cost)"},
        ])
    );
    assert!(reported(
        &out,
        "`C2K_NOT_SET` takes its value from the environment"
    ));
}

#[test]
fn env_files_become_a_config_map_and_environment_wins() {
    let out = snapshot("env-file");
    let data = &object(&out, "ConfigMap", "web-env")["data"];
    assert_eq!(data["COLOR"], "blue");
    let web = container(&out, "web");
    assert_eq!(web["envFrom"][0]["configMapRef"]["name"], "web-env");
    // `env` entries override `envFrom` in Kubernetes, as `environment` overrides `env_file`.
    assert_eq!(
        web["env"],
        json!([{"name": "LEVEL", "value": "from-environment"}])
    );
}

#[test]
fn security_settings_become_security_contexts() {
    let out = snapshot("security");
    let numeric = container(&out, "numeric");
    assert_eq!(numeric["securityContext"]["runAsUser"], 1000);
    assert_eq!(numeric["securityContext"]["runAsGroup"], 2000);
    assert_eq!(
        numeric["securityContext"]["capabilities"],
        json!({"add": ["NET_ADMIN", "SYS_TIME"], "drop": ["ALL"]})
    );
    assert_eq!(
        pod(&out, "Deployment", "numeric")["securityContext"]["supplementalGroups"],
        json!([3000])
    );
    assert_eq!(
        container(&out, "named")["securityContext"]["privileged"],
        true
    );
    assert!(reported(&out, "the user name `nobody` is dropped"));
    assert!(reported(&out, "`audio` is dropped"));
}

#[test]
fn process_settings_go_to_the_container_and_its_pod() {
    let out = snapshot("process");
    let spec = pod(&out, "Deployment", "app");
    assert_eq!(spec["hostname"], "app");
    assert_eq!(spec["hostPID"], true);
    assert_eq!(spec["hostIPC"], true);
    assert_eq!(spec["terminationGracePeriodSeconds"], 90);
    assert_eq!(spec["containers"][0]["workingDir"], "/srv/app");
    assert_eq!(spec["containers"][0]["tty"], true);
    assert!(reported(&out, "a Pod's domain is set by its namespace"));
}

#[test]
fn extra_hosts_and_dns_become_host_aliases_and_dns_config() {
    let out = snapshot("hosts-dns");
    let spec = pod(&out, "Deployment", "app");
    assert_eq!(
        spec["hostAliases"],
        json!([
            {"ip": "10.0.0.5", "hostnames": ["db.internal", "cache.internal"]},
            {"ip": "::1", "hostnames": ["ipv6.internal"]},
        ])
    );
    assert_eq!(
        spec["dnsConfig"]["nameservers"],
        json!(["1.1.1.1", "8.8.8.8"])
    );
    assert!(reported(&out, "`host-gateway` has no fixed address"));
}

#[test]
fn platform_selects_nodes_by_os_and_architecture() {
    let out = snapshot("platform");
    assert_eq!(
        pod(&out, "Deployment", "arm")["nodeSelector"],
        json!({"kubernetes.io/arch": "arm64", "kubernetes.io/os": "linux"})
    );
}

#[test]
fn pull_policy_becomes_image_pull_policy() {
    let out = snapshot("pull-policy");
    let policy = |name: &str| container(&out, name)["imagePullPolicy"].clone();
    assert_eq!(policy("always"), "Always");
    assert_eq!(policy("missing"), "IfNotPresent");
    assert_eq!(policy("never"), "Never");
    assert_eq!(policy("daily"), "Always");
    assert_eq!(policy("build"), Value::Null);
    assert_eq!(policy("label"), "IfNotPresent");
}

#[test]
fn gpu_requests_become_nvidia_gpu_limits() {
    let out = snapshot("gpus");
    let gpus = |name: &str| container(&out, name)["resources"]["limits"]["nvidia.com/gpu"].clone();
    assert_eq!(gpus("all"), "1");
    assert_eq!(gpus("two"), "2");
    assert_eq!(gpus("ids"), "2");
    assert!(reported(
        &out,
        "only GPU requests have a Kubernetes resource"
    ));
}

#[test]
fn values_without_an_equivalent_are_each_reported() {
    let out = snapshot("reported-values");
    for needle in [
        "`clustered` is not a deploy mode",
        "`whenever` is not a restart condition",
        "`sometimes` is not a pull policy",
        "restart without limit",
        "a DaemonSet has no replica count",
        "only a Deployment takes update settings, not a DaemonSet",
        "only a hostPath volume propagates mounts",
    ] {
        assert!(reported(&out, needle), "{needle} not reported");
    }
}

#[test]
fn keys_without_an_equivalent_are_each_reported() {
    let out = snapshot("reported-only");
    for key in [
        "init",
        "ulimits",
        "devices",
        "logging",
        "stop_signal",
        "cgroup",
        "cgroup_parent",
        "oom_kill_disable",
        "oom_score_adj",
        "blkio_config",
        "container_name",
    ] {
        assert!(
            out.diagnostics
                .iter()
                .any(|d| d.message.starts_with(&format!("`{key}` of service"))),
            "`{key}` is not reported"
        );
    }
}

// Resources and placement

#[test]
fn resources_are_written_as_kubernetes_quantities() {
    let out = snapshot("resources");
    assert_eq!(
        container(&out, "deploy")["resources"],
        json!({
            "limits": {"cpu": "500m", "memory": "512Mi"},
            "requests": {"cpu": "250m", "memory": "128Mi"},
        })
    );
    assert_eq!(
        container(&out, "service-level")["resources"],
        json!({
            "limits": {"cpu": "2", "memory": "1Gi"},
            "requests": {"memory": "1536Mi"},
        })
    );
    assert!(reported(&out, "PID limits"));
}

#[test]
fn placement_becomes_node_affinity_and_topology_spread() {
    let out = snapshot("placement");
    let spec = pod(&out, "Deployment", "app");
    let terms = &spec["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
        ["nodeSelectorTerms"][0]["matchExpressions"];
    assert_eq!(
        terms[0],
        json!({"key": "kubernetes.io/hostname", "operator": "In", "values": ["worker-1"]})
    );
    assert_eq!(
        terms[1],
        json!({"key": "disk", "operator": "NotIn", "values": ["hdd"]})
    );
    assert_eq!(spec["topologySpreadConstraints"][0]["topologyKey"], "zone");
    assert!(reported(
        &out,
        "`engine.labels.foo` has no Kubernetes node label"
    ));
}

// Healthchecks

#[test]
fn cmd_healthchecks_run_the_argv() {
    let out = snapshot("healthcheck-cmd");
    let probe = container(&out, "api")["readinessProbe"].clone();
    assert_eq!(
        probe,
        json!({
            "exec": {"command": ["curl", "-f", "http://localhost:8080/health"]},
            "periodSeconds": 10,
            "timeoutSeconds": 2,
            "failureThreshold": 5,
        })
    );
    assert_eq!(container(&out, "api")["livenessProbe"], probe);
}

#[test]
fn cmd_shell_healthchecks_run_in_a_shell() {
    let out = snapshot("healthcheck-shell");
    assert_eq!(
        container(&out, "list")["readinessProbe"]["exec"]["command"],
        json!(["/bin/sh", "-c", "pg_isready -U postgres || exit 1"])
    );
    assert_eq!(
        container(&out, "string")["readinessProbe"]["exec"]["command"],
        json!(["/bin/sh", "-c", "curl -f http://localhost/ || exit 1"])
    );
}

#[test]
fn disabled_healthchecks_give_no_probe() {
    let out = snapshot("healthcheck-disabled");
    for name in ["none", "disabled"] {
        let c = container(&out, name);
        assert_eq!(c["readinessProbe"], Value::Null);
        assert_eq!(c["livenessProbe"], Value::Null);
    }
}

#[test]
fn healthchecks_use_compose_defaults() {
    let out = snapshot("healthcheck-defaults");
    let probe = &container(&out, "api")["livenessProbe"];
    assert_eq!(probe["periodSeconds"], 30);
    assert_eq!(probe["timeoutSeconds"], 30);
    assert_eq!(probe["failureThreshold"], 3);
}

#[test]
fn a_start_period_becomes_a_startup_probe() {
    let out = snapshot("healthcheck-start-period");
    let c = container(&out, "api");
    assert_eq!(c["startupProbe"]["periodSeconds"], 10);
    // 60 s of start period checked every 10 s, then the usual 3 retries.
    assert_eq!(c["startupProbe"]["failureThreshold"], 9);
    assert_eq!(c["readinessProbe"]["timeoutSeconds"], 2);
    assert!(reported(&out, "1.5s becomes 2s"));
}

#[test]
fn a_healthcheck_without_test_is_reported() {
    let out = snapshot("healthcheck-no-test");
    assert_eq!(container(&out, "api")["readinessProbe"], Value::Null);
    assert!(reported(&out, "without `test`"));
}

#[test]
fn kompose_healthcheck_labels_set_the_probes() {
    let out = snapshot("healthcheck-labels");
    let http = container(&out, "http");
    assert_eq!(
        http["livenessProbe"]["httpGet"],
        json!({"path": "/health", "port": 8080})
    );
    assert_eq!(
        http["readinessProbe"]["exec"]["command"],
        json!(["/bin/sh", "-c", "curl -f http://localhost:8080/ready"])
    );
    let tcp = container(&out, "tcp");
    assert_eq!(tcp["livenessProbe"]["tcpSocket"]["port"], 3306);
    assert_eq!(tcp["readinessProbe"], Value::Null);
}

// Ports and Services

#[test]
fn short_ports_answer_on_their_container_and_published_numbers() {
    let out = snapshot("ports-short");
    let ports = object(&out, "Service", "app")["spec"]["ports"].clone();
    let pairs: Vec<(i64, i64, String)> = ports
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["port"].as_i64().unwrap(),
                p["targetPort"].as_i64().unwrap(),
                p["protocol"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(pairs.contains(&(80, 80, "TCP".into())));
    assert!(pairs.contains(&(8080, 80, "TCP".into())));
    assert!(pairs.contains(&(53, 53, "UDP".into())));
    assert!(pairs.contains(&(9001, 9001, "TCP".into())));
    assert!(pairs.contains(&(3000, 3000, "TCP".into())));
    assert!(reported(&out, "bound to 127.0.0.1"));
}

#[test]
fn long_ports_keep_name_and_app_protocol() {
    let out = snapshot("ports-long");
    let ports = &object(&out, "Service", "app")["spec"]["ports"];
    assert_eq!(
        ports[0],
        json!({"name": "web", "port": 80, "targetPort": 80, "protocol": "TCP", "appProtocol": "http"})
    );
    assert_eq!(ports[1]["name"], "web-secure");
    assert_eq!(
        ports[3],
        json!({"name": "tcp-8080", "port": 8080, "targetPort": 80, "protocol": "TCP", "appProtocol": "http"})
    );
    assert!(reported(&out, "`mode: host`"));
}

#[test]
fn the_service_type_label_chooses_the_type() {
    let out = snapshot("service-type-label");
    let spec = |name: &str| object(&out, "Service", name)["spec"].clone();
    assert_eq!(spec("nodeport")["type"], "ClusterIP");
    assert_eq!(spec("nodeport-published")["type"], "NodePort");
    assert_eq!(spec("loadbalancer-published")["type"], "LoadBalancer");
    assert_eq!(
        spec("loadbalancer-published")["externalTrafficPolicy"],
        "Local"
    );
    assert_eq!(spec("loadbalancer")["externalTrafficPolicy"], Value::Null);
    assert_eq!(spec("headless")["clusterIP"], "None");
    assert_eq!(spec("headless")["externalTrafficPolicy"], Value::Null);
    assert!(reported(&out, "only a NodePort or LoadBalancer Service"));
}

#[test]
fn the_service_type_flag_applies_to_published_ports() {
    let out = snapshot("service-type-flag");
    assert_eq!(
        object(&out, "Service", "public-published")["spec"]["type"],
        "NodePort"
    );
    assert_eq!(
        object(&out, "Service", "public")["spec"]["type"],
        "ClusterIP"
    );
    assert_eq!(
        object(&out, "Service", "internal")["spec"]["type"],
        "ClusterIP"
    );
    assert!(!out.yaml.contains("internal-published"));
}

#[test]
fn the_nodeport_label_fixes_the_node_port() {
    let out = snapshot("nodeport-label");
    assert_eq!(
        object(&out, "Service", "web-published")["spec"]["ports"][0]["nodePort"],
        30080
    );
}

#[test]
fn a_load_balancer_can_mix_protocols() {
    let out = snapshot("loadbalancer-mixed");
    let spec = object(&out, "Service", "dns-published")["spec"].clone();
    assert_eq!(spec["type"], "LoadBalancer");
    let protocols: Vec<&str> = spec["ports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["protocol"].as_str().unwrap())
        .collect();
    assert_eq!(protocols, ["TCP", "UDP", "TCP"]);
}

#[test]
fn expose_ports_are_service_ports() {
    let out = snapshot("expose");
    let ports = &object(&out, "Service", "backend")["spec"]["ports"];
    assert_eq!(ports.as_array().unwrap().len(), 4);
    assert_eq!(ports[3]["protocol"], "UDP");
}

#[test]
fn a_service_without_ports_gets_a_headless_service() {
    let out = snapshot("no-ports-headless");
    let spec = object(&out, "Service", "worker")["spec"].clone();
    assert_eq!(spec["clusterIP"], "None");
    assert_eq!(spec["ports"], Value::Null);
}

#[test]
fn the_expose_label_makes_an_ingress() {
    let out = snapshot("ingress");
    let spec = object(&out, "Ingress", "web")["spec"].clone();
    assert_eq!(spec["ingressClassName"], "nginx");
    assert_eq!(
        spec["tls"],
        json!([{"secretName": "example-tls", "hosts": ["example.com", "www.example.com"]}])
    );
    assert_eq!(spec["rules"][1]["http"]["paths"][0]["path"], "/app");
    assert_eq!(
        spec["rules"][0]["http"]["paths"][0]["backend"]["service"],
        json!({"name": "web", "port": {"number": 80}})
    );
    assert_eq!(
        object(&out, "Ingress", "any")["spec"]["rules"][0]["host"],
        Value::Null
    );
    assert!(reported(&out, "no port to route to"));
}

#[test]
fn traefik_routers_become_ingresses_with_the_named_controllers_annotations() {
    let out = snapshot("traefik-ingress");
    let app = object(&out, "Ingress", "app");
    assert_eq!(
        app["metadata"]["annotations"]["nginx.ingress.kubernetes.io/rewrite-target"],
        "/$2"
    );
    assert_eq!(
        app["metadata"]["annotations"]["cert-manager.io/cluster-issuer"],
        "letsencrypt"
    );
    assert_eq!(
        app["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"],
        json!({"name": "app", "port": {"number": 9091}})
    );
    assert_eq!(
        object(&out, "Service", "app")["spec"]["ports"][0]["port"],
        9091
    );
    assert!(
        !inventory(&out).iter().any(|o| o.ends_with("/traefik")),
        "the proxy is left out"
    );
    assert!(reported(&out, "the Traefik proxy is left out"));
    assert!(reported(&out, "also matches headers"));
    assert!(reported(&out, "`auth@file` is defined outside"));
}

#[test]
fn traefik_routers_become_http_routes_with_matches_and_filters() {
    let out = snapshot("traefik-gateway");
    let api = object(&out, "HTTPRoute", "api");
    assert_eq!(api["apiVersion"], "gateway.networking.k8s.io/v1");
    assert_eq!(
        api["spec"]["parentRefs"],
        json!([{"name": "web", "namespace": "infra"}])
    );
    let rule = &api["spec"]["rules"][0];
    assert_eq!(rule["matches"].as_array().map(Vec::len), Some(2));
    assert_eq!(rule["filters"][0]["type"], "URLRewrite");
    let redirect = object(&out, "HTTPRoute", "api-to-https");
    assert_eq!(redirect["spec"]["hostnames"], json!(["*.example.com"]));
    assert_eq!(
        redirect["spec"]["rules"][0]["filters"][0]["requestRedirect"],
        json!({"scheme": "https", "statusCode": 301})
    );
    assert_eq!(redirect["spec"]["rules"][0]["backendRefs"], Value::Null);
    assert!(reported(&out, "negates a condition"));
    assert!(reported(
        &out,
        "`ClientIP` has no Ingress or HTTPRoute equivalent"
    ));
}

#[test]
fn caddy_sites_become_ingresses_by_default() {
    let out = snapshot("caddy-labels");
    let whoami = object(&out, "Ingress", "whoami");
    assert_eq!(whoami["spec"]["rules"][0]["host"], "whoami.example.com");
    assert_eq!(whoami["spec"]["tls"][0]["secretName"], "whoami-tls");
    let files = object(&out, "Ingress", "files");
    assert_eq!(files["spec"]["rules"][0]["http"]["paths"][0]["path"], "/dl");
    assert_eq!(files["spec"]["tls"], Value::Null, "http:// has no TLS");
    assert!(reported(&out, "has no `reverse_proxy`"));
    assert!(reported(&out, "the Caddy proxy is kept"), "by default");
}

#[test]
fn the_x_kubernetes_expose_block_makes_an_ingress() {
    let out = snapshot("x-kubernetes-expose");
    let web = object(&out, "Ingress", "web");
    assert_eq!(web["spec"]["ingressClassName"], "nginx");
    assert_eq!(web["spec"]["tls"][0]["secretName"], "shop-tls");
    assert_eq!(
        web["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-body-size"],
        "10m"
    );
    assert!(reported(&out, "declares several ports (3000, 3001)"));
    assert!(reported(&out, "reads only `expose` from `x-kubernetes`"));
}

// Volumes

#[test]
fn a_named_volume_is_one_claim_sized_by_its_labels() {
    let out = snapshot("named-volume");
    let spec = object(&out, "PersistentVolumeClaim", "pg-data")["spec"].clone();
    assert_eq!(spec["resources"]["requests"]["storage"], "5Gi");
    assert_eq!(spec["storageClassName"], "fast");
    assert_eq!(spec["accessModes"], json!(["ReadWriteOnce"]));
}

#[test]
fn a_volume_mounted_by_several_pods_is_read_write_many() {
    let out = snapshot("shared-volume-rwx");
    assert_eq!(
        object(&out, "PersistentVolumeClaim", "shared")["spec"]["accessModes"],
        json!(["ReadWriteMany"])
    );
    assert_eq!(
        container(&out, "reader")["volumeMounts"][0]["readOnly"],
        true
    );
    assert!(reported(&out, "ReadWriteMany"));
}

#[test]
fn bind_mounts_by_default_copy_small_files_and_claim_the_rest() {
    let out = snapshot("bind-auto");
    assert!(inventory(&out).contains(&"ConfigMap/web-app-conf".to_owned()));
    assert!(inventory(&out).contains(&"ConfigMap/web-html".to_owned()));
    assert!(inventory(&out).contains(&"PersistentVolumeClaim/web-bind-2".to_owned()));
    let mounts = container(&out, "web")["volumeMounts"].clone();
    assert_eq!(mounts[0]["subPath"], "file.content");
}

#[test]
fn bind_mounts_as_config_maps_report_what_cannot_be_copied() {
    let out = snapshot("bind-configmap");
    assert!(reported(
        &out,
        "does not exist or is too large for a ConfigMap"
    ));
    assert_eq!(
        container(&out, "web")["volumeMounts"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn bind_mounts_as_host_paths() {
    let out = snapshot("bind-hostpath");
    let volumes = pod(&out, "Deployment", "web")["volumes"].clone();
    assert!(
        volumes
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v["hostPath"].is_object())
    );
    assert_eq!(volumes[3]["hostPath"]["type"], "DirectoryOrCreate");
}

#[test]
fn bind_mounts_as_empty_claims() {
    let out = snapshot("bind-pvc");
    let claims: Vec<String> = inventory(&out)
        .into_iter()
        .filter(|o| o.starts_with("PersistentVolumeClaim/"))
        .collect();
    assert_eq!(claims.len(), 3);
    assert!(reported(&out, "the host's files are not copied"));
}

#[test]
fn bind_mounts_are_errors_when_asked() {
    let out = snapshot("bind-error");
    assert_eq!(out.errors().len(), 3, "{:?}", out.errors());
}

#[test]
fn the_docker_socket_is_a_host_path_with_a_warning() {
    let out = snapshot("docker-sock");
    assert_eq!(
        pod(&out, "Deployment", "portainer")["volumes"][0]["hostPath"]["path"],
        "/var/run/docker.sock"
    );
    assert!(reported(
        &out,
        "the Pod controls the node's container runtime"
    ));
}

#[test]
fn tmpfs_is_a_memory_empty_dir_with_a_size_limit() {
    let out = snapshot("tmpfs");
    let volumes = pod(&out, "Deployment", "app")["volumes"].clone();
    let by_mount = |path: &str| {
        let mount = container(&out, "app")["volumeMounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["mountPath"] == path)
            .unwrap_or_else(|| panic!("no mount at {path}"))
            .clone();
        volumes
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["name"] == mount["name"])
            .unwrap()["emptyDir"]
            .clone()
    };
    assert_eq!(by_mount("/run"), json!({"medium": "Memory"}));
    assert_eq!(
        by_mount("/tmp"),
        json!({"medium": "Memory", "sizeLimit": "64Mi"})
    );
    assert_eq!(
        by_mount("/cache"),
        json!({"medium": "Memory", "sizeLimit": "100Mi"})
    );
    assert_eq!(
        by_mount("/dev/shm"),
        json!({"medium": "Memory", "sizeLimit": "256Mi"})
    );
    assert!(reported(&out, "`mode=1777` cannot be set"));
}

#[test]
fn volumes_from_shares_claims_read_only() {
    let out = snapshot("volumes-from");
    let mounts = container(&out, "app")["volumeMounts"].clone();
    assert_eq!(
        mounts,
        json!([{"name": "app-data", "mountPath": "/data", "readOnly": true}])
    );
    assert!(reported(&out, "lives in its own Pod"));
    assert!(reported(&out, "a container outside the project"));
}

#[test]
fn long_mount_options_carry_over() {
    let out = snapshot("mount-options");
    let mounts = container(&out, "app")["volumeMounts"].clone();
    assert_eq!(
        mounts[0],
        json!({"name": "data", "mountPath": "/srv/data", "readOnly": true, "subPath": "app"})
    );
}

// configs and secrets

#[test]
fn configs_are_config_maps_mounted_as_files() {
    let out = snapshot("configs");
    assert_eq!(
        object(&out, "ConfigMap", "banner")["data"]["banner"],
        "Welcome to from-the-environment\n"
    );
    let mounts = container(&out, "web")["volumeMounts"].clone();
    assert_eq!(mounts[0]["mountPath"], "/site");
    assert_eq!(mounts[1]["mountPath"], "/etc/motd");
    let volumes = pod(&out, "Deployment", "web")["volumes"].clone();
    assert_eq!(volumes[1]["configMap"]["items"][0]["mode"], 0o440);
    assert_eq!(volumes[3]["configMap"]["name"], "cluster-wide-config");
    assert!(!inventory(&out).contains(&"ConfigMap/cluster-wide-config".to_owned()));
}

#[test]
fn secrets_are_files_under_run_secrets() {
    let out = snapshot("secrets");
    let mounts = container(&out, "app")["volumeMounts"].clone();
    assert_eq!(mounts[0]["mountPath"], "/run/secrets/db-password");
    assert_eq!(mounts[1]["mountPath"], "/run/secrets/api_key.txt");
    assert_eq!(mounts[2]["mountPath"], "/etc/tls/cert.pem");
    let volumes = pod(&out, "Deployment", "app")["volumes"].clone();
    assert_eq!(volumes[1]["secret"]["items"][0]["mode"], 0o400);
    assert_eq!(volumes[3]["secret"]["secretName"], "prod-existing");
    assert!(!inventory(&out).contains(&"Secret/prod-existing".to_owned()));
    assert!(reported(&out, "cannot set the owner of a mounted file"));
}

// kompose labels

#[test]
fn kompose_pod_labels_keep_their_meaning() {
    let out = snapshot("kompose-pod-labels");
    let spec = pod(&out, "Deployment", "app");
    assert_eq!(
        spec["imagePullSecrets"],
        json!([{"name": "registry-credentials"}])
    );
    assert_eq!(spec["serviceAccountName"], "app-reader");
    assert_eq!(spec["securityContext"]["fsGroup"], 2000);
    assert_eq!(spec["initContainers"][0]["name"], "wait-for-db");
    assert_eq!(
        spec["initContainers"][0]["command"],
        json!(["sh", "-c", "until nc -z db 5432; do sleep 1; done"])
    );
    assert_eq!(spec["containers"][0]["imagePullPolicy"], "Always");
}

#[test]
fn kompose_hpa_labels_make_an_autoscaler() {
    let out = snapshot("kompose-hpa");
    let spec = object(&out, "HorizontalPodAutoscaler", "api")["spec"].clone();
    assert_eq!(
        spec["scaleTargetRef"],
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"})
    );
    assert_eq!(spec["minReplicas"], 2);
    assert_eq!(spec["maxReplicas"], 8);
    assert_eq!(
        spec["metrics"][0]["resource"]["target"]["averageUtilization"],
        70
    );
    assert_eq!(
        spec["metrics"][1]["resource"]["target"]["averageUtilization"],
        80
    );
    let defaults = object(&out, "HorizontalPodAutoscaler", "defaults")["spec"].clone();
    assert_eq!(defaults["minReplicas"], 1);
    assert_eq!(defaults["maxReplicas"], 5);
}

#[test]
fn the_kompose_volume_type_chooses_what_bind_mounts_become() {
    let out = snapshot("kompose-volume-type");
    let host = pod(&out, "Deployment", "host");
    assert!(
        host["volumes"][0]["hostPath"]["path"]
            .as_str()
            .unwrap()
            .ends_with("/conf")
    );
    let copied = pod(&out, "Deployment", "copied");
    assert!(copied["volumes"][0]["configMap"].is_object(), "{copied}");
    assert!(
        copied["volumes"][1]["persistentVolumeClaim"].is_object(),
        "{copied}"
    );
    assert!(reported(&out, "a named volume stays a claim"));
    assert!(reported(&out, "did you mean `emptyDir`?"));
}

#[test]
fn kompose_volume_labels_on_a_service_shape_its_volumes() {
    let out = snapshot("kompose-volume-labels");
    let claim = object(&out, "PersistentVolumeClaim", "pg-data")["spec"].clone();
    assert_eq!(claim["resources"]["requests"]["storage"], "10Gi");
    assert_eq!(claim["storageClassName"], "ssd");
    assert_eq!(
        container(&out, "db")["volumeMounts"][0]["subPath"],
        "pgdata"
    );
    assert_eq!(
        pod(&out, "Deployment", "cache")["volumes"][0]["emptyDir"],
        json!({})
    );
    assert!(!inventory(&out).contains(&"PersistentVolumeClaim/cache-data".to_owned()));
}

#[test]
fn kompose_ephemeral_storage_labels_are_requests_and_limits() {
    let out = snapshot("kompose-ephemeral-storage");
    assert_eq!(
        container(&out, "app")["resources"],
        json!({
            "limits": {"ephemeral-storage": "2Gi"},
            "requests": {"ephemeral-storage": "1Gi"},
        })
    );
}

#[test]
fn an_unknown_kompose_label_is_reported_with_the_closest_one() {
    let out = snapshot("kompose-unknown-label");
    assert!(reported(&out, "did you mean `kompose.service.type`?"));
    assert!(reported(&out, "did you mean `kompose.volume.size`?"));
    assert!(reported(
        &out,
        "did you mean `kompose.service.healthcheck.liveness.http_get_path`?"
    ));
    assert!(reported(&out, "`kompose.made.up` is not a kompose label"));
}

#[test]
fn compose_labels_become_annotations_and_deploy_labels_workload_labels() {
    let out = snapshot("labels-annotations");
    let metadata = object(&out, "Deployment", "web")["metadata"].clone();
    assert_eq!(metadata["labels"]["tier"], "frontend");
    assert_eq!(metadata["annotations"]["com.example.team"], "frontend");
    assert_eq!(metadata["annotations"]["prometheus.io/scrape"], "true");
    assert_eq!(
        metadata["annotations"]["com.example/owner"],
        "Jane Doe <jane@example.com>"
    );
}

// Real self-hosted stacks (issue 10)

#[test]
fn label_keys_the_api_refuses_are_kept_in_one_json_annotation() {
    let out = snapshot("label-keys");
    let annotations = &object(&out, "Deployment", "auth")["metadata"]["annotations"];
    assert_eq!(annotations["traefik.enable"], "true");
    let kept: serde_json::Map<String, Value> = serde_json::from_str(
        annotations["compose2kube.io/compose-labels"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        kept.keys().map(String::as_str).collect::<Vec<_>>(),
        [
            "caddy.@match.path",
            "traefik.http.middlewares.authelia.forwardAuth.authResponseHeaders",
            "traefik.http.routers.auth.tls.domains[0].main",
            "traefik.http.routers.auth.tls.domains[0].sans",
        ]
    );
    assert_eq!(kept["caddy.@match.path"], "/api/*");
    assert!(reported(&out, "no valid annotation keys"));
}

#[test]
fn an_empty_dns_search_domain_is_left_out() {
    let out = snapshot("dns-search-empty");
    let pod = &object(&out, "Deployment", "app")["spec"]["template"]["spec"];
    assert_eq!(pod["dnsConfig"]["searches"], json!(["example.internal"]));
    assert!(reported(&out, "an empty search domain means none"));
}

#[test]
fn a_secret_from_an_unset_variable_is_mounted_from_a_secret_the_user_creates() {
    let out = snapshot("secret-unset-variable");
    assert!(out.errors().is_empty(), "{:?}", out.errors());
    assert!(!out.yaml.contains("kind: Secret"), "{}", out.yaml);
    let pod = &object(&out, "Deployment", "db")["spec"]["template"]["spec"];
    let volumes = pod["volumes"].as_array().unwrap();
    assert!(
        volumes
            .iter()
            .any(|v| v["secret"]["secretName"] == "db-root-password")
    );
    assert!(volumes.iter().any(|v| v["configMap"]["name"] == "banner"));
    assert!(reported(
        &out,
        "kubectl create secret generic db-root-password --from-literal=db_root_password=\"$C2K_UNSET_PASSWORD\""
    ));
    assert!(reported(
        &out,
        "kubectl create configmap banner --from-literal=banner=\"$C2K_UNSET_BANNER\""
    ));
}

#[test]
fn a_port_without_a_host_port_is_published() {
    let out = snapshot("ports-without-host-port");
    let policy = &object(&out, "NetworkPolicy", "web-published")["spec"];
    assert_eq!(
        policy["ingress"][0]["ports"],
        json!([{"port": 8080, "protocol": "TCP"}])
    );
}

#[test]
fn names_that_are_no_dns_labels_are_rewritten_where_they_are_hosts() {
    let out = snapshot("names-not-dns-labels");
    let app = container(&out, "app");
    let env: Vec<(String, String)> = app["env"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap().to_owned(),
                e["value"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        env,
        [
            (
                "DATABASE_URL".to_owned(),
                "postgres://user:pw@plausible-db:5432/plausible_db".to_owned()
            ),
            (
                "HTTP_PROXY".to_owned(),
                "http://egress-proxy:3128".to_owned()
            ),
        ]
    );
    assert_eq!(
        app["args"],
        json!(["wait-for", "plausible-db:5432", "--", "app"])
    );
    assert_eq!(
        app["readinessProbe"]["exec"]["command"],
        json!(["/bin/sh", "-c", "pg_isready -h plausible-db"])
    );
    // The database's own name stays; its host name does not.
    let db = container(&out, "plausible-db");
    assert_eq!(
        db["env"][0],
        json!({"name": "POSTGRES_DB", "value": "plausible_db"})
    );
    assert_eq!(
        db["env"][1],
        json!({"name": "PGHOST", "value": "plausible-db"})
    );
    assert!(
        out.yaml.contains("server plausible-db:5432;"),
        "{}",
        out.yaml
    );
    assert!(
        out.yaml.contains("/var/log/plausible_db.log"),
        "{}",
        out.yaml
    );
    assert!(reported(&out, "`plausible_db` becomes `plausible-db`"));
    assert!(reported(&out, "rename it to `egress-proxy`"));
}

#[test]
fn init_shares_the_pods_process_namespace() {
    let out = snapshot("init-process");
    let pod = &object(&out, "Deployment", "app")["spec"]["template"]["spec"];
    assert_eq!(pod["shareProcessNamespace"], true);
    assert!(reported(&out, "pause process is PID 1"));
}

#[test]
fn kompose_labels_that_are_no_numbers_are_invalid_labels() {
    let out = snapshot("kompose-invalid-numbers");
    let invalid: Vec<String> = out
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "invalid-label")
        .map(|d| d.message.clone())
        .collect();
    assert_eq!(invalid.len(), 4, "{invalid:#?}");
    for label in [
        "kompose.security-context.fsgroup",
        "kompose.service.healthcheck.liveness.tcp_port",
        "kompose.service.healthcheck.liveness.retries",
        "kompose.cronjob.backoff_limit",
    ] {
        assert!(
            invalid.iter().any(|m| m.contains(label)),
            "{label}: {invalid:#?}"
        );
    }
    let pod = &object(&out, "Deployment", "app")["spec"]["template"]["spec"];
    assert_eq!(pod["securityContext"]["fsGroup"], Value::Null);
}

#[test]
fn a_gpu_request_for_another_driver_is_reported() {
    let out = snapshot("gpus-other-driver");
    assert!(reported(&out, "the `amd` driver is not kept"));
    assert!(reported(
        &out,
        "driver options have no Kubernetes equivalent"
    ));
}

#[test]
fn an_expose_range_too_long_to_declare_is_reported() {
    let out = snapshot("expose-long-range");
    assert!(reported(&out, "the range 10000-20000 has 10001 ports"));
    let container = &object(&out, "Deployment", "sip")["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(container["ports"].as_array().map(Vec::len), Some(1));
}
