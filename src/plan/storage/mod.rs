//! Where files come from: named volumes, bind mounts, tmpfs, secrets, configs and env files.
//!
//! Each service's mounts, the Pod volumes behind them, and the claims, ConfigMaps and Secrets
//! they need, decided by one submodule per kind of source:
//!
//! - `claims`: a named volume is one claim, shared by every service that mounts it
//!   (ReadWriteMany when several Pods mount it); an anonymous volume is an `emptyDir`.
//! - `binds`: a bind mount follows `--bind-mounts`: a read-only ConfigMap copy, an empty
//!   claim, or a `hostPath`.
//! - `tmpfs`: `tmpfs` and `shm_size` are memory-backed `emptyDir`s.
//! - `files`: a secret is a Secret mounted as a file at `/run/secrets/<name>`, a config a
//!   ConfigMap mounted at `/<name>` (or their `target`), as Compose places them.
//! - `env_files`: a service's `env_file`s are one ConfigMap, read with `envFrom`.
//!
//! This module runs them over every service, with the mount options Kubernetes cannot keep,
//! and shares mounts with `volumes_from`.

mod binds;
mod claims;
mod env_files;
mod files;
mod tmpfs;

use std::collections::BTreeMap;

use crate::hash::{HashSet, IndexMap};
use k8s_openapi::api::core::v1::{
    ConfigMapVolumeSource, EmptyDirVolumeSource, EnvFromSource, HostPathVolumeSource,
    PersistentVolumeClaimVolumeSource, SecretVolumeSource, Volume, VolumeMount,
};

use crate::compose::model::Service;
use crate::compose::model::mounts::{Propagation, ServiceVolume, VolumeType};
use crate::plan::pods::PodGroups;
use crate::plan::storage::binds::single_file_key;
use crate::plan::storage::files::Kind;
use crate::plan::storage::tmpfs::memory_dir;
use crate::plan::{Context, Data, Plan, kompose, labels, names};
use crate::report::{Entry, Report};
use crate::source::Spanned;

/// What each service mounts, and the Pod volumes behind it.
#[derive(Debug, Default)]
pub struct Storage {
    by_service: IndexMap<String, ServiceStorage>,
    /// Claims mounted with ReadWriteOnce by a Deployment must not be shared by two Pods
    /// during a rolling update.
    rwo_claims: HashSet<String>,
}

/// The storage of one container.
#[derive(Debug, Default, Clone)]
pub struct ServiceStorage {
    pub mounts: Vec<VolumeMount>,
    pub volumes: Vec<PodVolume>,
    pub env_from: Vec<EnvFromSource>,
}

/// A Pod volume as the plan holds it: a name and its one source. k8s-openapi's `Volume` has a
/// field for every source Kubernetes knows (over 3 KB inline) where a Pod here uses one of
/// five; a plan of thousands of Pods holds this, and [`PodVolume::to_k8s`] makes the
/// object's volume when the object is written.
#[derive(Clone, Debug, PartialEq)]
pub struct PodVolume {
    pub name: String,
    pub source: VolumeSource,
}

/// Where the files of a Pod volume come from.
#[derive(Clone, Debug, PartialEq)]
pub enum VolumeSource {
    Claim(PersistentVolumeClaimVolumeSource),
    EmptyDir(EmptyDirVolumeSource),
    HostPath(HostPathVolumeSource),
    ConfigMap(ConfigMapVolumeSource),
    Secret(SecretVolumeSource),
}

impl PodVolume {
    /// The volume as the Pod spec writes it.
    #[must_use]
    pub fn to_k8s(&self) -> Volume {
        let mut volume = Volume {
            name: self.name.clone(),
            ..Volume::default()
        };
        match &self.source {
            VolumeSource::Claim(claim) => volume.persistent_volume_claim = Some(claim.clone()),
            VolumeSource::EmptyDir(dir) => volume.empty_dir = Some(dir.clone()),
            VolumeSource::HostPath(path) => volume.host_path = Some(path.clone()),
            VolumeSource::ConfigMap(config_map) => volume.config_map = Some(config_map.clone()),
            VolumeSource::Secret(secret) => volume.secret = Some(secret.clone()),
        }
        volume
    }

    /// The claim it mounts, if it is a claim.
    #[must_use]
    pub fn claim_name(&self) -> Option<&str> {
        match &self.source {
            VolumeSource::Claim(claim) => Some(&claim.claim_name),
            _ => None,
        }
    }
}

impl Storage {
    /// Plans the storage of every service, adding claims, ConfigMaps and Secrets to the plan.
    pub fn plan(
        context: &Context,
        groups: &PodGroups,
        plan: &mut Plan,
        report: &mut Report,
    ) -> Self {
        let mut planner = Planner {
            context,
            groups,
            plan,
            report,
            storage: Storage::default(),
        };
        planner.named_volumes();
        let secrets = planner.top_level(Kind::Secret);
        let configs = planner.top_level(Kind::Config);
        for (name, service) in &context.project.services {
            let mut own = ServiceStorage::default();
            planner.service_volumes(name, service, &mut own);
            planner.tmpfs(name, service, &mut own);
            Planner::shm(name, service, &mut own);
            planner.references(name, &service.secrets, &secrets, Kind::Secret, &mut own);
            planner.references(name, &service.configs, &configs, Kind::Config, &mut own);
            planner.env_files(name, service, &mut own);
            // The mounts go into the container as they are: no room to spare in each.
            own.mounts.shrink_to_fit();
            planner.storage.by_service.insert(name.value.clone(), own);
        }
        planner.volumes_from();
        planner.storage
    }

    /// The mounts, Pod volumes and env sources of a service, moved out: each service's
    /// storage goes into its one Pod (a Pod volume is a large object, and a plan of thousands
    /// of services would otherwise hold each twice).
    pub fn take(&mut self, service: &str) -> ServiceStorage {
        self.by_service.swap_remove(service).unwrap_or_default()
    }

    /// Whether a service mounts a claim only one node can mount (so rolling updates must
    /// stop the old Pod first).
    #[must_use]
    pub fn mounts_rwo_claim(&self, service: &str) -> bool {
        self.by_service.get(service).is_some_and(|s| {
            s.volumes
                .iter()
                .any(|v| v.claim_name().is_some_and(|c| self.rwo_claims.contains(c)))
        })
    }
}

struct Planner<'a, 'c> {
    context: &'a Context<'c>,
    groups: &'a PodGroups,
    plan: &'a mut Plan,
    report: &'a mut Report,
    storage: Storage,
}

impl Planner<'_, '_> {
    /// The service's `kompose.volume.type`, else the project-wide `--volumes`.
    fn volume_kind(&self, service: &Service) -> Option<kompose::VolumeKind> {
        kompose::volume_kind(service).or(self.context.options.volume_kind)
    }

    /// The `volumes` of a service: each mount, and the Pod volume its kind of source decides.
    fn service_volumes(&mut self, service_name: &str, service: &Service, own: &mut ServiceStorage) {
        let kind = self.volume_kind(service);
        for (index, volume) in service.volumes.iter().enumerate() {
            let source = match volume.kind {
                VolumeType::Volume | VolumeType::Bind
                    if kind == Some(kompose::VolumeKind::EmptyDir) =>
                {
                    let origin = volume.source.as_ref().map_or_else(
                        || last_component(&volume.target),
                        |s| last_component(&s.value),
                    );
                    Some((
                        VolumeSource::EmptyDir(EmptyDirVolumeSource::default()),
                        names::joined(&[service_name, &origin, "empty"]),
                    ))
                }
                VolumeType::Volume => self.named_mount(service_name, service, kind, volume),
                VolumeType::Bind => self.bind_mount(service_name, kind, volume, index),
                VolumeType::Tmpfs => Some((
                    memory_dir(
                        volume
                            .tmpfs
                            .as_ref()
                            .and_then(|t| t.size.as_ref())
                            .map(|s| s.value),
                    ),
                    names::joined(&[service_name, "tmpfs", &index.to_string()]),
                )),
                VolumeType::Npipe | VolumeType::Cluster | VolumeType::Image => {
                    self.report.add(
                        Entry::unsupported(
                            Some(service_name),
                            "volumes",
                            Some(volume.span),
                            format!(
                                "`{}` mounts have no Kubernetes equivalent",
                                volume.kind.as_str()
                            ),
                        )
                        .help("use a named volume or a bind mount"),
                    );
                    None
                }
            };
            let Some((pod_volume, volume_name)) = source else {
                continue;
            };
            self.mount_options(service_name, volume);
            if let Some(propagation) = volume.bind.as_ref().and_then(|b| b.propagation.as_ref())
                && !matches!(pod_volume, VolumeSource::HostPath(_))
            {
                self.report.add(Entry::unsupported(
                    Some(service_name),
                    "volumes.bind.propagation",
                    Some(propagation.span),
                    "only a hostPath volume propagates mounts",
                ));
            }
            let config_map = match &pod_volume {
                VolumeSource::ConfigMap(config_map) => Some(config_map),
                _ => None,
            };
            let read_only = volume.read_only || config_map.is_some();
            let sub_path = volume
                .volume
                .as_ref()
                .and_then(|v| v.subpath.as_ref())
                .map(|s| s.value.clone())
                .or_else(|| config_map.and_then(single_file_key))
                .or_else(|| {
                    matches!(pod_volume, VolumeSource::Claim(_))
                        .then(|| kompose::sub_path(service).map(|s| s.value.clone()))
                        .flatten()
                });
            own.mounts.push(VolumeMount {
                name: volume_name.clone(),
                mount_path: volume.target.clone(),
                read_only: read_only.then_some(true),
                sub_path,
                mount_propagation: propagation(volume, &pod_volume),
                ..VolumeMount::default()
            });
            push_volume(
                &mut own.volumes,
                PodVolume {
                    name: volume_name,
                    source: pod_volume,
                },
            );
        }
    }

    /// Reports long-syntax mount options Kubernetes cannot keep.
    fn mount_options(&mut self, service_name: &str, volume: &Spanned<ServiceVolume>) {
        if let Some(consistency) = &volume.consistency {
            self.report.add(
                Entry::unsupported(
                    Some(service_name),
                    "volumes.consistency",
                    Some(consistency.span),
                    "only Docker Desktop for Mac uses it",
                )
                .help("remove it; it changes nothing on Linux either"),
            );
        }
        if let Some(bind) = &volume.bind {
            if let Some(selinux) = &bind.selinux {
                self.report.add(
                    Entry::unsupported(
                        Some(service_name),
                        "volumes.bind.selinux",
                        Some(selinux.span),
                        "Kubernetes relabels volumes through `securityContext.seLinuxOptions`",
                    )
                    .help("set SELinux options on the Pod if the cluster uses SELinux"),
                );
            }
            if let Some(recursive) = &bind.recursive {
                self.report.add(Entry::unsupported(
                    Some(service_name),
                    "volumes.bind.recursive",
                    Some(recursive.span),
                    "Kubernetes has no recursive bind option",
                ));
            }
        }
        if let Some(tmpfs) = &volume.tmpfs
            && let Some(mode) = &tmpfs.mode
        {
            self.report.add(Entry::unsupported(
                Some(service_name),
                "volumes.tmpfs.mode",
                Some(mode.span),
                "an emptyDir's mode cannot be set",
            ));
        }
        if let Some(options) = &volume.volume
            && !options.labels.is_empty()
        {
            self.report.add(Entry::unsupported(
                Some(service_name),
                "volumes.volume.labels",
                options.keys.get("labels"),
                "mount labels have no Kubernetes equivalent",
            ));
        }
    }

    /// `volumes_from`: the mounts of another service, shared.
    fn volumes_from(&mut self) {
        for (name, service) in &self.context.project.services {
            for entry in &service.rare().volumes_from {
                let Some(source) = entry.service() else {
                    self.report.add(
                        Entry::unsupported(
                            Some(name),
                            "volumes_from",
                            Some(entry.span),
                            "a container outside the project cannot share its volumes",
                        )
                        .help("use a named volume mounted by both"),
                    );
                    continue;
                };
                let Some(theirs) = self.storage.by_service.get(source).cloned() else {
                    continue;
                };
                let same_pod = self.groups.same_pod(name, source);
                let Some(own) = self.storage.by_service.get_mut(name.as_str()) else {
                    continue;
                };
                for (mount, volume) in theirs.mounts.iter().filter_map(|m| {
                    theirs
                        .volumes
                        .iter()
                        .find(|v| v.name == m.name)
                        .map(|v| (m, v))
                }) {
                    let shareable = same_pod || !matches!(volume.source, VolumeSource::EmptyDir(_));
                    if !shareable {
                        self.report.add(
                            Entry::unsupported(
                                Some(name),
                                "volumes_from",
                                Some(entry.span),
                                format!(
                                    "`{source}`'s {} lives in its own Pod and cannot be shared",
                                    mount.mount_path
                                ),
                            )
                            .help("use a named volume mounted by both services"),
                        );
                        continue;
                    }
                    let mut mount = mount.clone();
                    if entry.read_only() {
                        mount.read_only = Some(true);
                    }
                    if !own.mounts.iter().any(|m| m.mount_path == mount.mount_path) {
                        own.mounts.push(mount);
                        push_volume(&mut own.volumes, volume.clone());
                    }
                }
            }
        }
    }

    fn push_config_map(
        &mut self,
        name: &str,
        service_name: &str,
        data: BTreeMap<String, String>,
        binary: BTreeMap<String, Vec<u8>>,
    ) {
        self.plan.config_maps.push(Data {
            name: name.to_owned(),
            labels: labels::common(self.context, service_name),
            data,
            binary,
        });
    }
}

/// A ConfigMap or Secret key for a file name (`[-._a-zA-Z0-9]+`).
fn file_key(name: &str) -> String {
    let key = names::key_characters(name, '_');
    if key.is_empty() || key == "." || key == ".." {
        "file".to_owned()
    } else {
        key
    }
}

fn last_component(path: &str) -> String {
    let last = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(path);
    if last.is_empty() {
        "root".to_owned()
    } else {
        last.to_owned()
    }
}

/// Adds a Pod volume unless one of that name is there already.
fn push_volume(volumes: &mut Vec<PodVolume>, volume: PodVolume) {
    if !volumes.iter().any(|v| v.name == volume.name) {
        volumes.push(volume);
    }
}

/// Mount propagation of a host path (the only volumes it applies to).
fn propagation(volume: &ServiceVolume, pod_volume: &VolumeSource) -> Option<String> {
    if !matches!(pod_volume, VolumeSource::HostPath(_)) {
        return None;
    }
    let propagation = volume.bind.as_ref()?.propagation.as_ref()?;
    Some(
        match propagation.value {
            Propagation::RShared | Propagation::Shared => "Bidirectional",
            Propagation::RSlave | Propagation::Slave => "HostToContainer",
            Propagation::Private | Propagation::RPrivate => "None",
        }
        .to_owned(),
    )
}
