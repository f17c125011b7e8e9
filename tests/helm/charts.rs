//! Charts rendered with their default values equal the plain output, pass the validator, and
//! can be installed twice in one namespace.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use compose2kube::compose::{self, LoadOptions};
use compose2kube::diag::Diagnostic;
use compose2kube::emit::Object;
use compose2kube::plan::Plan;
use compose2kube::render::helm::{self, ChartOptions};

use crate::fixtures::{
    Fixture, corpus_files, crate_root, environment, on_two_threads, options_from_args, validate,
};
use crate::render::{ChartDir, Rendered, render_chart, run};

const RELEASE: &str = "rel";

/// A project to make charts of.
#[derive(Clone)]
struct Project {
    label: String,
    file: PathBuf,
    args: Vec<String>,
    /// Objects the cluster already has.
    cluster: String,
}

fn network_fixtures() -> Vec<Project> {
    let dir = crate_root().join("tests/fixtures/network");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| Project {
            file: dir.join(&name).join("compose.yaml"),
            label: format!("network/{name}"),
            args: Vec::new(),
            cluster: String::new(),
        })
        .collect()
}

fn convert_fixtures() -> Vec<Project> {
    Fixture::all()
        .into_iter()
        .map(|f| Project {
            label: format!("convert/{}", f.name),
            file: f.compose_file(),
            cluster: f.cluster_objects(),
            args: f.args,
        })
        .collect()
}

fn corpus() -> Vec<Project> {
    corpus_files()
        .into_iter()
        .map(|file| Project {
            label: format!(
                "corpus/{}",
                file.parent()
                    .unwrap()
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
            ),
            file,
            args: Vec::new(),
            cluster: String::new(),
        })
        .collect()
}

/// The plan and objects of a project, or `None` when it does not convert.
fn convert(project: &Project) -> Option<(Plan, Vec<Object>)> {
    let mut options = LoadOptions::for_files([&project.file]);
    if !project.label.starts_with("corpus/") {
        options.environment = environment();
    }
    if let Some(dir) = project.file.parent() {
        options.working_dir = dir.to_path_buf();
    }
    let loaded = compose::load(&options);
    if compose2kube::check(&loaded)
        .iter()
        .any(Diagnostic::is_error)
    {
        return None;
    }
    let converted = compose2kube::convert(&loaded, &options_from_args(&project.args));
    if converted
        .report
        .to_diagnostics()
        .iter()
        .any(Diagnostic::is_error)
    {
        return None;
    }
    let objects = converted.objects();
    Some((converted.plan, objects))
}

fn chart_files(plan: &Plan, objects: &[Object], inline_secrets: bool) -> BTreeMap<String, String> {
    let options = ChartOptions {
        inline_secrets,
        ..ChartOptions::default()
    };
    helm::chart(plan, objects, &options)
        .unwrap()
        .into_iter()
        .map(|(path, text)| (path.to_string_lossy().into_owned(), text))
        .collect()
}

/// Helm's labels removed, and `<release>-` taken off every name; the documented differences
/// of a chart undone: `managed-by: Helm`, claims kept on uninstall.
fn normalise(value: &mut Value, release: &str) {
    match value {
        Value::Object(map) => {
            map.remove("helm.sh/chart");
            map.remove("app.kubernetes.io/instance");
            if map.get("app.kubernetes.io/managed-by") == Some(&Value::from("Helm")) {
                map.insert("app.kubernetes.io/managed-by".into(), "compose2kube".into());
            }
            if let Some(Value::Object(annotations)) = map.get_mut("annotations") {
                annotations.remove("helm.sh/resource-policy");
                if annotations.is_empty() {
                    map.remove("annotations");
                }
            }
            for value in map.values_mut() {
                normalise(value, release);
            }
            for key in ["labels", "matchLabels"] {
                if map
                    .get(key)
                    .is_some_and(|v| v.as_object().is_some_and(serde_json::Map::is_empty))
                {
                    map.remove(key);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| normalise(v, release)),
        Value::String(text) => {
            let prefix = format!("{release}-");
            if let Some(rest) = text.strip_prefix(&prefix) {
                *text = rest.to_owned();
            }
            *text = text.replace(&format!("job/{prefix}"), "job/");
        }
        _ => {}
    }
}

fn key(value: &Value) -> (String, String) {
    (
        value["kind"].as_str().unwrap_or_default().to_owned(),
        value["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    )
}

fn sorted(mut values: Vec<Value>) -> Vec<Value> {
    values.sort_by_key(key);
    values
}

/// The plain objects the chart should render: no Namespace (Helm installs into one), and no
/// Secrets unless they are inlined.
fn expected(objects: &[Object], inline_secrets: bool) -> Vec<Value> {
    sorted(
        objects
            .iter()
            .filter(|o| !matches!(o, Object::Namespace(_)))
            .filter(|o| inline_secrets || !matches!(o, Object::Secret(_)))
            .map(|o| serde_json::to_value(o).unwrap())
            .collect(),
    )
}

fn render(files: &BTreeMap<String, String>, release: &str) -> Rendered {
    render_chart(files, release, |_| {}).unwrap_or_else(|e| panic!("{e}"))
}

/// The first difference between two lists of objects, for a readable failure.
fn difference(got: &[Value], want: &[Value]) -> Option<String> {
    let got_keys: Vec<_> = got.iter().map(key).collect();
    let want_keys: Vec<_> = want.iter().map(key).collect();
    if got_keys != want_keys {
        return Some(format!("objects {got_keys:?}\nexpected {want_keys:?}"));
    }
    got.iter().zip(want).find(|(g, w)| g != w).map(|(g, w)| {
        format!(
            "{:?} renders\n{}\nexpected\n{}",
            key(g),
            serde_saphyr::to_string(g).unwrap(),
            serde_saphyr::to_string(w).unwrap()
        )
    })
}

/// The chart of a project with default values and the validator's input: the rendered
/// objects, with the Secrets the user creates (named as NOTES.txt says).
fn validation(project: &Project, objects: &[Object], rendered: &Rendered) -> Option<String> {
    let mut stream = String::new();
    for object in &rendered.objects {
        stream.push_str("---\n");
        stream.push_str(&serde_saphyr::to_string(object).unwrap());
    }
    for object in objects.iter().filter(|o| matches!(o, Object::Secret(_))) {
        let mut secret = serde_json::to_value(object).unwrap();
        secret["metadata"]["name"] = Value::String(format!("{RELEASE}-{}", object.name()));
        stream.push_str("---\n");
        stream.push_str(&serde_saphyr::to_string(&secret).unwrap());
    }
    stream.push_str(&project.cluster);
    validate(&stream)
        .err()
        .map(|report| format!("{}:\n{report}", project.label))
}

/// Every project that converts, with its plan and objects.
fn converted() -> Vec<(Project, Plan, Vec<Object>)> {
    every_project()
        .into_iter()
        .filter_map(|p| convert(&p).map(|(plan, objects)| (p, plan, objects)))
        .collect()
}

fn every_project() -> Vec<Project> {
    let mut projects = convert_fixtures();
    projects.extend(network_fixtures());
    projects.extend(corpus());
    projects
}

#[test]
fn default_values_render_the_plain_output() {
    let projects = converted();
    assert!(
        projects.len() > 80,
        "only {} projects convert",
        projects.len()
    );
    let mut charts = Vec::new();
    for (project, plan, objects) in &projects {
        for inline in [true, false] {
            let chart = ChartDir::write(&chart_files(plan, objects, inline));
            charts.push((project, objects, inline, chart));
        }
    }
    let requests: Vec<_> = charts
        .iter()
        .map(|(.., chart)| chart.render(RELEASE, |_| {}))
        .collect();
    let mut failures = Vec::new();
    for ((project, objects, inline, _), answer) in charts.iter().zip(run(&requests)) {
        let mut got = match answer {
            Ok(rendered) => rendered.objects,
            Err(error) => {
                failures.push(format!("{}: {error}", project.label));
                continue;
            }
        };
        for value in &mut got {
            normalise(value, RELEASE);
        }
        if let Some(diff) = difference(&sorted(got), &expected(objects, *inline)) {
            failures.push(format!(
                "{} (inline secrets: {inline}): {diff}",
                project.label
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_rendered_chart_passes_the_validator_and_helm_lint() {
    let projects = converted();
    let charts: Vec<ChartDir> = projects
        .iter()
        .map(|(_, plan, objects)| ChartDir::write(&chart_files(plan, objects, false)))
        .collect();
    let mut requests: Vec<_> = charts.iter().map(|c| c.render(RELEASE, |_| {})).collect();
    requests.extend(charts.iter().map(ChartDir::lint));
    let mut answers = run(&requests);
    let lints = answers.split_off(projects.len());
    let mut failures: Vec<String> = projects
        .iter()
        .zip(lints)
        .filter_map(|((project, ..), lint)| {
            lint.err().map(|e| format!("{}: lint: {e}", project.label))
        })
        .collect();
    let items: Vec<_> = projects.iter().zip(answers).collect();
    failures.extend(on_two_threads(
        &items,
        |((project, _, objects), rendered)| match rendered {
            Ok(rendered) => validation(project, objects, rendered),
            Err(error) => Some(format!("{}: {error}", project.label)),
        },
    ));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Helm's longest release name.
const LONGEST_RELEASE: &str = "r234567890123456789012345678901234567890123456789012x";

/// The longest name Kubernetes lets an object of `kind` have in practice.
fn name_limit(kind: &str) -> usize {
    match kind {
        "Service" | "Job" => 63,
        "CronJob" | "StatefulSet" => 52,
        _ => 253,
    }
}

#[test]
fn two_releases_share_only_the_service_names_even_with_the_longest_release_names() {
    assert_eq!(LONGEST_RELEASE.len(), 53);
    let projects = converted();
    let charts: Vec<ChartDir> = projects
        .iter()
        .map(|(_, plan, objects)| ChartDir::write(&chart_files(plan, objects, true)))
        .collect();
    let releases = [
        "a",
        "b",
        LONGEST_RELEASE,
        "s234567890123456789012345678901234567890123456789012x",
    ];
    let mut requests = Vec::new();
    for chart in &charts {
        for prefix_services in [false, true] {
            for release in releases {
                requests.push(chart.render(release, |values| {
                    values["global"]["prefixServiceNames"] = Value::Bool(prefix_services);
                }));
            }
        }
    }
    let mut answers = run(&requests).into_iter();
    for (project, ..) in &projects {
        for prefix_services in [false, true] {
            let mut short = BTreeSet::new();
            let mut long = BTreeSet::new();
            for release in releases {
                let rendered = answers.next().unwrap().unwrap();
                let mut own = BTreeSet::new();
                for object in &rendered.objects {
                    let (kind, name) = key(object);
                    assert!(
                        own.insert((kind.clone(), name.clone())),
                        "{}: release {release} has two objects {kind} {name}",
                        project.label
                    );
                    assert!(
                        name.len() <= name_limit(&kind),
                        "{}: {kind} {name} is longer than {}",
                        project.label,
                        name_limit(&kind)
                    );
                    let seen = if release.len() > 1 {
                        &mut long
                    } else {
                        &mut short
                    };
                    let shared = kind == "Service" && !prefix_services;
                    assert!(
                        seen.insert((kind.clone(), name.clone())) || shared,
                        "{}: two releases both have {kind} {name}",
                        project.label
                    );
                    if !shared {
                        let start = &release[..release.len().min(20)];
                        assert!(name.starts_with(start), "{}: {kind} {name}", project.label);
                    }
                    for selector in [
                        "/spec/selector/matchLabels",
                        "/spec/selector",
                        "/spec/podSelector/matchLabels",
                    ] {
                        if let Some(Value::Object(labels)) = object.pointer(selector)
                            && !labels.contains_key("matchLabels")
                        {
                            assert_eq!(
                                labels.get("app.kubernetes.io/instance"),
                                Some(&Value::String(release.into())),
                                "{}: {kind} {name} selects other releases' Pods",
                                project.label
                            );
                        }
                    }
                }
            }
        }
    }
}

/// The data of the `secrets` fixture's Secrets, encoded and decoded.
fn secret_texts(objects: &[Object]) -> Vec<String> {
    let mut texts = Vec::new();
    for object in objects {
        if let Object::Secret(secret) = object {
            for data in secret.data.iter().flat_map(BTreeMap::values) {
                texts.push(String::from_utf8_lossy(&data.0).trim().to_owned());
                let encoded = serde_json::to_value(data).unwrap();
                texts.push(encoded.as_str().unwrap().to_owned());
            }
        }
    }
    assert!(texts.len() >= 6, "{texts:?}");
    texts
}

#[test]
fn secret_values_stay_out_of_values_yaml_unless_inlined() {
    let project = convert_fixtures()
        .into_iter()
        .find(|p| p.label == "convert/secrets")
        .unwrap();
    let (plan, objects) = convert(&project).unwrap();
    let texts = secret_texts(&objects);
    let files = chart_files(&plan, &objects, false);
    for (path, text) in &files {
        for secret in &texts {
            assert!(
                !text.contains(secret.as_str()),
                "{path} holds the secret {secret}"
            );
        }
    }
    let rendered = render(&files, RELEASE);
    assert!(rendered.objects.iter().all(|o| o["kind"] != "Secret"));
    assert!(
        rendered
            .notes
            .contains("kubectl create secret generic rel-db-password"),
        "{}",
        rendered.notes
    );
    let inlined = chart_files(&plan, &objects, true);
    let values = &inlined["values.yaml"];
    let encoded: Vec<&String> = texts.iter().skip(1).step_by(2).collect();
    assert!(
        encoded.iter().all(|e| values.contains(e.as_str())),
        "{values}"
    );
    assert_eq!(
        render(&inlined, RELEASE)
            .objects
            .iter()
            .filter(|o| o["kind"] == "Secret")
            .count(),
        3
    );
}

#[test]
fn values_change_what_the_chart_renders() {
    let project = convert_fixtures()
        .into_iter()
        .find(|p| p.label == "convert/named-volume")
        .unwrap();
    let (plan, objects) = convert(&project).unwrap();
    let files = chart_files(&plan, &objects, false);
    let values: Value = serde_saphyr::from_str(&files["values.yaml"]).unwrap();
    let (service, settings) = values
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, v)| v.get("persistence").is_some())
        .unwrap();
    let volume = settings["persistence"]
        .as_object()
        .unwrap()
        .keys()
        .next()
        .unwrap()
        .clone();
    let rendered = render_chart(&files, "x", |values| {
        values[service.as_str()]["replicas"] = Value::from(3);
        values[service.as_str()]["image"]["tag"] = Value::from("9.9");
        values[service.as_str()]["persistence"][volume.as_str()]["enabled"] = Value::Bool(false);
        values["global"]["namespaceOverride"] = Value::from("elsewhere");
    })
    .unwrap();
    assert!(
        rendered
            .objects
            .iter()
            .all(|o| o["kind"] != "PersistentVolumeClaim")
    );
    let workload = rendered
        .objects
        .iter()
        .find(|o| o["kind"] == "Deployment" || o["kind"] == "StatefulSet")
        .unwrap();
    assert_eq!(workload["spec"]["replicas"], 3);
    assert_eq!(workload["metadata"]["namespace"], "elsewhere");
    let pod = &workload["spec"]["template"]["spec"];
    assert!(
        pod["containers"][0]["image"]
            .as_str()
            .unwrap()
            .ends_with(":9.9")
    );
    assert!(
        pod["volumes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v.get("emptyDir").is_some()),
        "{pod}"
    );
}

#[test]
fn the_schema_describes_every_values_key() {
    for project in convert_fixtures() {
        let Some((plan, objects)) = convert(&project) else {
            continue;
        };
        let files = chart_files(&plan, &objects, true);
        let schema: Value = serde_json::from_str(&files["values.schema.json"]).unwrap();
        let values: Value = serde_saphyr::from_str(&files["values.yaml"]).unwrap();
        for (key, value) in values.as_object().unwrap() {
            assert!(
                schema["properties"].get(key).is_some(),
                "{}: {key}",
                project.label
            );
            if key != "global" && key != "secrets" {
                let reference = schema["properties"][key]["$ref"].as_str().unwrap();
                let definition = reference.trim_start_matches("#/definitions/");
                let service_keys = schema["definitions"][definition]["properties"]
                    .as_object()
                    .unwrap();
                for field in value.as_object().unwrap().keys() {
                    assert!(
                        service_keys.contains_key(field),
                        "{}: {key}.{field}",
                        project.label
                    );
                }
            }
        }
    }
}

/// Files of a chart written by the command line, relative to its directory.
pub fn listed(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            out.extend(listed(&path).into_iter().map(|n| format!("{name}/{n}")));
        } else {
            out.push(name);
        }
    }
    out.sort();
    out
}
