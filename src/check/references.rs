//! Every name a service uses is defined: `depends_on`, `links`, `volumes_from`,
//! `network_mode`/`ipc`/`pid` `service:` targets, `networks`, named
//! volumes, `secrets` (also of `build`) and `configs`.

use crate::hash::IndexMap;

use crate::compose::Loaded;
use crate::compose::model::mounts::{FileReference, VolumeType};
use crate::compose::model::{Project, Service};
use crate::diag::{Code, Diagnostic, Diagnostics, suggest};
use crate::source::{Span, Spanned};

pub fn run(project: &Project, loaded: &Loaded, diagnostics: &mut Diagnostics) {
    let services: Vec<&str> = project.services.keys().map(Spanned::as_str).collect();
    let undefined_service = |name: &str, span: Span, what: &str| {
        let help = if loaded.inactive_services.iter().any(|s| s == name) {
            format!("`{name}` is in a profile that is not active: enable it with `--profile`")
        } else {
            did_you_mean(name, services.iter().copied(), "services")
        };
        Diagnostic::error(
            Code::UndefinedService,
            format!("{what} names the service `{name}`, which is not defined"),
        )
        .at(span)
        .help(help)
    };
    for (name, service) in &project.services {
        for (dependency, spec) in &service.depends_on {
            if spec.required && !project.services.contains_key(dependency.as_str()) {
                diagnostics.push(undefined_service(
                    dependency,
                    dependency.span,
                    &format!("`depends_on` of `{name}`"),
                ));
            }
        }
        for link in &service.rare().links {
            if !project.services.contains_key(link.service.as_str()) {
                diagnostics.push(undefined_service(
                    &link.service,
                    link.span,
                    &format!("`links` of `{name}`"),
                ));
            }
        }
        for from in &service.rare().volumes_from {
            // `container:NAME` is outside the project: reported by the translation.
            let Some(target) = from.service() else {
                continue;
            };
            if !project.services.contains_key(target) {
                diagnostics.push(undefined_service(
                    target,
                    from.span,
                    &format!("`volumes_from` of `{name}`"),
                ));
            }
        }
        for (key, mode) in [
            ("ipc", &service.rare().ipc),
            ("pid", &service.rare().pid),
            ("network_mode", &service.network_mode),
        ] {
            // `container:NAME` may name a container outside the project, which Docker Compose
            // accepts; only the conversion cannot join it (reported by the plan).
            let Some(mode) = mode else { continue };
            if let Some(target) = mode.service()
                && !project.services.contains_key(target)
            {
                let mut diagnostic =
                    undefined_service(target, mode.span, &format!("`{key}` of `{name}`"));
                if key == "network_mode" {
                    diagnostic.code = Code::NetworkModeUnknownTarget;
                }
                diagnostics.push(diagnostic);
            }
        }
        networks(project, &loaded.unused, name, service, diagnostics);
        volumes(project, &loaded.unused, name, service, diagnostics);
        let build_secrets = service.build.iter().flat_map(|b| &b.secrets);
        for reference in service.secrets.iter().chain(build_secrets) {
            defined(
                &project.secrets,
                &loaded.unused.secrets,
                reference,
                Kind::Secret,
                name,
                diagnostics,
            );
        }
        for reference in &service.configs {
            defined(
                &project.configs,
                &loaded.unused.configs,
                reference,
                Kind::Config,
                name,
                diagnostics,
            );
        }
    }
}

fn networks(
    project: &Project,
    unused: &Project,
    name: &str,
    service: &Service,
    diagnostics: &mut Diagnostics,
) {
    for network in service.networks.keys() {
        // `default` exists without being declared.
        if network.as_str() != "default" && !project.networks.contains_key(network.as_str()) {
            diagnostics.push(
                Diagnostic::error(
                    Code::UndefinedNetwork,
                    format!(
                        "service `{name}` uses the network `{network}`, which is not defined",
                        network = network.value
                    ),
                )
                .at(network.span)
                .help(did_you_mean(
                    network,
                    project
                        .networks
                        .keys()
                        .chain(unused.networks.keys())
                        .map(Spanned::as_str),
                    "networks",
                )),
            );
        }
    }
}

fn volumes(
    project: &Project,
    unused: &Project,
    name: &str,
    service: &Service,
    diagnostics: &mut Diagnostics,
) {
    for volume in &service.volumes {
        let Some(source) = &volume.source else {
            continue;
        };
        if volume.kind == VolumeType::Volume && !project.volumes.contains_key(source.as_str()) {
            diagnostics.push(
                Diagnostic::error(
                    Code::UndefinedVolume,
                    format!(
                        "service `{name}` mounts the volume `{source}`, which is not defined",
                        source = source.value
                    ),
                )
                .at(source.span)
                .help(format!(
                    "{}; a host path must start with `.`, `/` or `~`",
                    did_you_mean(
                        source,
                        project
                            .volumes
                            .keys()
                            .chain(unused.volumes.keys())
                            .map(Spanned::as_str),
                        "volumes"
                    )
                )),
            );
        }
    }
}

#[derive(Clone, Copy)]
enum Kind {
    Secret,
    Config,
}

fn defined<T>(
    definitions: &IndexMap<Spanned<String>, T>,
    unused: &IndexMap<Spanned<String>, T>,
    reference: &Spanned<FileReference>,
    kind: Kind,
    service: &str,
    diagnostics: &mut Diagnostics,
) {
    let Some(source) = &reference.source else {
        return; // a missing `source` is reported by the model
    };
    if definitions.contains_key(source.as_str()) {
        return;
    }
    let (code, noun, section) = match kind {
        Kind::Secret => (Code::UndefinedSecret, "secret", "secrets"),
        Kind::Config => (Code::UndefinedConfig, "config", "configs"),
    };
    diagnostics.push(
        Diagnostic::error(
            code,
            format!(
                "service `{service}` uses the {noun} `{source}`, which is not defined",
                source = source.value
            ),
        )
        .at(source.span)
        .help(did_you_mean(
            source,
            definitions.keys().chain(unused.keys()).map(Spanned::as_str),
            section,
        )),
    );
}

/// "did you mean `x`?", or where to define the name.
fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    section: &str,
) -> String {
    suggest(name, candidates, || {
        format!("define `{name}` under the top-level `{section}:`")
    })
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{check, codes};
    use crate::diag::Code;

    #[test]
    fn undefined_services_are_reported_where_they_are_named() {
        let yaml = "services:\n  web:\n    image: nginx\n    depends_on: [db]\n    links: [cache:c]\n    volumes_from: [data:ro, container:outside]\n    ipc: service:shm\n";
        let found = check(yaml);
        let places: Vec<(Code, String)> =
            found.iter().map(|d| (d.code, d.message.clone())).collect();
        assert_eq!(found.len(), 4, "{places:?}");
        assert!(found.iter().all(|d| d.code == Code::UndefinedService));
        assert!(found[0].message.contains("`db`"));
        assert!(found[1].message.contains("`cache`"));
        assert!(found[2].message.contains("`data`"));
        assert!(found[3].message.contains("`shm`"));
    }

    #[test]
    fn an_optional_dependency_may_be_missing() {
        let yaml = "services:\n  web:\n    image: nginx\n    depends_on:\n      db: {condition: service_started, required: false}\n";
        assert_eq!(codes(yaml), []);
    }

    #[test]
    fn a_misspelt_service_gets_a_suggestion() {
        let yaml = "services:\n  web:\n    image: nginx\n    depends_on: [dbb]\n  db:\n    image: postgres\n";
        let found = check(yaml);
        assert_eq!(found[0].help.as_deref(), Some("did you mean `db`?"));
    }

    #[test]
    fn network_mode_service_targets_must_exist_but_containers_may_be_outside() {
        let yaml = "services:\n  web:\n    image: nginx\n    network_mode: service:vpn\n  side:\n    image: busybox\n    network_mode: container:outside\n";
        let found = check(yaml);
        assert_eq!(
            found.iter().map(|d| d.code).collect::<Vec<_>>(),
            [Code::NetworkModeUnknownTarget]
        );
    }

    #[test]
    fn containers_are_found_by_container_name_or_compose_default_name() {
        let yaml = "services:\n  vpn:\n    image: gluetun\n    container_name: gluetun\n  a:\n    image: x\n    network_mode: container:gluetun\n  db:\n    image: postgres\n  b:\n    image: x\n    network_mode: container:app-db-1\n";
        assert_eq!(codes(yaml), []);
    }

    #[test]
    fn undefined_resources_are_reported() {
        let yaml = "services:\n  web:\n    image: nginx\n    networks: [front, default]\n    volumes: [data:/data, ./web:/srv]\n    secrets: [token]\n    configs: [site]\n    build:\n      context: .\n      secrets: [npmrc]\nnetworks:\n  fronts: {}\n";
        assert_eq!(
            codes(yaml),
            [
                Code::UndefinedNetwork,
                Code::UndefinedVolume,
                Code::UndefinedSecret,
                Code::UndefinedConfig,
                Code::UndefinedSecret,
            ]
        );
        assert_eq!(
            check(yaml)[0].help.as_deref(),
            Some("did you mean `fronts`?")
        );
    }
}
