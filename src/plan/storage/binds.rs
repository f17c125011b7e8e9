//! Bind mounts, as `--bind-mounts` (or `kompose.volume.type`) says: by default a small
//! existing file or directory is copied into a read-only ConfigMap, host system paths
//! (`/var/run/docker.sock`, `/dev`, `/proc`, `/sys`) become a `hostPath`, and anything else an
//! empty claim (the host files are not copied), each with a note.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use k8s_openapi::api::core::v1::{
    ConfigMapVolumeSource, HostPathVolumeSource, KeyToPath, PersistentVolumeClaimVolumeSource,
};

use crate::compose::model::mounts::ServiceVolume;
use crate::diag::{Code, Diagnostic};
use crate::plan::storage::{Planner, VolumeSource, file_key, last_component};
use crate::plan::{BindMounts, Claim, kompose, labels, names};
use crate::report::Entry;
use crate::source::Spanned;

/// Largest bind mount copied into a ConfigMap (ConfigMaps hold at most 1 MiB).
const CONFIG_MAP_LIMIT: u64 = 900 * 1024;
/// Most files of a directory copied into a ConfigMap.
const CONFIG_MAP_FILES: usize = 64;

impl Planner<'_, '_> {
    /// A bind mount, as `--bind-mounts` says.
    pub(super) fn bind_mount(
        &mut self,
        service_name: &str,
        kind: Option<kompose::VolumeKind>,
        volume: &Spanned<ServiceVolume>,
        index: usize,
    ) -> Option<(VolumeSource, String)> {
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
    ) -> VolumeSource {
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
        VolumeSource::HostPath(HostPathVolumeSource {
            path: path.display().to_string(),
            type_: create.then(|| "DirectoryOrCreate".to_owned()),
        })
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
    ) -> VolumeSource {
        let (data, binary, items) = config_map_entries(files);
        self.push_config_map(name, service_name, data, binary);
        if !volume.read_only {
            self.report.add(
                Entry::approximated(Some(service_name), "volumes", Some(span), format!("{} is copied into the ConfigMap `{name}`, mounted read-only; changes on the host need a new conversion", path.display()))
                    .help("mount it `:ro` in Compose to say so, or use a named volume for data the container writes"),
            );
        }
        VolumeSource::ConfigMap(ConfigMapVolumeSource {
            name: name.to_owned(),
            items: Some(items),
            ..ConfigMapVolumeSource::default()
        })
    }

    /// A bind mount as an empty claim of its own.
    fn empty_claim(
        &mut self,
        service_name: &str,
        volume: &ServiceVolume,
        span: crate::source::Span,
        path: &Path,
        claim: &str,
    ) -> VolumeSource {
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
        VolumeSource::Claim(PersistentVolumeClaimVolumeSource {
            claim_name: claim.to_owned(),
            read_only: None,
        })
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

/// The one key of a ConfigMap made from a single file, so it is mounted as that file.
pub(super) fn single_file_key(source: &ConfigMapVolumeSource) -> Option<String> {
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
