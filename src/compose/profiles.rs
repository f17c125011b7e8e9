//! Profiles: which services a run includes.
//!
//! A service without `profiles` is always on; one with profiles is on when one of them is
//! active (`--profile`, `COMPOSE_PROFILES`, `*` for all). A service that an active service
//! needs — through `depends_on` (unless `required: false`), `links`, `volumes_from`, or a
//! `service:` network, IPC or PID mode — is on too, as `docker compose up` starts it.
//!
//! The empty profile `""` is active unless `--profile` is given, so `profiles: ["", "x"]`
//! is on by default and with `--profile x`. A project whose every service is off is valid to
//! Docker Compose (it runs nothing), so that is a warning listing the profiles, not an error.
//!
//! Then, as compose-go's `WithoutUnnecessaryResources` does, the top-level networks, volumes,
//! secrets, configs and models that no enabled service uses are dropped: `docker compose up`
//! never creates them, so neither does the conversion (no claim nobody mounts).

use std::collections::BTreeSet;

use crate::hash::IndexMap;

use crate::compose::model::mounts::VolumeType;
use crate::compose::model::{Project, Service};
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::source::Spanned;

/// Removes the services no active profile enables, and returns their names.
pub fn apply(
    project: &mut Project,
    active: &[String],
    diagnostics: &mut Diagnostics,
) -> Vec<String> {
    let all = active.iter().any(|p| p == "*");
    for profile in active.iter().filter(|p| *p != "*" && !p.is_empty()) {
        let used = project
            .services
            .values()
            .any(|s| s.profiles.iter().any(|p| p.value == *profile));
        if !used {
            diagnostics.push(
                Diagnostic::warning(Code::UnknownProfile, format!("no service uses the profile `{profile}`"))
                    .help("check the spelling; `profiles:` of each service lists the profiles it belongs to"),
            );
        }
    }
    let mut on: BTreeSet<String> = project
        .services
        .iter()
        .filter(|(_, s)| {
            all || s.profiles.is_empty() || s.profiles.iter().any(|p| active.contains(&p.value))
        })
        .map(|(name, _)| name.value.clone())
        .collect();
    let mut pending: Vec<String> = on.iter().cloned().collect();
    while let Some(name) = pending.pop() {
        let Some(service) = project.services.get(name.as_str()) else {
            continue;
        };
        for needed in needs(service) {
            if project.services.contains_key(needed.as_str()) && on.insert(needed.clone()) {
                pending.push(needed);
            }
        }
    }
    if on.is_empty() {
        no_enabled_service(project, diagnostics);
    }
    let off: Vec<String> = project
        .services
        .keys()
        .filter(|name| !on.contains(name.as_str()))
        .map(|name| name.value.clone())
        .collect();
    project
        .services
        .retain(|name, _| on.contains(name.as_str()));
    off
}

/// Takes the top-level resources no service of `project` uses out of it, and returns them (in
/// an otherwise empty project), so that the checks still see what was written.
pub fn drop_unused_resources(project: &mut Project) -> Project {
    let mut used: [BTreeSet<String>; 5] = Default::default();
    let [networks, volumes, secrets, configs, models] = &mut used;
    let names = |items: &mut BTreeSet<String>,
                 found: &mut dyn Iterator<Item = &Spanned<String>>| {
        items.extend(found.map(|n| n.value.clone()));
    };
    for service in project.services.values() {
        if service.networks.is_empty() && service.network_mode.is_none() {
            networks.insert("default".to_owned());
        }
        names(networks, &mut service.networks.keys());
        names(
            volumes,
            &mut service
                .volumes
                .iter()
                .filter(|v| v.kind == VolumeType::Volume)
                .filter_map(|v| v.source.as_ref()),
        );
        let build_secrets = service.build.iter().flat_map(|b| &b.secrets);
        names(
            secrets,
            &mut service
                .secrets
                .iter()
                .chain(build_secrets)
                .filter_map(|r| r.source.as_ref()),
        );
        names(
            configs,
            &mut service.configs.iter().filter_map(|r| r.source.as_ref()),
        );
        names(models, &mut service.rare().models.keys());
    }
    let [networks, volumes, secrets, configs, models] = &used;
    Project {
        networks: take_unused(&mut project.networks, networks),
        volumes: take_unused(&mut project.volumes, volumes),
        secrets: take_unused(&mut project.secrets, secrets),
        configs: take_unused(&mut project.configs, configs),
        models: take_unused(&mut project.models, models),
        ..Project::default()
    }
}

/// Removes the entries whose name is not in `used`, and returns them.
fn take_unused<T>(
    resources: &mut IndexMap<Spanned<String>, T>,
    used: &BTreeSet<String>,
) -> IndexMap<Spanned<String>, T> {
    let (kept, unused) = std::mem::take(resources)
        .into_iter()
        .partition(|(name, _)| used.contains(name.as_str()));
    *resources = kept;
    unused
}

/// Every service is behind a profile that is off: say which profiles would turn them on.
fn no_enabled_service(project: &Project, diagnostics: &mut Diagnostics) {
    let Some(first) = project
        .services
        .values()
        .find_map(|s| s.keys.get("profiles"))
    else {
        return;
    };
    let mut profiles: Vec<&str> = project
        .services
        .values()
        .flat_map(|s| s.profiles.iter().map(Spanned::as_str))
        .filter(|p| !p.is_empty())
        .collect();
    profiles.sort_unstable();
    profiles.dedup();
    let listed = profiles
        .iter()
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let example = profiles.first().copied().unwrap_or("NAME");
    diagnostics.push(
        Diagnostic::warning(
            Code::NoEnabledService,
            format!("no service is enabled: every service has a profile, and none of them is active (profiles: {listed})"),
        )
        .at(first)
        .label("this service runs only with one of its profiles")
        .help(format!(
            "enable a profile with `--profile {example}` (or `COMPOSE_PROFILES={example}`), or all of them with `--profile '*'`"
        )),
    );
}

/// The services a service cannot run without.
fn needs(service: &Service) -> Vec<String> {
    let mut out: Vec<String> = service
        .depends_on
        .iter()
        .filter(|(_, d)| d.required)
        .map(|(name, _)| name.value.clone())
        .collect();
    out.extend(service.rare().links.iter().map(|l| l.service.clone()));
    out.extend(
        service
            .rare()
            .volumes_from
            .iter()
            .filter_map(|v| v.service())
            .map(str::to_owned),
    );
    out.extend(
        [
            &service.network_mode,
            &service.rare().ipc,
            &service.rare().pid,
        ]
        .into_iter()
        .flatten()
        .filter_map(|mode| mode.service())
        .map(str::to_owned),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::model::testing::read_ok;

    const PROJECT: &str = "services:\n  web:\n    image: a\n    depends_on: [db]\n  db:\n    image: b\n    profiles: [data]\n  debug:\n    image: c\n    profiles: [tools]\n";

    #[test]
    fn services_without_profiles_and_their_dependencies_are_on() {
        let mut project = read_ok::<Project>(PROJECT);
        let mut diagnostics = Diagnostics::new();
        let off = apply(&mut project, &[], &mut diagnostics);
        assert_eq!(off, ["debug"]);
        assert!(project.services.contains_key("db"));
    }

    #[test]
    fn an_active_profile_enables_its_services_and_star_enables_all() {
        let mut project = read_ok::<Project>(PROJECT);
        let off = apply(&mut project, &["tools".into()], &mut Diagnostics::new());
        assert!(off.is_empty());
        let mut project = read_ok::<Project>(PROJECT);
        assert!(apply(&mut project, &["*".into()], &mut Diagnostics::new()).is_empty());
    }

    #[test]
    fn an_empty_string_profile_is_on_by_default() {
        let yaml = "services:\n  a:\n    image: a\n    profiles: ['', x]\n  b:\n    image: b\n    profiles: [x]\n";
        let mut project = read_ok::<Project>(yaml);
        let mut diagnostics = Diagnostics::new();
        assert_eq!(
            apply(&mut project, &[String::new()], &mut diagnostics),
            ["b"]
        );
        assert!(diagnostics.is_empty());
        let mut project = read_ok::<Project>(yaml);
        assert_eq!(
            apply(&mut project, &["y".into()], &mut diagnostics),
            ["a", "b"]
        );
    }

    #[test]
    fn no_enabled_service_lists_the_profiles_and_suggests_profile_flags() {
        let yaml = "services:\n  a:\n    image: a\n    profiles: [dev]\n  b:\n    image: b\n    profiles: [test, dev]\n";
        let mut project = read_ok::<Project>(yaml);
        let mut diagnostics = Diagnostics::new();
        apply(&mut project, &[String::new()], &mut diagnostics);
        let warning = diagnostics.iter().next().unwrap();
        assert_eq!(warning.code, Code::NoEnabledService);
        assert_eq!(warning.severity, crate::diag::Severity::Warning);
        assert!(
            warning.message.contains("`dev`, `test`"),
            "{}",
            warning.message
        );
        let help = warning.help.as_deref().unwrap();
        assert!(
            help.contains("--profile dev") && help.contains("--profile '*'"),
            "{help}"
        );
        assert!(warning.span.is_some());
    }

    #[test]
    fn an_unused_profile_is_a_warning() {
        let mut project = read_ok::<Project>(PROJECT);
        let mut diagnostics = Diagnostics::new();
        apply(&mut project, &["tolos".into()], &mut diagnostics);
        assert_eq!(
            diagnostics.iter().next().unwrap().code,
            Code::UnknownProfile
        );
    }
}
