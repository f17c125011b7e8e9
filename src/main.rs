//! The `compose2kube` command line: parse flags, call the library, print, choose the exit
//! code (0 ok, 1 invalid input, 2 usage error).

use std::io::{IsTerminal as _, Read as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory as _, Parser, Subcommand, ValueEnum};

use compose2kube::compose::{self, FileArg, LoadOptions, Loaded};
use compose2kube::diag::render::{self, Style};
use compose2kube::diag::{Diagnostic, Severity};
use compose2kube::plan::kompose::VolumeKind;
use compose2kube::plan::{self as planning, ConvertOptions};
use compose2kube::render::{explain, helm, html, kustomize, manifests, svg};

/// Convert Docker Compose applications into Kubernetes objects that keep their network
/// behaviour, and say exactly what could not be carried over.
#[derive(Parser)]
#[command(
    name = "compose2kube",
    version,
    propagate_version = true,
    max_term_width = 100
)]
struct Cli {
    #[command(flatten)]
    project: ProjectArgs,
    #[command(flatten)]
    kompose: KomposeGlobalArgs,
    #[command(subcommand)]
    command: Command,
}

/// kompose's global flags (`kompose --provider kubernetes --error-on-warning convert`),
/// accepted before or after `convert`; they mean nothing to the other commands.
#[derive(Args, Clone)]
#[command(next_help_heading = "kompose compatibility (convert)")]
struct KomposeGlobalArgs {
    /// `kubernetes` (the only target; `openshift` is refused).
    #[arg(long, value_enum, value_name = "PROVIDER", global = true)]
    provider: Option<ProviderArg>,
    /// Fail (exit 1) on any warning, writing nothing (notes do not count; `--strict`
    /// fails on notes too).
    #[arg(long, global = true)]
    error_on_warning: bool,
    /// Hide warnings and notes; errors are still shown (`--quiet` hides notes only).
    #[arg(long, global = true)]
    suppress_warnings: bool,
    /// Accepted: the report always lists every decision (`--quiet` hides notes).
    #[arg(short, long, global = true)]
    verbose: bool,
}

impl KomposeGlobalArgs {
    /// The first of these flags that was given, for the commands other than `convert`.
    fn given(&self) -> Option<&'static str> {
        [
            ("--provider", self.provider.is_some()),
            ("--error-on-warning", self.error_on_warning),
            ("--suppress-warnings", self.suppress_warnings),
            ("--verbose", self.verbose),
        ]
        .into_iter()
        .find_map(|(flag, given)| given.then_some(flag))
    }
}

/// How to find and read the Compose project (the same flags as `docker compose`).
#[derive(Args, Clone)]
struct ProjectArgs {
    /// Compose file to read (repeatable; `-` for standard input). Default: `COMPOSE_FILE`,
    /// else compose.yaml / docker-compose.yml in this directory or a parent.
    #[arg(short = 'f', long = "file", value_name = "FILE", global = true)]
    files: Vec<PathBuf>,
    /// Directory relative paths start from (default: the first file's directory).
    #[arg(long, value_name = "DIR", global = true)]
    project_directory: Option<PathBuf>,
    /// Project name (default: `COMPOSE_PROJECT_NAME`, the top-level `name:`, or the directory).
    #[arg(short = 'p', long, value_name = "NAME", global = true)]
    project_name: Option<String>,
    /// Variables file to use instead of `.env` (repeatable).
    #[arg(long = "env-file", value_name = "FILE", global = true)]
    env_files: Vec<PathBuf>,
    /// Profile to enable (repeatable; default: `COMPOSE_PROFILES`).
    #[arg(long = "profile", value_name = "NAME", global = true)]
    profiles: Vec<String>,
    /// Do not interpolate `${VARIABLES}`.
    #[arg(long, global = true)]
    no_interpolate: bool,
}

/// How problems are reported.
#[derive(Args, Clone)]
struct ReportArgs {
    /// `text` for people, `json` for CI tools (printed on standard output).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    strict: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Load and check the project; print every problem with its place and what to do.
    Check {
        #[command(flatten)]
        report: ReportArgs,
    },
    /// Print the resolved project (merged, interpolated, long syntax) as Compose YAML.
    Config {
        #[command(flatten)]
        report: ReportArgs,
    },
    /// Convert the project into Kubernetes objects, with a report of what did not carry over.
    Convert(Box<ConvertArgs>),
    /// Show what the conversion decides: each Pod's containers in start order, its Services,
    /// volumes and NetworkPolicies, and the translation report.
    Explain(Box<ExplainArgs>),
    /// Server-side apply the converted objects to the cluster of the kubeconfig, in dependency
    /// order (field manager `compose2kube`).
    #[cfg(feature = "apply")]
    Apply(Box<ApplyArgs>),
    /// Delete the project's objects from one namespace of the cluster (those labelled
    /// `app.kubernetes.io/part-of=<project>` and `app.kubernetes.io/managed-by=compose2kube`),
    /// and the Namespace itself only if compose2kube created it and nothing else is in it.
    #[cfg(feature = "apply")]
    Down(Box<DownArgs>),
    /// Print a shell completion script.
    Completion {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// Options of `convert` (kompose's names where kompose has the option).
#[derive(Args)]
#[allow(clippy::struct_excessive_bools)] // command-line switches
struct ConvertArgs {
    /// Write here instead of standard output: a directory (one file per object,
    /// `<name>-<kind>.yaml`) or a file ending in `.yaml`, `.yml` or `.json` (one stream).
    /// The chart directory for `--format helm`, the tree for `--format kustomize`.
    #[arg(
        short = 'o',
        long = "out",
        value_name = "PATH",
        required_if_eq_any([("format", "helm"), ("format", "kustomize"), ("chart", "true")])
    )]
    out: Option<PathBuf>,
    /// Print the objects on standard output even with `-o` (kompose's flag).
    #[arg(long)]
    stdout: bool,
    /// Overwrite files that compose2kube did not write.
    #[arg(long)]
    force: bool,
    /// What to write.
    #[arg(long, value_enum, default_value_t = OutputFormat::Yaml)]
    format: OutputFormat,
    /// Write JSON instead of YAML (`--format json`, kompose's flag).
    #[arg(short, long, conflicts_with = "format")]
    json: bool,
    /// With `--format kustomize`: also write `overlays/NAME` on the base, with an example
    /// patch (repeatable).
    #[arg(long = "overlay", value_name = "NAME", value_parser = overlay_name)]
    overlays: Vec<String>,
    #[command(flatten)]
    kompose: KomposeArgs,
    /// Write a Helm chart (`--format helm`, kompose's flag).
    #[arg(short = 'c', long, conflicts_with_all = ["format", "json"])]
    chart: bool,
    /// `version` of the Helm chart.
    #[arg(long, value_name = "SEMVER", default_value = "0.1.0")]
    chart_version: String,
    /// `appVersion` of the Helm chart (default: the first image tag, else 1.0.0).
    #[arg(long, value_name = "VERSION")]
    app_version: Option<String>,
    /// Put the data of the Secrets into the Helm chart's values.yaml (by default the chart
    /// uses Secrets you create).
    #[arg(long)]
    helm_inline_secrets: bool,
    /// Hide notes (approximations); warnings and errors are still shown.
    #[arg(short, long)]
    quiet: bool,
    #[command(flatten)]
    plan: PlanArgs,
    /// How the translation report is printed: `text` on standard error, or `json` on
    /// standard output (then the objects need `-o`).
    #[arg(long, value_enum, default_value_t = Format::Text, requires_if("json", "out"))]
    report_format: Format,
    /// Fail (exit 1) on warnings and notes too, writing nothing.
    #[arg(long)]
    strict: bool,
}

/// What `convert` writes.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    /// Plain manifests, as YAML documents.
    Yaml,
    /// Plain manifests, as JSON (a `List` on standard output).
    Json,
    /// A Helm chart (needs `-o DIR`).
    Helm,
    /// A Kustomize base (`-o DIR/base`) and `--overlay`s (`-o DIR/overlays/NAME`).
    Kustomize,
}

/// kompose's `convert` flags that have no other place: accepted where compose2kube does the
/// same, refused (exit 2) where it cannot.
#[derive(Args)]
#[command(next_help_heading = "kompose compatibility")]
#[allow(clippy::struct_excessive_bools)] // command-line switches
struct KomposeArgs {
    /// Spaces per nesting level of the YAML manifests (1 to 64).
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u8).range(1..=64))]
    indent: u8,
    /// Accepted, `true` or `false`: compose2kube never writes kompose's `kompose.cmd` and
    /// `kompose.version` annotations (the output does not depend on the command line); every
    /// object is labelled `app.kubernetes.io/managed-by: compose2kube`.
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    with_kompose_annotation: Option<bool>,
    /// YAML is the default (kompose's deprecated flag).
    #[arg(short, long, hide = true, conflicts_with_all = ["json", "format"])]
    yaml: bool,
    /// Accepted: compose2kube always mounts secrets as files under `/run/secrets`.
    #[arg(long)]
    secrets_as_files: bool,
    /// Only `none` is accepted: compose2kube does not build images.
    #[arg(long, value_name = "TYPE")]
    build: Option<String>,
    /// Refused unless `false`: compose2kube does not build or push images.
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    push_image: Option<bool>,
    /// Refused: compose2kube does not build images.
    #[arg(long, value_name = "COMMAND")]
    build_command: Option<String>,
    /// Refused: compose2kube does not push images.
    #[arg(long, value_name = "COMMAND")]
    push_command: Option<String>,
    /// Refused: compose2kube does not push images.
    #[arg(long, value_name = "REGISTRY")]
    push_image_registry: Option<String>,
    /// Refused: OpenShift builds are not supported.
    #[arg(long, value_name = "REPO")]
    build_repo: Option<String>,
    /// Refused: OpenShift builds are not supported.
    #[arg(long, value_name = "BRANCH")]
    build_branch: Option<String>,
    /// Refused: ImageStreams are OpenShift objects.
    #[arg(long)]
    insecure_repository: bool,
    /// Refused unless `false`: DeploymentConfigs are OpenShift objects.
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true", hide = true)]
    deployment_config: Option<bool>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ProviderArg {
    Kubernetes,
    Openshift,
}

impl KomposeArgs {
    /// Why a kompose flag that was given cannot be honoured, if one cannot.
    fn refused(&self, provider: Option<ProviderArg>) -> Option<String> {
        const NO_BUILD: &str = "compose2kube converts a Compose file and never builds or pushes images; build them with `docker compose build` and `docker compose push`, and use `image:` in the Compose file";
        const KUBERNETES_ONLY: &str = "compose2kube writes Kubernetes objects only (no DeploymentConfig, ImageStream, BuildConfig or Route); OpenShift runs them as they are";
        if provider == Some(ProviderArg::Openshift) {
            return Some(format!(
                "`--provider openshift` is not supported: {KUBERNETES_ONLY}"
            ));
        }
        let openshift = [
            ("--insecure-repository", self.insecure_repository),
            ("--deployment-config", self.deployment_config == Some(true)),
        ];
        if let Some((flag, _)) = openshift.iter().find(|(_, given)| *given) {
            return Some(format!(
                "`{flag}` is an OpenShift flag and is not supported: {KUBERNETES_ONLY}"
            ));
        }
        if let Some(build) = self.build.as_deref().filter(|b| *b != "none") {
            return Some(format!("`--build {build}` is not supported: {NO_BUILD}"));
        }
        let given = [
            ("--push-image", self.push_image == Some(true)),
            ("--build-command", self.build_command.is_some()),
            ("--push-command", self.push_command.is_some()),
            ("--push-image-registry", self.push_image_registry.is_some()),
            ("--build-repo", self.build_repo.is_some()),
            ("--build-branch", self.build_branch.is_some()),
        ];
        given
            .iter()
            .find(|(_, given)| *given)
            .map(|(flag, _)| format!("`{flag}` is not supported: {NO_BUILD}"))
    }
}

impl ConvertArgs {
    fn report(&self) -> ReportArgs {
        ReportArgs {
            format: self.report_format,
            strict: self.strict,
        }
    }
}

/// How the conversion decides (shared by `convert` and `explain`).
#[derive(Args)]
#[allow(clippy::struct_excessive_bools)] // command-line switches
struct PlanArgs {
    /// Put every object in this namespace (and create it).
    #[arg(short = 'n', long, value_name = "NAMESPACE", value_parser = namespace_name)]
    namespace: Option<String>,
    /// Workload kind for long-running services (`replicationController`, kompose's, makes a
    /// Deployment: its ReplicaSet is what replaced ReplicationControllers).
    #[arg(long, value_enum, ignore_case = true)]
    controller: Option<ControllerArg>,
    /// `--controller deployment` (kompose's deprecated flag).
    #[arg(short = 'd', long = "deployment", hide = true, conflicts_with_all = ["controller", "daemon_set", "replication_controller"])]
    deployment: bool,
    /// `--controller daemonset` (kompose's deprecated flag).
    #[arg(long, hide = true, conflicts_with_all = ["controller", "replication_controller"])]
    daemon_set: bool,
    /// `--controller replicationController` (kompose's deprecated flag).
    #[arg(long, hide = true, conflicts_with = "controller")]
    replication_controller: bool,
    /// Replicas for services that set none.
    #[arg(long, value_name = "N")]
    replicas: Option<u32>,
    /// Service type for services that publish ports.
    #[arg(long, value_enum)]
    service_type: Option<ServiceTypeArg>,
    /// What bind mounts become: `auto` copies small files into ConfigMaps and makes claims
    /// for the rest.
    #[arg(long, value_enum, default_value_t = BindMountsArg::Auto)]
    bind_mounts: BindMountsArg,
    /// Size of claims that set none (kompose: `--pvc-request-size`).
    #[arg(
        long = "pvc-size",
        visible_alias = "pvc-request-size",
        value_name = "SIZE",
        default_value = "1Gi"
    )]
    pvc_size: String,
    /// What volumes become, as kompose's `--volumes` (a service's `kompose.volume.type`
    /// label wins): `emptyDir` for named volumes and bind mounts, the others for bind mounts
    /// (named volumes stay claims).
    #[arg(long, value_enum, value_name = "TYPE", conflicts_with = "bind_mounts")]
    volumes: Option<VolumesArg>,
    /// `--volumes emptyDir` (kompose's deprecated flag).
    #[arg(long, hide = true, conflicts_with_all = ["volumes", "bind_mounts"])]
    emptyvols: bool,
    /// When to isolate Compose networks with NetworkPolicies (`auto`: when the project defines
    /// networks of its own).
    #[arg(long, value_enum, default_value_t = NetworkPoliciesArg::Auto)]
    network_policies: NetworkPoliciesArg,
    /// `--network-policies always` (kompose's flag).
    #[arg(long, conflicts_with = "network_policies")]
    generate_network_policies: bool,
    /// Also group services into Pods by `kompose.service.group` label or shared volume.
    #[arg(long, value_enum)]
    service_group_mode: Option<GroupModeArg>,
    /// `--service-group-mode label` (kompose's deprecated flag).
    #[arg(long, hide = true, conflicts_with = "service_group_mode")]
    multiple_container_mode: bool,
    /// Name of the Pods `--service-group-mode` makes.
    #[arg(long, value_name = "NAME")]
    service_group_name: Option<String>,
    /// Image of the init containers that wait for `service_healthy` dependencies.
    #[arg(long, value_name = "IMAGE", default_value = "busybox:1.36")]
    wait_image: String,
    /// Seconds a wait for a dependency lasts before the Pod fails (and is retried).
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    wait_timeout: u64,
    /// What the routing labels (Traefik, caddy-docker-proxy, `x-kubernetes.expose`,
    /// `kompose.service.expose`) become (default: Ingresses, and the proxy is kept; with
    /// `ingress` or `gateway` the proxy is left out).
    #[arg(long, value_enum, value_name = "KIND")]
    expose: Option<ExposeArg>,
    /// The Ingress class of the Ingresses; `nginx` and `traefik` also get that controller's
    /// annotations for middlewares.
    #[arg(long, value_name = "CLASS")]
    ingress_class: Option<String>,
    /// The Gateway the HTTPRoutes of `--expose gateway` attach to (default: `gateway` in
    /// the routes' namespace).
    #[arg(long, value_name = "NAME[/NAMESPACE]", value_parser = parse_gateway)]
    gateway: Option<planning::GatewayRef>,
    /// The cert-manager ClusterIssuer that issues the TLS Secrets of the Ingresses.
    #[arg(long, value_name = "ISSUER")]
    cert_issuer: Option<String>,
}

/// `NAME` or `NAME/NAMESPACE`.
fn parse_gateway(text: &str) -> Result<planning::GatewayRef, String> {
    let (name, namespace) = match text.split_once('/') {
        Some((name, namespace)) => (name, Some(namespace)),
        None => (text, None),
    };
    let valid = |s: &str| {
        !s.is_empty()
            && s.len() <= 63
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !s.starts_with('-')
            && !s.ends_with('-')
    };
    if valid(name) && namespace.is_none_or(valid) {
        Ok(planning::GatewayRef {
            name: name.to_owned(),
            namespace: namespace.map(str::to_owned),
        })
    } else {
        Err("expected NAME or NAME/NAMESPACE, each a DNS label (a-z, 0-9, `-`)".into())
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ExposeArg {
    /// Ingresses (networking.k8s.io/v1).
    Ingress,
    /// Gateway API HTTPRoutes (gateway.networking.k8s.io/v1).
    Gateway,
    /// No Ingress or HTTPRoute; the proxy is kept.
    None,
}

/// How `apply` and `down` reach the cluster.
#[cfg(feature = "apply")]
#[derive(Args)]
struct ClusterArgs {
    /// The kubeconfig context to use (default: the current one; `KUBECONFIG` is honoured).
    #[arg(long, value_name = "NAME")]
    context: Option<String>,
    /// `server` (also bare `--dry-run`): send everything for validation, persist nothing;
    /// say what would be applied and deleted.
    #[arg(
        long,
        value_enum,
        value_name = "MODE",
        require_equals = true,
        num_args = 0..=1,
        default_missing_value = "server"
    )]
    dry_run: Option<DryRunArg>,
    /// How long `--wait` waits, and the limit of connecting (`30s`, `5m`, `1h`).
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = compose2kube::apply::parse_duration)]
    timeout: std::time::Duration,
}

#[cfg(feature = "apply")]
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DryRunArg {
    /// No dry run.
    None,
    /// The API server validates and discards.
    Server,
}

/// Options of `apply`.
#[cfg(feature = "apply")]
#[derive(Args)]
#[allow(clippy::struct_excessive_bools)] // command-line switches
struct ApplyArgs {
    #[command(flatten)]
    cluster: ClusterArgs,
    /// Wait until the workloads are ready; say which Pods are not, and why.
    #[arg(long)]
    wait: bool,
    /// Delete the project's objects that the conversion no longer makes.
    #[arg(long)]
    prune: bool,
    /// Take over fields that another field manager owns.
    #[arg(long)]
    force_conflicts: bool,
    /// Apply without first checking every object with a server-side dry run, and go on past
    /// refused objects (by default one refusal applies nothing).
    #[arg(long)]
    continue_on_error: bool,
    #[command(flatten)]
    plan: PlanArgs,
    /// Hide notes (approximations); warnings and errors are still shown.
    #[arg(short, long)]
    quiet: bool,
}

/// Options of `down`.
#[cfg(feature = "apply")]
#[derive(Args)]
struct DownArgs {
    #[command(flatten)]
    cluster: ClusterArgs,
    /// The namespace the project was applied to (default: the context's). Nothing outside
    /// it is deleted.
    #[arg(short = 'n', long, value_name = "NAMESPACE", value_parser = namespace_name)]
    namespace: Option<String>,
    /// Delete the Namespace too, when compose2kube created it, without asking (without a
    /// terminal, and without `--yes`, it is kept).
    #[arg(short = 'y', long)]
    yes: bool,
}

#[cfg(feature = "apply")]
impl ClusterArgs {
    fn settings(&self) -> compose2kube::apply::client::Settings {
        compose2kube::apply::client::Settings {
            context: self.context.clone(),
            dry_run: self.dry_run == Some(DryRunArg::Server),
            timeout: self.timeout,
            ..compose2kube::apply::client::Settings::default()
        }
    }
}

/// Options of `explain`.
#[derive(Args)]
struct ExplainArgs {
    /// Print the topology as a diagram instead of text.
    #[arg(long, value_enum, conflicts_with = "format")]
    graph: Option<GraphArg>,
    /// `text` for the terminal, or `html`: one self-contained page to review the migration
    /// (the topology drawn, the translation report linked to the Compose source, each Pod's
    /// objects as YAML).
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    format: ExplainFormat,
    /// Write the HTML page (`--format html`) or the picture (`--graph svg`) to this file
    /// instead of standard output.
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    out: Option<PathBuf>,
    /// Overwrite the `-o` file even if compose2kube did not write it.
    #[arg(long, requires = "out")]
    force: bool,
    #[command(flatten)]
    plan: PlanArgs,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    strict: bool,
}

/// An overlay is a directory `overlays/NAME`.
fn overlay_name(name: &str) -> Result<String, String> {
    kustomize::check_overlay_name(name)
        .map(|()| name.to_owned())
        .map_err(|e| e.to_string())
}

/// A namespace name is a DNS-1123 label: the API server rejects anything else.
fn namespace_name(name: &str) -> Result<String, String> {
    let valid = !name.is_empty()
        && name.len() <= 63
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if valid {
        Ok(name.to_owned())
    } else {
        Err(format!(
            "`{name}` is not a namespace name: at most 63 characters of a-z, 0-9 and `-`, starting and ending with a letter or digit"
        ))
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ExplainFormat {
    /// The plan in words.
    Text,
    /// A self-contained HTML page.
    Html,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum GraphArg {
    /// Mermaid, which GitHub renders.
    Mermaid,
    /// Graphviz DOT.
    Dot,
    /// An SVG picture, laid out by compose2kube (no other tool needed).
    Svg,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ControllerArg {
    Deployment,
    Statefulset,
    Daemonset,
    #[value(name = "replicationController")]
    ReplicationController,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ServiceTypeArg {
    #[value(alias = "ClusterIP")]
    Clusterip,
    #[value(alias = "NodePort")]
    Nodeport,
    #[value(alias = "LoadBalancer")]
    Loadbalancer,
    Headless,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum BindMountsArg {
    Auto,
    Configmap,
    Hostpath,
    Pvc,
    Error,
}

/// kompose's `--volumes` values, spelled as kompose spells them.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum VolumesArg {
    #[value(name = "persistentVolumeClaim", alias = "persistentvolumeclaim")]
    PersistentVolumeClaim,
    #[value(name = "emptyDir", alias = "emptydir")]
    EmptyDir,
    #[value(name = "hostPath", alias = "hostpath")]
    HostPath,
    #[value(name = "configMap", alias = "configmap")]
    ConfigMap,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum NetworkPoliciesArg {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum GroupModeArg {
    Label,
    Volume,
}

impl PlanArgs {
    /// `--controller`, or the deprecated flag of kompose that names one.
    fn controller_arg(&self) -> Option<ControllerArg> {
        self.controller.or_else(|| {
            [
                (self.deployment, ControllerArg::Deployment),
                (self.daemon_set, ControllerArg::Daemonset),
                (
                    self.replication_controller,
                    ControllerArg::ReplicationController,
                ),
            ]
            .into_iter()
            .find_map(|(given, controller)| given.then_some(controller))
        })
    }

    fn options(&self) -> ConvertOptions {
        ConvertOptions {
            namespace: self.namespace.clone(),
            controller: self.controller_arg().map(|c| match c {
                ControllerArg::Deployment => planning::Controller::Deployment,
                ControllerArg::Statefulset => planning::Controller::StatefulSet,
                ControllerArg::Daemonset => planning::Controller::DaemonSet,
                ControllerArg::ReplicationController => planning::Controller::ReplicationController,
            }),
            replicas: self.replicas,
            service_type: self.service_type.map(|t| match t {
                ServiceTypeArg::Clusterip => planning::ServiceType::ClusterIp,
                ServiceTypeArg::Nodeport => planning::ServiceType::NodePort,
                ServiceTypeArg::Loadbalancer => planning::ServiceType::LoadBalancer,
                ServiceTypeArg::Headless => planning::ServiceType::Headless,
            }),
            bind_mounts: match self.bind_mounts {
                BindMountsArg::Auto => planning::BindMounts::Auto,
                BindMountsArg::Configmap => planning::BindMounts::ConfigMap,
                BindMountsArg::Hostpath => planning::BindMounts::HostPath,
                BindMountsArg::Pvc => planning::BindMounts::Pvc,
                BindMountsArg::Error => planning::BindMounts::Error,
            },
            pvc_size: self.pvc_size.clone(),
            network_policies: match self.network_policies {
                _ if self.generate_network_policies => planning::NetworkPolicies::Always,
                NetworkPoliciesArg::Auto => planning::NetworkPolicies::Auto,
                NetworkPoliciesArg::Always => planning::NetworkPolicies::Always,
                NetworkPoliciesArg::Never => planning::NetworkPolicies::Never,
            },
            service_group_mode: self
                .service_group_mode
                .or(self.multiple_container_mode.then_some(GroupModeArg::Label))
                .map(|m| match m {
                    GroupModeArg::Label => planning::GroupMode::Label,
                    GroupModeArg::Volume => planning::GroupMode::Volume,
                }),
            service_group_name: self.service_group_name.clone(),
            wait_image: self.wait_image.clone(),
            wait_timeout: self.wait_timeout,
            volume_kind: self
                .volumes
                .or(self.emptyvols.then_some(VolumesArg::EmptyDir))
                .map(|v| match v {
                    VolumesArg::PersistentVolumeClaim => VolumeKind::PersistentVolumeClaim,
                    VolumesArg::EmptyDir => VolumeKind::EmptyDir,
                    VolumesArg::HostPath => VolumeKind::HostPath,
                    VolumesArg::ConfigMap => VolumeKind::ConfigMap,
                }),
            expose: match self.expose {
                None => planning::Expose::Auto,
                Some(ExposeArg::Ingress) => planning::Expose::Ingress,
                Some(ExposeArg::Gateway) => planning::Expose::Gateway,
                Some(ExposeArg::None) => planning::Expose::None,
            },
            ingress_class: self.ingress_class.clone(),
            gateway: self.gateway.clone(),
            cert_issuer: self.cert_issuer.clone(),
            ..ConvertOptions::default()
        }
    }
}

/// A conversion makes hundreds of small allocations per service; mimalloc serves them with a
/// quarter less CPU than glibc's malloc at 11,000 services (docs/decisions.md, "Speed").
#[global_allocator]
static GLOBAL: compose2kube_alloc::Mimalloc = compose2kube_alloc::Mimalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(flag) = cli.kompose.given()
        && !matches!(cli.command, Command::Convert(_))
    {
        Cli::command()
            .error(
                clap::error::ErrorKind::ArgumentConflict,
                format!("`{flag}` is kompose's flag of `convert`; it means nothing to this command (`check`, `config` and `explain` have `--strict`)"),
            )
            .exit();
    }
    match cli.command {
        Command::Completion { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "compose2kube",
                &mut std::io::stdout(),
            );
            ExitCode::SUCCESS
        }
        Command::Check { report } => {
            let loaded = load(&cli.project);
            let diagnostics = compose2kube::check(&loaded);
            finish(&loaded, &diagnostics, &report)
        }
        Command::Convert(args) => convert(&cli.project, &cli.kompose, &args),
        Command::Explain(args) => explain(&cli.project, &args),
        #[cfg(feature = "apply")]
        Command::Apply(args) => apply(&cli.project, &args),
        #[cfg(feature = "apply")]
        Command::Down(args) => down(&cli.project, &args),
        Command::Config { report } => {
            let loaded = load(&cli.project);
            let mut diagnostics = compose2kube::check(&loaded);
            let yaml = (exit_code(&diagnostics, report.strict) == ExitCode::SUCCESS)
                .then(|| compose2kube::render::config::render(&loaded))
                .and_then(|rendered| {
                    rendered
                        .map_err(|error| diagnostics.push(error.into()))
                        .ok()
                });
            let code = finish(&loaded, &diagnostics, &report);
            if let Some(yaml) = yaml {
                print_stdout(&yaml);
            }
            code
        }
    }
}

/// `convert`: load, check, plan, emit, write; the report goes to standard error, followed by
/// one summary line (`N services, M objects, K warnings, J notes`, with the errors when
/// there are any; M counts the objects written).
fn convert(project: &ProjectArgs, kompose: &KomposeGlobalArgs, args: &ConvertArgs) -> ExitCode {
    if let Some(message) = convert_usage_error(kompose, args) {
        Cli::command()
            .error(clap::error::ErrorKind::ArgumentConflict, message)
            .exit();
    }
    let (loaded, mut diagnostics, converted) = load_and_convert(project, &args.plan);
    let count = |severity| {
        diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    };
    let (mut errors, warnings, notes) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Note),
    );
    if kompose.suppress_warnings {
        diagnostics.retain(Diagnostic::is_error);
    } else if args.quiet {
        diagnostics.retain(|d| d.severity != Severity::Note);
    }
    let report = args.report();
    let strict_failure =
        (report.strict && warnings + notes > 0) || (kompose.error_on_warning && warnings > 0);
    let mut written = 0;
    let mut code = ExitCode::SUCCESS;
    // How many of the diagnostics are printed already.
    let mut printed = 0;
    let drawn = match &converted {
        Some(converted) if errors == 0 && !strict_failure => {
            // The report needs neither the objects nor their writing: on a second core it is
            // drawn while they are written (a large project's report costs as much as its
            // YAML). Where the objects and the text report cannot end up in one stream
            // (standard error is not standard output's file), it is printed as it is drawn;
            // else it is held and printed after them, so that the two never interleave.
            let at_once = report.format == Format::Text && !stderr_is_stdout();
            let (result, drawn) = std::thread::scope(|scope| {
                let drawing = scope.spawn(|| {
                    if at_once {
                        print_text(&loaded, &diagnostics);
                        None
                    } else {
                        Some(draw_diagnostics(&loaded, &diagnostics, report.format))
                    }
                });
                let result = write_converted(converted, args);
                (result, drawing.join())
            });
            if at_once && drawn.is_ok() {
                printed = diagnostics.len();
            }
            match result {
                Ok(count) => {
                    written = count;
                    drawn.ok().flatten()
                }
                Err(failure) => {
                    // Reported with the others, so that JSON reports carry it too.
                    diagnostics.push(failure);
                    errors += 1;
                    code = ExitCode::from(1);
                    None
                }
            }
        }
        _ => {
            code = ExitCode::from(1);
            None
        }
    };
    match drawn {
        Some(drawn) => drawn.print(),
        None => print_diagnostics(
            &loaded,
            diagnostics.get(printed..).unwrap_or_default(),
            report.format,
        ),
    }
    if args.kompose.with_kompose_annotation == Some(true) && report.format == Format::Text {
        eprintln!(
            "note: `--with-kompose-annotation`: compose2kube writes no `kompose.cmd`/`kompose.version` annotations; every object is labelled `app.kubernetes.io/managed-by: compose2kube`"
        );
    }
    if report.format == Format::Text {
        let services = loaded.project.as_ref().map_or(0, |p| p.services.len());
        let mut parts = vec![plural(services, "service"), plural(written, "object")];
        if errors > 0 {
            parts.push(plural(errors, "error"));
        }
        parts.push(plural(warnings, "warning"));
        parts.push(plural(notes, "note"));
        eprintln!("{}", parts.join(", "));
    }
    // The process ends here: handing the model, the plan and the objects back to the
    // allocator one small allocation at a time would cost a tenth of a large conversion.
    std::mem::forget((loaded, diagnostics, converted));
    code
}

/// Writes the converted objects where `convert`'s flags say: a chart, a Kustomize layout, files
/// under `-o`, or standard output (one object at a time). Returns how many objects it wrote.
fn write_converted(
    converted: &compose2kube::Converted,
    args: &ConvertArgs,
) -> Result<usize, Diagnostic> {
    let format = if args.json || args.format == OutputFormat::Json {
        manifests::Format::Json
    } else {
        manifests::Format::Yaml {
            indent: usize::from(args.kompose.indent),
        }
    };
    let helm = args.chart || args.format == OutputFormat::Helm;
    match args.out.as_ref().filter(|_| !args.stdout) {
        Some(dir) if helm => {
            let objects = converted.objects();
            write_chart(dir, &converted.plan, &objects, args)?;
            Ok(objects.len())
        }
        Some(dir) if args.format == OutputFormat::Kustomize => {
            let objects = converted.objects();
            let files = kustomize::files(dir, &objects, &args.overlays)?;
            manifests::write_files(&files, args.force)?;
            Ok(objects.len())
        }
        Some(path) => {
            let objects = converted.objects();
            write_out(path, &objects, format, args.force)?;
            Ok(objects.len())
        }
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            match manifests::write_stream(
                compose2kube::emit::objects(&converted.plan),
                format,
                &mut out,
                std::path::Path::new("standard output"),
            ) {
                Ok(count) => Ok(count),
                // A closed pipe (`| head`) is not an error worth reporting.
                Err(manifests::WriteError::Io { .. }) => Ok(0),
                Err(error) => Err(error.into()),
            }
        }
    }
}

/// Loads, checks and (when there is no error) converts the project: the diagnostics of all
/// three in source order.
fn load_and_convert(
    project: &ProjectArgs,
    plan: &PlanArgs,
) -> (Loaded, Vec<Diagnostic>, Option<compose2kube::Converted>) {
    let loaded = load(project);
    let mut diagnostics = compose2kube::check(&loaded);
    let converted = (!diagnostics.iter().any(Diagnostic::is_error))
        .then(|| compose2kube::convert(&loaded, &plan.options()));
    if let Some(converted) = &converted {
        diagnostics.extend(converted.report.to_diagnostics());
    }
    let mut sorted: compose2kube::diag::Diagnostics = diagnostics.into_iter().collect();
    sorted.sort();
    (loaded, sorted.into_vec(), converted)
}

/// Combinations of `convert` flags that clap cannot express: a message for exit code 2.
fn convert_usage_error(kompose: &KomposeGlobalArgs, args: &ConvertArgs) -> Option<String> {
    if let Some(message) = args.kompose.refused(kompose.provider) {
        return Some(message);
    }
    let directory_format = match args.format {
        OutputFormat::Kustomize => Some("kustomize"),
        OutputFormat::Helm => Some("helm"),
        _ if args.chart => Some("helm"),
        _ => None,
    };
    if args.kompose.indent != 2 {
        let other =
            directory_format.or((args.json || args.format == OutputFormat::Json).then_some("json"));
        if let Some(format) = other {
            return Some(format!(
                "`--indent` sets the indentation of YAML manifests; `--format {format}` always indents by 2"
            ));
        }
    }
    if let Some(format) = directory_format
        && args.stdout
    {
        return Some(format!(
            "`--format {format}` writes a directory (`-o DIR`), not standard output (`--stdout`)"
        ));
    }
    if args.stdout && args.report_format == Format::Json {
        return Some("`--report-format json` prints the report on standard output, so the objects cannot go there too (`--stdout`); use `-o`".to_owned());
    }
    if !args.overlays.is_empty() && args.format != OutputFormat::Kustomize {
        return Some("`--overlay` needs `--format kustomize`".to_owned());
    }
    None
}

/// `apply`: convert as `convert` does (the report on standard error), then apply.
#[cfg(feature = "apply")]
fn apply(project: &ProjectArgs, args: &ApplyArgs) -> ExitCode {
    let (loaded, mut diagnostics, converted) = load_and_convert(project, &args.plan);
    if args.quiet {
        diagnostics.retain(|d| d.severity != Severity::Note);
    }
    print_diagnostics(&loaded, &diagnostics, Format::Text);
    let Some(converted) = converted.filter(|_| !diagnostics.iter().any(Diagnostic::is_error))
    else {
        eprintln!("error: the project does not convert; nothing was applied");
        return ExitCode::from(1);
    };
    let settings = compose2kube::apply::client::Settings {
        wait: args.wait,
        prune: args.prune,
        force_conflicts: args.force_conflicts,
        continue_on_error: args.continue_on_error,
        ..args.cluster.settings()
    };
    let project_label = compose2kube::plan::labels::project_value(&loaded.name);
    let result = compose2kube::apply::client::apply(
        &converted.objects(),
        &project_label,
        &settings,
        &mut |line| println!("{line}"),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(1)
        }
    }
}

/// `down`: delete what `apply` made for this project in one namespace.
#[cfg(feature = "apply")]
fn down(project: &ProjectArgs, args: &DownArgs) -> ExitCode {
    let loaded = load(project);
    let project_label = compose2kube::plan::labels::project_value(&loaded.name);
    let consent = compose2kube::apply::prune::consent(args.yes, std::io::stdin().is_terminal());
    let result = compose2kube::apply::client::down(
        &project_label,
        args.namespace.as_deref(),
        &args.cluster.settings(),
        consent,
        &mut ask,
        &mut |line| println!("{line}"),
    );
    match result {
        Ok(downed) if downed.deleted == 0 => {
            eprintln!(
                "nothing of project `{project_label}` was deleted in namespace `{}`",
                downed.namespace
            );
            if !downed.elsewhere.is_empty() {
                eprintln!(
                    "help: the project's marks are on namespace {}; point `down` there with `-n`",
                    downed
                        .elsewhere
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            ExitCode::SUCCESS
        }
        Ok(_) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(1)
        }
    }
}

/// Asks a yes/no question on the terminal (standard error, answer on standard input); only
/// `y` or `yes` is a yes.
#[cfg(feature = "apply")]
fn ask(question: &str) -> bool {
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    if std::io::stdin().read_line(&mut answer).is_err() {
        return false;
    }
    matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

/// `explain`: load, check and plan, then describe the plan.
fn explain(project: &ProjectArgs, args: &ExplainArgs) -> ExitCode {
    let markup = args.format == ExplainFormat::Html || args.graph == Some(GraphArg::Svg);
    if args.out.is_some() && !markup {
        Cli::command()
            .error(
                clap::error::ErrorKind::ArgumentConflict,
                "`-o` writes the HTML page (`--format html`) or the picture (`--graph svg`); the text, Mermaid and DOT forms go to standard output",
            )
            .exit();
    }
    let (loaded, mut diagnostics, converted) = load_and_convert(project, &args.plan);
    let report = ReportArgs {
        format: Format::Text,
        strict: args.strict,
    };
    let Some(converted) = converted.filter(|_| !diagnostics.iter().any(Diagnostic::is_error))
    else {
        return finish(&loaded, &diagnostics, &report);
    };
    let kind = match (args.format, args.graph) {
        (ExplainFormat::Html, _) => {
            let page = html::page(&loaded, &converted, &diagnostics);
            // The page lists every diagnostic; standard error only counts them, after saying
            // why the page could not be written.
            if let Err(failure) = write_explained(args, &page) {
                print_diagnostics(&loaded, std::slice::from_ref(&failure), Format::Text);
                diagnostics.push(failure);
            }
            let count = |severity| {
                diagnostics
                    .iter()
                    .filter(|d| d.severity == severity)
                    .count()
            };
            eprintln!(
                "{}, {}, {}, {}",
                plural(converted.plan.workloads.len(), "Pod"),
                plural(count(Severity::Error), "error"),
                plural(count(Severity::Warning), "warning"),
                plural(count(Severity::Note), "note")
            );
            return exit_code(&diagnostics, args.strict);
        }
        (_, Some(GraphArg::Svg)) => {
            let picture = svg::picture(&converted.plan, loaded.project.as_ref());
            if let Err(failure) = write_explained(args, &picture) {
                diagnostics.push(failure);
            }
            return finish(&loaded, &diagnostics, &report);
        }
        (_, Some(GraphArg::Mermaid)) => explain::Graph::Mermaid,
        (_, Some(GraphArg::Dot)) => explain::Graph::Dot,
        (ExplainFormat::Text, None) => {
            // The explanation lists every diagnostic itself.
            let lines: Vec<String> = diagnostics
                .iter()
                .map(|d| render::one_line(d, &loaded.sources))
                .collect();
            print_stdout(&explain::text(&converted.plan, &lines));
            return exit_code(&diagnostics, args.strict);
        }
    };
    print_stdout(&explain::graph(&converted.plan, kind));
    finish(&loaded, &diagnostics, &report)
}

/// Prints the page or picture, or writes it to `-o` (marked as compose2kube's, atomically,
/// never over a file compose2kube did not write unless `--force`).
fn write_explained(args: &ExplainArgs, markup: &str) -> Result<(), Diagnostic> {
    let Some(path) = &args.out else {
        print_stdout(markup);
        return Ok(());
    };
    let text = if manifests::written_by_us(markup) {
        markup.to_owned()
    } else {
        manifests::Marker::Markup.mark(markup)
    };
    Ok(manifests::write_files(&[(path.clone(), text)], args.force)?)
}

/// `--format helm -o DIR`: the chart's files under DIR.
fn write_chart(
    dir: &std::path::Path,
    plan: &compose2kube::plan::Plan,
    objects: &[compose2kube::emit::Object],
    args: &ConvertArgs,
) -> Result<(), Diagnostic> {
    let options = helm::ChartOptions {
        version: args.chart_version.clone(),
        app_version: args.app_version.clone(),
        inline_secrets: args.helm_inline_secrets,
    };
    let files = helm::chart(plan, objects, &options)?
        .into_iter()
        .map(|(path, text)| (dir.join(path), text))
        .collect::<Vec<_>>();
    Ok(manifests::write_files(&files, args.force)?)
}

/// `-o`: a file for names ending in `.yaml`, `.yml` or `.json`, a directory otherwise.
fn write_out(
    path: &std::path::Path,
    objects: &[compose2kube::emit::Object],
    format: manifests::Format,
    force: bool,
) -> Result<(), manifests::WriteError> {
    let is_file = !path.is_dir()
        && path
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml" || e == "json");
    let files = if is_file {
        let format = if path.extension().is_some_and(|e| e == "json") {
            manifests::Format::Json
        } else {
            format
        };
        let mut text = manifests::stream(objects, format)?;
        if matches!(format, manifests::Format::Yaml { .. }) {
            text = manifests::Marker::Yaml.mark(&text);
        }
        vec![(path.to_path_buf(), text)]
    } else {
        objects
            .iter()
            .map(|object| {
                Ok((
                    path.join(manifests::file_name(object, format)),
                    manifests::file_text(object, format)?,
                ))
            })
            .collect::<Result<Vec<_>, manifests::WriteError>>()?
    };
    manifests::write_files(&files, force)
}

fn load(args: &ProjectArgs) -> Loaded {
    let mut options = LoadOptions::from_process();
    options.files = args
        .files
        .iter()
        .map(|f| {
            if f.as_os_str() == "-" {
                FileArg::Stdin
            } else {
                FileArg::Path(f.clone())
            }
        })
        .collect();
    if options.files.contains(&FileArg::Stdin) {
        let mut text = String::new();
        if let Err(error) = std::io::stdin().read_to_string(&mut text) {
            eprintln!("error: cannot read standard input: {error}");
        }
        options.stdin = Some(text);
    }
    options
        .project_directory
        .clone_from(&args.project_directory);
    options.project_name.clone_from(&args.project_name);
    options.env_files.clone_from(&args.env_files);
    options.profiles.clone_from(&args.profiles);
    options.interpolate = !args.no_interpolate;
    compose::load(&options)
}

/// Prints the diagnostics and a summary, and picks the exit code (`check` and `config`).
fn finish(loaded: &Loaded, diagnostics: &[Diagnostic], report: &ReportArgs) -> ExitCode {
    let count = |severity| {
        diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    };
    let errors = count(Severity::Error);
    let warnings = count(Severity::Warning);
    print_diagnostics(loaded, diagnostics, report.format);
    if report.format == Format::Text && !diagnostics.is_empty() {
        eprintln!(
            "{}, {}",
            plural(errors, "error"),
            plural(warnings, "warning")
        );
    }
    exit_code(diagnostics, report.strict)
}

/// 1 on an error, or with `--strict` on a warning; else 0.
fn exit_code(diagnostics: &[Diagnostic], strict: bool) -> ExitCode {
    let fails = |d: &Diagnostic| d.is_error() || (strict && d.severity == Severity::Warning);
    if diagnostics.iter().any(fails) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Prints diagnostics: as text on standard error, or as JSON on standard output.
fn print_diagnostics(loaded: &Loaded, diagnostics: &[Diagnostic], format: Format) {
    draw_diagnostics(loaded, diagnostics, format).print();
}

/// Whether standard error and standard output are one file (a terminal, a pipe, `2>&1`), so
/// that what is written to both must not be interleaved. When it cannot be told, they are.
fn stderr_is_stdout() -> bool {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        use std::os::unix::fs::MetadataExt;
        let identity = |fd: std::os::fd::BorrowedFd<'_>| {
            let metadata = std::fs::File::from(fd.try_clone_to_owned().ok()?)
                .metadata()
                .ok()?;
            Some((metadata.dev(), metadata.ino()))
        };
        let stdout = identity(std::io::stdout().as_fd());
        stdout.is_none() || stdout == identity(std::io::stderr().as_fd())
    }
    #[cfg(not(unix))]
    true
}

/// The report of [`print_diagnostics`], drawn but not printed yet.
struct DrawnReport {
    bytes: Vec<u8>,
    /// JSON goes to standard output, text to standard error.
    format: Format,
}

impl DrawnReport {
    fn print(&self) {
        // A closed pipe (`| head`) is not an error worth reporting.
        let _ = match self.format {
            Format::Json => std::io::stdout().lock().write_all(&self.bytes),
            Format::Text => std::io::stderr().lock().write_all(&self.bytes),
        };
    }
}

fn draw_diagnostics(loaded: &Loaded, diagnostics: &[Diagnostic], format: Format) -> DrawnReport {
    let shown: Vec<&Diagnostic> = diagnostics.iter().collect();
    let bytes = match format {
        Format::Json => format!("{:#}\n", render::to_json(&shown, &loaded.sources)).into_bytes(),
        Format::Text => {
            let mut bytes = Vec::new();
            let _ = render::write_text(&shown, &loaded.sources, text_style(), &mut bytes);
            bytes
        }
    };
    DrawnReport { bytes, format }
}

/// Prints diagnostics as text on standard error as they are drawn (none of the report is held).
fn print_text(loaded: &Loaded, diagnostics: &[Diagnostic]) {
    let shown: Vec<&Diagnostic> = diagnostics.iter().collect();
    let mut err = std::io::BufWriter::new(std::io::stderr().lock());
    // A closed pipe is not an error worth reporting.
    let _ = render::write_text(&shown, &loaded.sources, text_style(), &mut err);
}

/// Colours on a terminal, unless `NO_COLOR` is set.
fn text_style() -> Style {
    if std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        Style::Fancy
    } else {
        Style::Plain
    }
}

/// `1 warning`, `2 warnings`.
fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn print_stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth reporting.
    let _ = out.write_all(text.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[cfg(feature = "apply")]
    #[test]
    fn apply_reads_kubectls_flags() {
        let cli = Cli::try_parse_from([
            "compose2kube",
            "apply",
            "--context",
            "kind-dev",
            "-n",
            "shop",
            "--dry-run=server",
            "--wait",
            "--timeout",
            "90s",
            "--prune",
        ])
        .unwrap();
        let Command::Apply(args) = cli.command else {
            panic!("not apply");
        };
        let settings = args.cluster.settings();
        assert_eq!(settings.context.as_deref(), Some("kind-dev"));
        assert!(settings.dry_run);
        assert_eq!(settings.timeout, std::time::Duration::from_secs(90));
        assert!(args.wait && args.prune && !args.force_conflicts);
        assert_eq!(args.plan.options().namespace.as_deref(), Some("shop"));
    }

    #[cfg(feature = "apply")]
    #[test]
    fn down_takes_a_namespace_and_the_cluster_flags() {
        let cli = Cli::try_parse_from(["compose2kube", "down", "-n", "shop", "--dry-run=server"])
            .unwrap();
        let Command::Down(args) = cli.command else {
            panic!("not down");
        };
        assert_eq!(args.namespace.as_deref(), Some("shop"));
        assert!(args.cluster.settings().dry_run);
        assert!(!args.yes);
        for bare in [
            &["compose2kube", "down", "--dry-run", "--yes"][..],
            &["compose2kube", "apply", "--dry-run", "--continue-on-error"],
        ] {
            let cli = Cli::try_parse_from(bare).unwrap();
            let settings = match cli.command {
                Command::Down(args) => {
                    assert!(args.yes);
                    args.cluster.settings()
                }
                Command::Apply(args) => {
                    assert!(args.continue_on_error);
                    args.cluster.settings()
                }
                _ => panic!("not down or apply"),
            };
            assert!(settings.dry_run, "a bare --dry-run is the server's");
        }
    }

    #[test]
    fn kompose_flags_map_onto_the_options() {
        let cli = Cli::try_parse_from([
            "compose2kube",
            "convert",
            "--volumes",
            "emptyDir",
            "--pvc-request-size",
            "3Gi",
            "--generate-network-policies",
        ])
        .unwrap();
        let Command::Convert(args) = cli.command else {
            panic!("not convert");
        };
        let options = args.plan.options();
        assert_eq!(options.volume_kind, Some(VolumeKind::EmptyDir));
        assert_eq!(options.pvc_size, "3Gi");
        assert_eq!(options.network_policies, planning::NetworkPolicies::Always);
    }
}
