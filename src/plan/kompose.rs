//! The `kompose.*` labels: an existing Compose file tuned for kompose converts without edits.
//!
//! kompose reads these from a service's `labels` (and the `kompose.volume.*` ones from a
//! top-level volume's `labels`). They keep kompose's meaning; every one is listed here, and
//! read only through [`label`] / [`volume_label`], so that planning can tell which labels it
//! consumed and report the rest.

use crate::compose::model::{Service, Volume};
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

/// Whether a label is one of kompose's (they configure the conversion and are not copied to
/// the objects).
#[must_use]
pub fn is_kompose(key: &str) -> bool {
    key.starts_with("kompose.")
}
