//! `compose2kube convert --format helm` (and kompose's `--chart`) end to end.

use assert_cmd::Command;

use crate::charts::listed;
use crate::fixtures::Fixture;

fn convert(fixture: &str) -> Command {
    let fixture = Fixture::named(fixture);
    let mut command = Command::cargo_bin("compose2kube").unwrap();
    command
        .current_dir(&fixture.dir)
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .env("NO_COLOR", "1")
        .args(["convert", "-f", "compose.yaml"]);
    command
}

const DEPLOYMENT_CHART: [&str; 8] = [
    "Chart.yaml",
    "templates/NOTES.txt",
    "templates/_helpers.tpl",
    "templates/web-deployment.yaml",
    "templates/web-ingress.yaml",
    "templates/web-service.yaml",
    "values.schema.json",
    "values.yaml",
];

#[test]
fn format_helm_writes_a_chart_directory() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("chart");
    let output = convert("deployment")
        .args([
            "--format",
            "helm",
            "--chart-version",
            "1.2.3",
            "--app-version",
            "2024.1",
            "-o",
        ])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(listed(&dir), DEPLOYMENT_CHART);
    let chart = std::fs::read_to_string(dir.join("Chart.yaml")).unwrap();
    assert!(chart.contains("name: deployment\n"), "{chart}");
    assert!(
        chart.contains("version: \"1.2.3\"\n") || chart.contains("version: 1.2.3\n"),
        "{chart}"
    );
    assert!(chart.contains("appVersion: \"2024.1\"\n"), "{chart}");
    // Everything it wrote is recognised as its own: a second run replaces it.
    let again = convert("deployment")
        .args(["--format", "helm", "-o"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
}

#[test]
fn chart_is_kompose_s_flag_for_a_helm_chart() {
    let out = tempfile::tempdir().unwrap();
    let output = convert("deployment")
        .arg("-c")
        .arg("-o")
        .arg(out.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(listed(out.path()), DEPLOYMENT_CHART);
    let chart = std::fs::read_to_string(out.path().join("Chart.yaml")).unwrap();
    assert!(chart.contains("appVersion: \"1.27\""), "{chart}");
}

#[test]
fn a_chart_needs_an_output_directory() {
    for flags in [&["--format", "helm"][..], &["--chart"][..]] {
        let output = convert("deployment").args(flags).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{flags:?}");
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn a_bad_chart_version_is_refused() {
    let out = tempfile::tempdir().unwrap();
    let output = convert("deployment")
        .args(["--chart", "--chart-version", "v1", "-o"])
        .arg(out.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("`v1` is not a chart version"));
    assert!(listed(out.path()).is_empty());
}

#[test]
fn a_file_compose2kube_did_not_write_is_not_overwritten() {
    for file in ["values.yaml", "values.schema.json", "templates/NOTES.txt"] {
        let out = tempfile::tempdir().unwrap();
        let path = out.path().join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "mine\n").unwrap();
        let output = convert("deployment")
            .args(["--chart", "-o"])
            .arg(out.path())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{file}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("was not written by compose2kube"),
            "{stderr}"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "mine\n");
        assert_eq!(
            listed(out.path()).len(),
            1,
            "{file}: nothing else is written"
        );
        let forced = convert("deployment")
            .args(["--chart", "--force", "-o"])
            .arg(out.path())
            .output()
            .unwrap();
        assert!(forced.status.success());
        assert_eq!(listed(out.path()), DEPLOYMENT_CHART);
    }
}
