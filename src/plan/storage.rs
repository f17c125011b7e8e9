//! Where files come from: named volumes, bind mounts, tmpfs, secrets, configs and env files.
//!
//! - A named volume is one claim, shared by every service that mounts it (ReadWriteMany when
//!   several Pods mount it); inside one Pod it is one Pod volume used by several containers.
//! - A bind mount follows `--bind-mounts`: by default a small existing file or directory is
//!   copied into a read-only ConfigMap, anything else becomes a claim (empty: the host files are
//!   not copied), and host system paths (`/var/run/docker.sock`, `/dev`, `/proc`, `/sys`) a
//!   `hostPath`, each with a warning.
//! - `tmpfs` is a memory-backed `emptyDir`; an anonymous volume an `emptyDir`.
//! - A secret is a Secret mounted as a file at `/run/secrets/<name>` (or its `target`), a
//!   config a ConfigMap mounted at `/<name>` (or its `target`), as Compose places them.
//! - `env_file`s (read by the loader, which reports missing files and syntax errors) become
//!   one ConfigMap per service, read with `envFrom` (its `environment` takes precedence, as in
//!   Compose).
//! - A secret or config `mode` above 0777 (Kubernetes' limit) that a decimal `mode: 644`
//!   gives is converted as the octal mode its digits spell (0644), with a note.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use k8s_openapi::api::core::v1::{
    ConfigMapEnvSource, ConfigMapVolumeSource, EmptyDirVolumeSource, EnvFromSource,
    HostPathVolumeSource, KeyToPath, PersistentVolumeClaimVolumeSource, SecretVolumeSource, Volume,
    VolumeMount,
};

use crate::compose::model;
use crate::compose::model::Service;
use crate::compose::model::mounts::{
    FileReference, Propagation, SECRETS_DIR, ServiceVolume, VolumeType,
};
use crate::compose::model::syntax::{ByteSize, FileMode};
use crate::diag::{Code, Diagnostic};
use crate::plan::pods::PodGroups;
use crate::plan::{BindMounts, Claim, Context, Data, Plan, container, kompose, labels, names};
use crate::report::{Entry, Report};
use crate::source::Spanned;

/// Largest bind mount copied into a ConfigMap (ConfigMaps hold at most 1 MiB).
const CONFIG_MAP_LIMIT: u64 = 900 * 1024;
/// Most files of a directory copied into a ConfigMap.
const CONFIG_MAP_FILES: usize = 64;

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
    pub volumes: Vec<Volume>,
    pub env_from: Vec<EnvFromSource>,
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
            planner.storage.by_service.insert(name.value.clone(), own);
        }
        planner.volumes_from();
        planner.storage
    }

    /// The mounts, Pod volumes and env sources of a service.
    #[must_use]
    pub fn of(&self, service: &str) -> ServiceStorage {
        self.by_service.get(service).cloned().unwrap_or_default()
    }

    /// Whether a service mounts a claim only one node can mount (so rolling updates must
    /// stop the old Pod first).
    #[must_use]
    pub fn mounts_rwo_claim(&self, service: &str) -> bool {
        self.by_service.get(service).is_some_and(|s| {
            s.volumes.iter().any(|v| {
                v.persistent_volume_claim
                    .as_ref()
                    .is_some_and(|c| self.rwo_claims.contains(&c.claim_name))
            })
        })
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Secret,
    Config,
}

struct Planner<'a, 'c> {
    context: &'a Context<'c>,
    groups: &'a PodGroups,
    plan: &'a mut Plan,
    report: &'a mut Report,
    storage: Storage,
}

/// A top-level secret or config as an object name and key.
struct Source {
    object: String,
    key: String,
}

impl Planner<'_, '_> {
    /// The service's `kompose.volume.type`, else the project-wide `--volumes`.
    fn volume_kind(&self, service: &Service) -> Option<kompose::VolumeKind> {
        kompose::volume_kind(service).or(self.context.options.volume_kind)
    }

    /// One claim per named volume that a service mounts; access mode from how many Pods
    /// mount it.
    fn named_volumes(&mut self) {
        let project = self.context.project;
        let mut users_of = volume_users(self.context);
        for (name, volume) in &project.volumes {
            let user_services = users_of.remove(name.as_str()).unwrap_or_default();
            let users: Vec<&str> = user_services.iter().map(|(n, _)| *n).collect();
            // The volume's own label, else the label of the first service that mounts it.
            let setting = |key: &str| {
                kompose::volume_label(volume, key)
                    .or_else(|| {
                        user_services
                            .iter()
                            .find_map(|(_, s)| kompose::label(s, key))
                    })
                    .map(|s| s.value.clone())
            };
            if users.is_empty() {
                continue;
            }
            if volume.external.as_ref().is_some_and(|e| e.value) {
                continue;
            }
            for (key, present) in [
                ("driver", volume.driver.is_some()),
                ("driver_opts", !volume.driver_opts.is_empty()),
            ] {
                if present {
                    self.report.add(
                        Entry::unsupported(
                            None,
                            &format!("volumes.{}.{key}", name.value),
                            volume.keys.get(key),
                            "volume drivers become the cluster's storage class",
                        )
                        .help(format!(
                            "choose a storage class with the label `{}`",
                            kompose::VOLUME_STORAGE_CLASS
                        )),
                    );
                }
            }
            let mut pods: Vec<&str> = users
                .iter()
                .filter_map(|u| self.groups.of(u).map(|g| g.name.as_str()))
                .collect();
            pods.dedup();
            let shared = pods.len() > 1;
            if shared {
                self.report.add(
                    Entry::approximated(
                        None,
                        &format!("volumes.{}", name.value),
                        Some(name.span),
                        format!("mounted by several Pods ({}), so the claim is ReadWriteMany", users.join(", ")),
                    )
                    .help("the cluster needs a storage class that supports ReadWriteMany (NFS, CephFS, …)"),
                );
            }
            let size = setting(kompose::VOLUME_SIZE)
                .unwrap_or_else(|| self.context.options.pvc_size.clone());
            let claim = Claim {
                name: claim_name(volume.name.as_ref().map_or(name.as_str(), |n| n.as_str())),
                labels: labels::common(self.context, &name.value),
                size,
                access_modes: vec![
                    if shared {
                        "ReadWriteMany"
                    } else {
                        "ReadWriteOnce"
                    }
                    .to_owned(),
                ],
                storage_class: setting(kompose::VOLUME_STORAGE_CLASS),
                selector: kompose::volume_selector(volume).map(|s| {
                    BTreeMap::from([(kompose::VOLUME_SELECTOR_KEY.to_owned(), s.value.clone())])
                }),
                volume: name.value.clone(),
            };
            if !shared {
                self.storage.rwo_claims.insert(claim.name.clone());
            }
            self.plan.claims.push(claim);
        }
    }

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
                        Volume {
                            empty_dir: Some(EmptyDirVolumeSource::default()),
                            ..Volume::default()
                        },
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
                && pod_volume.host_path.is_none()
            {
                self.report.add(Entry::unsupported(
                    Some(service_name),
                    "volumes.bind.propagation",
                    Some(propagation.span),
                    "only a hostPath volume propagates mounts",
                ));
            }
            let read_only = volume.read_only || pod_volume.config_map.is_some();
            let sub_path = volume
                .volume
                .as_ref()
                .and_then(|v| v.subpath.as_ref())
                .map(|s| s.value.clone())
                .or_else(|| pod_volume.config_map.as_ref().and_then(single_file_key))
                .or_else(|| {
                    pod_volume.persistent_volume_claim.as_ref()?;
                    kompose::sub_path(service).map(|s| s.value.clone())
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
                Volume {
                    name: volume_name,
                    ..pod_volume
                },
            );
        }
    }

    /// A named volume's claim, or an `emptyDir` for an anonymous volume.
    fn named_mount(
        &mut self,
        service_name: &str,
        service: &Service,
        kind: Option<kompose::VolumeKind>,
        volume: &Spanned<ServiceVolume>,
    ) -> Option<(Volume, String)> {
        if let Some(kind @ (kompose::VolumeKind::HostPath | kompose::VolumeKind::ConfigMap)) = kind
        {
            self.report.add(
                Entry::approximated(
                    Some(service_name),
                    "volumes",
                    Some(volume.span),
                    if kompose::volume_kind(service).is_some() {
                        format!(
                            "`{}: {}` applies to bind mounts; a named volume stays a claim",
                            kompose::VOLUME_TYPE,
                            kind.name()
                        )
                    } else {
                        format!(
                            "`--volumes {}` applies to bind mounts; a named volume stays a claim",
                            kind.name()
                        )
                    },
                )
                .help("mount a host directory (bind mount) to get that kind of volume"),
            );
        }
        let Some(source) = &volume.source else {
            return Some((
                Volume {
                    empty_dir: Some(EmptyDirVolumeSource::default()),
                    ..Volume::default()
                },
                names::joined(&[service_name, "anonymous", &names::label(&volume.target)]),
            ));
        };
        let project = self.context.project;
        // An undefined volume is reported by the check stage.
        let definition = project.volumes.get(source.as_str())?;
        let claim = claim_name(
            definition
                .name
                .as_ref()
                .map_or(source.as_str(), |n| n.as_str()),
        );
        Some((
            Volume {
                persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                    claim_name: claim.clone(),
                    read_only: None,
                }),
                ..Volume::default()
            },
            claim,
        ))
    }

    /// A bind mount, as `--bind-mounts` says.
    fn bind_mount(
        &mut self,
        service_name: &str,
        kind: Option<kompose::VolumeKind>,
        volume: &Spanned<ServiceVolume>,
        index: usize,
    ) -> Option<(Volume, String)> {
        let source = volume.source.as_ref()?;
        let path = PathBuf::from(&source.value);
        let volume_name = names::joined(&[service_name, &last_component(&volume.target), "bind"]);
        let policy = match kind {
            Some(kompose::VolumeKind::HostPath) => BindMounts::HostPath,
            Some(kompose::VolumeKind::ConfigMap) => BindMounts::ConfigMap,
            Some(kompose::VolumeKind::PersistentVolumeClaim) => BindMounts::Pvc,
            Some(kompose::VolumeKind::EmptyDir) | None => self.context.options.bind_mounts,
        };
        let host_system = is_host_system_path(&path);
        if policy == BindMounts::Error {
            self.report.error(
                Diagnostic::error(
                    Code::Unsupported,
                    format!("bind mount of {} (`--bind-mounts=error`)", path.display()),
                )
                .at(source.span)
                .help("use a named volume, or choose another `--bind-mounts` policy"),
            );
            return None;
        }
        if policy == BindMounts::HostPath || (policy == BindMounts::Auto && host_system) {
            return Some((
                self.host_path(service_name, volume, source.span, &path),
                volume_name,
            ));
        }
        if matches!(policy, BindMounts::Auto | BindMounts::ConfigMap)
            && let Some(files) = small_files(&path)
        {
            let name = names::joined(&[service_name, &last_component(&volume.target)]);
            let pod_volume =
                self.copied_files(service_name, volume, source.span, &path, &name, &files);
            return Some((pod_volume, names::joined(&[&name, "files"])));
        }
        if policy == BindMounts::ConfigMap {
            self.report.add(
                Entry::unsupported(
                    Some(service_name),
                    "volumes",
                    Some(source.span),
                    format!(
                        "{} does not exist or is too large for a ConfigMap (1 MiB); not mounted",
                        path.display()
                    ),
                )
                .help("use a named volume, or `--bind-mounts=pvc`"),
            );
            return None;
        }
        let claim = names::joined(&[service_name, "bind", &index.to_string()]);
        Some((
            self.empty_claim(service_name, volume, source.span, &path, &claim),
            volume_name,
        ))
    }

    /// A bind mount as a hostPath: the files of whichever node the Pod runs on.
    fn host_path(
        &mut self,
        service_name: &str,
        volume: &ServiceVolume,
        span: crate::source::Span,
        path: &Path,
    ) -> Volume {
        let host_system = is_host_system_path(path);
        let message = if path.ends_with("docker.sock") {
            "the Docker socket becomes a hostPath: the Pod controls the node's container runtime (if it is Docker at all)".to_owned()
        } else {
            format!(
                "{} becomes a hostPath: the Pod sees the files of whichever node it runs on",
                path.display()
            )
        };
        self.report.add(
            Entry::approximated(Some(service_name), "volumes", Some(span), message).help(
                "hostPath needs a privileged Pod Security level; prefer a ConfigMap or a claim",
            ),
        );
        let create = volume.bind.as_ref().is_some_and(|b| b.create_host_path) && !host_system;
        Volume {
            host_path: Some(HostPathVolumeSource {
                path: path.display().to_string(),
                type_: create.then(|| "DirectoryOrCreate".to_owned()),
            }),
            ..Volume::default()
        }
    }

    /// A small bind source copied into a read-only ConfigMap.
    fn copied_files(
        &mut self,
        service_name: &str,
        volume: &ServiceVolume,
        span: crate::source::Span,
        path: &Path,
        name: &str,
        files: &[(String, Vec<u8>)],
    ) -> Volume {
        let (data, binary, items) = config_map_entries(files);
        self.push_config_map(name, service_name, data, binary);
        if !volume.read_only {
            self.report.add(
                Entry::approximated(Some(service_name), "volumes", Some(span), format!("{} is copied into the ConfigMap `{name}`, mounted read-only; changes on the host need a new conversion", path.display()))
                    .help("mount it `:ro` in Compose to say so, or use a named volume for data the container writes"),
            );
        }
        Volume {
            config_map: Some(ConfigMapVolumeSource {
                name: name.to_owned(),
                items: Some(items),
                ..ConfigMapVolumeSource::default()
            }),
            ..Volume::default()
        }
    }

    /// A bind mount as an empty claim of its own.
    fn empty_claim(
        &mut self,
        service_name: &str,
        volume: &ServiceVolume,
        span: crate::source::Span,
        path: &Path,
        claim: &str,
    ) -> Volume {
        self.report.add(
            Entry::approximated(
                Some(service_name),
                "volumes",
                Some(span),
                format!(
                    "{} becomes the empty claim `{claim}`: the host's files are not copied",
                    path.display()
                ),
            )
            .help("copy the data into the claim after deploying, or bake it into the image"),
        );
        self.plan.claims.push(Claim {
            name: claim.to_owned(),
            labels: labels::common(self.context, service_name),
            size: self.context.options.pvc_size.clone(),
            access_modes: vec!["ReadWriteOnce".into()],
            storage_class: None,
            selector: None,
            volume: format!("{service_name}:{}", volume.target),
        });
        self.storage.rwo_claims.insert(claim.to_owned());
        Volume {
            persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                claim_name: claim.to_owned(),
                read_only: None,
            }),
            ..Volume::default()
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

    /// Service-level `tmpfs` entries (`/path[:size=64m,…]`).
    fn tmpfs(&mut self, service_name: &str, service: &Service, own: &mut ServiceStorage) {
        for entry in &service.tmpfs.0 {
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
                Volume {
                    name,
                    ..memory_dir(size)
                },
            );
        }
    }

    /// `shm_size`: a memory `emptyDir` of that size at `/dev/shm`.
    fn shm(service_name: &str, service: &Service, own: &mut ServiceStorage) {
        let Some(size) = &service.shm_size else {
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
            Volume {
                name,
                ..memory_dir(Some(size.value))
            },
        );
    }

    /// The Secrets or ConfigMaps of the top-level `secrets:` or `configs:`.
    fn top_level(&mut self, kind: Kind) -> IndexMap<String, Source> {
        let project = self.context.project;
        let mut out = IndexMap::new();
        let entries: Vec<(&Spanned<String>, Resource)> = match kind {
            Kind::Secret => project
                .secrets
                .iter()
                .map(|(n, s)| (n, Resource::Secret(s)))
                .collect(),
            Kind::Config => project
                .configs
                .iter()
                .map(|(n, c)| (n, Resource::Config(c)))
                .collect(),
        };
        for (name, resource) in entries {
            let used = project.services.values().any(|s| {
                let list = if kind == Kind::Secret {
                    &s.secrets
                } else {
                    &s.configs
                };
                list.iter()
                    .any(|r| r.source.as_ref().is_some_and(|src| src.value == name.value))
            });
            if !used {
                continue;
            }
            let object = names::label(resource.name().unwrap_or(name.as_str()));
            let key = file_key(&name.value);
            let unset = resource
                .environment()
                .filter(|variable| self.context.environment.get(variable).is_none());
            if let Some(variable) = unset {
                self.user_creates(&name.value, &resource, &object, &key, variable);
            } else if !resource.external() {
                let Some(content) = self.resource_content(&name.value, &resource) else {
                    continue;
                };
                let mut data = BTreeMap::new();
                let mut binary = BTreeMap::new();
                match String::from_utf8(content) {
                    Ok(text) => {
                        data.insert(key.clone(), text);
                    }
                    Err(bytes) => {
                        binary.insert(key.clone(), bytes.into_bytes());
                    }
                }
                let item = Data {
                    name: object.clone(),
                    labels: labels::common(self.context, &name.value),
                    data,
                    binary,
                };
                match kind {
                    Kind::Secret => self.plan.secrets.push(item),
                    Kind::Config => self.plan.config_maps.push(item),
                }
            }
            out.insert(name.value.clone(), Source { object, key });
        }
        out
    }

    /// The bytes of a secret or config (`file`, `environment`, `content`).
    fn resource_content(&mut self, name: &str, resource: &Resource) -> Option<Vec<u8>> {
        let what = resource.what();
        if let Some(file) = resource.file() {
            return match std::fs::read(&file.value) {
                Ok(bytes) => Some(bytes),
                Err(error) => {
                    self.report.error(
                        Diagnostic::error(
                            Code::CannotRead,
                            format!(
                                "cannot read the {what} `{name}` from {}: {error}",
                                file.value.display()
                            ),
                        )
                        .at(file.span)
                        .help("create the file, or point `file:` at it"),
                    );
                    None
                }
            };
        }
        if let Some(variable) = resource.environment() {
            return self
                .context
                .environment
                .get(variable)
                .map(|value| value.as_bytes().to_vec());
        }
        resource.content().map(|c| c.as_bytes().to_vec())
    }

    /// A secret or config from a variable that is not set when converting (it often is set
    /// only where `docker compose up` runs, or in CI): it is mounted from an object the user
    /// creates, with the command that creates it.
    fn user_creates(
        &mut self,
        name: &str,
        resource: &Resource,
        object: &str,
        key: &str,
        variable: &Spanned<String>,
    ) {
        let what = resource.what();
        let kind = match resource {
            Resource::Secret(_) => "secret generic",
            Resource::Config(_) => "configmap",
        };
        let namespace = self
            .context
            .options
            .namespace
            .as_ref()
            .map(|ns| format!(" -n {ns}"))
            .unwrap_or_default();
        self.report.add(
            Entry::unsupported(
                None,
                &format!("{what}s.{name}.environment"),
                Some(variable.span),
                format!(
                    "the {what} `{name}` comes from `{}`, which is not set: it is mounted from the {} `{object}`, which is not created",
                    variable.value,
                    if what == "secret" { "Secret" } else { "ConfigMap" },
                ),
            )
            .help(format!(
                "create it before applying: kubectl create {kind} {object}{namespace} --from-literal={key}=\"${}\" (or set `{}` and convert again)",
                variable.value, variable.value
            )),
        );
    }

    /// Mounts of a service's secrets or configs, each a file at its Compose path.
    fn references(
        &mut self,
        service_name: &str,
        references: &[Spanned<FileReference>],
        sources: &IndexMap<String, Source>,
        kind: Kind,
        own: &mut ServiceStorage,
    ) {
        for reference in references {
            let Some(name) = &reference.source else {
                continue;
            };
            let Some(source) = sources.get(name.as_str()) else {
                continue;
            };
            let target = reference.container_path(match kind {
                Kind::Secret => SECRETS_DIR,
                Kind::Config => "",
            });
            let mode = reference
                .mode
                .as_ref()
                .map(|m| self.file_mode(service_name, kind, m))
                .and_then(|m| i32::try_from(m.0).ok());
            for (field, value) in [("uid", &reference.uid), ("gid", &reference.gid)] {
                if let Some(value) = value {
                    self.report.add(
                        Entry::unsupported(
                            Some(service_name),
                            &format!("{}.{field}", kind_key(kind)),
                            Some(value.span),
                            "Kubernetes cannot set the owner of a mounted file",
                        )
                        .help(format!(
                            "set `{}` on the service so the Pod's files belong to that group",
                            kompose::FS_GROUP
                        )),
                    );
                }
            }
            let volume_name = names::joined(&[kind_key(kind), &source.object]);
            let items = Some(vec![KeyToPath {
                key: source.key.clone(),
                path: source.key.clone(),
                mode,
            }]);
            let volume = match kind {
                Kind::Secret => Volume {
                    name: volume_name.clone(),
                    secret: Some(SecretVolumeSource {
                        secret_name: Some(source.object.clone()),
                        items,
                        ..SecretVolumeSource::default()
                    }),
                    ..Volume::default()
                },
                Kind::Config => Volume {
                    name: volume_name.clone(),
                    config_map: Some(ConfigMapVolumeSource {
                        name: source.object.clone(),
                        items,
                        ..ConfigMapVolumeSource::default()
                    }),
                    ..Volume::default()
                },
            };
            own.mounts.push(VolumeMount {
                name: volume_name,
                mount_path: target,
                sub_path: Some(source.key.clone()),
                read_only: Some(true),
                ..VolumeMount::default()
            });
            push_volume(&mut own.volumes, volume);
        }
    }

    /// The mode of a mounted secret or config file. Kubernetes takes at most 0777: a decimal
    /// `mode: 644` (01204 to Compose) becomes the octal mode its digits spell, 0644, which is
    /// what its author meant; setuid, setgid and sticky bits are dropped.
    fn file_mode(&mut self, service: &str, kind: Kind, mode: &Spanned<FileMode>) -> FileMode {
        if mode.value.0 <= 0o777 {
            return mode.value;
        }
        let key = format!("{}.mode", kind_key(kind));
        if let Some(octal) = mode.value.digits_as_octal() {
            self.report.add(Entry::approximated(
                Some(service),
                &key,
                Some(mode.span),
                format!(
                    "the mode {} (decimal {}) is above 0777, which Kubernetes rejects; converted as {octal}, the octal number its digits spell",
                    mode.value, mode.value.0
                ),
            ));
            return octal;
        }
        let kept = FileMode(mode.value.0 & 0o777);
        self.report.add(
            Entry::unsupported(
                Some(service),
                &key,
                Some(mode.span),
                format!(
                    "the mode {} sets setuid, setgid or sticky bits, which Kubernetes cannot set; converted as {kept}",
                    mode.value
                ),
            )
            .help("write the permission bits only, at most 0777"),
        );
        kept
    }

    /// `env_file`: one ConfigMap with every variable, later files winning.
    fn env_files(&mut self, service_name: &str, service: &Service, own: &mut ServiceStorage) {
        if service.env_file.is_empty() {
            return;
        }
        let mut data = BTreeMap::new();
        for file in &service.env_file {
            // Read (and its problems reported) by the loader; a missing optional file is absent.
            let Some(vars) = self
                .context
                .env_files
                .get(&(file.path.clone(), file.format.clone()))
            else {
                continue;
            };
            for var in vars {
                match var
                    .value
                    .clone()
                    .or_else(|| self.context.environment.get(&var.key).map(str::to_owned))
                {
                    Some(value) => {
                        data.insert(var.key.clone(), value);
                    }
                    None => {
                        data.remove(&var.key);
                    }
                }
            }
        }
        let name = names::joined(&[service_name, "env"]);
        self.push_config_map(&name, service_name, data, BTreeMap::new());
        own.env_from.push(EnvFromSource {
            config_map_ref: Some(ConfigMapEnvSource {
                name: name.clone(),
                optional: None,
            }),
            ..EnvFromSource::default()
        });
    }

    /// `volumes_from`: the mounts of another service, shared.
    fn volumes_from(&mut self) {
        for (name, service) in &self.context.project.services {
            for entry in &service.volumes_from {
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
                    let shareable = same_pod || volume.empty_dir.is_none();
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

/// A top-level secret or config.
enum Resource<'a> {
    Secret(&'a model::Secret),
    Config(&'a model::Config),
}

impl Resource<'_> {
    fn name(&self) -> Option<&str> {
        match self {
            Resource::Secret(s) => s.name.as_ref().map(Spanned::as_str),
            Resource::Config(c) => c.name.as_ref().map(Spanned::as_str),
        }
    }
    fn external(&self) -> bool {
        match self {
            Resource::Secret(s) => s.external.as_ref().is_some_and(|e| e.value),
            Resource::Config(c) => c.external.as_ref().is_some_and(|e| e.value),
        }
    }
    fn file(&self) -> Option<&Spanned<PathBuf>> {
        match self {
            Resource::Secret(s) => s.file.as_ref(),
            Resource::Config(c) => c.file.as_ref(),
        }
    }
    fn environment(&self) -> Option<&Spanned<String>> {
        match self {
            Resource::Secret(s) => s.environment.as_ref(),
            Resource::Config(c) => c.environment.as_ref(),
        }
    }
    fn content(&self) -> Option<&str> {
        match self {
            Resource::Secret(_) => None,
            Resource::Config(c) => c.content.as_ref().map(Spanned::as_str),
        }
    }
    fn what(&self) -> &'static str {
        match self {
            Resource::Secret(_) => "secret",
            Resource::Config(_) => "config",
        }
    }
}

/// The services that mount each named volume as a claim, in project order: one pass over
/// the services, not one per volume.
fn volume_users<'p>(context: &Context<'p>) -> HashMap<&'p str, Vec<(&'p str, &'p Service)>> {
    let mut users_of: HashMap<&str, Vec<(&str, &Service)>> = HashMap::new();
    for (service_name, service) in &context.project.services {
        if kompose::volume_kind(service).or(context.options.volume_kind)
            == Some(kompose::VolumeKind::EmptyDir)
        {
            continue;
        }
        for volume in &service.volumes {
            if volume.kind != VolumeType::Volume {
                continue;
            }
            let Some(source) = &volume.source else {
                continue;
            };
            let users = users_of.entry(source.as_str()).or_default();
            if users
                .last()
                .is_none_or(|(n, _)| *n != service_name.as_str())
            {
                users.push((service_name.as_str(), service));
            }
        }
    }
    users_of
}

fn kind_key(kind: Kind) -> &'static str {
    match kind {
        Kind::Secret => "secret",
        Kind::Config => "config",
    }
}

/// The claim of a named volume.
fn claim_name(volume: &str) -> String {
    names::label(volume)
}

/// A ConfigMap or Secret key for a file name (`[-._a-zA-Z0-9]+`).
fn file_key(name: &str) -> String {
    let key: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
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

/// Paths that only make sense on the host itself.
fn is_host_system_path(path: &Path) -> bool {
    [
        "/var/run",
        "/run",
        "/dev",
        "/proc",
        "/sys",
        "/etc/localtime",
        "/etc/timezone",
        "/lib/modules",
    ]
    .iter()
    .any(|prefix| path.starts_with(prefix))
        || path.ends_with("docker.sock")
}

/// A memory-backed `emptyDir`, as a tmpfs.
fn memory_dir(size: Option<ByteSize>) -> Volume {
    Volume {
        empty_dir: Some(EmptyDirVolumeSource {
            medium: Some("Memory".into()),
            size_limit: size.map(|s| container::memory_quantity(s.0)),
        }),
        ..Volume::default()
    }
}

/// Adds a Pod volume unless one of that name is there already.
fn push_volume(volumes: &mut Vec<Volume>, volume: Volume) {
    if !volumes.iter().any(|v| v.name == volume.name) {
        volumes.push(volume);
    }
}

/// Mount propagation of a host path (the only volumes it applies to).
fn propagation(volume: &ServiceVolume, pod_volume: &Volume) -> Option<String> {
    pod_volume.host_path.as_ref()?;
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

/// The one key of a ConfigMap made from a single file, so it is mounted as that file.
fn single_file_key(source: &ConfigMapVolumeSource) -> Option<String> {
    match source.items.as_deref() {
        Some([item]) if item.path == item.key && item.key.starts_with(SINGLE_FILE) => {
            Some(item.key.clone())
        }
        _ => None,
    }
}

/// Marks the key of a single-file ConfigMap.
const SINGLE_FILE: &str = "file.";

/// The files under a bind source, if it exists and is small enough for a ConfigMap.
/// A single file is returned with an empty relative path.
fn small_files(path: &Path) -> Option<Vec<(String, Vec<u8>)>> {
    let metadata = std::fs::metadata(path).ok()?;
    if metadata.is_file() {
        return (metadata.len() <= CONFIG_MAP_LIMIT)
            .then(|| std::fs::read(path).ok().map(|b| vec![(String::new(), b)]))
            .flatten();
    }
    let mut files = Vec::new();
    let mut total = 0u64;
    let mut pending = vec![path.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&dir)
            .ok()?
            .filter_map(Result::ok)
            .collect();
        entries.sort_by_key(std::fs::DirEntry::file_name);
        for entry in entries {
            let kind = entry.file_type().ok()?;
            if kind.is_dir() {
                pending.push(entry.path());
            } else if kind.is_file() {
                let relative = entry
                    .path()
                    .strip_prefix(path)
                    .ok()?
                    .to_string_lossy()
                    .replace('\\', "/");
                if relative == ".keep" {
                    continue;
                }
                let bytes = std::fs::read(entry.path()).ok()?;
                total += u64::try_from(bytes.len()).unwrap_or(u64::MAX);
                files.push((relative, bytes));
                if total > CONFIG_MAP_LIMIT || files.len() > CONFIG_MAP_FILES {
                    return None;
                }
            }
        }
    }
    files.sort();
    Some(files)
}

/// Text entries, binary entries, and the items that place them.
type ConfigMapEntries = (
    BTreeMap<String, String>,
    BTreeMap<String, Vec<u8>>,
    Vec<KeyToPath>,
);

/// ConfigMap entries (text and binary) and the items that put each key back at its relative
/// path.
fn config_map_entries(files: &[(String, Vec<u8>)]) -> ConfigMapEntries {
    let mut data = BTreeMap::new();
    let mut binary = BTreeMap::new();
    let mut items = Vec::new();
    for (relative, bytes) in files {
        let key = if relative.is_empty() {
            format!("{SINGLE_FILE}content")
        } else {
            let mut key = file_key(&relative.replace('/', "."));
            while data.contains_key(&key) || binary.contains_key(&key) {
                key.push('_');
            }
            key
        };
        items.push(KeyToPath {
            key: key.clone(),
            path: if relative.is_empty() {
                key.clone()
            } else {
                relative.clone()
            },
            mode: None,
        });
        match String::from_utf8(bytes.clone()) {
            Ok(text) => {
                data.insert(key, text);
            }
            Err(_) => {
                binary.insert(key, bytes.clone());
            }
        }
    }
    (data, binary, items)
}
