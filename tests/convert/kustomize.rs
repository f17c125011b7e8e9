//! `--format kustomize`, proven with `kubectl kustomize` (which builds locally and never
//! contacts a cluster): the base builds to exactly the objects of the plain conversion, and an
//! overlay builds to them changed by its example patch and nothing else — for every fixture and
//! every awesome-compose file that converts.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use compose2kube::render::{kustomize, manifests};

use crate::fixtures::{Output, app_name, convert_file, corpus_files, crate_root, environment};

/// Every `compose.yaml` under `tests/fixtures/{convert,network}`, with its `args`.
fn fixture_files() -> Vec<(PathBuf, Vec<String>)> {
    let mut files = Vec::new();
    for group in ["convert", "network"] {
        let dir = crate_root().join("tests/fixtures").join(group);
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.join("compose.yaml").is_file())
            .collect();
        entries.sort();
        for entry in entries {
            let args = std::fs::read_to_string(entry.join("args"))
                .map(|text| text.split_whitespace().map(str::to_owned).collect())
                .unwrap_or_default();
            files.push((entry.join("compose.yaml"), args));
        }
    }
    assert!(files.len() > 40, "fixtures are missing");
    files
}

/// `kubectl kustomize DIR`, parsed.
fn build(dir: &Path) -> Result<Vec<Value>, String> {
    let output = Command::new("kubectl")
        .arg("kustomize")
        .arg(dir)
        .output()
        .unwrap_or_else(|error| panic!("kubectl cannot run: {error}"));
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    let text = String::from_utf8_lossy(&output.stdout);
    serde_saphyr::from_multiple(&text).map_err(|e| format!("unreadable output: {e}"))
}

/// Objects in a canonical order, so two sets compare whatever order they were printed in.
fn sorted(mut objects: Vec<Value>) -> Vec<Value> {
    objects.sort_by_key(|o| {
        let meta = &o["metadata"];
        format!(
            "{}/{}/{}",
            o["kind"].as_str().unwrap_or_default(),
            meta["namespace"].as_str().unwrap_or_default(),
            meta["name"].as_str().unwrap_or_default()
        )
    });
    objects
}

/// The Pod templates' container lists of an object, for the `images:` change.
fn containers_mut(object: &mut Value) -> Vec<&mut Value> {
    // `pointer_mut`, not indexing: indexing a missing key would add it.
    let pointer = if object["kind"] == "CronJob" {
        "/spec/jobTemplate/spec/template/spec"
    } else {
        "/spec/template/spec"
    };
    let Some(spec) = object.pointer_mut(pointer).and_then(Value::as_object_mut) else {
        return Vec::new();
    };
    spec.iter_mut()
        .filter(|(key, _)| *key == "containers" || *key == "initContainers")
        .filter_map(|(_, list)| list.as_array_mut())
        .flatten()
        .collect()
}

/// The plain objects changed as the overlay's kustomization says: its `images:` entries and
/// its replica patches, read from the file itself.
fn expected_overlay(plain: &[Value], overlay: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(overlay.join(kustomize::KUSTOMIZATION)).unwrap();
    let kustomization: Value = serde_saphyr::from_str(&text).unwrap();
    let mut objects = plain.to_vec();
    for image in kustomization["images"].as_array().into_iter().flatten() {
        let name = image["name"].as_str().unwrap();
        let tag = image["newTag"].as_str().unwrap();
        for object in &mut objects {
            for container in containers_mut(object) {
                let current = container["image"].as_str().unwrap_or_default();
                let untagged = current
                    .rsplit_once(':')
                    .filter(|(_, tag)| !tag.contains('/'))
                    .map_or(current, |(name, _)| name);
                if untagged == name && !current.contains('@') {
                    container["image"] = Value::from(format!("{name}:{tag}"));
                }
            }
        }
    }
    for patch in kustomization["patches"].as_array().into_iter().flatten() {
        let patch: Value = serde_saphyr::from_str(patch["patch"].as_str().unwrap()).unwrap();
        let target = objects
            .iter_mut()
            .find(|o| {
                o["kind"] == patch["kind"]
                    && o["metadata"]["name"] == patch["metadata"]["name"]
                    && o["metadata"]["namespace"] == patch["metadata"]["namespace"]
            })
            .unwrap_or_else(|| panic!("the patch names no object: {patch}"));
        target["spec"]["replicas"] = patch["spec"]["replicas"].clone();
    }
    objects
}

/// Writes the layout of one conversion and checks what `kubectl kustomize` builds from it.
fn check(name: &str, output: &Output) -> Option<String> {
    if !output.errors().is_empty() {
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let files = kustomize::files(dir.path(), &output.objects, &["staging".to_owned()]).unwrap();
    manifests::write_files(&files, false).unwrap();
    let plain: Vec<Value> = serde_saphyr::from_multiple(&output.yaml).unwrap();
    let base = match build(&dir.path().join("base")) {
        Ok(objects) => objects,
        Err(error) => return Some(format!("{name}: the base does not build:\n{error}")),
    };
    if sorted(base.clone()) != sorted(plain.clone()) {
        return Some(format!(
            "{name}: the base builds to other objects than the plain conversion:\n{}\n---- plain:\n{}",
            serde_json::to_string_pretty(&sorted(base)).unwrap(),
            serde_json::to_string_pretty(&sorted(plain)).unwrap()
        ));
    }
    let overlay_dir = dir.path().join("overlays/staging");
    let overlay = match build(&overlay_dir) {
        Ok(objects) => objects,
        Err(error) => return Some(format!("{name}: the overlay does not build:\n{error}")),
    };
    let expected = expected_overlay(&plain, &overlay_dir);
    (sorted(overlay.clone()) != sorted(expected.clone())).then(|| {
        format!(
            "{name}: the overlay changes more or less than its patch:\n{}\n---- expected:\n{}",
            serde_json::to_string_pretty(&sorted(overlay)).unwrap(),
            serde_json::to_string_pretty(&sorted(expected)).unwrap()
        )
    })
}

/// Checks on two threads (each check runs `kubectl` twice), collecting the failures.
fn on_two_threads<T: Sync>(items: &[T], check: impl Fn(&T) -> Option<String> + Sync) -> usize {
    let (left, right) = items.split_at(items.len() / 2);
    let failures: Vec<String> = std::thread::scope(|scope| {
        let check = &check;
        let first = scope.spawn(move || left.iter().filter_map(check).collect::<Vec<_>>());
        let mut failures: Vec<String> = right.iter().filter_map(check).collect();
        failures.splice(0..0, first.join().unwrap());
        failures
    });
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    items.len()
}

#[test]
fn every_fixture_builds_with_kubectl_kustomize_to_the_plain_conversion() {
    let files = fixture_files();
    let converted = on_two_threads(&files, |(file, args)| {
        let name = file.parent().map(Path::display).unwrap().to_string();
        check(&name, &convert_file(file, args, environment()))
    });
    assert!(converted > 40);
}

#[test]
fn every_corpus_app_builds_with_kubectl_kustomize_to_the_plain_conversion() {
    let files = corpus_files();
    let built = on_two_threads(&files, |file| {
        let environment = indexmap::IndexMap::new();
        check(&app_name(file), &convert_file(file, &[], environment))
    });
    assert!(built > 10);
}
