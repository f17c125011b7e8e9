//! Secrets and configs: each top-level one a service uses becomes a Secret or ConfigMap,
//! mounted as a file at `/run/secrets/<name>` (or its `target`) for a secret and `/<name>` (or
//! its `target`) for a config, as Compose places them. A `mode` above 0777 (Kubernetes' limit)
//! that a decimal `mode: 644` gives is converted as the octal mode its digits spell (0644).

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::hash::IndexMap;
use k8s_openapi::api::core::v1::{
    ConfigMapVolumeSource, KeyToPath, SecretVolumeSource, VolumeMount,
};

use crate::compose::model;
use crate::compose::model::mounts::{FileReference, SECRETS_DIR};
use crate::compose::model::syntax::FileMode;
use crate::diag::{Code, Diagnostic};
use crate::plan::storage::{
    Planner, PodVolume, ServiceStorage, VolumeSource, file_key, push_volume,
};
use crate::plan::{Data, kompose, labels, names};
use crate::report::Entry;
use crate::source::Spanned;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Secret,
    Config,
}

/// A top-level secret or config as an object name and key.
pub(super) struct Source {
    object: String,
    key: String,
}

impl Planner<'_, '_> {
    /// The Secrets or ConfigMaps of the top-level `secrets:` or `configs:`.
    pub(super) fn top_level(&mut self, kind: Kind) -> IndexMap<String, Source> {
        let project = self.context.project;
        let mut out = IndexMap::default();
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
    pub(super) fn references(
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
            let volume = PodVolume {
                name: volume_name.clone(),
                source: match kind {
                    Kind::Secret => VolumeSource::Secret(SecretVolumeSource {
                        secret_name: Some(source.object.clone()),
                        items,
                        ..SecretVolumeSource::default()
                    }),
                    Kind::Config => VolumeSource::ConfigMap(ConfigMapVolumeSource {
                        name: source.object.clone(),
                        items,
                        ..ConfigMapVolumeSource::default()
                    }),
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

fn kind_key(kind: Kind) -> &'static str {
    match kind {
        Kind::Secret => "secret",
        Kind::Config => "config",
    }
}
