//! Fixtures and corpus files, converted through the library exactly as `compose2kube convert`
//! does it: load, check, plan and emit, render.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use indexmap::IndexMap;

use compose2kube::compose::{self, LoadOptions, Loaded};
use compose2kube::diag::render::one_line;
use compose2kube::diag::{Diagnostic, Severity};
use compose2kube::emit::Object;
use compose2kube::plan::{
    BindMounts, Controller, ConvertOptions, Expose, GatewayRef, NetworkPolicies, ServiceType,
};
use compose2kube::render::manifests;

/// The crate root: fixtures and the corpus are found from here, wherever the tests run.
pub fn crate_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixtures_dir() -> PathBuf {
    crate_root().join("tests/fixtures/convert")
}

/// The awesome-compose samples, read in place (never copied into the repository).
pub fn corpus_dir() -> PathBuf {
    crate_root().join("../shared/corpus/awesome-compose")
}

/// The variables the fixtures are converted with (the tests never read the real environment).
pub fn environment() -> IndexMap<String, String> {
    IndexMap::from([
        ("C2K_FROM_ENV".to_owned(), "from-the-environment".to_owned()),
        (
            "C2K_SECRET".to_owned(),
            "api-key-from-the-environment".to_owned(),
        ),
    ])
}

/// One translation rule: a Compose project and the `convert` flags it needs.
#[derive(Clone, Debug)]
pub struct Fixture {
    pub name: String,
    pub dir: PathBuf,
    /// Flags from the fixture's `args` file.
    pub args: Vec<String>,
}

impl Fixture {
    pub fn named(name: &str) -> Self {
        let dir = fixtures_dir().join(name);
        assert!(
            dir.join("compose.yaml").is_file(),
            "no fixture {}",
            dir.display()
        );
        let args = std::fs::read_to_string(dir.join("args"))
            .map(|text| text.split_whitespace().map(str::to_owned).collect())
            .unwrap_or_default();
        Self {
            name: name.to_owned(),
            dir,
            args,
        }
    }

    /// Every fixture, by name.
    pub fn all() -> Vec<Self> {
        let mut names: Vec<String> = std::fs::read_dir(fixtures_dir())
            .expect("the fixtures directory")
            .filter_map(Result::ok)
            .filter(|e| e.path().join("compose.yaml").is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert!(!names.is_empty(), "no fixtures");
        names.iter().map(|n| Self::named(n)).collect()
    }

    pub fn compose_file(&self) -> PathBuf {
        self.dir.join("compose.yaml")
    }

    /// Objects the cluster already has (external secrets and configs), for the validator.
    pub fn cluster_objects(&self) -> String {
        std::fs::read_to_string(self.dir.join("cluster.yaml")).unwrap_or_default()
    }

    pub fn convert(&self) -> Output {
        convert_file(&self.compose_file(), &self.args, environment())
    }
}

/// The awesome-compose files, sorted.
pub fn corpus_files() -> Vec<PathBuf> {
    let dir = corpus_dir();
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|error| {
        panic!(
            "the awesome-compose corpus is not at {}: {error}",
            dir.display()
        )
    });
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            [
                "compose.yaml",
                "compose.yml",
                "docker-compose.yaml",
                "docker-compose.yml",
            ]
            .iter()
            .map(|name| e.path().join(name))
            .find(|p| p.is_file())
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no compose.yaml under {}", dir.display());
    files
}

/// The name of a corpus application (its folder).
pub fn app_name(file: &Path) -> String {
    file.parent()
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// One conversion, as the command line would do it.
pub struct Output {
    pub loaded: Loaded,
    pub objects: Vec<Object>,
    /// The check's diagnostics and the translation report, in the CLI's order.
    pub diagnostics: Vec<Diagnostic>,
    /// The multi-document YAML `convert` prints.
    pub yaml: String,
}

impl Output {
    pub fn errors(&self) -> Vec<String> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| one_line(d, &self.loaded.sources))
            .collect()
    }

    /// The report as `file:line:col: severity[code]: message` lines, the fixture's
    /// directory written `<fixture>`.
    pub fn report_lines(&self, dir: &Path) -> Vec<String> {
        self.diagnostics
            .iter()
            .map(|d| relative(&one_line(d, &self.loaded.sources), dir))
            .collect()
    }

    /// The objects as JSON values, for rules that read any field.
    pub fn values(&self) -> Vec<serde_json::Value> {
        self.objects
            .iter()
            .map(|o| serde_json::to_value(o).expect("objects serialize"))
            .collect()
    }
}

/// Loads, checks, plans, emits and renders one Compose file, its directory being the working
/// directory (as when `convert` runs there).
pub fn convert_file(file: &Path, args: &[String], environment: IndexMap<String, String>) -> Output {
    let mut options = LoadOptions::for_files([file]);
    options.environment = environment;
    if let Some(dir) = file.parent() {
        options.working_dir = dir.to_path_buf();
    }
    convert_loaded(&options, args)
}

/// Loads as `options` say, then checks, plans, emits and renders as [`convert_file`].
pub fn convert_loaded(options: &LoadOptions, args: &[String]) -> Output {
    let loaded = compose::load(options);
    let mut diagnostics = compose2kube::check(&loaded);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Output {
            loaded,
            objects: Vec::new(),
            diagnostics,
            yaml: String::new(),
        };
    }
    let converted = compose2kube::convert(&loaded, &options_from_args(args));
    diagnostics.extend(converted.report.to_diagnostics());
    let yaml = manifests::yaml(&converted.objects()).expect("objects render as YAML");
    Output {
        loaded,
        objects: converted.objects(),
        diagnostics,
        yaml,
    }
}

/// The `convert` flags the fixtures use, as the CLI maps them.
pub fn options_from_args(args: &[String]) -> ConvertOptions {
    let mut options = ConvertOptions::default();
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .unwrap_or_else(|| panic!("`{flag}` needs a value"))
            .as_str();
        match flag.as_str() {
            "-n" | "--namespace" => options.namespace = Some(value.to_owned()),
            "--controller" => {
                options.controller = Some(match value {
                    "deployment" => Controller::Deployment,
                    "statefulset" => Controller::StatefulSet,
                    "daemonset" => Controller::DaemonSet,
                    other => panic!("unknown controller {other}"),
                });
            }
            "--replicas" => options.replicas = Some(value.parse().expect("a number")),
            "--service-type" => {
                options.service_type = Some(match value {
                    "clusterip" => ServiceType::ClusterIp,
                    "nodeport" => ServiceType::NodePort,
                    "loadbalancer" => ServiceType::LoadBalancer,
                    "headless" => ServiceType::Headless,
                    other => panic!("unknown service type {other}"),
                });
            }
            "--bind-mounts" => {
                options.bind_mounts = match value {
                    "auto" => BindMounts::Auto,
                    "configmap" => BindMounts::ConfigMap,
                    "hostpath" => BindMounts::HostPath,
                    "pvc" => BindMounts::Pvc,
                    "error" => BindMounts::Error,
                    other => panic!("unknown bind mount policy {other}"),
                };
            }
            "--pvc-size" => value.clone_into(&mut options.pvc_size),
            "--network-policies" => {
                options.network_policies = match value {
                    "auto" => NetworkPolicies::Auto,
                    "always" => NetworkPolicies::Always,
                    "never" => NetworkPolicies::Never,
                    other => panic!("unknown network policy mode {other}"),
                };
            }
            "--expose" => {
                options.expose = match value {
                    "ingress" => Expose::Ingress,
                    "gateway" => Expose::Gateway,
                    "none" => Expose::None,
                    other => panic!("unknown exposure {other}"),
                };
            }
            "--ingress-class" => options.ingress_class = Some(value.to_owned()),
            "--cert-issuer" => options.cert_issuer = Some(value.to_owned()),
            "--gateway" => {
                let (name, namespace) = value
                    .split_once('/')
                    .map_or((value, None), |(n, ns)| (n, Some(ns.to_owned())));
                options.gateway = Some(GatewayRef {
                    name: name.to_owned(),
                    namespace,
                });
            }
            other => panic!("the fixtures do not use `{other}`"),
        }
    }
    options
}

/// `text` with the absolute directory written `<fixture>`, so that it reads the same on every
/// machine.
pub fn relative(text: &str, dir: &Path) -> String {
    text.replace(&dir.display().to_string(), "<fixture>")
}

/// Runs `validate-k8s --strict-refs` on a YAML stream. `Err` holds the validator's report
/// when it finds problems; a validator that cannot run fails the test.
pub fn validate(yaml: &str) -> Result<(), String> {
    let mut file = tempfile::Builder::new()
        .suffix(".yaml")
        .tempfile()
        .expect("a temporary file");
    file.write_all(yaml.as_bytes()).expect("the temporary file");
    // The project's wrapper, which makes the shared validator's first use safe to run in
    // parallel.
    let validator = crate_root().join("tools/validate-k8s");
    let output = Command::new(&validator)
        .arg("--strict-refs")
        .arg(file.path())
        .output()
        .unwrap_or_else(|error| {
            panic!("validate-k8s cannot run ({}): {error}", validator.display())
        });
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    match output.status.code() {
        Some(0) => Ok(()),
        Some(1) => Err(text),
        code => panic!(
            "validate-k8s could not validate (exit {code:?}; it needs python3 and, the first time, PyPI):\n{text}"
        ),
    }
}

/// Runs `check` over the items on two threads (the validator is a Python process per call),
/// collecting the failures.
pub fn on_two_threads<T: Sync>(
    items: &[T],
    check: impl Fn(&T) -> Option<String> + Sync,
) -> Vec<String> {
    let (left, right) = items.split_at(items.len() / 2);
    std::thread::scope(|scope| {
        let check = &check;
        let first = scope.spawn(move || left.iter().filter_map(check).collect::<Vec<_>>());
        let mut failures: Vec<String> = right.iter().filter_map(check).collect();
        failures.splice(0..0, first.join().expect("the validator thread"));
        failures
    })
}
