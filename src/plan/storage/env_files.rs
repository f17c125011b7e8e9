//! `env_file`s: one ConfigMap per service with every variable (later files winning), read
//! with `envFrom`; the service's `environment` takes precedence, as in Compose.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{ConfigMapEnvSource, EnvFromSource};

use crate::compose::model::Service;
use crate::plan::names;
use crate::plan::storage::{Planner, ServiceStorage};

impl Planner<'_, '_> {
    /// `env_file`: one ConfigMap with every variable, later files winning.
    pub(super) fn env_files(
        &mut self,
        service_name: &str,
        service: &Service,
        own: &mut ServiceStorage,
    ) {
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
}
