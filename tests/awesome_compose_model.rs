//! Corpus run: every `compose.yaml` of the awesome-compose samples reads into the typed model
//! without an error. The corpus lives outside the repository (`/work/shared/corpus`, or the
//! directory in `COMPOSE2KUBE_CORPUS`); the test says so and passes when it is absent.

use std::path::PathBuf;

use compose2kube::compose::model::Project;
use compose2kube::compose::model::de::{Cx, FromNode};
use compose2kube::compose::yaml;
use compose2kube::diag::Diagnostics;
use compose2kube::source::SourceMap;

fn corpus_dir() -> PathBuf {
    std::env::var_os("COMPOSE2KUBE_CORPUS").map_or_else(
        || PathBuf::from("/work/shared/corpus/awesome-compose"),
        PathBuf::from,
    )
}

#[test]
fn every_awesome_compose_file_reads_without_errors() {
    let dir = corpus_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("corpus not found at {}; skipped", dir.display());
        return;
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path().join("compose.yaml"))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no compose.yaml under {}", dir.display());
    let mut failures = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let mut sources = SourceMap::new();
        let base = path.parent().unwrap().to_path_buf();
        let file = sources.add(
            path.display().to_string(),
            Some(path.clone()),
            base,
            text.as_str(),
        );
        let mut diagnostics = Diagnostics::new();
        let node = yaml::parse(file, &text, &mut diagnostics).pop().unwrap();
        let mut cx = Cx::new(&mut diagnostics, &sources);
        let project = Project::from_node(&node, &mut cx);
        assert!(
            project.is_some_and(|p| !p.services.is_empty()),
            "{}",
            path.display()
        );
        for d in diagnostics.iter().filter(|d| d.is_error()) {
            let place = d
                .span
                .and_then(|s| sources.location(s))
                .map(|(f, l)| format!("{}:{}:{}", f.name, l.line, l.column))
                .unwrap_or_default();
            failures.push(format!("{place}: {} [{}]", d.message, d.code.as_str()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} files, errors:\n{}",
        files.len(),
        failures.join("\n")
    );
}
