//! The check stage: Compose consistency rules and the Docker Engine's network rules, run on
//! the loaded model. Each problem is a located diagnostic with a stable code and a `help:`.
//!
//! An error here means Docker Compose (or the Engine, for the network rules) rejects the
//! project too; what Compose accepts but a Pod cannot do (joining a container outside the
//! project) is left to the plan. See the design note of [`crate::compose`].
//!
//! - [`services`]: each service has something to run and a container name of its own;
//! - [`references`]: every name a service uses (services, networks, volumes, secrets,
//!   configs) is defined;
//! - [`cycles`]: `depends_on` and `network_mode: service:` do not go round in a circle;
//! - [`network`]: the Engine's rules for services that share another's network stack, and
//!   for `host` mode;
//! - [`settings`]: settings of one service that contradict each other (replicas, resources,
//!   mount targets, healthcheck `test`);
//! - [`resources`]: top-level secrets, configs, volumes and networks are well formed.

mod cycles;
mod network;
mod references;
mod resources;
mod services;
mod settings;

use crate::compose::Loaded;
use crate::diag::Diagnostics;

/// Runs every check on the loaded project.
pub fn run(loaded: &Loaded, diagnostics: &mut Diagnostics) {
    let Some(project) = &loaded.project else {
        return;
    };
    services::run(project, diagnostics);
    references::run(project, loaded, diagnostics);
    cycles::run(project, diagnostics);
    network::run(project, diagnostics);
    settings::run(project, diagnostics);
    resources::run(project, diagnostics);
    resources::run(&loaded.unused, diagnostics);
}

#[cfg(test)]
pub(crate) mod testing {
    use crate::compose::{self, FileArg, LoadOptions};
    use crate::diag::{Code, Diagnostic};

    /// Loads `yaml` as `-f -` in a project named `app` and runs the checks.
    pub fn check(yaml: &str) -> Vec<Diagnostic> {
        let options = LoadOptions {
            files: vec![FileArg::Stdin],
            stdin: Some(yaml.to_owned()),
            project_name: Some("app".to_owned()),
            working_dir: std::path::PathBuf::from("/nonexistent/compose2kube-check"),
            ..LoadOptions::default()
        };
        let loaded = compose::load(&options);
        crate::check(&loaded)
    }

    /// The codes `check` reports for `yaml`.
    pub fn codes(yaml: &str) -> Vec<Code> {
        check(yaml).iter().map(|d| d.code).collect()
    }
}
