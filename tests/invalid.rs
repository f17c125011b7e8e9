//! Invalid Compose files of our own (`tests/fixtures/invalid/*.yaml`): each says in
//! `# expect: CODE LINE:COLUMN` comments exactly which diagnostics `check` must report, and the
//! test fails on a missing, a moved or an extra one. Nothing may panic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};

use compose2kube::compose::{LoadOptions, load};
use compose2kube::diag::Severity;

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

/// `code line:column` of every `# expect:` comment.
fn expected(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("# expect: "))
        .map(str::to_owned)
        .collect()
}

/// `code line:column` of every diagnostic `check` reports, in order, loaded with an
/// environment that sets nothing.
fn reported(path: &Path) -> (Vec<String>, bool) {
    let mut options = LoadOptions::for_files([path.to_path_buf()]);
    options.environment.clear();
    let loaded = load(&options);
    let diagnostics = compose2kube::check(&loaded);
    let errors = diagnostics.iter().any(|d| d.severity == Severity::Error);
    let places = diagnostics
        .iter()
        .map(|d| {
            let place = d
                .span
                .and_then(|s| loaded.sources.location(s))
                .map(|(_, l)| format!("{}:{}", l.line, l.column))
                .unwrap_or_default();
            format!("{} {place}", d.code.as_str())
        })
        .collect();
    (places, errors)
}

#[test]
fn every_invalid_fixture_reports_exactly_its_expected_diagnostics() {
    let files = fixtures();
    assert!(files.len() >= 20, "fixtures missing: {files:?}");
    let mut failures = Vec::new();
    for file in &files {
        let expected = expected(file);
        assert!(
            !expected.is_empty(),
            "{} has no `# expect:`",
            file.display()
        );
        let (reported, _) = reported(file);
        if reported != expected {
            failures.push(format!(
                "{}:\n  expected {expected:?}\n  reported {reported:?}",
                file.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_code_of_the_check_stage_has_a_fixture() {
    let all: Vec<String> = fixtures().iter().flat_map(|f| expected(f)).collect();
    for code in [
        "undefined-service",
        "undefined-network",
        "undefined-volume",
        "undefined-config",
        "undefined-secret",
        "depends-on-cycle",
        "network-mode-with-networks",
        "network-mode-unknown-target",
        "network-mode-cycle",
        "container-name-with-replicas",
        "conflicting-settings",
        "duplicate-mount-target",
        "invalid-healthcheck",
        "secret-without-source",
        "external-with-attributes",
        "key-on-shared-network",
        "host-mode-ports",
        "network-mode-extra-network",
        "invalid-duration",
        "invalid-port",
        "invalid-byte-size",
    ] {
        assert!(
            all.iter().any(|e| e.starts_with(&format!("{code} "))),
            "no fixture expects {code}"
        );
    }
}

/// `check` on a file with three independent mistakes: three located diagnostics in one run,
/// exit 1; as JSON for CI tools.
#[test]
fn three_mistakes_are_reported_together_and_fail_the_run() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid");
    let mut command = assert_cmd::cargo::cargo_bin_cmd!("compose2kube");
    let output = command
        .env_clear()
        .env("NO_COLOR", "1")
        .current_dir(&dir)
        .args(["check", "-f", "three-mistakes.yaml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8_lossy(&output.stderr);
    for place in [
        "three-mistakes.yaml:7:5",
        "three-mistakes.yaml:8:18",
        "three-mistakes.yaml:12:16",
    ] {
        assert!(text.contains(place), "{place} missing:\n{text}");
    }
    assert_eq!(text.matches("help:").count(), 3, "{text}");
    assert!(text.trim_end().ends_with("3 errors, 0 warnings"), "{text}");

    let mut command = assert_cmd::cargo::cargo_bin_cmd!("compose2kube");
    let output = command
        .env_clear()
        .current_dir(&dir)
        .args(["check", "-f", "three-mistakes.yaml", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let codes: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["unknown-key", "depends-on-cycle", "undefined-network"]
    );
}

/// Warnings alone pass, unless `--strict`.
#[test]
fn warnings_fail_only_with_strict() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid");
    let status = |strict: bool| {
        let mut command = assert_cmd::cargo::cargo_bin_cmd!("compose2kube");
        command
            .env_clear()
            .current_dir(&dir)
            .args(["check", "-f", "host-mode-ports.yaml"]);
        if strict {
            command.arg("--strict");
        }
        command.output().unwrap().status.code()
    };
    assert_eq!(status(false), Some(0));
    assert_eq!(status(true), Some(1));
}
