//! Corpus runs over the shared test corpus (`../shared/corpus` from the crate root, or the
//! directory named by `COMPOSE2KUBE_CORPUS`): Compose files written by others.
//!
//! - every Compose file loads without an error, except the expected failures listed in the
//!   corpus README, which fail with their own code at a place (and never panic);
//! - what `compose2kube config` prints for a file loads back to the same model, with no new
//!   diagnostics;
//! - every `.env` fixture parses, except the one that is invalid on purpose;
//! - compose2kube's YAML writer writes every object converted from the corpus, and every
//!   resolved project, byte for byte as serde-saphyr (the writer it replaced) does.
//!
//! Each file is loaded as `docker compose -f FILE` run in the file's directory, with an empty
//! process environment (so a sibling `.env` is read, as `cli/testdata` needs).
// Test helpers outside `#[test]` functions may panic too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use compose2kube::compose::{self, FileArg, LoadOptions, Loaded};
use compose2kube::diag::{Diagnostic, Severity};
use compose2kube::plan::ConvertOptions;
use compose2kube::source::SourceMap;

#[path = "../src/render/yaml/reference.rs"]
mod reference;

/// What a corpus file is expected to do, when it is not simply "loads without errors".
#[derive(Clone, Copy, Debug)]
enum Expect {
    /// `load` reports this error, at a place in a file.
    LoadError(&'static str),
    /// `load` succeeds; the check stage (`compose2kube::check`) reports this error.
    CheckError(&'static str),
}

/// The expected failures of `corpus/README.md`, by path below the corpus directory.
const EXPECTED_FAILURES: &[(&str, Expect)] = &[
    (
        "compose-go/loader/testdata/compose-include-cycle.yaml",
        Expect::LoadError("include-cycle"),
    ),
    // `extends.file: remote:…` is a remote source; compose2kube reads local files only.
    // (`remote/nested/compose-nested.yaml` is only the target of one: it loads.)
    (
        "compose-go/loader/testdata/remote/cycle/compose.yaml",
        Expect::LoadError("remote-source"),
    ),
    (
        "compose-go/loader/testdata/remote/cycle/compose-cycle.yaml",
        Expect::LoadError("remote-source"),
    ),
    (
        "compose-go/loader/testdata/remote/nested/compose.yaml",
        Expect::LoadError("remote-source"),
    ),
    (
        "compose-go/loader/testdata/compose-depends-on-cycle.yaml",
        Expect::CheckError("depends-on-cycle"),
    ),
    (
        "compose-go/loader/testdata/compose-depends-on-self.yaml",
        Expect::CheckError("depends-on-cycle"),
    ),
    // Not in the README's list, but byte for byte the same file as
    // `compose-depends-on-cycle.yaml` (upstream too): it loads, and the check stage must
    // find the same cycle.
    (
        "compose-go/loader/testdata/compose-depends-on-profile-no-cycle.yaml",
        Expect::CheckError("depends-on-cycle"),
    ),
    // Rejected by `docker compose config` too: a required env file that is not there, and
    // (read on its own, not through `extends`) services with neither image nor build.
    (
        "compose-go/loader/testdata/include/dir/compose.yaml",
        Expect::LoadError("cannot-read"),
    ),
    (
        "compose-go/loader/testdata/extends/base.yaml",
        Expect::CheckError("no-image"),
    ),
];

/// YAML files of the corpus that configure other tools, not Compose.
const NOT_COMPOSE: &[&str] = &[
    "awesome-compose/prometheus-grafana/grafana/datasource.yml",
    "awesome-compose/prometheus-grafana/prometheus/prometheus.yml",
];

/// The corpus; a missing corpus fails the tests (a run that read nothing proves nothing).
fn corpus_dir() -> PathBuf {
    let dir = std::env::var_os("COMPOSE2KUBE_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
        PathBuf::from,
    );
    dir.canonicalize()
        .unwrap_or_else(|error| panic!("the corpus is not at {}: {error}", dir.display()))
}

fn files_under(dir: &Path, keep: &dyn Fn(&Path) -> bool, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, keep, out);
        } else if keep(&path) {
            out.push(path);
        }
    }
}

/// Every Compose file of the corpus, by path below the corpus directory, sorted. In
/// `real-world/` a project's folder holds its Compose file as `compose.yaml` and under its
/// upstream name (`SOURCES.tsv`), beside configuration files of other tools and the files it
/// includes or extends: only those two are projects.
fn compose_files(corpus: &Path) -> Vec<(String, PathBuf)> {
    let mut files = Vec::new();
    let real_world = corpus.join("real-world");
    let sources = std::fs::read_to_string(real_world.join("SOURCES.tsv")).unwrap();
    let projects: BTreeSet<PathBuf> = sources
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut columns = line.split('\t');
            let folder = real_world.join(columns.next()?);
            let upstream = Path::new(columns.nth(1)?).file_name()?.to_owned();
            Some([folder.join("compose.yaml"), folder.join(upstream)])
        })
        .flatten()
        .collect();
    let is_yaml = |p: &Path| {
        if p.starts_with(&real_world) {
            return projects.contains(p);
        }
        p.extension().is_some_and(|e| e == "yaml" || e == "yml")
    };
    files_under(corpus, &is_yaml, &mut files);
    let mut named: Vec<(String, PathBuf)> = files
        .into_iter()
        .map(|path| {
            let relative = path
                .strip_prefix(corpus)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (relative, path)
        })
        .filter(|(relative, _)| !NOT_COMPOSE.contains(&relative.as_str()))
        .collect();
    named.sort();
    named
}

/// `docker compose -f FILE` run in the file's directory, with an empty environment.
fn load_file(path: &Path) -> Loaded {
    let options = LoadOptions {
        files: vec![FileArg::Path(path.to_path_buf())],
        interpolate: true,
        working_dir: path.parent().unwrap().to_path_buf(),
        ..LoadOptions::default()
    };
    compose::load(&options)
}

fn place(sources: &SourceMap, d: &compose2kube::diag::Diagnostic) -> Option<String> {
    let (file, location) = sources.location(d.span?)?;
    Some(format!(
        "{}:{}:{}",
        file.name, location.line, location.column
    ))
}

fn errors_of(diagnostics: &[compose2kube::diag::Diagnostic]) -> Vec<&'static str> {
    diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.code.as_str())
        .collect()
}

#[test]
fn every_corpus_file_loads_or_fails_as_expected() {
    let corpus = corpus_dir();
    let files = compose_files(&corpus);
    assert!(files.len() > 60, "only {} Compose files found", files.len());
    for (expected, _) in EXPECTED_FAILURES {
        assert!(
            files.iter().any(|(name, _)| name == expected),
            "{expected} is not in the corpus"
        );
    }

    let mut failures = Vec::new();
    for (name, path) in &files {
        let loaded = load_file(path);
        let load_errors: Vec<_> = loaded.diagnostics.iter().filter(|d| d.is_error()).collect();
        let expectation = EXPECTED_FAILURES
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, e)| *e);
        match expectation {
            None | Some(Expect::CheckError(_)) => {
                for d in &load_errors {
                    failures.push(format!(
                        "{name}: {}: {} [{}]",
                        place(&loaded.sources, d).unwrap_or_default(),
                        d.message,
                        d.code.as_str()
                    ));
                }
                if loaded.project.is_none() {
                    failures.push(format!("{name}: no project"));
                }
            }
            Some(Expect::LoadError(code)) => {
                let matching: Vec<_> = load_errors
                    .iter()
                    .filter(|d| d.code.as_str() == code)
                    .collect();
                if matching.is_empty() {
                    failures.push(format!(
                        "{name}: expected a `{code}` error, got {:?}",
                        load_errors
                            .iter()
                            .map(|d| d.code.as_str())
                            .collect::<Vec<_>>()
                    ));
                }
                for d in matching {
                    if place(&loaded.sources, d).is_none() {
                        failures.push(format!("{name}: the `{code}` error has no place"));
                    }
                }
            }
        }
        if expectation.is_none() {
            for d in compose2kube::check(&loaded).iter().filter(|d| d.is_error()) {
                failures.push(format!(
                    "{name}: check: {}: {} [{}]",
                    place(&loaded.sources, d).unwrap_or_default(),
                    d.message,
                    d.code.as_str()
                ));
            }
        }
        if let Some(Expect::CheckError(code)) = expectation {
            let checked = compose2kube::check(&loaded);
            let errors = errors_of(&checked);
            let located = checked
                .iter()
                .filter(|d| d.code.as_str() == code)
                .all(|d| place(&loaded.sources, d).is_some());
            let ok = errors.contains(&code) && located;
            if !ok {
                failures.push(format!(
                    "{name}: the check stage should report `{code}` at a place, got {errors:?}"
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} Compose files, failures:\n{}",
        files.len(),
        failures.join("\n")
    );
}

#[test]
fn config_output_of_every_corpus_file_loads_back_to_the_same_model() {
    let corpus = corpus_dir();
    let out = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let mut checked = 0;
    for (name, path) in compose_files(&corpus) {
        let loaded = load_file(&path);
        if loaded.diagnostics.has_errors() || loaded.project.is_none() {
            continue;
        }
        let yaml = match compose2kube::render::config::render(&loaded) {
            Ok(yaml) => yaml,
            Err(error) => {
                failures.push(format!("{name}: cannot render: {error}"));
                continue;
            }
        };
        let written = out.path().join("compose.yaml");
        std::fs::write(&written, &yaml).unwrap();
        // The same profiles: an `.env` beside the original may have set `COMPOSE_PROFILES`.
        let again = compose::load(&LoadOptions {
            files: vec![FileArg::Path(written.clone())],
            interpolate: true,
            working_dir: out.path().to_path_buf(),
            profiles: loaded.profiles.clone(),
            ..LoadOptions::default()
        });
        checked += 1;

        let before: BTreeSet<(&str, &str)> = loaded
            .diagnostics
            .iter()
            .map(|d| (d.code.as_str(), d.message.as_str()))
            .collect();
        for d in again
            .diagnostics
            .iter()
            .filter(|d| !before.contains(&(d.code.as_str(), d.message.as_str())))
        {
            failures.push(format!(
                "{name}: new diagnostic after the round trip: {}: {} [{}]\n{yaml}",
                place(&again.sources, d).unwrap_or_default(),
                d.message,
                d.code.as_str()
            ));
        }
        // `config` writes the resolved name and drops the obsolete `version`: compare the
        // rest (the name is compared below).
        let without_name = |loaded: &Loaded| {
            loaded.project.clone().map(|mut project| {
                project.name = None;
                project.version = None;
                project
            })
        };
        if without_name(&again) != without_name(&loaded) {
            failures.push(format!(
                "{name}: the model changed in the round trip\n--- config output:\n{yaml}\n--- config output of that:\n{}",
                compose2kube::render::config::render(&again).unwrap_or_default()
            ));
        }
        if again.name != loaded.name {
            failures.push(format!(
                "{name}: the project name changed from {} to {}",
                loaded.name, again.name
            ));
        }
    }
    assert!(checked > 60, "only {checked} files round-tripped");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_dotenv_fixture_parses_except_the_invalid_one() {
    let corpus = corpus_dir();
    let fixtures = corpus.join("compose-go/dotenv/fixtures");
    let mut files = Vec::new();
    files_under(&fixtures, &|_| true, &mut files);
    files.sort();
    assert!(files.len() >= 10);
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let mut sources = SourceMap::new();
        let id = sources.add(name.clone(), Some(path.clone()), &fixtures, text.as_str());
        let mut diagnostics = compose2kube::diag::Diagnostics::new();
        let lookup = |_: &str| None;
        let vars = compose::dotenv::parse(id, &text, &lookup, &mut diagnostics);
        let codes: Vec<&str> = diagnostics.iter().map(|d| d.code.as_str()).collect();
        if name == "invalid1.env" {
            assert!(codes.contains(&"env-file-syntax"), "{name}: {codes:?}");
            assert!(
                diagnostics
                    .iter()
                    .all(|d| d.span.and_then(|s| sources.location(s)).is_some()),
                "{name}: the errors have a place"
            );
        } else {
            assert!(!diagnostics.has_errors(), "{name}: {codes:?}");
            assert!(
                !vars.is_empty() || text.trim().is_empty(),
                "{name}: no variables"
            );
        }
    }
}

/// The YAML writer against serde-saphyr on what compose2kube writes: every object converted
/// from the corpus at four indentations, and each object and resolved project (what `config`
/// prints) as the JSON values the Helm, Kustomize and `config` outputs are made of.
#[test]
fn every_object_of_the_corpus_is_written_as_serde_saphyr_writes_it() {
    let corpus = corpus_dir();
    let mut differences = Vec::new();
    let mut objects = 0;
    for (name, path) in compose_files(&corpus) {
        let loaded = load_file(&path);
        let Some(project) = &loaded.project else {
            continue;
        };
        // What `config` prints is the resolved project, as a JSON value.
        let config = serde_json::to_value(project).unwrap();
        let mut values = vec![("the project".to_owned(), config)];
        if !compose2kube::check(&loaded)
            .iter()
            .any(Diagnostic::is_error)
        {
            let converted = compose2kube::convert(&loaded, &ConvertOptions::default());
            for object in &converted.objects() {
                let what = format!("{} {}", object.kind(), object.name());
                values.push((what, serde_json::to_value(object).unwrap()));
                objects += 1;
                for indent in [1, 2, 3, 4] {
                    let ours = compose2kube::render::to_yaml_indented(object, indent).unwrap();
                    if ours != reference::reference(object, indent) {
                        differences.push(format!(
                            "{name}: {} {} (indent {indent})",
                            object.kind(),
                            object.name()
                        ));
                    }
                }
            }
        }
        for (what, value) in &values {
            if compose2kube::render::to_yaml(value).unwrap() != reference::reference(value, 2) {
                differences.push(format!("{name}: {what} as a JSON value"));
            }
        }
    }
    assert!(objects > 2000, "only {objects} objects written");
    assert!(differences.is_empty(), "{differences:#?}");
}
