//! `compose2kube convert` keeps its output byte for byte: every application of the shared
//! corpus (`../shared/corpus/awesome-compose` and `../shared/corpus/real-world`, each folder
//! that holds a `compose.yaml` or `compose.yml`) is converted as a user runs it, in its folder
//! with no arguments and an empty environment, and compared with `tests/golden/convert.tsv`:
//! the exit code, the sha256 of standard output and the report's summary line (the report
//! itself names absolute paths and wraps by their length, so only its counts are compared).
//!
//! The golden list was made from the code before the performance work of issue 12. A change
//! of output on purpose regenerates it with one command:
//!
//! ```sh
//! UPDATE_GOLDEN=1 cargo test --test golden
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

const GOLDEN: &str = "tests/golden/convert.tsv";
const HEADER: &str = "\
# compose2kube convert, run without arguments in each corpus application's folder with an empty environment:
# folder, exit code, sha256 of standard output, the report's summary line. Regenerate: UPDATE_GOLDEN=1 cargo test --test golden
";

fn crate_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every application folder, as `awesome-compose/<app>` or `real-world/<app>`, sorted.
fn applications(corpus: &Path) -> Vec<String> {
    let mut apps = Vec::new();
    for part in ["awesome-compose", "real-world"] {
        let dir = corpus.join(part);
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|error| panic!("the corpus is not at {}: {error}", dir.display()));
        for entry in entries {
            let path = entry.unwrap().path();
            if path.join("compose.yaml").is_file() || path.join("compose.yml").is_file() {
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                apps.push(format!("{part}/{name}"));
            }
        }
    }
    apps.sort();
    apps
}

/// One line of the golden list for an application: exit code, output hash, summary line.
fn convert(dir: &Path) -> String {
    let output = assert_cmd::Command::cargo_bin("compose2kube")
        .unwrap()
        .arg("convert")
        .current_dir(dir)
        .env_clear()
        .output()
        .unwrap();
    let hash = Sha256::digest(&output.stdout)
        .iter()
        .fold(String::new(), |mut hex, byte| {
            write!(hex, "{byte:02x}").unwrap();
            hex
        });
    let stderr = String::from_utf8_lossy(&output.stderr);
    let summary = stderr.lines().last().unwrap_or_default();
    let code = output
        .status
        .code()
        .map_or("signal".into(), |c| c.to_string());
    format!("{code}\t{hash}\t{summary}")
}

#[test]
fn convert_output_of_every_corpus_application_matches_the_golden_list() {
    let corpus = crate_root().join("../shared/corpus");
    let actual: BTreeMap<String, String> = applications(&corpus)
        .into_iter()
        .map(|app| {
            let line = convert(&corpus.join(&app));
            (app, line)
        })
        .collect();
    assert!(actual.len() > 50, "too few corpus applications: {actual:?}");
    let golden_path = crate_root().join(GOLDEN);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let mut text = HEADER.to_owned();
        for (app, line) in &actual {
            writeln!(text, "{app}\t{line}").unwrap();
        }
        std::fs::write(&golden_path, text).unwrap();
        return;
    }
    let golden_text = std::fs::read_to_string(&golden_path).unwrap();
    let golden: BTreeMap<String, String> = golden_text
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.split_once('\t'))
        .map(|(app, rest)| (app.to_owned(), rest.to_owned()))
        .collect();
    let apps: BTreeSet<&String> = golden.keys().chain(actual.keys()).collect();
    let differences: Vec<_> = apps
        .into_iter()
        .map(|app| (app, golden.get(app), actual.get(app)))
        .filter(|(_, want, got)| want != got)
        .collect();
    assert!(
        differences.is_empty(),
        "convert output changed for {} applications (run `UPDATE_GOLDEN=1 cargo test --test golden` if on purpose):\n{}",
        differences.len(),
        differences
            .iter()
            .map(|(app, want, got)| format!("{app}\n  golden: {want:?}\n  now:    {got:?}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}
