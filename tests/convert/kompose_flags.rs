//! kompose's `convert` flags mean the same to `compose2kube convert`: each one's effect on
//! the output, the flags accepted for what compose2kube always does, and the ones refused
//! (exit 2, saying why). Also `--format kustomize` on the command line.

use std::fmt::Write as _;
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
    let mut all = vec!["convert", "-f", "compose.yaml"];
    all.extend_from_slice(args);
    compose2kube(dir, &all)
}

/// `compose2kube ARGS` in `dir`, with no environment.
fn compose2kube(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("compose2kube")
        .unwrap()
        .current_dir(dir)
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .env("NO_COLOR", "1")
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

/// What a kompose flag or label means to compose2kube.
#[derive(Clone, Copy, Debug)]
enum Meaning {
    /// The objects of these compose2kube arguments.
    Same(&'static [&'static str]),
    /// Accepted for what compose2kube always does: the objects of a plain conversion.
    NoChange,
    /// Refused: exit 2 and a message containing this.
    Refused(&'static str),
    /// Accepted (exit 0); the named test of this file proves its effect.
    ProvenBy(&'static str),
}

use Meaning::{NoChange, ProvenBy, Refused, Same};

/// Every flag of kompose 1.38's `convert` (`kompose convert --help`, cmd/convert.go, with
/// its hidden and deprecated flags) and the global flags of cmd/root.go, as a kompose user
/// writes them, with its meaning to compose2kube.
const KOMPOSE_FLAGS: &[(&[&str], Meaning)] = &[
    // Global flags (cmd/root.go).
    (&["--file", "compose.yaml"], NoChange),
    (&["--provider", "kubernetes"], NoChange),
    (
        &["--provider", "openshift"],
        Refused("`--provider openshift` is not supported"),
    ),
    (&["-v"], NoChange),
    (&["--verbose"], NoChange),
    (
        &["--error-on-warning"],
        ProvenBy("error_on_warning_fails_on_warnings_but_not_on_notes"),
    ),
    (
        &["--suppress-warnings"],
        ProvenBy("suppress_warnings_hides_warnings_and_notes_but_not_errors"),
    ),
    // Kubernetes flags.
    (
        &["-c", "-o", "chart"],
        ProvenBy("chart_writes_a_helm_chart"),
    ),
    (
        &["--chart", "-o", "chart"],
        ProvenBy("chart_writes_a_helm_chart"),
    ),
    (&["--controller", "deployment"], Same(&[])),
    (
        &["--controller", "daemonSet"],
        Same(&["--controller", "daemonset"]),
    ),
    (
        &["--controller", "statefulset"],
        ProvenBy("controller_and_replicas_choose_the_workload"),
    ),
    (
        &["--controller", "replicationController"],
        ProvenBy("replication_controller_makes_a_deployment_with_a_note"),
    ),
    (&["--daemon-set"], Same(&["--controller", "daemonset"])),
    (&["-d"], Same(&["--controller", "deployment"])),
    (&["--deployment"], Same(&["--controller", "deployment"])),
    (
        &["--replication-controller"],
        ProvenBy("replication_controller_makes_a_deployment_with_a_note"),
    ),
    (
        &["--service-group-mode", "label"],
        ProvenBy("service_group_mode_and_name_put_labelled_services_in_one_pod"),
    ),
    (
        &["--service-group-mode", "volume"],
        ProvenBy("service_group_mode_and_name_put_labelled_services_in_one_pod"),
    ),
    (
        &[
            "--service-group-name",
            "frontend",
            "--service-group-mode",
            "label",
        ],
        ProvenBy("service_group_mode_and_name_put_labelled_services_in_one_pod"),
    ),
    (
        &["--multiple-container-mode"],
        Same(&["--service-group-mode", "label"]),
    ),
    (&["--secrets-as-files"], NoChange),
    // OpenShift flags.
    (
        &["--build-branch", "main"],
        Refused("`--build-branch` is not supported"),
    ),
    (
        &["--build-repo", "git@example.com:app.git"],
        Refused("`--build-repo` is not supported"),
    ),
    (
        &["--insecure-repository"],
        Refused("`--insecure-repository` is an OpenShift flag"),
    ),
    (
        &["--deployment-config"],
        Refused("`--deployment-config` is an OpenShift flag"),
    ),
    (&["--deployment-config=false"], NoChange),
    // Other flags.
    (&["--build", "none"], NoChange),
    (
        &["--build", "local"],
        Refused("`--build local` is not supported"),
    ),
    (
        &["--build", "build-config"],
        Refused("`--build build-config` is not supported"),
    ),
    (
        &["--build-command", "make"],
        Refused("`--build-command` is not supported"),
    ),
    (
        &["--push-command", "make push"],
        Refused("`--push-command` is not supported"),
    ),
    (
        &["--push-image"],
        Refused("`--push-image` is not supported"),
    ),
    (&["--push-image=false"], NoChange),
    (
        &["--push-image-registry", "registry.example.com"],
        Refused("`--push-image-registry` is not supported"),
    ),
    (
        &["--generate-network-policies"],
        Same(&["--network-policies", "always"]),
    ),
    (
        &["--indent", "4"],
        ProvenBy("indent_sets_the_yaml_indentation"),
    ),
    (&["-j"], Same(&["--format", "json"])),
    (&["--json"], Same(&["--format", "json"])),
    (&["-y"], NoChange),
    (&["--yaml"], NoChange),
    (
        &["-n", "shop"],
        ProvenBy("namespace_puts_every_object_in_it"),
    ),
    (
        &["--namespace", "shop"],
        ProvenBy("namespace_puts_every_object_in_it"),
    ),
    (
        &["--no-interpolate"],
        ProvenBy("no_interpolate_keeps_variables_as_written"),
    ),
    (
        &["-o", "out"],
        ProvenBy("stdout_prints_the_objects_even_with_out"),
    ),
    (
        &["--out", "out"],
        ProvenBy("stdout_prints_the_objects_even_with_out"),
    ),
    (
        &["--profile", "debug"],
        ProvenBy("profile_enables_a_profiled_service"),
    ),
    (&["--pvc-request-size", "7Gi"], Same(&["--pvc-size", "7Gi"])),
    (
        &["--replicas", "3"],
        ProvenBy("controller_and_replicas_choose_the_workload"),
    ),
    (&["--stdout"], NoChange),
    (
        &["--volumes", "persistentVolumeClaim"],
        ProvenBy("volumes_config_map_and_persistent_volume_claim_choose_what_bind_mounts_become"),
    ),
    (
        &["--volumes", "emptyDir"],
        ProvenBy("volumes_empty_dir_turns_named_volumes_and_bind_mounts_into_empty_dirs"),
    ),
    (
        &["--volumes", "hostPath"],
        ProvenBy("volumes_host_path_makes_bind_mounts_host_paths_and_keeps_named_volume_claims"),
    ),
    (
        &["--volumes", "configMap"],
        ProvenBy("volumes_config_map_and_persistent_volume_claim_choose_what_bind_mounts_become"),
    ),
    (&["--emptyvols"], Same(&["--volumes", "emptyDir"])),
    (&["--with-kompose-annotation"], NoChange),
    (&["--with-kompose-annotation=true"], NoChange),
    (&["--with-kompose-annotation=false"], NoChange),
];

/// A project that every kompose flag can act on: published ports, a named volume, a bind
/// mount, a secret, two services of one `kompose.service.group`.
const EVERY_FLAG: &str = "services:
  web:
    image: nginx:1.27
    ports: ['8080:80']
    labels: {kompose.service.group: front}
    volumes:
      - data:/data
      - ./app.conf:/etc/app.conf:ro
    secrets: [token]
  php:
    image: php:8-fpm
    labels: {kompose.service.group: front}
volumes:
  data: {}
secrets:
  token:
    file: ./app.conf
";

/// The objects of a run, YAML or JSON.
fn parsed(output: &std::process::Output) -> Vec<Value> {
    let text = String::from_utf8_lossy(&output.stdout);
    match serde_json::from_str::<Value>(&text) {
        Ok(list) => list["items"].as_array().cloned().unwrap_or_default(),
        Err(_) => serde_saphyr::from_multiple(&text).unwrap(),
    }
}

#[test]
fn every_kompose_convert_flag_has_kompose_s_meaning_or_is_refused() {
    let dir = project(EVERY_FLAG);
    let plain = objects(dir.path(), &[]);
    for (flags, meaning) in KOMPOSE_FLAGS {
        match meaning {
            Refused(message) => assert_usage_error(dir.path(), flags, message),
            NoChange => assert_eq!(objects(dir.path(), flags), plain, "{flags:?}"),
            Same(ours) => {
                let (theirs, ours) = (convert(dir.path(), flags), convert(dir.path(), ours));
                assert!(
                    theirs.status.success(),
                    "{flags:?}: {}",
                    String::from_utf8_lossy(&theirs.stderr)
                );
                assert_eq!(theirs.stdout, ours.stdout, "{flags:?}");
                assert!(!parsed(&theirs).is_empty(), "{flags:?}");
            }
            ProvenBy(test) => {
                let output = convert(dir.path(), flags);
                assert!(
                    output.status.success(),
                    "{flags:?} ({test}): {}",
                    String::from_utf8_lossy(&output.stderr)
                );
                let source = include_str!("kompose_flags.rs");
                assert!(
                    source.contains(&format!("fn {test}()")),
                    "{flags:?}: no test `{test}`"
                );
            }
        }
    }
}

#[test]
fn kompose_s_global_flags_go_before_convert_too() {
    let dir = project(WEB);
    let before = [
        "--provider",
        "kubernetes",
        "--error-on-warning",
        "-v",
        "--file",
        "compose.yaml",
        "convert",
    ];
    let output = compose2kube(dir.path(), &before);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(parsed(&output), objects(dir.path(), &[]));
    let check = compose2kube(dir.path(), &["--error-on-warning", "check"]);
    assert_eq!(check.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&check.stderr)
            .contains("`--error-on-warning` is kompose's flag of `convert`")
    );
}

/// A service with a warning (a `kompose.*` label compose2kube does not know) and a note (a
/// port bound to 127.0.0.1).
const WARNING_AND_NOTE: &str = "services:
  web:
    image: nginx:1.27
    ports: ['127.0.0.1:8080:80']
    labels: {kompose.service.tpye: nodeport}
";

#[test]
fn error_on_warning_fails_on_warnings_but_not_on_notes() {
    let warned = project(WARNING_AND_NOTE);
    let output = convert(warned.path(), &["--error-on-warning"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty(), "nothing is written");
    let noted =
        project("services:\n  web:\n    image: nginx:1.27\n    ports: ['127.0.0.1:8080:80']\n");
    assert!(
        convert(noted.path(), &["--error-on-warning"])
            .status
            .success()
    );
    assert_eq!(convert(noted.path(), &["--strict"]).status.code(), Some(1));
}

#[test]
fn suppress_warnings_hides_warnings_and_notes_but_not_errors() {
    let dir = project(WARNING_AND_NOTE);
    let stderr =
        |args: &[&str]| String::from_utf8_lossy(&convert(dir.path(), args).stderr).into_owned();
    let all = stderr(&[]);
    assert!(
        all.contains("is not a kompose label") && all.contains("is bound to 127.0.0.1"),
        "{all}"
    );
    let suppressed = stderr(&["--suppress-warnings"]);
    assert!(
        !suppressed.contains("is not a kompose label")
            && !suppressed.contains("is bound to 127.0.0.1"),
        "{suppressed}"
    );
    let quiet = stderr(&["--quiet"]);
    assert!(
        quiet.contains("is not a kompose label") && !quiet.contains("is bound to 127.0.0.1"),
        "{quiet}"
    );
    let broken =
        project("services:\n  web:\n    image: nginx:1.27\n    network_mode: service:nowhere\n");
    let output = convert(broken.path(), &["--suppress-warnings"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("nowhere"));
}

#[test]
fn chart_writes_a_helm_chart() {
    let dir = project(WEB);
    for flag in ["-c", "--chart"] {
        let out = dir.path().join(flag.trim_start_matches('-'));
        let output = convert(dir.path(), &[flag, "-o", out.to_str().unwrap()]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(out.join("Chart.yaml").is_file() && out.join("values.yaml").is_file());
    }
}

#[test]
fn indent_sets_the_yaml_indentation() {
    let dir = project(WEB);
    let text =
        |args: &[&str]| String::from_utf8_lossy(&convert(dir.path(), args).stdout).into_owned();
    assert!(text(&[]).contains("\nmetadata:\n  labels:\n"));
    let four = text(&["--indent", "4"]);
    assert!(four.contains("\nmetadata:\n    labels:\n"), "{four}");
    assert_eq!(
        objects(dir.path(), &["--indent", "4"]),
        objects(dir.path(), &[])
    );
    assert_usage_error(
        dir.path(),
        &["--indent", "4", "-j"],
        "`--indent` sets the indentation of YAML manifests",
    );
    assert_usage_error(dir.path(), &["--indent", "0"], "0 is not in 1..=64");
}

#[test]
fn replication_controller_makes_a_deployment_with_a_note() {
    let dir = project(WEB);
    for args in [
        &["--controller", "replicationController"][..],
        &["--replication-controller"],
    ] {
        let output = convert(dir.path(), args);
        assert!(output.status.success());
        assert_eq!(parsed(&output), objects(dir.path(), &[]), "{args:?}");
        assert!(
            String::from_utf8_lossy(&output.stderr)
                .contains("`replicationController` makes a Deployment")
        );
    }
    let labelled = project(&WEB.replace(
        "    ports:",
        "    labels: {kompose.controller.type: replicationcontroller}\n    ports:",
    ));
    let output = convert(labelled.path(), &[]);
    assert_eq!(kinds(&parsed(&output)), ["Service", "Deployment"]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("`labels.kompose.controller.type` of service `web`: `replicationController` makes a Deployment"));
}

/// Every label of kompose 1.38's user guide (docs/user-guide.md, "Labels"; `subpath` is
/// the name kompose reads and documents since 1.36, `sub-path` the older one), with labels
/// it needs beside it, and how its effect is proven: it changes the objects (`None`), or a
/// named test of this file.
/// A label, its value, the labels it needs beside it, and the test proving its effect.
type LabelCase = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
    Option<&'static str>,
);

const KOMPOSE_LABELS: &[LabelCase] = &[
    ("kompose.controller.port.expose", "true", &[], None),
    ("kompose.controller.type", "statefulset", &[], None),
    (
        "kompose.cronjob.backoff_limit",
        "3",
        &[("kompose.cronjob.schedule", "*/5 * * * *")],
        None,
    ),
    (
        "kompose.cronjob.concurrency_policy",
        "Forbid",
        &[("kompose.cronjob.schedule", "*/5 * * * *")],
        None,
    ),
    ("kompose.cronjob.schedule", "*/5 * * * *", &[], None),
    ("kompose.hpa.cpu", "80", &[], None),
    ("kompose.hpa.memory", "60", &[], None),
    ("kompose.hpa.replicas.max", "10", &[], None),
    ("kompose.hpa.replicas.min", "2", &[], None),
    ("kompose.image-pull-policy", "Always", &[], None),
    ("kompose.image-pull-secret", "regcred", &[], None),
    (
        "kompose.init.containers.command",
        "[\"echo\", \"ready\"]",
        &[("kompose.init.containers.image", "busybox:1.36")],
        None,
    ),
    ("kompose.init.containers.image", "busybox:1.36", &[], None),
    (
        "kompose.init.containers.name",
        "setup",
        &[("kompose.init.containers.image", "busybox:1.36")],
        None,
    ),
    ("kompose.security-context.fsgroup", "1001", &[], None),
    (
        "kompose.service.external-traffic-policy",
        "local",
        &[("kompose.service.type", "nodeport")],
        None,
    ),
    ("kompose.service.expose", "example.com", &[], None),
    (
        "kompose.service.expose.ingress-class-name",
        "nginx",
        &[("kompose.service.expose", "example.com")],
        None,
    ),
    (
        "kompose.service.expose.tls-secret",
        "web-tls",
        &[("kompose.service.expose", "example.com")],
        None,
    ),
    (
        "kompose.service.group",
        "front",
        &[],
        Some("service_group_mode_and_name_put_labelled_services_in_one_pod"),
    ),
    (
        "kompose.service.healthcheck.liveness.http_get_path",
        "/health",
        &[],
        None,
    ),
    (
        "kompose.service.healthcheck.liveness.http_get_port",
        "8081",
        &[(
            "kompose.service.healthcheck.liveness.http_get_path",
            "/health",
        )],
        None,
    ),
    (
        "kompose.service.healthcheck.liveness.tcp_port",
        "3306",
        &[],
        None,
    ),
    (
        "kompose.service.healthcheck.readiness.disable",
        "true",
        &[],
        None,
    ),
    (
        "kompose.service.healthcheck.readiness.http_get_path",
        "/ready",
        &[],
        None,
    ),
    (
        "kompose.service.healthcheck.readiness.http_get_port",
        "8081",
        &[(
            "kompose.service.healthcheck.readiness.http_get_path",
            "/ready",
        )],
        None,
    ),
    (
        "kompose.service.healthcheck.readiness.interval",
        "10s",
        &[],
        None,
    ),
    (
        "kompose.service.healthcheck.readiness.retries",
        "5",
        &[],
        None,
    ),
    (
        "kompose.service.healthcheck.readiness.start_period",
        "45s",
        &[],
        None,
    ),
    (
        "kompose.service.healthcheck.readiness.tcp_port",
        "3307",
        &[],
        None,
    ),
    (
        "kompose.service.healthcheck.readiness.test",
        "[\"CMD\", \"echo\", \"OK\"]",
        &[],
        None,
    ),
    (
        "kompose.service.healthcheck.readiness.timeout",
        "5s",
        &[],
        None,
    ),
    ("kompose.service.name_override", "front", &[], None),
    (
        "kompose.service.nodeport.port",
        "30080",
        &[("kompose.service.type", "nodeport")],
        None,
    ),
    ("kompose.service.type", "nodeport", &[], None),
    (
        "kompose.volume.selector",
        "db",
        &[],
        Some("volume_selector_binds_the_claim_to_labelled_volumes"),
    ),
    ("kompose.volume.size", "5Gi", &[], None),
    ("kompose.volume.storage-class-name", "fast", &[], None),
    ("kompose.volume.subpath", "pg", &[], None),
    ("kompose.volume.sub-path", "pg", &[], None),
    ("kompose.volume.type", "emptyDir", &[], None),
];

/// A service with a port, a claim and a healthcheck, labelled with `labels`.
fn labelled(labels: &[(&str, &str)]) -> String {
    let mut text = "services:
  web:
    image: nginx:1.27
    ports: ['8080:80']
    volumes: [data:/data]
    healthcheck: {test: [CMD, 'true'], interval: 20s}
    labels:
      app: web
"
    .to_owned();
    for (key, value) in labels {
        let _ = writeln!(text, "      {key}: '{}'", value.replace('\'', "''"));
    }
    text + "volumes:\n  data: {}\n"
}

#[test]
fn every_kompose_label_is_read_with_kompose_s_meaning() {
    let source = include_str!("kompose_flags.rs");
    let dir = project("");
    let rewrite = |text: &str| std::fs::write(dir.path().join("compose.yaml"), text).unwrap();
    for (label, value, beside, proven_by) in KOMPOSE_LABELS {
        rewrite(&labelled(beside));
        let without = objects(dir.path(), &[]);
        let mut all = beside.to_vec();
        all.push((label, value));
        rewrite(&labelled(&all));
        let output = convert(dir.path(), &[]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{label}: {stderr}");
        assert!(
            !stderr.contains("is not a kompose label"),
            "{label}: {stderr}"
        );
        assert!(
            !stderr.contains("the label is ignored"),
            "{label}: {stderr}"
        );
        match proven_by {
            Some(test) => assert!(
                source.contains(&format!("fn {test}()")),
                "{label}: no `{test}`"
            ),
            None => assert_ne!(parsed(&output), without, "{label} changes nothing"),
        }
    }
}

#[test]
fn volume_selector_binds_the_claim_to_labelled_volumes() {
    let dir = project(&WEB_WITH_VOLUMES.replace(
        "  data: {}\n",
        "  data:\n    labels: {kompose.volume.selector: db-vol}\n",
    ));
    let objects = objects(dir.path(), &[]);
    assert_eq!(
        find(&objects, "PersistentVolumeClaim")["spec"]["selector"],
        serde_json::json!({"matchLabels": {"io.kompose.service": "db-vol"}})
    );
}

#[test]
fn volume_subpath_is_kompose_s_name_and_sub_path_is_still_read() {
    let mount = |labels: &str| {
        let dir = project(&WEB_WITH_VOLUMES.replace(
            "    image: nginx:1.27\n",
            &format!("    image: nginx:1.27\n    labels: {{{labels}}}\n"),
        ));
        let output = convert(dir.path(), &[]);
        let objects = parsed(&output);
        let mounts = find(&objects, "Deployment")["spec"]["template"]["spec"]["containers"][0]
            ["volumeMounts"]
            .clone();
        (
            mounts[0]["subPath"].clone(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    assert_eq!(mount("kompose.volume.subpath: pg").0, "pg");
    assert_eq!(mount("kompose.volume.sub-path: pg").0, "pg");
    let (both, stderr) = mount("kompose.volume.subpath: pg, kompose.volume.sub-path: old");
    assert_eq!(both, "pg");
    assert!(stderr.contains("`old` is overridden by"), "{stderr}");
    let (absolute, stderr) = mount("kompose.volume.subpath: /data");
    assert!(absolute.is_null());
    assert!(stderr.contains("`/data` is an absolute path"), "{stderr}");
}

#[test]
fn name_override_renames_the_objects_and_says_the_peers_must_use_the_new_name() {
    let dir = project(&WEB.replace(
        "    ports:",
        "    labels: {kompose.service.name_override: front}\n    ports:",
    ));
    let output = convert(dir.path(), &[]);
    let objects = parsed(&output);
    assert_eq!(find(&objects, "Service")["metadata"]["name"], "front");
    assert_eq!(find(&objects, "Deployment")["metadata"]["name"], "front");
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("other containers reach it as `front`, no longer as `web`")
    );
}

#[test]
fn port_expose_binds_the_published_ports_on_the_node() {
    let dir = project(&WEB.replace(
        "    ports:",
        "    labels: {kompose.controller.port.expose: 'true'}\n    ports:",
    ));
    let output = convert(dir.path(), &[]);
    let objects = parsed(&output);
    let port =
        &find(&objects, "Deployment")["spec"]["template"]["spec"]["containers"][0]["ports"][0];
    assert_eq!(
        (port["containerPort"].clone(), port["hostPort"].clone()),
        (80.into(), 8080.into())
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("(`hostPort`)"));
}

#[test]
fn invalid_values_of_the_new_labels_are_reported_and_ignored() {
    for (label, value, says) in [
        (
            "kompose.controller.port.expose",
            "yes",
            "`yes` is not a boolean",
        ),
        (
            "kompose.service.name_override",
            "Front_1",
            "`Front_1` is not a Kubernetes name",
        ),
        ("kompose.volume.subpath", "a/../b", "contains `..`"),
        (
            "kompose.volume.sub-path",
            "/abs",
            "`/abs` is an absolute path",
        ),
    ] {
        let dir = project(&labelled(&[]));
        let plain = objects(dir.path(), &[]);
        std::fs::write(dir.path().join("compose.yaml"), labelled(&[(label, value)])).unwrap();
        let output = convert(dir.path(), &[]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(says) && stderr.contains("help:"),
            "{label}: {stderr}"
        );
        assert_eq!(parsed(&output), plain, "{label}");
    }
    let dir = project(&WEB_WITH_VOLUMES.replace(
        "  data: {}\n",
        "  data:\n    labels: {kompose.volume.selector: 'a b'}\n",
    ));
    let stderr = String::from_utf8_lossy(&convert(dir.path(), &[]).stderr).into_owned();
    assert!(stderr.contains("`a b` is not a label value"), "{stderr}");
}
