//! The `kompose.*` labels: an existing Compose file tuned for kompose converts without edits.
//!
//! kompose reads these from a service's `labels` (and the `kompose.volume.*` ones from a
//! top-level volume's `labels`). They keep kompose's meaning; every one is listed here, and
//! read only through [`label`] / [`volume_label`], so that planning can tell which labels it
//! consumed and report the rest.

use crate::compose::model::syntax::Mapping;
use crate::compose::model::{Service, Volume};
use crate::diag::{Code, Diagnostic, closest, edit_distance, suggest};
use crate::report::{Entry, Report};
use crate::source::Spanned;

pub const SERVICE_GROUP: &str = "kompose.service.group";
pub const SERVICE_TYPE: &str = "kompose.service.type";
pub const SERVICE_EXPOSE: &str = "kompose.service.expose";
pub const SERVICE_EXPOSE_TLS_SECRET: &str = "kompose.service.expose.tls-secret";
pub const SERVICE_EXPOSE_INGRESS_CLASS: &str = "kompose.service.expose.ingress-class-name";
pub const SERVICE_NODEPORT_PORT: &str = "kompose.service.nodeport.port";
pub const SERVICE_EXTERNAL_TRAFFIC_POLICY: &str = "kompose.service.external-traffic-policy";
pub const CONTROLLER_TYPE: &str = "kompose.controller.type";
pub const CONTROLLER_PORT_EXPOSE: &str = "kompose.controller.port.expose";
pub const SERVICE_NAME_OVERRIDE: &str = "kompose.service.name_override";
pub const CRONJOB_SCHEDULE: &str = "kompose.cronjob.schedule";
pub const CRONJOB_CONCURRENCY_POLICY: &str = "kompose.cronjob.concurrency_policy";
pub const CRONJOB_BACKOFF_LIMIT: &str = "kompose.cronjob.backoff_limit";
pub const IMAGE_PULL_SECRET: &str = "kompose.image-pull-secret";
pub const IMAGE_PULL_POLICY: &str = "kompose.image-pull-policy";
pub const SERVICE_ACCOUNT: &str = "kompose.serviceaccount-name";
pub const FS_GROUP: &str = "kompose.security-context.fsgroup";
pub const INIT_CONTAINER_NAME: &str = "kompose.init.containers.name";
pub const INIT_CONTAINER_IMAGE: &str = "kompose.init.containers.image";
pub const INIT_CONTAINER_COMMAND: &str = "kompose.init.containers.command";
pub const HPA_MIN_REPLICAS: &str = "kompose.hpa.replicas.min";
pub const HPA_MAX_REPLICAS: &str = "kompose.hpa.replicas.max";
pub const HPA_CPU: &str = "kompose.hpa.cpu";
pub const HPA_MEMORY: &str = "kompose.hpa.memory";
pub const EPHEMERAL_STORAGE_REQUEST: &str = "kompose.ephemeral-storage.request";
pub const EPHEMERAL_STORAGE_LIMIT: &str = "kompose.ephemeral-storage.limit";
pub const VOLUME_SIZE: &str = "kompose.volume.size";
pub const VOLUME_STORAGE_CLASS: &str = "kompose.volume.storage-class-name";
pub const VOLUME_TYPE: &str = "kompose.volume.type";
pub const VOLUME_SUB_PATH: &str = "kompose.volume.subpath";
/// The name kompose's user guide gave [`VOLUME_SUB_PATH`] before 1.36 (kompose itself only
/// ever read `subpath`), which compose2kube shipped: still read.
pub const VOLUME_SUB_PATH_ALIAS: &str = "kompose.volume.sub-path";
pub const VOLUME_SELECTOR: &str = "kompose.volume.selector";
/// `kompose.service.healthcheck.{readiness,liveness}.<field>`.
pub const HEALTHCHECK_PREFIX: &str = "kompose.service.healthcheck.";
/// The fields of a healthcheck label.
const HEALTHCHECK_FIELDS: [&str; 9] = [
    "disable",
    "test",
    "interval",
    "timeout",
    "retries",
    "start_period",
    "http_get_path",
    "http_get_port",
    "tcp_port",
];

/// Every label of a service that compose2kube reads.
const SERVICE_LABELS: [&str; 31] = [
    SERVICE_GROUP,
    SERVICE_TYPE,
    SERVICE_EXPOSE,
    SERVICE_EXPOSE_TLS_SECRET,
    SERVICE_EXPOSE_INGRESS_CLASS,
    SERVICE_NODEPORT_PORT,
    SERVICE_EXTERNAL_TRAFFIC_POLICY,
    CONTROLLER_TYPE,
    CONTROLLER_PORT_EXPOSE,
    SERVICE_NAME_OVERRIDE,
    CRONJOB_SCHEDULE,
    CRONJOB_CONCURRENCY_POLICY,
    CRONJOB_BACKOFF_LIMIT,
    IMAGE_PULL_SECRET,
    IMAGE_PULL_POLICY,
    SERVICE_ACCOUNT,
    FS_GROUP,
    INIT_CONTAINER_NAME,
    INIT_CONTAINER_IMAGE,
    INIT_CONTAINER_COMMAND,
    HPA_MIN_REPLICAS,
    HPA_MAX_REPLICAS,
    HPA_CPU,
    HPA_MEMORY,
    EPHEMERAL_STORAGE_REQUEST,
    EPHEMERAL_STORAGE_LIMIT,
    VOLUME_SIZE,
    VOLUME_STORAGE_CLASS,
    VOLUME_TYPE,
    VOLUME_SUB_PATH,
    VOLUME_SUB_PATH_ALIAS,
];

/// Every label of a top-level volume that compose2kube reads.
const VOLUME_LABELS: [&str; 3] = [VOLUME_SIZE, VOLUME_STORAGE_CLASS, VOLUME_SELECTOR];

/// The value of a `kompose.*` label of a service.
#[must_use]
pub fn label<'a>(service: &'a Service, key: &str) -> Option<&'a Spanned<String>> {
    service.labels.get(key).and_then(Option::as_ref)
}

/// `kompose.cronjob.schedule`: the service runs as a CronJob.
#[must_use]
pub fn cron_schedule(service: &Service) -> Option<&Spanned<String>> {
    label(service, CRONJOB_SCHEDULE)
}

/// The value of a `kompose.volume.*` label of a top-level volume.
#[must_use]
pub fn volume_label<'a>(volume: &'a Volume, key: &str) -> Option<&'a Spanned<String>> {
    volume.labels.get(key).and_then(Option::as_ref)
}

/// The `subPath` of a service's claim mounts (`kompose.volume.subpath`, or the older
/// `kompose.volume.sub-path`), when it is a relative path without `..` as Kubernetes needs
/// (other values are reported with the other label problems).
#[must_use]
pub fn sub_path(service: &Service) -> Option<&Spanned<String>> {
    label(service, VOLUME_SUB_PATH)
        .or_else(|| label(service, VOLUME_SUB_PATH_ALIAS))
        .filter(|path| sub_path_problem(path).is_none())
}

/// Why a `subPath` is one the API server rejects.
fn sub_path_problem(path: &str) -> Option<&'static str> {
    if path.is_empty() {
        Some("is empty")
    } else if path.starts_with('/') {
        Some("is an absolute path; `subPath` is relative to the volume")
    } else if path.split('/').any(|part| part == "..") {
        Some("contains `..`, which Kubernetes does not allow in a `subPath`")
    } else {
        None
    }
}

/// `kompose.controller.port.expose`: whether the published ports are also the node's ports
/// (`hostPort`). `None` when the label is absent or not a boolean (reported with the other
/// label problems).
#[must_use]
pub fn port_expose(service: &Service) -> Option<bool> {
    parse_bool(label(service, CONTROLLER_PORT_EXPOSE)?)
}

/// A boolean label value, as kompose reads them (`true`/`false` in any case).
fn parse_bool(value: &str) -> Option<bool> {
    if value.eq_ignore_ascii_case("true") {
        Some(true)
    } else if value.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// `kompose.volume.selector` of a top-level volume: the claim binds only to a
/// PersistentVolume labelled `io.kompose.service: <value>`, as kompose's claims do. `None`
/// when absent or not a label value (reported with the other label problems).
#[must_use]
pub fn volume_selector(volume: &Volume) -> Option<&Spanned<String>> {
    volume_label(volume, VOLUME_SELECTOR).filter(|v| is_label_value(v))
}

/// The label key kompose's claims select PersistentVolumes by.
pub const VOLUME_SELECTOR_KEY: &str = "io.kompose.service";

/// `kompose.service.name_override`: the name of the service's objects instead of its
/// Compose name, when it is a DNS label (other values are reported with the other label
/// problems).
#[must_use]
pub fn name_override(service: &Service) -> Option<&Spanned<String>> {
    label(service, SERVICE_NAME_OVERRIDE).filter(|name| is_service_name(name))
}

/// A DNS-1035 label: what a Service name must be.
fn is_service_name(name: &str) -> bool {
    name.len() <= 63
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn is_label_value(value: &str) -> bool {
    !value.is_empty() && crate::plan::names::label_value(value) == value
}

/// `kompose.volume.type` of a service: what its volumes become.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VolumeKind {
    EmptyDir,
    HostPath,
    ConfigMap,
    PersistentVolumeClaim,
}

impl VolumeKind {
    pub const ALL: [(&'static str, Self); 4] = [
        ("emptyDir", Self::EmptyDir),
        ("hostPath", Self::HostPath),
        ("configMap", Self::ConfigMap),
        ("persistentVolumeClaim", Self::PersistentVolumeClaim),
    ];

    /// The label value that names this kind.
    #[must_use]
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, kind)| *kind == self)
            .map_or("", |(name, _)| name)
    }
}

/// The `kompose.volume.type` of a service, when it names a kind (other values are reported
/// with the other label problems).
#[must_use]
pub fn volume_kind(service: &Service) -> Option<VolumeKind> {
    let value = label(service, VOLUME_TYPE)?;
    VolumeKind::ALL
        .iter()
        .find(|(name, _)| *name == value.value)
        .map(|(_, kind)| *kind)
}

/// Whether a label is one of kompose's (they configure the conversion and are not copied to
/// the objects).
#[must_use]
pub fn is_kompose(key: &str) -> bool {
    key.starts_with("kompose.")
}

/// The `kompose.*` labels of a service that compose2kube does not know, and the values of
/// `kompose.volume.type` it cannot use: each is reported with the closest known label.
pub fn report_unknown(service_name: &str, service: &Service, report: &mut Report) {
    /// Every service label compose2kube reads, built once.
    static KNOWN: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
        let healthchecks = ["readiness", "liveness"].iter().flat_map(|which| {
            HEALTHCHECK_FIELDS
                .iter()
                .map(move |field| format!("{HEALTHCHECK_PREFIX}{which}.{field}"))
        });
        SERVICE_LABELS
            .iter()
            .map(|label| (*label).to_owned())
            .chain(healthchecks)
            .collect()
    });
    let known: Vec<&str> = KNOWN.iter().map(String::as_str).collect();
    unknown_labels(
        Some(service_name),
        "labels",
        &service.labels,
        &known,
        report,
    );
    invalid_values(service_name, service, report);
    if let Some(value) = label(service, VOLUME_TYPE)
        && volume_kind(service).is_none()
    {
        let kinds = VolumeKind::ALL.map(|(name, _)| name);
        report.add(
            Entry::unsupported(
                Some(service_name),
                &format!("labels.{VOLUME_TYPE}"),
                Some(value.span),
                format!(
                    "`{}` is not a volume type; the label is ignored",
                    value.value
                ),
            )
            .help(suggest(&value.value, kinds, || {
                format!("use one of {}", kinds.join(", "))
            })),
        );
    }
}

/// The labels whose value must be a whole number in a range, with the range and what the
/// number counts; built once, as every service is checked against all of them.
fn numeric_labels() -> &'static [(String, i64, i64, &'static str)] {
    static LABELS: std::sync::LazyLock<Vec<(String, i64, i64, &str)>> =
        std::sync::LazyLock::new(|| {
            let probes = ["readiness", "liveness"].iter().flat_map(|which| {
                [
                    ("retries", 1, i64::from(i32::MAX), "a number of retries"),
                    ("http_get_port", 1, 65535, "a port number"),
                    ("tcp_port", 1, 65535, "a port number"),
                ]
                .map(|(field, low, high, what)| {
                    (
                        format!("{HEALTHCHECK_PREFIX}{which}.{field}"),
                        low,
                        high,
                        what,
                    )
                })
            });
            [
                (FS_GROUP, 0, i64::from(u32::MAX), "a group id"),
                (
                    CRONJOB_BACKOFF_LIMIT,
                    0,
                    i64::from(i32::MAX),
                    "a number of retries",
                ),
            ]
            .into_iter()
            .map(|(k, l, h, w)| (k.to_owned(), l, h, w))
            .chain(probes)
            .collect()
        });
    &LABELS
}

/// The values of the labels below that compose2kube cannot use: each is ignored, and said so
/// (`invalid-label`), never a silent fallback.
fn invalid_values(service_name: &str, service: &Service, report: &mut Report) {
    let mut invalid = |key: &str, value: &Spanned<String>, why: String, help: &str| {
        report.warning(
            Diagnostic::warning(
                Code::InvalidLabel,
                format!(
                    "`labels.{key}` of service `{service_name}`: `{}` {why}; the label is ignored",
                    value.value
                ),
            )
            .at(value.span)
            .help(help),
        );
    };
    for (key, low, high, what) in numeric_labels() {
        if let Some(value) = label(service, key)
            && number::<i64>(value, *low, *high).is_none()
        {
            invalid(
                key,
                value,
                format!("is not {what}"),
                &format!("write a whole number from {low} to {high}"),
            );
        }
    }
    for key in [VOLUME_SUB_PATH, VOLUME_SUB_PATH_ALIAS] {
        if let Some(value) = label(service, key)
            && let Some(problem) = sub_path_problem(value)
        {
            invalid(
                key,
                value,
                problem.to_owned(),
                "write a path inside the volume, such as `data` or `pg/data`",
            );
        }
    }
    if let (Some(name), Some(alias)) = (
        label(service, VOLUME_SUB_PATH),
        label(service, VOLUME_SUB_PATH_ALIAS),
    ) && alias.value != name.value
        && sub_path(service).is_some_and(|chosen| chosen.span == name.span)
    {
        invalid(
            VOLUME_SUB_PATH_ALIAS,
            alias,
            format!("is overridden by `{VOLUME_SUB_PATH}: {}`", name.value),
            &format!("keep only `{VOLUME_SUB_PATH}`"),
        );
    }
    if let Some(value) = label(service, CONTROLLER_PORT_EXPOSE)
        && port_expose(service).is_none()
    {
        invalid(
            CONTROLLER_PORT_EXPOSE,
            value,
            "is not a boolean".to_owned(),
            "use `true` (the published ports become the node's ports) or `false`",
        );
    }
    if let Some(value) = label(service, SERVICE_NAME_OVERRIDE)
        && name_override(service).is_none()
    {
        invalid(
            SERVICE_NAME_OVERRIDE,
            value,
            "is not a Kubernetes name".to_owned(),
            "use at most 63 characters of a-z, 0-9 and `-`, starting with a letter and not ending with `-`",
        );
    }
}

/// A whole number from `low` to `high`, as a numeric label must be.
#[must_use]
pub fn number<T: TryFrom<i64>>(value: &str, low: i64, high: i64) -> Option<T> {
    value
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (low..=high).contains(n))
        .and_then(|n| T::try_from(n).ok())
}

/// The `kompose.*` labels of a top-level volume that compose2kube does not know, and a
/// `kompose.volume.selector` it cannot use.
pub fn report_unknown_volume(name: &str, volume: &Volume, report: &mut Report) {
    unknown_labels(
        None,
        &format!("volumes.{name}.labels"),
        &volume.labels,
        &VOLUME_LABELS,
        report,
    );
    if let Some(value) = volume_label(volume, VOLUME_SELECTOR)
        && volume_selector(volume).is_none()
    {
        report.add(
            Entry::unsupported(
                None,
                &format!("volumes.{name}.labels.{VOLUME_SELECTOR}"),
                Some(value.span),
                format!("`{}` is not a label value; the label is ignored", value.value),
            )
            .help("use at most 63 characters of A-Z, a-z, 0-9, `-`, `_` and `.`, starting and ending with a letter or digit"),
        );
    }
}

fn unknown_labels(
    service: Option<&str>,
    key: &str,
    labels: &Mapping,
    known: &[&str],
    report: &mut Report,
) {
    for label in labels.keys().filter(|k| is_kompose(k)) {
        if known.contains(&label.as_str()) {
            continue;
        }
        report.add(
            Entry::unsupported(
                service,
                &format!("{key}.{}", label.value),
                Some(label.span),
                format!(
                    "`{}` is not a kompose label compose2kube reads; it is ignored",
                    label.value
                ),
            )
            .help(match closest_label(label, known) {
                Some(known) => format!("did you mean `{known}`?"),
                None => "see the kompose labels in the README".to_owned(),
            }),
        );
    }
}

/// The known label closest to a misspelt one: close as a whole, or the same label but for a
/// last segment with at most half its letters changed (`…liveness.http_path` →
/// `…liveness.http_get_path`).
fn closest_label<'a>(label: &str, known: &[&'a str]) -> Option<&'a str> {
    closest(label, known.iter().copied()).or_else(|| {
        let (parent, last) = label.rsplit_once('.')?;
        known
            .iter()
            .filter_map(|&k| {
                let (k_parent, k_last) = k.rsplit_once('.')?;
                let distance = edit_distance(last, k_last);
                (k_parent == parent && 2 * distance <= last.len().max(k_last.len()))
                    .then_some((distance, k))
            })
            .min()
            .map(|(_, k)| k)
    })
}
