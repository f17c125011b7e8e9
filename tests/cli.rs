//! The `compose2kube` command end to end: what it prints where, and its exit codes
//! (0 ok, 1 invalid input or output that cannot be written, 2 usage error).
// Test helpers outside `#[test]` functions may panic too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;
use std::process::Output;

fn compose2kube(dir: &Path) -> assert_cmd::Command {
    let mut command = assert_cmd::cargo::cargo_bin_cmd!("compose2kube");
    // The real environment must not leak in (COMPOSE_FILE, COMPOSE_PROFILES, …).
    command.env_clear().env("NO_COLOR", "1").current_dir(dir);
    command
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn project(compose: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("compose.yaml"), compose).unwrap();
    dir
}

fn run(command: &mut assert_cmd::Command) -> Output {
    command.output().unwrap()
}

#[test]
fn config_prints_the_resolved_project_as_yaml_and_exits_0() {
    let dir = project("services:\n  web:\n    image: app:${TAG}\n    ports: ['8080:80']\n");
    std::fs::write(dir.path().join(".env"), "TAG=1.0\n").unwrap();
    let output = run(compose2kube(dir.path()).args(["config", "-p", "demo"]));
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(stdout.starts_with("name: demo\n"), "{stdout}");
    assert!(stdout.contains("image: app:1.0"), "{stdout}");
    assert!(stdout.contains("target: 80"), "{stdout}");
    assert!(text(&output.stderr).is_empty(), "{}", text(&output.stderr));
}

#[test]
fn config_reads_standard_input_with_f_dash() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(compose2kube(dir.path())
        .args(["-f", "-", "-p", "demo", "config"])
        .write_stdin("services:\n  web:\n    image: nginx\n"));
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("image: nginx"));
}

#[test]
fn config_on_a_broken_file_prints_nothing_on_stdout_and_exits_1() {
    let dir = project("services:\n  web: [unclosed\n");
    let output = run(compose2kube(dir.path()).arg("config"));
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty(), "{}", text(&output.stdout));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("yaml-syntax"), "{stderr}");
    assert!(
        stderr.contains("compose.yaml:2"),
        "the error is located: {stderr}"
    );
}

#[test]
fn config_on_an_invalid_model_prints_nothing_on_stdout_and_exits_1() {
    let dir = project("services:\n  web:\n    image: a\n    ports: ['99999']\n");
    let output = run(compose2kube(dir.path()).arg("config"));
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty(), "{}", text(&output.stdout));
}

#[test]
fn warnings_are_printed_but_exit_0_unless_strict() {
    let dir = project("version: '3'\nservices:\n  web:\n    image: a\n");
    let output = run(compose2kube(dir.path()).arg("check"));
    assert_eq!(output.status.code(), Some(0));
    assert!(text(&output.stderr).contains("obsolete-version"));
    let output = run(compose2kube(dir.path()).args(["check", "--strict"]));
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn check_prints_json_on_stdout() {
    let dir = project("services:\n  web:\n    image: a\n    extends: nope\n");
    let output = run(compose2kube(dir.path()).args(["check", "--format", "json"]));
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(
        json.to_string().contains("extends-unknown-service"),
        "{json}"
    );
}

#[test]
fn missing_compose_file_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(compose2kube(dir.path()).args(["config", "-f", "nope.yaml"]));
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    assert!(text(&output.stderr).contains("cannot-read"));
}

#[test]
fn refusing_to_overwrite_a_users_file_is_an_output_exists_diagnostic() {
    let dir = project("services:\n  web:\n    image: nginx\n");
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("web-deployment.yaml"), "# mine\n").unwrap();
    let output = run(compose2kube(dir.path()).args(["convert", "-o", "out"]));
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.starts_with("output-exists\n")
            && stderr
                .contains("out/web-deployment.yaml exists and was not written by compose2kube")
            && stderr.contains("help: move or rename the file, or pass `--force` to overwrite it")
            && stderr.ends_with("1 service, 0 objects, 1 error, 0 warnings, 0 notes\n"),
        "{stderr}"
    );
    // The JSON report carries it too.
    let output =
        run(compose2kube(dir.path()).args(["convert", "-o", "out", "--report-format", "json"]));
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["diagnostics"][0]["code"], "output-exists", "{json}");
    assert_eq!(json["errors"], 1, "{json}");
    assert_eq!(
        std::fs::read_to_string(out.join("web-deployment.yaml")).unwrap(),
        "# mine\n"
    );
}

#[test]
fn a_failed_write_is_a_cannot_write_diagnostic() {
    let dir = project("services:\n  web:\n    image: nginx\n");
    // A file where the output directory should be.
    std::fs::write(dir.path().join("out"), "not a directory\n").unwrap();
    let output = run(compose2kube(dir.path()).args(["convert", "-o", "out/all.yaml"]));
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.starts_with("cannot-write\n")
            && stderr.contains("cannot write out")
            && stderr.contains("help: "),
        "{stderr}"
    );
    assert!(!stderr.contains("error: "), "{stderr}");
}

#[test]
fn completion_bash_prints_a_script() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(compose2kube(dir.path()).args(["completion", "bash"]));
    assert_eq!(output.status.code(), Some(0));
    let script = text(&output.stdout);
    assert!(script.contains("_compose2kube()"), "{script}");
    assert!(script.contains("complete -F _compose2kube"), "{script}");
}

#[test]
fn help_works_for_each_command() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["--help"][..],
        &["check", "--help"],
        &["config", "--help"],
        &["completion", "--help"],
        &["help", "config"],
    ] {
        let output = run(compose2kube(dir.path()).args(args));
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        let stdout = text(&output.stdout);
        assert!(stdout.contains("Usage: compose2kube"), "{args:?}: {stdout}");
    }
}

#[test]
fn version_is_printed() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(compose2kube(dir.path()).arg("--version"));
    assert_eq!(output.status.code(), Some(0));
    assert!(text(&output.stdout).starts_with("compose2kube "));
}

#[test]
fn unknown_flag_exits_2() {
    let dir = project("services: {}\n");
    let output = run(compose2kube(dir.path()).args(["config", "--no-such-flag"]));
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert!(text(&output.stderr).contains("--no-such-flag"));
}

#[test]
fn missing_command_exits_2() {
    let dir = project("services: {}\n");
    let output = run(&mut compose2kube(dir.path()));
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn explain_lists_the_translation_report_and_fails_on_it_only_with_strict() {
    let dir = project("services:\n  web:\n    image: nginx\n    ulimits:\n      nofile: 1024\n");
    let output = run(compose2kube(dir.path()).arg("explain"));
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(
        text(&output.stdout).contains("`ulimits` of service `web`"),
        "{}",
        text(&output.stdout)
    );
    let strict = run(compose2kube(dir.path()).args(["explain", "--strict"]));
    assert_eq!(strict.status.code(), Some(1));
    let json = run(compose2kube(dir.path()).args(["explain", "--format", "json"]));
    assert_eq!(
        json.status.code(),
        Some(2),
        "explain is for people; JSON is `check`'s"
    );
}

#[test]
fn the_report_follows_the_objects_when_both_go_to_one_file() {
    // Notes to report: a published port and a dependency.
    let dir = project(
        "services:\n  web:\n    image: nginx\n    ports: [\"8080:80\"]\n    depends_on: [db]\n  db:\n    image: postgres\n",
    );
    let apart = run(compose2kube(dir.path()).arg("convert"));
    assert_eq!(apart.status.code(), Some(0));
    assert!(text(&apart.stderr).contains("☞"), "{}", text(&apart.stderr));
    // One file behind both standard output and standard error, as `2>&1` gives: the report
    // is held until the objects are out, never interleaved with them.
    let path = dir.path().join("both.txt");
    let file = std::fs::File::create(&path).unwrap();
    let status = std::process::Command::new(assert_cmd::cargo::cargo_bin!("compose2kube"))
        .env_clear()
        .env("NO_COLOR", "1")
        .current_dir(dir.path())
        .arg("convert")
        .stdout(file.try_clone().unwrap())
        .stderr(file)
        .status()
        .unwrap();
    assert!(status.success());
    let both = std::fs::read(&path).unwrap();
    assert_eq!(text(&both), text(&[apart.stdout, apart.stderr].concat()));
}
