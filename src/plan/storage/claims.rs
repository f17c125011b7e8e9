//! Named volumes as claims: one claim per named volume a service mounts (ReadWriteMany when
//! several Pods mount it; inside one Pod it is one Pod volume used by several containers), and
//! an `emptyDir` for an anonymous volume.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{EmptyDirVolumeSource, PersistentVolumeClaimVolumeSource};

use crate::compose::model::Service;
use crate::compose::model::mounts::{ServiceVolume, VolumeType};
use crate::hash::HashMap;
use crate::plan::storage::{Planner, VolumeSource};
use crate::plan::{Claim, Context, kompose, labels, names};
use crate::report::Entry;
use crate::source::Spanned;

impl Planner<'_, '_> {
    /// One claim per named volume that a service mounts; access mode from how many Pods
    /// mount it.
    pub(super) fn named_volumes(&mut self) {
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

    /// A named volume's claim, or an `emptyDir` for an anonymous volume.
    pub(super) fn named_mount(
        &mut self,
        service_name: &str,
        service: &Service,
        kind: Option<kompose::VolumeKind>,
        volume: &Spanned<ServiceVolume>,
    ) -> Option<(VolumeSource, String)> {
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
                VolumeSource::EmptyDir(EmptyDirVolumeSource::default()),
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
            VolumeSource::Claim(PersistentVolumeClaimVolumeSource {
                claim_name: claim.clone(),
                read_only: None,
            }),
            claim,
        ))
    }
}

/// The services that mount each named volume as a claim, in project order: one pass over
/// the services, not one per volume.
fn volume_users<'p>(context: &Context<'p>) -> HashMap<&'p str, Vec<(&'p str, &'p Service)>> {
    let mut users_of: HashMap<&str, Vec<(&str, &Service)>> = HashMap::default();
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

/// The claim of a named volume.
fn claim_name(volume: &str) -> String {
    names::label(volume)
}
