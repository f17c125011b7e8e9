//! `deploy`: replicas, placement, resources, restart and update policies, and the device
//! requests shared with `gpus`.

use crate::compose::model::de::{Cx, FromNode};
use crate::compose::model::syntax::{ByteSize, Duration, Mapping};
use crate::compose::yaml::Node;
use crate::source::Spanned;

crate::compose_struct! {
    /// The `deploy` section of a service. The sections a service seldom writes are boxed, and
    /// so are, together, `labels` and `endpoint_mode`, so that a `deploy` with only
    /// `resources` or `replicas` stays small.
    pub struct Deploy in "`deploy`" {
        "mode" => mode: Option<Spanned<DeployMode>>,
        "endpoint_mode" => [rare] endpoint_mode: Option<Spanned<String>>,
        "replicas" => replicas: Option<Spanned<u32>>,
        "labels" => [rare] labels: Mapping,
        "rollback_config" => rollback_config: Option<Box<UpdateConfig>>,
        "update_config" => update_config: Option<Box<UpdateConfig>>,
        "resources" => resources: Option<Resources>,
        "restart_policy" => restart_policy: Option<Box<RestartPolicy>>,
        "placement" => placement: Option<Box<Placement>>,
    }
    rare: DeployRare
}

crate::open_string_enum! {
    /// How many tasks run, and whether they run to completion (`replicated` when not set).
    pub enum DeployMode {
        Replicated = "replicated",
        /// One task on every node.
        Global = "global",
        ReplicatedJob = "replicated-job",
        GlobalJob = "global-job",
    }
}

impl DeployMode {
    /// Whether the tasks run to completion.
    #[must_use]
    pub fn is_job(&self) -> bool {
        matches!(self, Self::ReplicatedJob | Self::GlobalJob)
    }
}

crate::string_enum! {
    /// Whether new tasks start before old ones stop during an update.
    pub enum UpdateOrder in "an update order" {
        StartFirst = "start-first",
        StopFirst = "stop-first",
    }
}

crate::compose_struct! {
    /// `update_config` and `rollback_config`.
    pub struct UpdateConfig in "an update configuration" {
        "parallelism" => parallelism: Option<Spanned<u64>>,
        "delay" => delay: Option<Spanned<Duration>>,
        "failure_action" => failure_action: Option<Spanned<String>>,
        "monitor" => monitor: Option<Spanned<Duration>>,
        "max_failure_ratio" => max_failure_ratio: Option<Spanned<f64>>,
        "order" => order: Option<Spanned<UpdateOrder>>,
    }
}

crate::compose_struct! {
    /// `restart_policy`.
    pub struct RestartPolicy in "a restart policy" {
        "condition" => condition: Option<Spanned<RestartCondition>>,
        "delay" => delay: Option<Spanned<Duration>>,
        "max_attempts" => max_attempts: Option<Spanned<u64>>,
        "window" => window: Option<Spanned<Duration>>,
    }
}

crate::open_string_enum! {
    /// When a task is restarted (`any` when not set).
    pub enum RestartCondition {
        /// Never: the task runs once.
        None = "none",
        OnFailure = "on-failure",
        Any = "any",
    }
}

crate::compose_struct! {
    /// Where tasks may run.
    pub struct Placement in "`placement`" {
        /// Such as `node.role==manager`.
        "constraints" => constraints: Vec<Spanned<String>>,
        "preferences" => preferences: Vec<Spanned<PlacementPreference>>,
        "max_replicas_per_node" => max_replicas_per_node: Option<Spanned<u64>>,
    }
}

crate::compose_struct! {
    /// A placement preference.
    pub struct PlacementPreference in "a placement preference" {
        /// Spread tasks evenly over the values of this node label.
        "spread" => spread: Option<Spanned<String>>,
    }
}

crate::compose_struct! {
    /// `resources`: `reservations` (with its device requests) is boxed, as few services
    /// write it.
    pub struct Resources in "`resources`" {
        "limits" => limits: Option<ResourceLimits>,
        "reservations" => reservations: Option<Box<ResourceReservations>>,
    }
}

crate::compose_struct! {
    /// `resources.limits`.
    pub struct ResourceLimits in "resource limits" {
        /// Number of CPUs, fractions allowed (`0.5`).
        "cpus" => cpus: Option<Spanned<f64>>,
        "memory" => memory: Option<Spanned<ByteSize>>,
        "pids" => pids: Option<Spanned<i64>>,
    }
}

crate::compose_struct! {
    /// `resources.reservations`.
    pub struct ResourceReservations in "resource reservations" {
        "cpus" => cpus: Option<Spanned<f64>>,
        "memory" => memory: Option<Spanned<ByteSize>>,
        "generic_resources" => generic_resources: Vec<Spanned<GenericResource>>,
        "devices" => devices: Vec<Spanned<DeviceRequest>>,
    }
}

crate::compose_struct! {
    /// A user-defined resource to reserve.
    pub struct GenericResource in "a generic resource" {
        "discrete_resource_spec" => discrete_resource_spec: Option<DiscreteResourceSpec>,
    }
}

crate::compose_struct! {
    /// A countable resource.
    pub struct DiscreteResourceSpec in "a discrete resource" {
        /// Such as `GPU` or `SSD`.
        "kind" => kind: Option<Spanned<String>>,
        "value" => value: Option<Spanned<i64>>,
    }
}

crate::compose_struct! {
    /// A request for devices (`deploy.resources.reservations.devices`, `gpus`).
    pub struct DeviceRequest in "a device request" {
        /// Such as `gpu`, `compute`, `utility`.
        "capabilities" => capabilities: Vec<Spanned<String>>,
        "count" => count: Option<Spanned<DeviceCount>>,
        "device_ids" => device_ids: Vec<Spanned<String>>,
        "driver" => driver: Option<Spanned<String>>,
        "options" => options: Mapping,
    }
}

/// How many devices a request wants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeviceCount {
    /// `all` (also written `-1`).
    All,
    Count(u64),
}

impl FromNode for DeviceCount {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        match node.as_str().map(str::trim) {
            Some("all" | "-1") => Some(Self::All),
            Some(text) => {
                let count = text.parse().ok().map(Self::Count);
                if count.is_none() {
                    cx.invalid_value(
                        node.span,
                        format!("`{text}` is not a device count"),
                        "write a whole number of devices, or `all`",
                    );
                }
                count
            }
            None => {
                cx.invalid_type(node, "a number or `all`");
                None
            }
        }
    }
}

impl serde::Serialize for DeviceCount {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::All => serializer.serialize_str("all"),
            Self::Count(count) => serializer.serialize_u64(*count),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::model::testing::{codes_of, read_ok};
    use crate::diag::Code;

    #[test]
    fn full_deploy_section_is_read() {
        let deploy = read_ok::<Deploy>(
            "mode: replicated\nreplicas: '3'\nendpoint_mode: vip\nlabels: [tier=web]\n\
             update_config: {parallelism: 2, delay: 10s, failure_action: rollback, monitor: 1m, max_failure_ratio: 0.3, order: start-first}\n\
             rollback_config: {parallelism: 1, order: stop-first}\n\
             restart_policy: {condition: on-failure, delay: 5s, max_attempts: 3, window: 120s}\n\
             placement: {constraints: [node.role==manager], preferences: [{spread: node.labels.zone}], max_replicas_per_node: 1}\n\
             resources:\n  limits: {cpus: '0.50', memory: 50M, pids: 1}\n  \
             reservations:\n    cpus: 0.25\n    memory: 20M\n    \
             generic_resources: [{discrete_resource_spec: {kind: SSD, value: 1}}]\n    \
             devices: [{capabilities: [gpu], driver: nvidia, count: all, device_ids: ['0'], options: {virtualization: false}}]\n",
        );
        assert_eq!(deploy.replicas.unwrap().value, 3);
        let update = deploy.update_config.unwrap();
        assert_eq!(update.order.unwrap().value, UpdateOrder::StartFirst);
        assert_eq!(update.delay.unwrap().value, Duration::from_secs(10));
        let resources = deploy.resources.unwrap();
        let limits = resources.limits.unwrap();
        assert!((limits.cpus.unwrap().value - 0.5).abs() < f64::EPSILON);
        assert_eq!(limits.memory.unwrap().value, ByteSize(50 << 20));
        let reservations = resources.reservations.unwrap();
        let device = reservations.devices.first().unwrap();
        assert_eq!(device.count.as_ref().unwrap().value, DeviceCount::All);
        assert_eq!(
            reservations
                .generic_resources
                .first()
                .unwrap()
                .discrete_resource_spec
                .as_ref()
                .unwrap()
                .value
                .as_ref()
                .unwrap()
                .value,
            1
        );
        assert_eq!(deploy.placement.unwrap().preferences.len(), 1);
    }

    #[test]
    fn deploy_problems_are_reported_together() {
        assert_eq!(
            codes_of::<Deploy>(
                "replicas: many\nupdate_config: {order: first}\nresources: {limits: {memory: lots, cpu: 1}}\n"
            ),
            [
                Code::InvalidValue,
                Code::InvalidValue,
                Code::InvalidByteSize,
                Code::UnknownKey
            ]
        );
        assert_eq!(
            codes_of::<DeviceRequest>("{count: some}"),
            [Code::InvalidValue]
        );
    }
}
