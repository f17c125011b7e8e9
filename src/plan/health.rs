//! `healthcheck` as probes.
//!
//! Compose runs the check every `interval` (30 s), gives it `timeout` (30 s), and calls the
//! container unhealthy after `retries` (3) failures, not counting failures during
//! `start_period` (checked every `start_interval`, 5 s). Kubernetes gets the same check as a
//! readiness probe (an unhealthy container gets no traffic, as Compose's `service_healthy`
//! waits intend) and a liveness probe, plus a startup probe for the start period. `CMD` runs
//! the argv as is, `CMD-SHELL` runs it with `/bin/sh -c`, exactly as Docker does.
//! The `kompose.service.healthcheck.{readiness,liveness}.*` labels set a probe explicitly.

use std::sync::Arc;

use k8s_openapi::api::core::v1::{ExecAction, HTTPGetAction, Probe, TCPSocketAction};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::compose::model::Service;
use crate::compose::model::syntax::Duration;
use crate::plan::hosts::HostNames;
use crate::plan::kompose;
use crate::report::{Entry, Report};
use crate::source::Span;

/// The probes of one container.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Probes {
    pub readiness: Option<Arc<Probe>>,
    pub liveness: Option<Arc<Probe>>,
    pub startup: Option<Arc<Probe>>,
}

/// Compose's defaults, in seconds.
const DEFAULT_INTERVAL: i32 = 30;
const DEFAULT_TIMEOUT: i32 = 30;
const DEFAULT_RETRIES: i32 = 3;
const DEFAULT_START_INTERVAL: i32 = 5;

/// The probes of a service. `gates_dependents`: another container of the Pod waits for this
/// one to be healthy, so it gets a startup probe even without a start period.
pub fn probes(
    hosts: &HostNames,
    name: &str,
    service: &Service,
    gates_dependents: bool,
    report: &mut Report,
) -> Probes {
    let mut probes = Probes::default();
    if let Some(mut check) = compose_check(name, service, report) {
        for word in &mut check.command {
            if let Some(rewritten) =
                hosts.rewrite_reported(word, Some(name), "healthcheck.test", check.span, report)
            {
                *word = rewritten;
            }
        }
        let period = check.interval;
        let base = Arc::new(Probe {
            exec: Some(ExecAction {
                command: Some(check.command.clone()),
            }),
            period_seconds: Some(period),
            timeout_seconds: Some(check.timeout),
            failure_threshold: Some(check.retries),
            ..Probe::default()
        });
        probes.readiness = Some(Arc::clone(&base));
        probes.liveness = Some(Arc::clone(&base));
        if check.start_period > 0 || gates_dependents {
            let every = if check.start_period > 0 {
                check.start_interval
            } else {
                period
            };
            let every_positive = every.max(1);
            let during_start = (check.start_period + every_positive - 1) / every_positive;
            probes.startup = Some(Arc::new(Probe {
                period_seconds: Some(every),
                failure_threshold: Some(during_start + check.retries),
                ..Probe::clone(&base)
            }));
        }
        report.add(
            Entry::approximated(
                Some(name),
                "healthcheck",
                check.span,
                "Kubernetes restarts the container after `retries` failed checks (liveness probe); Compose only marks it unhealthy",
            )
            .help("remove the liveness probe from the output if restarts are not wanted"),
        );
    }
    for (which, slot) in [
        ("readiness", &mut probes.readiness),
        ("liveness", &mut probes.liveness),
    ] {
        match label_probe(name, service, which, report) {
            LabelProbe::Absent => {}
            LabelProbe::Disabled => *slot = None,
            LabelProbe::Probe(probe) => *slot = Some(Arc::from(probe)),
        }
    }
    probes
}

/// A healthcheck as Compose would run it.
struct Check {
    command: Vec<String>,
    interval: i32,
    timeout: i32,
    retries: i32,
    start_period: i32,
    start_interval: i32,
    span: Option<Span>,
}

fn compose_check(name: &str, service: &Service, report: &mut Report) -> Option<Check> {
    let healthcheck = service.healthcheck.as_ref()?;
    if healthcheck.disable.as_ref().is_some_and(|d| d.value) {
        return None;
    }
    let Some(test) = &healthcheck.test else {
        report.add(
            Entry::unsupported(
                Some(name),
                "healthcheck",
                healthcheck.span,
                "without `test`, the check comes from the image's HEALTHCHECK, which compose2kube cannot read; there is no probe",
            )
            .help("copy the image's HEALTHCHECK command into `test:`"),
        );
        return None;
    };
    let command = match test.split_first() {
        Some((kind, rest)) if kind == "CMD" && !rest.is_empty() => rest.to_vec(),
        Some((kind, rest)) if kind == "CMD-SHELL" && !rest.is_empty() => {
            vec!["/bin/sh".into(), "-c".into(), rest.join(" ")]
        }
        // `NONE`, or an invalid test (reported by the check stage).
        _ => return None,
    };
    let mut seconds =
        |value: Option<&crate::source::Spanned<Duration>>, default: i32, key: &str| {
            value.map_or(default, |d| to_seconds(name, key, d.value, d.span, report))
        };
    Some(Check {
        command,
        interval: seconds(
            healthcheck.interval.as_ref(),
            DEFAULT_INTERVAL,
            "healthcheck.interval",
        ),
        timeout: seconds(
            healthcheck.timeout.as_ref(),
            DEFAULT_TIMEOUT,
            "healthcheck.timeout",
        ),
        start_period: seconds(
            healthcheck.start_period.as_ref(),
            0,
            "healthcheck.start_period",
        ),
        start_interval: seconds(
            healthcheck.start_interval.as_ref(),
            DEFAULT_START_INTERVAL,
            "healthcheck.start_interval",
        ),
        retries: healthcheck.retries.as_ref().map_or(DEFAULT_RETRIES, |r| {
            i32::try_from(r.value).unwrap_or(i32::MAX).max(1)
        }),
        span: service.keys.get("healthcheck").or(healthcheck.span),
    })
}

/// Whole seconds (at least 1 where a period is meant); a fraction is rounded up, with a note.
fn to_seconds(name: &str, key: &str, duration: Duration, span: Span, report: &mut Report) -> i32 {
    let std = duration.as_std();
    let mut seconds = std.as_secs();
    if std.subsec_nanos() > 0 {
        seconds += 1;
        report.add(Entry::approximated(
            Some(name),
            key,
            Some(span),
            format!("Kubernetes counts whole seconds; {duration} becomes {seconds}s"),
        ));
    }
    i32::try_from(seconds).unwrap_or(i32::MAX)
}

/// What the `kompose.service.healthcheck.<which>.*` labels say about one probe.
enum LabelProbe {
    /// No such labels: the healthcheck decides.
    Absent,
    /// The labels disable the probe.
    Disabled,
    Probe(Box<Probe>),
}

/// A probe set with `kompose.service.healthcheck.<which>.*` labels.
fn label_probe(name: &str, service: &Service, which: &str, report: &mut Report) -> LabelProbe {
    // Most services have none of these labels: the prefix is built only for those that do.
    let labelled = service.labels.keys().any(|k| {
        k.strip_prefix(kompose::HEALTHCHECK_PREFIX)
            .and_then(|rest| rest.strip_prefix(which))
            .is_some_and(|rest| rest.starts_with('.'))
    });
    if !labelled {
        return LabelProbe::Absent;
    }
    let prefix = format!("{}{which}.", kompose::HEALTHCHECK_PREFIX);
    let get = |field: &str| kompose::label(service, &format!("{prefix}{field}"));
    if get("disable").is_some_and(|d| d.value == "true") {
        return LabelProbe::Disabled;
    }
    let seconds = |field: &str, report: &mut Report| {
        get(field).and_then(|value| match Duration::parse(value) {
            Ok(duration) => Some(to_seconds(
                name,
                &format!("labels.{prefix}{field}"),
                duration,
                value.span,
                report,
            )),
            Err(_) => {
                report.add(
                    Entry::unsupported(
                        Some(name),
                        &format!("labels.{prefix}{field}"),
                        Some(value.span),
                        "not a duration; the label is ignored",
                    )
                    .help("write a duration such as `10s`"),
                );
                None
            }
        })
    };
    let mut probe = Probe {
        period_seconds: seconds("interval", report),
        timeout_seconds: seconds("timeout", report),
        initial_delay_seconds: seconds("start_period", report),
        failure_threshold: get("retries").and_then(|r| kompose::number(r, 1, i64::from(i32::MAX))),
        ..Probe::default()
    };
    if let Some(path) = get("http_get_path") {
        probe.http_get = Some(HTTPGetAction {
            path: Some(path.value.clone()),
            port: IntOrString::Int(
                get("http_get_port")
                    .and_then(|p| kompose::number(p, 1, 65535))
                    .unwrap_or(80),
            ),
            ..HTTPGetAction::default()
        });
    } else if let Some(port) = get("tcp_port").and_then(|p| kompose::number(p, 1, 65535)) {
        probe.tcp_socket = Some(TCPSocketAction {
            port: IntOrString::Int(port),
            host: None,
        });
    } else if let Some(test) = get("test") {
        probe.exec = Some(ExecAction {
            command: Some(vec!["/bin/sh".into(), "-c".into(), test.value.clone()]),
        });
    } else {
        report.add(
            Entry::unsupported(
                Some(name),
                &format!("labels.{prefix}*"),
                service.keys.get("labels"),
                "the labels name no check (`test`, `http_get_path` or `tcp_port`); no probe",
            )
            .help(format!("add `{prefix}test`")),
        );
        return LabelProbe::Disabled;
    }
    LabelProbe::Probe(Box::new(probe))
}
