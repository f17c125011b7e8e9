//! The Kubernetes API's field rules, checked in Rust on the emitted objects (independently of
//! `validate-k8s`): names are DNS labels, label keys and values are valid, port names are
//! unique IANA names, every mount names a Pod volume and every reference an object, restart
//! policies suit the controller, every Service selects a Pod template, and no object is
//! emitted twice.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::fixtures::{Fixture, app_name, convert_file, corpus_files};

fn is_dns1123_label(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

fn is_dns1035_label(name: &str) -> bool {
    is_dns1123_label(name) && name.starts_with(|c: char| c.is_ascii_lowercase())
}

fn is_dns1123_subdomain(name: &str) -> bool {
    name.len() <= 253 && name.split('.').all(is_dns1123_label)
}

/// A label value: at most 63 characters of `A-Za-z0-9-_.`, alphanumeric at both ends (or empty).
fn is_label_value(value: &str) -> bool {
    value.is_empty()
        || (value.len() <= 63
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && value.starts_with(|c: char| c.is_ascii_alphanumeric())
            && value.ends_with(|c: char| c.is_ascii_alphanumeric()))
}

/// A label or annotation key: an optional DNS subdomain prefix and `/`, and a name that is a
/// non-empty label value.
fn is_label_key(key: &str) -> bool {
    let (prefix, name) = key.rsplit_once('/').unwrap_or(("", key));
    (prefix.is_empty() || is_dns1123_subdomain(prefix)) && !name.is_empty() && is_label_value(name)
}

/// An IANA service name: at most 15 characters of `a-z0-9-`, a letter, no `--`, no `-` at
/// either end.
fn is_iana_name(name: &str) -> bool {
    name.len() <= 15
        && is_dns1123_label(name)
        && name.chars().any(|c| c.is_ascii_lowercase())
        && !name.contains("--")
}

fn strings(value: &Value) -> Vec<(&str, &Value)> {
    value
        .as_object()
        .map(|m| m.iter().map(|(k, v)| (k.as_str(), v)).collect())
        .unwrap_or_default()
}

fn kind(object: &Value) -> &str {
    object["kind"].as_str().unwrap_or_default()
}

fn name(object: &Value) -> &str {
    object["metadata"]["name"].as_str().unwrap_or_default()
}

fn namespace(object: &Value) -> &str {
    object["metadata"]["namespace"].as_str().unwrap_or_default()
}

/// The Pod template of a workload.
fn template(object: &Value) -> Option<&Value> {
    match kind(object) {
        "Deployment" | "StatefulSet" | "DaemonSet" | "Job" => Some(&object["spec"]["template"]),
        "CronJob" => Some(&object["spec"]["jobTemplate"]["spec"]["template"]),
        _ => None,
    }
}

/// Every field rule broken by a set of objects. `existing` are objects the cluster already has
/// (external secrets and configs).
pub fn problems(objects: &[Value], existing: &[Value]) -> Vec<String> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    let present: BTreeSet<(String, String, String)> = objects
        .iter()
        .chain(existing)
        .map(|o| {
            (
                kind(o).to_owned(),
                namespace(o).to_owned(),
                name(o).to_owned(),
            )
        })
        .collect();
    for object in objects {
        let at = format!("{}/{}", kind(object), name(object));
        if !seen.insert((kind(object), namespace(object), name(object))) {
            out.push(format!("{at}: emitted twice"));
        }
        let valid_name = match kind(object) {
            "Service" => is_dns1035_label(name(object)),
            "Namespace" => is_dns1123_label(name(object)),
            _ => is_dns1123_subdomain(name(object)),
        };
        if !valid_name {
            out.push(format!(
                "{at}: the name is not valid for a {}",
                kind(object)
            ));
        }
        metadata(&at, &object["metadata"], &mut out);
        if let Some(template) = template(object) {
            pod_template(&at, object, template, &present, &mut out);
        }
        match kind(object) {
            "Service" => service(&at, object, objects, &mut out),
            "HorizontalPodAutoscaler" => {
                let target = &object["spec"]["scaleTargetRef"];
                let key = (
                    target["kind"].as_str().unwrap_or_default().to_owned(),
                    namespace(object).to_owned(),
                    target["name"].as_str().unwrap_or_default().to_owned(),
                );
                if !present.contains(&key) {
                    out.push(format!(
                        "{at}: scales {}/{}, which is not emitted",
                        key.0, key.2
                    ));
                }
            }
            _ => {}
        }
    }
    out
}

fn metadata(at: &str, metadata: &Value, out: &mut Vec<String>) {
    for (key, value) in strings(&metadata["labels"]) {
        if !is_label_key(key) {
            out.push(format!("{at}: label key {key:?} is invalid"));
        }
        if !value.as_str().is_some_and(is_label_value) {
            out.push(format!("{at}: label value {value} of {key:?} is invalid"));
        }
    }
    for (key, value) in strings(&metadata["annotations"]) {
        if !is_label_key(key) {
            out.push(format!("{at}: annotation key {key:?} is invalid"));
        }
        if !value.is_string() {
            out.push(format!("{at}: annotation {key:?} is not a string"));
        }
    }
}

fn pod_template(
    at: &str,
    object: &Value,
    template: &Value,
    present: &BTreeSet<(String, String, String)>,
    out: &mut Vec<String>,
) {
    metadata(&format!("{at} template"), &template["metadata"], out);
    let labels = &template["metadata"]["labels"];
    for (key, value) in strings(&object["spec"]["selector"]["matchLabels"]) {
        if labels[key] != *value {
            out.push(format!(
                "{at}: the selector's {key:?} is not a label of its Pods"
            ));
        }
    }
    let pod = &template["spec"];
    let restart = pod["restartPolicy"].as_str();
    match kind(object) {
        "Job" | "CronJob" if !matches!(restart, Some("OnFailure" | "Never")) => {
            out.push(format!(
                "{at}: restartPolicy {restart:?} (a Job needs OnFailure or Never)"
            ));
        }
        "Deployment" | "StatefulSet" | "DaemonSet" if !matches!(restart, None | Some("Always")) => {
            out.push(format!("{at}: restartPolicy {restart:?} (only Always)"));
        }
        _ => {}
    }
    for (key, value) in strings(&pod["nodeSelector"]) {
        if !is_label_key(key) || !value.as_str().is_some_and(is_label_value) {
            out.push(format!("{at}: node selector {key:?}: {value} is invalid"));
        }
    }
    let volumes: Vec<&str> = pod["volumes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| v["name"].as_str().unwrap_or_default())
        .collect();
    let unique: BTreeSet<&&str> = volumes.iter().collect();
    if unique.len() != volumes.len() {
        out.push(format!("{at}: two Pod volumes have one name"));
    }
    for volume in pod["volumes"].as_array().into_iter().flatten() {
        let volume_name = volume["name"].as_str().unwrap_or_default();
        if !is_dns1123_label(volume_name) {
            out.push(format!(
                "{at}: volume name {volume_name:?} is not a DNS-1123 label"
            ));
        }
        for (field, referred, key) in [
            (
                "persistentVolumeClaim",
                "PersistentVolumeClaim",
                "claimName",
            ),
            ("configMap", "ConfigMap", "name"),
            ("secret", "Secret", "secretName"),
        ] {
            if let Some(target) = volume[field][key].as_str()
                && volume[field]["optional"] != true
                && !present.contains(&(
                    referred.to_owned(),
                    namespace(object).to_owned(),
                    target.to_owned(),
                ))
                && !claim_template(object, target)
            {
                out.push(format!(
                    "{at}: volume {volume_name:?} needs the missing {referred} {target:?}"
                ));
            }
        }
    }
    let mut container_names = BTreeSet::new();
    for list in ["initContainers", "containers"] {
        for container in pod[list].as_array().into_iter().flatten() {
            let container_name = container["name"].as_str().unwrap_or_default();
            let at = format!("{at} {list}[{container_name}]");
            if !is_dns1123_label(container_name) {
                out.push(format!("{at}: the name is not a DNS-1123 label"));
            }
            if !container_names.insert(container_name) {
                out.push(format!("{at}: two containers have this name"));
            }
            container_fields(&at, list, container, &volumes, object, present, out);
        }
    }
    if pod["containers"].as_array().is_none_or(Vec::is_empty) {
        out.push(format!("{at}: the Pod has no container"));
    }
}

/// Whether a StatefulSet makes the claim from one of its templates.
fn claim_template(object: &Value, claim: &str) -> bool {
    object["spec"]["volumeClaimTemplates"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|t| t["metadata"]["name"] == claim)
}

fn container_fields(
    at: &str,
    list: &str,
    container: &Value,
    volumes: &[&str],
    object: &Value,
    present: &BTreeSet<(String, String, String)>,
    out: &mut Vec<String>,
) {
    let mut paths = BTreeSet::new();
    for mount in container["volumeMounts"].as_array().into_iter().flatten() {
        let volume = mount["name"].as_str().unwrap_or_default();
        if !volumes.contains(&volume) {
            out.push(format!("{at}: the mount {volume:?} names no Pod volume"));
        }
        if !paths.insert(mount["mountPath"].as_str().unwrap_or_default()) {
            out.push(format!("{at}: two mounts at {}", mount["mountPath"]));
        }
    }
    let mut port_names = BTreeSet::new();
    for port in container["ports"].as_array().into_iter().flatten() {
        if !port["containerPort"]
            .as_i64()
            .is_some_and(|p| (1..=65535).contains(&p))
        {
            out.push(format!(
                "{at}: containerPort {} is out of range",
                port["containerPort"]
            ));
        }
        if let Some(port_name) = port["name"].as_str() {
            if !is_iana_name(port_name) {
                out.push(format!(
                    "{at}: port name {port_name:?} is not an IANA service name"
                ));
            }
            if !port_names.insert(port_name) {
                out.push(format!("{at}: two ports are named {port_name:?}"));
            }
        }
    }
    for source in container["envFrom"].as_array().into_iter().flatten() {
        for (field, referred) in [("configMapRef", "ConfigMap"), ("secretRef", "Secret")] {
            if let Some(target) = source[field]["name"].as_str()
                && source[field]["optional"] != true
                && !present.contains(&(
                    referred.to_owned(),
                    namespace(object).to_owned(),
                    target.to_owned(),
                ))
            {
                out.push(format!(
                    "{at}: envFrom needs the missing {referred} {target:?}"
                ));
            }
        }
    }
    let restart = container["restartPolicy"].as_str();
    if list == "containers" && restart.is_some() {
        out.push(format!("{at}: only init containers have a restartPolicy"));
    }
    if list == "initContainers" && !matches!(restart, None | Some("Always")) {
        out.push(format!(
            "{at}: an init container's restartPolicy can only be Always"
        ));
    }
}

fn service(at: &str, object: &Value, objects: &[Value], out: &mut Vec<String>) {
    let spec = &object["spec"];
    let ports: Vec<&Value> = spec["ports"].as_array().into_iter().flatten().collect();
    let mut names = BTreeSet::new();
    let mut numbers = BTreeSet::new();
    for port in &ports {
        match port["name"].as_str() {
            Some(port_name) => {
                if !is_iana_name(port_name) {
                    out.push(format!(
                        "{at}: port name {port_name:?} is not an IANA service name"
                    ));
                }
                if !names.insert(port_name) {
                    out.push(format!("{at}: two ports are named {port_name:?}"));
                }
            }
            None if ports.len() > 1 => out.push(format!("{at}: a port of several has no name")),
            None => {}
        }
        if !numbers.insert((port["port"].as_i64(), port["protocol"].as_str())) {
            out.push(format!(
                "{at}: port {} {} twice",
                port["port"], port["protocol"]
            ));
        }
    }
    if ports.is_empty() && spec["clusterIP"] != "None" {
        out.push(format!("{at}: a Service without ports must be headless"));
    }
    let selector: BTreeMap<&str, &Value> = strings(&spec["selector"]).into_iter().collect();
    for (key, value) in &selector {
        if !is_label_key(key) || !value.as_str().is_some_and(is_label_value) {
            out.push(format!("{at}: selector {key:?}: {value} is invalid"));
        }
    }
    let selects = objects.iter().any(|o| {
        namespace(o) == namespace(object)
            && template(o).is_some_and(|t| {
                selector
                    .iter()
                    .all(|(k, v)| t["metadata"]["labels"][*k] == **v)
            })
    });
    if !selector.is_empty() && !selects {
        out.push(format!("{at}: the selector matches no Pod template"));
    }
}

/// Objects listed in a fixture's `cluster.yaml`.
fn existing(fixture: &Fixture) -> Vec<Value> {
    let text = fixture.cluster_objects();
    serde_saphyr::from_multiple::<Value>(&text).expect("cluster.yaml is YAML")
}

#[test]
fn fixture_outputs_follow_the_api_field_rules() {
    let mut failures = Vec::new();
    for fixture in Fixture::all() {
        let output = fixture.convert();
        if !output.errors().is_empty() {
            continue;
        }
        for problem in problems(&output.values(), &existing(&fixture)) {
            failures.push(format!("{}: {problem}", fixture.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn corpus_outputs_follow_the_api_field_rules() {
    let mut failures = Vec::new();
    for file in corpus_files() {
        let output = convert_file(&file, &[], indexmap::IndexMap::new());
        assert!(
            output.errors().is_empty(),
            "{}: {:?}",
            file.display(),
            output.errors()
        );
        for problem in problems(&output.values(), &[]) {
            failures.push(format!("{}: {problem}", app_name(&file)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn only_the_error_policy_fixture_fails_to_convert() {
    let failing: Vec<String> = Fixture::all()
        .into_iter()
        .filter(|f| !f.convert().errors().is_empty())
        .map(|f| f.name)
        .collect();
    assert_eq!(failing, ["bind-error"]);
}

#[test]
fn the_field_rules_catch_broken_objects() {
    let broken: Value = serde_json::json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "Web_1", "labels": {"app": "not valid!"}},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "other"}},
                "spec": {
                    "restartPolicy": "Never",
                    "containers": [{
                        "name": "web",
                        "image": "nginx",
                        "ports": [{"containerPort": 80, "name": "http-port-number-80"}],
                        "volumeMounts": [{"name": "data", "mountPath": "/data"}],
                    }],
                },
            },
        },
    });
    let service: Value = serde_json::json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "1web"},
        "spec": {"selector": {"app": "nothing"}, "ports": [{"port": 80}, {"port": 81}]},
    });
    let found = problems(&[broken.clone(), broken, service], &[]).join("\n");
    for expected in [
        "emitted twice",
        "the name is not valid for a Deployment",
        "label value",
        "is not a label of its Pods",
        "restartPolicy Some(\"Never\")",
        "is not an IANA service name",
        "names no Pod volume",
        "the name is not valid for a Service",
        "a port of several has no name",
        "the selector matches no Pod template",
    ] {
        assert!(found.contains(expected), "{expected:?} not in:\n{found}");
    }
}

#[test]
fn names_follow_the_dns_rules() {
    assert!(is_dns1123_label("web-1"));
    assert!(!is_dns1123_label("-web"));
    assert!(!is_dns1035_label("1web"));
    assert!(is_dns1123_subdomain("a.b-c"));
    assert!(is_label_key("app.kubernetes.io/name"));
    assert!(!is_label_key("app.kubernetes.io/"));
    assert!(is_iana_name("http"));
    assert!(!is_iana_name("http--x"));
    assert!(!is_iana_name("8080"));
    assert!(!is_iana_name("a-very-long-port-name"));
}
