//! The typed Compose model: the whole Compose Specification, every value with its span.
//!
//! Short syntaxes are normalised to their long form while reading (a `"8080:80"` port becomes
//! a [`ports::PortConfig`]), so later stages see one shape per concept. Writing the model
//! back (`compose2kube config`) therefore prints the long form, as `docker compose config`
//! does, and re-reading that output gives the same model.
//!
//! One file per concept: [`service`] (the service itself and its small settings), [`ports`],
//! [`mounts`] (volumes, secrets/configs references, devices), [`networking`], [`depends_on`],
//! [`healthcheck`], [`hooks`], [`develop`], [`build`], [`deploy`], [`limits`], the top-level
//! [`resources`], [`include`](mod@include), and the shared value types in [`syntax`].

pub mod build;
pub mod command;
pub mod de;
pub mod depends_on;
pub mod deploy;
pub mod develop;
pub mod healthcheck;
pub mod hooks;
pub mod include;
pub mod limits;
pub mod mounts;
pub mod networking;
pub mod ports;
pub mod resources;
pub mod service;
pub mod syntax;
#[cfg(test)]
pub(crate) mod testing;

use crate::hash::IndexMap;

use crate::source::Spanned;

pub use include::Include;
pub use resources::{Config, Model, Network, Secret, Volume};
pub use service::Service;

crate::compose_struct! {
    /// A whole Compose project after merging, `extends`, `include` and profiles.
    pub struct Project in "the top level of a Compose file" {
        "name" => name: Option<Spanned<String>>,
        /// Obsolete; kept only so that it is reported.
        "version" => version: Option<Spanned<String>>,
        /// Consumed by the loader before the model is typed.
        "include" => include: Vec<Spanned<Include>>,
        "services" => services: IndexMap<Spanned<String>, Service>,
        "networks" => networks: IndexMap<Spanned<String>, Network>,
        "volumes" => volumes: IndexMap<Spanned<String>, Volume>,
        "configs" => configs: IndexMap<Spanned<String>, Config>,
        "secrets" => secrets: IndexMap<Spanned<String>, Secret>,
        "models" => models: IndexMap<Spanned<String>, Model>,
    }
}

impl Project {
    /// The service a `container:NAME` reference names: the service with that
    /// `container_name`, or the one `docker compose` names `<project>-<service>-1` (Compose v1:
    /// `<project>_<service>_1`) when it sets none.
    #[must_use]
    pub fn service_of_container(&self, project: &str, container: &str) -> Option<&Spanned<String>> {
        let by_container_name = self.services.iter().find_map(|(name, s)| {
            s.container_name
                .as_ref()
                .is_some_and(|c| c.value == container)
                .then_some(name)
        });
        by_container_name.or_else(|| {
            self.services.iter().find_map(|(name, s)| {
                let generated = s.container_name.is_none()
                    && [
                        format!("{project}-{}-1", name.value),
                        format!("{project}_{}_1", name.value),
                    ]
                    .iter()
                    .any(|n| n == container);
                generated.then_some(name)
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::model::testing::{read, read_ok};
    use crate::diag::Code;

    const FULL: &str = include_str!("../../../tests/fixtures/model/full.yaml");

    #[test]
    fn the_full_sample_reads_without_diagnostics() {
        let project = read_ok::<Project>(FULL);
        assert_eq!(project.services.len(), 3);
        assert_eq!(project.include.len(), 2);
        let web = &project.services["web"];
        assert_eq!(
            web.restart.as_deref(),
            Some(&service::Restart::UnlessStopped)
        );
        // 80, 8080:80, 127.0.0.1::443, [::1]:9000:9000/udp, three from the range, 9090-9091:8081, admin.
        assert_eq!(web.ports.len(), 9);
        assert_eq!(
            project.networks["outside"].name.as_ref().unwrap().as_str(),
            "corp-net"
        );
    }

    #[test]
    fn config_output_reads_back_to_the_same_model() {
        let project = read_ok::<Project>(FULL);
        let written = serde_saphyr::to_string(&project).unwrap();
        let (again, diagnostics, _) = read::<Project>(&written);
        assert!(diagnostics.is_empty(), "{diagnostics:#?}\n{written}");
        assert_eq!(again.as_ref(), Some(&project), "{written}");
        // Written in canonical form: durations the Go way, sizes in bytes, long syntaxes.
        assert!(written.contains("interval: 1m30s"), "{written}");
        assert!(written.contains("mem_limit: 1073741824"), "{written}");
        assert!(written.contains("create_host_path: true"), "{written}");
    }

    #[test]
    fn include_short_form_is_a_path() {
        let project = read_ok::<Project>("include: [./a/compose.yaml]\nservices: {}\n");
        let include = project.include.first().unwrap();
        assert_eq!(include.path.first().unwrap().as_str(), "./a/compose.yaml");
        let (_, diagnostics, _) = read::<Project>("include: [{env_file: .env}]\n");
        let codes: Vec<Code> = diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::MissingKey]);
    }

    #[test]
    fn unknown_top_level_key_suggests_the_nearest() {
        let (_, diagnostics, _) = read::<Project>("service: {}\n");
        let d = diagnostics.iter().next().unwrap();
        assert_eq!(d.code, Code::UnknownKey);
        assert_eq!(d.help.as_deref(), Some("did you mean `services`?"));
    }
}
