//! kompose's `convert` flags mean the same to `compose2kube convert`: each one's effect on
//! the output, the flags accepted for what compose2kube always does, and the ones refused
//! (exit 2, saying why). Also `--format kustomize` on the command line.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

/// A project directory with this `compose.yaml` (and an `app.conf` to bind-mount).
fn project(compose: &str) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("compose.yaml"), compose).unwrap();
    std::fs::write(dir.path().join("app.conf"), "listen 80;\n").unwrap();
    dir
}

/// `compose2kube convert -f compose.yaml ARGS` in `dir`, with no environment.
fn convert(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("compose2kube")
        .unwrap()
        .current_dir(dir)
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .env("NO_COLOR", "1")
        .args(["convert", "-f", "compose.yaml"])
        .args(args)
        .output()
        .unwrap()
}

/// The objects `convert` prints, which must succeed.
fn objects(dir: &Path, args: &[&str]) -> Vec<Value> {
    let output = convert(dir, args);
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_saphyr::from_multiple(&String::from_utf8_lossy(&output.stdout)).unwrap()
}

fn kinds(objects: &[Value]) -> Vec<&str> {
    objects.iter().filter_map(|o| o["kind"].as_str()).collect()
}

fn find<'a>(objects: &'a [Value], kind: &str) -> &'a Value {
    objects
        .iter()
        .find(|o| o["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} in {:?}", kinds(objects)))
}

/// A usage error: exit 2 and a message on standard error that contains `says`.
fn assert_usage_error(dir: &Path, args: &[&str], says: &str) {
    let output = convert(dir, args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(stderr.contains(says), "{args:?}: {stderr}");
    assert!(output.stdout.is_empty(), "{args:?}: nothing is printed");
}

const WEB: &str = "services:\n  web:\n    image: nginx:1.27\n    ports: ['8080:80']\n";

const WEB_WITH_VOLUMES: &str = "services:
  web:
    image: nginx:1.27
    volumes:
      - data:/data
      - ./app.conf:/etc/app.conf:ro
volumes:
  data: {}
";

/// The Deployment's Pod volumes, as (name, source kind) pairs.
fn pod_volumes(objects: &[Value]) -> Vec<(String, String)> {
    find(objects, "Deployment")["spec"]["template"]["spec"]["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            let source = v
                .as_object()
                .unwrap()
                .keys()
                .find(|k| *k != "name")
                .unwrap()
                .clone();
            (v["name"].as_str().unwrap().to_owned(), source)
        })
        .collect()
}

#[test]
fn stdout_prints_the_objects_even_with_out() {
    let dir = project(WEB);
    let out = dir.path().join("manifests");
    let printed = objects(dir.path(), &["-o", out.to_str().unwrap(), "--stdout"]);
    assert_eq!(kinds(&printed), ["Service", "Deployment"]);
    assert!(!out.exists(), "nothing is written with --stdout");
}

#[test]
fn controller_and_replicas_choose_the_workload() {
    let dir = project(WEB);
    let objects = objects(
        dir.path(),
        &["--controller", "statefulset", "--replicas", "3"],
    );
    assert_eq!(find(&objects, "StatefulSet")["spec"]["replicas"], 3);
    let objects = self::objects(dir.path(), &["--controller", "daemonset"]);
    find(&objects, "DaemonSet");
}

#[test]
fn volumes_empty_dir_turns_named_volumes_and_bind_mounts_into_empty_dirs() {
    let dir = project(WEB_WITH_VOLUMES);
    let objects = objects(dir.path(), &["--volumes", "emptyDir"]);
    assert!(!kinds(&objects).contains(&"PersistentVolumeClaim"));
    let volumes = pod_volumes(&objects);
    assert!(
        volumes.iter().all(|(_, kind)| kind == "emptyDir"),
        "{volumes:?}"
    );
    assert_eq!(volumes.len(), 2);
}

#[test]
fn volumes_host_path_makes_bind_mounts_host_paths_and_keeps_named_volume_claims() {
    let dir = project(WEB_WITH_VOLUMES);
    let objects = objects(dir.path(), &["--volumes", "hostPath"]);
    let volumes = pod_volumes(&objects);
    let kinds_of: Vec<&str> = volumes.iter().map(|(_, k)| k.as_str()).collect();
    assert_eq!(
        kinds_of,
        ["persistentVolumeClaim", "hostPath"],
        "{volumes:?}"
    );
    let output = convert(dir.path(), &["--volumes", "hostPath"]);
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("`--volumes hostPath` applies to bind mounts"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn volumes_config_map_and_persistent_volume_claim_choose_what_bind_mounts_become() {
    let dir = project(WEB_WITH_VOLUMES);
    let objects = self::objects(dir.path(), &["--volumes", "configMap"]);
    let bind = pod_volumes(&objects)[1].clone();
    assert_eq!(bind.1, "configMap", "{bind:?}");
    let objects = self::objects(dir.path(), &["--volumes", "persistentVolumeClaim"]);
    let claims = objects
        .iter()
        .filter(|o| o["kind"] == "PersistentVolumeClaim")
        .count();
    assert_eq!(claims, 2, "the named volume and the bind mount");
}

#[test]
fn a_kompose_volume_type_label_wins_over_volumes() {
    let dir = project(&WEB_WITH_VOLUMES.replace(
        "    image: nginx:1.27\n",
        "    image: nginx:1.27\n    labels:\n      kompose.volume.type: persistentVolumeClaim\n",
    ));
    let objects = objects(dir.path(), &["--volumes", "emptyDir"]);
    let volumes = pod_volumes(&objects);
    assert!(
        volumes
            .iter()
            .all(|(_, kind)| kind == "persistentVolumeClaim"),
        "{volumes:?}"
    );
}

#[test]
fn volumes_and_bind_mounts_together_are_a_usage_error() {
    let dir = project(WEB_WITH_VOLUMES);
    assert_usage_error(
        dir.path(),
        &["--volumes", "hostPath", "--bind-mounts", "pvc"],
        "cannot be used with",
    );
}

#[test]
fn pvc_request_size_is_pvc_size() {
    let dir = project(WEB_WITH_VOLUMES);
    let objects = objects(dir.path(), &["--pvc-request-size", "7Gi"]);
    let claim = find(&objects, "PersistentVolumeClaim");
    assert_eq!(claim["spec"]["resources"]["requests"]["storage"], "7Gi");
}

#[test]
fn namespace_puts_every_object_in_it() {
    let dir = project(WEB);
    let objects = objects(dir.path(), &["--namespace", "shop"]);
    assert_eq!(kinds(&objects)[0], "Namespace");
    assert!(
        objects[1..]
            .iter()
            .all(|o| o["metadata"]["namespace"] == "shop")
    );
}

#[test]
fn profile_enables_a_profiled_service() {
    let dir = project(&format!(
        "{WEB}  debug:\n    image: busybox:1.36\n    profiles: [debug]\n"
    ));
    let names = |objects: &[Value]| -> Vec<String> {
        objects
            .iter()
            .filter(|o| o["kind"] == "Deployment")
            .map(|o| o["metadata"]["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(&objects(dir.path(), &[])), ["web"]);
    assert_eq!(
        names(&objects(dir.path(), &["--profile", "debug"])),
        ["web", "debug"]
    );
}

#[test]
fn no_interpolate_keeps_variables_as_written() {
    let dir = project("services:\n  web:\n    image: nginx:${TAG:-1.27}\n");
    let image = |objects: &[Value]| {
        find(objects, "Deployment")["spec"]["template"]["spec"]["containers"][0]["image"].clone()
    };
    assert_eq!(image(&objects(dir.path(), &[])), "nginx:1.27");
    assert_eq!(
        image(&objects(dir.path(), &["--no-interpolate"])),
        "nginx:${TAG:-1.27}"
    );
}

#[test]
fn generate_network_policies_is_network_policies_always() {
    let dir = project(WEB);
    assert!(!kinds(&objects(dir.path(), &[])).contains(&"NetworkPolicy"));
    let generated = objects(dir.path(), &["--generate-network-policies"]);
    assert!(kinds(&generated).contains(&"NetworkPolicy"));
    assert_eq!(
        generated,
        objects(dir.path(), &["--network-policies", "always"])
    );
    assert_usage_error(
        dir.path(),
        &["--generate-network-policies", "--network-policies", "never"],
        "cannot be used with",
    );
}

#[test]
fn service_group_mode_and_name_put_labelled_services_in_one_pod() {
    let dir = project(
        "services:
  web:
    image: nginx:1.27
    labels: {kompose.service.group: front}
  php:
    image: php:8-fpm
    labels: {kompose.service.group: front}
",
    );
    let objects = objects(
        dir.path(),
        &[
            "--service-group-mode",
            "label",
            "--service-group-name",
            "frontend",
        ],
    );
    let deployments: Vec<&Value> = objects
        .iter()
        .filter(|o| o["kind"] == "Deployment")
        .collect();
    assert_eq!(deployments.len(), 1, "{:?}", kinds(&objects));
    assert_eq!(deployments[0]["metadata"]["name"], "frontend");
    let containers = deployments[0]["spec"]["template"]["spec"]["containers"]
        .as_array()
        .unwrap();
    assert_eq!(containers.len(), 2);
}

#[test]
fn secrets_as_files_and_provider_kubernetes_are_accepted_and_change_nothing() {
    let dir = project(
        "services:
  web:
    image: nginx:1.27
    secrets: [token]
secrets:
  token:
    file: ./app.conf
",
    );
    let plain = objects(dir.path(), &[]);
    let mounts =
        &find(&plain, "Deployment")["spec"]["template"]["spec"]["containers"][0]["volumeMounts"];
    assert_eq!(mounts[0]["mountPath"], "/run/secrets/token");
    for args in [
        &["--secrets-as-files"][..],
        &["--provider", "kubernetes"],
        &["--build", "none", "--push-image=false"],
    ] {
        assert_eq!(objects(dir.path(), args), plain, "{args:?}");
    }
}

#[test]
fn openshift_and_image_builds_are_refused_with_the_reason() {
    let dir = project(WEB);
    assert_usage_error(
        dir.path(),
        &["--provider", "openshift"],
        "`--provider openshift` is not supported: compose2kube writes Kubernetes objects only",
    );
    for (args, flag) in [
        (&["--build", "local"][..], "`--build local`"),
        (&["--build", "build-config"], "`--build build-config`"),
        (&["--push-image"], "`--push-image`"),
        (
            &["--push-image-registry", "r.io"],
            "`--push-image-registry`",
        ),
        (&["--build-command", "make"], "`--build-command`"),
        (&["--push-command", "make push"], "`--push-command`"),
        (&["--build-repo", "x"], "`--build-repo`"),
        (&["--build-branch", "main"], "`--build-branch`"),
    ] {
        assert_usage_error(dir.path(), args, &format!("{flag} is not supported"));
        assert_usage_error(dir.path(), args, "never builds or pushes images");
    }
}

#[test]
fn kustomize_needs_an_output_directory() {
    let dir = project(WEB);
    assert_usage_error(dir.path(), &["--format", "kustomize"], "--out <PATH>");
    let out = dir.path().join("k");
    assert_usage_error(
        dir.path(),
        &[
            "--format",
            "kustomize",
            "-o",
            out.to_str().unwrap(),
            "--stdout",
        ],
        "writes a directory",
    );
    assert_usage_error(
        dir.path(),
        &["--overlay", "prod"],
        "`--overlay` needs `--format kustomize`",
    );
    assert_usage_error(
        dir.path(),
        &["--format", "kustomize", "-o", "k", "--overlay", "../x"],
        "is not an overlay name",
    );
}

#[test]
fn kustomize_writes_a_base_and_one_directory_per_overlay() {
    let dir = project(WEB);
    let out = dir.path().join("k");
    let output = convert(
        dir.path(),
        &[
            "--format",
            "kustomize",
            "-o",
            out.to_str().unwrap(),
            "--overlay",
            "staging",
            "--overlay",
            "prod",
        ],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.stdout.is_empty());
    for file in [
        "base/kustomization.yaml",
        "base/web-deployment.yaml",
        "base/web-service.yaml",
        "overlays/staging/kustomization.yaml",
        "overlays/prod/kustomization.yaml",
    ] {
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        assert!(text.starts_with("# Generated by compose2kube.\n"), "{file}");
    }
    let overlay = std::fs::read_to_string(out.join("overlays/prod/kustomization.yaml")).unwrap();
    assert!(
        overlay.contains("# - patches: the Deployment `web` runs 2 replicas instead of 1."),
        "{overlay}"
    );
    // A second run replaces its own files; a file of the user's is kept.
    std::fs::write(out.join("overlays/prod/kustomization.yaml"), "# mine\n").unwrap();
    let again = convert(
        dir.path(),
        &["--format", "kustomize", "-o", "k", "--overlay", "prod"],
    );
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("was not written by compose2kube"));
    assert_eq!(
        std::fs::read_to_string(out.join("overlays/prod/kustomization.yaml")).unwrap(),
        "# mine\n"
    );
}
