//! A service: one container definition and everything about how it runs.
//!
//! Short syntaxes whose meaning depends on the key rather than on the value's type are
//! rewritten on the YAML tree before the service is read, exactly as Compose canonicalises
//! them: `gpus: all`, a single `env_file` or `label_file` string, and the list forms of
//! `depends_on`, `networks` and `models`. Everything else is normalised by the value types.

use std::path::PathBuf;

use crate::hash::IndexMap;

use crate::compose::model::build::Build;
use crate::compose::model::de::{Cx, Field, FromNode, unknown_key};
use crate::compose::model::depends_on::DependsOn;
use crate::compose::model::deploy::{Deploy, DeviceRequest, RestartCondition};
use crate::compose::model::develop::Development;
use crate::compose::model::healthcheck::Healthcheck;
use crate::compose::model::hooks::ServiceHook;
use crate::compose::model::limits::{BlkioConfig, Ulimit};
use crate::compose::model::mounts::{DeviceMapping, FileReference, ServiceVolume, VolumesFrom};
use crate::compose::model::networking::{ExtraHosts, Link, NamespaceMode, ServiceNetwork};
use crate::compose::model::ports::{Expose, PortConfig};
use crate::compose::model::syntax::{
    ByteSize, Command, Duration, Mapping, Microseconds, StringOrList, SwapLimit, as_list,
    unknown_choice,
};
use crate::compose::yaml::{Map, Node, Value};
use crate::diag::{Code, Diagnostic};
use crate::source::{Span, Spanned};

crate::compose_struct! {
    @map_only
    /// One service of the project. The large sections most services leave out (`build`,
    /// `deploy`, `logging`, …) are boxed, and so are, together, the many keys few services
    /// write (`cpu_shares`, `sysctls`, `ulimits`, …), so that a service without them stays
    /// small.
    pub struct Service in "a service" {
        "annotations" => [rare] annotations: Mapping,
        /// Whether `docker compose up` attaches to the service's output.
        "attach" => [rare] attach: Option<Spanned<bool>>,
        "blkio_config" => blkio_config: Option<Box<BlkioConfig>>,
        "build" => build: Option<Box<Build>>,
        "cap_add" => [rare] cap_add: Vec<Spanned<String>>,
        "cap_drop" => [rare] cap_drop: Vec<Spanned<String>>,
        "cgroup" => [rare] cgroup: Option<Spanned<Cgroup>>,
        "cgroup_parent" => [rare] cgroup_parent: Option<Spanned<String>>,
        /// `None` when not written; `Some([])` overrides the image's command with nothing.
        "command" => command: Option<Spanned<Command>>,
        "configs" => configs: Vec<Spanned<FileReference>>,
        "container_name" => container_name: Option<Spanned<String>>,
        "cpu_count" => [rare] cpu_count: Option<Spanned<u64>>,
        /// 0 to 100.
        "cpu_percent" => [rare] cpu_percent: Option<Spanned<u8>>,
        "cpu_period" => [rare] cpu_period: Option<Spanned<i64>>,
        "cpu_quota" => [rare] cpu_quota: Option<Spanned<i64>>,
        "cpu_rt_period" => [rare] cpu_rt_period: Option<Spanned<Microseconds>>,
        "cpu_rt_runtime" => [rare] cpu_rt_runtime: Option<Spanned<Microseconds>>,
        "cpu_shares" => [rare] cpu_shares: Option<Spanned<i64>>,
        /// Number of CPUs, fractions allowed (`0.5`).
        "cpus" => [rare] cpus: Option<Spanned<f64>>,
        "cpuset" => [rare] cpuset: Option<Spanned<String>>,
        "credential_spec" => credential_spec: Option<Box<CredentialSpec>>,
        "depends_on" => depends_on: IndexMap<Spanned<String>, DependsOn>,
        "deploy" => deploy: Option<Box<Deploy>>,
        "develop" => develop: Option<Box<Development>>,
        "device_cgroup_rules" => [rare] device_cgroup_rules: Vec<Spanned<String>>,
        "devices" => [rare] devices: Vec<Spanned<DeviceMapping>>,
        "dns" => [rare] dns: StringOrList,
        "dns_opt" => [rare] dns_opt: Vec<Spanned<String>>,
        "dns_search" => [rare] dns_search: StringOrList,
        "domainname" => [rare] domainname: Option<Spanned<String>>,
        /// `None` when not written; `Some([])` clears the image's entrypoint.
        "entrypoint" => entrypoint: Option<Spanned<Command>>,
        "env_file" => env_file: Vec<Spanned<EnvFile>>,
        "environment" => environment: Mapping,
        /// Container ports (`3000`, `3000-3005`, `3000/udp`), checked like ports.
        "expose" => expose: Vec<Spanned<Expose>>,
        "extends" => extends: Option<Box<Extends>>,
        "external_links" => [rare] external_links: Vec<Spanned<String>>,
        "extra_hosts" => [rare] extra_hosts: ExtraHosts,
        /// `gpus: all` is read as one request with `count: all`.
        "gpus" => [rare] gpus: Vec<Spanned<DeviceRequest>>,
        /// Group names or ids.
        "group_add" => [rare] group_add: Vec<Spanned<String>>,
        "healthcheck" => healthcheck: Option<Healthcheck>,
        "hostname" => hostname: Option<Spanned<String>>,
        "image" => image: Option<Spanned<String>>,
        "init" => [rare] init: Option<Spanned<bool>>,
        "ipc" => [rare] ipc: Option<Spanned<NamespaceMode>>,
        "isolation" => [rare] isolation: Option<Spanned<String>>,
        /// Files of labels, made absolute.
        "label_file" => [rare] label_file: Vec<Spanned<PathBuf>>,
        "labels" => labels: Mapping,
        "links" => [rare] links: Vec<Spanned<Link>>,
        "logging" => logging: Option<Box<Logging>>,
        "mac_address" => [rare] mac_address: Option<Spanned<String>>,
        "mem_limit" => [rare] mem_limit: Option<Spanned<ByteSize>>,
        "mem_reservation" => [rare] mem_reservation: Option<Spanned<ByteSize>>,
        "mem_swappiness" => [rare] mem_swappiness: Option<Spanned<i64>>,
        "memswap_limit" => [rare] memswap_limit: Option<Spanned<SwapLimit>>,
        "models" => [rare] models: IndexMap<Spanned<String>, ServiceModel>,
        "network_mode" => network_mode: Option<Spanned<NamespaceMode>>,
        "networks" => networks: IndexMap<Spanned<String>, ServiceNetwork>,
        "oom_kill_disable" => [rare] oom_kill_disable: Option<Spanned<bool>>,
        /// -1000 to 1000.
        "oom_score_adj" => [rare] oom_score_adj: Option<Spanned<i32>>,
        "pid" => [rare] pid: Option<Spanned<NamespaceMode>>,
        "pids_limit" => [rare] pids_limit: Option<Spanned<i64>>,
        "platform" => [rare] platform: Option<Spanned<String>>,
        /// One entry per container port (short ranges are expanded).
        "ports" => ports: Vec<Spanned<PortConfig>>,
        "post_start" => [rare] post_start: Vec<Spanned<ServiceHook>>,
        "pre_stop" => [rare] pre_stop: Vec<Spanned<ServiceHook>>,
        "privileged" => [rare] privileged: Option<Spanned<bool>>,
        "profiles" => profiles: Vec<Spanned<String>>,
        "provider" => provider: Option<Box<Provider>>,
        "pull_policy" => [rare] pull_policy: Option<Spanned<String>>,
        "pull_refresh_after" => [rare] pull_refresh_after: Option<Spanned<String>>,
        "read_only" => [rare] read_only: Option<Spanned<bool>>,
        "restart" => restart: Option<Spanned<Restart>>,
        "runtime" => [rare] runtime: Option<Spanned<String>>,
        "scale" => [rare] scale: Option<Spanned<u32>>,
        "secrets" => secrets: Vec<Spanned<FileReference>>,
        "security_opt" => [rare] security_opt: Vec<Spanned<String>>,
        "shm_size" => [rare] shm_size: Option<Spanned<ByteSize>>,
        "stdin_open" => [rare] stdin_open: Option<Spanned<bool>>,
        "stop_grace_period" => [rare] stop_grace_period: Option<Spanned<Duration>>,
        "stop_signal" => [rare] stop_signal: Option<Spanned<String>>,
        "storage_opt" => [rare] storage_opt: Mapping,
        "sysctls" => [rare] sysctls: Mapping,
        /// `path[:options]` entries.
        "tmpfs" => [rare] tmpfs: StringOrList,
        "tty" => [rare] tty: Option<Spanned<bool>>,
        "ulimits" => [rare] ulimits: IndexMap<Spanned<String>, Ulimit>,
        "use_api_socket" => [rare] use_api_socket: Option<Spanned<bool>>,
        /// A user name or uid, optionally `:group`.
        "user" => user: Option<Spanned<String>>,
        "userns_mode" => [rare] userns_mode: Option<Spanned<String>>,
        "uts" => [rare] uts: Option<Spanned<String>>,
        "volumes" => volumes: Vec<Spanned<ServiceVolume>>,
        "volumes_from" => [rare] volumes_from: Vec<Spanned<VolumesFrom>>,
        "working_dir" => working_dir: Option<Spanned<String>>,
    }
    rare: ServiceRare
}

impl Service {
    /// Whether the container is meant to exit rather than keep running: `restart: no` or
    /// `on-failure`, a `deploy.restart_policy.condition` of `none` or `on-failure`, or a job
    /// mode. The plan runs such a service as a Job.
    #[must_use]
    pub fn runs_once(&self) -> bool {
        let deploy = self.deploy.as_ref();
        matches!(
            self.restart.as_deref(),
            Some(Restart::No | Restart::OnFailure { .. })
        ) || matches!(
            deploy
                .and_then(|d| d.restart_policy.as_ref())
                .and_then(|r| r.condition.as_deref()),
            Some(RestartCondition::None | RestartCondition::OnFailure)
        ) || deploy
            .and_then(|d| d.mode.as_ref())
            .is_some_and(|m| m.is_job())
    }

    /// The replicas the service asks for: `deploy.replicas`, else `scale`.
    #[must_use]
    pub fn replicas(&self) -> Option<&Spanned<u32>> {
        self.deploy
            .as_ref()
            .and_then(|d| d.replicas.as_ref())
            .or(self.rare().scale.as_ref())
    }
}

impl FromNode for Service {
    /// Loading rewrites the short syntaxes in the tree it owns ([`canonicalize`]) before it
    /// reads the services, so that this copies a service's mapping only when it is read from
    /// a tree nobody rewrote.
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        let map = cx.expect_map(node, "a service")?;
        let service = if has_short_syntax(map) {
            let mut map = map.clone();
            canonicalize(&mut map, cx);
            Self::read_map(node, &map, cx)
        } else {
            Self::read_map(node, map, cx)
        };
        if let Some(percent) = &service.rare().cpu_percent
            && percent.value > 100
        {
            cx.invalid_value(
                percent.span,
                format!("`cpu_percent` is {}, above 100", percent.value),
                "write a percentage from 0 to 100",
            );
        }
        if let Some(adjustment) = &service.rare().oom_score_adj
            && !(-1000..=1000).contains(&adjustment.value)
        {
            cx.invalid_value(
                adjustment.span,
                format!(
                    "`oom_score_adj` is {}, outside -1000 to 1000",
                    adjustment.value
                ),
                "write a number from -1000 to 1000",
            );
        }
        Some(service)
    }
}

/// Whether a service writes a key-specific short syntax [`canonicalize`] rewrites.
fn has_short_syntax(map: &Map) -> bool {
    let is =
        |key: &str, test: fn(&Node) -> bool| map.get(key).is_some_and(|n| !n.is_null() && test(n));
    let scalar = |n: &Node| matches!(n.value, Value::Scalar(_));
    let seq = |n: &Node| matches!(n.value, Value::Seq(_));
    is("gpus", scalar)
        || is("env_file", scalar)
        || is("label_file", scalar)
        || is("depends_on", seq)
        || is("networks", seq)
        || is("models", seq)
}

/// Rewrites a service's key-specific short syntaxes to their long form, in place (a service
/// in long form is left as it is).
pub fn canonicalize(map: &mut Map, cx: &mut Cx) {
    if let Some(gpus) = map.get_mut("gpus")
        && let Value::Scalar(scalar) = &gpus.value
        && !gpus.is_null()
    {
        if scalar.text == "all" {
            let mut request = Map::new();
            request.insert(
                "count".to_string(),
                gpus.span,
                Node::string("all", gpus.span),
            );
            *gpus = Node::seq(vec![Node::map(request, gpus.span)], gpus.span);
        } else {
            let text = scalar.text.clone();
            unknown_choice(cx, gpus.span, &text, "a GPU request", &["all"]);
            map.remove("gpus");
        }
    }
    for key in ["env_file", "label_file"] {
        if let Some(value) = map.get_mut(key)
            && matches!(value.value, Value::Scalar(_))
            && !value.is_null()
        {
            let span = value.span;
            *value = as_list(std::mem::replace(value, Node::null(span)));
        }
    }
    for (key, bare) in NAME_LISTS {
        if let Some(value) = map.get_mut(key)
            && let Some(names) = names_to_map(value, key, bare, cx)
        {
            *value = names;
        }
    }
}

/// Builds the mapping entry a bare name of a names list (`depends_on: [db]`) stands for, at
/// the name's span.
pub type BareName = fn(Span) -> Node;

/// The keys of a service whose list form names things, each with what a bare name stands
/// for when the service is read.
pub const NAME_LISTS: [(&str, BareName); 3] = [
    ("depends_on", empty_map),
    ("networks", Node::null),
    ("models", empty_map),
];

fn empty_map(span: Span) -> Node {
    Node::map(Map::new(), span)
}

/// `[a, b]` → `{a: <bare>, b: <bare>}` for a key of [`NAME_LISTS`] (`key` names it in the
/// diagnostics); a name listed twice is reported, an item that is not a name too. `None` when
/// the value is not a list. Reading a service and merging files both use it, so a list is
/// checked the same in any file.
pub fn names_to_map(node: &Node, key: &str, bare: BareName, cx: &mut Cx) -> Option<Node> {
    let Value::Seq(items) = &node.value else {
        return None;
    };
    let mut names = Map::new();
    for item in items {
        let Some(name) = String::from_node(item, cx) else {
            continue;
        };
        if let Some(first) = names.entry(&name).map(|e| e.key_span) {
            cx.report(
                Diagnostic::error(
                    Code::DuplicateKey,
                    format!("`{name}` is listed twice in `{key}`"),
                )
                .at(item.span)
                .related(first, "first listed here")
                .help("remove one of the two entries"),
            );
            continue;
        }
        names.insert(name, item.span, bare(item.span));
    }
    Some(Node::map(names, node.span))
}

crate::string_enum! {
    /// The cgroup namespace of the container.
    pub enum Cgroup in "a cgroup namespace mode" {
        Host = "host",
        Private = "private",
    }
}

/// `restart`: what the Engine does when the container exits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Restart {
    /// `no`: it stays stopped.
    No,
    Always,
    UnlessStopped,
    /// `on-failure[:N]`: it restarts after a failure, at most N times when the count is a
    /// number.
    OnFailure {
        max_retries: Option<i32>,
    },
    /// Any other value, as written: the Engine refuses it, the plan reports it.
    Other(String),
}

impl Restart {
    #[must_use]
    pub fn parse(text: &str) -> Self {
        match text {
            "no" => Self::No,
            "always" => Self::Always,
            "unless-stopped" => Self::UnlessStopped,
            "on-failure" => Self::OnFailure { max_retries: None },
            other => match other.strip_prefix("on-failure:") {
                Some(count) => Self::OnFailure {
                    max_retries: count.parse().ok(),
                },
                None => Self::Other(other.to_owned()),
            },
        }
    }
}

impl std::fmt::Display for Restart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::No => f.write_str("no"),
            Self::Always => f.write_str("always"),
            Self::UnlessStopped => f.write_str("unless-stopped"),
            Self::OnFailure { max_retries: None } => f.write_str("on-failure"),
            Self::OnFailure {
                max_retries: Some(count),
            } => write!(f, "on-failure:{count}"),
            Self::Other(text) => f.write_str(text),
        }
    }
}

crate::read_from_text!(Restart);

crate::compose_struct! {
    /// Where the container's logs go.
    pub struct Logging in "`logging`" {
        "driver" => driver: Option<Spanned<String>>,
        "options" => options: Mapping,
    }
}

crate::compose_struct! {
    /// Windows credential spec for a managed service account.
    pub struct CredentialSpec in "`credential_spec`" {
        "config" => config: Option<Spanned<String>>,
        "file" => file: Option<Spanned<String>>,
        "registry" => registry: Option<Spanned<String>>,
    }
}

crate::compose_struct! {
    /// A service managed by an external provider instead of run as a container.
    pub struct Provider in "`provider`" {
        /// `type`: the component that manages the service.
        "type" => kind: Option<Spanned<String>>,
        /// Provider-specific options; a single value is read as a one-item list.
        "options" => options: IndexMap<Spanned<String>, StringOrList>,
    }
    required ["type"]
}

crate::compose_struct! {
    /// How a service uses one of the top-level `models`.
    pub struct ServiceModel in "a service model" {
        /// Environment variable set to the model's endpoint.
        "endpoint_var" => endpoint_var: Option<Spanned<String>>,
        /// Environment variable set to the model's name.
        "model_var" => model_var: Option<Spanned<String>>,
    }
}

crate::compose_struct! {
    @map_only
    /// The service this one is based on. The loader resolves `extends` before the model is
    /// typed, reading it with this type's reader, the one place it is parsed.
    pub struct Extends in "`extends`" {
        /// Never `None` once read.
        "service" => service: Option<Spanned<String>>,
        /// The file defining it, as written (the loader resolves it against the extending
        /// file, and refuses remote ones); `None` means the same file.
        "file" => file: Option<Spanned<String>>,
    }
}

impl FromNode for Extends {
    /// `extends: web` is short for `extends: {service: web}`. Compose's schema closes the
    /// mapping: `x-*` keys are unknown here too.
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        let extends = match &node.value {
            Value::Map(map) => {
                let mut extends = Self::read_map(node, map, cx);
                for (key, entry) in map.iter().filter(|(key, _)| key.starts_with("x-")) {
                    unknown_key(cx, key, entry.key_span, "`extends`", Self::KEYS);
                }
                extends.extensions.clear();
                extends
            }
            Value::Scalar(_) => Self {
                service: Field::read(node, cx),
                span: Some(node.span),
                ..Self::default()
            },
            Value::Seq(_) => Self::default(),
        };
        if extends.service.is_none() {
            cx.report(
                Diagnostic::error(
                    Code::MissingKey,
                    "`extends` needs the name of the service to extend",
                )
                .at(node.span)
                .help("write `extends: other` or `extends: {file: base.yaml, service: other}`"),
            );
            return None;
        }
        Some(extends)
    }
}

/// `env_file` entries as written, before defaults are filled in.
pub mod written {
    use std::path::PathBuf;

    use crate::source::Spanned;

    crate::compose_struct! {
        /// An `env_file` entry as written.
        pub struct EnvFileSpec in "an env file" {
            "path" => path: Option<Spanned<PathBuf>>,
            "required" => required: Option<bool>,
            "format" => format: Option<Spanned<String>>,
        }
        required ["path"]
    }
}

/// A file of environment variables for the container.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct EnvFile {
    /// Made absolute.
    pub path: PathBuf,
    /// `false`: a missing file is ignored. Compose's default is `true`.
    pub required: bool,
    /// An alternative file format; `None` means Compose's `.env` format.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
}

impl FromNode for EnvFile {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        if let Value::Map(map) = &node.value {
            let spec = written::EnvFileSpec::read_map(node, map, cx);
            return Some(Self {
                path: spec.path?.value,
                required: spec.required.unwrap_or(true),
                format: spec.format.map(|f| f.value),
            });
        }
        Some(Self {
            path: PathBuf::from_node(node, cx)?,
            required: true,
            format: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::model::depends_on::Condition;
    use crate::compose::model::deploy::DeviceCount;
    use crate::compose::model::testing::{codes_of, read, read_ok};

    /// Every property of `definitions.service` in compose-spec.json.
    const SCHEMA_SERVICE_KEYS: &[&str] = &[
        "develop",
        "deploy",
        "annotations",
        "attach",
        "build",
        "blkio_config",
        "cap_add",
        "cap_drop",
        "cgroup",
        "cgroup_parent",
        "command",
        "configs",
        "container_name",
        "cpu_count",
        "cpu_percent",
        "cpu_shares",
        "cpu_quota",
        "cpu_period",
        "cpu_rt_period",
        "cpu_rt_runtime",
        "cpus",
        "cpuset",
        "credential_spec",
        "depends_on",
        "device_cgroup_rules",
        "devices",
        "dns",
        "dns_opt",
        "dns_search",
        "domainname",
        "entrypoint",
        "env_file",
        "label_file",
        "environment",
        "expose",
        "extends",
        "provider",
        "external_links",
        "extra_hosts",
        "gpus",
        "group_add",
        "healthcheck",
        "hostname",
        "image",
        "init",
        "ipc",
        "isolation",
        "labels",
        "links",
        "logging",
        "mac_address",
        "mem_limit",
        "mem_reservation",
        "mem_swappiness",
        "memswap_limit",
        "network_mode",
        "models",
        "networks",
        "oom_kill_disable",
        "oom_score_adj",
        "pid",
        "pids_limit",
        "platform",
        "ports",
        "post_start",
        "pre_stop",
        "privileged",
        "profiles",
        "pull_policy",
        "pull_refresh_after",
        "read_only",
        "restart",
        "runtime",
        "scale",
        "security_opt",
        "shm_size",
        "secrets",
        "sysctls",
        "stdin_open",
        "stop_grace_period",
        "stop_signal",
        "storage_opt",
        "tmpfs",
        "tty",
        "ulimits",
        "use_api_socket",
        "user",
        "uts",
        "userns_mode",
        "volumes",
        "volumes_from",
        "working_dir",
    ];

    #[test]
    fn every_schema_service_key_is_a_field() {
        let missing: Vec<&str> = SCHEMA_SERVICE_KEYS
            .iter()
            .copied()
            .filter(|key| !Service::KEYS.contains(key))
            .collect();
        assert!(missing.is_empty(), "missing service keys: {missing:?}");
        assert_eq!(Service::KEYS.len(), SCHEMA_SERVICE_KEYS.len());
    }

    #[test]
    fn unknown_service_key_suggests_the_nearest() {
        let (_, diags, _) = read::<Service>("imgae: nginx\n");
        let d = diags.iter().next().unwrap();
        assert_eq!(d.code, Code::UnknownKey);
        assert_eq!(d.help.as_deref(), Some("did you mean `image`?"));
    }

    #[test]
    fn extension_keys_are_kept() {
        let service = read_ok::<Service>("image: a\nx-kubernetes: {replicas: 2}\n");
        assert!(service.extensions.contains_key("x-kubernetes"));
    }

    #[test]
    fn all_problems_of_a_service_are_reported_together() {
        let codes = codes_of::<Service>(
            "mem_limit: lots\nhealthcheck: {interval: soon}\nports: ['99999']\nrestrat: always\n",
        );
        assert_eq!(
            codes,
            [
                Code::InvalidByteSize,
                Code::InvalidDuration,
                Code::InvalidPort,
                Code::UnknownKey
            ]
        );
    }

    #[test]
    fn restart_is_read_once_and_written_back_as_read() {
        for (text, restart) in [
            ("no", Restart::No),
            ("on-failure", Restart::OnFailure { max_retries: None }),
            (
                "on-failure:3",
                Restart::OnFailure {
                    max_retries: Some(3),
                },
            ),
            ("sometimes", Restart::Other("sometimes".into())),
        ] {
            let service = read_ok::<Service>(&format!("restart: {text}\n"));
            assert_eq!(service.restart.as_deref(), Some(&restart));
            assert_eq!(restart.to_string(), text);
        }
    }

    #[test]
    fn a_job_mode_or_a_restart_that_stops_makes_a_service_run_once() {
        for yaml in [
            "restart: \"no\"\n",
            "restart: on-failure:2\n",
            "deploy: {restart_policy: {condition: none}}\n",
            "deploy: {mode: replicated-job}\n",
        ] {
            assert!(read_ok::<Service>(yaml).runs_once(), "{yaml}");
        }
        for yaml in [
            "restart: always\n",
            "deploy: {mode: global}\n",
            "image: a\n",
        ] {
            assert!(!read_ok::<Service>(yaml).runs_once(), "{yaml}");
        }
    }

    #[test]
    fn depends_on_list_form_gets_the_defaults() {
        let service = read_ok::<Service>("depends_on: [db, cache]\n");
        let db = &service.depends_on["db"];
        assert_eq!(
            (db.condition, db.restart, db.required),
            (Condition::Started, false, true)
        );
        assert!(db.keys.get("condition").is_none());
        assert_eq!(service.depends_on.len(), 2);
    }

    #[test]
    fn depends_on_map_form_reads_condition_restart_and_required() {
        let service = read_ok::<Service>(
            "depends_on:\n  db: {condition: service_healthy, restart: true}\n  \
             job: {condition: service_completed_successfully, required: false}\n",
        );
        let db = &service.depends_on["db"];
        assert_eq!(
            (db.condition, db.restart, db.required),
            (Condition::Healthy, true, true)
        );
        let job = &service.depends_on["job"];
        assert_eq!(
            (job.condition, job.required),
            (Condition::CompletedSuccessfully, false)
        );
    }

    #[test]
    fn depends_on_problems_are_reported() {
        assert_eq!(
            codes_of::<Service>("depends_on: {db: {condition: service_healty}}\n"),
            [Code::InvalidValue]
        );
        assert_eq!(
            codes_of::<Service>("depends_on: [db, db]\n"),
            [Code::DuplicateKey]
        );
    }

    #[test]
    fn networks_list_form_and_null_entries_mean_default_settings() {
        let service = read_ok::<Service>("networks: [front, back]\n");
        assert_eq!(service.networks.len(), 2);
        assert_eq!(service.networks["front"], ServiceNetwork::default());
        let service = read_ok::<Service>(
            "networks:\n  front:\n  back: {aliases: [api], ipv4_address: 10.0.0.2, priority: 10}\n",
        );
        assert_eq!(service.networks["front"], ServiceNetwork::default());
        let back = &service.networks["back"];
        assert_eq!(back.aliases.first().unwrap().as_str(), "api");
        assert_eq!(back.rare().priority.as_ref().unwrap().value, 10);
    }

    #[test]
    fn models_list_form_means_default_variables() {
        let service = read_ok::<Service>("models: [llm]\n");
        assert_eq!(service.rare().models["llm"], ServiceModel::default());
        let service = read_ok::<Service>("models: {llm: {endpoint_var: URL, model_var: NAME}}\n");
        assert_eq!(
            service.rare().models["llm"]
                .endpoint_var
                .as_ref()
                .unwrap()
                .as_str(),
            "URL"
        );
    }

    #[test]
    fn gpus_all_is_one_request_for_all_devices() {
        let service = read_ok::<Service>("gpus: all\n");
        let [request] = service.rare().gpus.as_slice() else {
            panic!()
        };
        assert_eq!(request.count.as_ref().unwrap().value, DeviceCount::All);
        let service =
            read_ok::<Service>("gpus: [{driver: nvidia, count: 2, capabilities: [gpu]}]\n");
        assert_eq!(
            service
                .rare()
                .gpus
                .first()
                .unwrap()
                .count
                .as_ref()
                .unwrap()
                .value,
            DeviceCount::Count(2)
        );
        assert_eq!(codes_of::<Service>("gpus: some\n"), [Code::InvalidValue]);
    }

    #[test]
    fn env_file_forms_become_absolute_required_files() {
        let service = read_ok::<Service>("env_file: .env\n");
        let [file] = service.env_file.as_slice() else {
            panic!()
        };
        assert_eq!(
            (file.path.as_path(), file.required),
            (std::path::Path::new("/project/.env"), true)
        );
        let service = read_ok::<Service>(
            "env_file: [a.env, {path: ./b.env, required: false}, {path: c.env, format: raw}]\n",
        );
        let files: Vec<(&str, bool)> = service
            .env_file
            .iter()
            .map(|f| (f.path.to_str().unwrap(), f.required))
            .collect();
        assert_eq!(
            files,
            [
                ("/project/a.env", true),
                ("/project/b.env", false),
                ("/project/c.env", true)
            ]
        );
        assert_eq!(
            service.env_file.last().unwrap().format.as_deref(),
            Some("raw")
        );
        assert_eq!(
            codes_of::<Service>("env_file: [{required: false}]\n"),
            [Code::MissingKey]
        );
    }

    #[test]
    fn label_file_string_is_a_list_of_absolute_paths() {
        let service = read_ok::<Service>("label_file: ./labels\n");
        assert_eq!(
            service.rare().label_file.first().unwrap().value,
            PathBuf::from("/project/labels")
        );
    }

    #[test]
    fn command_string_is_split_into_words_and_empty_stays_distinct_from_absent() {
        let service =
            read_ok::<Service>("command: sh -c 'echo hello'\nentrypoint: [/init, --verbose]\n");
        assert_eq!(service.command.unwrap().value.0, ["sh", "-c", "echo hello"]);
        assert_eq!(service.entrypoint.unwrap().value.0, ["/init", "--verbose"]);
        let service = read_ok::<Service>("command: []\n");
        assert_eq!(service.command.map(|c| c.value.0.len()), Some(0));
        assert_eq!(read_ok::<Service>("image: a\n").command, None);
        assert_eq!(
            codes_of::<Service>("command: echo 'oops\n"),
            [Code::InvalidValue]
        );
    }

    #[test]
    fn healthcheck_string_test_is_a_shell_command() {
        let service = read_ok::<Service>(
            "healthcheck:\n  test: curl -f http://localhost\n  interval: 1m30s\n  timeout: 10s\n  \
             retries: 3\n  start_period: 40s\n  start_interval: 5s\n",
        );
        let healthcheck = service.healthcheck.unwrap();
        assert_eq!(
            healthcheck.test.unwrap().value.0,
            ["CMD-SHELL", "curl -f http://localhost"]
        );
        assert_eq!(healthcheck.interval.unwrap().value, Duration::from_secs(90));
        assert_eq!(healthcheck.retries.unwrap().value, 3);
        let service =
            read_ok::<Service>("healthcheck: {test: [CMD, pg_isready], disable: false}\n");
        assert_eq!(
            service.healthcheck.unwrap().test.unwrap().value.0,
            ["CMD", "pg_isready"]
        );
    }

    #[test]
    fn extends_short_and_long_forms() {
        let service = read_ok::<Service>("extends: web\n");
        assert_eq!(service.extends.unwrap().service.unwrap().as_str(), "web");
        let service = read_ok::<Service>("extends: {service: web, file: ../common.yaml}\n");
        let extends = service.extends.unwrap();
        assert_eq!(extends.file.unwrap().as_str(), "../common.yaml");
        assert_eq!(
            codes_of::<Service>("extends: {file: a.yaml}\n"),
            [Code::MissingKey]
        );
    }

    #[test]
    fn environment_list_and_map_forms_read_the_same() {
        let list = read_ok::<Service>("environment: [A=1, B, C=x=y]\n");
        let map = read_ok::<Service>("environment: {A: 1, B: , C: x=y}\n");
        assert_eq!(list.environment, map.environment);
        assert_eq!(list.environment["B"], None);
    }

    #[test]
    fn extra_hosts_list_and_map_forms() {
        let service = read_ok::<Service>(
            "extra_hosts: ['somehost:162.242.195.82', 'myhost:::1', 'other=[::1]', 'multi=1.1.1.1,2.2.2.2']\n",
        );
        let ips = |host: &str| -> Vec<String> {
            service.rare().extra_hosts[host]
                .iter()
                .map(|ip| ip.value.clone())
                .collect()
        };
        assert_eq!(ips("somehost"), ["162.242.195.82"]);
        assert_eq!(ips("myhost"), ["::1"]);
        assert_eq!(ips("other"), ["::1"]);
        assert_eq!(ips("multi"), ["1.1.1.1", "2.2.2.2"]);
        let service = read_ok::<Service>("extra_hosts: {a: 1.2.3.4, b: ['[::1]', 10.0.0.1]}\n");
        assert_eq!(service.rare().extra_hosts["b"].len(), 2);
        assert_eq!(
            service.rare().extra_hosts["b"].first().unwrap().as_str(),
            "::1"
        );
        assert_eq!(
            codes_of::<Service>("extra_hosts: [nohostip]\n"),
            [Code::InvalidValue]
        );
    }

    #[test]
    fn ulimits_single_number_sets_both_limits() {
        let service =
            read_ok::<Service>("ulimits: {nproc: 65535, nofile: {soft: 20000, hard: 40000}}\n");
        let nproc = &service.rare().ulimits["nproc"];
        assert_eq!((nproc.soft, nproc.hard), (65535, 65535));
        let nofile = &service.rare().ulimits["nofile"];
        assert_eq!((nofile.soft, nofile.hard), (20000, 40000));
        assert_eq!(
            codes_of::<Service>("ulimits: {nofile: {soft: 2, hard: 1}}\n"),
            [Code::InvalidValue]
        );
        assert_eq!(
            codes_of::<Service>("ulimits: {nofile: {soft: 2}}\n"),
            [Code::MissingKey]
        );
    }

    #[test]
    fn memory_sizes_and_unlimited_swap() {
        let service = read_ok::<Service>(
            "mem_limit: 1g\nmem_reservation: 512m\nmemswap_limit: -1\nshm_size: '2gb'\n",
        );
        assert_eq!(service.rare().mem_limit.unwrap().value, ByteSize(1 << 30));
        assert_eq!(
            service.rare().mem_reservation.unwrap().value,
            ByteSize(512 << 20)
        );
        assert_eq!(
            service.rare().memswap_limit.unwrap().value,
            SwapLimit::Unlimited
        );
        assert_eq!(service.rare().shm_size.unwrap().value, ByteSize(2 << 30));
    }

    #[test]
    fn numbers_are_accepted_where_compose_takes_strings() {
        let service = read_ok::<Service>("user: 1000\ngroup_add: [1001, audio]\ncpus: '0.5'\n");
        assert_eq!(service.user.as_ref().unwrap().as_str(), "1000");
        assert_eq!(service.rare().group_add.first().unwrap().as_str(), "1001");
        assert!((service.rare().cpus.unwrap().value - 0.5).abs() < f64::EPSILON);
        let service = read_ok::<Service>("cpus: 1.5\n");
        assert!((service.rare().cpus.unwrap().value - 1.5).abs() < f64::EPSILON);
    }

    #[test]
    fn string_or_list_keys_take_one_string() {
        let service = read_ok::<Service>("dns: 8.8.8.8\ndns_search: example.com\ntmpfs: /run\n");
        assert_eq!(service.rare().dns.len(), 1);
        assert_eq!(service.rare().dns_search.len(), 1);
        assert_eq!(service.rare().tmpfs.first().unwrap().as_str(), "/run");
        let service = read_ok::<Service>("tmpfs: [/run, '/tmp:size=64m']\n");
        assert_eq!(service.rare().tmpfs.len(), 2);
    }

    #[test]
    fn numeric_ranges_are_checked() {
        assert_eq!(
            codes_of::<Service>("cpu_percent: 150\n"),
            [Code::InvalidValue]
        );
        assert_eq!(
            codes_of::<Service>("oom_score_adj: -2000\n"),
            [Code::InvalidValue]
        );
        assert_eq!(codes_of::<Service>("cgroup: hots\n"), [Code::InvalidValue]);
    }

    #[test]
    fn cpu_realtime_accepts_microseconds_or_durations() {
        let service = read_ok::<Service>("cpu_rt_runtime: 400ms\ncpu_rt_period: 1400\n");
        assert_eq!(
            service.rare().cpu_rt_runtime.unwrap().value,
            Microseconds(400_000)
        );
        assert_eq!(
            service.rare().cpu_rt_period.unwrap().value,
            Microseconds(1400)
        );
    }

    #[test]
    fn hooks_provider_and_credential_spec() {
        let service = read_ok::<Service>(
            "post_start: [{command: ./init.sh --fast, user: root, privileged: true, environment: [A=1]}]\n\
             pre_stop: [{command: [./drain]}]\n\
             provider: {type: model, options: {model: ai/smollm2, flags: [a, b], size: 3}}\n\
             credential_spec: {config: my_credential_spec}\n",
        );
        let hook = service.rare().post_start.first().unwrap();
        assert_eq!(
            hook.command.as_ref().unwrap().value.0,
            ["./init.sh", "--fast"]
        );
        let provider = service.provider.unwrap();
        assert_eq!(provider.kind.unwrap().as_str(), "model");
        assert_eq!(provider.options["flags"].len(), 2);
        assert_eq!(provider.options["size"].first().unwrap().as_str(), "3");
        assert_eq!(
            codes_of::<Service>("post_start: [{user: root}]\n"),
            [Code::MissingKey]
        );
        assert_eq!(
            codes_of::<Service>("provider: {options: {}}\n"),
            [Code::MissingKey]
        );
    }

    #[test]
    fn develop_watch_rules() {
        let service = read_ok::<Service>(
            "develop:\n  watch:\n    - {path: ./src, action: sync, target: /app/src, ignore: node_modules/}\n    \
             - {path: package.json, action: rebuild}\n    \
             - {path: ./conf, action: sync+exec, target: /conf, exec: {command: reload}}\n",
        );
        let watch = service.develop.unwrap().watch;
        assert_eq!(watch.len(), 3);
        let first = watch.first().unwrap();
        assert_eq!(
            first.path.as_ref().unwrap().value,
            PathBuf::from("/project/src")
        );
        assert_eq!(first.ignore.len(), 1);
        assert_eq!(
            codes_of::<Service>("develop: {watch: [{path: a, action: copy}]}\n"),
            [Code::InvalidValue]
        );
    }

    #[test]
    fn blkio_config_reads_rates_and_weights() {
        let service = read_ok::<Service>(
            "blkio_config:\n  weight: 300\n  weight_device: [{path: /dev/sda, weight: 400}]\n  \
             device_read_bps: [{path: /dev/sdb, rate: '12mb'}]\n  device_write_iops: [{path: /dev/sdb, rate: 30}]\n",
        );
        let blkio = service.blkio_config.unwrap();
        assert_eq!(
            blkio
                .device_read_bps
                .first()
                .unwrap()
                .rate
                .as_ref()
                .unwrap()
                .value,
            ByteSize(12 << 20)
        );
        assert_eq!(blkio.weight.unwrap().value, 300);
    }

    #[test]
    fn logging_options_are_a_mapping() {
        let service = read_ok::<Service>(
            "logging: {driver: json-file, options: {max-size: 10m, max-file: 3}}\n",
        );
        let logging = service.logging.unwrap();
        assert_eq!(logging.options["max-file"].as_ref().unwrap().as_str(), "3");
    }
}
