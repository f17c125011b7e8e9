//! The reverse proxy that read the routing labels from the Docker API (a `traefik` or
//! `caddy-docker-proxy` container with the Docker socket or `--providers.docker`). It cannot
//! work on a cluster (there is no Docker API to read labels from) and its published 80/443
//! must not become a LoadBalancer next to the Ingress controller's: with `--expose ingress`
//! or `gateway` it is left out of the plan, with a note (by default it is kept, as before).

use crate::compose::model::{Project, Service};
use crate::report::{Entry, Report};
use crate::source::Span;

/// A proxy service to leave out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proxy {
    pub service: String,
    pub span: Option<Span>,
    pub kind: &'static str,
}

impl Proxy {
    /// The note about what happens to the proxy: "the Traefik proxy `what`", on its image.
    #[must_use]
    pub fn approximated(&self, what: &str) -> Entry {
        Entry::approximated(
            Some(&self.service),
            "image",
            self.span,
            format!("the {} proxy {what}", self.kind),
        )
    }
}

/// The label-reading proxies of a project.
pub fn find(project: &Project) -> Vec<Proxy> {
    project
        .services
        .iter()
        .filter_map(|(name, service)| {
            let kind = kind(service)?;
            reads_docker(service).then(|| Proxy {
                service: name.value.clone(),
                span: service.image.as_ref().map(|i| i.span).or(Some(name.span)),
                kind,
            })
        })
        .collect()
}

/// `Traefik` or `Caddy` by the image's repository name (`traefik:v3`, `library/traefik`,
/// `lucaslorentz/caddy-docker-proxy`), not its owner (`traefik/whoami` is an app).
fn kind(service: &Service) -> Option<&'static str> {
    let image = service.image.as_ref()?.value.to_ascii_lowercase();
    let without_digest = image.split('@').next().unwrap_or_default();
    let repository = without_digest.rsplit('/').next().unwrap_or_default();
    let name = repository.split(':').next().unwrap_or_default();
    if name == "traefik" {
        Some("Traefik")
    } else if name.starts_with("caddy") {
        Some("Caddy")
    } else {
        None
    }
}

/// Whether the proxy reads containers from the Docker API: the socket, or a Docker
/// provider on the command line or in the environment.
fn reads_docker(service: &Service) -> bool {
    let socket = service.volumes.iter().any(|v| {
        v.source
            .as_ref()
            .is_some_and(|s| s.ends_with("docker.sock"))
    });
    let command = service
        .command
        .as_ref()
        .is_some_and(|c| c.iter().any(|a| a.contains("providers.docker")));
    let environment = service.environment.keys().any(|k| {
        let k = k.to_ascii_uppercase();
        k == "DOCKER_HOST"
            || k.starts_with("TRAEFIK_PROVIDERS_DOCKER")
            || k.starts_with("CADDY_INGRESS")
    });
    socket || command || environment
}

/// The project without the proxies; references to them (`depends_on`, `links`) go too.
/// A proxy another service shares the network stack of stays, with a note.
pub fn leave_out(project: &Project, proxies: &[Proxy], report: &mut Report) -> Option<Project> {
    if proxies.is_empty() {
        return None;
    }
    let mut trimmed = project.clone();
    for proxy in proxies {
        let shared = project.services.iter().any(|(_, s)| {
            s.network_mode
                .as_ref()
                .and_then(|m| m.service())
                .is_some_and(|target| target == proxy.service)
        });
        if shared {
            report.add(proxy.approximated("is kept: another service shares its network stack"));
            continue;
        }
        trimmed
            .services
            .retain(|name, _| name.value != proxy.service);
        for service in trimmed.services.values_mut() {
            service
                .depends_on
                .retain(|name, _| name.value != proxy.service);
            if let Some(rare) = &mut service.rare {
                rare.links.retain(|link| link.service != proxy.service);
            }
        }
        report.add(
            proxy.approximated("is left out: it reads routes from the Docker API, which a cluster does not have; the cluster's Ingress controller or Gateway takes its place (its published ports do not become a LoadBalancer)")
            .help("install an Ingress controller or Gateway in the cluster; the routes of its labels are the Ingresses or HTTPRoutes"),
        );
    }
    Some(trimmed)
}
