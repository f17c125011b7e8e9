//! Profiles: which services a run includes.
//!
//! A service without `profiles` is always on; one with profiles is on when one of them is
//! active (`--profile`, `COMPOSE_PROFILES`, `*` for all). A service that an active service
//! needs — through `depends_on` (unless `required: false`), `links`, `volumes_from`, or a
//! `service:` network, IPC or PID mode — is on too, as `docker compose up` starts it.

use std::collections::BTreeSet;

use crate::compose::model::{Project, Service};
use crate::diag::{Code, Diagnostic, Diagnostics};

/// Removes the services no active profile enables, and returns their names.
pub fn apply(
    project: &mut Project,
    active: &[String],
    diagnostics: &mut Diagnostics,
) -> Vec<String> {
    let all = active.iter().any(|p| p == "*");
    for profile in active.iter().filter(|p| *p != "*") {
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

/// The services a service cannot run without.
fn needs(service: &Service) -> Vec<String> {
    let mut out: Vec<String> = service
        .depends_on
        .iter()
        .filter(|(_, d)| d.required)
        .map(|(name, _)| name.value.clone())
        .collect();
    out.extend(
        service
            .links
            .iter()
            .map(|l| l.split(':').next().unwrap_or_default().to_owned()),
    );
    out.extend(
        service
            .volumes_from
            .iter()
            .filter(|v| !v.starts_with("container:"))
            .map(|v| v.split(':').next().unwrap_or_default().to_owned()),
    );
    for mode in [&service.network_mode, &service.ipc, &service.pid]
        .into_iter()
        .flatten()
    {
        if let Some(target) = mode.strip_prefix("service:") {
            out.push(target.to_owned());
        }
    }
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
