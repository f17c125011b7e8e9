//! The `kompose.*` labels: an existing Compose file tuned for kompose converts without edits.
//!
//! kompose reads these from a service's `labels` (and the `kompose.volume.*` ones from a
//! top-level volume's `labels`). They keep kompose's meaning; every one is listed here, and
//! read only through [`label`] / [`volume_label`], so that planning can tell which labels it
//! consumed and report the rest.

use crate::compose::model::syntax::Mapping;
use crate::compose::model::{Service, Volume};
use crate::diag::{closest, edit_distance, suggest};
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
pub const VOLUME_SUB_PATH: &str = "kompose.volume.sub-path";
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
const SERVICE_LABELS: [&str; 28] = [
    SERVICE_GROUP,
    SERVICE_TYPE,
    SERVICE_EXPOSE,
    SERVICE_EXPOSE_TLS_SECRET,
    SERVICE_EXPOSE_INGRESS_CLASS,
    SERVICE_NODEPORT_PORT,
    SERVICE_EXTERNAL_TRAFFIC_POLICY,
    CONTROLLER_TYPE,
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
];

/// Every label of a top-level volume that compose2kube reads.
const VOLUME_LABELS: [&str; 2] = [VOLUME_SIZE, VOLUME_STORAGE_CLASS];

/// The value of a `kompose.*` label of a service.
#[must_use]
pub fn label<'a>(service: &'a Service, key: &str) -> Option<&'a Spanned<String>> {
    service.labels.get(key).and_then(Option::as_ref)
}

/// The value of a `kompose.volume.*` label of a top-level volume.
#[must_use]
pub fn volume_label<'a>(volume: &'a Volume, key: &str) -> Option<&'a Spanned<String>> {
    volume.labels.get(key).and_then(Option::as_ref)
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
    let healthchecks: Vec<String> = ["readiness", "liveness"]
        .iter()
        .flat_map(|which| {
            HEALTHCHECK_FIELDS
                .iter()
                .map(move |field| format!("{HEALTHCHECK_PREFIX}{which}.{field}"))
        })
        .collect();
    let known: Vec<&str> = SERVICE_LABELS
        .iter()
        .copied()
        .chain(healthchecks.iter().map(String::as_str))
        .collect();
    unknown_labels(
        Some(service_name),
        "labels",
        &service.labels,
        &known,
        report,
    );
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

/// The `kompose.*` labels of a top-level volume that compose2kube does not know.
pub fn report_unknown_volume(name: &str, volume: &Volume, report: &mut Report) {
    unknown_labels(
        None,
        &format!("volumes.{name}.labels"),
        &volume.labels,
        &VOLUME_LABELS,
        report,
    );
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
