//! Docker Compose decides what loads. These tests hold compose2kube to the reference loader,
//! `docker compose config` (Docker Compose v2.40.3, `tools/docker-compose`, installed from PyPI
//! and cached on first use): every Compose file of the shared corpus and of
//! `tests/fixtures/parity/` must be accepted or rejected by both, and load to the same model
//! after normalisation (`tools/config-parity`); `config` output must load in both tools; and
//! each divergence once found has its fixture and a test named after it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use compose2kube::compose::{LoadOptions, Loaded, load};
use compose2kube::diag::{Code, Diagnostic, Severity};
use compose2kube::plan::ConvertOptions;
use compose2kube::plan::storage::VolumeSource;
use compose2kube::source::Spanned;

const OURS: &str = env!("CARGO_BIN_EXE_compose2kube");

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    repo()
        .join("tests/fixtures/parity")
        .join(name)
        .join("compose.yaml")
}

/// Runs `tools/config-parity` on `paths` and returns its output; the last line is the summary.
fn config_parity(paths: &[&Path]) -> String {
    let output = Command::new(repo().join("tools/config-parity"))
        .arg("--ours")
        .arg(OURS)
        .args(paths)
        .output()
        .expect("tools/config-parity runs (it needs python3 and pip for the reference)");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stdout.contains("config parity:"),
        "config-parity failed to run:\n{stdout}\n{stderr}"
    );
    stdout
}

/// Asserts that the summary line says every file is identical.
fn assert_every_file_identical(output: &str) {
    let last = output.lines().last().unwrap_or_default();
    let counts = last
        .strip_prefix("config parity: ")
        .and_then(|rest| rest.split_once(" files identical"))
        .and_then(|(counts, _)| counts.split_once('/'))
        .unwrap_or_else(|| panic!("unexpected summary: {last}"));
    assert!(
        counts.0 == counts.1 && counts.1 != "0",
        "not every file loads as docker compose config loads it:\n{output}"
    );
}

#[test]
fn every_corpus_file_loads_as_docker_compose_config_loads_it() {
    let corpus = repo().join("../shared/corpus");
    assert!(
        corpus.is_dir(),
        "the shared corpus is missing: {}",
        corpus.display()
    );
    assert_every_file_identical(&config_parity(&[&corpus]));
}

#[test]
fn every_parity_fixture_loads_as_docker_compose_config_loads_it() {
    assert_every_file_identical(&config_parity(&[&repo().join("tests/fixtures/parity")]));
}

/// `docker compose -f FILE config` (the reference), run with an empty environment.
fn reference_config(file: &Path) -> std::process::Output {
    let home = tempfile::tempdir().unwrap();
    Command::new(repo().join("tools/docker-compose"))
        .arg("-f")
        .arg(file)
        .arg("config")
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", home.path())
        .env(
            "XDG_CACHE_HOME",
            std::env::var_os("XDG_CACHE_HOME").unwrap_or_else(|| {
                PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
                    .join(".cache")
                    .into_os_string()
            }),
        )
        .current_dir(file.parent().unwrap())
        .output()
        .unwrap()
}

fn our_config(file: &Path) -> std::process::Output {
    Command::new(OURS)
        .arg("config")
        .arg("-f")
        .arg(file)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .current_dir(file.parent().unwrap())
        .output()
        .unwrap()
}

#[test]
fn config_output_loads_in_both_tools_and_again_to_the_same_output() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(repo().join("tests/fixtures/parity"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    let mut checked = 0;
    for dir in dirs {
        let file = dir.join("compose.yaml");
        let first = our_config(&file);
        if !first.status.success() {
            continue; // a project both tools reject
        }
        let out = tempfile::tempdir().unwrap();
        let written = out.path().join("compose.yaml");
        std::fs::write(&written, &first.stdout).unwrap();
        let reference = reference_config(&written);
        assert!(
            reference.status.success(),
            "docker compose rejects the config output of {}:\n{}\n{}",
            dir.display(),
            String::from_utf8_lossy(&reference.stderr),
            String::from_utf8_lossy(&first.stdout)
        );
        let again = our_config(&written);
        assert!(again.status.success(), "{}", dir.display());
        assert_eq!(
            String::from_utf8_lossy(&again.stdout),
            String::from_utf8_lossy(&first.stdout),
            "{}: config output is not stable",
            dir.display()
        );
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} fixtures checked");
}

// ---- one test per divergence ----------------------------------------------------------------

fn load_fixture(name: &str) -> Loaded {
    let mut options = LoadOptions::for_files([fixture(name)]);
    options.environment.clear();
    load(&options)
}

fn checked(loaded: &Loaded) -> Vec<Diagnostic> {
    compose2kube::check(loaded)
}

fn codes(diagnostics: &[Diagnostic]) -> Vec<(Code, Severity)> {
    diagnostics.iter().map(|d| (d.code, d.severity)).collect()
}

fn converted(loaded: &Loaded) -> compose2kube::Converted {
    compose2kube::convert(loaded, &ConvertOptions::default())
}

fn names<'a>(keys: impl Iterator<Item = &'a Spanned<String>>) -> Vec<&'a str> {
    keys.map(Spanned::as_str).collect()
}

fn command_of(loaded: &Loaded, service: &str) -> Vec<String> {
    let project = loaded.project.as_ref().unwrap();
    project.services[service].command.clone().unwrap().value.0
}

#[test]
fn compose_project_name_is_set_for_interpolation() {
    let loaded = load_fixture("project-name-variable");
    assert!(checked(&loaded).is_empty(), "{:?}", checked(&loaded));
    assert_eq!(command_of(&loaded, "web"), ["echo", "Welcome to greeter"]);
    let project = loaded.project.as_ref().unwrap();
    assert_eq!(
        project.configs["welcome"]
            .content
            .as_ref()
            .unwrap()
            .as_str(),
        "Welcome to greeter"
    );
}

#[test]
fn an_invalid_top_level_name_is_normalised_with_a_warning() {
    let loaded = load_fixture("project-name-normalised");
    assert_eq!(loaded.name, "myapp");
    assert_eq!(command_of(&loaded, "web"), ["echo", "myapp"]);
    assert_eq!(
        codes(&checked(&loaded)),
        [(Code::InvalidValue, Severity::Warning)]
    );
}

#[test]
fn a_service_with_the_empty_profile_is_enabled_by_default() {
    let loaded = load_fixture("empty-profile");
    let project = loaded.project.as_ref().unwrap();
    assert!(project.services.contains_key("web"));
    assert_eq!(loaded.inactive_services, ["debugger"]);
    let mut options = LoadOptions::for_files([fixture("empty-profile")]);
    options.profiles = vec!["other".into()];
    let loaded = load(&options);
    assert!(loaded.project.as_ref().unwrap().services.is_empty());
}

#[test]
fn resources_no_enabled_service_uses_are_dropped_and_get_no_claim() {
    let loaded = load_fixture("unused-resources");
    let project = loaded.project.as_ref().unwrap();
    assert_eq!(names(project.volumes.keys()), ["site"]);
    assert_eq!(names(project.networks.keys()), ["front"]);
    assert!(project.secrets.is_empty() && project.configs.is_empty());
    let converted = converted(&loaded);
    let claims: Vec<&str> = converted
        .plan
        .claims
        .iter()
        .map(|c| c.volume.as_str())
        .collect();
    assert_eq!(claims, ["site"]);
}

#[test]
fn a_string_command_stops_at_and_and_with_a_warning_suggesting_sh_c() {
    let loaded = load_fixture("command-and-and");
    assert_eq!(command_of(&loaded, "migrate"), ["app", "migrate", "up"]);
    assert_eq!(
        command_of(&loaded, "quoted"),
        [
            "sh",
            "-c",
            "app migrate up && app migrate finish",
            "n",
            "$(date +%s)",
            r"a\b"
        ]
    );
    let project = loaded.project.as_ref().unwrap();
    assert_eq!(
        project.services["redirect"]
            .entrypoint
            .clone()
            .unwrap()
            .value
            .0,
        ["app", "serve"]
    );
    let found = checked(&loaded);
    assert_eq!(
        codes(&found),
        [
            (Code::ShellOperatorInCommand, Severity::Warning),
            (Code::ShellOperatorInCommand, Severity::Warning)
        ]
    );
    let help = found[0].help.as_deref().unwrap();
    assert!(
        help.contains("sh -c 'app migrate up && app migrate finish'"),
        "{help}"
    );
}

#[test]
fn two_services_with_one_container_name_are_rejected() {
    let found = checked(&load_fixture("duplicate-container-name"));
    assert_eq!(
        codes(&found),
        [(Code::DuplicateContainerName, Severity::Error)]
    );
    assert!(found[0].span.is_some() && found[0].help.is_some());
}

#[test]
fn a_missing_required_env_file_is_rejected_at_load() {
    let loaded = load_fixture("missing-env-file");
    let errors: Vec<&Diagnostic> = loaded.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].code, Code::CannotRead);
    assert!(
        errors[0].message.contains("missing.env"),
        "{}",
        errors[0].message
    );
    let location = loaded.sources.location(errors[0].span.unwrap()).unwrap().1;
    assert_eq!((location.line, location.column), (8, 9));
}

#[test]
fn env_files_are_read_at_load_and_their_syntax_errors_reported_by_check() {
    let loaded = load_fixture("env-file");
    assert!(checked(&loaded).is_empty(), "{:?}", checked(&loaded));
    let converted = converted(&loaded);
    let env = converted
        .plan
        .config_maps
        .iter()
        .find(|c| c.name == "web-env")
        .unwrap();
    assert_eq!(env.data["GREETING"], "hello");
    assert_eq!(env.data["PROJECT"], "env-file");
    assert_eq!(env.data["RAW"], "$NOT_INTERPOLATED");

    let project = tempfile::tempdir().unwrap();
    std::fs::write(
        project.path().join("compose.yaml"),
        "services:\n  web:\n    image: nginx\n    env_file: [bad.env]\n",
    )
    .unwrap();
    std::fs::write(project.path().join("bad.env"), "GOOD=1\nBAD='unclosed\n").unwrap();
    let mut options = LoadOptions::for_files([project.path().join("compose.yaml")]);
    options.environment.clear();
    let found = checked(&load(&options));
    assert!(
        found
            .iter()
            .any(|d| d.code == Code::EnvFileSyntax && d.is_error()),
        "{found:?}"
    );
}

#[test]
fn a_service_with_neither_image_nor_build_is_rejected() {
    let found = checked(&load_fixture("no-image"));
    assert_eq!(codes(&found), [(Code::NoImage, Severity::Error)]);
}

#[test]
fn an_unknown_volume_mode_mounts_read_write_with_a_did_you_mean_warning() {
    let loaded = load_fixture("unknown-volume-mode");
    let found = checked(&loaded);
    assert_eq!(
        codes(&found),
        [
            (Code::UnknownVolumeMode, Severity::Warning),
            (Code::UnknownVolumeMode, Severity::Warning)
        ]
    );
    assert_eq!(
        found[0].help.as_deref(),
        Some("did you mean `ro,z`? Options are separated by commas")
    );
    let volumes = &loaded.project.as_ref().unwrap().services["web"].volumes;
    assert!(volumes.iter().all(|v| !v.read_only));
    assert!(converted(&loaded).report.errors().is_empty());
}

#[test]
fn no_enabled_service_is_a_warning_listing_the_profiles() {
    let loaded = load_fixture("no-enabled-service");
    let found = checked(&loaded);
    assert_eq!(codes(&found), [(Code::NoEnabledService, Severity::Warning)]);
    assert!(
        found[0].message.contains("`dev`, `test`"),
        "{}",
        found[0].message
    );
    assert!(found[0].help.as_deref().unwrap().contains("--profile '*'"));
    // Valid, as Docker Compose has it: `convert` exits 0 and says why there is nothing.
    let output = Command::new(OURS)
        .args(["convert", "-f"])
        .arg(fixture("no-enabled-service"))
        .output()
        .unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no-enabled-service"), "{stderr}");
}

#[test]
fn a_decimal_file_mode_warns_and_converts_as_the_octal_mode_it_spells() {
    let loaded = load_fixture("decimal-mode");
    let found = checked(&loaded);
    assert_eq!(codes(&found), [(Code::DecimalFileMode, Severity::Warning)]);
    assert!(found[0].message.contains("0644"), "{}", found[0].message);
    let converted = converted(&loaded);
    let modes: Vec<Option<i32>> = converted.plan.workloads[0]
        .volumes
        .iter()
        .filter_map(|v| match &v.source {
            VolumeSource::Secret(secret) => Some(secret),
            _ => None,
        })
        .flat_map(|s| s.items.iter().flatten().map(|i| i.mode))
        .collect();
    assert_eq!(modes, [Some(0o644), Some(0o644), Some(0o440)]);
    assert!(
        converted
            .report
            .to_diagnostics()
            .iter()
            .any(|d| d.message.contains("converted as 0644")),
        "the plan says which mode it chose"
    );
}

#[test]
fn a_container_outside_the_project_is_valid_compose_but_not_convertible() {
    let loaded = load_fixture("container-outside");
    assert!(checked(&loaded).is_empty());
    let converted = converted(&loaded);
    assert_eq!(
        converted.report.errors().first().map(|d| d.code),
        Some(Code::NetworkModeUnknownTarget)
    );
}
