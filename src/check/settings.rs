//! Settings of one service that contradict each other: a fixed `container_name` with several
//! replicas, a value given twice (`scale` and `deploy.replicas`, `cpus` and
//! `deploy.resources.limits.cpus`, …), two mounts on one container path, and a healthcheck
//! `test` that the Engine cannot run.

use crate::compose::model::Project;
use crate::compose::model::Service;
use crate::compose::model::mounts::SECRETS_DIR;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::hash::HashMap;
use crate::source::{Span, Spanned};

pub fn run(project: &Project, diagnostics: &mut Diagnostics) {
    for (name, service) in &project.services {
        replicas(name, service, diagnostics);
        duplicates(name, service, diagnostics);
        mount_targets(name, service, diagnostics);
        healthcheck(name, service, diagnostics);
    }
}

fn replica_settings(service: &Service) -> (Option<&Spanned<u32>>, Option<&Spanned<u32>>) {
    let deploy = service.deploy.as_ref().and_then(|d| d.replicas.as_ref());
    (service.rare().scale.as_ref(), deploy)
}

fn replicas(name: &str, service: &Service, diagnostics: &mut Diagnostics) {
    let (scale, deploy) = replica_settings(service);
    if let Some(container_name) = &service.container_name
        && let Some(many) = deploy.or(scale).filter(|r| r.value > 1)
    {
        diagnostics.push(
            Diagnostic::error(
                Code::ContainerNameWithReplicas,
                format!(
                    "`{name}` has the fixed container name `{}` but {} replicas",
                    container_name.value, many.value
                ),
            )
            .at(container_name.span)
            .related(many.span, "more than one replica")
            .help("remove `container_name` (names must be unique) or run one replica"),
        );
    }
}

/// A value set twice, by a service key and by its `deploy` counterpart.
fn duplicates(name: &str, service: &Service, diagnostics: &mut Diagnostics) {
    let (scale, deploy) = replica_settings(service);
    let resources = service.deploy.as_ref().and_then(|d| d.resources.as_ref());
    let limits = resources.and_then(|r| r.limits.as_ref());
    let reservations = resources.and_then(|r| r.reservations.as_ref());
    let pairs = [
        ("scale", "deploy.replicas", differ(scale, deploy)),
        (
            "cpus",
            "deploy.resources.limits.cpus",
            differ(
                service.rare().cpus.as_ref(),
                limits.and_then(|l| l.cpus.as_ref()),
            ),
        ),
        (
            "mem_limit",
            "deploy.resources.limits.memory",
            differ(
                service.rare().mem_limit.as_ref(),
                limits.and_then(|l| l.memory.as_ref()),
            ),
        ),
        (
            "pids_limit",
            "deploy.resources.limits.pids",
            differ(
                service.rare().pids_limit.as_ref(),
                limits.and_then(|l| l.pids.as_ref()),
            ),
        ),
        (
            "mem_reservation",
            "deploy.resources.reservations.memory",
            differ(
                service.rare().mem_reservation.as_ref(),
                reservations.and_then(|r| r.memory.as_ref()),
            ),
        ),
    ];
    for (key, other, spans) in pairs {
        let Some((span, other_span)) = spans else {
            continue;
        };
        diagnostics.push(
            Diagnostic::error(
                Code::ConflictingSettings,
                format!("`{key}` and `{other}` of `{name}` give different values"),
            )
            .at(span)
            .related(other_span, format!("`{other}`"))
            .help(format!("keep one of them (`{other}` is the current form)")),
        );
    }
}

/// Both spans when both values are set and differ.
fn differ<T: PartialEq>(a: Option<&Spanned<T>>, b: Option<&Spanned<T>>) -> Option<(Span, Span)> {
    match (a, b) {
        (Some(a), Some(b)) if a.value != b.value => Some((a.span, b.span)),
        _ => None,
    }
}

/// Two mounts (volumes, `tmpfs`, secrets, configs) on one container path.
fn mount_targets(name: &str, service: &Service, diagnostics: &mut Diagnostics) {
    let mut targets: Vec<(String, Span)> = service
        .volumes
        .iter()
        .map(|v| (v.target.clone(), v.span))
        .collect();
    targets.extend(service.rare().tmpfs.iter().map(|t| {
        let path = t.split(':').next().unwrap_or_default();
        (path.to_owned(), t.span)
    }));
    for (references, dir) in [(&service.secrets, SECRETS_DIR), (&service.configs, "")] {
        for reference in references.iter().filter(|r| r.source.is_some()) {
            targets.push((reference.container_path(dir), reference.span));
        }
    }
    let mut first: HashMap<String, Span> = HashMap::default();
    for (target, span) in targets {
        let normalized = target.trim_end_matches('/').to_owned();
        let normalized = if normalized.is_empty() {
            "/".to_owned()
        } else {
            normalized
        };
        if let Some(&earlier) = first.get(&normalized) {
            diagnostics.push(
                Diagnostic::error(
                    Code::DuplicateMountTarget,
                    format!("two mounts of `{name}` use the container path `{normalized}`"),
                )
                .at(span)
                .related(earlier, "the first mount on this path")
                .help("give each mount its own `target`"),
            );
        } else {
            first.insert(normalized, span);
        }
    }
}

/// A healthcheck `test` list must start with `CMD`, `CMD-SHELL` or `NONE`.
fn healthcheck(name: &str, service: &Service, diagnostics: &mut Diagnostics) {
    let Some(test) = service.healthcheck.as_ref().and_then(|h| h.test.as_ref()) else {
        return;
    };
    let first = test.first().map(String::as_str);
    if matches!(first, Some("CMD" | "CMD-SHELL" | "NONE")) {
        if first != Some("NONE") && test.len() < 2 {
            diagnostics.push(
                Diagnostic::error(
                    Code::InvalidHealthcheck,
                    format!("the healthcheck `test` of `{name}` has no command"),
                )
                .at(test.span)
                .help("write the command after `CMD` or `CMD-SHELL`, e.g. [\"CMD\", \"curl\", \"-f\", \"http://localhost\"]"),
            );
        }
        return;
    }
    let shown = first.map_or_else(|| "an empty list".to_owned(), |f| format!("`{f}`"));
    diagnostics.push(
        Diagnostic::error(
            Code::InvalidHealthcheck,
            format!("the healthcheck `test` of `{name}` starts with {shown}"),
        )
        .at(test.span)
        .help("start the list with `CMD` (a command), `CMD-SHELL` (a shell line) or `NONE`"),
    );
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{check, codes};
    use crate::diag::Code;

    #[test]
    fn a_container_name_allows_one_replica() {
        let yaml = "services:\n  web:\n    image: nginx\n    container_name: web\n    deploy: {replicas: 2}\n";
        assert_eq!(codes(yaml), [Code::ContainerNameWithReplicas]);
        let one = "services:\n  web:\n    image: nginx\n    container_name: web\n    scale: 1\n";
        assert_eq!(codes(one), []);
    }

    #[test]
    fn values_given_twice_must_agree() {
        let yaml = "services:\n  web:\n    image: nginx\n    scale: 2\n    cpus: 0.5\n    mem_limit: 1g\n    mem_reservation: 512m\n    pids_limit: 10\n    deploy:\n      replicas: 3\n      resources:\n        limits: {cpus: \"1\", memory: 1024m, pids: 20}\n        reservations: {memory: 256m}\n";
        let found = check(yaml);
        // mem_limit 1g == 1024m agrees; the other four differ.
        assert_eq!(
            found.iter().map(|d| d.code).collect::<Vec<_>>(),
            [Code::ConflictingSettings; 4],
            "{found:?}"
        );
        assert!(
            found[0]
                .message
                .starts_with("`scale` and `deploy.replicas`")
        );
    }

    #[test]
    fn mounts_on_one_path_are_an_error() {
        let yaml = "services:\n  web:\n    image: nginx\n    volumes: [data:/data, ./x:/data/]\n    tmpfs: /run/secrets/token\n    secrets: [token]\nvolumes:\n  data: {}\nsecrets:\n  token: {file: ./token}\n";
        let found = check(yaml);
        assert_eq!(
            found.iter().map(|d| d.code).collect::<Vec<_>>(),
            [Code::DuplicateMountTarget, Code::DuplicateMountTarget],
            "{found:?}"
        );
        assert_eq!(found[0].related.len(), 1);
    }

    #[test]
    fn a_relative_config_target_is_not_under_run_secrets() {
        let yaml = "services:\n  web:\n    image: nginx\n    secrets: [token]\n    configs:\n      - source: site\n        target: token\nsecrets:\n  token: {file: ./token}\nconfigs:\n  site: {content: x}\n";
        assert_eq!(codes(yaml), []);
    }

    #[test]
    fn healthcheck_tests_start_with_a_known_word() {
        let bad = "services:\n  web:\n    image: nginx\n    healthcheck:\n      test: [\"curl\", \"-f\", \"http://localhost\"]\n";
        let found = check(bad);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, Code::InvalidHealthcheck);
        assert_eq!(
            found[0].message,
            "the healthcheck `test` of `web` starts with `curl`"
        );
        let empty = "services:\n  web:\n    image: nginx\n    healthcheck:\n      test: [CMD]\n";
        assert_eq!(codes(empty), [Code::InvalidHealthcheck]);
        let good = "services:\n  web:\n    image: nginx\n    healthcheck:\n      test: curl -f http://localhost\n  db:\n    image: x\n    healthcheck:\n      test: [NONE]\n";
        assert_eq!(codes(good), []);
    }
}
