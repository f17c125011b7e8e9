//! The shared `helm-real` check (`tools/helm-real`: lint, render, validate, same-as-plain, two
//! releases, values, schema, references, namespaces, the longest release name, all with the
//! real Helm engine) over every application of both corpora.
//!
//! Every check must pass, but for what is not the chart's doing, each excused by its detail
//! line:
//! - the chart differences the README documents and `helm-real` does not undo:
//!   `app.kubernetes.io/managed-by: Helm`, `helm.sh/resource-policy: keep` on claims, and
//!   `service.type` acting on a `<name>-published` Service of the published ports alone when
//!   the Pod also has internal ports (so that the default render has no Service to switch);
//! - what the plain output does differently on purpose: its RoleBinding subjects are in
//!   namespace `default` without `-n`, where the chart binds the release namespace.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use crate::fixtures::crate_root;
use crate::render::helm_tool;

/// A detail of `helm-real` that is no failure of the chart.
fn excused(detail: &str) -> Option<&'static str> {
    let documented = [
        (
            "managed-by: chart \"Helm\" != plain \"compose2kube\"",
            "managed-by: Helm (README)",
        ),
        (
            "{\"helm.sh/resource-policy\": \"keep\"}",
            "claims kept (README)",
        ),
        (
            "service.type: no Service with the block's ports",
            "service.type on <name>-published (README)",
        ),
        (
            ".subjects[0].namespace: chart \"ns1\" != plain \"default\"",
            "not Helm's: the plain output binds the ServiceAccount of namespace default",
        ),
        ("shared names (documented, Services)", "information"),
    ];
    documented
        .iter()
        .find(|(text, _)| detail.contains(text))
        .map(|(_, why)| *why)
}

/// The checks of `helm-real`, in the order it prints them.
const FIELDS: [&str; 11] = [
    "lint",
    "render",
    "valid",
    "same-as-plain",
    "two-releases",
    "values",
    "schema",
    "refs",
    "convert",
    "namespace",
    "long-release",
];

/// `lint=ok render=ok valid=2 invalid …` as check and result (a result may hold spaces).
fn fields_of(line: &str) -> Vec<(&'static str, &str)> {
    let mut starts: Vec<(usize, &'static str)> = FIELDS
        .iter()
        .filter_map(|f| {
            let at = if line.starts_with(&format!("{f}=")) {
                Some(0)
            } else {
                line.find(&format!(" {f}=")).map(|i| i + 1)
            };
            at.map(|at| (at, *f))
        })
        .collect();
    starts.sort_unstable();
    let mut out = Vec::new();
    for (i, (at, field)) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map_or(line.len(), |(next, _)| *next);
        let value = line.get(at + field.len() + 1..end).unwrap_or_default();
        out.push((*field, value.trim()));
    }
    out
}

fn corpus_apps() -> Vec<PathBuf> {
    let mut apps = Vec::new();
    for corpus in ["awesome-compose", "real-world"] {
        let dir = crate_root().join("../shared/corpus").join(corpus);
        for entry in std::fs::read_dir(&dir).unwrap().filter_map(Result::ok) {
            if entry.path().is_dir() {
                apps.push(entry.path());
            }
        }
    }
    apps.sort();
    apps
}

#[test]
fn helm_real_passes_on_every_corpus_application() {
    let apps = corpus_apps();
    assert!(apps.len() > 90, "{} apps", apps.len());
    let work = tempfile::tempdir().unwrap();
    let output = Command::new(helm_tool("helm-real"))
        .arg("--bin")
        .arg(env!("CARGO_BIN_EXE_compose2kube"))
        .arg("--work")
        .arg(work.path())
        .args(["--jobs", "2"])
        .args(&apps)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let details = std::fs::read_to_string(work.path().join("details.txt")).unwrap_or_else(|e| {
        panic!(
            "helm-real wrote no details ({e}):\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let last = stdout.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("helm real: ")
            && last.ends_with(&format!("/{} apps fully ok", apps.len())),
        "{stdout}"
    );
    let mut by_app: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for line in details.lines() {
        if let Some((app, detail)) = line.split_once(": ") {
            by_app.entry(app).or_default().push(detail);
        }
    }
    let mut failures = Vec::new();
    let mut excuses: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for line in stdout.lines().filter(|l| l.contains(" lint=")) {
        let Some((app, fields)) = line.split_once(": ") else {
            continue;
        };
        let details = by_app.get(app).cloned().unwrap_or_default();
        let conversion_fails = details
            .iter()
            .any(|d| d.contains("convert --format helm failed"));
        for (name, result) in fields_of(fields) {
            if result == "ok" {
                continue;
            }
            let prefix = format!("{name}: ");
            let mine: Vec<&&str> = details.iter().filter(|d| d.starts_with(&prefix)).collect();
            let unexcused: Vec<&&str> = mine
                .iter()
                .copied()
                .filter(|d| excused(d).is_none())
                .collect();
            if conversion_fails || (!mine.is_empty() && unexcused.is_empty()) {
                let why = mine
                    .iter()
                    .filter_map(|d| excused(d))
                    .chain(conversion_fails.then_some("not Helm's: the conversion fails"));
                excuses.entry(app).or_default().extend(why);
            } else {
                failures.push(format!("{app}: {name}={result}: {unexcused:?}"));
            }
        }
    }
    for (app, why) in &mut excuses {
        why.sort_unstable();
        why.dedup();
        eprintln!("excused {app}: {}", why.join("; "));
    }
    eprintln!("{last}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
