//! The real-world projects routed by Traefik or caddy-docker-proxy labels convert with
//! `--expose ingress` and with `--expose gateway` into objects `validate-k8s` accepts (its
//! Gateway API schemas included), and every router is either an object or reported.

use std::path::{Path, PathBuf};

use compose2kube::compose::LoadOptions;
use indexmap::IndexMap;
use serde_json::Value;

use crate::fixtures::{Output, crate_root, on_two_threads, validate};

/// Projects the corpus README names as routed by proxy labels; the scan must find them all.
const KNOWN: [&str; 8] = [
    "appwrite",
    "authelia-traefik",
    "caddy-docker-proxy-swarm",
    "homelab-traefik-include",
    "photoprism-dev",
    "photoprism-traefik",
    "synapse",
    "traefik1-container-netns",
];

fn real_world() -> PathBuf {
    crate_root().join("../shared/corpus/real-world")
}

fn has_proxy_labels(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim_start().trim_start_matches(['-', ' ', '"', '\'']);
        line.starts_with("traefik.") || line.starts_with("caddy:") || line.starts_with("caddy.")
    })
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yml" || e == "yaml") {
            out.push(path);
        }
    }
}

/// The project folders with Traefik or Caddy labels in a Compose file.
fn labelled_projects() -> Vec<PathBuf> {
    let mut projects: Vec<PathBuf> = std::fs::read_dir(real_world())
        .expect("the real-world corpus")
        .flatten()
        .map(|e| e.path())
        .filter(|dir| dir.join("compose.yaml").is_file())
        .filter(|dir| {
            let mut files = Vec::new();
            yaml_files(dir, &mut files);
            files
                .iter()
                .any(|f| std::fs::read_to_string(f).is_ok_and(|t| has_proxy_labels(&t)))
        })
        .collect();
    projects.sort();
    projects
}

fn convert(dir: &Path, args: &[&str]) -> Output {
    let mut options = LoadOptions::for_files([dir.join("compose.yaml")]);
    options.working_dir = dir.to_path_buf();
    // `include: compose/$HOSTNAME/…`, and every service behind a profile.
    options.environment = IndexMap::from([("HOSTNAME".to_owned(), "hs".to_owned())]);
    options.profiles = vec!["*".to_owned()];
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    crate::fixtures::convert_loaded(&options, &args)
}

/// Every `(service, router)` of the project's Traefik router rules.
fn routers(output: &Output) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Some(project) = &output.loaded.project else {
        return out;
    };
    for (name, service) in &project.services {
        let deploy = service.deploy.as_ref().map(|d| &d.rare().labels);
        for labels in [Some(&service.labels), deploy].into_iter().flatten() {
            for key in labels.keys() {
                let key = key.to_ascii_lowercase();
                if let Some(router) = key
                    .strip_prefix("traefik.http.routers.")
                    .and_then(|r| r.strip_suffix(".rule"))
                {
                    out.push((name.value.clone(), router.to_owned()));
                }
            }
        }
    }
    out
}

/// Whether the router became an object of its service, or is reported.
fn accounted_for(output: &Output, service: &str, router: &str, objects: &[Value]) -> bool {
    let label =
        |o: &Value| o["metadata"]["labels"]["app.kubernetes.io/name"].as_str() == Some(service);
    let made = objects
        .iter()
        .any(|o| matches!(o["kind"].as_str(), Some("Ingress" | "HTTPRoute")) && label(o));
    let key = format!("routers.{router}.");
    let reported = output
        .diagnostics
        .iter()
        .any(|d| d.message.to_ascii_lowercase().contains(&key));
    made || reported
}

#[test]
fn labelled_real_world_projects_convert_to_valid_ingresses_and_http_routes() {
    let projects = labelled_projects();
    let names: Vec<String> = projects
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    for known in KNOWN {
        assert!(
            names.iter().any(|n| n == known),
            "{known} not found in {names:?}"
        );
    }
    let runs: Vec<(PathBuf, &str)> = projects
        .iter()
        .flat_map(|p| [(p.clone(), "ingress"), (p.clone(), "gateway")])
        .collect();
    let failures = on_two_threads(&runs, |(dir, mode)| {
        let name = dir.file_name()?.to_string_lossy().into_owned();
        let output = convert(dir, &["--expose", mode, "--gateway", "web/infra"]);
        if !output.errors().is_empty() {
            return Some(format!("{name} --expose {mode}: {:?}", output.errors()));
        }
        let objects = output.values();
        let unaccounted: Vec<String> = routers(&output)
            .into_iter()
            .filter(|(service, router)| !accounted_for(&output, service, router, &objects))
            .map(|(service, router)| format!("{service}/{router}"))
            .collect();
        if !unaccounted.is_empty() {
            return Some(format!(
                "{name} --expose {mode}: routers neither translated nor reported: {unaccounted:?}"
            ));
        }
        let kind = if *mode == "ingress" {
            "Ingress"
        } else {
            "HTTPRoute"
        };
        if !routers(&output).is_empty() || name.starts_with("caddy") {
            let routes = objects.iter().filter(|o| o["kind"] == kind).count();
            if routes == 0 && name != "authelia-traefik" && name != "traefik1-container-netns" {
                return Some(format!("{name} --expose {mode}: no {kind}"));
            }
        }
        validate(&output.yaml)
            .err()
            .map(|report| format!("{name} --expose {mode}:\n{report}"))
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
