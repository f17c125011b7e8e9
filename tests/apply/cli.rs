//! `compose2kube apply` and `down` without a cluster: they fail fast with exit 1 and say which
//! cluster could not be reached or which kubeconfig could not be read, never panicking. (No
//! test contacts a real cluster; the decisions are tested in the other modules.)

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assert_cmd::Command;

/// A kubeconfig whose only cluster is a port nothing listens on.
fn unreachable_kubeconfig(dir: &Path) -> PathBuf {
    let path = dir.join("kubeconfig");
    std::fs::write(
        &path,
        "apiVersion: v1
kind: Config
clusters:
- name: nowhere
  cluster:
    server: https://127.0.0.1:1
    insecure-skip-tls-verify: true
contexts:
- name: nowhere
  context: {cluster: nowhere, user: nobody, namespace: shop}
current-context: nowhere
users:
- name: nobody
  user: {token: not-a-token}
",
    )
    .unwrap();
    path
}

fn compose2kube(dir: &Path, kubeconfig: &Path, args: &[&str]) -> std::process::Output {
    std::fs::write(
        dir.join("compose.yaml"),
        "services:\n  web:\n    image: nginx:1.27\n    ports: ['8080:80']\n",
    )
    .unwrap();
    Command::cargo_bin("compose2kube")
        .unwrap()
        .current_dir(dir)
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .env("NO_COLOR", "1")
        .env("KUBECONFIG", kubeconfig)
        .args(args)
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn apply_without_a_reachable_cluster_fails_with_exit_1_and_names_the_cluster() {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = unreachable_kubeconfig(dir.path());
    let started = Instant::now();
    let output = compose2kube(dir.path(), &kubeconfig, &["apply", "--timeout", "5s"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stderr(&output);
    assert!(
        text.contains("error: cannot reach the cluster at https://127.0.0.1:1"),
        "{text}"
    );
    assert!(!text.contains("panicked"), "{text}");
    assert!(output.stdout.is_empty(), "nothing was applied");
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn down_without_a_reachable_cluster_fails_with_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = unreachable_kubeconfig(dir.path());
    let output = compose2kube(dir.path(), &kubeconfig, &["down", "--timeout", "5s"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("cannot reach the cluster at https://127.0.0.1:1"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_missing_kubeconfig_or_context_is_exit_1_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let output = compose2kube(dir.path(), &dir.path().join("absent"), &["apply"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("cannot read the kubeconfig"),
        "{}",
        stderr(&output)
    );
    let kubeconfig = unreachable_kubeconfig(dir.path());
    let output = compose2kube(dir.path(), &kubeconfig, &["apply", "--context", "staging"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("staging"), "{}", stderr(&output));
}

#[test]
fn a_project_that_does_not_convert_is_never_sent() {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = unreachable_kubeconfig(dir.path());
    std::fs::write(
        dir.path().join("bad.yaml"),
        "services:\n  web:\n    image: nginx\n    ports: [\"notaport\"]\n",
    )
    .unwrap();
    let output = compose2kube(dir.path(), &kubeconfig, &["apply", "-f", "bad.yaml"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(text.contains("nothing was applied"), "{text}");
    assert!(!text.contains("cannot reach"), "{text}");
}

#[test]
fn down_and_apply_take_a_bare_dry_run_yes_and_continue_on_error() {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = unreachable_kubeconfig(dir.path());
    for args in [
        &["down", "--dry-run", "--yes", "--timeout", "5s"][..],
        &["down", "-y", "-n", "shop", "--timeout", "5s"],
        &["apply", "--dry-run", "--prune", "--timeout", "5s"],
        &["apply", "--continue-on-error", "--timeout", "5s"],
    ] {
        let output = compose2kube(dir.path(), &kubeconfig, args);
        // Accepted (not a usage error): they fail only because nothing answers.
        assert_eq!(
            output.status.code(),
            Some(1),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains("cannot reach the cluster"),
            "{args:?}"
        );
    }
}

#[test]
fn bad_apply_flags_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = unreachable_kubeconfig(dir.path());
    for args in [
        &["apply", "--timeout", "soon"][..],
        &["apply", "--dry-run=client"],
        &["down", "-n", "Not_A_Namespace"],
    ] {
        let output = compose2kube(dir.path(), &kubeconfig, args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}
