//! Memory-backed volumes: service-level `tmpfs` entries and `shm_size`, each a memory
//! `emptyDir` (sized when Compose gives a size).

use k8s_openapi::api::core::v1::{EmptyDirVolumeSource, VolumeMount};

use crate::compose::model::Service;
use crate::compose::model::syntax::ByteSize;
use crate::plan::storage::{
    Planner, PodVolume, ServiceStorage, VolumeSource, last_component, push_volume,
};
use crate::plan::{container, names};
use crate::report::Entry;

impl Planner<'_, '_> {
    /// Service-level `tmpfs` entries (`/path[:size=64m,…]`).
    pub(super) fn tmpfs(
        &mut self,
        service_name: &str,
        service: &Service,
        own: &mut ServiceStorage,
    ) {
        for entry in &service.rare().tmpfs.0 {
            let (target, options) = entry.split_once(':').unwrap_or((entry.as_str(), ""));
            let size = options
                .split(',')
                .find_map(|o| o.strip_prefix("size="))
                .and_then(|s| ByteSize::parse(s).ok());
            let others: Vec<&str> = options
                .split(',')
                .filter(|o| !o.is_empty() && !o.starts_with("size="))
                .collect();
            if !others.is_empty() {
                self.report.add(Entry::unsupported(
                    Some(service_name),
                    "tmpfs",
                    Some(entry.span),
                    format!(
                        "the options `{}` cannot be set on an emptyDir",
                        others.join(",")
                    ),
                ));
            }
            let name = names::joined(&[service_name, &last_component(target), "tmpfs"]);
            own.mounts.push(VolumeMount {
                name: name.clone(),
                mount_path: target.to_owned(),
                ..VolumeMount::default()
            });
            push_volume(
                &mut own.volumes,
                PodVolume {
                    name,
                    source: memory_dir(size),
                },
            );
        }
    }

    /// `shm_size`: a memory `emptyDir` of that size at `/dev/shm`.
    pub(super) fn shm(service_name: &str, service: &Service, own: &mut ServiceStorage) {
        let Some(size) = &service.rare().shm_size else {
            return;
        };
        if own.mounts.iter().any(|m| m.mount_path == "/dev/shm") {
            return;
        }
        let name = names::joined(&[service_name, "shm"]);
        own.mounts.push(VolumeMount {
            name: name.clone(),
            mount_path: "/dev/shm".into(),
            ..VolumeMount::default()
        });
        push_volume(
            &mut own.volumes,
            PodVolume {
                name,
                source: memory_dir(Some(size.value)),
            },
        );
    }
}

/// A memory-backed `emptyDir`, as a tmpfs.
pub(super) fn memory_dir(size: Option<ByteSize>) -> VolumeSource {
    VolumeSource::EmptyDir(EmptyDirVolumeSource {
        medium: Some("Memory".into()),
        size_limit: size.map(|s| container::memory_quantity(s.0)),
    })
}
