//! The shared validator (`../shared/tools/validate-k8s --strict-refs`: the strict schema of
//! Kubernetes 1.33 and the API's field rules) over the output of every fixture and every
//! awesome-compose file, and the behavioural score of the whole corpus (`score-corpus`).
//!
//! The validator installs its virtualenv from PyPI on first use. When it cannot run at all the
//! tests fail and say why: a conversion that was never validated must not pass.

use std::process::Command;

use crate::fixtures::{
    Fixture, app_name, convert_file, corpus_dir, corpus_files, on_two_threads, validate,
};

#[test]
fn the_validator_reports_invalid_objects() {
    let invalid = "apiVersion: v1\nkind: Service\nmetadata:\n  name: Not_Valid\nspec:\n  ports:\n  - port: 80\n    nodePort: 30000\n";
    let report = validate(invalid).expect_err("an invalid Service");
    assert!(report.contains("Not_Valid"), "{report}");
}

#[test]
fn every_fixture_output_passes_the_validator() {
    let fixtures = Fixture::all();
    let failures = on_two_threads(&fixtures, |fixture| {
        let output = fixture.convert();
        if !output.errors().is_empty() {
            // Only `bind-error` (see field_rules); it emits nothing on the command line.
            return None;
        }
        let stream = format!("{}{}", output.yaml, fixture.cluster_objects());
        validate(&stream)
            .err()
            .map(|report| format!("{}:\n{report}", fixture.name))
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_corpus_output_passes_the_validator() {
    let files = corpus_files();
    let failures = on_two_threads(&files, |file| {
        let output = convert_file(file, &[], indexmap::IndexMap::new());
        if !output.errors().is_empty() {
            return Some(format!("{}: {:?}", app_name(file), output.errors()));
        }
        validate(&output.yaml)
            .err()
            .map(|report| format!("{}:\n{report}", app_name(file)))
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// What `score-corpus` said of a corpus: its output and the `converted`, `valid` and
/// `fidelity` figures of its last line.
struct Score {
    text: String,
    converted: (u32, u32),
    valid: (u32, u32),
    fidelity: (u32, u32),
}

/// Runs the repository's `tools/score-corpus` (the shared script, with the reference Docker
/// Compose beside it, so that projects whose every service has a profile are scored with their
/// profiles on) with the real binary over one corpus.
fn score(corpus: &std::path::Path) -> Score {
    let out = tempfile::tempdir().expect("a temporary directory");
    let command = format!("{} convert -f", env!("CARGO_BIN_EXE_compose2kube"));
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/score-corpus");
    let output = Command::new(&script)
        .arg(&command)
        .arg(corpus)
        .arg(out.path())
        .output()
        .unwrap_or_else(|error| panic!("score-corpus cannot run ({}): {error}", script.display()));
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let last = text.lines().last().unwrap_or_default();
    let figures: Vec<(u32, u32)> = last
        .split_whitespace()
        .filter_map(|field| field.split_once('=')?.1.split_once('/'))
        .filter_map(|(got, of)| Some((got.parse().ok()?, of.parse().ok()?)))
        .collect();
    let [converted, valid, fidelity] = figures[..] else {
        panic!(
            "score-corpus gave no score:\n{text}{}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    Score {
        text,
        converted,
        valid,
        fidelity,
    }
}

/// Every awesome-compose app must convert, validate, and keep every checked behaviour.
#[test]
fn the_corpus_converts_validates_and_keeps_its_behaviour() {
    let score = score(&corpus_dir());
    let apps = u32::try_from(corpus_files().len()).unwrap();
    let text = &score.text;
    assert_eq!(score.converted, (apps, apps), "{text}");
    assert_eq!(score.valid, (apps, apps), "{text}");
    assert!(
        score.fidelity.1 > 0 && score.fidelity.0 == score.fidelity.1,
        "{text}"
    );
}

/// Every project of the real-world corpus (self-hosted stacks as their users wrote them)
/// converts into valid objects that keep every checked behaviour: every service answers at its
/// name and its `container_name`, on its container ports, names that are no DNS labels are
/// carried over, published ports stay reachable.
#[test]
fn the_real_world_corpus_converts_validates_and_keeps_its_behaviour() {
    let score = score(&corpus_dir().join("../real-world"));
    let text = &score.text;
    let files = score.converted.1;
    assert!(files >= 64, "{text}");
    assert_eq!(score.converted, (files, files), "{text}");
    assert_eq!(score.valid, (files, files), "{text}");
    assert!(
        score.fidelity.1 > 0 && score.fidelity.0 == score.fidelity.1,
        "{text}"
    );
}
